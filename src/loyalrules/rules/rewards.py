"""The rewards catalog: what members can spend points on, and paying with points.

A :class:`Reward` has a cost (optionally a different one when conditions hold, e.g. per
tier), eligibility conditions, limits and a :class:`Gift`: what it gives. Redeeming it
yields a :class:`Grant`, which says exactly what the host must apply (an amount off, a
free item, a credit...). Gifts are small classes, one per kind, built once at load.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType
from typing import Any, TypeVar, cast

import attrs

from loyalrules.errors import NotAllowed, ValidationError
from loyalrules.ledger.entries import DEFAULT_ACCOUNT
from loyalrules.rules.conditions import Condition, Window
from loyalrules.rules.context import Context
from loyalrules.rules.limits import PeriodLimit
from loyalrules.rules.messages import MessageTemplate
from loyalrules.rules.selectors import LineSelector
from loyalrules.values.events import Cart, LineItem
from loyalrules.values.fields import reduce_frozen
from loyalrules.values.frozen import value_methods
from loyalrules.values.money import Money, format_money


def _frozen(value: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(value or {}))


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class Grant:
    """What a redemption gives, for the host to apply.

    ``kind`` is the gift's kind (``amount_off``, ``percent_off``, ``free_item``,
    ``free_shipping``, ``credit``, ``donation``, ``custom``, or ``points_payment``).
    ``amount`` is the money value when it is known (with a cart, or fixed); the other
    fields are those of the kind: ``percent`` and ``max_amount`` for a percentage,
    ``skus``/``categories`` for a free item, ``account`` for a credit, ``cause`` for a
    donation, ``payload`` for a custom reward.
    """

    reward_id: str
    kind: str
    description: str
    amount: Money | None = None
    percent: Decimal | None = None
    max_amount: Money | None = None
    skus: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    account: str | None = None
    cause: str | None = None
    payload: Mapping[str, Any] = attrs.field(factory=dict, converter=_frozen, hash=False)

    __reduce__ = reduce_frozen  # read-only mappings travel as dicts

    def apply_to(self, cart: C) -> C:
        """``cart`` (or purchase) with this grant recorded on it: the money off added to
        its ``order_discount`` (so, by default, it stops counting as eligible spend), or
        its shipping made free. Refuses what cannot be recorded on an order.

        For example::

            purchase = grant.apply_to(purchase)
        """
        record = _RECORDS.get(self.kind)
        if record is None:
            raise NotAllowed(
                f"a {self.kind} grant is not money off an order; nothing to record on the cart"
            )
        return cast(C, record(self, cart))


C = TypeVar("C", bound=Cart)


def _money_off(grant: Grant, cart: C) -> C:
    if grant.amount is None:
        raise ValidationError(
            f"grant {grant.reward_id!r} has no amount yet: redeem with cart= to price it"
        )
    room = merchandise(cart)
    if grant.amount > room:
        raise ValidationError(
            f"grant {grant.reward_id!r} takes {grant.amount} off but the merchandise left to "
            f"discount is {room}; take the rest off the tax or shipping at payment"
        )
    before = cart.order_discount or Money.zero(cart.currency)
    return attrs.evolve(cart, order_discount=before + grant.amount)


def _free_shipping(grant: Grant, cart: C) -> C:
    return attrs.evolve(cart, shipping=None)


_RECORDS: dict[str, Callable[[Grant, Any], Any]] = {
    "amount_off": _money_off,
    "percent_off": _money_off,
    "free_item": _money_off,
    "free_shipping": _free_shipping,
}
"""How each kind of grant is recorded on an order (``Grant.apply_to``)."""


def merchandise(cart: Cart) -> Money:
    """What a discount may take off ``cart``: the lines after their own and the order's
    discounts (tax and shipping excluded)."""
    discount = cart.order_discount
    return cart.subtotal if discount is None else cart.subtotal - discount


class Gift(abc.ABC):
    """What a reward gives. Subclass it to add a kind."""

    kind: str

    @abc.abstractmethod
    def grant(self, reward_id: str, cart: Cart | None, currency: str) -> Grant:
        """The grant for one redemption, priced against ``cart`` when there is one."""

    def missing(self, cart: Cart | None) -> str | None:
        """Why this gift cannot apply to ``cart`` (None: it can)."""
        return None


@value_methods
@attrs.frozen(eq=False, repr=False)
class AmountOff(Gift):
    """A fixed amount off the order: with a cart, never more than its merchandise
    (``of_order``: never more than all it costs, tax and shipping included)."""

    amount: Decimal
    locale: str | None = None  # how the program writes amounts
    of_order: bool = False
    kind = "amount_off"

    def grant(self, reward_id: str, cart: Cart | None, currency: str) -> Grant:
        amount = self.amount
        if cart is not None:
            most = cart.payable if self.of_order else merchandise(cart)
            amount = min(amount, most.amount)
        return Grant(
            reward_id=reward_id,
            kind=self.kind,
            description=f"{format_money(self.amount, currency, locale=self.locale)} off",
            amount=Money(amount, currency),
        )


@value_methods
@attrs.frozen(eq=False, repr=False)
class PercentOff(Gift):
    """``percent`` off the order, at most ``max_amount`` (to the cent, half up): of all
    the order costs (``of_order``, the default), or of its merchandise only."""

    percent: Decimal
    max_amount: Decimal | None = None
    locale: str | None = None  # how the program writes amounts
    of_order: bool = True
    kind = "percent_off"

    def grant(self, reward_id: str, cart: Cart | None, currency: str) -> Grant:
        amount = None
        if cart is not None:
            base = cart.payable if self.of_order else merchandise(cart)
            value = (base.amount * self.percent / 100).quantize(
                Money.zero(currency).quantum, ROUND_HALF_UP
            )
            if self.max_amount is not None:
                value = min(value, self.max_amount)
            amount = Money(value, currency)
        most = None if self.max_amount is None else Money(self.max_amount, currency)
        upto = f" (up to {format_money(most.amount, currency, locale=self.locale)})" if most else ""
        return Grant(
            reward_id=reward_id,
            kind=self.kind,
            description=f"{self.percent.normalize():f}% off{upto}",
            amount=amount,
            percent=self.percent,
            max_amount=most,
        )


@value_methods
@attrs.frozen(eq=False, repr=False)
class FreeItem(Gift):
    """One item from ``items`` free, worth at most ``max_value``. With a cart, the most
    expensive matching unit in it is the one made free, at what it costs there: its
    price less its share of its line's own discount."""

    items: LineSelector
    max_value: Decimal | None = None
    locale: str | None = None  # how the program writes amounts
    kind = "free_item"

    def _best(self, cart: Cart) -> Decimal | None:
        prices = [_unit_cost(line) for line in cart.lines if self.items(line)]
        return max(prices) if prices else None

    def missing(self, cart: Cart | None) -> str | None:
        if cart is not None and self._best(cart) is None:
            return f"add {self.items.describe()} to the cart"
        return None

    def grant(self, reward_id: str, cart: Cart | None, currency: str) -> Grant:
        amount = None
        if cart is not None:
            best = self._best(cart) or Decimal(0)
            amount = Money(best if self.max_value is None else min(best, self.max_value), currency)
        most = None if self.max_value is None else Money(self.max_value, currency)
        upto = f", up to {format_money(most.amount, currency, locale=self.locale)}" if most else ""
        return Grant(
            reward_id=reward_id,
            kind=self.kind,
            description=f"one free item ({self.items.describe()}){upto}",
            amount=amount,
            max_amount=most,
            skus=tuple(sorted(self.items.skus)),
            categories=tuple(sorted(self.items.categories)),
        )


