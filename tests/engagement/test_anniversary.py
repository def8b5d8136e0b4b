"""Anniversary of joining, and birthday: once a year whatever the order of events."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import earn_program, item

from loyalrules import Earned, Ledger, Member, ProgramError, Purchase
from loyalrules.values.timeutil import membership_year

NY = ZoneInfo("America/New_York")
PROGRAM = earn_program(
    """
    - id: anniversary
      name: Happy anniversary
      when: {anniversary: {within: P7D}}
      limit: {per: membership_year}
      effect: {type: bonus, points: 100}
    - id: birthday
      when: {birthday_month: true}
      limit: {times: 1, per: year}
      effect: {type: bonus, points: 50}
    - id: on-the-day
      when: {anniversary: true}
      effect: {type: bonus, points: 1}
    """,
    zone="America/New_York",
)
MEMBER = Member(
    id="m-1", joined_at=datetime(2025, 3, 10, 15, tzinfo=NY), birthday=date(1990, 12, 24)
)


def _order(order_id: str, at: datetime) -> Purchase:
    return Purchase(id=order_id, member_id=MEMBER.id, occurred_at=at, lines=[item()])


def _points(at: datetime, ledger: Ledger | None = None) -> dict[str, int]:
    outcome = PROGRAM.process(
        _order(f"o-{at.isoformat()}", at), member=MEMBER, ledger=ledger or Ledger()
    )
    return {e.rule_id: e.points for e in outcome.entries if isinstance(e, Earned)}


@pytest.mark.parametrize(
    ("local", "rules"),
    [
        (datetime(2025, 3, 10, 16, tzinfo=NY), {}),  # the day of joining is no anniversary
        (datetime(2026, 3, 9, 23, 59, tzinfo=NY), {}),
        (datetime(2026, 3, 10, 0, 0, tzinfo=NY), {"anniversary": 100, "on-the-day": 1}),
        (datetime(2026, 3, 10, 23, 59, tzinfo=NY), {"anniversary": 100, "on-the-day": 1}),
        (datetime(2026, 3, 16, 23, 59, tzinfo=NY), {"anniversary": 100}),
        (datetime(2026, 3, 17, 0, 0, tzinfo=NY), {}),
        (datetime(2027, 3, 12, 9, 0, tzinfo=NY), {"anniversary": 100}),
    ],
)
def test_the_anniversary_window_in_the_programs_zone(
    local: datetime, rules: dict[str, int]
) -> None:
    assert _points(local) == rules


def test_a_member_who_joined_on_february_29_has_the_anniversary_on_february_28() -> None:
    leap = Member(id="m-1", joined_at=datetime(2024, 2, 29, 12, tzinfo=NY))
    order = _order("o-1", datetime(2025, 2, 28, 8, tzinfo=NY))
    outcome = PROGRAM.process(order, member=leap, ledger=Ledger())
    assert outcome.paid("on-the-day")
    assert membership_year(leap.joined_at, datetime(2025, 2, 28, tzinfo=NY))[0] == 1


def test_a_second_order_in_the_window_pays_nothing_and_says_until_when() -> None:
    first = PROGRAM.process(
        _order("o-1", datetime(2026, 3, 12, tzinfo=NY)), member=MEMBER, ledger=Ledger()
    )
    ledger = Ledger().apply(first)
    second = PROGRAM.process(
        _order("o-2", datetime(2026, 3, 11, tzinfo=NY)), member=MEMBER, ledger=ledger
    )
    assert first.paid("anniversary")
    assert not second.paid("anniversary")
    check = second.why("anniversary")
    assert check is not None
    (reason,) = check.reasons
    assert reason.kind == "limit"
    assert reason.resets_at == datetime(2027, 3, 10, tzinfo=NY)


def test_anniversary_false_is_refused_with_a_hint() -> None:
    with pytest.raises(ProgramError, match="use 'not:'"):
        earn_program("- {id: a, when: {anniversary: false}, effect: {type: bonus, points: 1}}")


@settings(max_examples=40, deadline=None)
@given(
    days=st.lists(st.integers(min_value=0, max_value=3 * 366), min_size=1, max_size=12),
    order=st.randoms(use_true_random=False),
)
def test_a_birthday_or_anniversary_reward_is_paid_at_most_once_a_year_whatever_the_order(
    days: list[int], order: object
) -> None:
    start = datetime(2025, 12, 20, 10, tzinfo=NY)
    moments = [start + timedelta(days=d, hours=d % 13) for d in days]
    order.shuffle(moments)  # type: ignore[attr-defined]
    ledger = Ledger()
    for number, at in enumerate(moments):
        ledger = ledger.apply(
            PROGRAM.process(_order(f"o-{number}", at), member=MEMBER, ledger=ledger)
        )
    lots = [e for e in ledger if isinstance(e, Earned)]
    anniversaries = Counter(
        membership_year(MEMBER.joined_at, e.at.astimezone(NY))[0]
        for e in lots
        if e.rule_id == "anniversary"
    )
    birthdays = Counter(e.at.astimezone(NY).year for e in lots if e.rule_id == "birthday")
    assert max(anniversaries.values(), default=0) <= 1
    assert max(birthdays.values(), default=0) <= 1
    # and it is paid whenever some order fell in the window
    windows = {
        membership_year(MEMBER.joined_at, at.astimezone(NY))[0] for at in moments if _in_window(at)
    }
    assert set(anniversaries) == windows


def _in_window(at: datetime) -> bool:
    years, start, _ = membership_year(MEMBER.joined_at, at.astimezone(NY))
    return years >= 1 and at < start.astimezone(NY) + timedelta(days=7)  # local wall clock
