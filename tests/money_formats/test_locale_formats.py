"""Amounts in a program's locale through Babel; en-US as always without a locale."""

from __future__ import annotations

import re
import sys
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loyalrules import (
    Cart,
    Ledger,
    LineItem,
    Member,
    Money,
    ProgramError,
    Purchase,
    ValidationError,
    loads_program,
)
from loyalrules.values.currencies import MINOR_UNITS
from loyalrules.values.money import format_money

AT = datetime(2026, 3, 2, 10, tzinfo=UTC)
MEMBER = Member(id="m-1", joined_at=datetime(2026, 1, 5, tzinfo=UTC))
NBSP = "\xa0"


def _program(locale: str | None, currency: str = "EUR") -> str:
    return f"""
program: shop
currency: {currency}
timezone: Europe/Berlin
{f"locale: {locale}" if locale else ""}
accounts: {{cash: {{unit: money}}}}
earn:
  - {{id: base, name: Base, effect: {{type: points_per_spend, points: 1}}}}
  - {{id: back, name: Cash back, account: cash, effect: {{type: cashback, percent: 5}}}}
  - {{id: big, name: Big, when: {{min_spend: "1250"}}, effect: {{type: bonus, points: 100}}}}
rewards:
  - {{id: ten-off, name: Ten off, cost: 10, gives: {{type: amount_off, amount: 10}}}}
"""


def _purchase(amount: str, currency: str = "EUR") -> Purchase:
    # 5% cash back of 237.50 is 11.875, rounded down (the program's rounding) to 11.87.
    line = LineItem(sku="A", category="x", unit_price=Money(amount, currency))
    return Purchase(id="o-1", member_id="m-1", occurred_at=AT, lines=[line])


def test_a_german_program_writes_explanations_and_near_misses_in_german_style() -> None:
    program = loads_program(_program("de_DE"))
    outcome = program.process(_purchase("237.50"), member=MEMBER, ledger=Ledger())
    assert str(outcome).splitlines() == [
        "Base: +237 points",
        f"Cash back: +11,87{NBSP}€",
        f"Spend 1.012,50{NBSP}€ more to get +100 bonus points (Big)",
    ]


def test_without_a_locale_the_same_program_writes_amounts_as_always() -> None:
    program = loads_program(_program(None))
    outcome = program.process(_purchase("237.50"), member=MEMBER, ledger=Ledger())
    assert "Cash back: +€11.87" in str(outcome)
    assert "Spend €1,012.50 more to get +100 bonus points (Big)" in str(outcome)


def test_statuses_and_reward_descriptions_follow_the_locale() -> None:
    program = loads_program(_program("fr_FR"))
    ledger = Ledger().append(
        program.process(_purchase("237.50"), member=MEMBER, ledger=Ledger()).entries
    )
    status = program.status(member=MEMBER, ledger=ledger, at=AT)
    assert f"11,87{NBSP}€" in str(status)
    cart = Cart(lines=[LineItem(sku="B", category="x", unit_price=Money("40", "EUR"))])
    outcome = program.redeem("ten-off", member=MEMBER, ledger=ledger, at=AT, key="r-1", cart=cart)
    assert outcome.grant is not None
    assert outcome.grant.description == f"10,00{NBSP}€ off"


def test_a_locale_may_be_written_with_a_hyphen() -> None:
    assert loads_program(_program("de-de")).settings.locale == "de_DE"


def test_an_unknown_locale_fails_to_load_with_what_to_write() -> None:
    with pytest.raises(ProgramError, match=r"locale: unknown locale 'xx_QQ': write a language"):
        loads_program(_program("xx_QQ"))


def test_without_babel_a_locale_fails_to_load_saying_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "babel", None)  # as if Babel were not installed
    with pytest.raises(ProgramError, match=r"needs Babel.*pip install 'loyalrules\[i18n\]'"):
        loads_program(_program("de_DE"))
    program = loads_program(_program(None))  # no locale: no Babel needed
    outcome = program.process(_purchase("237.50"), member=MEMBER, ledger=Ledger())
    assert "Spend €1,012.50 more" in str(outcome)


def test_a_locale_shows_the_iso_decimals_even_where_cldr_shows_none() -> None:
    # CLDR writes Iraqi dinars without decimals; ISO 4217 (and the engine) counts fils.
    assert format_money(Decimal("1.5"), "IQD", locale="en_US") == "IQD1.500"
    assert format_money(Decimal("1234.5"), "JPY", locale="ja_JP") == "￥1,235"


def test_rounding_up_for_near_misses_holds_with_a_locale() -> None:
    assert format_money(Decimal("0.001"), "EUR", up=True, locale="de_DE") == f"0,01{NBSP}€"
    assert format_money(Decimal("-0.001"), "EUR", locale="de_DE") == f"0,00{NBSP}€"


LOCALES = ["en_US", "de_DE", "fr_FR", "en_IN", "ja_JP", "pt_BR", "sv_SE", "de_CH", "ar_EG"]


@given(
    units=st.integers(-(10**12), 10**12),
    currency=st.sampled_from(sorted(MINOR_UNITS)),
    locale=st.sampled_from(LOCALES),
)
def test_every_locale_shows_the_same_number_as_the_default(
    units: int, currency: str, locale: str
) -> None:
    amount = Decimal(units).scaleb(-MINOR_UNITS[currency])
    default = format_money(amount, currency)
    local = format_money(amount, currency, locale=locale)
    assert re.sub(r"\D", "", local) == re.sub(r"\D", "", default)
    assert (amount < 0) == bool(re.search("[-\u2212]", local))


def test_a_locale_needs_babel_for_formatting_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "babel", None)
    with pytest.raises(ValidationError, match="needs Babel"):
        format_money(Decimal("1"), "EUR", locale="de_DE")
