"""Defect 11: points that come back (a cancelled redemption, points paid towards a
returned order) settle a deficit first, so the order of returns and cancellations does
not change the balances."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loyalrules import (
    Cart,
    Ledger,
    LineItem,
    Member,
    Money,
    Outcome,
    Program,
    Purchase,
    Return,
    loads_program,
)

MEMBER = Member(id="m", joined_at=datetime(2025, 1, 1, tzinfo=UTC))
START = datetime(2026, 3, 1, tzinfo=UTC)
PROGRAM = """
program: shop
currency: USD
timezone: UTC
expiry: {after: P6M}
pay_with_points:
  rate: {points: 1, value: "1.00"}
earn:
  - id: base
    effect: {type: points_per_spend, points: 1}
rewards:
  - id: gift
    cost: 100
    gives: {type: donation, cause: food bank}
  - id: small
    cost: 30
    gives: {type: donation, cause: food bank}
"""


@pytest.fixture(scope="module")
def shop() -> Program:
    return loads_program(PROGRAM)


def order(order_id: str, dollars: str, at: datetime, paid: Money | None = None) -> Purchase:
    return Purchase(
        id=order_id,
        member_id="m",
        occurred_at=at,
        lines=[LineItem(sku="x", category="x", unit_price=Money(dollars, "USD"))],
        points_payment=paid,
    )


def snapshot(ledger: Ledger, at: datetime) -> tuple[int, int, int]:
    balance = ledger.balance(at)
    return balance.available, balance.pending, balance.deficit


@pytest.mark.parametrize("returned_on", [2, 5, 9, 12, 13])
def test_a_deficit_a_backdated_return_carries_is_paid_by_a_credit_dated_after_it(
    shop: Program, returned_on: int
) -> None:
    """Order A earns 100, a redemption spends them, order B earns 40; then A's return is
    written, dated any day. Dated before B, the credit B (written earlier) pays the
    deficit from B's own date, as it would have, written after; B's points are not left
    to expire while the member owes them."""
    first = order("a", "100.00", START + timedelta(days=1))
    ledger = Ledger().apply(shop.process(first, member=MEMBER, ledger=Ledger()))
    spend = shop.redeem("gift", member=MEMBER, ledger=ledger, at=START + timedelta(days=3), key="g")
    ledger = ledger.apply(spend)
    second = order("b", "40.00", START + timedelta(days=10))
    ledger = ledger.apply(shop.process(second, member=MEMBER, ledger=ledger))
    back = Return(id="r", purchase=first, occurred_at=START + timedelta(days=returned_on))
    ledger = ledger.apply(shop.process(back, member=MEMBER, ledger=ledger))
    assert ledger.verify() == ()
    now, later = START + timedelta(days=14), START + timedelta(days=400)
    assert snapshot(ledger, now) == snapshot(ledger, later) == (-60, 0, 60)
    assert ledger.balance(now).expiring == ()
    if returned_on < 10:  # the debt stood whole until B's points came
        assert snapshot(ledger, START + timedelta(days=9, hours=23)) == (-100, 0, 100)


def test_cancelling_after_the_return_pays_the_deficit(shop: Program) -> None:
    """Earn 100 on order A, redeem them, return A, cancel the redemption: net zero."""
    a = order("A", "100.00", START)
    ledger = Ledger().apply(shop.process(a, member=MEMBER, ledger=Ledger()))
    ledger = ledger.apply(shop.redeem("gift", member=MEMBER, ledger=ledger, at=START, key="r"))
    returned = Return(id="ra", purchase=a, occurred_at=START + timedelta(days=1))
    ledger = ledger.apply(shop.process(returned, member=MEMBER, ledger=ledger))
    assert snapshot(ledger, START + timedelta(days=1)) == (-100, 0, 100)
    cancelled = shop.cancel_redemption(
        member=MEMBER, ledger=ledger, key="r", at=START + timedelta(days=2)
    )
    ledger = ledger.apply(cancelled)
    assert snapshot(ledger, START + timedelta(days=2)) == (0, 0, 0)
    assert snapshot(ledger, START + timedelta(days=400)) == (0, 0, 0)  # after A's expiry
    assert ledger.verify() == ()
    assert "(it pays 100 points owed)" in cancelled.messages[0]


def test_points_paid_towards_a_returned_order_pay_the_deficit(shop: Program) -> None:
    a = order("A", "100.00", START)
    ledger = Ledger().apply(shop.process(a, member=MEMBER, ledger=Ledger()))
    basket = Cart(lines=[LineItem(sku="y", category="x", unit_price=Money("100.00", "USD"))])
    paid = shop.pay_with_points(
        basket, member=MEMBER, ledger=ledger, at=START, key="p", order_id="B", points=100
    )
    ledger = ledger.apply(paid)
    assert paid.grant is not None
    b = order("B", "100.00", START, paid=paid.grant.amount)
    ledger = ledger.apply(shop.process(b, member=MEMBER, ledger=ledger))
    for number, purchase in enumerate((a, b), start=1):
        back = Return(id=f"r{number}", purchase=purchase, occurred_at=START + timedelta(number))
        ledger = ledger.apply(shop.process(back, member=MEMBER, ledger=ledger))
    assert snapshot(ledger, START + timedelta(days=400)) == (0, 0, 0)
    assert ledger.verify() == ()


def _history(shop: Program) -> tuple[Ledger, list[Callable[[Ledger, datetime], Outcome]]]:
    """Two orders, two redemptions and a points payment; then the four ways points go
    back and forth after it, as steps to run in any order."""
    a = order("A", "100.00", START)
    b = order("B", "50.00", START + timedelta(hours=1))
    ledger = Ledger().apply(shop.process(a, member=MEMBER, ledger=Ledger()))
    ledger = ledger.apply(shop.process(b, member=MEMBER, ledger=ledger))
    at = START + timedelta(hours=2)
    ledger = ledger.apply(shop.redeem("gift", member=MEMBER, ledger=ledger, at=at, key="r1"))
    ledger = ledger.apply(shop.redeem("small", member=MEMBER, ledger=ledger, at=at, key="r2"))
    basket = Cart(lines=[LineItem(sku="y", category="x", unit_price=Money("40.00", "USD"))])
    paid = shop.pay_with_points(
        basket, member=MEMBER, ledger=ledger, at=at, key="p", order_id="C", points=20
    )
    ledger = ledger.apply(paid)
    assert paid.grant is not None
    c = order("C", "40.00", at, paid=paid.grant.amount)
    ledger = ledger.apply(shop.process(c, member=MEMBER, ledger=ledger))

    def give_back(purchase: Purchase) -> Callable[[Ledger, datetime], Outcome]:
        def step(led: Ledger, when: datetime) -> Outcome:
            back = Return(id=f"ret-{purchase.id}", purchase=purchase, occurred_at=when)
            return shop.process(back, member=MEMBER, ledger=led)

        return step

    def cancel(key: str) -> Callable[[Ledger, datetime], Outcome]:
        return lambda led, when: shop.cancel_redemption(member=MEMBER, ledger=led, key=key, at=when)

    return ledger, [give_back(a), give_back(b), give_back(c), cancel("r1"), cancel("r2")]


@settings(max_examples=40, deadline=None)
@given(order=st.permutations(range(5)), count=st.integers(min_value=1, max_value=5))
def test_any_order_of_returns_and_cancellations_ends_in_the_same_balances(
    order: list[int], count: int
) -> None:
    shop = loads_program(PROGRAM)
    start, steps = _history(shop)
    chosen = sorted(order[:count])

    def run(sequence: list[int]) -> tuple[tuple[int, int, int], ...]:
        ledger = start
        for number, index in enumerate(sequence, start=1):
            ledger = ledger.apply(steps[index](ledger, START + timedelta(days=number)))
        assert ledger.verify() == ()
        return tuple(snapshot(ledger, START + timedelta(days=d)) for d in (10, 200, 400))

    expected = run(chosen)
    for permutation in itertools.islice(itertools.permutations(chosen), 24):
        assert run(list(permutation)) == expected
