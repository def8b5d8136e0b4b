"""Expiry by tier: a level's own ``expiry`` dates the points earned at its rate."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from loyalrules import (
    Activity,
    Earned,
    Ledger,
    LineItem,
    Member,
    Money,
    Program,
    Purchase,
    loads_program,
)

NY = ZoneInfo("America/New_York")
MEMBER = Member(id="m-1", joined_at=datetime(2025, 1, 1, tzinfo=NY))


def program(crossing: str = "old_rate", more: str = "") -> Program:
    return loads_program(f"""
program: t
currency: USD
timezone: America/New_York
expiry: {{after: P12M}}
accounts: {{credits: {{}}}}
tiers:
  crossing_purchase: {crossing}
  levels:
    - {{id: member, name: Member}}
    - {{id: gold, name: Gold, qualify: 500, multiplier: 2, upgrade_bonus: 10,
       expiry: {{after: P24M}}}}
earn:
  - id: base
    effect: {{type: points_per_spend, points: 1}}
  - id: credits
    account: credits
    effect: {{type: points_per_spend, points: 1}}
  - id: review
    activity: review
    effect: {{type: bonus, points: 5}}
{more}""")


def at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 12, tzinfo=NY)


def buy(number: int, when: datetime, amount: str) -> Purchase:
    line = LineItem(sku="X", category="x", unit_price=Money(amount, "USD"))
    return Purchase(id=f"o-{number}", member_id=MEMBER.id, occurred_at=when, lines=[line])


def lots(loaded: Program, *events: object) -> dict[str, datetime | None]:
    """The expiry of each lot the events earned, by key."""
    ledger = Ledger()
    for event in events:
        ledger = ledger.apply(loaded.process(event, member=MEMBER, ledger=ledger))  # type: ignore[arg-type]
    return {e.key: e.expires_at for e in ledger.entries if isinstance(e, Earned)}


YEAR, TWO_YEARS = at(2027, 3, 1), at(2028, 3, 1)


@pytest.mark.parametrize(
    ("crossing", "expires"),
    [("old_rate", YEAR), ("new_rate", TWO_YEARS), ("split", TWO_YEARS)],
)
def test_the_crossing_order_takes_the_terms_of_the_rate_it_earned_at(
    crossing: str, expires: datetime
) -> None:
    found = lots(
        program(crossing), buy(1, at(2026, 1, 1), "400.00"), buy(2, at(2026, 3, 1), "200.00")
    )
    assert found["purchase:o-1:earn:base"] == at(2027, 1, 1)
    assert found["purchase:o-2:earn:base"] == expires
    assert found["tier:purchase:o-2:gold:bonus:gold"] == TWO_YEARS  # the level's own terms


def test_one_cent_under_the_threshold_keeps_the_old_terms() -> None:
    found = lots(
        program("new_rate"), buy(1, at(2026, 1, 1), "400.00"), buy(2, at(2026, 3, 1), "99.99")
    )
    assert found["purchase:o-2:earn:base"] == YEAR
    exactly = lots(
        program("new_rate"), buy(1, at(2026, 1, 1), "400.00"), buy(2, at(2026, 3, 1), "100.00")
    )
    assert exactly["purchase:o-2:earn:base"] == TWO_YEARS


def test_points_earned_while_gold_take_golds_terms_but_other_accounts_keep_theirs() -> None:
    review = Activity(id="r-1", member_id=MEMBER.id, kind="review", occurred_at=at(2026, 4, 1))
    found = lots(
        program(), buy(1, at(2026, 1, 1), "600.00"), buy(2, at(2026, 3, 1), "10.00"), review
    )
    assert found["purchase:o-2:earn:base"] == TWO_YEARS
    assert found["purchase:o-2:earn:tier-gold"] == TWO_YEARS
    assert found["activity:review:r-1:earn:review"] == at(2028, 4, 1)
    assert found["purchase:o-2:earn:credits"] == YEAR  # another account: its own expiry


def test_a_rules_own_expiry_wins_over_the_levels() -> None:
    own = "  - id: promo\n    expiry: {after: P1M}\n    effect: {type: bonus, points: 3}\n"
    found = lots(
        program(more=own), buy(1, at(2026, 1, 1), "600.00"), buy(2, at(2026, 3, 1), "10.00")
    )
    assert found["purchase:o-2:earn:promo"] == at(2026, 4, 1)


def test_a_manual_tier_earns_at_its_levels_terms() -> None:
    loaded = program()
    assigned = loaded.assign_tier(
        member=MEMBER, ledger=Ledger(), level="gold", reason="status match", actor="agent",
        at=at(2026, 2, 1), key="T-1", until=None,
    )  # fmt: skip
    ledger = Ledger().apply(assigned)
    outcome = loaded.process(buy(1, at(2026, 3, 1), "10.00"), member=MEMBER, ledger=ledger)
    base = next(e for e in outcome.entries if e.key == "purchase:o-1:earn:base")
    assert base.expires_at == TWO_YEARS  # type: ignore[attr-defined]


def test_without_a_level_expiry_lots_are_dated_as_before() -> None:
    plain = loads_program(
        "program: t\ncurrency: USD\ntimezone: UTC\nexpiry: {after: P12M}\n"
        "tiers:\n  levels:\n    - {id: a}\n    - {id: b, qualify: 5}\n"
        "earn:\n  - {id: base, effect: {type: points_per_spend, points: 1}}\n"
    )
    found = lots(plain, buy(1, at(2026, 1, 1), "10.00"), buy(2, at(2026, 2, 1), "10.00"))
    # o-2 is earned at tier b, which has no expiry of its own: the program's 12 months
    assert found == {
        "purchase:o-1:earn:base": at(2027, 1, 1),
        "purchase:o-2:earn:base": YEAR - timedelta(days=28),
    }
