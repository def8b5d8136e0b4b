"""Conditions on the member's history and dates: time since joining (and tenure), time
since the previous purchase, an anniversary of joining, a birthday.

Each takes an ``at_least`` and/or a ``within`` duration, added on the program's local
calendar to the instant it counts from: ``within`` holds strictly before that end
("within 30 days of joining"), ``at_least`` from that instant on ("members for two
years", "first purchase after 90 days away"). At the boundary itself ``at_least`` holds
and ``within`` does not, so the two split time cleanly.

>>> from loyalrules.values.durations import parse_duration
>>> SinceJoining(within=parse_duration("P30D")).describe()
'within P30D of joining'
"""

from __future__ import annotations

from datetime import datetime, time, tzinfo

import attrs

from loyalrules.rules.conditions import Condition
from loyalrules.rules.context import Context
from loyalrules.values.durations import Duration
from loyalrules.values.frozen import value_methods
from loyalrules.values.timeutil import membership_year


def _span(
    start: datetime, at: datetime, zone: tzinfo, least: Duration | None, within: Duration | None
) -> bool:
    if least is not None and at < least.after(start, zone):
        return False
    return within is None or at < within.after(start, zone)


def _words(least: Duration | None, within: Duration | None, since: str) -> str:
    parts = []
    if least is not None:
        parts.append(f"at least {least} after {since}")
    if within is not None:
        parts.append(f"within {within} of {since}")
    return " and ".join(parts)


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class SinceJoining(Condition):
    """The event is ``at_least`` after the member joined and/or ``within`` of it."""

    reads_cart = False

    at_least: Duration | None = None
    within: Duration | None = None

    def __call__(self, ctx: Context) -> bool:
        joined = ctx.member.joined_at
        return _span(joined, ctx.at, ctx.settings.timezone, self.at_least, self.within)

    def describe(self) -> str:
        return _words(self.at_least, self.within, "joining")

    def seen(self, ctx: Context) -> str | None:
        return f"joined {ctx.member.joined_at.astimezone(ctx.settings.timezone).isoformat()}"


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class SinceLastPurchase(Condition):
    """The member's previous purchase (strictly before the event) was ``at_least`` ago
    and/or ``within`` ago. Without a previous purchase it does not hold."""

    reads_cart = False

    at_least: Duration | None = None
    within: Duration | None = None

    def __call__(self, ctx: Context) -> bool:
        last = ctx.history.last_purchase_before(ctx.at)
        if last is None:
            return False
        return _span(last, ctx.at, ctx.settings.timezone, self.at_least, self.within)

    def describe(self) -> str:
        return _words(self.at_least, self.within, "the previous purchase")

    def seen(self, ctx: Context) -> str | None:
        last = ctx.history.last_purchase_before(ctx.at)
        if last is None:
            return "no previous purchase"
        return f"previous purchase {last.astimezone(ctx.settings.timezone).isoformat()}"


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class Anniversary(Condition):
    """The event falls on an anniversary of joining (the first one on), or ``within``
    the time after it: from local midnight of the anniversary day, in the program's
    zone. Pair it with ``limit: {per: membership_year}`` to pay once a year."""

    reads_cart = False

    within: Duration

    def __call__(self, ctx: Context) -> bool:
        years, start, _ = membership_year(ctx.member.joined_at, ctx.local)
        return years >= 1 and ctx.at < self.within.after(start, ctx.settings.timezone)

    def describe(self) -> str:
        return f"within {self.within} of an anniversary of joining"

    def seen(self, ctx: Context) -> str | None:
        years, start, _ = membership_year(ctx.member.joined_at, ctx.local)
        day = start.astimezone(ctx.settings.timezone).date().isoformat()
        return f"membership year {years}, from {day}"


@value_methods
@attrs.frozen(eq=False, repr=False)
class Birthday(Condition):
    """The event falls on the member's birthday, or ``within`` the time after it: from
    local midnight of the birthday, in the program's zone (a birthday on 29 February is
    on 28 February in other years). A member without a birthday never has one. Pair it
    with ``limit: {per: year}`` to pay once a year."""

    reads_cart = False

    within: Duration

    def __call__(self, ctx: Context) -> bool:
        start = _last_birthday(ctx)
        return start is not None and ctx.at < self.within.after(start, ctx.settings.timezone)

    def describe(self) -> str:
        return f"within {self.within} of the member's birthday"

    def seen(self, ctx: Context) -> str | None:
        start = _last_birthday(ctx)
        if start is None:
            return "no birthday"
        return f"last birthday {start.astimezone(ctx.settings.timezone).date().isoformat()}"


def _last_birthday(ctx: Context) -> datetime | None:
    """Local midnight of the member's last birthday at or before the event (UTC): the
    start of the year of life holding it, counted as membership years are."""
    born = ctx.member.birthday
    if born is None:
        return None
    birth = datetime.combine(born, time(), tzinfo=ctx.settings.timezone)
    return membership_year(birth, ctx.local)[1]
