"""Visits in a period and streaks of periods, from the ledger, in the program's zone;
and limits: a capped rule never exceeds its cap in any period."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import earn_program, item

from loyalrules import Activity, Earned, Ledger, Member, Purchase
from loyalrules.values.timeutil import Period

NY = ZoneInfo("America/New_York")
MEMBER = Member(id="m-1", joined_at=datetime(2026, 1, 1, tzinfo=NY))
PROGRAM = earn_program(
    """
    - id: five-visits
      name: 5 visits in a month
      when: {visits: {at_least: 5, per: month}}
      limit: {per: month}
      effect: {type: bonus, points: 200}
    - id: streak
      name: 4 weeks in a row
      when: {streak: {periods: 4, per: week}}
      limit: {per: week}
      effect: {type: bonus, points: 100}
    - id: capped
      limit: {times: 2, per: week}
      effect: {type: bonus, points: 1}
    - id: visit-review
      activity: review
      when: {visits: {at_least: 1, per: day}}
      effect: {type: bonus, points: 3}
    """,
    zone="America/New_York",
)


def _run(
    moments: list[datetime], ledger: Ledger | None = None
) -> tuple[Ledger, list[dict[str, int]]]:
    ledger = ledger or Ledger()
    paid = []
    for number, at in enumerate(moments):
        order = Purchase(
            id=f"o-{number}-{at.isoformat()}", member_id=MEMBER.id, occurred_at=at, lines=[item()]
        )
        outcome = PROGRAM.process(order, member=MEMBER, ledger=ledger)
        ledger = ledger.apply(outcome)
        paid.append({e.rule_id: e.points for e in outcome.entries if isinstance(e, Earned)})
    return ledger, paid


def test_the_fifth_visit_of_the_month_pays() -> None:
    days = [datetime(2026, 3, d, 12, tzinfo=NY) for d in (2, 5, 9, 14, 20, 25)]
    _, paid = _run(days)
    assert ["five-visits" in p for p in paid] == [False, False, False, False, True, False]


def test_two_orders_on_one_local_day_are_one_visit() -> None:
    days = [datetime(2026, 3, d, 12, tzinfo=NY) for d in (2, 5, 9, 14)]
    days += [datetime(2026, 3, 14, 23, 59, tzinfo=NY), datetime(2026, 3, 15, 0, 0, tzinfo=NY)]
    _, paid = _run(days)
    assert ["five-visits" in p for p in paid] == [False] * 5 + [True]


def test_visits_count_in_the_month_of_the_programs_zone() -> None:
    days = [datetime(2026, 3, d, 12, tzinfo=NY) for d in (2, 5, 9, 14)]
    ledger, _ = _run(days)
    # 01:30 UTC on April 1 is still March 31 in New York.
    _, paid = _run([datetime(2026, 4, 1, 1, 30, tzinfo=ZoneInfo("UTC"))], ledger)
    assert "five-visits" in paid[0]


def test_a_streak_needs_every_week_in_a_row() -> None:
    mondays = [datetime(2026, 3, 2, 12, tzinfo=NY) + timedelta(weeks=w) for w in (0, 1, 2, 3)]
    _, paid = _run(mondays)
    assert ["streak" in p for p in paid] == [False, False, False, True]
    gap = [datetime(2026, 3, 2, 12, tzinfo=NY) + timedelta(weeks=w) for w in (0, 1, 3, 4, 5)]
    _, paid = _run(gap)
    assert ["streak" in p for p in paid] == [False] * 5


def test_a_streak_counts_weeks_from_monday_midnight_local() -> None:
    # Sunday 23:59 and Monday 00:00 are two weeks.
    moments = [
        datetime(2026, 3, 8, 23, 59, tzinfo=NY),
        datetime(2026, 3, 9, 0, 0, tzinfo=NY),
        datetime(2026, 3, 16, 9, tzinfo=NY),
        datetime(2026, 3, 23, 9, tzinfo=NY),
    ]
    _, paid = _run(moments)
    assert "streak" in paid[3]


def test_why_not_says_how_far_the_member_got() -> None:
    days = [datetime(2026, 3, d, 12, tzinfo=NY) for d in (2, 5)]
    ledger, _ = _run(days)
    order = Purchase(
        id="o-x", member_id=MEMBER.id, occurred_at=datetime(2026, 3, 9, tzinfo=NY), lines=[item()]
    )
    check = PROGRAM.process(order, member=MEMBER, ledger=ledger).why("five-visits")
    assert check is not None
    assert check.reasons[0].seen == "3 visits in the month"


def test_an_activity_is_not_a_visit_but_sees_the_visits() -> None:
    ledger, _ = _run([datetime(2026, 3, 2, 9, tzinfo=NY)])
    same_day = Activity(
        id="r-1",
        member_id=MEMBER.id,
        kind="review",
        occurred_at=datetime(2026, 3, 2, 18, tzinfo=NY),
    )
    next_day = Activity(
        id="r-2",
        member_id=MEMBER.id,
        kind="review",
        occurred_at=datetime(2026, 3, 3, 18, tzinfo=NY),
    )
    assert PROGRAM.process(same_day, member=MEMBER, ledger=ledger).points == 3
    assert PROGRAM.process(next_day, member=MEMBER, ledger=ledger).points == 0


@pytest.mark.parametrize("replays", [1, 2])
def test_replays_pay_nothing_twice(replays: int) -> None:
    days = [datetime(2026, 3, d, 12, tzinfo=NY) for d in (2, 5, 9, 14, 20)]
    ledger, _ = _run(days)
    order = Purchase(
        id=f"o-4-{days[4].isoformat()}", member_id=MEMBER.id, occurred_at=days[4], lines=[item()]
    )
    for _ in range(replays):
        again = PROGRAM.process(order, member=MEMBER, ledger=ledger)
        assert again.duplicate
        assert again.entries == ()


@settings(max_examples=40, deadline=None)
@given(
    offsets=st.lists(st.integers(min_value=0, max_value=60 * 24 * 70), min_size=1, max_size=25),
    order=st.randoms(use_true_random=False),
)
def test_a_capped_rule_never_exceeds_its_cap_in_any_period(
    offsets: list[int], order: object
) -> None:
    start = datetime(2026, 3, 1, tzinfo=NY)
    moments = [start + timedelta(minutes=m) for m in offsets]
    order.shuffle(moments)  # type: ignore[attr-defined]
    ledger, _ = _run(moments)
    lots = [e for e in ledger if isinstance(e, Earned)]
    for rule, period, cap in (
        ("capped", Period.WEEK, 2),
        ("streak", Period.WEEK, 1),
        ("five-visits", Period.MONTH, 1),
    ):
        per_period = Counter(
            period.bounds(e.at.astimezone(NY))[0] for e in lots if e.rule_id == rule
        )
        assert max(per_period.values(), default=0) <= cap
