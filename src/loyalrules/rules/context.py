"""What a rule sees while one event is evaluated: the event, the member, their history."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from loyalrules.ledger.facts import Facts
from loyalrules.rules.lines import EligibleLine
from loyalrules.rules.settings import Settings
from loyalrules.values.events import Activity, Cart
from loyalrules.values.member import Member

_NO_SPEND = Decimal(0)


class Context:
    """One event under evaluation. Built once per event by the engine; read by rules.

    ``at`` is the event's instant (UTC) and ``local`` the same instant in the program's
    time zone, for calendar questions. ``cart`` is ``None`` for activities. ``tier`` is
    the id of the member's tier just before the event (``None`` without tiers);
    ``tier_assigned`` whether it is held through a manual tier (``assign_tier``) rather
    than earned by qualifying.
    """

    __slots__ = (
        "activity",
        "at",
        "cart",
        "history",
        "lines",
        "local",
        "member",
        "settings",
        "spend",
        "tier",
        "tier_assigned",
    )

    def __init__(
        self,
        *,
        settings: Settings,
        member: Member,
        history: Facts,
        at: datetime,
        cart: Cart | None = None,
        lines: tuple[EligibleLine, ...] = (),
        activity: Activity | None = None,
        tier: str | None = None,
        tier_assigned: bool = False,
    ) -> None:
        self.settings = settings
        self.member = member
        self.history = history
        self.at = at
        self.local = at.astimezone(settings.timezone)
        self.cart = cart
        self.lines = lines
        self.activity = activity
        self.tier = tier
        self.tier_assigned = tier_assigned
        self.spend = _spend(lines)

    def with_cart(self, cart: Cart, lines: tuple[EligibleLine, ...]) -> Context:
        """This context for another cart (with its eligible ``lines``) of the same member
        at the same instant: a page of quotes builds one context and copies it per cart."""
        ctx = _new_context(Context)
        ctx.settings, ctx.member, ctx.history = self.settings, self.member, self.history
        ctx.at, ctx.local, ctx.activity = self.at, self.local, None
        ctx.tier, ctx.tier_assigned = self.tier, self.tier_assigned
        ctx.cart, ctx.lines = cart, lines
        ctx.spend = _spend(lines)
        return ctx

    def with_history(self, history: Facts) -> Context:
        """This context with ``history`` in place of its own."""
        ctx = _new_context(Context)
        for name in Context.__slots__:
            setattr(ctx, name, getattr(self, name))
        ctx.history = history
        return ctx


def _spend(lines: tuple[EligibleLine, ...]) -> Decimal:
    """The eligible spend of ``lines``."""
    spend = _NO_SPEND
    for line in lines:
        spend += line.spend
    return spend


_new_context = object.__new__  # a copy needs none of __init__'s work
