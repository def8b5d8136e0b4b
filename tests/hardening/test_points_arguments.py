"""A number of points a host passes to a method: a ``WrongTypeError`` for anything that
is not a whole number (text, a float, a bool), a ``ValidationError`` for a whole number
out of range; never a Python error from the arithmetic deep inside."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from loyalrules import Cart, Ledger, LineItem, Member, Money, Program, Purchase, loads_program
from loyalrules.errors import ValidationError, WrongTypeError

PROGRAM = loads_program("""
program: points-arguments
currency: USD
timezone: UTC
earn:
  - {id: base, effect: {type: points_per_spend, points: 1}}
  - {id: capped, budget: launch, effect: {type: bonus, points: 10}}
pay_with_points: {rate: {points: 100, value: 1}}
transfers: {}
redemption_chart: {steps: [{points: 100, amount: 1}]}
""")
AT = datetime(2026, 3, 1, tzinfo=UTC)
MEMBER = Member(id="m", joined_at=datetime(2026, 1, 1, tzinfo=UTC))
FRIEND = Member(id="f", joined_at=datetime(2026, 1, 1, tzinfo=UTC))
CART = Cart(lines=[LineItem(sku="A", category="x", unit_price=Money("10.00", "USD"))])


def _order(order_id: str, amount: str) -> Purchase:
    line = LineItem(sku="A", category="x", unit_price=Money(amount, "USD"))
    return Purchase(
        id=order_id, member_id="m", occurred_at=datetime(2026, 2, 1, tzinfo=UTC), lines=[line]
    )


LEDGER = Ledger().apply(
    PROGRAM.process(_order("P", "1000.00"), member=MEMBER, ledger=Ledger(), budgets={"launch": 50})
)

Call = Callable[[Program, Any], object]
CALLS: dict[str, Call] = {
    "points_payment": lambda p, v: p.points_payment(
        CART, member=MEMBER, ledger=LEDGER, at=AT, points=v
    ),
    "pay_with_points": lambda p, v: p.pay_with_points(
        CART, member=MEMBER, ledger=LEDGER, at=AT, key="k", order_id="o", points=v
    ),
    "redeem_points": lambda p, v: p.redeem_points(v, member=MEMBER, ledger=LEDGER, at=AT, key="k"),
    "transfer": lambda p, v: p.transfer(
        v,
        sender=MEMBER,
        sender_ledger=LEDGER,
        recipient=FRIEND,
        recipient_ledger=Ledger(),
        at=AT,
        key="t",
    ),
    "adjust": lambda p, v: p.adjust(
        points=v, member=MEMBER, ledger=LEDGER, at=AT, reason="goodwill", actor="desk", key="a"
    ),
}


@pytest.mark.parametrize("name", sorted(CALLS))
@pytest.mark.parametrize("value", ["100", 100.0, 1.5, True, None, [100]])
def test_points_that_are_not_a_whole_number_are_a_type_error(name: str, value: object) -> None:
    if value is None and name in ("points_payment", "pay_with_points"):
        return  # None asks for the most the cart allows: a valid call, tested elsewhere
    with pytest.raises(WrongTypeError, match=r"must be a whole number of points, e\.g\."):
        CALLS[name](PROGRAM, value)


@pytest.mark.parametrize("name", sorted(set(CALLS) - {"adjust"}))
@pytest.mark.parametrize("value", [0, -100])
def test_points_below_one_are_refused_by_value(name: str, value: int) -> None:
    with pytest.raises(ValidationError, match=f"points must be at least 1, not {value}"):
        CALLS[name](PROGRAM, value)


def test_an_adjustment_of_zero_points_is_refused_by_value() -> None:
    with pytest.raises(ValidationError, match=r"other than 0 \(negative to take points away\)"):
        CALLS["adjust"](PROGRAM, 0)
    debit = PROGRAM.adjust(
        points=-100, member=MEMBER, ledger=LEDGER, at=AT, reason="goodwill", actor="desk", key="a"
    )
    assert LEDGER.apply(debit).balance(AT).available == LEDGER.balance(AT).available - 100


def test_the_points_asked_are_still_paid_when_valid() -> None:
    payment = PROGRAM.points_payment(CART, member=MEMBER, ledger=LEDGER, at=AT, points=300)
    assert (payment.points, payment.amount) == (300, Money("3.00", "USD"))


def test_a_budget_with_less_than_nothing_left_is_refused_by_value() -> None:
    with pytest.raises(ValidationError, match="budget 'launch' has -5 left: pass 0 or more"):
        PROGRAM.process(_order("Q", "5.00"), member=MEMBER, ledger=LEDGER, budgets={"launch": -5})
    with pytest.raises(WrongTypeError, match="budget 'launch' must be a whole number left"):
        PROGRAM.process(_order("Q", "5.00"), member=MEMBER, ledger=LEDGER, budgets={"launch": 5.0})
