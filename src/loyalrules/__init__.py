"""loyalrules: an embeddable, pure-Python rules engine for customer loyalty programs.

Load a program once, then evaluate events against a member's ledger::

    program = load_program("coffee_club.yaml")
    outcome = program.process(purchase, member=member, ledger=ledger)
    ledger = ledger.append(outcome.entries)   # the host persists outcome.entries
    print(outcome)                            # one line per rule, and near misses
"""

from typing import TYPE_CHECKING, Any

from loyalrules._version import __version__
from loyalrules.errors import (
    CurrencyMismatch,
    DuplicateEntry,
    InsufficientPoints,
    InternalError,
    LimitReached,
    LoyalRulesError,
    NotAllowed,
    NotEligible,
    Problem,
    ProgramError,
    StaleOutcome,
    UnknownReward,
    ValidationError,
    WrongTypeError,
)
from loyalrules.ledger.checkpoint import Checkpoint
from loyalrules.ledger.entries import (
    Activated,
    Adjusted,
    Consumption,
    Debit,
    Earned,
    Entry,
    Expired,
    Lot,
    Recorded,
    Redeemed,
    Restored,
    Reversed,
    TransferredIn,
    TransferredOut,
    entry_from_dict,
)
from loyalrules.ledger.facts import Facts
from loyalrules.ledger.fields import Inactivity
from loyalrules.ledger.ledger import Balance, Ledger
from loyalrules.ledger.standing_entries import MembershipChanged, TierAssigned, TierChanged
from loyalrules.ledger.verify import Inconsistency
from loyalrules.operations.memberships import MembershipValue
from loyalrules.operations.outcome import Outcome, Quote
from loyalrules.operations.payouts import PayoutStatus
from loyalrules.operations.points_payment import PointsPayment
from loyalrules.operations.redemption import RewardOption
from loyalrules.operations.status import AccountStatus, Status, TierStatus
from loyalrules.program import Program
from loyalrules.rules.conditions import Condition
from loyalrules.rules.context import Context
from loyalrules.rules.effects import BonusEffect, Effect, Multiplier, SpendEffect
from loyalrules.rules.explanation import Explanation
from loyalrules.rules.lines import EligibleLine
from loyalrules.rules.rewards import Grant, Reward
from loyalrules.rules.rule import Rule
from loyalrules.terms.policies import Plan
from loyalrules.terms.tiers import Level, Measure, Tiers, TierState
from loyalrules.values.events import (
    Activation,
    Activity,
    Cart,
    LineItem,
    Membership,
    Purchase,
    Return,
)
from loyalrules.values.member import Member
from loyalrules.values.money import Money, allocate
from loyalrules.values.tenders import Tender

if TYPE_CHECKING:
    from loyalrules.loader import (
        BuildEnv,
        load_program,
        loads_program,
        program_json_schema,
        register_condition,
        register_effect,
    )

# The loader and PyYAML are imported on first use of one of these names, so hosts that
# only evaluate (workers handed a pickled Program) do not pay for them at import.
_FROM_LOADER = frozenset(
    {
        "BuildEnv",
        "load_program",
        "loads_program",
        "program_json_schema",
        "register_condition",
        "register_effect",
    }
)


def __getattr__(name: str) -> Any:
    if name in _FROM_LOADER:
        from loyalrules import loader

        value = getattr(loader, name)
        globals()[name] = value  # later lookups skip this function
        return value
    raise AttributeError(f"module 'loyalrules' has no attribute {name!r}")


__all__ = [
    "AccountStatus",
    "Activated",
    "Activation",
    "Activity",
    "Adjusted",
    "Balance",
    "BonusEffect",
    "BuildEnv",
    "Cart",
    "Checkpoint",
    "Condition",
    "Consumption",
    "Context",
    "CurrencyMismatch",
    "Debit",
    "DuplicateEntry",
    "Earned",
    "Effect",
    "EligibleLine",
    "Entry",
    "Expired",
    "Explanation",
    "Facts",
    "Grant",
    "Inactivity",
    "Inconsistency",
    "InsufficientPoints",
    "InternalError",
    "Ledger",
    "Level",
    "LimitReached",
    "LineItem",
    "Lot",
    "LoyalRulesError",
    "Measure",
    "Member",
    "Membership",
    "MembershipChanged",
    "MembershipValue",
    "Money",
    "Multiplier",
    "NotAllowed",
    "NotEligible",
    "Outcome",
    "PayoutStatus",
    "Plan",
    "PointsPayment",
    "Problem",
    "Program",
    "ProgramError",
    "Purchase",
    "Quote",
    "Recorded",
    "Redeemed",
    "Restored",
    "Return",
    "Reversed",
    "Reward",
    "RewardOption",
    "Rule",
    "SpendEffect",
    "StaleOutcome",
    "Status",
    "Tender",
    "TierAssigned",
    "TierChanged",
    "TierState",
    "TierStatus",
    "Tiers",
    "TransferredIn",
    "TransferredOut",
    "UnknownReward",
    "ValidationError",
    "WrongTypeError",
    "__version__",
    "allocate",
    "entry_from_dict",
    "load_program",
    "loads_program",
    "program_json_schema",
    "register_condition",
    "register_effect",
]
