"""Hypothesis strategies for the values a cart is made of: money, instants, lines, carts.

Every strategy is a plain function taking keyword arguments only. Generated instants are
timezone-aware, line ids are unique within a cart and an order discount never exceeds
the cart's subtotal, so every generated value is one the engine accepts. The events and
members built from them are in ``strategies``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, tzinfo
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Final, TypeVar

import attrs
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from loyalrules.values.events import Cart, LineItem
from loyalrules.values.fields import AttributeValue
from loyalrules.values.money import Money, minor_units, to_decimal
from loyalrules.values.timeutil import require_aware, zone

T = TypeVar("T")

DEFAULT_START: Final = datetime(2026, 1, 1, tzinfo=UTC)
"""Earliest event time generated unless ``start`` says otherwise."""
DEFAULT_END: Final = datetime(2027, 1, 1, tzinfo=UTC)
"""Latest event time generated unless ``end`` says otherwise."""
DEFAULT_TIMEZONES: Final = (
    "UTC",
    "America/New_York",
    "America/Los_Angeles",
    "Europe/London",
    "Asia/Tokyo",
    "Australia/Sydney",
)
DEFAULT_CATEGORIES: Final = ("drinks", "food", "beans", "merch", "gift_cards")
DEFAULT_TAGS: Final = ("organic", "seasonal", "clearance")
DEFAULT_CHANNELS: Final = ("web", "app", "store")
DEFAULT_PAYMENTS: Final = ("card", "cash", "wallet")
DEFAULT_ACTIVITY_KINDS: Final = ("review", "newsletter", "referral", "app_download")
DEFAULT_MEMBER_ATTRIBUTES: Final[Mapping[str, Sequence[AttributeValue]]] = {
    "segment": ("regular", "reserve", "staff"),
    "newsletter": (True, False),
}

Amount = Decimal | int | str
Zones = Sequence[str | tzinfo]


def as_strategy(value: T | st.SearchStrategy[T]) -> st.SearchStrategy[T]:
    """``value`` as a strategy: a strategy as it is, anything else as ``st.just(value)``."""
    if isinstance(value, st.SearchStrategy):
        return value
    return st.just(value)


def _units(value: Amount, places: int, rounding: str, what: str) -> int:
    """``value`` counted in units of ``10 ** -places``, rounded inwards."""
    scaled = to_decimal(value, what).scaleb(places)
    return int(scaled.to_integral_value(rounding))


def _zones(timezones: Zones) -> tuple[tzinfo, ...]:
    zones = tuple(zone(z) if isinstance(z, str) else z for z in timezones)
    if not zones:
        raise InvalidArgument("timezones must name at least one time zone")
    return zones


def money(
    *,
    currency: str = "USD",
    min_value: Amount = "0",
    max_value: Amount = "500",
    places: int | None = None,
) -> st.SearchStrategy[Money]:
    """Money in ``currency`` between ``min_value`` and ``max_value`` (both included).

    Amounts have exactly ``places`` decimals (default: the currency's minor unit, 2 for
    USD, 0 for JPY). Pass ``places=3`` to get sub-cent prices such as fuel prices.

    Example::

        @given(money(min_value="-10", max_value="10"))
        def test_negation(amount): assert -(-amount) == amount
    """
    Money.zero(currency)  # validates the code now rather than inside every example
    places = minor_units(currency) if places is None else places
    if isinstance(places, bool) or not isinstance(places, int) or places < 0:
        raise InvalidArgument(f"places must be a whole number >= 0, not {places!r}")
    low = _units(min_value, places, ROUND_CEILING, "min_value")
    high = _units(max_value, places, ROUND_FLOOR, "max_value")
    if low > high:
        raise InvalidArgument(
            f"no amount with {places} decimals lies between {min_value} and {max_value}"
        )
    return st.integers(low, high).map(lambda units: Money(Decimal(units).scaleb(-places), currency))


def instants(
    *,
    start: datetime = DEFAULT_START,
    end: datetime = DEFAULT_END,
    timezones: Zones = DEFAULT_TIMEZONES,
) -> st.SearchStrategy[datetime]:
    """Timezone-aware datetimes in ``[start, end]``, expressed in one of ``timezones``.

    Example::

        @given(instants(start=datetime(2026, 12, 1, tzinfo=UTC)))
        def test_aware(at): assert at.utcoffset() is not None
    """
    low = require_aware(start, "start").astimezone(UTC).replace(tzinfo=None)
    high = require_aware(end, "end").astimezone(UTC).replace(tzinfo=None)
    if low > high:
        raise InvalidArgument(f"start {start.isoformat()} is after end {end.isoformat()}")
    zones = st.sampled_from(_zones(timezones))
    # Drawn in UTC and then shown in a zone: the bounds hold exactly, and no local time
    # can fall in a daylight-saving gap.
    return st.builds(
        lambda moment, where: moment.replace(tzinfo=UTC).astimezone(where),
        st.datetimes(min_value=low, max_value=high),
        zones,
    )


@st.composite
def _line_items(
    draw: st.DrawFn,
    currency: str,
    categories: tuple[str, ...],
    skus: tuple[str, ...] | None,
    tags: tuple[str, ...],
    prices: st.SearchStrategy[Money],
    max_quantity: int,
    discounts: bool,
) -> LineItem:
    category = draw(st.sampled_from(categories))
    made = st.integers(1, 5).map(lambda n: f"{category.upper()}-{n}")
    sku = draw(st.sampled_from(skus) if skus else made)
    unit_price = draw(prices)
    quantity = draw(st.integers(1, max_quantity))
    discount = None
    if discounts and draw(st.booleans()):
        gross = unit_price * quantity
        quantum = Money.zero(currency).quantum
        top = int((gross.amount / quantum).to_integral_value(ROUND_FLOOR))
        discount = Money(quantum * draw(st.integers(0, top)), currency)
    line_tags = draw(st.lists(st.sampled_from(tags), unique=True, max_size=2)) if tags else []
    return LineItem(
        sku=sku,
        category=category,
        unit_price=unit_price,
        quantity=quantity,
        discount=discount,
        tags=tuple(line_tags),
    )


def line_items(
    *,
    currency: str = "USD",
    categories: Sequence[str] = DEFAULT_CATEGORIES,
    skus: Sequence[str] | None = None,
    tags: Sequence[str] = DEFAULT_TAGS,
    min_price: Amount = "0",
    max_price: Amount = "100",
    places: int | None = None,
    max_quantity: int = 5,
    discounts: bool = True,
) -> st.SearchStrategy[LineItem]:
    """Cart lines in ``currency``; a line discount, when drawn, never exceeds the line.

    SKUs come from ``skus`` or are made from the category (``"BEANS-3"``); the line id is
    the SKU (``carts`` makes ids unique).

    Example::

        @given(line_items(categories=["beans"], max_price="30"))
        def test_net(line): assert line.net <= line.gross
    """
    if not categories:
        raise InvalidArgument("categories must name at least one category")
    if max_quantity < 1:
        raise InvalidArgument(f"max_quantity must be at least 1, not {max_quantity}")
    prices = money(currency=currency, min_value=min_price, max_value=max_price, places=places)
    return _line_items(
        currency,
        tuple(categories),
        tuple(skus) if skus is not None else None,
        tuple(tags),
        prices,
        max_quantity,
        discounts,
    )


def _unique_ids(lines: Sequence[LineItem]) -> tuple[LineItem, ...]:
    """Lines with distinct ids: a repeated id gets its position appended."""
    seen: set[str] = set()
    result = []
    for index, line in enumerate(lines):
        if line.id in seen:
            line = attrs.evolve(line, id=f"{line.id}#{index}")
        seen.add(line.id)
        result.append(line)
    return tuple(result)


def _optional(values: Sequence[str]) -> st.SearchStrategy[str | None]:
    return st.none() | st.sampled_from(tuple(values)) if values else st.none()


@st.composite
def _carts(
    draw: st.DrawFn,
    currency: str,
    lines: st.SearchStrategy[LineItem],
    min_lines: int,
    max_lines: int,
    order_discounts: bool,
    shipping: bool,
    tax: bool,
    channels: tuple[str, ...],
    payments: tuple[str, ...],
) -> Cart:
    items = _unique_ids(draw(st.lists(lines, min_size=min_lines, max_size=max_lines)))
    cart_currency = items[0].unit_price.currency
    quantum = Money.zero(cart_currency).quantum
    order_discount = None
    if order_discounts and draw(st.booleans()):
        subtotal = sum((line.net.amount for line in items), Decimal(0))
        top = int((subtotal / quantum).to_integral_value(ROUND_FLOOR))
        order_discount = Money(quantum * draw(st.integers(0, top)), cart_currency)
    extras = money(currency=cart_currency, max_value="20")
    return Cart(
        lines=items,
        order_discount=order_discount,
        shipping=draw(st.none() | extras) if shipping else None,
        tax=draw(st.none() | extras) if tax else None,
        channel=draw(_optional(channels)),
        payment=draw(_optional(payments)),
    )


def carts(
    *,
    currency: str = "USD",
    lines: st.SearchStrategy[LineItem] | None = None,
    min_lines: int = 1,
    max_lines: int = 5,
    order_discounts: bool = True,
    shipping: bool = False,
    tax: bool = False,
    channels: Sequence[str] = DEFAULT_CHANNELS,
    payments: Sequence[str] = DEFAULT_PAYMENTS,
) -> st.SearchStrategy[Cart]:
    """Carts of ``min_lines`` to ``max_lines`` lines with distinct ids.

    ``lines`` defaults to ``line_items(currency=currency)``; pass your own to shape the
    items (all in one currency). An order discount, when drawn, never exceeds the
    subtotal and is a whole number of the currency's minor units. ``shipping`` and ``tax``
    allow those amounts; channel and payment are drawn from ``channels``/``payments`` or
    left out.

    Example::

        @given(carts(max_lines=3, order_discounts=False))
        def test_subtotal(cart): assert cart.subtotal == sum(l.net for l in cart.lines)
    """
    if min_lines < 1 or max_lines < min_lines:
        raise InvalidArgument(
            f"need 1 <= min_lines <= max_lines, not min_lines={min_lines}, max_lines={max_lines}"
        )
    return _carts(
        currency,
        line_items(currency=currency) if lines is None else lines,
        min_lines,
        max_lines,
        order_discounts,
        shipping,
        tax,
        tuple(channels),
        tuple(payments),
    )
