"""The order's fingerprint (decision 0050) as 0.1 made it must still match its order:
rows stored by 0.1 keep their fingerprint, and a return of such an order must match it.
The reference below is the implementation that introduced it, kept as it was. Since
0.2 the digest reads the lines in id order and the tenders too, and starts from a
version, so it differs from every 0.1 digest and no longer depends on the order lines
come in."""

from __future__ import annotations

import functools
import hashlib
from datetime import UTC, datetime
from decimal import Decimal
from random import Random

import attrs
from hypothesis import given
from hypothesis import strategies as st

from loyalrules import LineItem, Money, Purchase
from loyalrules.testing import purchases
from loyalrules.values.fingerprint import fingerprint, matches

AT = datetime(2026, 3, 1, 12, tzinfo=UTC)


@functools.cache
def _decimals(currency: str) -> int:
    """How many decimals the minor unit of ``currency`` has (2 for USD, 0 for JPY)."""
    return len(str(Money.zero(currency).quantum).partition(".")[2])


def _amount(value: Money | None, decimals: int) -> str:
    """``value`` as text that is the same for equal amounts (``20``, ``20.00``);
    ``decimals`` is its currency's."""
    if value is None:
        return ""
    text = str(value.amount)
    # The common case, already in minor units, is kept as it is; only other forms need
    # the slower normalisation.
    if "E" in text or len(text.partition(".")[2]) != decimals:
        exact = value.amount.quantize(value.quantum)
        text = str(exact if exact == value.amount else value.amount.normalize())
    return text


def _value(value: object) -> str:
    if isinstance(value, Decimal):
        return f"decimal:{value.normalize():f}"
    if isinstance(value, datetime):
        return f"instant:{value.timestamp()}:{value.utcoffset() is None}"
    if isinstance(value, tuple):
        return f"tuple:[{','.join(_value(item) for item in value)}]"
    if isinstance(value, frozenset):
        return f"frozenset:[{','.join(sorted(_value(item) for item in value))}]"
    return f"{type(value).__name__}:{value!r}"


def reference(purchase: Purchase) -> str:
    """The digest as computed before it was made cheaper (decision 0050)."""
    # The id, member and instant are checked apart (the entry's key and time hold them).
    # Fields are split by NUL, which a host's ids do not hold.
    currency = purchase.currency  # of every amount: the Cart checks it
    decimals = _decimals(currency)
    parts = [
        currency,
        purchase.channel or "",
        purchase.payment or "",
        _amount(purchase.order_discount, decimals),
        _amount(purchase.shipping, decimals),
        _amount(purchase.tax, decimals),
        _amount(purchase.points_payment, decimals),
    ]
    for line in purchase.lines:
        parts.append(
            f"{line.id}\0{line.sku}\0{line.category}\0{_amount(line.unit_price, decimals)}"
            f"\0{line.quantity}\0{_amount(line.discount, decimals)}\0{chr(1).join(line.tags)}"
        )
    attributes = purchase.attributes
    for name in sorted(attributes):
        parts += (name, _value(attributes[name]))
    return hashlib.blake2b("\0".join(parts).encode(), digest_size=12).hexdigest()


def _order(**fields: object) -> Purchase:
    return Purchase(id="o", member_id="m", occurred_at=AT, **fields)  # type: ignore[arg-type]


PINNED = [  # digests stored by the version that introduced fingerprints
    (
        _order(lines=[LineItem(sku="A", category="x", unit_price=Money("20.00", "USD"))]),
        "9ec1a8053cadd38c89d6a3a3",
    ),
    (
        _order(
            channel="app",
            payment="card",
            order_discount=Money("1.5", "USD"),
            shipping=Money("4.99", "USD"),
            attributes={
                "store": "NYC-1",
                "n": 3,
                "when": AT,
                "tags": ["x", "y"],
                "d": Decimal("1.50"),
            },
            lines=[
                LineItem(
                    sku="B",
                    category="beans",
                    unit_price=Money("12.345", "USD"),
                    quantity=2,
                    discount=Money("0.5", "USD"),
                    tags=["eth", "new"],
                ),
                LineItem(id="c2", sku="C", category="x", unit_price=Money("1E+1", "USD")),
            ],
        ),
        "4e1b2c0a8ec9405ed7961e03",
    ),
    (
        _order(lines=[LineItem(sku="Y", category="x", unit_price=Money("1500", "JPY"))]),
        "fdcc9264cdeab1805e712fd8",
    ),
]


def test_the_digests_of_stored_rows_still_match_their_orders() -> None:
    for order, digest in PINNED:
        assert reference(order) == digest
        assert matches(digest, order)
        assert fingerprint(order) != digest  # a digest of 0.2 is never one of 0.1


@given(st.one_of(purchases(), purchases(currency="JPY"), purchases(currency="KWD")))
def test_a_digest_of_0_1_matches_its_order(purchase: Purchase) -> None:
    assert matches(reference(purchase), purchase)
    assert matches(fingerprint(purchase), purchase)


@given(st.one_of(purchases(), purchases(currency="JPY")), st.randoms(use_true_random=False))
def test_the_digest_is_the_same_in_any_order_of_lines_and_tenders(
    purchase: Purchase, random: Random
) -> None:
    lines, tenders = list(purchase.lines), list(purchase.tenders)
    random.shuffle(lines)
    random.shuffle(tenders)
    shuffled = attrs.evolve(purchase, lines=lines, tenders=tenders)
    assert fingerprint(shuffled) == fingerprint(purchase)


PRICES = st.decimals(min_value=0, max_value=10**6, places=4).map(lambda d: d.normalize())


@given(st.sampled_from(["USD", "JPY", "KWD"]), st.lists(PRICES, min_size=1, max_size=4))
def test_prices_written_any_way_give_one_digest(currency: str, prices: list[Decimal]) -> None:
    def order(written: list[Decimal]) -> Purchase:
        return _order(
            lines=[
                LineItem(id=str(i), sku="S", category="c", unit_price=Money(price, currency))
                for i, price in enumerate(written)
            ]
        )

    exact = [price.quantize(Decimal(1).scaleb(-4)) for price in prices]
    assert fingerprint(order(prices)) == fingerprint(order(exact))
    assert matches(reference(order(prices)), order(exact))
