"""Tiers that qualify on several measures: all of them, or any of them."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from support import item

from loyalrules import Ledger, Member, Program, ProgramError, Purchase, Return, loads_program

NY = ZoneInfo("America/New_York")
MEMBER = Member(id="m-1", joined_at=datetime(2025, 6, 1, tzinfo=NY))


def hotel(when: str = "all", extra: str = "") -> Program:
    # Gold: 10 stays and $1,000 (all), or either (any).
    return loads_program(
        "program: hotel\ncurrency: USD\ntimezone: America/New_York\n"
        f"tiers:\n  qualify_on: [spend, purchases]\n  qualify_when: {when}\n{extra}"
        "  levels:\n    - {id: member, name: Member}\n"
        "    - {id: gold, name: Gold, qualify: {spend: 1000, purchases: 10}}\n"
        "earn:\n  - {id: base, effect: {type: points_per_spend, points: 1}}\n"
    )


def stays(prog: Program, *prices: str) -> Ledger:
    ledger = Ledger()
    for n, price in enumerate(prices):
        when = datetime(2026, 2, 1, tzinfo=NY) + timedelta(days=n)
        p = Purchase(id=f"s-{n}", member_id=MEMBER.id, occurred_at=when, lines=[item(price=price)])
        ledger = ledger.apply(prog.process(p, member=MEMBER, ledger=ledger))
    return ledger


LATER = datetime(2026, 6, 1, tzinfo=NY)


def level(prog: Program, ledger: Ledger) -> str:
    return prog.tier(member=MEMBER, ledger=ledger, at=LATER).level.id


def test_all_measures_must_reach_their_thresholds() -> None:
    prog = hotel()
    assert level(prog, stays(prog, *["100.00"] * 10)) == "gold"  # 10 stays, exactly $1,000
    assert level(prog, stays(prog, *["100.00"] * 9, "99.99")) == "member"  # one cent under
    assert level(prog, stays(prog, *["200.00"] * 9)) == "member"  # $1,800 but 9 stays


def test_any_measure_is_enough_with_qualify_when_any() -> None:
    prog = hotel("any")
    assert level(prog, stays(prog, "1000.00")) == "gold"
    assert level(prog, stays(prog, *["1.00"] * 10)) == "gold"
    assert level(prog, stays(prog, *["1.00"] * 9)) == "member"


def test_each_measure_has_its_own_progress_line() -> None:
    prog = hotel()
    ledger = stays(prog, *["150.00"] * 4)
    status = prog.status(member=MEMBER, ledger=ledger, at=LATER)
    assert status.messages[1] == (
        "Spend $400.00 more; Make 6 more purchase(s) by the end of 2026-12-31 for Gold"
    )
    either = hotel("any")
    status = either.status(member=MEMBER, ledger=stays(either, *["150.00"] * 4), at=LATER)
    assert status.messages[1] == (
        "Spend $400.00 more or Make 6 more purchase(s) by the end of 2026-12-31 for Gold"
    )


def test_the_crossing_purchase_upgrades_on_the_last_measure_it_completes() -> None:
    prog = hotel()
    ledger = stays(prog, *["100.00"] * 9)
    tenth = Purchase(
        id="s-10", member_id=MEMBER.id, occurred_at=LATER, lines=[item(price="100.00")]
    )
    outcome = prog.process(tenth, member=MEMBER, ledger=ledger)
    assert "Welcome to Gold!" in outcome.messages


def test_a_return_that_drops_one_measure_costs_the_tier() -> None:
    prog = hotel()
    purchases = [
        Purchase(id=f"s-{n}", member_id=MEMBER.id, occurred_at=datetime(2026, 2, 1 + n, tzinfo=NY),
                 lines=[item(price="100.00")])
        for n in range(10)
    ]  # fmt: skip
    ledger = Ledger()
    for p in purchases:
        ledger = ledger.apply(prog.process(p, member=MEMBER, ledger=ledger))
    back = Return(id="r", purchase=purchases[0], occurred_at=datetime(2026, 3, 1, tzinfo=NY))
    ledger = ledger.apply(prog.process(back, member=MEMBER, ledger=ledger))
    assert level(prog, ledger) == "member"


@pytest.mark.parametrize(
    ("levels", "message"),
    [
        ("    - {id: gold, qualify: 1000}\n", "give 'qualify' for each measure"),
        ("    - {id: gold, qualify: {spend: 1000}}\n", "needs a threshold for purchases"),
        ("    - {id: gold, qualify: {spend: 1000, nights: 3}}\n", "no measure 'nights'"),
    ],
)
def test_thresholds_name_every_measure(levels: str, message: str) -> None:
    with pytest.raises(ProgramError, match=message):
        loads_program(
            "program: p\ncurrency: USD\ntimezone: UTC\n"
            "tiers:\n  qualify_on: [spend, purchases]\n  levels:\n    - {id: member}\n"
            + levels
            + "earn: []\n"
        )


def test_split_crossing_needs_one_measure() -> None:
    with pytest.raises(ProgramError, match="'crossing_purchase: split' needs a single measure"):
        hotel(extra="  crossing_purchase: split\n")
