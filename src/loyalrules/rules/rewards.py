"""The rewards catalog: what members can spend points on, and paying with points.

A :class:`Reward` has a cost (optionally a different one when conditions hold, e.g. per
tier), eligibility conditions, limits and a :class:`Gift`: what it gives. Redeeming it
yields a :class:`Grant`, which says exactly what the host must apply (an amount off, a
free item, a credit...). Gifts are small classes, one per kind, built once at load.
"""

from __future__ import annotations

import abc
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType
from typing import Any

import attrs

from loyalrules.ledger.entries import DEFAULT_ACCOUNT
from loyalrules.rules.conditions import Condition, Window
from loyalrules.rules.context import Context
from loyalrules.rules.limits import PeriodLimit
from loyalrules.rules.selectors import LineSelector
from loyalrules.values.events import Cart
from loyalrules.values.money import Money, format_money


def _frozen(value: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(value or {}))


@attrs.frozen(kw_only=True)
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


class Gift(abc.ABC):
    """What a reward gives. Subclass it to add a kind."""

    kind: str

    @abc.abstractmethod
    def grant(self, reward_id: str, cart: Cart | None, currency: str) -> Grant:
        """The grant for one redemption, priced against ``cart`` when there is one."""

    def missing(self, cart: Cart | None) -> str | None:
        """Why this gift cannot apply to ``cart`` (None: it can)."""
        return None


@attrs.frozen
class AmountOff(Gift):
    """A fixed amount off the order (never more than the order costs)."""

    amount: Decimal
    locale: str | None = None  # how the program writes amounts
    kind = "amount_off"

    def grant(self, reward_id: str, cart: Cart | None, currency: str) -> Grant:
        amount = self.amount if cart is None else min(self.amount, cart.payable.amount)
        return Grant(
            reward_id=reward_id,
            kind=self.kind,
            description=f"{format_money(self.amount, currency, locale=self.locale)} off",
            amount=Money(amount, currency),
        )


@attrs.frozen
class PercentOff(Gift):
    """``percent`` off the order, at most ``max_amount`` (to the cent, half up)."""

    percent: Decimal
    max_amount: Decimal | None = None
    locale: str | None = None  # how the program writes amounts
    kind = "percent_off"

    def grant(self, reward_id: str, cart: Cart | None, currency: str) -> Grant:
        amount = None
        if cart is not None:
            value = (cart.payable.amount * self.percent / 100).quantize(
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


@attrs.frozen
class FreeItem(Gift):
    """One item from ``items`` free, worth at most ``max_value``. With a cart, the most
    expensive matching unit in it is the one made free."""

    items: LineSelector
    max_value: Decimal | None = None
    locale: str | None = None  # how the program writes amounts
    kind = "free_item"

    def _best(self, cart: Cart) -> Decimal | None:
        prices = [line.unit_price.amount for line in cart.lines if self.items(line)]
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


@attrs.frozen
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


@attrs.frozen
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


@attrs.frozen
class Donation(Gift):
    """The points go to ``cause``, whose value the host passes on."""

    cause: str
    kind = "donation"

    def grant(self, reward_id: str, cart: Cart | None, currency: str) -> Grant:
        return Grant(
            reward_id=reward_id, kind=self.kind, description=f"a gift to {self.cause}",
            cause=self.cause,
        )  # fmt: skip


@attrs.frozen
class Custom(Gift):
    """Anything the host applies itself (an event ticket, early access): ``payload`` is
    passed through as written."""

    payload: Mapping[str, Any] = attrs.field(converter=_frozen, hash=False)
    description: str = ""
    kind = "custom"

    def grant(self, reward_id: str, cart: Cart | None, currency: str) -> Grant:
        return Grant(
            reward_id=reward_id,
            kind=self.kind,
            description=self.description or reward_id,
            payload=self.payload,
        )


@attrs.frozen(kw_only=True)
class Price:
    """``cost`` applies when ``condition`` holds (e.g. a tier's own price)."""

    condition: Condition
    cost: int


@attrs.frozen(kw_only=True)
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

    def cost_for(self, ctx: Context) -> int:
        """The points it costs this member now: the first price whose condition holds,
        else ``cost``."""
        for price in self.prices:
            if price.condition(ctx):
                return price.cost
        return self.cost