def _unit_cost(line: LineItem) -> Decimal:
    """What one unit of ``line`` costs: its price, less its share of the line's own
    discount (to the minor unit, half up)."""
    if line.discount is None:
        return line.unit_price.amount
    return (line.net.amount / line.quantity).quantize(line.unit_price.quantum, ROUND_HALF_UP)


@value_methods
@attrs.frozen(eq=False, repr=False)
class FreeShipping(Gift):
    """Shipping free (with a cart, its shipping is the amount)."""

    kind = "free_shipping"

    def grant(self, reward_id: str, cart: Cart | None, currency: str) -> Grant:
        amount = None
        if cart is not None:
            amount = cart.shipping if cart.shipping is not None else Money.zero(currency)
        return Grant(
            reward_id=reward_id, kind=self.kind, description="free shipping", amount=amount
        )


@value_methods
@attrs.frozen(eq=False, repr=False)
class Credit(Gift):
    """``amount`` credited to the money account ``account`` (store credit)."""

    account: str
    amount: Decimal
    locale: str | None = None  # how the program writes amounts
    kind = "credit"

    def grant(self, reward_id: str, cart: Cart | None, currency: str) -> Grant:
        amount = Money(self.amount, currency)
        return Grant(
            reward_id=reward_id,
            kind=self.kind,
            description=f"{format_money(self.amount, currency, locale=self.locale)} credited "
            f"to {self.account}",
            amount=amount,
            account=self.account,
        )


@value_methods
@attrs.frozen(eq=False, repr=False)
class Donation(Gift):
    """The points go to ``cause``, whose value the host passes on."""

    cause: str
    kind = "donation"

    def grant(self, reward_id: str, cart: Cart | None, currency: str) -> Grant:
        return Grant(
            reward_id=reward_id, kind=self.kind, description=f"a gift to {self.cause}",
            cause=self.cause,
        )  # fmt: skip


@value_methods
@attrs.frozen(eq=False, repr=False)
class Custom(Gift):
    """Anything the host applies itself (an event ticket, early access): ``payload`` is
    passed through as written."""

    payload: Mapping[str, Any] = attrs.field(converter=_frozen, hash=False)
    description: str = ""
    kind = "custom"

    __reduce__ = reduce_frozen  # read-only mappings travel as dicts

    def grant(self, reward_id: str, cart: Cart | None, currency: str) -> Grant:
        return Grant(
            reward_id=reward_id,
            kind=self.kind,
            description=self.description or reward_id,
            payload=self.payload,
        )


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class Price:
    """``cost`` applies when ``condition`` holds (e.g. a tier's own price)."""

    condition: Condition
    cost: int


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class Reward:
    """One reward of the catalog, built once when the program loads."""

    id: str
    name: str
    cost: int
    gift: Gift
    description: str = ""
    prices: tuple[Price, ...] = ()
    condition: Condition | None = None
    active: Window | None = None
    limit: PeriodLimit | None = None
    per_order: int | None = None
    account: str = DEFAULT_ACCOUNT
    message: MessageTemplate | None = None  # shown to the member on redeeming
    budget: str | None = None  # a program-wide budget of redemptions (passed in)

    def cost_for(self, ctx: Context) -> int:
        """The points it costs this member now: the first price whose condition holds,
        else ``cost``."""
        for price in self.prices:
            if price.condition(ctx):
                return price.cost
        return self.cost
