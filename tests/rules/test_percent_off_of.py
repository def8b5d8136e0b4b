"""percent_off priced on the whole order (the default) or on the merchandise only."""

from __future__ import annotations

from decimal import Decimal

import pytest
from support import item, usd

from loyalrules import Cart, ProgramError, loads_program
from loyalrules.rules.rewards import PercentOff

CART = Cart(
    lines=[item(price="40.00"), item(sku="MUG", price="10.00")],
    order_discount=usd("5.00"),
    shipping=usd("4.99"),
    tax=usd("3.01"),
)  # merchandise $45.00; with shipping and tax $53.00


@pytest.mark.parametrize(("of_order", "amount"), [(True, "5.30"), (False, "4.50")])
def test_ten_percent_of_the_order_or_of_its_merchandise(of_order: bool, amount: str) -> None:
    grant = PercentOff(Decimal(10), of_order=of_order).grant("r", CART, "USD")
    assert grant.amount == usd(amount)


def test_the_cap_applies_to_either_base() -> None:
    grant = PercentOff(Decimal(10), Decimal("4.49"), of_order=False).grant("r", CART, "USD")
    assert grant.amount == usd("4.49")
    half_cent = Cart(lines=[item(price="0.05")], tax=usd("0.01"))
    # 10% of $0.05 is half a cent: half up to $0.01; of $0.06 with tax, $0.01 too
    assert PercentOff(Decimal(10), of_order=False).grant("r", half_cent, "USD").amount == usd(
        "0.01"
    )


def test_the_yaml_key_defaults_to_the_whole_order() -> None:
    def gift(extra: str) -> object:
        program = loads_program(
            "program: p\ncurrency: USD\ntimezone: UTC\nearn: []\nrewards:\n"
            f"  - {{id: r, cost: 1, gives: {{type: percent_off, percent: 10{extra}}}}}\n"
        )
        return program.reward("r").gift

    assert gift("") == PercentOff(Decimal(10), of_order=True)
    assert gift(", of: merchandise") == PercentOff(Decimal(10), of_order=False)
    with pytest.raises(ProgramError, match="merchandise"):
        gift(", of: tax")
