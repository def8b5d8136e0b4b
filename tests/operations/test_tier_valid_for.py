"""tiers.valid_for: status lasts a while from the day it is reached."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from support import item

from loyalrules import Ledger, Member, Program, ProgramError, Purchase, TierChanged, loads_program

NY = ZoneInfo("America/New_York")
MEMBER = Member(id="m-1", joined_at=datetime(2025, 6, 1, tzinfo=NY))
TICK = timedelta(microseconds=1)
REACHED = datetime(2026, 3, 10, 14, 0, tzinfo=NY)
LAST_DAY_ENDS = datetime(2027, 3, 11, 0, 0, tzinfo=NY)  # the end of 2027-03-10 in New York


def program(extra: str = "  valid_for: P12M\n", window: str = "calendar_year") -> Program:
    return loads_program(
        "program: shop\ncurrency: USD\ntimezone: America/New_York\n"
        f"tiers:\n  qualify_on: spend\n  window: {window}\n{extra}"
        "  levels:\n    - {id: member}\n    - {id: gold, qualify: 1000}\n"
        "    - {id: platinum, qualify: 3000}\n"
        "earn:\n  - {id: base, effect: {type: points_per_spend, points: 1}}\n"
    )


def buy(prog: Program, ledger: Ledger, n: int, when: datetime, price: str) -> Ledger:
    purchase = Purchase(
        id=f"o-{n}", member_id=MEMBER.id, occurred_at=when, lines=[item(price=price)]
    )
    return ledger.apply(prog.process(purchase, member=MEMBER, ledger=ledger))


def level(prog: Program, ledger: Ledger, when: datetime) -> str:
    return prog.tier(member=MEMBER, ledger=ledger, at=when).level.id


def test_gold_lasts_12_months_from_the_day_it_is_reached() -> None:
    prog = program()
    ledger = buy(prog, Ledger(), 1, REACHED, "1000.00")
    state = prog.tier(member=MEMBER, ledger=ledger, at=REACHED)
    assert (state.level.id, state.valid_until) == ("gold", LAST_DAY_ENDS)
    assert state.reason == "qualified on 2026-03-10, for P12M"
    assert level(prog, ledger, LAST_DAY_ENDS - TICK) == "gold"
    assert level(prog, ledger, LAST_DAY_ENDS) == "member"


def test_the_period_rule_keeps_it_through_next_year_instead() -> None:
    prog = program(extra="")
    ledger = buy(prog, Ledger(), 1, REACHED, "1000.00")
    assert level(prog, ledger, datetime(2027, 12, 31, 23, tzinfo=NY)) == "gold"


def test_one_cent_under_the_threshold_is_never_gold() -> None:
    prog = program()
    ledger = buy(prog, Ledger(), 1, REACHED, "999.99")
    assert level(prog, ledger, REACHED) == "member"


def test_qualifying_again_runs_from_the_new_day() -> None:
    prog = program()
    ledger = buy(prog, Ledger(), 1, REACHED, "1000.00")
    again = datetime(2027, 2, 1, 9, 0, tzinfo=NY)
    ledger = buy(prog, ledger, 2, again, "1000.00")  # a new calendar year: 1000 again
    assert level(prog, ledger, LAST_DAY_ENDS) == "gold"
    assert level(prog, ledger, datetime(2028, 2, 2, 0, 0, tzinfo=NY) - TICK) == "gold"
    assert level(prog, ledger, datetime(2028, 2, 2, 0, 0, tzinfo=NY)) == "member"


def test_a_higher_level_reached_later_wins_and_the_lower_one_still_counts_after() -> None:
    prog = program(window="{rolling: P12M}")
    ledger = buy(prog, Ledger(), 1, REACHED, "1000.00")
    ledger = buy(prog, ledger, 2, datetime(2026, 9, 1, tzinfo=NY), "2000.00")
    assert level(prog, ledger, datetime(2026, 9, 2, tzinfo=NY)) == "platinum"
    assert level(prog, ledger, datetime(2027, 9, 2, 0, 0, tzinfo=NY) - TICK) == "platinum"
    assert level(prog, ledger, datetime(2027, 9, 2, 0, 0, tzinfo=NY)) == "member"


def test_the_nightly_review_writes_the_end_down_once() -> None:
    prog = program()
    ledger = buy(prog, Ledger(), 1, REACHED, "1000.00")
    review = prog.review_tiers(member=MEMBER, ledger=ledger, at=datetime(2027, 6, 1, tzinfo=NY))
    changes = [e for e in review.entries if isinstance(e, TierChanged)]
    assert [(c.at, c.previous, c.level) for c in changes] == [(LAST_DAY_ENDS, "gold", "member")]
    ledger = ledger.apply(review)
    assert (
        prog.review_tiers(member=MEMBER, ledger=ledger, at=datetime(2027, 6, 1, tzinfo=NY)).entries
        == ()
    )


@pytest.mark.parametrize(
    "extra", ["  retention: P6M\n", "  grace: P1M\n", "  downgrade: one_level\n"]
)
def test_valid_for_does_not_mix_with_the_period_rules(extra: str) -> None:
    with pytest.raises(ProgramError, match="'valid_for' says how long a tier lasts"):
        program(extra="  valid_for: P12M\n" + extra)
