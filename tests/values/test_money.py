"""Money: exact amounts in one currency, their arithmetic, formatting and allocation."""

from __future__ import annotations

from decimal import Decimal

import pytest
from support import usd

from loyalrules import CurrencyMismatch, Money, ValidationError, WrongTypeError, allocate
from loyalrules.values.money import minor_units

# --- construction and conversion -------------------------------------------------------


def test_a_string_amount_becomes_the_exact_decimal() -> None:
    assert usd("12.50").amount == Decimal("12.50")
    assert usd("12.50").amount.as_tuple().exponent == -2  # trailing zero kept


def test_surrounding_spaces_in_a_string_amount_are_ignored() -> None:
    assert usd(" 12.50 ").amount == Decimal("12.50")


def test_an_int_amount_is_accepted() -> None:
    assert Money(5, "USD").amount == Decimal(5)


def test_a_decimal_amount_is_kept_as_is() -> None:
    assert Money(Decimal("0.10"), "USD").amount == Decimal("0.10")


def test_a_float_amount_is_refused_with_advice_to_pass_decimal_or_str() -> None:
    with pytest.raises(WrongTypeError, match=r"Decimal\('0.1'\)") as caught:
        Money(0.1, "USD")  # type: ignore[arg-type]
    assert isinstance(caught.value, TypeError)
    assert "'0.1'" in str(caught.value)


def test_a_bool_amount_is_refused() -> None:
    with pytest.raises(WrongTypeError, match="bool"):
        Money(True, "USD")  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["NaN", "Infinity", "-Infinity", "sNaN"])
def test_non_finite_amounts_are_refused(text: str) -> None:
    with pytest.raises(ValidationError, match="finite"):
        usd(text)


def test_a_non_finite_decimal_is_refused() -> None:
    with pytest.raises(ValidationError, match="finite"):
        Money(Decimal("NaN"), "USD")


def test_text_that_is_not_a_number_is_refused_with_an_example() -> None:
    with pytest.raises(ValidationError, match=r"not a number.*'12\.50'"):
        usd("twelve")


def test_an_amount_of_another_type_is_refused() -> None:
    with pytest.raises(WrongTypeError, match="list"):
        Money([1], "USD")  # type: ignore[arg-type]


@pytest.mark.parametrize("code", ["usd", "US", "USDT", "", "U$D"])
def test_a_currency_must_be_three_capital_letters(code: str) -> None:
    with pytest.raises(ValidationError, match="ISO 4217"):
        Money("1", code)


def test_a_non_string_currency_is_refused() -> None:
    with pytest.raises(ValidationError, match="ISO 4217"):
        Money("1", 840)  # type: ignore[arg-type]


def test_zero_is_zero_in_the_given_currency() -> None:
    assert Money.zero("EUR") == Money("0", "EUR")


@pytest.mark.parametrize(
    ("currency", "units", "quantum"),
    [("USD", 2, Decimal("0.01")), ("JPY", 0, Decimal(1)), ("KWD", 3, Decimal("0.001"))],
)
def test_minor_units_and_quantum_follow_the_currency(
    currency: str, units: int, quantum: Decimal
) -> None:
    assert minor_units(currency) == units
    assert Money("1", currency).quantum == quantum


def test_an_unlisted_currency_has_two_decimals() -> None:
    assert minor_units("CHF") == 2


def test_to_dict_keeps_the_amount_text_exactly() -> None:
    assert usd("12.50").to_dict() == {"amount": "12.50", "currency": "USD"}


def test_from_dict_reverses_to_dict() -> None:
    money = Money("1234.567", "KWD")
    back = Money.from_dict(money.to_dict())
    assert back == money
    assert str(back.amount) == "1234.567"


# --- arithmetic --------------------------------------------------------------------------


def test_addition_is_exact() -> None:
    # 0.10 + 0.20 is exactly 0.30 (no binary float error)
    assert usd("0.10") + usd("0.20") == usd("0.30")


def test_subtraction_is_exact() -> None:
    assert usd("1.00") - usd("0.99") == usd("0.01")


def test_negation_flips_the_sign() -> None:
    assert -usd("4.50") == usd("-4.50")


def test_multiplying_by_an_int_works_on_either_side() -> None:
    # 3 x 4.50 = 13.50
    assert usd("4.50") * 3 == usd("13.50")
    assert 3 * usd("4.50") == usd("13.50")


