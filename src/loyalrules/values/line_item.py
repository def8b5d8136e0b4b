"""One line of a cart: what was bought, at what price, how many.

Frozen and slotted like every value, checked on construction::

    LineItem(sku="LATTE", category="drinks", unit_price=Money("4.50", "USD"), quantity=2)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

from loyalrules.errors import ValidationError, WrongTypeError
from loyalrules.values.fields import (
    identifier,
    non_negative_money,
    optional_non_negative_money,
    slot_setters,
    tag_tuple,
)
from loyalrules.values.frozen import value_methods
from loyalrules.values.money import Money

MAX_QUANTITY = 1_000_000
"""The most units one cart line may have."""


_SAME_AS_SKU: Any = object()  # the default id


@value_methods
@attrs.frozen(kw_only=True, init=False, eq=False, repr=False)
class LineItem:
    """One line of a cart. ``discount`` is the line's own discount (total, not per unit).

    ``id`` defaults to the SKU; give lines distinct ids when one SKU appears twice.
    """

    sku: str
    category: str
    unit_price: Money
    quantity: int = 1
    discount: Money | None = None
    tags: tuple[str, ...] = ()
    id: str = attrs.field(default=attrs.Factory(lambda self: self.sku, takes_self=True))

    def __init__(
        self,
        *,
        sku: str,
        category: str,
        unit_price: Money,
        quantity: int = 1,
        discount: Money | None = None,
        tags: Iterable[str] | str | None = (),
        id: str = _SAME_AS_SKU,
    ) -> None:
        # Written by hand, one method checking every field (generated code with a
        # validator per field costs a call each, and carts are built by the thousand):
        # the usual values pass the first test of each field; anything else goes to the
        # shared validator for its message.
        if tags != ():
            tags = tag_tuple(tags)
        fields = _LINE_FIELDS
        if type(sku) is not str or not sku:
            identifier(self, fields.sku, sku)
        if type(category) is not str or not category:
            identifier(self, fields.category, category)
        if type(unit_price) is not Money or unit_price.amount < 0:
            non_negative_money(self, fields.unit_price, unit_price)
        if type(quantity) is not int or quantity <= 0 or quantity > MAX_QUANTITY:
            _check_quantity(sku, quantity)
        if id is _SAME_AS_SKU:
            id = sku
        elif type(id) is not str or not id:
            identifier(self, fields.id, id)
        _set_sku(self, sku)
        _set_category(self, category)
        _set_unit_price(self, unit_price)
        _set_quantity(self, quantity)
        _set_discount(self, discount)
        _set_tags(self, tags)
        _set_id(self, id)
        if discount is not None:
            optional_non_negative_money(self, fields.discount, discount)
            if discount.currency != unit_price.currency:
                raise ValidationError(
                    f"line {id!r}: discount is in {discount.currency} but the "
                    f"price is in {unit_price.currency}"
                )
            if discount > self.gross:
                raise ValidationError(
                    f"line {id!r}: discount {discount} exceeds its value {self.gross}"
                )

    @property
    def gross(self) -> Money:
        """Unit price times quantity, before any discount."""
        return self.unit_price * self.quantity

    @property
    def net(self) -> Money:
        """The line's value after its own discount (order discounts not included)."""
        return self.gross - self.discount if self.discount is not None else self.gross


_LINE_FIELDS = attrs.fields(LineItem)
(
    _set_sku,
    _set_category,
    _set_unit_price,
    _set_quantity,
    _set_discount,
    _set_tags,
    _set_id,
) = slot_setters(LineItem)


def _check_quantity(sku: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise WrongTypeError(f"quantity must be a whole number, not {value!r}")
    if value <= 0:
        raise ValidationError(
            f"quantity of line {sku!r} must be at least 1, not {value}; "
            "record returns with a Return event"
        )
    if value > MAX_QUANTITY:
        raise ValidationError(
            f"quantity of line {sku!r} is {value:.3g}: loyalrules supports at most "
            f"{MAX_QUANTITY:,} units per line"
        )
