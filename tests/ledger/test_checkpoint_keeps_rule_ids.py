"""A lot a checkpoint keeps remembers the rule that earned it: a full return after the
checkpoint takes the rule's earning back from its limit, as on the whole ledger."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from loyalrules import Ledger, LineItem, Member, Money, Purchase, Return, loads_program

PROGRAM = loads_program("""
program: monthly
currency: USD
timezone: UTC
earn:
  - id: base
    effect: {type: points_per_spend, points: 1}
  - id: monthly
    limit: {times: 1, per: month}
    effect: {type: bonus, points: 7}
""")
MEMBER = Member(id="m-1", joined_at=datetime(2026, 1, 1, tzinfo=UTC))
BOUGHT = datetime(2026, 3, 2, tzinfo=UTC)


def _purchase(order_id: str, at: datetime) -> Purchase:
    line = LineItem(id="l", sku="x", category="x", unit_price=Money("5.00", "USD"))
    return Purchase(id=order_id, member_id=MEMBER.id, occurred_at=at, lines=[line])


@pytest.mark.parametrize("through_rows", [False, True])
def test_a_return_after_the_checkpoint_frees_the_limit_as_on_the_whole_ledger(
    through_rows: bool,
) -> None:
    first = _purchase("o-1", BOUGHT)
    ledger = Ledger().apply(PROGRAM.process(first, member=MEMBER, ledger=Ledger()))
    back = Return(id="r-1", purchase=first, occurred_at=BOUGHT + timedelta(hours=2))
    whole = ledger.apply(PROGRAM.process(back, member=MEMBER, ledger=ledger))
    # Cut between the order and its return: the bonus lot is open at the checkpoint.
    compact = whole.compact(BOUGHT + timedelta(hours=1))
    if through_rows:
        compact = Ledger.from_dicts(compact.to_dicts())

    later = _purchase("o-2", BOUGHT + timedelta(hours=5))
    on_whole = PROGRAM.process(later, member=MEMBER, ledger=whole)
    on_compact = PROGRAM.process(later, member=MEMBER, ledger=compact)
    assert on_compact.entries == on_whole.entries
    assert on_compact.paid("monthly")  # the returned order's bonus counts for no limit
