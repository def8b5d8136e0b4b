"""A redemption dated before expiries already written is refused with a clear error.

The balance as of the earlier instant still counts the points (they had not expired
then), but the expiry run written later took them: the redemption cannot spend them.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from loyalrules import (
    InsufficientPoints,
    Ledger,
    LineItem,
    Member,
    Money,
    Purchase,
    ValidationError,
    loads_program,
)

PROGRAM = loads_program(
    """
program: shop
currency: USD
timezone: UTC
expiry: {after: P12M}
earn:
  - id: base
    effect: {type: points_per_spend, points: 1}
rewards:
  - id: five-off
    cost: 50
    gives: {type: amount_off, amount: "5.00"}
"""
)
MEMBER = Member(id="m-1", joined_at=datetime(2026, 1, 1, tzinfo=UTC))
BOUGHT = datetime(2026, 1, 12, tzinfo=UTC)
LATE_EXPIRY_RUN = datetime(2027, 5, 1, tzinfo=UTC)
BEFORE_EXPIRY = datetime(2026, 12, 31, tzinfo=UTC)


def _expired_ledger() -> Ledger:
    purchase = Purchase(
        id="o-1",
        member_id="m-1",
        occurred_at=BOUGHT,
        lines=[LineItem(sku="s", category="c", unit_price=Money("82.99", "USD"))],
    )
    ledger = Ledger().apply(PROGRAM.process(purchase, member=MEMBER, ledger=Ledger()))
    return ledger.apply(PROGRAM.expire(member=MEMBER, ledger=ledger, at=LATE_EXPIRY_RUN))


def test_a_redemption_dated_before_written_expiries_is_refused_with_the_reason() -> None:
    ledger = _expired_ledger()
    assert ledger.balance(at=BEFORE_EXPIRY).available == 82  # not expired yet then
    with pytest.raises(ValidationError, match="before entries already in the ledger"):
        PROGRAM.redeem("five-off", member=MEMBER, ledger=ledger, at=BEFORE_EXPIRY, key="r")
    assert len(ledger) == 3  # nothing was written


def test_after_the_expiry_run_the_points_are_simply_gone() -> None:
    ledger = _expired_ledger()
    with pytest.raises(InsufficientPoints):
        PROGRAM.redeem("five-off", member=MEMBER, ledger=ledger, at=LATE_EXPIRY_RUN, key="r")
