"""Carts and purchases: the lines, tenders and discounts of an order.

Frozen, slotted values validated on construction (decision 0090: the constructors are
written by hand, the usual arguments passing one test each). Build them with keywords::

    Purchase(id="o-1", member_id="m-1", occurred_at=datetime(2026, 12, 2, 9, tzinfo=UTC),
             lines=[LineItem(sku="LATTE", category="drinks", unit_price=Money("4.50", "USD"))])
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from fractions import Fraction

import attrs

from loyalrules.errors import ValidationError, WrongTypeError
from loyalrules.values.fields import (
    AttributeValue,
    freeze_attributes,
    identifier,
    non_negative_money,
    occurred_at,
    optional_identifier,
    reduce_frozen,
    slot_setters,
)
from loyalrules.values.frozen import value_methods
from loyalrules.values.line_item import MAX_QUANTITY as MAX_QUANTITY
from loyalrules.values.line_item import LineItem as LineItem
from loyalrules.values.money import Money, allocate
from loyalrules.values.tenders import Tender, tender_tuple
from loyalrules.values.timeutil import event_time


def _lines(value: Iterable[LineItem]) -> tuple[LineItem, ...]:
    if type(value) is list or type(value) is tuple:  # the usual: no ABC look-up
        lines = tuple(value)
        for line in lines:
            if type(line) is not LineItem:
                break
        else:
            return lines
    if isinstance(value, LineItem) or not isinstance(value, Iterable):
        raise WrongTypeError(
            f"lines must be a list of LineItem values, e.g. lines=[line], not "
            f"{type(value).__name__}"
        )
    lines = tuple(value)
    for line in lines:
        if type(line) is not LineItem and not isinstance(line, LineItem):
            raise WrongTypeError(f"lines must be LineItem values, not {type(line).__name__}")
    return lines


@value_methods
@attrs.frozen(kw_only=True, init=False, eq=False, repr=False)
class Cart:
    """What is being bought: lines plus order-level discount, shipping and tax, and the
    part paid with points (``points_payment``, see ``Program.pay_with_points``).

    A cart can be quoted (``Program.quote``); a :class:`Purchase` is a cart that happened.
    """

    lines: tuple[LineItem, ...] = attrs.field(converter=_lines)
    order_discount: Money | None = None
    shipping: Money | None = None
    tax: Money | None = None
    points_payment: Money | None = None
    channel: str | None = None
    payment: str | None = None
    attributes: Mapping[str, AttributeValue] = attrs.field(
        factory=dict, converter=freeze_attributes, hash=False
    )
    tenders: tuple[Tender, ...] = attrs.field(default=(), converter=tender_tuple)

    __reduce__ = reduce_frozen  # read-only mappings travel as dicts

    def __init__(
        self,
        *,
        lines: Iterable[LineItem],
        order_discount: Money | None = None,
        shipping: Money | None = None,
        tax: Money | None = None,
        points_payment: Money | None = None,
        channel: str | None = None,
        payment: str | None = None,
        attributes: Mapping[str, object] | None = None,
        tenders: Iterable[Tender] = (),
    ) -> None:
        # Written by hand, as LineItem's, and shared with Purchase: see _fill.
        self._fill(
            lines, order_discount, shipping, tax, points_payment, channel, payment, attributes,
            tenders,
        )  # fmt: skip
        self._check()

    def _fill(
        self,
        lines: Iterable[LineItem],
        order_discount: Money | None,
        shipping: Money | None,
        tax: Money | None,
        points_payment: Money | None,
        channel: str | None,
        payment: str | None,
        attributes: Mapping[str, object] | None,
        tenders: Iterable[Tender],
    ) -> None:
        """Set the cart's fields, converted (the checks that read several fields follow
        in ``_check``)."""
        _set_lines(self, _lines(lines))
        _set_order_discount(self, order_discount)
        _set_shipping(self, shipping)
        _set_tax(self, tax)
        _set_points_payment(self, points_payment)
        _set_channel(self, channel)
        _set_payment(self, payment)
        _set_attributes(self, freeze_attributes(attributes))
        _set_tenders(self, tender_tuple(tenders) if tenders != () else ())

    def _check(self) -> None:
        lines = self.lines
        if not lines:
            raise ValidationError("a cart needs at least one line")
        currency = lines[0].unit_price.currency
        for line in lines:
            if line.unit_price.currency != currency:
                self._first_line_error(currency)
        if len({line.id for line in lines}) != len(lines):
            self._first_line_error(currency)
        # Checked here rather than by a validator per field: most carts have none of
        # these, and a call per absent field adds up over many carts.
        if (
            self.order_discount is None
            and self.shipping is None
            and self.tax is None
            and self.points_payment is None
            and self.channel is None
            and self.payment is None
            and not self.tenders
        ):
            return
        self._check_extras(currency)

    def _first_line_error(self, currency: str) -> None:
        """Raise for the first line in another currency or with an id taken before it."""
        seen: set[str] = set()
        for line in self.lines:
            if line.unit_price.currency != currency:
                raise ValidationError(
                    f"line {line.id!r} is priced in {line.unit_price.currency} but the cart "
                    f"is in {currency}; one cart has one currency"
                )
            if line.id in seen:
                raise ValidationError(
                    f"two lines share the id {line.id!r}; give each line a distinct id= "
                    "(it defaults to the SKU)"
                )
            seen.add(line.id)

    def _check_extras(self, currency: str) -> None:
        fields = _CART_FIELDS
        for name in ("order_discount", "shipping", "tax", "points_payment"):
            extra: Money | None = getattr(self, name)
            if extra is not None:
                non_negative_money(self, getattr(fields, name), extra)
                if extra.currency != currency:
                    raise ValidationError(
                        f"{name} is in {extra.currency} but the cart is in {currency}"
                    )
        for name in ("channel", "payment"):
            optional_identifier(self, getattr(fields, name), getattr(self, name))
        if self.order_discount is not None and not self.order_discount.is_whole_minor_units:
            raise ValidationError(
                f"order_discount {self.order_discount.amount} has more decimals than "
                f"{currency} allows; round it to whole {currency} minor units"
            )
        if self.order_discount is not None and self.order_discount > self.subtotal:
            raise ValidationError(
                f"order_discount {self.order_discount} exceeds the cart's value {self.subtotal}"
            )
        paid = self.points_payment
        if paid is not None and paid > self.payable:
            raise ValidationError(
                f"points_payment {paid} exceeds what the cart costs ({self.payable})"
            )
        if self.tenders:
            self._check_tenders(currency)

    def _check_tenders(self, currency: str) -> None:
        due = self.payable - self.points_payment if self.points_payment else self.payable
        total = Money.zero(currency)
        for tender in self.tenders:
            if tender.amount.currency != currency:
                raise ValidationError(
                    f"tender {tender.method!r} is in {tender.amount.currency} but the cart is "
                    f"in {currency}"
                )
            total = total + tender.amount
        if total != due:
            raise ValidationError(
                f"the tenders add up to {total} but the cart costs {due} (less any "
                "points_payment); list every way it was paid, with its amount"
            )

    def with_tenders_of(self, other: Cart) -> Cart:
        """This cart paid the way ``other`` was: its tenders' shares of what this cart
        costs, to the cent (what is left of a purchase after a return)."""
        if not other.tenders:
            return self
        due = self.payable - self.points_payment if self.points_payment else self.payable
        weights = [tender.amount for tender in other.tenders]
        if not any(weight.amount for weight in weights):
            return self
        shares = allocate(due, weights, [tender.method for tender in other.tenders])
        tenders = [attrs.evolve(t, amount=s) for t, s in zip(other.tenders, shares, strict=True)]
        return attrs.evolve(self, tenders=tenders)

    def tender_share(self, methods: frozenset[str]) -> Fraction:
        """The share of what was paid that ``methods`` paid, from 0 to 1: by the
        ``tenders``, or without them all or nothing by ``payment``."""
        if not self.tenders:
            return Fraction(1 if self.payment in methods else 0)
        total = sum((t.amount.amount for t in self.tenders), Decimal(0))
        if not total:
            return Fraction(0)
        paid = sum((t.amount.amount for t in self.tenders if t.method in methods), Decimal(0))
        return Fraction(paid) / Fraction(total)

    @property
    def currency(self) -> str:
        return self.lines[0].unit_price.currency

    @property
    def payable(self) -> Money:
        """What the cart costs the customer: lines after their discounts, less the order
        discount, plus shipping and tax."""
        total = self.subtotal
        for extra in (self.shipping, self.tax):
            if extra is not None:
                total = total + extra
        return total - self.order_discount if self.order_discount is not None else total

    @property
    def subtotal(self) -> Money:
        """Sum of the lines after line discounts, before the order discount."""
        total = Money.zero(self.currency)
        for line in self.lines:
            total = total + line.net
        return total

    def order_discount_shares(self) -> tuple[Money, ...]:
        """The order discount allocated to lines in proportion to their net value.

        Exact to the minor unit: the shares always sum to the discount. Leftover units go
        to the largest remainders, ties by line id, so line order does not matter.
        """
        if self.order_discount is None:
            return tuple(Money.zero(self.currency) for _ in self.lines)
        return allocate(
            self.order_discount,
            [line.net for line in self.lines],
            [line.id for line in self.lines],
        )


_CART_FIELDS = attrs.fields(Cart)
(
    _set_lines,
    _set_order_discount,
    _set_shipping,
    _set_tax,
    _set_points_payment,
    _set_channel,
    _set_payment,
    _set_attributes,
    _set_tenders,
) = slot_setters(Cart)


# mypy compares the attrs-made ``__attrs_init__`` of both, which a subclass with more
# required fields always breaks; the constructors themselves agree.
@value_methods
@attrs.frozen(kw_only=True, init=False, eq=False, repr=False)
class Purchase(Cart):  # type: ignore[override]
    """A completed order by a member."""

    id: str = attrs.field(validator=identifier)
    member_id: str = attrs.field(validator=identifier)
    occurred_at: datetime = attrs.field(converter=occurred_at)

    def __init__(
        self,
        *,
        lines: Iterable[LineItem],
        order_discount: Money | None = None,
        shipping: Money | None = None,
        tax: Money | None = None,
        points_payment: Money | None = None,
        channel: str | None = None,
        payment: str | None = None,
        attributes: Mapping[str, object] | None = None,
        tenders: Iterable[Tender] = (),
        id: str,
        member_id: str,
        occurred_at: datetime,
    ) -> None:
        self._fill(
            lines, order_discount, shipping, tax, points_payment, channel, payment, attributes,
            tenders,
        )  # fmt: skip
        _set_occurred_at(self, event_time(occurred_at, "occurred_at"))
        fields = _PURCHASE_FIELDS
        if type(id) is not str or not id:
            identifier(self, fields.id, id)
        if type(member_id) is not str or not member_id:
            identifier(self, fields.member_id, member_id)
        _set_purchase_id(self, id)
        _set_member_id(self, member_id)
        self._check()


_PURCHASE_FIELDS = attrs.fields(Purchase)
_set_purchase_id, _set_member_id, _set_occurred_at = slot_setters(Purchase)[len(_CART_FIELDS) :]
