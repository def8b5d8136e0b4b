"""Defect 5: a return must carry the order as it was recorded; one whose purchase has
the recorded id but other lines or amounts is refused. Rows stored before the
fingerprint existed still read, and their returns are taken on trust as before."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import attrs
import pytest

from loyalrules import (
    Ledger,
    LineItem,
    Member,
    Money,
    Program,
    Purchase,
    Recorded,
    Return,
    ValidationError,
    loads_program,
)

MEMBER = Member(id="m", joined_at=datetime(2025, 1, 1, tzinfo=UTC))
AT = datetime(2026, 3, 1, 12, tzinfo=UTC)


@pytest.fixture(scope="module")
def shop() -> Program:
    return loads_program(
        "program: shop\ncurrency: USD\ntimezone: UTC\n"
        "earn:\n  - id: base\n    effect: {type: points_per_spend, points: 1}\n"
    )


def line(sku: str, price: str, quantity: int = 1) -> LineItem:
    return LineItem(sku=sku, category="x", unit_price=Money(price, "USD"), quantity=quantity)


ORDER = Purchase(id="o-1", member_id="m", occurred_at=AT, lines=[line("A", "20.00")])


def recorded(shop: Program) -> Ledger:
    return Ledger().apply(shop.process(ORDER, member=MEMBER, ledger=Ledger()))


def test_a_return_with_an_added_line_is_refused(shop: Program) -> None:
    ledger = recorded(shop)
    forged = attrs.evolve(ORDER, lines=[line("A", "20.00"), line("B", "2000.00")])
    with pytest.raises(ValidationError, match="not the order recorded as 'o-1'"):
        shop.process(
            Return(id="r", purchase=forged, occurred_at=AT + timedelta(days=1), lines={"B": 1}),
            member=MEMBER,
            ledger=ledger,
        )


@pytest.mark.parametrize(
    "change",
    [
        {"lines": [line("A", "25.00")]},
        {"lines": [line("A", "20.00", quantity=2)]},
        {"order_discount": Money("5.00", "USD")},
        {"channel": "app"},
        {"occurred_at": AT - timedelta(hours=1)},
    ],
)
def test_a_return_of_another_version_of_the_order_is_refused(
    shop: Program, change: dict[str, object]
) -> None:
    ledger = recorded(shop)
    other = attrs.evolve(ORDER, **change)
    with pytest.raises(ValidationError, match="pass the Purchase exactly as it was processed"):
        shop.process(
            Return(id="r", purchase=other, occurred_at=AT + timedelta(days=1)),
            member=MEMBER,
            ledger=ledger,
        )


def test_the_same_order_rebuilt_from_storage_matches(shop: Program) -> None:
    """Equal amounts written differently ("20" and "20.00") are the same order."""
    ledger = recorded(shop)
    rebuilt = Purchase(
        id="o-1",
        member_id="m",
        occurred_at=AT.astimezone(datetime.now(UTC).astimezone().tzinfo),
        lines=[LineItem(sku="A", category="x", unit_price=Money(Decimal("20"), "USD"))],
    )
    back = Return(id="r", purchase=rebuilt, occurred_at=AT + timedelta(days=1))
    assert shop.process(back, member=MEMBER, ledger=ledger).change() == -20


def test_rows_stored_without_a_fingerprint_still_read_and_return(shop: Program) -> None:
    rows = recorded(shop).to_dicts()
    assert rows[0]["fingerprint"]
    del rows[0]["fingerprint"]  # a row written before fingerprints were kept
    old = Ledger.from_dicts(rows)
    first = old.entries[0]
    assert isinstance(first, Recorded)
    assert first.fingerprint is None
    back = Return(id="r", purchase=ORDER, occurred_at=AT + timedelta(days=1))
    assert shop.process(back, member=MEMBER, ledger=old).change() == -20