def test_multiplying_by_a_decimal_is_not_rounded() -> None:
    # 1.50 x 1.5 = 2.25, kept exactly; 0.01 x 0.5 = 0.005, finer than a cent
    assert usd("1.50") * Decimal("1.5") == usd("2.25")
    assert (usd("0.01") * Decimal("0.5")).amount == Decimal("0.005")


def test_multiplying_by_a_float_is_refused() -> None:
    with pytest.raises(WrongTypeError):
        usd("1.00") * 1.5  # type: ignore[operator]


def test_adding_different_currencies_is_refused() -> None:
    with pytest.raises(CurrencyMismatch, match="USD with EUR"):
        usd("1") + Money("1", "EUR")


def test_subtracting_different_currencies_is_refused() -> None:
    with pytest.raises(CurrencyMismatch):
        usd("1") - Money("1", "EUR")


def test_adding_a_plain_number_is_refused() -> None:
    with pytest.raises(WrongTypeError, match="int"):
        usd("1") + 1  # type: ignore[operator]


def test_round_half_up_rounds_a_half_cent_away_from_zero() -> None:
    assert usd("2.345").round_half_up() == usd("2.35")
    assert usd("2.344").round_half_up() == usd("2.34")
    assert usd("-2.345").round_half_up() == usd("-2.35")


def test_round_half_up_uses_the_currency_minor_unit() -> None:
    assert Money("100.5", "JPY").round_half_up() == Money("101", "JPY")


# --- comparison ----------------------------------------------------------------------------


def test_equal_amounts_with_different_exponents_are_equal_and_hash_alike() -> None:
    assert usd("1.5") == usd("1.50")
    assert len({usd("1.5"), usd("1.50")}) == 1


def test_same_amount_in_different_currencies_is_not_equal() -> None:
    assert usd("1") != Money("1", "EUR")


def test_ordering_compares_amounts() -> None:
    assert usd("1.99") < usd("2.00")
    assert usd("2.00") <= usd("2.00")
    assert usd("2.01") > usd("2.00")
    assert usd("2.00") >= usd("2.00")
    assert not usd("2.00") < usd("2.00")


@pytest.mark.parametrize("op", ["__lt__", "__le__", "__gt__", "__ge__"])
def test_ordering_across_currencies_is_refused(op: str) -> None:
    with pytest.raises(CurrencyMismatch):
        getattr(usd("1"), op)(Money("2", "EUR"))


def test_only_a_zero_amount_is_falsy() -> None:
    assert not usd("0.00")
    assert usd("0.01")
    assert usd("-0.01")


def test_money_sorts_by_amount() -> None:
    amounts = [usd("3"), usd("1.5"), usd("-2")]
    assert sorted(amounts) == [usd("-2"), usd("1.5"), usd("3")]


# --- formatting ----------------------------------------------------------------------------


def test_str_uses_the_symbol_thousands_separators_and_two_decimals() -> None:
    assert str(Money("1234.5", "USD")) == "$1,234.50"


def test_str_of_a_negative_amount_puts_the_minus_before_the_symbol() -> None:
    assert str(usd("-1234.5")) == "-$1,234.50"


@pytest.mark.parametrize(
    ("money", "text"),
    [
        (Money("1000", "EUR"), "€1,000.00"),
        (Money("9.99", "GBP"), "£9.99"),
        (Money("1234567.891", "CHF"), "1,234,567.89 CHF"),
        (Money("12.5", "SEK"), "12.50 SEK"),
        (Money("-3", "CAD"), "-3.00 CAD"),
    ],
)
def test_str_with_and_without_a_symbol(money: Money, text: str) -> None:
    assert str(money) == text


def test_str_of_yen_has_no_decimals() -> None:
    assert str(Money("1234", "JPY")) == "¥1,234"


def test_str_rounds_half_up_to_the_minor_unit() -> None:
    # 1234.5 yen shows as 1,235 (half-up); 0.005 dollars shows as a cent
    assert str(Money("1234.5", "JPY")) == "¥1,235"
    assert str(usd("0.005")) == "$0.01"


def test_str_of_a_three_decimal_currency_shows_three_decimals() -> None:
    assert str(Money("1.5", "KWD")) == "1.500 KWD"


def test_str_of_a_negated_zero_has_no_minus_sign() -> None:
    # -(0) is still nothing: a customer must never see "-$0.00"
    assert str(-Money.zero("USD")) == "$0.00"


