"""since_joining and since_last_purchase, at their boundaries."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import item

from loyalrules import (
    Activity,
    Ledger,
    Member,
    Program,
    ProgramError,
    Purchase,
    Return,
    loads_program,
)

NY = ZoneInfo("America/New_York")
JOINED = datetime(2026, 1, 31, 15, 0, tzinfo=NY)
MEMBER = Member(id="m-1", joined_at=JOINED)
TICK = timedelta(microseconds=1)


def shop(when: str) -> Program:
    return loads_program(
        "program: shop\ncurrency: USD\ntimezone: America/New_York\nearn:\n"
        f"  - {{id: bonus, when: {when}, effect: {{type: bonus, points: 10}}}}\n"
        "  - {id: visit, activity: visit, when: " + when + ", effect: {type: bonus, points: 1}}\n"
    )


def buy(program: Program, ledger: Ledger, n: int, when: datetime) -> tuple[Ledger, int]:
    purchase = Purchase(id=f"o-{n}", member_id=MEMBER.id, occurred_at=when, lines=[item()])
    outcome = program.process(purchase, member=MEMBER, ledger=ledger)
    return ledger.apply(outcome), outcome.change()


def earns_at(program: Program, when: datetime, ledger: Ledger | None = None) -> bool:
    return buy(program, ledger or Ledger(), 99, when)[1] > 0


def test_within_30_days_of_joining_ends_at_the_local_instant_30_days_later() -> None:
    program = shop("{since_joining: {within: P30D}}")
    end = datetime(2026, 3, 2, 15, 0, tzinfo=NY)  # Jan 31 15:00 + 30 days
    assert earns_at(program, end - TICK)
    assert not earns_at(program, end)
    assert earns_at(program, JOINED)


def test_tenure_counts_months_on_the_local_calendar() -> None:
    program = shop("{since_joining: {at_least: P1M}}")
    start = datetime(2026, 2, 28, 15, 0, tzinfo=NY)  # one month after January 31: Feb 28
    assert not earns_at(program, start - TICK)
    assert earns_at(program, start)


def test_a_span_since_joining_holds_between_its_bounds() -> None:
    program = shop("{since_joining: {at_least: P30D, within: P60D}}")
    assert not earns_at(program, JOINED + timedelta(days=29))
    assert earns_at(program, JOINED + timedelta(days=30))
    assert not earns_at(program, JOINED + timedelta(days=60))


def test_come_back_within_14_days_of_the_previous_purchase() -> None:
    program = shop("{since_last_purchase: {within: P14D}}")
    first = datetime(2026, 3, 8, 1, 30, tzinfo=NY)  # the night daylight saving starts
    ledger, points = buy(program, Ledger(), 1, first)
    assert points == 0  # no previous purchase
    end = datetime(2026, 3, 22, 1, 30, tzinfo=NY)  # 14 local days later, same wall-clock
    assert earns_at(program, end - TICK, ledger)
    assert not earns_at(program, end, ledger)


def test_first_purchase_after_90_days_away() -> None:
    program = shop("{since_last_purchase: {at_least: P90D}}")
    ledger, _ = buy(program, Ledger(), 1, datetime(2026, 2, 1, 12, tzinfo=NY))
    back = datetime(2026, 5, 2, 12, tzinfo=NY)  # Feb 1 + 90 days
    assert not earns_at(program, back - TICK, ledger)
    assert earns_at(program, back, ledger)
    ledger, _ = buy(program, ledger, 2, back)
    assert not earns_at(program, back + timedelta(days=1), ledger)  # measured from the latest


def test_a_returned_purchase_still_counts_as_the_previous_one() -> None:
    program = shop("{since_last_purchase: {within: P14D}}")
    bought = Purchase(
        id="o-1", member_id=MEMBER.id, occurred_at=datetime(2026, 2, 1, tzinfo=NY), lines=[item()]
    )
    ledger = Ledger().apply(program.process(bought, member=MEMBER, ledger=Ledger()))
    back = Return(id="r-1", purchase=bought, occurred_at=datetime(2026, 2, 2, tzinfo=NY))
    ledger = ledger.apply(program.process(back, member=MEMBER, ledger=ledger))
    assert earns_at(program, datetime(2026, 2, 10, tzinfo=NY), ledger)


def test_an_activity_reads_the_time_since_the_last_purchase_too() -> None:
    program = shop("{since_last_purchase: {within: P14D}}")
    ledger, _ = buy(program, Ledger(), 1, datetime(2026, 2, 1, tzinfo=NY))
    visit = Activity(
        id="v", member_id=MEMBER.id, kind="visit", occurred_at=datetime(2026, 2, 5, tzinfo=NY)
    )
    assert program.process(visit, member=MEMBER, ledger=ledger).change() == 1


def test_a_compacted_ledger_answers_the_same() -> None:
    program = shop("{since_last_purchase: {within: P14D}}")
    ledger, _ = buy(program, Ledger(), 1, datetime(2026, 2, 1, tzinfo=NY))
    compact = ledger.compact(datetime(2026, 2, 3, tzinfo=NY))
    for day in (10, 14, 15, 16):
        when = datetime(2026, 2, day, tzinfo=NY)
        assert earns_at(program, when, compact) == earns_at(program, when, ledger)


@settings(max_examples=50, deadline=None)
@given(minutes=st.integers(min_value=0, max_value=200 * 24 * 60))
def test_at_least_and_within_split_time_at_the_same_instant(minutes: int) -> None:
    when = JOINED + timedelta(minutes=minutes)
    least, within = (
        shop("{since_joining: {at_least: P90D}}"),
        shop("{since_joining: {within: P90D}}"),
    )
    assert earns_at(least, when) != earns_at(within, when)


def test_the_condition_describes_itself_in_words() -> None:
    program = shop("{since_joining: {at_least: P2Y, within: P3Y}}")
    condition = program.rule("bonus").condition
    assert condition is not None
    assert condition.describe() == "at least P2Y after joining and within P3Y of joining"


def test_an_empty_since_is_refused() -> None:
    with pytest.raises(ProgramError, match="give 'at_least', 'within' or both"):
        shop("{since_joining: {}}")
    with pytest.raises(ProgramError, match="since_last_purchase"):
        shop("{since_last_purchase: {within: 14 days}}")


# --- birthday ------------------------------------------------------------------------------


def _on_birthday(born: date | None, when: datetime, condition: str = "true") -> bool:
    member = Member(id="m-1", joined_at=JOINED, birthday=born)
    purchase = Purchase(id="o-1", member_id="m-1", occurred_at=when, lines=[item()])
    program = shop(f"{{birthday: {condition}}}")
    return program.process(purchase, member=member, ledger=Ledger()).points > 0


@pytest.mark.parametrize(
    ("born", "when", "condition", "expected"),
    [
        (date(1990, 5, 20), datetime(2026, 5, 20, 0, 0, tzinfo=NY), "true", True),
        (date(1990, 5, 20), datetime(2026, 5, 20, 23, 59, tzinfo=NY), "true", True),
        (date(1990, 5, 20), datetime(2026, 5, 21, 0, 0, tzinfo=NY), "true", False),
        (date(1990, 5, 20), datetime(2026, 5, 19, 23, 59, tzinfo=NY), "true", False),
        (date(1990, 5, 20), datetime(2026, 5, 26, 23, 59, tzinfo=NY), "{within: P7D}", True),
        (date(1990, 5, 20), datetime(2026, 5, 27, 0, 0, tzinfo=NY), "{within: P7D}", False),
        # the week of a birthday at the end of December runs into January
        (date(1990, 12, 30), datetime(2027, 1, 2, 12, 0, tzinfo=NY), "{within: P7D}", True),
        (date(1990, 12, 30), datetime(2027, 1, 6, 0, 0, tzinfo=NY), "{within: P7D}", False),
        # 29 February is 28 February in other years, and itself in leap years
        (date(2000, 2, 29), datetime(2027, 2, 28, 12, 0, tzinfo=NY), "true", True),
        (date(2000, 2, 29), datetime(2027, 3, 1, 12, 0, tzinfo=NY), "true", False),
        (date(2000, 2, 29), datetime(2028, 2, 28, 12, 0, tzinfo=NY), "true", False),
        (date(2000, 2, 29), datetime(2028, 2, 29, 12, 0, tzinfo=NY), "true", True),
        (None, datetime(2026, 5, 20, 12, 0, tzinfo=NY), "true", False),
    ],
)
def test_the_birthday_holds_from_local_midnight_for_its_span(
    born: date | None, when: datetime, condition: str, expected: bool
) -> None:
    assert _on_birthday(born, when, condition) is expected


def test_birthday_false_is_refused_with_a_hint() -> None:
    with pytest.raises(ProgramError, match=r"write 'birthday: true' or \{within: P7D\}"):
        shop("{birthday: false}")


def test_why_a_birthday_rule_did_not_pay_names_the_last_birthday() -> None:
    member = Member(id="m-1", joined_at=JOINED, birthday=date(1990, 5, 20))
    when = datetime(2026, 6, 1, 12, 0, tzinfo=NY)
    purchase = Purchase(id="o-1", member_id="m-1", occurred_at=when, lines=[item()])
    outcome = shop("{birthday: true}").process(purchase, member=member, ledger=Ledger())
    check = outcome.why("bonus")
    assert check is not None
    assert "last birthday 2026-05-20" in check.reasons[0].text
