"""The events the engine reasons about besides purchases: activities, returns, plan
activations and membership events (``Cart`` and ``Purchase`` live in ``cart.py`` and are
re-exported here).

All are frozen, slotted attrs classes validated on construction, so an invalid one
cannot exist. Build them with keyword arguments::

    Purchase(id="o-1", member_id="m-1", occurred_at=datetime(2026, 12, 2, 9, tzinfo=UTC),
             lines=[LineItem(sku="LATTE", category="drinks", unit_price=Money("4.50", "USD"))])
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType

import attrs

from loyalrules.errors import ValidationError, WrongTypeError
from loyalrules.values.cart import Cart as Cart
from loyalrules.values.cart import Purchase as Purchase
from loyalrules.values.fields import (
    AttributeValue,
    freeze_attributes,
    identifier,
    occurred_at,
    optional_non_negative_money,
    reduce_frozen,
)
from loyalrules.values.frozen import value_methods
from loyalrules.values.line_item import MAX_QUANTITY as MAX_QUANTITY
from loyalrules.values.line_item import LineItem as LineItem
from loyalrules.values.money import Money


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class Activity:
    """Any non-purchase event: newsletter signup, social follow, review, referral..."""

    id: str = attrs.field(validator=identifier)
    member_id: str = attrs.field(validator=identifier)
    kind: str = attrs.field(validator=identifier)
    occurred_at: datetime = attrs.field(converter=occurred_at)
    attributes: Mapping[str, AttributeValue] = attrs.field(
        factory=dict, converter=freeze_attributes, hash=False
    )

    __reduce__ = reduce_frozen  # read-only mappings travel as dicts


def _returned_units(value: Mapping[str, int] | None) -> Mapping[str, int] | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise WrongTypeError(
            f"lines must map line ids to quantities, e.g. {{'BEANS': 1}}, not "
            f"{type(value).__name__}; leave it out to return everything"
        )
    units: dict[str, int] = {}
    for line_id, quantity in value.items():
        if isinstance(quantity, bool) or not isinstance(quantity, int):
            raise WrongTypeError(f"returned quantity of {line_id!r} must be a whole number")
        if quantity <= 0:
            raise ValidationError(f"returned quantity of {line_id!r} must be at least 1")
        units[line_id] = quantity
    if not units:
        raise ValidationError("a return needs at least one line; leave lines out to return all")
    return MappingProxyType(units)


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class Return:
    """Units of ``purchase`` given back (``lines``: line id -> quantity).

    Without ``lines`` everything not yet returned goes back: that is how an order is
    cancelled. The event carries the original purchase so the engine can re-evaluate
    what remains.
    """

    id: str = attrs.field(validator=identifier)
    purchase: Purchase = attrs.field()
    occurred_at: datetime = attrs.field(converter=occurred_at)
    lines: Mapping[str, int] | None = attrs.field(
        default=None, converter=_returned_units, hash=False
    )

    __reduce__ = reduce_frozen  # read-only mappings travel as dicts

    @purchase.validator
    def _check_purchase(self, _: object, value: object) -> None:
        if not isinstance(value, Purchase):
            raise WrongTypeError(
                f"purchase must be the original Purchase, not {type(value).__name__}"
            )

    def __attrs_post_init__(self) -> None:
        if self.occurred_at < self.purchase.occurred_at:
            raise ValidationError(
                f"return {self.id!r} at {self.occurred_at.isoformat()} is before its purchase "
                f"({self.purchase.occurred_at.isoformat()})"
            )
        bought = {line.id: line.quantity for line in self.purchase.lines}
        for line_id, quantity in (self.lines or {}).items():
            if line_id not in bought:
                raise ValidationError(
                    f"return {self.id!r}: purchase {self.purchase.id!r} has no line "
                    f"{line_id!r}; its lines are {', '.join(bought)}"
                )
            if quantity > bought[line_id]:
                raise ValidationError(
                    f"return {self.id!r}: {quantity} of line {line_id!r} returned but only "
                    f"{bought[line_id]} bought"
                )

    @property
    def member_id(self) -> str:
        return self.purchase.member_id


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class Activation:
    """The host reports a purchase final (shipped, fulfilled, past its return window):
    its points pending ``until: activated`` become available at ``occurred_at``."""

    purchase_id: str = attrs.field(validator=identifier)
    member_id: str = attrs.field(validator=identifier)
    occurred_at: datetime = attrs.field(converter=occurred_at)


_MEMBERSHIP_ACTIONS = ("subscribe", "renew", "cancel", "lapse")


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class Membership:
    """A paid membership event: the member subscribes to ``plan``, renews it, cancels it
    or lets it lapse. ``fee`` is what was paid, when it differs from the plan's fee."""

    id: str = attrs.field(validator=identifier)
    member_id: str = attrs.field(validator=identifier)
    plan: str = attrs.field(validator=identifier)
    action: str = attrs.field()
    occurred_at: datetime = attrs.field(converter=occurred_at)
    fee: Money | None = attrs.field(default=None, validator=optional_non_negative_money)

    @action.validator
    def _check_action(self, _: object, value: object) -> None:
        if value not in _MEMBERSHIP_ACTIONS:
            raise ValidationError(
                f"membership action must be one of {', '.join(_MEMBERSHIP_ACTIONS)}, not {value!r}"
            )
