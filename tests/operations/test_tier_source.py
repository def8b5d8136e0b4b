"""tier_source: a tier earned by qualifying, or assigned by the host (a status match)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from support import item

from loyalrules import Activity, Ledger, Member, Program, ProgramError, Purchase, loads_program

NY = ZoneInfo("America/New_York")
MEMBER = Member(id="m-1", joined_at=datetime(2026, 1, 1, tzinfo=NY))
TICK = timedelta(microseconds=1)
MATCHED = datetime(2026, 3, 1, tzinfo=NY)
UNTIL = datetime(2026, 9, 1, tzinfo=NY)

TIERS = """
tiers:
  qualify_on: spend
  window: calendar_year
  levels:
    - {id: insider}
    - {id: gold, qualify: 1000}
"""


def program() -> Program:
    return loads_program(
        "program: shop\ncurrency: USD\ntimezone: America/New_York\n" + TIERS + "earn:\n"
        "  - {id: earned-gold, when: {tier: gold, tier_source: earned}, "
        "effect: {type: bonus, points: 100}}\n"
        "  - {id: matched-gold, when: {tier: gold, tier_source: assigned}, "
        "effect: {type: bonus, points: 10}}\n"
        "  - {id: checkin, activity: checkin, when: {tier_source: assigned}, "
        "effect: {type: bonus, points: 1}}\n"
    )


def matched(prog: Program) -> Ledger:
    outcome = prog.assign_tier(
        member=MEMBER, ledger=Ledger(), level="gold", until=UNTIL, reason="status match",
        actor="ops", at=MATCHED, key="match-1",
    )  # fmt: skip
    return Ledger().apply(outcome)


def bonus(prog: Program, ledger: Ledger, when: datetime, price: str = "10.00") -> set[str]:
    purchase = Purchase(
        id=f"o-{when.isoformat()}", member_id=MEMBER.id, occurred_at=when, lines=[item(price=price)]
    )
    outcome = prog.process(purchase, member=MEMBER, ledger=ledger)
    return {line.rule_id for line in outcome.explanation if line.points and line.rule_id != "base"}


def test_an_assigned_tier_gets_the_assigned_rate_until_its_last_instant() -> None:
    prog = program()
    ledger = matched(prog)
    assert bonus(prog, ledger, MATCHED) == {"matched-gold"}
    assert bonus(prog, ledger, UNTIL - TICK) == {"matched-gold"}
    assert bonus(prog, ledger, UNTIL) == set()


def test_a_member_who_qualifies_holds_an_earned_tier_even_with_a_match() -> None:
    prog = program()
    ledger = matched(prog)
    big = Purchase(
        id="big",
        member_id=MEMBER.id,
        occurred_at=MATCHED + timedelta(days=1),
        lines=[item(price="1000.00")],
    )
    ledger = ledger.apply(prog.process(big, member=MEMBER, ledger=ledger))
    assert bonus(prog, ledger, MATCHED + timedelta(days=2)) == {"earned-gold"}


def test_one_cent_under_the_threshold_the_match_still_decides() -> None:
    prog = program()
    ledger = matched(prog)
    big = Purchase(
        id="big",
        member_id=MEMBER.id,
        occurred_at=MATCHED + timedelta(days=1),
        lines=[item(price="999.99")],
    )
    ledger = ledger.apply(prog.process(big, member=MEMBER, ledger=ledger))
    assert bonus(prog, ledger, MATCHED + timedelta(days=2)) == {"matched-gold"}


def test_activities_and_the_tier_status_see_the_source_too() -> None:
    prog = program()
    ledger = matched(prog)
    visit = Activity(
        id="v", member_id=MEMBER.id, kind="checkin", occurred_at=MATCHED + timedelta(days=3)
    )
    assert prog.process(visit, member=MEMBER, ledger=ledger).change() == 1
    state = prog.tier(member=MEMBER, ledger=ledger, at=MATCHED)
    assert (state.level.id, state.assigned) == ("gold", True)
    assert not prog.tier(member=MEMBER, ledger=ledger, at=UNTIL).assigned


def test_tier_source_needs_tiers_and_a_known_word() -> None:
    with pytest.raises(ProgramError, match="the program has no 'tiers'"):
        loads_program(
            "program: p\ncurrency: USD\ntimezone: UTC\nearn:\n"
            "  - {id: x, when: {tier_source: earned}, effect: {type: bonus, points: 1}}\n"
        )
    with pytest.raises(ProgramError, match="tier_source"):
        loads_program(
            "program: p\ncurrency: USD\ntimezone: UTC\n" + TIERS + "earn:\n"
            "  - {id: x, when: {tier_source: matched}, effect: {type: bonus, points: 1}}\n"
        )
