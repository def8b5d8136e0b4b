"""The domain model: line items, carts, purchases, members and activities."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import attrs
import pytest
from support import usd

from loyalrules import (
    Activity,
    Cart,
    LineItem,
    Member,
    Money,
    Purchase,
    ValidationError,
    WrongTypeError,
)

NEW_YORK = ZoneInfo("America/New_York")
TOKYO = ZoneInfo("Asia/Tokyo")
NOON_UTC = datetime(2026, 12, 1, 12, tzinfo=UTC)


def line(
    sku: str = "LATTE", price: str = "4.50", category: str = "drinks", **kwargs: object
) -> LineItem:
    return LineItem(sku=sku, category=category, unit_price=usd(price), **kwargs)  # type: ignore[arg-type]


# --- LineItem ------------------------------------------------------------------------------


def test_line_id_defaults_to_the_sku() -> None:
    assert line("BEANS-ETH").id == "BEANS-ETH"


def test_an_explicit_line_id_wins_over_the_sku() -> None:
    assert line("BEANS-ETH", id="line-2").id == "line-2"


def test_line_defaults_are_one_unit_no_discount_no_tags() -> None:
    item = line()
    assert (item.quantity, item.discount, item.tags) == (1, None, ())


def test_gross_is_unit_price_times_quantity() -> None:
    # 3 x 5.95 = 17.85
    assert line(price="5.95", quantity=3).gross == usd("17.85")


def test_net_subtracts_the_line_discount() -> None:
    # 2 x 10.00 = 20.00, less 2.50 = 17.50
    assert line(price="10.00", quantity=2, discount=usd("2.50")).net == usd("17.50")


def test_net_without_a_discount_is_the_gross() -> None:
    assert line(price="7.25", quantity=2).net == usd("14.50")


def test_a_discount_may_equal_the_whole_line() -> None:
    assert line(price="3.00", discount=usd("3.00")).net == usd("0.00")


def test_a_discount_larger_than_the_line_is_refused() -> None:
    with pytest.raises(ValidationError, match="exceeds"):
        line(price="3.00", discount=usd("3.01"))


def test_a_discount_in_another_currency_is_refused() -> None:
    with pytest.raises(ValidationError, match="EUR"):
        line(price="3.00", discount=Money("1.00", "EUR"))


def test_a_negative_price_is_refused() -> None:
    with pytest.raises(ValidationError, match="negative"):
        line(price="-1.00")


def test_a_price_that_is_not_money_is_refused() -> None:
    with pytest.raises(WrongTypeError, match="Money"):
        LineItem(sku="X", category="c", unit_price=Decimal("1.00"))  # type: ignore[arg-type]


@pytest.mark.parametrize("quantity", [0, -1])
def test_a_quantity_below_one_is_refused(quantity: int) -> None:
    with pytest.raises(ValidationError, match="at least 1"):
        line(quantity=quantity)


@pytest.mark.parametrize("quantity", [True, 1.0, "2"])
def test_a_quantity_that_is_not_a_whole_number_is_refused(quantity: object) -> None:
    with pytest.raises(WrongTypeError, match="whole number"):
        line(quantity=quantity)


def test_an_empty_sku_is_refused() -> None:
    with pytest.raises(ValidationError, match="sku"):
        line("")


def test_a_single_tag_string_becomes_a_one_tag_tuple() -> None:
    assert line(tags="seasonal").tags == ("seasonal",)


def test_a_tag_list_becomes_a_tuple() -> None:
    assert line(tags=["seasonal", "organic"]).tags == ("seasonal", "organic")


def test_a_line_is_frozen() -> None:
    item = line()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        item.quantity = 2  # type: ignore[misc]


# --- Cart ----------------------------------------------------------------------------------


def test_subtotal_sums_the_net_lines() -> None:
    # 2 x 4.50 = 9.00, plus 18.00 - 3.00 = 15.00 -> 24.00
    cart = Cart(
        lines=[
            line("LATTE", "4.50", quantity=2),
            line("BEANS", "18.00", discount=usd("3.00"), category="beans"),
        ]
    )
    assert cart.subtotal == usd("24.00")


def test_subtotal_ignores_the_order_discount() -> None:
    cart = Cart(lines=[line(price="10.00")], order_discount=usd("4.00"))
    assert cart.subtotal == usd("10.00")


def test_a_cart_takes_its_currency_from_its_lines() -> None:
    cart = Cart(lines=[LineItem(sku="X", category="c", unit_price=Money("500", "JPY"))])
    assert cart.currency == "JPY"


def test_a_cart_needs_a_line() -> None:
    with pytest.raises(ValidationError, match="at least one line"):
        Cart(lines=[])


def test_a_cart_refuses_lines_in_two_currencies() -> None:
    euro = LineItem(sku="CROISSANT", category="food", unit_price=Money("2", "EUR"))
    with pytest.raises(ValidationError, match="one currency"):
        Cart(lines=[line(), euro])


def test_a_cart_refuses_two_lines_with_the_same_id() -> None:
    with pytest.raises(ValidationError, match="distinct id"):
        Cart(lines=[line("LATTE"), line("LATTE", price="5.00")])


def test_the_same_sku_twice_is_fine_with_distinct_ids() -> None:
    cart = Cart(lines=[line("LATTE", id="1"), line("LATTE", id="2")])
    assert cart.subtotal == usd("9.00")


def test_an_order_discount_larger_than_the_cart_is_refused() -> None:
    with pytest.raises(ValidationError, match="exceeds"):
        Cart(lines=[line(price="5.00")], order_discount=usd("5.01"))


def test_an_order_discount_finer_than_a_cent_is_refused_when_the_cart_is_made() -> None:
    # it cannot be shared over lines in whole cents, so the cart must not exist at all
    # (rather than failing later, when a program processes it)
    with pytest.raises(ValidationError, match=r"0\.005"):
        Cart(lines=[line(price="5.00")], order_discount=usd("0.005"))


@pytest.mark.parametrize("name", ["order_discount", "shipping", "tax"])
def test_extras_in_another_currency_are_refused(name: str) -> None:
    with pytest.raises(ValidationError, match=name):
        Cart(lines=[line(price="5.00")], **{name: Money("1.00", "EUR")})  # type: ignore[arg-type]


def test_a_cart_line_that_is_not_a_line_item_is_refused() -> None:
    with pytest.raises(WrongTypeError, match="LineItem"):
        Cart(lines=["LATTE"])  # type: ignore[list-item]


def test_lines_are_kept_as_a_tuple() -> None:
    cart = Cart(lines=[line()])
    assert isinstance(cart.lines, tuple)


def test_without_an_order_discount_every_share_is_zero() -> None:
    cart = Cart(lines=[line("A"), line("B")])
    assert cart.order_discount_shares() == (usd("0"), usd("0"))


def test_order_discount_is_shared_in_proportion_to_net_value() -> None:
    # lines worth 10.00 and 20.00 share 1.00: 100*10/30 = 33 r 10, 100*20/30 = 66 r 20
    # -> floors 33 + 66 = 99, the last cent to the larger remainder (line B)
    cart = Cart(
        lines=[line("A", "10.00"), line("B", "20.00")],
        order_discount=usd("1.00"),
    )
    assert cart.order_discount_shares() == (usd("0.33"), usd("0.67"))


def test_order_discount_shares_use_the_net_after_line_discounts() -> None:
    # A is 20.00 - 10.00 = 10.00 net, B is 10.00: equal nets share 3.00 as 1.50 each
    cart = Cart(
        lines=[line("A", "20.00", discount=usd("10.00")), line("B", "10.00")],
        order_discount=usd("3.00"),
    )
    assert cart.order_discount_shares() == (usd("1.50"), usd("1.50"))


def test_order_discount_ties_go_by_line_id_whatever_the_line_order() -> None:
    # three equal lines share 1.00: 33 cents each, the odd cent to line id "a"
    forward = Cart(
        lines=[line("X", id="a"), line("Y", id="b"), line("Z", id="c")],
        order_discount=usd("1.00"),
    )
    backward = Cart(
        lines=[line("Z", id="c"), line("Y", id="b"), line("X", id="a")],
        order_discount=usd("1.00"),
    )
    assert forward.order_discount_shares() == (usd("0.34"), usd("0.33"), usd("0.33"))
    assert backward.order_discount_shares() == (usd("0.33"), usd("0.33"), usd("0.34"))


def test_order_discount_shares_sum_to_the_discount() -> None:
    cart = Cart(
        lines=[line("A", "3.33"), line("B", "7.77", quantity=3), line("C", "0.01")],
        order_discount=usd("2.05"),
    )
    assert sum((s.amount for s in cart.order_discount_shares()), Decimal(0)) == Decimal("2.05")


def test_a_fully_discounted_line_gets_no_share_of_the_order_discount() -> None:
    # A is worth nothing after its own discount, so B (5.00) takes the whole 2.00
    cart = Cart(
        lines=[line("A", "4.00", discount=usd("4.00")), line("B", "5.00")],
        order_discount=usd("2.00"),
    )
    assert cart.order_discount_shares() == (usd("0.00"), usd("2.00"))


def test_cart_attributes_are_read_only() -> None:
    cart = Cart(lines=[line()], attributes={"store": "SF-1"})
    with pytest.raises(TypeError):
        cart.attributes["store"] = "NY-2"  # type: ignore[index]


# --- attributes (shared by Member, Cart, Activity) -------------------------------------------


def test_attribute_lists_become_tuples_all_the_way_down() -> None:
    member = Member(id="m", joined_at=NOON_UTC, attributes={"tags": ["a", ["b", "c"]]})
    assert member.attributes["tags"] == ("a", ("b", "c"))


def test_attributes_cannot_be_changed_after_construction() -> None:
    member = Member(id="m", joined_at=NOON_UTC, attributes={"segment": "gold"})
    with pytest.raises(TypeError):
        member.attributes["segment"] = "reserve"  # type: ignore[index]


def test_attributes_are_copied_so_the_callers_dict_cannot_change_them() -> None:
    source: dict[str, object] = {"segment": "gold"}
    member = Member(id="m", joined_at=NOON_UTC, attributes=source)
    source["segment"] = "reserve"
    assert member.attributes["segment"] == "gold"


def test_attribute_scalars_are_kept() -> None:
    values = {
        "s": "x",
        "i": 3,
        "b": True,
        "d": Decimal("1.5"),
        "day": date(2026, 1, 2),
        "n": None,
    }
    member = Member(id="m", joined_at=NOON_UTC, attributes=values)
    assert dict(member.attributes) == values


def test_a_float_attribute_is_refused() -> None:
    with pytest.raises(WrongTypeError, match="float"):
        Member(id="m", joined_at=NOON_UTC, attributes={"score": 1.5})


def test_a_nested_mapping_attribute_is_refused() -> None:
    with pytest.raises(WrongTypeError, match="dict"):
        Member(id="m", joined_at=NOON_UTC, attributes={"address": {"city": "NYC"}})


def test_a_non_string_attribute_name_is_refused() -> None:
    with pytest.raises(WrongTypeError, match="strings"):
        Member(id="m", joined_at=NOON_UTC, attributes={1: "x"})  # type: ignore[dict-item]


def test_attributes_must_be_a_mapping() -> None:
    with pytest.raises(WrongTypeError, match="mapping"):
        Member(id="m", joined_at=NOON_UTC, attributes=[("a", 1)])  # type: ignore[arg-type]


def test_no_attributes_means_an_empty_mapping() -> None:
    assert dict(Member(id="m", joined_at=NOON_UTC).attributes) == {}


# --- Member ---------------------------------------------------------------------------------


def test_joined_at_is_normalised_to_utc() -> None:
    # 09:00 in New York in December (UTC-5) is 14:00 UTC
    member = Member(id="m", joined_at=datetime(2026, 12, 1, 9, tzinfo=NEW_YORK))
    assert member.joined_at == datetime(2026, 12, 1, 14, tzinfo=UTC)
    assert member.joined_at.tzinfo is UTC


def test_a_naive_joined_at_is_refused_with_an_example() -> None:
    with pytest.raises(ValidationError, match="no time zone"):
        Member(id="m", joined_at=datetime(2026, 12, 1, 9))


def test_a_date_is_not_an_instant() -> None:
    with pytest.raises(WrongTypeError, match="datetime"):
        Member(id="m", joined_at=date(2026, 12, 1))


def test_a_birthday_is_a_date() -> None:
    member = Member(id="m", joined_at=NOON_UTC, birthday=date(1990, 12, 9))
    assert member.birthday == date(1990, 12, 9)


def test_a_birthday_given_as_a_datetime_is_refused() -> None:
    with pytest.raises(WrongTypeError, match="date"):
        Member(id="m", joined_at=NOON_UTC, birthday=datetime(1990, 12, 9, tzinfo=UTC))


def test_a_member_needs_an_id() -> None:
    with pytest.raises(ValidationError, match="id"):
        Member(id="", joined_at=NOON_UTC)


def test_members_with_the_same_facts_are_equal() -> None:
    a = Member(id="m", joined_at=NOON_UTC, attributes={"segment": "gold"})
    b = Member(id="m", joined_at=NOON_UTC.astimezone(TOKYO), attributes={"segment": "gold"})
    assert a == b


# --- Purchase --------------------------------------------------------------------------------


def purchase(**kwargs: object) -> Purchase:
    values: dict[str, object] = {
        "id": "o-1",
        "member_id": "m-1",
        "occurred_at": NOON_UTC,
        "lines": [line()],
    }
    values.update(kwargs)
    return Purchase(**values)  # type: ignore[arg-type]


def test_purchase_time_is_normalised_to_utc() -> None:
    # 09:00 in Tokyo (UTC+9) is 00:00 UTC the same day
    made = purchase(occurred_at=datetime(2026, 12, 1, 9, tzinfo=TOKYO))
    assert made.occurred_at == datetime(2026, 12, 1, 0, tzinfo=UTC)
    assert made.occurred_at.tzinfo is UTC


def test_a_naive_purchase_time_is_refused() -> None:
    with pytest.raises(ValidationError, match="occurred_at"):
        purchase(occurred_at=datetime(2026, 12, 1, 9))


def test_a_purchase_is_a_cart_with_its_checks() -> None:
    made = purchase(lines=[line("A", "2.00"), line("B", "3.00")], order_discount=usd("1.00"))
    assert isinstance(made, Cart)
    assert made.subtotal == usd("5.00")
    with pytest.raises(ValidationError, match="exceeds"):
        purchase(lines=[line(price="1.00")], order_discount=usd("2.00"))


def test_purchase_channel_and_payment_default_to_none() -> None:
    made = purchase()
    assert (made.channel, made.payment) == (None, None)


def test_an_empty_channel_is_refused() -> None:
    with pytest.raises(ValidationError, match="channel"):
        purchase(channel="")


def test_a_purchase_needs_a_member_id() -> None:
    with pytest.raises(ValidationError, match="member_id"):
        purchase(member_id="")


def test_a_purchase_is_frozen() -> None:
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        purchase().channel = "web"  # type: ignore[misc]


# --- Activity --------------------------------------------------------------------------------


def test_activity_time_is_normalised_to_utc() -> None:
    review = Activity(
        id="r-1",
        member_id="m-1",
        kind="review",
        occurred_at=datetime(2026, 7, 1, 8, tzinfo=NEW_YORK),  # summer: UTC-4
    )
    assert review.occurred_at == datetime(2026, 7, 1, 12, tzinfo=UTC)
    assert review.occurred_at.tzinfo is UTC


def test_activity_attributes_are_frozen() -> None:
    review = Activity(
        id="r-1",
        member_id="m-1",
        kind="review",
        occurred_at=NOON_UTC,
        attributes={"photos": ["p1", "p2"]},
    )
    assert review.attributes["photos"] == ("p1", "p2")
    with pytest.raises(TypeError):
        review.attributes["stars"] = 5  # type: ignore[index]


def test_an_activity_needs_a_kind() -> None:
    with pytest.raises(ValidationError, match="kind"):
        Activity(id="r-1", member_id="m-1", kind="", occurred_at=NOON_UTC)


def test_a_naive_activity_time_is_refused() -> None:
    with pytest.raises(ValidationError, match="no time zone"):
        Activity(id="r-1", member_id="m-1", kind="review", occurred_at=datetime(2026, 1, 1))
