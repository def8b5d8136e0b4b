"""tiers.valid_for and returns: a return later in the window takes back a level the
window's value no longer reaches."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from support import item

from loyalrules import Ledger, Member, Purchase, Return, TierChanged, loads_program

NY = ZoneInfo("America/New_York")
MEMBER = Member(id="m-1", joined_at=datetime(2025, 6, 1, tzinfo=NY))
TICK = timedelta(microseconds=1)
REACHED = datetime(2026, 3, 10, 14, 0, tzinfo=NY)
PROGRAM = loads_program(
    "program: shop\ncurrency: USD\ntimezone: America/New_York\n"
    "tiers:\n  qualify_on: spend\n  window: calendar_year\n  valid_for: P12M\n"
    "  levels:\n    - {id: member}\n    - {id: gold, qualify: 1000}\n"
    "earn:\n  - {id: base, effect: {type: points_per_spend, points: 1}}\n"
)


def order(n: int, when: datetime, *prices: str) -> Purchase:
    lines = [item(sku=f"S{i}", price=price) for i, price in enumerate(prices)]
    return Purchase(id=f"o-{n}", member_id=MEMBER.id, occurred_at=when, lines=lines)


def run(ledger: Ledger, event: object) -> Ledger:
    return ledger.apply(PROGRAM.process(event, member=MEMBER, ledger=ledger))  # type: ignore[arg-type]


def level(ledger: Ledger, when: datetime) -> str:
    return PROGRAM.tier(member=MEMBER, ledger=ledger, at=when).level.id


def test_a_return_that_takes_the_value_below_the_threshold_takes_the_level_back() -> None:
    bought = order(1, REACHED, "900.00", "100.00")
    ledger = run(Ledger(), bought)
    back_at = REACHED + timedelta(days=3)
    ledger = run(ledger, Return(id="r-1", purchase=bought, lines={"S1": 1}, occurred_at=back_at))
    assert level(ledger, back_at - TICK) == "gold"
    assert level(ledger, back_at) == "member"
    review = PROGRAM.review_tiers(member=MEMBER, ledger=ledger, at=back_at + timedelta(days=1))
    changes = [(e.at, e.level) for e in review.entries if isinstance(e, TierChanged)]
    assert changes == [(back_at, "member")]


def test_a_return_that_leaves_the_threshold_reached_keeps_the_level() -> None:
    bought = order(1, REACHED, "900.00", "100.00")
    ledger = run(run(Ledger(), bought), order(2, REACHED + timedelta(days=1), "0.01"))
    back = Return(
        id="r-1", purchase=bought, lines={"S1": 1}, occurred_at=REACHED + timedelta(days=3)
    )
    ledger = run(ledger, back)
    assert level(ledger, REACHED + timedelta(days=4)) == "member"  # $999.01 after the return
    enough = run(run(Ledger(), bought), order(2, REACHED + timedelta(days=1), "100.00"))
    enough = run(enough, back)
    assert level(enough, REACHED + timedelta(days=4)) == "gold"  # $1,000.00 after it


def test_a_return_in_a_later_window_does_not_take_it_back() -> None:
    bought = order(1, REACHED, "900.00", "100.00")
    back_at = datetime(2027, 1, 5, tzinfo=NY)  # counts in 2027, the window it is made in
    ledger = run(
        run(Ledger(), bought),
        Return(id="r-1", purchase=bought, lines={"S1": 1}, occurred_at=back_at),
    )
    assert level(ledger, back_at + timedelta(days=1)) == "gold"
