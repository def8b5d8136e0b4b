"""Test helpers for loyalrules programs: Hypothesis strategies for its own types.

Needs the optional extra: ``pip install loyalrules[testing]``. Importing it registers
strategies so ``st.from_type(Purchase)`` (and Money, LineItem, Cart, Member, Activity)
works::

    from hypothesis import given
    from loyalrules.testing import carts

    @given(carts(max_lines=3))
    def test_quote_is_never_negative(cart):
        assert program.quote(cart, member=member, ledger=Ledger(), at=now).points >= 0

May import: every layer of the library but ``cli``; nothing in the library imports it.
"""

from loyalrules.testing.strategies import (
    activities,
    carts,
    instants,
    line_items,
    members,
    money,
    purchase_histories,
    purchases,
)

__all__ = [
    "activities",
    "carts",
    "instants",
    "line_items",
    "members",
    "money",
    "purchase_histories",
    "purchases",
]
