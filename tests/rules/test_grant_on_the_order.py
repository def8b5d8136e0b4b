"""amount_off is capped at what it may discount, and a grant is recorded on the order
in one validated way (Grant.apply_to)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import item, usd

from loyalrules import (
    Cart,
    Grant,
    Ledger,
    Member,
    NotAllowed,
    Program,
    Purchase,
    ValidationError,
    loads_program,
)

MEMBER = Member(id="m-1", joined_at=datetime(2026, 1, 1, tzinfo=UTC))
AT = datetime(2026, 3, 1, tzinfo=UTC)


def shop(of: str = "") -> Program:
    return loads_program(
        "program: shop\ncurrency: USD\ntimezone: UTC\nearn:\n"
        "  - {id: base, effect: {type: points_per_spend, points: 1, counting: pro_rata}}\n"
        "rewards:\n"
        f"  - {{id: three-off, cost: 1, gives: {{type: amount_off, amount: '3.00'{of}}}}}\n"
        "  - {id: ship, cost: 1, gives: {type: free_shipping}}\n"
        "  - {id: give, cost: 1, gives: {type: donation, cause: trees}}\n"
    )


def funded(program: Program) -> Ledger:
    credit = program.adjust(
        member=MEMBER, ledger=Ledger(), points=10, reason="test", actor="t", at=AT, key="fund"
    )
    return Ledger().apply(credit)


def grant(program: Program, cart: Cart, reward: str = "three-off") -> Grant:
    ledger = funded(program)
    outcome = program.redeem(reward, member=MEMBER, ledger=ledger, at=AT, key="k", cart=cart)
    assert outcome.grant is not None
    return outcome.grant


SMALL = Cart(lines=[item(price="2.99")], tax=usd("0.21"), shipping=usd("4.00"))


def test_amount_off_is_capped_at_the_merchandise() -> None:
    assert grant(shop(), SMALL).amount == usd("2.99")


def test_exactly_the_merchandise_and_one_cent_more() -> None:
    assert grant(shop(), Cart(lines=[item(price="3.00")], tax=usd("1.00"))).amount == usd("3.00")
    assert grant(shop(), Cart(lines=[item(price="3.01")])).amount == usd("3.00")
    assert grant(shop(), Cart(lines=[item(price="2.99")])).amount == usd("2.99")


def test_of_order_may_take_tax_and_shipping_off_too() -> None:
    assert grant(shop(", of: order"), SMALL).amount == usd("3.00")


def test_the_cap_counts_an_order_discount_already_on_the_cart() -> None:
    cart = Cart(lines=[item(price="5.00")], order_discount=usd("3.00"))
    assert grant(shop(), cart).amount == usd("2.00")


def test_a_grant_recorded_on_the_purchase_stops_earning() -> None:
    program = shop()
    purchase = Purchase(
        id="o-1", member_id=MEMBER.id, occurred_at=AT, lines=[item(price="2.99")], tax=usd("0.21")
    )
    recorded = grant(program, purchase).apply_to(purchase)
    assert isinstance(recorded, Purchase)
    assert recorded.order_discount == usd("2.99")
    assert program.process(recorded, member=MEMBER, ledger=Ledger()).change() == 0


def test_a_grant_worth_more_than_the_merchandise_is_refused_with_what_to_do() -> None:
    whole_order = grant(shop(", of: order"), SMALL)
    with pytest.raises(ValidationError, match=r"merchandise left to discount is \$2.99"):
        whole_order.apply_to(SMALL)


def test_free_shipping_is_recorded_as_no_shipping() -> None:
    assert grant(shop(), SMALL, "ship").apply_to(SMALL).shipping is None


def test_a_grant_that_is_not_money_off_is_not_recorded() -> None:
    with pytest.raises(NotAllowed, match="donation grant is not money off an order"):
        grant(shop(), SMALL, "give").apply_to(SMALL)


def test_a_grant_priced_without_a_cart_cannot_be_applied_until_priced() -> None:
    program = loads_program(
        "program: shop\ncurrency: USD\ntimezone: UTC\nearn: []\n"
        "rewards:\n  - {id: pct, cost: 1, gives: {type: percent_off, percent: 10}}\n"
    )
    unpriced = program.redeem("pct", member=MEMBER, ledger=funded(program), at=AT, key="k").grant
    assert unpriced is not None
    with pytest.raises(ValidationError, match="redeem with cart= to price it"):
        unpriced.apply_to(SMALL)


@settings(max_examples=60, deadline=None)
@given(
    cents=st.integers(min_value=1, max_value=2000),
    tax=st.integers(min_value=0, max_value=500),
    before=st.integers(min_value=0, max_value=100),
)
def test_any_amount_off_grant_can_be_recorded_on_its_cart(
    cents: int, tax: int, before: int
) -> None:
    price = Decimal(cents) / 100
    discount = min(Decimal(before) / 100, price)
    cart = Cart(
        lines=[item(price=str(price))],
        tax=usd(str(Decimal(tax) / 100)),
        order_discount=usd(str(discount)) if discount else None,
    )
    recorded = grant(shop(), cart).apply_to(cart)
    assert recorded.order_discount is not None
    assert recorded.order_discount <= recorded.subtotal
