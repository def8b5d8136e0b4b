"""Test helpers for loyalrules programs: Hypothesis strategies and economic checks.

Needs the optional extra: ``pip install loyalrules[testing]``. Importing it registers
strategies so ``st.from_type(Purchase)`` (and Money, LineItem, Cart, Member, Activity)
works. ``from_program(program)`` gives strategies shaped by a program, and the checks
prove its economics in your own test suite (see ``docs/economics.md``)::

    from hypothesis import given
    from loyalrules.testing import check_split_never_earns_more, from_program

    @given(from_program(program).scenarios())
    def test_splitting_an_order_does_not_pay(scenario):
        check_split_never_earns_more(program, scenario)

May import: every layer of the library but ``cli``; nothing in the library imports it.
"""

from loyalrules.economics.scenario import Playback, Played, Scenario, play
from loyalrules.testing.cart_strategies import carts, instants, line_items, money
from loyalrules.testing.checks import (
    CHECKS,
    CheckFailed,
    check_conservation,
    check_full_return_nets_zero,
    check_no_negative_balance,
    check_redemption_cancel_restores,
    check_replay_adds_nothing,
    check_reward_rate,
    check_split_never_earns_more,
    splits,
)
from loyalrules.testing.program_strategies import ProgramStrategies, from_program
from loyalrules.testing.strategies import activities, members, purchase_histories, purchases
from loyalrules.values.inputs import old_names

__all__ = [
    "CHECKS",
    "CheckFailed",
    "Playback",
    "Played",
    "ProgramStrategies",
    "Scenario",
    "activities",
    "carts",
    "check_conservation",
    "check_full_return_nets_zero",
    "check_no_negative_balance",
    "check_redemption_cancel_restores",
    "check_replay_adds_nothing",
    "check_reward_rate",
    "check_split_never_earns_more",
    "from_program",
    "instants",
    "line_items",
    "members",
    "money",
    "play",
    "purchase_histories",
    "purchases",
    "splits",
]

# Records this package gave before the operation records were one set (decision 0024):
# the same classes now live in ``loyalrules.values.inputs``, exported by ``loyalrules``.
__getattr__ = old_names(
    __name__,
    {
        "CancelRedemption": "CancelRedemption",
        "ExpiryRun": "Expire",
        "Redeem": "Redeem",
        "TierReview": "ReviewTiers",
    },
)
