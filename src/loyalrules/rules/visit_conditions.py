"""Conditions on how often the member comes: visits in a period, streaks of periods.

Both are derived from the purchases in the member's ledger, on the program's calendar
(periods start at local midnight; weeks on Monday). A **visit** is a local day with at
least one purchase: two orders on one day are one visit, so splitting an order earns no
extra visit. The event being evaluated counts when it is a purchase; only purchases
recorded strictly before it count besides, so the answer does not depend on the order in
which later purchases reach the engine. A purchase the ledger shows returned in full is
no visit (a return that leaves part of it keeps the visit).

>>> from loyalrules.values.timeutil import Period
>>> Visits(at_least=5, period=Period.MONTH).describe()
'at least 5 visits in the month'
>>> Streak(periods=4, period=Period.WEEK).describe()
'a purchase in each of 4 weeks in a row'
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta, tzinfo

import attrs

from loyalrules.ledger.facts import Facts
from loyalrules.ledger.series import PURCHASES, UNDONE
from loyalrules.rules.conditions import Condition
from loyalrules.rules.context import Context
from loyalrules.values.timeutil import Period

_TICK = timedelta(microseconds=1)


def purchase_days(history: Facts, zone: tzinfo, start: datetime, end: datetime) -> set[date]:
    """Local days (in ``zone``) with a purchase recorded in ``[start, end)`` that the
    ledger does not show returned in full."""
    series = history.series
    made = series.instants(PURCHASES, start, end)
    undone = series.instants(PURCHASES + UNDONE, start, end)
    if undone:  # the instants of purchases returned in full, once per purchase
        left = Counter(made)
        left.subtract(undone)
        made = [at for at, count in left.items() if count > 0]
    return {at.astimezone(zone).date() for at in made}


def _purchase_days(ctx: Context, start: datetime, end: datetime) -> set[date]:
    """Local days with a purchase in ``[start, end)``, ``end`` no later than the event;
    the event's own day when it is a purchase inside the span."""
    days = purchase_days(ctx.history, ctx.settings.timezone, start, min(end, ctx.at))
    if ctx.cart is not None and start <= ctx.at < end:
        days.add(ctx.local.date())
    return days


@attrs.frozen(kw_only=True)
class Visits(Condition):
    """At least ``at_least`` visits (days with a purchase) in the event's ``period``,
    the event's own day included."""

    at_least: int
    period: Period

    def count(self, ctx: Context) -> int:
        """Visits so far in the event's period."""
        start, end = self.period.bounds(ctx.local)
        return len(_purchase_days(ctx, start, end))

    def __call__(self, ctx: Context) -> bool:
        return self.count(ctx) >= self.at_least

    def describe(self) -> str:
        return f"at least {self.at_least} visits in the {self.period.value}"

    def seen(self, ctx: Context) -> str | None:
        return f"{self.count(ctx)} visits in the {self.period.value}"


@attrs.frozen(kw_only=True)
class Streak(Condition):
    """A purchase in each of ``periods`` consecutive periods, ending with the event's
    (which the event fills when it is a purchase)."""

    periods: int
    period: Period

    def length(self, ctx: Context, most: int | None = None) -> int:
        """How many periods in a row, back from the event's, hold a purchase (at most
        ``most``, by default ``periods``)."""
        zone, count = ctx.settings.timezone, 0
        start, end = self.period.bounds(ctx.local)
        for _ in range(self.periods if most is None else most):
            if not _purchase_days(ctx, start, end):
                break
            count += 1
            start, end = self.period.bounds((start - _TICK).astimezone(zone))
        return count

    def __call__(self, ctx: Context) -> bool:
        return self.length(ctx) >= self.periods

    def describe(self) -> str:
        return f"a purchase in each of {self.periods} {self.period.value}s in a row"

    def seen(self, ctx: Context) -> str | None:
        return f"{self.length(ctx)} {self.period.value}(s) in a row"
