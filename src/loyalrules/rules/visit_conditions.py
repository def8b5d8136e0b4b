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
from collections.abc import Iterator
from datetime import date, datetime, timedelta, tzinfo

import attrs

from loyalrules.ledger.facts import Facts
from loyalrules.ledger.series import PURCHASES, UNDONE
from loyalrules.rules.conditions import AllOf, AnyOf, Condition, Not
from loyalrules.rules.context import Context
from loyalrules.values.frozen import value_methods
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


@value_methods
@attrs.frozen(eq=False, repr=False)
class Moment:
    """What visits and streaks read of an event: the member's history, the program's
    time zone, the event's instant and whether it is a purchase (its day counts)."""

    history: Facts
    zone: tzinfo
    at: datetime
    purchase: bool

    @classmethod
    def of(cls, ctx: Context) -> Moment:
        return cls(ctx.history, ctx.settings.timezone, ctx.at, ctx.cart is not None)


def _purchase_days(moment: Moment, start: datetime, end: datetime) -> set[date]:
    """Local days with a purchase in ``[start, end)``, ``end`` no later than the event;
    the event's own day when it is a purchase inside the span."""
    at, zone = moment.at, moment.zone
    days = purchase_days(moment.history, zone, start, min(end, at))
    if moment.purchase and start <= at < end:
        days.add(at.astimezone(zone).date())
    return days


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class Visits(Condition):
    """At least ``at_least`` visits (days with a purchase) in the event's ``period``,
    the event's own day included."""

    reads_cart = False

    at_least: int
    period: Period

    def count(self, ctx: Context | Moment) -> int:
        """Visits so far in the event's period."""
        moment = ctx if isinstance(ctx, Moment) else Moment.of(ctx)
        start, end = self.period.bounds(moment.at.astimezone(moment.zone))
        return len(_purchase_days(moment, start, end))

    def __call__(self, ctx: Context) -> bool:
        return self.holds(Moment.of(ctx))

    def holds(self, moment: Moment) -> bool:
        """Whether the condition holds at ``moment`` (for a re-check after a return)."""
        return self.count(moment) >= self.at_least

    def since(self, at: datetime, zone: tzinfo) -> datetime:
        """The earliest purchase instant the condition reads for an event at ``at``."""
        return self.period.bounds(at.astimezone(zone))[0]

    def describe(self) -> str:
        return f"at least {self.at_least} visits in the {self.period.value}"

    def seen(self, ctx: Context) -> str | None:
        return f"{self.count(ctx)} visits in the {self.period.value}"


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class Streak(Condition):
    """A purchase in each of ``periods`` consecutive periods, ending with the event's
    (which the event fills when it is a purchase)."""

    reads_cart = False

    periods: int
    period: Period

    def length(self, ctx: Context | Moment, most: int | None = None) -> int:
        """How many periods in a row, back from the event's, hold a purchase (at most
        ``most``, by default ``periods``)."""
        moment = ctx if isinstance(ctx, Moment) else Moment.of(ctx)
        zone, count = moment.zone, 0
        start, end = self.period.bounds(moment.at.astimezone(zone))
        for _ in range(self.periods if most is None else most):
            if not _purchase_days(moment, start, end):
                break
            count += 1
            start, end = self.period.bounds((start - _TICK).astimezone(zone))
        return count

    def __call__(self, ctx: Context) -> bool:
        return self.holds(Moment.of(ctx))

    def holds(self, moment: Moment) -> bool:
        """Whether the condition holds at ``moment`` (for a re-check after a return)."""
        return self.length(moment) >= self.periods

    def since(self, at: datetime, zone: tzinfo) -> datetime:
        """The earliest purchase instant the condition reads for an event at ``at``."""
        start, _ = self.period.bounds(at.astimezone(zone))
        for _ in range(self.periods - 1):
            start, _ = self.period.bounds((start - _TICK).astimezone(zone))
        return start

    def describe(self) -> str:
        return f"a purchase in each of {self.periods} {self.period.value}s in a row"

    def seen(self, ctx: Context) -> str | None:
        return f"{self.length(ctx)} {self.period.value}(s) in a row"


def _parts(condition: Condition) -> Iterator[Condition]:
    if isinstance(condition, AllOf | AnyOf):
        for part in condition.conditions:
            yield from _parts(part)
    elif isinstance(condition, Not):
        yield from _parts(condition.condition)
    else:
        yield condition


def counts_visits(condition: Condition | None) -> bool:
    """Whether ``condition`` reads visits or streaks anywhere in it."""
    return condition is not None and any(
        isinstance(part, Visits | Streak) for part in _parts(condition)
    )


def reads(condition: Condition, at: datetime, zone: tzinfo, instant: datetime) -> bool:
    """Whether a purchase at ``instant`` counts for the visits or streaks of
    ``condition`` at an event at ``at`` (so that its return may change the answer)."""
    return instant < at and any(
        isinstance(part, Visits | Streak) and part.since(at, zone) <= instant
        for part in _parts(condition)
    )


def recheck(condition: Condition, moment: Moment) -> bool | None:
    """Whether ``condition`` holds at ``moment`` as far as its visits and streaks decide:
    True or False when they settle it, None when its other conditions (not re-read:
    the event's cart is not in the ledger) would. A condition that held when the event
    paid and is False here no longer holds, whatever those others were.

    >>> from loyalrules.ledger.ledger import Ledger
    >>> from datetime import timezone
    >>> at = datetime(2026, 3, 9, tzinfo=timezone.utc)
    >>> moment = Moment(Ledger().history, timezone.utc, at, purchase=True)
    >>> recheck(AllOf((Visits(at_least=2, period=Period.MONTH),)), moment)
    False
    """
    if isinstance(condition, Visits | Streak):
        return condition.holds(moment)
    if isinstance(condition, Not):
        inner = recheck(condition.condition, moment)
        return None if inner is None else not inner
    if isinstance(condition, AllOf | AnyOf):
        found = {recheck(part, moment) for part in condition.conditions}
        decisive = isinstance(condition, AnyOf)  # True settles an any, False an all
        if decisive in found:
            return decisive
        return None if None in found else not decisive
    return None
