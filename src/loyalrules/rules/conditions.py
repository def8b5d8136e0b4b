"""Conditions: small objects that decide whether a rule applies to an event.

Each is built once when the program loads and then called per event. A condition may
also say what the customer is ``missing`` ("spend $8.00 more") when that is something
they can still do in this cart; the engine turns that into a near-miss message.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from datetime import datetime, time
from decimal import Decimal
from typing import ClassVar

import attrs

from loyalrules.rules.context import Context
from loyalrules.rules.selectors import LineSelector
from loyalrules.values.frozen import value_methods
from loyalrules.values.money import format_money
from loyalrules.values.timeutil import to_utc

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Condition(abc.ABC):
    """Decides whether a rule applies. Subclass it to add a condition type.

    ``reads_cart`` says whether the condition may hold for one cart and not for another
    of the same member at the same instant; one that reads only the member, their
    history, their tier or the time sets it to False, and a page of quotes asks it once
    for all its carts. A subclass that does not say reads the cart.
    """

    __slots__ = ()
    reads_cart: ClassVar[bool] = True

    @abc.abstractmethod
    def __call__(self, ctx: Context) -> bool:
        """True when the condition holds for the event in ``ctx``."""

    @abc.abstractmethod
    def describe(self) -> str:
        """The condition in plain words, e.g. ``"spend at least $50.00"``."""

    def missing(self, ctx: Context) -> str | None:
        """What the customer could still do to meet this condition, or None."""
        return None

    def seen(self, ctx: Context) -> str | None:
        """What this event showed of the fact the condition tests, for explanations of
        why a rule did not pay (``"spent $20.00"``); None when there is nothing to show.
        Computed only when asked, never while evaluating."""
        return None

    @property
    def can_miss(self) -> bool:
        """Whether :meth:`missing` can ever give a hint (lets the engine skip asking)."""
        return type(self).missing is not Condition.missing


@value_methods
@attrs.frozen(eq=False, repr=False)
class AllOf(Condition):
    conditions: tuple[Condition, ...]

    def __call__(self, ctx: Context) -> bool:
        return all(condition(ctx) for condition in self.conditions)

    def describe(self) -> str:
        return " and ".join(c.describe() for c in self.conditions)

    @property
    def can_miss(self) -> bool:
        return any(c.can_miss for c in self.conditions)

    def missing(self, ctx: Context) -> str | None:
        # A near miss only when every failing part is something the customer can fix.
        hints = []
        for condition in self.conditions:
            if not condition(ctx):
                hint = condition.missing(ctx)
                if hint is None:
                    return None
                hints.append(hint)
        return " and ".join(hints) if hints else None


@value_methods
@attrs.frozen(eq=False, repr=False)
class AnyOf(Condition):
    conditions: tuple[Condition, ...]

    def __call__(self, ctx: Context) -> bool:
        return any(condition(ctx) for condition in self.conditions)

    def describe(self) -> str:
        return "either " + " or ".join(c.describe() for c in self.conditions)

    @property
    def can_miss(self) -> bool:
        return any(c.can_miss for c in self.conditions)

    def missing(self, ctx: Context) -> str | None:
        for condition in self.conditions:
            hint = condition.missing(ctx)
            if hint is not None:
                return hint
        return None


@value_methods
@attrs.frozen(eq=False, repr=False)
class Not(Condition):
    condition: Condition

    def __call__(self, ctx: Context) -> bool:
        return not self.condition(ctx)

    def describe(self) -> str:
        return f"not ({self.condition.describe()})"


def selected_spend(ctx: Context, selector: LineSelector | None) -> Decimal:
    """Eligible spend of the lines ``selector`` picks (all lines when None)."""
    if selector is None:
        return ctx.spend
    if not selector.fixed:
        return sum((el.spend for el in selector.select_for(ctx, ctx.lines)), Decimal(0))
    return selector.spend(ctx.lines)


@value_methods
@attrs.frozen(eq=False, repr=False)
class MinSpend(Condition):
    """Eligible spend (of the rule's lines, if it has a ``lines`` selector) >= amount."""

    amount: Decimal
    currency: str
    lines: LineSelector | None = None
    locale: str | None = None  # how the program writes amounts

    def __call__(self, ctx: Context) -> bool:
        if self.lines is None:  # the usual case, without a call
            return ctx.spend >= self.amount
        return selected_spend(ctx, self.lines) >= self.amount

    def describe(self) -> str:
        on = f" on {self.lines.describe()}" if self.lines else ""
        return f"spend at least {format_money(self.amount, self.currency, locale=self.locale)}{on}"

    def seen(self, ctx: Context) -> str | None:
        spent = format_money(selected_spend(ctx, self.lines), self.currency, locale=self.locale)
        return f"spent {spent}"

    def missing(self, ctx: Context) -> str | None:
        if ctx.cart is None:
            return None
        spent = ctx.spend if self.lines is None else selected_spend(ctx, self.lines)
        short = format_money(self.amount - spent, self.currency, up=True, locale=self.locale)
        on = f" on {self.lines.describe()}" if self.lines else ""
        return f"spend {short} more{on}"


@value_methods
@attrs.frozen(eq=False, repr=False)
class Contains(Condition):
    """The cart holds at least ``min_quantity`` units of the selected items."""

    lines: LineSelector
    min_quantity: int = 1

    def _quantity(self, ctx: Context) -> int:
        return sum(el.line.quantity for el in ctx.lines if el.eligible and self.lines(el.line))

    def __call__(self, ctx: Context) -> bool:
        return self._quantity(ctx) >= self.min_quantity

    def describe(self) -> str:
        return f"buy at least {self.min_quantity} of {self.lines.describe()}"

    def seen(self, ctx: Context) -> str | None:
        return f"{self._quantity(ctx)} in the cart"

    def missing(self, ctx: Context) -> str | None:
        if ctx.cart is None:
            return None
        return f"add {self.min_quantity - self._quantity(ctx)} more {self.lines.describe()}"


def _utc_or_none(value: datetime | None) -> datetime | None:
    # Stored in UTC like event times, so comparing them needs no zone arithmetic.
    return None if value is None else to_utc(value, "window bound")


@value_methods
@attrs.frozen(eq=False, repr=False)
class Window(Condition):
    """The event happens in ``[start, end)``; either end may be open."""

    reads_cart = False

    start: datetime | None = attrs.field(converter=_utc_or_none)
    end: datetime | None = attrs.field(converter=_utc_or_none)

    def __call__(self, ctx: Context) -> bool:
        return (self.start is None or ctx.at >= self.start) and (
            self.end is None or ctx.at < self.end
        )

    def describe(self) -> str:
        parts = []
        if self.start is not None:
            parts.append(f"from {self.start.isoformat()}")
        if self.end is not None:
            parts.append(f"before {self.end.isoformat()}")
        return " ".join(parts) or "at any time"

    def seen(self, ctx: Context) -> str | None:
        return f"the event at {ctx.local.isoformat()}"


@value_methods
@attrs.frozen(eq=False, repr=False)
class Weekdays(Condition):
    """The event falls on one of ``days`` (0 = Monday) in the program's time zone."""

    reads_cart = False

    days: frozenset[int]

    def __call__(self, ctx: Context) -> bool:
        return ctx.local.weekday() in self.days

    def describe(self) -> str:
        return "on " + ", ".join(WEEKDAYS[d] for d in sorted(self.days))

    def seen(self, ctx: Context) -> str | None:
        return f"a {WEEKDAYS[ctx.local.weekday()]}"


@value_methods
@attrs.frozen(eq=False, repr=False)
class TimeOfDay(Condition):
    """Local time of day in ``[start, end)``; a window past midnight wraps around."""

    reads_cart = False

    start: time
    end: time

    def __call__(self, ctx: Context) -> bool:
        now = ctx.local.time().replace(tzinfo=None)
        if self.start <= self.end:
            return self.start <= now < self.end
        return now >= self.start or now < self.end

    def describe(self) -> str:
        return f"between {self.start:%H:%M} and {self.end:%H:%M}"

    def seen(self, ctx: Context) -> str | None:
        return f"at {ctx.local:%H:%M}"


def _attribute_seen(name: str, value: object) -> str:
    return f"{name} not set" if value is None else f"{name} {value!r}"


def _match_key(value: object) -> tuple[bool, object]:
    # In Python True == 1; an attribute set to true must not match the number 1.
    return (isinstance(value, bool), value)


@value_methods
@attrs.frozen(eq=False, repr=False)
class _AttributeIn(Condition):
    name: str
    values: frozenset[object]
    _keys: frozenset[tuple[bool, object]] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_keys", frozenset(_match_key(v) for v in self.values))

    def _matches(self, value: object) -> bool:
        return _match_key(value) in self._keys

    def _values_text(self) -> str:
        return " or ".join(sorted(map(str, self.values)))


@value_methods
@attrs.frozen(eq=False, repr=False)
class MemberAttribute(_AttributeIn):
    """The member's attribute ``name`` is one of ``values``."""

    reads_cart = False

    def __call__(self, ctx: Context) -> bool:
        value = ctx.member.attributes.get(self.name)
        return (isinstance(value, bool), value) in self._keys  # as _matches, one call less

    def describe(self) -> str:
        return f"member {self.name} is {self._values_text()}"

    def seen(self, ctx: Context) -> str | None:
        return _attribute_seen(f"member {self.name}", ctx.member.attributes.get(self.name))


@value_methods
@attrs.frozen(eq=False, repr=False)
class EventAttribute(_AttributeIn):
    """The purchase's or activity's attribute ``name`` is one of ``values``."""

    def __call__(self, ctx: Context) -> bool:
        source = ctx.cart if ctx.cart is not None else ctx.activity
        return source is not None and self._matches(source.attributes.get(self.name))

    def describe(self) -> str:
        return f"{self.name} is {self._values_text()}"

    def seen(self, ctx: Context) -> str | None:
        source = ctx.cart if ctx.cart is not None else ctx.activity
        value = source.attributes.get(self.name) if source is not None else None
        return _attribute_seen(self.name, value)


@value_methods
@attrs.frozen(eq=False, repr=False)
class Channel(Condition):
    """The purchase was made through one of ``channels`` (web, app, store...)."""

    channels: frozenset[str]

    def __call__(self, ctx: Context) -> bool:
        return ctx.cart is not None and ctx.cart.channel in self.channels

    def describe(self) -> str:
        return f"bought via {' or '.join(sorted(self.channels))}"

    def seen(self, ctx: Context) -> str | None:
        return f"channel {ctx.cart.channel if ctx.cart is not None else None}"


@value_methods
@attrs.frozen(eq=False, repr=False)
class Payment(Condition):
    """The purchase was paid with one of ``methods`` (in part, with ``tenders``)."""

    methods: frozenset[str]

    def __call__(self, ctx: Context) -> bool:
        return ctx.cart is not None and ctx.cart.tender_share(self.methods) > 0

    def describe(self) -> str:
        return f"paid with {' or '.join(sorted(self.methods))}"

    def seen(self, ctx: Context) -> str | None:
        return f"payment {ctx.cart.payment if ctx.cart is not None else None}"


@value_methods
@attrs.frozen(eq=False, repr=False)
class BirthdayMonth(Condition):
    """The event falls (or, with ``expected=False``, does not fall) in the birthday month."""

    reads_cart = False

    expected: bool = True

    def __call__(self, ctx: Context) -> bool:
        birthday = ctx.member.birthday
        inside = birthday is not None and birthday.month == ctx.local.month
        return inside is self.expected

    def describe(self) -> str:
        return "in the member's birthday month" if self.expected else "outside the birthday month"

    def seen(self, ctx: Context) -> str | None:
        birthday = ctx.member.birthday
        born = f"birthday month {birthday.month}" if birthday is not None else "no birthday"
        return f"month {ctx.local.month}, {born}"


@value_methods
@attrs.frozen(eq=False, repr=False)
class NthPurchase(Condition):
    """This purchase is the member's ``n``-th (1 = first), counted from the ledger."""

    reads_cart = False

    n: int

    def __call__(self, ctx: Context) -> bool:
        return ctx.cart is not None and ctx.history.purchases_before(ctx.at) + 1 == self.n

    def describe(self) -> str:
        return "the first purchase" if self.n == 1 else f"purchase number {self.n}"

    def seen(self, ctx: Context) -> str | None:
        if ctx.cart is None:
            return "not a purchase"
        return f"purchase number {ctx.history.purchases_before(ctx.at) + 1}"


def reads_cart(condition: Condition) -> bool:
    """Whether ``condition``, or any part of it, reads the cart (``Condition.reads_cart``)."""
    if isinstance(condition, (AllOf, AnyOf)):
        return any(reads_cart(part) for part in condition.conditions)
    if isinstance(condition, Not):
        return reads_cart(condition.condition)
    return condition.reads_cart


def all_of(conditions: Sequence[Condition]) -> Condition:
    """One condition that holds when all of ``conditions`` hold."""
    return conditions[0] if len(conditions) == 1 else AllOf(tuple(conditions))
