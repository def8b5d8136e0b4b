"""Inputs and members round-trip through their JSON form exactly."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loyalrules import (
    Activation,
    Activity,
    Cart,
    LineItem,
    Member,
    Membership,
    Money,
    Purchase,
    Return,
    ValidationError,
)
from loyalrules.storage import (
    Adjust,
    CancelRedemption,
    Expire,
    Input,
    PayWithPoints,
    Redeem,
    ReviewTiers,
    input_from_dict,
    input_to_dict,
    member_from_dict,
    member_to_dict,
)

AT = datetime(2026, 2, 1, 9, 30, tzinfo=UTC)
LINE = LineItem(
    sku="TEA",
    category="tea",
    unit_price=Money("10.00", "USD"),
    quantity=2,
    discount=Money("1.50", "USD"),
    tags=["organic"],
)
ORDER = Purchase(
    id="o-1",
    member_id="m-1",
    occurred_at=AT,
    lines=[LINE],
    order_discount=Money("2.00", "USD"),
    channel="app",
    attributes={"store": "soho", "basket_score": Decimal("0.75")},
)
INPUTS: list[Input] = [
    ORDER,
    Return(id="r-1", purchase=ORDER, occurred_at=AT, lines={"TEA": 1}),
    Return(id="r-2", purchase=ORDER, occurred_at=AT),
    Activity(id="a-1", member_id="m-1", kind="review", occurred_at=AT, attributes={"stars": 5}),
    Activation(purchase_id="o-1", member_id="m-1", occurred_at=AT),
    Membership(id="s-1", member_id="m-1", plan="plus", action="renew", occurred_at=AT),
    Redeem(reward_id="five-off", key="k-1", at=AT, cart=Cart(lines=[LINE]), order_id="o-1"),
    CancelRedemption(key="k-1", at=AT),
    PayWithPoints(cart=Cart(lines=[LINE]), at=AT, key="p-1", order_id="o-1", points=200),
    Adjust(points=-20, reason="goodwill reversed", actor="ana", key="t-9", at=AT),
    Expire(at=AT),
    ReviewTiers(at=AT),
]


@pytest.mark.parametrize("item", INPUTS, ids=lambda item: type(item).__name__)
def test_an_input_comes_back_equal_from_its_json(item: Input) -> None:
    back = input_from_dict(json.loads(json.dumps(input_to_dict(item))))
    assert back == item
    if isinstance(item, Purchase):  # attributes are not part of equality: compare them too
        assert dict(back.attributes) == dict(item.attributes)


attribute_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.text(max_size=5)
    | st.decimals(min_value=-(10**9), max_value=10**9, places=3)
    | st.dates(date(1900, 1, 2), date(8999, 12, 30))  # the supported range of instants
    | st.datetimes(datetime(1900, 1, 2), datetime(8999, 12, 30), timezones=st.just(UTC)),
    lambda inner: st.lists(inner, max_size=3) | st.frozensets(st.integers(0, 99), max_size=3),
    max_leaves=6,
)


@given(st.dictionaries(st.text(min_size=1, max_size=5), attribute_values, max_size=4))
def test_member_attributes_keep_their_python_types(attributes: dict[str, object]) -> None:
    member = Member(id="m-1", joined_at=AT, birthday=date(1990, 5, 17), attributes=attributes)
    back = member_from_dict(json.loads(json.dumps(member_to_dict(member))))
    assert back == member
    assert dict(back.attributes) == dict(member.attributes)


def test_an_unknown_stored_type_names_the_known_ones() -> None:
    with pytest.raises(ValidationError, match=r"'refund'; known types are activation, activity,"):
        input_from_dict({"type": "refund", "id": "x"})
