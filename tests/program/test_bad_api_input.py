"""Bad input to the Python API: a typed loyalrules error that says what was wrong and what to do.

Never a bare KeyError or TypeError from deep inside: every refusal below derives from
``LoyalRulesError``, and a failed call changes nothing.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from support import usd

from loyalrules import (
    Activity,
    Cart,
    CurrencyMismatch,
    DuplicateEntry,
    Earned,
    Ledger,
    LineItem,
    LoyalRulesError,
    Member,
    Money,
    Program,
    Purchase,
    Recorded,
    ValidationError,
    WrongTypeError,
    entry_from_dict,
    loads_program,
)

NOON = datetime(2026, 3, 2, 12, tzinfo=UTC)
NAIVE_NOON = datetime(2026, 3, 2, 12)


def eur(amount: str) -> Money:
    return Money(amount, "EUR")


def line(sku: str = "LATTE", price: Money | None = None, **kwargs: Any) -> LineItem:
    return LineItem(sku=sku, category="drinks", unit_price=price or usd("5.00"), **kwargs)


def purchase(*lines: LineItem, member_id: str = "m-1", purchase_id: str = "o-2") -> Purchase:
    return Purchase(id=purchase_id, member_id=member_id, occurred_at=NOON, lines=lines or (line(),))


@pytest.fixture
def program() -> Program:
    return loads_program(
        "\n".join(
            [
                "program: demo",
                "currency: USD",
                "timezone: UTC",
                "earn:",
                "  - id: base",
                "    effect: {type: points_per_spend, points: 1}",
                "  - id: review",
                "    activity: review",
                "    effect: {type: bonus, points: 10}",
            ]
        ),
        source="demo.yaml",
    )


@pytest.fixture
def member() -> Member:
    return Member(id="m-1", joined_at=datetime(2026, 1, 1, tzinfo=UTC))


@pytest.fixture
def ledger() -> Ledger:
    """A ledger holding one earlier purchase: one Recorded entry and a lot of 10 points."""
    return Ledger(
        [
            Recorded(key="purchase:o-1", at=NOON, event_type="purchase", event_id="o-1"),
            Earned(
                key="purchase:o-1:earn:base",
                at=NOON,
                points=10,
                rule_id="base",
                source="purchase:o-1",
            ),
        ]
    )


def earned(key: str = "k-1", points: int = 5) -> Earned:
    return Earned(key=key, at=NOON, points=points, rule_id="base", source="purchase:o-1")


# --- Money ---------------------------------------------------------------------------------


def test_a_float_amount_is_a_type_error_advising_decimal_or_str() -> None:
    with pytest.raises(WrongTypeError) as caught:
        Money(1.5, "USD")
    assert isinstance(caught.value, TypeError)
    message = str(caught.value)
    assert "float" in message
    assert "Decimal('1.5')" in message
    assert "the string '1.5'" in message


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "-Infinity", Decimal("NaN")])
def test_a_non_finite_amount_is_refused(amount: str | Decimal) -> None:
    with pytest.raises(ValidationError, match="must be a finite number"):
        Money(amount, "USD")


@pytest.mark.parametrize("amount", ["twelve", "", "12,50", "$12.50"])
def test_text_that_is_not_a_number_is_refused_with_an_example(amount: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Money(amount, "USD")
    assert "is not a number" in str(caught.value)
    assert "'12.50'" in str(caught.value)


def test_a_bool_amount_is_a_type_error() -> None:
    with pytest.raises(WrongTypeError, match="not a bool"):
        Money(True, "USD")


def test_a_missing_amount_is_a_type_error() -> None:
    with pytest.raises(WrongTypeError, match="not NoneType"):
        Money(None, "USD")


@pytest.mark.parametrize("code", ["usd", "US", "DOLLAR", "", None, 840])
def test_a_currency_that_is_not_an_iso_code_is_refused(code: object) -> None:
    with pytest.raises(ValidationError) as caught:
        Money("1.00", code)  # type: ignore[arg-type]
    assert "three-letter ISO 4217 code" in str(caught.value)
    assert repr(code) in str(caught.value)


def test_adding_euros_to_dollars_is_a_currency_mismatch() -> None:
    with pytest.raises(CurrencyMismatch) as caught:
        usd("1.00") + eur("1.00")
    assert "cannot combine USD with EUR" in str(caught.value)
    assert "convert" in str(caught.value)


@pytest.mark.parametrize(
    "compare",
    [
        lambda a, b: a < b,
        lambda a, b: a <= b,
        lambda a, b: a > b,
        lambda a, b: a >= b,
    ],
    ids=["lt", "le", "gt", "ge"],
)
def test_ordering_amounts_of_different_currencies_is_a_currency_mismatch(compare: Any) -> None:
    with pytest.raises(CurrencyMismatch, match="USD with EUR"):
        compare(usd("1.00"), eur("2.00"))


def test_adding_a_plain_number_to_money_is_a_type_error() -> None:
    with pytest.raises(WrongTypeError, match="cannot combine Money with int"):
        usd("1.00") + 1  # type: ignore[operator]


def test_multiplying_money_by_a_float_is_a_type_error() -> None:
    with pytest.raises(WrongTypeError, match=r"pass Decimal\('1.5'\)"):
        usd("1.00") * 1.5  # type: ignore[operator]


def test_money_from_a_dict_without_a_currency_is_a_validation_error() -> None:
    with pytest.raises(ValidationError, match="currency"):
        Money.from_dict({"amount": "1.00"})


# --- instants must be timezone-aware -------------------------------------------------------


def test_a_naive_purchase_time_is_refused_with_an_aware_example() -> None:
    with pytest.raises(ValidationError) as caught:
        Purchase(id="o-1", member_id="m-1", occurred_at=NAIVE_NOON, lines=[line()])
    assert "occurred_at 2026-03-02T12:00:00 has no time zone" in str(caught.value)
    assert "tzinfo=" in str(caught.value)


def test_a_naive_join_time_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"joined_at .* has no time zone"):
        Member(id="m-1", joined_at=NAIVE_NOON)


def test_a_date_for_the_join_time_is_a_type_error() -> None:
    with pytest.raises(
        WrongTypeError, match="joined_at must be a timezone-aware datetime, not date"
    ):
        Member(id="m-1", joined_at=date(2026, 1, 1))


def test_a_datetime_for_the_birthday_is_a_type_error() -> None:
    with pytest.raises(WrongTypeError, match=r"must be a datetime\.date, not datetime"):
        Member(id="m-1", joined_at=NOON, birthday=NOON)


def test_a_naive_activity_time_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"occurred_at .* has no time zone"):
        Activity(id="r-1", member_id="m-1", kind="review", occurred_at=NAIVE_NOON)


def test_a_naive_quote_time_is_refused(program: Program, member: Member, ledger: Ledger) -> None:
    cart = Cart(lines=[line()])
    with pytest.raises(ValidationError, match="at 2026-03-02T12:00:00 has no time zone"):
        program.quote(cart, member=member, ledger=ledger, at=NAIVE_NOON)


def test_a_missing_quote_time_is_a_type_error(
    program: Program, member: Member, ledger: Ledger
) -> None:
    with pytest.raises(WrongTypeError, match="timezone-aware datetime, not NoneType"):
        program.quote(Cart(lines=[line()]), member=member, ledger=ledger, at=None)  # type: ignore[arg-type]


def test_a_naive_balance_time_is_refused(ledger: Ledger) -> None:
    with pytest.raises(ValidationError, match="at 2026-03-02T12:00:00 has no time zone"):
        ledger.balance(at=NAIVE_NOON)


def test_a_date_for_the_balance_time_is_a_type_error(ledger: Ledger) -> None:
    with pytest.raises(WrongTypeError, match="at must be a timezone-aware datetime"):
        ledger.balance(at=date(2026, 3, 2))  # type: ignore[arg-type]


# --- line items ----------------------------------------------------------------------------


@pytest.mark.parametrize("quantity", [0, -1])
def test_a_quantity_below_one_is_refused_pointing_to_returns(quantity: int) -> None:
    with pytest.raises(ValidationError) as caught:
        line(quantity=quantity)
    assert f"must be at least 1, not {quantity}" in str(caught.value)
    assert "Return" in str(caught.value)


@pytest.mark.parametrize("quantity", [2.0, True, "2", Decimal(2)])
def test_a_quantity_that_is_not_an_int_is_a_type_error(quantity: object) -> None:
    with pytest.raises(WrongTypeError, match="quantity must be a whole number"):
        line(quantity=quantity)


def test_a_negative_unit_price_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"unit_price must not be negative \(-\$1\.00\)"):
        line(price=usd("-1.00"))


@pytest.mark.parametrize("price", [4.5, "4.50", Decimal("4.50")])
def test_a_unit_price_that_is_not_money_is_a_type_error_with_an_example(price: object) -> None:
    with pytest.raises(WrongTypeError) as caught:
        LineItem(sku="LATTE", category="drinks", unit_price=price)  # type: ignore[arg-type]
    assert "unit_price must be Money" in str(caught.value)
    assert "Money('4.50', 'USD')" in str(caught.value)


def test_a_line_discount_above_the_line_value_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        line(quantity=2, discount=usd("10.01"))  # 2 x $5.00 = $10.00
    assert "discount $10.01 exceeds its value $10.00" in str(caught.value)


def test_a_line_discount_in_another_currency_is_refused() -> None:
    with pytest.raises(ValidationError, match="discount is in EUR but the price is in USD"):
        line(discount=eur("1.00"))


def test_tags_that_are_not_strings_are_a_type_error() -> None:
    with pytest.raises(WrongTypeError, match="tags must be strings"):
        line(tags=["seasonal", 7])


def test_no_tags_given_as_none_means_no_tags() -> None:
    assert line(tags=None).tags == ()


# --- carts ---------------------------------------------------------------------------------


def test_an_empty_cart_is_refused() -> None:
    with pytest.raises(ValidationError, match="a cart needs at least one line"):
        Cart(lines=[])


def test_a_single_line_not_in_a_list_is_a_type_error() -> None:
    with pytest.raises(WrongTypeError, match="lines"):
        Cart(lines=line())  # type: ignore[arg-type]


def test_an_order_discount_above_the_cart_value_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        Cart(lines=[line(), line("MUFFIN")], order_discount=usd("10.01"))
    assert "order_discount $10.01 exceeds the cart's value $10.00" in str(caught.value)


def test_an_order_discount_with_fractions_of_a_cent_is_refused() -> None:
    with pytest.raises(ValidationError, match="more decimals than USD allows"):
        Cart(lines=[line()], order_discount=usd("1.005"))


def test_two_lines_of_one_sku_without_ids_are_refused_with_advice() -> None:
    with pytest.raises(ValidationError) as caught:
        Cart(lines=[line("LATTE"), line("LATTE", price=usd("4.00"))])
    assert "two lines share the id 'LATTE'" in str(caught.value)
    assert "id=" in str(caught.value)


def test_two_lines_of_one_sku_with_distinct_ids_are_accepted() -> None:
    cart = Cart(lines=[line("LATTE", id="l-1"), line("LATTE", price=usd("4.00"), id="l-2")])
    assert cart.subtotal == usd("9.00")


def test_lines_in_two_currencies_are_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        Cart(lines=[line("LATTE"), line("BEANS", price=eur("12.00"))])
    assert "line 'BEANS' is priced in EUR but the cart is in USD" in str(caught.value)


def test_shipping_in_another_currency_is_refused() -> None:
    with pytest.raises(ValidationError, match="shipping is in EUR but the cart is in USD"):
        Cart(lines=[line()], shipping=eur("3.00"))


# --- members and activities ----------------------------------------------------------------


def test_a_float_member_attribute_is_a_type_error_advising_decimal_or_str() -> None:
    with pytest.raises(WrongTypeError) as caught:
        Member(id="m-1", joined_at=NOON, attributes={"discount_rate": 0.15})
    assert "attribute 'discount_rate' is a float" in str(caught.value)
    assert "Decimal or a str" in str(caught.value)


def test_a_nested_mapping_as_a_member_attribute_is_a_type_error() -> None:
    with pytest.raises(WrongTypeError, match="attribute 'address' must be a str, int"):
        Member(id="m-1", joined_at=NOON, attributes={"address": {"city": "Lyon"}})


def test_member_attributes_that_are_not_a_mapping_are_a_type_error() -> None:
    with pytest.raises(WrongTypeError, match="attributes must be a mapping, not list"):
        Member(id="m-1", joined_at=NOON, attributes=[("segment", "gold")])  # type: ignore[arg-type]


@pytest.mark.parametrize("member_id", ["", None, 42])
def test_a_member_id_must_be_a_non_empty_string(member_id: object) -> None:
    with pytest.raises(ValidationError, match="id must be a non-empty string"):
        Member(id=member_id, joined_at=NOON)  # type: ignore[arg-type]


def test_an_activity_without_a_kind_is_refused() -> None:
    with pytest.raises(ValidationError, match="kind must be a non-empty string"):
        Activity(id="r-1", member_id="m-1", kind="", occurred_at=NOON)


# --- process() and quote() -----------------------------------------------------------------


def test_processing_another_members_event_is_refused(program: Program, ledger: Ledger) -> None:
    someone_else = Member(id="m-2", joined_at=NOON)
    with pytest.raises(ValidationError) as caught:
        program.process(purchase(member_id="m-1"), member=someone_else, ledger=ledger)
    assert "belongs to member 'm-1' but member 'm-2' was passed" in str(caught.value)


@pytest.mark.parametrize(
    ("event", "name"),
    [({"id": "o-2"}, "dict"), (Cart(lines=[line()]), "Cart"), (None, "NoneType")],
)
def test_processing_something_that_is_not_an_event_is_a_type_error(
    program: Program, member: Member, ledger: Ledger, event: object, name: str
) -> None:
    with pytest.raises(WrongTypeError) as caught:
        program.process(event, member=member, ledger=ledger)  # type: ignore[arg-type]
    assert f"takes a Purchase, Activity, Return, Activation or Membership, not {name}" in str(
        caught.value
    )


def test_processing_a_purchase_in_another_currency_is_a_currency_mismatch(
    program: Program, member: Member, ledger: Ledger
) -> None:
    with pytest.raises(CurrencyMismatch) as caught:
        program.process(purchase(line(price=eur("5.00"))), member=member, ledger=ledger)
    assert "the cart is in EUR but program 'demo' is in USD" in str(caught.value)


def test_quoting_a_cart_in_another_currency_is_a_currency_mismatch(
    program: Program, member: Member, ledger: Ledger
) -> None:
    cart = Cart(lines=[line(price=eur("5.00"))])
    with pytest.raises(CurrencyMismatch, match="the cart is in EUR"):
        program.quote(cart, member=member, ledger=ledger, at=NOON)


def test_processing_with_a_list_for_the_ledger_is_a_type_error(
    program: Program, member: Member
) -> None:
    with pytest.raises(WrongTypeError, match="ledger must be a Ledger, not list"):
        program.process(purchase(), member=member, ledger=[])  # type: ignore[arg-type]


def test_processing_with_a_member_id_for_the_member_is_a_type_error(
    program: Program, ledger: Ledger
) -> None:
    with pytest.raises(WrongTypeError, match="member must be a Member, not str"):
        program.process(purchase(), member="m-1", ledger=ledger)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "bad_call",
    [
        lambda program, member, ledger: program.process(
            purchase(line(price=eur("5.00"))), member=member, ledger=ledger
        ),
        lambda program, member, ledger: program.process(
            purchase(member_id="m-9"), member=member, ledger=ledger
        ),
        lambda program, member, ledger: program.process(
            {"id": "o-2"}, member=member, ledger=ledger
        ),
    ],
    ids=["currency", "member", "not-an-event"],
)
def test_a_failed_process_leaves_the_ledger_unchanged(
    program: Program, member: Member, ledger: Ledger, bad_call: Any
) -> None:
    entries_before, version_before = ledger.entries, ledger.version
    with pytest.raises(LoyalRulesError):
        bad_call(program, member, ledger)
    assert ledger.entries == entries_before
    assert ledger.version == version_before == 2
    assert ledger.balance(at=NOON).available == 10
    # The ledger still works: the good event goes through against it.
    assert program.process(purchase(), member=member, ledger=ledger).points == 5


def test_asking_for_a_rule_the_program_lacks_is_a_loyalrules_error(program: Program) -> None:
    with pytest.raises(LoyalRulesError, match="no rule 'welcome'"):
        program.rule("welcome")


# --- the ledger ----------------------------------------------------------------------------


def test_appending_an_entry_whose_key_exists_is_a_duplicate_entry(ledger: Ledger) -> None:
    again = earned(key="purchase:o-1:earn:base")
    with pytest.raises(DuplicateEntry) as caught:
        ledger.append([again])
    assert "already has an entry with key 'purchase:o-1:earn:base'" in str(caught.value)
    assert "processed already" in str(caught.value)


def test_appending_the_same_key_twice_in_one_batch_is_a_duplicate_entry() -> None:
    with pytest.raises(DuplicateEntry, match="'k-1'"):
        Ledger().append([earned("k-1"), earned("k-1", points=7)])


def test_a_refused_append_leaves_the_ledger_unchanged(ledger: Ledger) -> None:
    with pytest.raises(DuplicateEntry):
        ledger.append([earned("k-new"), earned("purchase:o-1")])
    assert ledger.version == 2
    assert "k-new" not in ledger
    assert ledger.append([earned("k-new")]).version == 3


def test_appending_something_that_is_not_an_entry_is_a_type_error(ledger: Ledger) -> None:
    with pytest.raises(WrongTypeError, match="ledger entries must be Entry values, not dict"):
        ledger.append([{"key": "k-1"}])  # type: ignore[list-item]


def test_appending_one_entry_not_in_a_list_is_a_loyalrules_error(ledger: Ledger) -> None:
    with pytest.raises(LoyalRulesError, match="Earned"):
        ledger.append(earned("k-2"))  # type: ignore[arg-type]


@pytest.mark.parametrize("points", [0, -5])
def test_an_earned_entry_needs_positive_points(points: int) -> None:
    with pytest.raises(ValidationError, match=f"positive points, not {points}"):
        earned(points=points)


@pytest.mark.parametrize("points", [2.0, True, "5"])
def test_earned_points_that_are_not_an_int_are_a_type_error(points: object) -> None:
    with pytest.raises(WrongTypeError, match="points must be a whole number"):
        earned(points=points)  # type: ignore[arg-type]


def test_an_entry_with_an_empty_key_is_refused() -> None:
    with pytest.raises(ValidationError, match="entry key must be a non-empty string"):
        earned(key="")


# --- entries read back from storage --------------------------------------------------------


def stored() -> dict[str, Any]:
    return earned().to_dict()


def test_a_stored_entry_of_another_format_version_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        entry_from_dict({**stored(), "v": 2})
    assert "unsupported entry format version 2" in str(caught.value)
    assert "reads version 1" in str(caught.value)


def test_a_stored_entry_without_a_version_is_refused() -> None:
    row = {k: v for k, v in stored().items() if k != "v"}
    with pytest.raises(ValidationError, match="unsupported entry format version None"):
        entry_from_dict(row)


def test_a_stored_entry_of_an_unknown_kind_is_refused_listing_the_kinds() -> None:
    with pytest.raises(ValidationError) as caught:
        entry_from_dict({**stored(), "kind": "bonus"})
    assert "unknown entry kind 'bonus'" in str(caught.value)
    assert "'earned'" in str(caught.value)
    assert "'recorded'" in str(caught.value)


@pytest.mark.parametrize("field", ["points", "key", "rule_id"])
def test_a_stored_entry_missing_a_field_is_refused_naming_it(field: str) -> None:
    row = {k: v for k, v in stored().items() if k != field}
    with pytest.raises(ValidationError) as caught:
        entry_from_dict(row)
    assert "'earned' entry" in str(caught.value)
    assert f"missing the field {field!r}" in str(caught.value)


def test_a_stored_entry_with_an_unreadable_time_is_refused_naming_the_field() -> None:
    row = {**stored(), "at": "yesterday"}
    with pytest.raises(ValidationError) as caught:
        entry_from_dict(row)
    assert str(caught.value).startswith(
        f"malformed 'earned' entry {row['key']!r}: its 'at' cannot be 'yesterday' (Invalid"
    )


def test_a_stored_entry_without_a_key_says_so() -> None:
    with pytest.raises(ValidationError, match=r"^'earned' entry without a key: missing the"):
        entry_from_dict({"v": 1, "kind": "earned"})


def test_a_stored_entry_with_a_naive_time_is_refused() -> None:
    with pytest.raises(ValidationError, match="has no time zone"):
        entry_from_dict({**stored(), "at": "2026-03-02T12:00:00"})


def test_a_stored_amount_written_as_a_float_is_refused() -> None:
    row = Recorded(
        key="purchase:o-1", at=NOON, event_type="purchase", event_id="o-1", spend=usd("1.50")
    ).to_dict()
    row["spend"] = {"amount": 1.5, "currency": "USD"}
    with pytest.raises(WrongTypeError, match="must not be a float"):
        entry_from_dict(row)


@pytest.mark.parametrize(("row", "name"), [([1, 2], "list"), (None, "NoneType"), ("{}", "str")])
def test_a_stored_entry_that_is_not_a_mapping_is_a_type_error(row: object, name: str) -> None:
    with pytest.raises(WrongTypeError, match=f"an entry must be a mapping, not {name}"):
        entry_from_dict(row)  # type: ignore[arg-type]
