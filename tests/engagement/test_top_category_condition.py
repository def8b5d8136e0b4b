"""``when: {top_category: {per: month, is: coffee}}``: the member's top category of the
previous period, as a condition of any rule."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from support import item

from loyalrules import Activity, Ledger, Member, ProgramError, Purchase, Return, loads_program

LA = ZoneInfo("America/Los_Angeles")
MEMBER = Member(id="m-1", joined_at=datetime(2026, 1, 1, tzinfo=LA))
PROGRAM = loads_program(
    """
program: t
currency: USD
timezone: America/Los_Angeles
earn:
  - id: coffee-fan
    name: Coffee fan
    when: {top_category: {per: month, is: coffee}}
    effect: {type: bonus, points: 25}
  - id: not-tea
    activity: review
    when: {not: {top_category: {per: week, is: tea}}}
    effect: {type: bonus, points: 3}
"""
)


def _order(number: int, at: datetime, *lines: tuple[str, str]) -> Purchase:
    items = [item(f"S-{i}", price, category) for i, (category, price) in enumerate(lines)]
    return Purchase(id=f"o-{number}", member_id=MEMBER.id, occurred_at=at, lines=items)


def _run(ledger: Ledger, event: Purchase | Return | Activity) -> tuple[Ledger, int, str]:
    outcome = PROGRAM.process(event, member=MEMBER, ledger=ledger)
    check = outcome.why("coffee-fan")
    return ledger.apply(outcome), outcome.points, str(check)


FEB = (_order(1, datetime(2026, 2, 3, tzinfo=LA), ("coffee", "30.00"), ("tea", "5.00")),)


def test_a_member_whose_top_category_last_month_matches_earns_the_bonus() -> None:
    ledger, _, _ = _run(Ledger(), FEB[0])
    _, points, why = _run(ledger, _order(2, datetime(2026, 3, 2, tzinfo=LA), ("tea", "4.00")))
    assert points == 25  # whatever this order holds
    assert why == "Coffee fan: +25"


def test_why_not_names_the_category_seen() -> None:
    ledger, _, _ = _run(Ledger(), _order(1, datetime(2026, 2, 3, tzinfo=LA), ("tea", "9.00")))
    _, points, why = _run(ledger, _order(2, datetime(2026, 3, 2, tzinfo=LA), ("coffee", "4.00")))
    assert points == 0
    assert "wanted coffee as the top category of the previous month" in why
    assert "saw tea was the top" in why


def test_a_member_who_bought_nothing_last_month_has_no_top_category() -> None:
    ledger, _, _ = _run(Ledger(), _order(1, datetime(2026, 3, 1, tzinfo=LA), ("coffee", "9.00")))
    _, points, why = _run(ledger, _order(2, datetime(2026, 3, 20, tzinfo=LA), ("coffee", "4.00")))
    assert points == 0  # March's own coffee does not count: the previous month does
    assert "saw nothing bought in the previous month" in why


def test_the_month_boundary_is_local_midnight() -> None:
    ledger, _, _ = _run(Ledger(), FEB[0])
    last_of_feb = datetime(2026, 2, 28, 23, 59, tzinfo=LA)
    _, points, _ = _run(ledger, _order(2, last_of_feb, ("tea", "4.00")))
    assert points == 0  # still February: its previous month is January
    _, points, _ = _run(ledger, _order(2, datetime(2026, 3, 1, 0, 0, tzinfo=LA), ("tea", "4.00")))
    assert points == 25


def test_a_return_in_the_period_can_change_its_top_category() -> None:
    ledger, _, _ = _run(Ledger(), FEB[0])
    ledger, _, _ = _run(ledger, _order(2, datetime(2026, 2, 9, tzinfo=LA), ("tea", "20.00")))
    back = Return(id="r-1", purchase=FEB[0], occurred_at=datetime(2026, 2, 20, tzinfo=LA))
    ledger, _, _ = _run(ledger, back)
    _, points, why = _run(ledger, _order(3, datetime(2026, 3, 2, tzinfo=LA), ("tea", "4.00")))
    assert points == 0
    assert "saw tea was the top" in why


def test_the_condition_composes_for_activities_too() -> None:
    ledger, _, _ = _run(Ledger(), _order(1, datetime(2026, 3, 2, tzinfo=LA), ("tea", "9.00")))
    review = Activity(
        id="a-1", member_id=MEMBER.id, kind="review", occurred_at=datetime(2026, 3, 10, tzinfo=LA)
    )
    _, points, _ = _run(ledger, review)
    assert points == 0  # last week's top was tea
    later = Activity(
        id="a-2", member_id=MEMBER.id, kind="review", occurred_at=datetime(2026, 3, 17, tzinfo=LA)
    )
    _, points, _ = _run(ledger, later)
    assert points == 3


def test_a_condition_without_its_category_is_refused_with_the_key_named() -> None:
    with pytest.raises(ProgramError, match="top_category: missing required key 'is'"):
        loads_program(
            "program: t\ncurrency: USD\ntimezone: UTC\nearn:\n"
            "  - {id: x, when: {top_category: {per: month}}, effect: {type: bonus, points: 1}}\n"
        )
