"""Returns undo engagement: a purchase returned in full is no visit, and a reward a
return took back in full counts for no limit, so it can be earned again."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from support import item

from loyalrules import Ledger, Member, Purchase, Return, loads_program

NY = ZoneInfo("America/New_York")
MEMBER = Member(id="m-1", joined_at=datetime(2026, 1, 1, tzinfo=NY))
PROGRAM = loads_program(
    """
program: t
currency: USD
timezone: America/New_York
earn:
  - {id: base, effect: {type: points_per_spend, points: 1}}
  - id: third-visit
    when: {visits: {at_least: 3, per: month}}
    limit: {per: month}
    effect: {type: bonus, points: 50}
challenges:
  - id: four-visits
    name: Four visits
    goal: {visits: 4}
    per: month
    points: 400
"""
)


def _order(number: int, day: int, *prices: str) -> Purchase:
    lines = [item(f"S-{i}", price, id=f"l-{i}") for i, price in enumerate(prices or ("5.00",))]
    return Purchase(
        id=f"o-{number}",
        member_id=MEMBER.id,
        occurred_at=datetime(2026, 3, day, 9, tzinfo=NY),
        lines=lines,
    )


def _apply(ledger: Ledger, event: Purchase | Return) -> tuple[Ledger, int]:
    outcome = PROGRAM.process(event, member=MEMBER, ledger=ledger)
    return ledger.apply(outcome), outcome.change()


def _back(number: int, purchase: Purchase, day: int, **lines: int) -> Return:
    at = datetime(2026, 3, day, 18, tzinfo=NY)
    return Return(id=f"r-{number}", purchase=purchase, occurred_at=at, lines=lines or None)


def test_a_purchase_returned_in_full_is_no_visit() -> None:
    first = _order(1, 2)
    ledger, _ = _apply(Ledger(), first)
    ledger, _ = _apply(ledger, _order(2, 3))
    ledger, _ = _apply(ledger, _back(1, first, 3))
    ledger, change = _apply(ledger, _order(3, 4))
    assert change == 5  # two visits standing (March 3 and 4): no third-visit bonus
    ledger, change = _apply(ledger, _order(4, 5))
    assert change == 55


def test_a_purchase_returned_in_part_is_still_a_visit() -> None:
    first = _order(1, 2, "5.00", "3.00")
    ledger, _ = _apply(Ledger(), first)
    ledger, _ = _apply(ledger, _order(2, 3))
    ledger, _ = _apply(ledger, _back(1, first, 3, **{"l-1": 1}))
    _, change = _apply(ledger, _order(3, 4))
    assert change == 55


def test_status_counts_visits_net_of_full_returns() -> None:
    first = _order(1, 2)
    ledger, _ = _apply(Ledger(), first)
    ledger, _ = _apply(ledger, _order(2, 3))
    at = datetime(2026, 3, 3, 20, tzinfo=NY)
    before = PROGRAM.status(member=MEMBER, ledger=ledger, at=at).messages[-1]
    assert before == "Four visits: 2 more visits by the end of 2026-03-31"
    ledger, _ = _apply(ledger, _back(1, first, 3))
    after = PROGRAM.status(member=MEMBER, ledger=ledger, at=at).messages[-1]
    assert after == "Four visits: 3 more visits by the end of 2026-03-31"


def test_a_challenge_a_return_undid_can_be_completed_again_in_its_period() -> None:
    orders = [_order(n, day) for n, day in enumerate((2, 3, 4, 5), start=1)]
    ledger = Ledger()
    for purchase in orders:
        ledger, change = _apply(ledger, purchase)
    assert change == 5 + 50 + 400 - 50  # the fourth visit: base and the challenge
    ledger, change = _apply(ledger, _back(1, orders[0], 6))
    # three visits left: the challenge is undone, and so is the third-visit bonus of
    # March 4 (its third visit is gone)
    assert change == -5 - 400 - 50
    ledger, change = _apply(ledger, _order(5, 9))
    assert change == 5 + 400 + 50  # four visits again: both pay again, once
    _, change = _apply(ledger, _order(6, 10))
    assert change == 5


MONTHLY = loads_program(
    """
program: t
currency: USD
timezone: America/New_York
earn:
  - {id: base, effect: {type: points_per_spend, points: 1}}
  - {id: monthly, limit: {per: month}, effect: {type: bonus, points: 50}}
"""
)


def test_a_limit_freed_by_one_return_does_not_shrink_what_another_takes_back() -> None:
    first, second = _order(1, 2, "10.00"), _order(2, 5, "10.00", "10.00")
    ledger = Ledger()
    for event in (first, second, _back(1, first, 10), _back(2, second, 11, **{"l-1": 1})):
        outcome = MONTHLY.process(event, member=MEMBER, ledger=ledger)
        ledger = ledger.apply(outcome)
    # the second order paid base only (the monthly bonus went to the first); once the
    # first is returned, the kept line could earn the bonus, but the return of the other
    # line still takes back its 10 points
    assert str(outcome) == "Returned 1 x l-1 from order o-2: -10 points"
    assert ledger.balance(datetime(2026, 3, 12, tzinfo=NY)).available == 10
