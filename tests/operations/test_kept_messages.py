"""``$expires`` in member messages says what the balance says when a standing keeps points."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from loyalrules import (
    Activity,
    Ledger,
    LineItem,
    Member,
    Membership,
    Money,
    Program,
    Purchase,
    TierChanged,
    loads_program,
)

NY = ZoneInfo("America/New_York")
MEMBER = Member(id="m-1", joined_at=datetime(2025, 1, 1, tzinfo=NY))

PROGRAM = """
program: kept
currency: USD
timezone: America/New_York
expiry: {after: P12M}
tiers:
  levels:
    - {id: member, name: Member}
    - {id: gold, name: Gold, qualify: 1000, keeps_points: true}
memberships:
  - {id: plus, name: Plus, fee: "49.00", period: P1Y, keeps_points: true}
earn:
  - id: base
    name: Base
    message: "+$points, yours until $expires"
    effect: {type: points_per_spend, points: 1}
  - id: review
    name: Review bonus
    activity: review
    message: "+$points for a review, yours until $expires"
    effect: {type: bonus, points: 50}
rewards:
  - id: cashback
    name: $$5 back
    cost: 500
    message: "Thanks, yours until $expires"
    gives: {type: credit, account: cash, amount: "5.00"}
accounts:
  cash: {unit: money, expiry: {after: P12M}}
"""


def program() -> Program:
    return loads_program(PROGRAM)


def at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 12, tzinfo=NY)


def buy(number: int, when: datetime, amount: str = "100.00") -> Purchase:
    line = LineItem(sku="X", category="x", unit_price=Money(amount, "USD"))
    return Purchase(id=f"o-{number}", member_id=MEMBER.id, occurred_at=when, lines=[line])


def gold(when: datetime) -> TierChanged:
    return TierChanged(
        key=f"tier:test:{when.isoformat()}", at=when, level="gold", previous="member", reason="t"
    )


def balance_dates(ledger: Ledger, when: datetime) -> list[str]:
    return [d.astimezone(NY).date().isoformat() for d, _ in ledger.balance(at=when).expiring]


def test_without_a_standing_the_lot_date_shows() -> None:
    outcome = program().process(buy(1, at(2026, 2, 1)), member=MEMBER, ledger=Ledger())
    assert outcome.member_messages == ("+100, yours until 2027-02-01",)


def test_while_gold_keeps_points_no_date_shows_as_in_the_balance() -> None:
    loaded = program()
    ledger = Ledger().append([gold(at(2026, 1, 1))])
    outcome = loaded.process(buy(1, at(2026, 2, 1)), member=MEMBER, ledger=ledger)
    assert outcome.member_messages == ("+100, yours until never",)
    assert balance_dates(ledger.apply(outcome), at(2026, 2, 1)) == []
    review = Activity(id="r-1", member_id=MEMBER.id, kind="review", occurred_at=at(2026, 2, 2))
    outcome = loaded.process(review, member=MEMBER, ledger=ledger)
    assert outcome.member_messages == ("+50 for a review, yours until never",)


def test_the_purchase_that_reaches_gold_is_kept_in_its_own_message() -> None:
    loaded = program()
    ledger = Ledger().apply(loaded.process(buy(1, at(2026, 2, 1)), member=MEMBER, ledger=Ledger()))
    outcome = loaded.process(buy(2, at(2026, 3, 1), "1000.00"), member=MEMBER, ledger=ledger)
    assert any(isinstance(e, TierChanged) for e in outcome.entries)
    assert outcome.member_messages == ("+1000, yours until never",)
    assert balance_dates(ledger.apply(outcome), at(2026, 3, 1)) == []


def test_a_plan_with_an_end_shows_the_postponed_date_the_balance_shows() -> None:
    loaded = program()
    subscribe = Membership(
        id="e-1", member_id=MEMBER.id, plan="plus", action="subscribe", occurred_at=at(2026, 1, 1)
    )
    ledger = Ledger().apply(loaded.process(subscribe, member=MEMBER, ledger=Ledger()))
    outcome = loaded.process(buy(1, at(2026, 2, 1)), member=MEMBER, ledger=ledger)
    (message,) = outcome.member_messages
    # Plus holds to 2027-01-01: the twelve months run from then, not from February 1.
    assert balance_dates(ledger.apply(outcome), at(2026, 2, 1)) == ["2028-01-01"]
    assert message == "+100, yours until 2028-01-01"


def test_a_reward_credit_kept_by_gold_shows_no_date() -> None:
    loaded = program()
    ledger = Ledger().append([gold(at(2026, 1, 1))])
    ledger = ledger.apply(
        loaded.process(buy(1, at(2026, 2, 1), "600.00"), member=MEMBER, ledger=ledger)
    )
    outcome = loaded.redeem("cashback", member=MEMBER, ledger=ledger, at=at(2026, 2, 2), key="k-1")
    assert outcome.member_messages == ("Thanks, yours until never",)
