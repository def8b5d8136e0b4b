"""Defect 5: a return must carry the order as it was recorded; one whose purchase has
the recorded id but other lines, amounts or tenders is refused, whatever order its lines
and tenders come in. Rows stored before the fingerprint existed still read, and their
returns are taken on trust as before; rows stored by 0.1, whose fingerprint read the
lines in order and no tenders, still match their order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import attrs
import pytest

from loyalrules import (
    Cart,
    Ledger,
    LineItem,
    Member,
    Money,
    Program,
    Purchase,
    Recorded,
    Return,
    Tender,
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
    with pytest.raises(ValidationError, match="pass the Purchase as it was processed"):
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


CARD_SHOP = """
program: card-shop
currency: USD
timezone: UTC
earn:
  - {id: base, effect: {type: points_per_spend, points: 1}}
  - {id: card, effect: {type: points_per_tender, methods: [card], points: 1}}
"""


def _tendered(*tenders: tuple[str, str], lines: list[LineItem] | None = None) -> Purchase:
    return Purchase(
        id="o-2",
        member_id="m",
        occurred_at=AT,
        lines=lines or [line("A", "20.00"), line("B", "17.26")],
        tenders=[Tender(method=m, amount=Money(a, "USD")) for m, a in tenders],
    )


SPLIT = _tendered(("card", "20.00"), ("visa", "17.26"))


@pytest.mark.parametrize(
    "tenders",
    [[("visa", "37.26")], [("card", "37.26")], [("card", "17.26"), ("visa", "20.00")]],
)
def test_a_return_with_other_tenders_is_refused(tenders: list[tuple[str, str]]) -> None:
    """The tenders decide what a return of tender rules takes back: another split would
    take back another number of points."""
    shop = loads_program(CARD_SHOP)
    ledger = Ledger().apply(shop.process(SPLIT, member=MEMBER, ledger=Ledger()))
    other = _tendered(*tenders)
    with pytest.raises(ValidationError, match="tenders"):
        shop.process(
            Return(id="r", purchase=other, occurred_at=AT + timedelta(days=1), lines={"A": 1}),
            member=MEMBER,
            ledger=ledger,
        )
    back = Return(id="r", purchase=SPLIT, occurred_at=AT + timedelta(days=1), lines={"A": 1})
    assert shop.process(back, member=MEMBER, ledger=ledger).change() < 0


def test_a_return_of_the_order_reloaded_in_another_order_matches() -> None:
    shop = loads_program(CARD_SHOP)
    ledger = Ledger().apply(shop.process(SPLIT, member=MEMBER, ledger=Ledger()))
    reloaded = _tendered(
        ("visa", "17.26"), ("card", "20.00"), lines=[line("B", "17.26"), line("A", "20.00")]
    )
    back = Return(id="r", purchase=reloaded, occurred_at=AT + timedelta(days=1))
    again = Return(id="r", purchase=SPLIT, occurred_at=AT + timedelta(days=1))
    assert shop.process(back, member=MEMBER, ledger=ledger).entries == (
        shop.process(again, member=MEMBER, ledger=ledger).entries
    )


def test_a_row_stored_by_0_1_still_matches_its_order(shop: Program) -> None:
    """0.1 read the lines in the order given and no tenders, and wrote no version."""
    order = attrs.evolve(ORDER, lines=[line("B", "5.00"), line("A", "20.00")])
    rows = Ledger().apply(shop.process(order, member=MEMBER, ledger=Ledger())).to_dicts()
    rows[0]["fingerprint"] = "448df3121be0648e2ade5444"  # what 0.1 stored for this order
    old = Ledger.from_dicts(rows)
    back = Return(id="r", purchase=order, occurred_at=AT + timedelta(days=1), lines={"B": 1})
    assert shop.process(back, member=MEMBER, ledger=old).change() == -5
    forged = attrs.evolve(order, lines=[line("B", "5.00"), line("A", "20.00", quantity=2)])
    with pytest.raises(ValidationError, match="not the order recorded"):
        shop.process(attrs.evolve(back, purchase=forged), member=MEMBER, ledger=old)


def test_a_cart_quoted_and_bought_in_another_line_order_earns_the_same() -> None:
    shop = loads_program(CARD_SHOP)
    reloaded = _tendered(
        ("visa", "17.26"), ("card", "20.00"), lines=[line("B", "17.26"), line("A", "20.00")]
    )
    first = shop.process(SPLIT, member=MEMBER, ledger=Ledger())
    assert shop.process(reloaded, member=MEMBER, ledger=Ledger()).entries == first.entries
    cart = Cart(lines=SPLIT.lines, tenders=SPLIT.tenders)
    assert shop.quote(cart, member=MEMBER, ledger=Ledger(), at=AT).points == first.points
