"""Defect 4: amounts, quantities, durations and instants outside the supported ranges
are refused where they come in, with a clear error, never an overflow deep inside."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

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

MEMBER = Member(id="m", joined_at=datetime(2025, 1, 1, tzinfo=UTC))


def program(zone: str = "UTC", extra: str = "") -> str:
    return (
        f"program: t\ncurrency: USD\ntimezone: {zone}\n{extra}earn:\n"
        "  - id: base\n    effect: {type: points_per_spend, points: 1}\n"
        "  - id: big\n    when: {min_spend: '999999999999'}\n    effect: {type: bonus, points: 5}\n"
    )


def line(price: str = "10.00", quantity: int = 1) -> LineItem:
    return LineItem(sku="x", category="x", unit_price=Money(price, "USD"), quantity=quantity)


@pytest.mark.parametrize("amount", ["1" + "0" * 100, "-1e16", "1E+30"])
def test_an_amount_past_the_supported_range_is_refused(amount: str) -> None:
    with pytest.raises(ValidationError, match="outside the supported range"):
        Money(amount, "USD")


def test_the_largest_supported_amount_quotes() -> None:
    shop = loads_program(program())
    cart = Cart(lines=[line("999999999999.99", quantity=1000)])
    quote = shop.quote(cart, member=MEMBER, ledger=Ledger(), at=datetime(2026, 1, 1, tzinfo=UTC))
    assert quote.points == 999_999_999_999_990 + 5


def test_a_quantity_past_the_supported_range_is_refused() -> None:
    with pytest.raises(ValidationError, match="at most 1,000,000 units"):
        line(quantity=10**30)


@pytest.mark.parametrize(
    ("zone", "at"),
    [
        ("America/New_York", datetime(1, 1, 1, 0, 30, tzinfo=UTC)),
        ("Asia/Tokyo", datetime(9999, 12, 31, 20, 0, tzinfo=UTC)),
        ("UTC", datetime(3000, 1, 1, tzinfo=UTC)),
        ("UTC", datetime(1899, 12, 31, 23, 59, tzinfo=UTC)),
    ],
)
def test_a_purchase_outside_the_supported_years_is_refused(zone: str, at: datetime) -> None:
    with pytest.raises(ValidationError, match="outside the supported range"):
        Purchase(id="o", member_id="m", occurred_at=at, lines=[line()])


def test_a_naive_far_instant_in_a_zone_is_refused_not_an_overflow() -> None:
    with pytest.raises(ValidationError, match="outside the supported range"):
        Purchase(
            id="o",
            member_id="m",
            occurred_at=datetime(1, 1, 1, 0, 30, tzinfo=ZoneInfo("Asia/Tokyo")),
            lines=[line()],
        )


def test_the_last_supported_year_earns_with_a_twelve_month_expiry() -> None:
    shop = loads_program(program("Asia/Tokyo", "expiry: {after: P12M}\n"))
    at = datetime(2999, 12, 31, 14, 0, tzinfo=UTC)
    purchase = Purchase(id="o", member_id="m", occurred_at=at, lines=[line()])
    ledger = Ledger().apply(shop.process(purchase, member=MEMBER, ledger=Ledger()))
    assert ledger.balance(at + timedelta(days=1)).available == 10
    assert ledger.balance(at + timedelta(days=400)).available == 0


@pytest.mark.parametrize("duration", ["P9000Y", "P101Y", "P1300M", "P40000D", "P9999999999Y"])
def test_a_duration_past_a_hundred_years_is_refused_at_load(duration: str) -> None:
    with pytest.raises(ProgramError, match="supports durations up to 100 years"):
        loads_program(program(extra=f"expiry: {{after: {duration}}}\n"))


def test_a_hundred_years_is_supported() -> None:
    assert loads_program(program(extra="expiry: {after: P100Y}\n")).id == "t"


def test_money_with_a_list_currency_is_a_validation_error() -> None:
    with pytest.raises(ValidationError, match="three-letter ISO 4217 code"):
        Money("1", ["USD"])  # type: ignore[arg-type]


def test_a_decimal_amount_just_inside_the_range_is_kept() -> None:
    assert Money(Decimal(10**15), "USD").amount == Decimal(10**15)
