"""ISO 4217 currency data: every code's minor unit, and unknown codes refused clearly."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from babel.numbers import get_currency_precision, list_currencies
from hypothesis import given
from hypothesis import strategies as st

from loyalrules import Money, ProgramError, ValidationError, loads_program
from loyalrules.values.currencies import MINOR_UNITS, check_currency, minor_units, quantum

# Where the Unicode CLDR (through Babel) shows fewer decimals than ISO 4217 defines,
# because the minor unit is not used in practice. loyalrules counts ISO's.
CLDR_SHOWS_FEWER = {
    "AFN", "ALL", "COP", "HUF", "IDR", "IQD", "IRR", "KPW", "LAK", "LBP", "MGA", "MMK",
    "SLL", "SOS", "SYP", "YER",
}  # fmt: skip


def test_every_code_is_three_capitals_with_a_minor_unit_iso_uses() -> None:
    assert len(MINOR_UNITS) > 150
    for code, units in MINOR_UNITS.items():
        assert re.fullmatch(r"[A-Z]{3}", code)
        assert units in (0, 2, 3, 4)


@pytest.mark.parametrize(
    ("code", "units"),
    [("USD", 2), ("EUR", 2), ("JPY", 0), ("KRW", 0), ("ISK", 0), ("KWD", 3), ("IQD", 3),
     ("TND", 3), ("CLF", 4), ("UYW", 4), ("ZWG", 2), ("XCG", 2), ("HRK", 2)],
)  # fmt: skip
def test_minor_units_follow_iso_4217(code: str, units: int) -> None:
    assert minor_units(code) == units
    assert quantum(code) == Decimal(1).scaleb(-units)
    assert Money("1", code).quantum == quantum(code)


def test_the_codes_are_the_ones_cldr_knows_with_the_same_decimals_or_documented() -> None:
    known = set(list_currencies())
    assert set(MINOR_UNITS) <= known
    differ = {c for c, units in MINOR_UNITS.items() if get_currency_precision(c) != units}
    assert differ == CLDR_SHOWS_FEWER


@pytest.mark.parametrize("call", [check_currency, minor_units, quantum, lambda c: Money("1", c)])
def test_an_unknown_code_is_refused_with_what_to_write(call: object) -> None:
    with pytest.raises(ValidationError, match=r"unknown currency 'XYZ': use an ISO 4217 code"):
        call("XYZ")  # type: ignore[operator]


def test_a_near_miss_is_refused_with_a_suggestion() -> None:
    with pytest.raises(ValidationError, match=r"unknown currency 'USX': did you mean 'USD'"):
        Money("1", "USX")


@pytest.mark.parametrize("code", ["XAU", "XDR", "XTS", "XXX"])
def test_codes_without_a_minor_unit_are_refused(code: str) -> None:
    with pytest.raises(ValidationError, match=f"{code} is an ISO 4217 code without a minor"):
        Money("1", code)


def test_a_stored_amount_in_an_unknown_currency_is_refused() -> None:
    with pytest.raises(ValidationError, match="unknown currency 'XYZ'"):
        Money.from_dict({"amount": "1.00", "currency": "XYZ"})


def test_a_program_in_an_unknown_currency_fails_to_load_with_the_place() -> None:
    text = "program: p\ncurrency: XYZ\ntimezone: UTC\nearn: []\n"
    with pytest.raises(ProgramError) as raised:
        loads_program(text, source="p.yaml")
    assert "p.yaml:2:11: currency: unknown currency 'XYZ'" in str(raised.value)


@given(code=st.sampled_from(sorted(MINOR_UNITS)), units=st.integers(-(10**9), 10**9))
def test_whole_minor_units_of_any_currency_are_whole(code: str, units: int) -> None:
    money = Money(Decimal(units).scaleb(-MINOR_UNITS[code]), code)
    assert money.is_whole_minor_units
    assert (money + Money(quantum(code) / 10, code)).is_whole_minor_units is False
