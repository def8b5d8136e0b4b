"""Paid memberships: benefits while active, events, the sign-up bonus, reward access and
the value of benefits against fees."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from loyalrules import (
    Ledger,
    LineItem,
    Member,
    Membership,
    Money,
    NotAllowed,
    NotEligible,
    ProgramError,
    Purchase,
    loads_program,
)

NY = ZoneInfo("America/New_York")
MEMBER = Member(id="m-1", joined_at=datetime(2025, 1, 1, tzinfo=NY))
PROGRAM = loads_program("""
program: plus
currency: USD
timezone: America/New_York
point_value: "0.01"
memberships:
  - id: plus
    name: Shop Plus
    fee: "49.00"
    period: P1Y
    multiplier: 2
    signup_bonus: 500
    perks: [free_shipping]
earn:
  - id: base
    effect: {type: points_per_spend, points: 1}
rewards:
  - id: members-gift
    cost: 100
    when: {membership: plus}
    gives: {type: custom, description: a members-only gift}
""")


def at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 12, tzinfo=NY)


def event(n: int, action: str, when: datetime, fee: str | None = None) -> Membership:
    return Membership(
        id=f"e-{n}", member_id=MEMBER.id, plan="plus", action=action, occurred_at=when,
        fee=Money(fee, "USD") if fee else None,
    )  # fmt: skip


def buy(n: int, when: datetime) -> Purchase:
    line = LineItem(sku="X", category="x", unit_price=Money("100.00", "USD"))
    return Purchase(id=f"o-{n}", member_id=MEMBER.id, occurred_at=when, lines=[line])


def run(ledger: Ledger, *events: object) -> Ledger:
    for item in events:
        ledger = ledger.apply(PROGRAM.process(item, member=MEMBER, ledger=ledger))  # type: ignore[arg-type]
    return ledger


def test_members_earn_the_plan_multiplier_while_it_is_active() -> None:
    ledger = run(Ledger(), event(1, "subscribe", at(2026, 1, 10)))
    outcome = PROGRAM.process(buy(1, at(2026, 2, 1)), member=MEMBER, ledger=ledger)
    assert outcome.messages == ("base: +100 points", "Shop Plus members earn 2x: +100 points")


def test_the_first_subscription_gives_the_sign_up_bonus_once() -> None:
    first = PROGRAM.process(event(1, "subscribe", at(2026, 1, 10)), member=MEMBER, ledger=Ledger())
    assert first.points == 500
    assert first.messages == (
        "Shop Plus: subscribe, benefits until 2027-01-10 12:00",
        "Shop Plus welcome bonus: +500 points",
    )
    ledger = run(
        Ledger(), event(1, "subscribe", at(2026, 1, 10)), event(2, "lapse", at(2026, 3, 1))
    )
    again = PROGRAM.process(event(3, "subscribe", at(2026, 4, 1)), member=MEMBER, ledger=ledger)
    assert again.points == 0


def test_benefits_stop_at_lapse_and_at_the_end_of_the_paid_period() -> None:
    ledger = run(
        Ledger(), event(1, "subscribe", at(2026, 1, 10)), event(2, "lapse", at(2026, 6, 1))
    )
    assert PROGRAM.process(buy(1, at(2026, 7, 1)), member=MEMBER, ledger=ledger).points == 100
    ledger = run(Ledger(), event(1, "subscribe", at(2026, 1, 10)))
    assert PROGRAM.process(buy(1, at(2027, 1, 10)), member=MEMBER, ledger=ledger).points == 100


def test_renewing_extends_from_the_end_of_the_paid_period() -> None:
    ledger = run(
        Ledger(), event(1, "subscribe", at(2026, 1, 10)), event(2, "renew", at(2026, 12, 1))
    )
    assert PROGRAM.process(buy(1, at(2027, 6, 1)), member=MEMBER, ledger=ledger).points == 200
    assert PROGRAM.process(buy(1, at(2028, 1, 10)), member=MEMBER, ledger=ledger).points == 100


def test_cancelling_without_a_membership_or_subscribing_twice_is_refused() -> None:
    with pytest.raises(NotAllowed, match="no active Shop Plus membership to cancel"):
        PROGRAM.process(event(1, "cancel", at(2026, 1, 10)), member=MEMBER, ledger=Ledger())
    ledger = run(Ledger(), event(1, "subscribe", at(2026, 1, 10)))
    with pytest.raises(NotAllowed, match="renew it instead"):
        PROGRAM.process(event(2, "subscribe", at(2026, 2, 10)), member=MEMBER, ledger=ledger)


def test_a_members_only_reward_needs_an_active_membership() -> None:
    ledger = run(Ledger(), event(1, "subscribe", at(2026, 1, 10)))
    assert (
        PROGRAM.redeem(
            "members-gift", member=MEMBER, ledger=ledger, at=at(2026, 2, 1), key="k"
        ).change()
        == -100
    )
    ledger = run(ledger, event(2, "cancel", at(2026, 3, 1)))
    with pytest.raises(NotEligible, match="it needs: a Shop Plus membership"):
        PROGRAM.redeem("members-gift", member=MEMBER, ledger=ledger, at=at(2026, 3, 2), key="k2")


def test_the_value_of_benefits_against_fees() -> None:
    ledger = run(
        Ledger(),
        event(1, "subscribe", at(2026, 1, 10)),
        buy(1, at(2026, 2, 1)),
        event(2, "renew", at(2026, 12, 1), fee="39.00"),
    )
    report = PROGRAM.membership_value("plus", [ledger, Ledger()])
    # 500 bonus + 100 from the 2x = 600 points at $0.01: $6.00 against $49 + $39 in fees.
    assert (report.members, report.fees, report.points_given, report.benefits) == (
        1,
        Money("88.00", "USD"),
        600,
        Money("6.00", "USD"),
    )
    assert report.ratio == Decimal("6.00") / Decimal("88.00")


def test_an_unknown_plan_is_refused_in_a_condition_and_in_an_event() -> None:
    with pytest.raises(ProgramError, match="no membership plan 'gold'; plans: plus"):
        loads_program(
            "program: x\ncurrency: USD\ntimezone: UTC\nmemberships:\n"
            "  - {id: plus, fee: '1.00', period: P1M}\nearn:\n"
            "  - id: r\n    when: {membership: gold}\n    effect: {type: bonus, points: 1}\n"
        )
    with pytest.raises(NotAllowed, match="no membership plan 'gold'"):
        PROGRAM.process(
            Membership(
                id="e",
                member_id=MEMBER.id,
                plan="gold",
                action="subscribe",
                occurred_at=at(2026, 1, 1),
            ),
            member=MEMBER,
            ledger=Ledger(),
        )


def test_membership_value_leaves_out_what_returns_took_back() -> None:
    from loyalrules import Return

    bought = buy(1, at(2026, 2, 1))
    ledger = run(Ledger(), event(1, "subscribe", at(2026, 1, 10)), bought)
    ledger = run(ledger, Return(id="r", purchase=bought, occurred_at=at(2026, 2, 2)))
    assert PROGRAM.membership_value("plus", [ledger]).points_given == 500


def test_membership_value_takes_a_list_of_ledgers() -> None:
    from loyalrules import WrongTypeError

    ledger = run(Ledger(), event(1, "subscribe", at(2026, 1, 10)))
    for wrong, named in [(ledger, "not Ledger"), (Ledger(), "not Ledger"), (None, "NoneType")]:
        with pytest.raises(WrongTypeError, match=f"must be a list of Ledger values.*{named}"):
            PROGRAM.membership_value("plus", wrong)  # type: ignore[arg-type]
    with pytest.raises(WrongTypeError, match="each of ledgers must be a Ledger, not dict"):
        PROGRAM.membership_value("plus", [ledger, {}])  # type: ignore[list-item]
    assert PROGRAM.membership_value("plus", (ledger,)).members == 1


def test_a_fee_in_another_currency_is_refused() -> None:
    from loyalrules import CurrencyMismatch

    wrong = Membership(
        id="e", member_id=MEMBER.id, plan="plus", action="subscribe", occurred_at=at(2026, 1, 1),
        fee=Money("39.00", "EUR"),
    )  # fmt: skip
    with pytest.raises(CurrencyMismatch, match="the fee is in EUR"):
        PROGRAM.process(wrong, member=MEMBER, ledger=Ledger())