# --- allocate --------------------------------------------------------------------------------


def test_allocate_gives_an_odd_cent_to_the_first_key_on_a_tie() -> None:
    # 100 cents / 3 = 33 r 1 each; one cent left, all remainders tie -> key "a"
    parts = allocate(usd("1.00"), [usd("1"), usd("1"), usd("1")], ["a", "b", "c"])
    assert parts == (usd("0.34"), usd("0.33"), usd("0.33"))


def test_allocate_breaks_ties_by_key_not_by_position() -> None:
    # same weights, listed in reverse: the cent still goes to key "a" (now last)
    parts = allocate(usd("1.00"), [usd("1"), usd("1"), usd("1")], ["c", "b", "a"])
    assert parts == (usd("0.33"), usd("0.33"), usd("0.34"))


def test_allocate_gives_leftover_units_to_the_largest_remainders() -> None:
    # weights 1, 2, 4 (sum 7): 100/7 = 14 r 2, 200/7 = 28 r 4, 400/7 = 57 r 1
    # floors sum to 99; the one cent left goes to the remainder 4 (the second part)
    parts = allocate(usd("1.00"), [usd("1.00"), usd("2.00"), usd("4.00")], ["a", "b", "c"])
    assert parts == (usd("0.14"), usd("0.29"), usd("0.57"))


def test_allocate_hands_out_several_leftover_units() -> None:
    # weights 3, 3, 1 (sum 7): 300/7 = 42 r 6 twice, 100/7 = 14 r 2; two cents left
    # go to the two remainders of 6
    parts = allocate(usd("1.00"), [usd("3"), usd("3"), usd("1")], ["a", "b", "c"])
    assert parts == (usd("0.43"), usd("0.43"), usd("0.14"))


def test_allocate_handles_weights_with_different_decimals() -> None:
    # weights 0.5 and 1.25 scale to 50 and 125 (sum 175):
    # 100*50/175 = 28 r 100, 100*125/175 = 71 r 75 -> the cent goes to the first
    parts = allocate(usd("1.00"), [usd("0.5"), usd("1.25")], ["x", "y"])
    assert parts == (usd("0.29"), usd("0.71"))


def test_allocate_is_exact_when_shares_divide_evenly() -> None:
    # 10.00 over 1:4 -> 2.00 and 8.00
    parts = allocate(usd("10.00"), [usd("5"), usd("20")], ["a", "b"])
    assert parts == (usd("2.00"), usd("8.00"))


def test_allocate_uses_the_currency_minor_unit() -> None:
    # 100 yen over three equal parts: 34, 33, 33 (whole yen)
    yen = [Money("1", "JPY")] * 3
    parts = allocate(Money("100", "JPY"), yen, ["a", "b", "c"])
    assert parts == (Money("34", "JPY"), Money("33", "JPY"), Money("33", "JPY"))


def test_allocated_parts_always_sum_to_the_total() -> None:
    weights = [usd("19.99"), usd("0.01"), usd("7.77"), usd("3.33")]
    parts = allocate(usd("5.03"), weights, ["a", "b", "c", "d"])
    assert sum((p.amount for p in parts), Decimal(0)) == Decimal("5.03")


def test_allocate_zero_total_gives_zeros() -> None:
    parts = allocate(usd("0.00"), [usd("1"), usd("2")], ["a", "b"])
    assert parts == (usd("0"), usd("0"))


def test_allocate_zero_over_all_zero_weights_gives_zeros() -> None:
    parts = allocate(usd("0"), [usd("0"), usd("0")], ["a", "b"])
    assert parts == (usd("0"), usd("0"))


def test_allocate_something_over_all_zero_weights_is_refused() -> None:
    with pytest.raises(ValidationError, match="worth nothing"):
        allocate(usd("1.00"), [usd("0"), usd("0")], ["a", "b"])


def test_allocate_a_total_finer_than_the_minor_unit_is_refused() -> None:
    with pytest.raises(ValidationError, match="more decimals"):
        allocate(usd("1.005"), [usd("1"), usd("1")], ["a", "b"])


def test_allocate_a_zero_weight_part_gets_nothing() -> None:
    # 1.00 over 0 and 1: everything to the second part
    parts = allocate(usd("1.00"), [usd("0"), usd("1")], ["a", "b"])
    assert parts == (usd("0.00"), usd("1.00"))
