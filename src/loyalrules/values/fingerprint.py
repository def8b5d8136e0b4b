"""A short digest of a purchase, so a return can be checked against the order recorded.

A return carries its original purchase, and the engine re-evaluates what remains of it.
The digest, kept in the purchase's ``Recorded`` entry, lets the engine refuse a return
whose purchase has the recorded id but other lines or amounts (docs/decisions/0050).
Equal values give equal digests however they are written: amounts are normalised
(``20`` and ``20.00``), and lines, tenders and attributes read in an order of their own
(line id, method, name), so an order reloaded from storage in another order matches.
"""

from __future__ import annotations

import functools
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from loyalrules.values.money import Money

if TYPE_CHECKING:
    from loyalrules.values.events import Purchase


@functools.cache
def _decimals(currency: str) -> int:
    """How many decimals the minor unit of ``currency`` has (2 for USD, 0 for JPY)."""
    return len(str(Money.zero(currency).quantum).partition(".")[2])


def _amount(value: Money | None, decimals: int) -> str:
    """``value`` as text that is the same for equal amounts (``20``, ``20.00``);
    ``decimals`` is its currency's."""
    if value is None:
        return ""
    return _text(value.amount, decimals)


def _text(amount: Decimal, decimals: int) -> str:
    text = str(amount)
    # The common case, already in minor units, is kept as it is; only other forms need
    # the slower normalisation.
    if "E" in text or len(text.partition(".")[2]) != decimals:
        exact = amount.quantize(_QUANTA[decimals])
        text = str(exact if exact == amount else amount.normalize())
    return text


_QUANTA = {places: Decimal(1).scaleb(-places) for places in range(5)}  # of every currency


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


def fingerprint(purchase: Purchase) -> str:
    """A 24-character digest of the lines, amounts, tenders and details of ``purchase``
    (its id, member and instant are checked apart), the same whatever order its lines
    and tenders come in.

    >>> from datetime import UTC, datetime
    >>> from loyalrules.values.events import LineItem, Purchase
    >>> def order(price):
    ...     line = LineItem(sku="A", category="x", unit_price=Money(price, "USD"))
    ...     return Purchase(id="o-1", member_id="m", lines=[line],
    ...                     occurred_at=datetime(2026, 3, 1, tzinfo=UTC))
    >>> fingerprint(order("20")) == fingerprint(order("20.00")) != fingerprint(order("21"))
    True
    """
    return _digest(_text_of(purchase, _VERSION))


def matches(recorded: str, purchase: Purchase) -> bool:
    """Whether ``recorded``, the fingerprint a ``Recorded`` entry keeps, is that of
    ``purchase``: as made now, or as loyalrules 0.1 made it (the lines in the order
    given, the tenders left out), which rows stored then keep."""
    if recorded == fingerprint(purchase):
        return True
    return recorded == _digest(_text_of(purchase, ()))


_VERSION = ("2",)  # the first part of the text since 0.2: no 0.1 digest can equal one


def _text_of(purchase: Purchase, version: tuple[str, ...]) -> bytes:
    """The text digested: its parts split by NUL, which a host's ids do not hold. With
    a ``version``, the lines in id order and the tenders sorted after the attributes;
    without one, the text of 0.1 (lines as given, no tenders)."""
    lines = purchase.lines
    currency = lines[0].unit_price.currency  # of every amount: the Cart checks it
    decimals = _decimals(currency)
    # A price in minor units is written as it is: its text has exactly ``decimals``
    # digits after the point (the test below, without splitting the text).
    point = -decimals - 1 if decimals else None
    text = str
    parts = [
        *version,
        currency,
        purchase.channel or "",
        purchase.payment or "",
        _amount(purchase.order_discount, decimals),
        _amount(purchase.shipping, decimals),
        _amount(purchase.tax, decimals),
        _amount(purchase.points_payment, decimals),
    ]
    each = []
    for line in lines:
        price = text(line.unit_price.amount)
        if point is None or price[point : point + 1] != "." or "E" in price:
            price = _text(line.unit_price.amount, decimals)
        discount = line.discount
        tags = line.tags
        each.append(
            (
                line.id,
                line.sku,
                line.category,
                price,
                text(line.quantity),
                "" if discount is None else _text(discount.amount, decimals),
                _SOH.join(tags) if tags else "",
            )
        )
    if version and len(each) > 1:
        each.sort()  # line ids are distinct: the sort reads them alone
    for fields in each:
        parts += fields
    attributes = purchase.attributes
    if attributes:
        for name in sorted(attributes):
            parts += (name, _value(attributes[name]))
    if version and purchase.tenders:
        parts.append(_STX)  # where a value's text would be, which is never one character
        parts += sorted(
            f"{tender.method}{_SOH}{_text(tender.amount.amount, decimals)}"
            for tender in purchase.tenders
        )
    return "\0".join(parts).encode()


def _digest(data: bytes) -> str:
    global _blake2b
    if _blake2b is None:
        # Imported on the first purchase, not with the package: hashlib loads OpenSSL,
        # which a host that only reads ledgers or quotes never needs (a few ms).
        import hashlib

        _blake2b = hashlib.blake2b
    digest: str = _blake2b(data, digest_size=12).digest().hex()
    return digest


_blake2b: Any = None  # hashlib.blake2b, once a purchase needs it


_SOH = chr(1)  # between a line's tags, and a tender's method and amount
_STX = chr(2)  # before the tenders


__all__ = ["fingerprint", "matches"]
