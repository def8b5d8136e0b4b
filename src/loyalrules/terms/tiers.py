"""Tiers: ordered levels a member qualifies for by a metric measured over a window.

Rank is the order the levels are written in, nothing else. The tier at any instant is
derived from the ledger (the qualifying series in its history) and the member's join
date, never stored: ``TierChanged`` entries only write changes down.

For a calendar or anniversary year, the tier at an instant is the highest of:

* the level the current period's value qualifies for (an upgrade is immediate);
* the level carried from the previous period: what its full value qualified for, or, for
  the level held at its end, what it keeps (``keep`` thresholds); with ``downgrade:
  one_level`` never more than one level below the level held; carried until the end of
  the current period, or for ``retention`` after its start;
* during a ``grace`` period after a period ends, the level held at its end.

For a rolling window, the tier is the highest level the rolling value reached within the
last ``retention`` (by default: now). For ``lifetime``, the level the total qualifies for.

With ``valid_for`` ("status lasts 12 months from the day you qualify"), whatever the
window, a level is held from the instant the window's value reaches it through the end of
the local day ``valid_for`` later; the tier is the highest level held.
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta, tzinfo
from decimal import Decimal

import attrs

from loyalrules.errors import InternalError
from loyalrules.ledger.entries import DEFAULT_ACCOUNT
from loyalrules.ledger.series import PURCHASES, RETURNED, SPEND, Series, earned
from loyalrules.terms.policies import Expiry
from loyalrules.values.durations import Duration
from loyalrules.values.frozen import value_methods
from loyalrules.values.money import format_money
from loyalrules.values.timeutil import Period

_TICK = timedelta(microseconds=1)
_ZERO = Decimal(0)


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class Level:
    """One tier. ``qualify`` is the entry threshold (0 for the first level); ``keep`` the
    lower threshold that keeps the tier at re-evaluation (hysteresis)."""

    id: str
    name: str
    rank: int
    qualify: Decimal = _ZERO
    keep: Decimal | None = None
    multiplier: Decimal | None = None
    upgrade_bonus: int | None = None
    perks: tuple[str, ...] = ()
    keeps_points: bool = False  # points do not expire while the tier is held
    expiry: Expiry | None = None  # of points earned at this tier's rate (``points``)
    also: tuple[Decimal, ...] = ()  # thresholds of the program's further measures
    also_keep: tuple[Decimal | None, ...] = ()

    @property
    def keeps_at(self) -> Decimal:
        return self.qualify if self.keep is None else self.keep

    def needs(self, keeping: bool) -> tuple[Decimal, ...]:
        """The threshold of each measure: to reach the level, or (``keeping``) to keep it."""
        if not keeping:
            return (self.qualify, *self.also)
        keeps = (k if k is not None else q for q, k in zip(self.also, self.also_keep, strict=False))
        return (self.keeps_at, *keeps)


class Metric(enum.Enum):
    """What tiers qualify on."""

    SPEND = "spend"  # eligible spend
    POINTS = "points"  # points earned by rules in an account
    PURCHASES = "purchases"  # number of purchases


class Window(enum.Enum):
    CALENDAR_YEAR = "calendar_year"
    ANNIVERSARY_YEAR = "anniversary_year"
    ROLLING = "rolling"
    LIFETIME = "lifetime"


class Downgrade(enum.Enum):
    TO_QUALIFIED = "to_qualified"
    ONE_LEVEL = "one_level"


class Crossing(enum.Enum):
    """How the purchase that crosses a threshold earns."""

    OLD_RATE = "old_rate"  # all of it at the tier held before it
    NEW_RATE = "new_rate"  # all of it at the tier it reaches
    SPLIT = "split"  # the part beyond the threshold at the new rate


@value_methods
@attrs.frozen(eq=False, repr=False)
class Measure:
    """One thing tiers qualify on: spend, purchases, or the points of an account."""

    metric: Metric
    account: str = "points"

    @property
    def key(self) -> str:
        """Its name in a level's ``qualify`` mapping."""
        return self.account if self.metric is Metric.POINTS else self.metric.value

    @property
    def gains(self) -> str:
        """The name of the series this measure adds up."""
        name = {Metric.SPEND: SPEND, Metric.PURCHASES: PURCHASES}.get(self.metric)
        return name or earned(self.account)

    def describe(self, value: Decimal, currency: str, locale: str | None = None) -> str:
        if self.metric is Metric.SPEND:
            return format_money(value, currency, locale=locale)
        if self.metric is Metric.PURCHASES:
            return f"{value} purchase(s)"
        return f"{value} {self.account}"

    def more(
        self, value: Decimal, currency: str, locale: str | None = None, points: str = "points"
    ) -> str:
        """What is still needed, for a progress line: "Spend $8.00 more" (``points``: what
        the default account's points are called)."""
        if self.metric is Metric.SPEND:
            return f"Spend {format_money(value, currency, locale=locale)} more"
        if self.metric is Metric.PURCHASES:
            return f"Make {value} more purchase(s)"
        name = points if self.account == DEFAULT_ACCOUNT else self.account
        return f"Earn {value} more {name}"


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class TierState:
    """A member's tier at ``at``: since when, until when it is guaranteed, the value
    that counts now, and the window it is measured in."""

    level: Level
    at: datetime
    value: Decimal
    window_start: datetime | None
    window_end: datetime | None
    valid_until: datetime | None
    reason: str
    previous_value: Decimal | None = None  # the value of the last period, if any
    assigned: bool = False  # held through a manual tier above what was qualified for
    values: tuple[Decimal, ...] = ()  # every measure's value (``value`` is the first's)


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class Tiers:
    """A program's tiers: levels in rank order and how members move between them."""

    levels: tuple[Level, ...]
    metric: Metric = Metric.SPEND
    account: str = "points"
    window: Window = Window.CALENDAR_YEAR
    rolling: Duration | None = None
    retention: Duration | None = None  # None: until the end of the next period
    downgrade: Downgrade = Downgrade.TO_QUALIFIED
    grace: Duration | None = None
    returns_count: bool = True
    crossing: Crossing = Crossing.OLD_RATE
    currency: str = "USD"
    locale: str | None = None  # how the program writes amounts
    valid_for: Duration | None = None  # a level lasts this long from the day it is reached
    more: tuple[Measure, ...] = ()  # further measures, beside ``metric``
    any_of: bool = False  # with further measures: reaching one threshold is enough
    # ``measures``, built once: every purchase of a tiered program asks for them
    _measures: tuple[Measure, ...] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_measures", (Measure(self.metric, self.account), *self.more))

    @property
    def base(self) -> Level:
        return self.levels[0]

    def level(self, level_id: str) -> Level:
        for level in self.levels:
            if level.id == level_id:
                return level
        raise KeyError(level_id)

    # --- measuring ---------------------------------------------------------------------

    @property
    def measures(self) -> tuple[Measure, ...]:
        """Every measure tiers qualify on, the first one (``metric``) first."""
        return self._measures

    @property
    def gains(self) -> str:
        """The name of the series the first measure adds up."""
        return self.measures[0].gains

    def instants(self, series: Series, start: datetime | None, end: datetime) -> list[datetime]:
        """The instants in ``[start, end)`` that added to any measure, in order."""
        if not self.more:
            return series.instants(self.gains, start, end)
        found = {t for m in self.measures for t in series.instants(m.gains, start, end)}
        return sorted(found)

    def loss_instants(self, series: Series, start: datetime, end: datetime) -> list[datetime]:
        """The instants in ``[start, end)`` a return took from any measure."""
        return sorted(
            {t for m in self.measures for t in series.instants(m.gains + RETURNED, start, end)}
        )

    def measure(self, series: Series, start: datetime | None, end: datetime) -> tuple[Decimal, ...]:
        """Each measure over ``[start, end)``: gains, less what returns took back (when
        returns count)."""
        values = []
        for measure in self.measures:
            value = series.total(measure.gains, start, end)
            if self.returns_count:
                value -= series.total(measure.gains + RETURNED, start, end)
            values.append(value)
        return tuple(values)

    def value(self, series: Series, start: datetime | None, end: datetime) -> Decimal:
        """The first measure over ``[start, end)``."""
        return self.measure(series, start, end)[0]

    def qualified(self, values: Decimal | tuple[Decimal, ...], held: Level | None = None) -> Level:
        """The highest level ``values`` (one per measure) qualify for: every threshold
        met, or one with ``any_of``; levels up to ``held`` need only their ``keep``."""
        if isinstance(values, Decimal):
            values = (values,)
        meets = any if self.any_of else all
        best = self.base
        for level in self.levels:
            needed = level.needs(held is not None and level.rank <= held.rank)
            if meets(v >= n for v, n in zip(values, needed, strict=False)):
                best = level
        return best

    def reaches_above(self, values: tuple[Decimal, ...], level: Level) -> bool:
        """Whether ``values`` qualify for a level above ``level``: ``qualified(values)``
        ranks higher, found without testing the levels up to ``level``."""
        meets = any if self.any_of else all
        return any(
            meets(v >= n for v, n in zip(values, higher.needs(False), strict=False))
            for higher in self.levels[level.rank + 1 :]
        )

    def describe(self, values: Decimal | tuple[Decimal, ...]) -> str:
        if isinstance(values, Decimal):
            values = (values,)
        parts = zip(self.measures, values, strict=False)
        return " and ".join(m.describe(v, self.currency, self.locale) for m, v in parts)

    # --- periods -----------------------------------------------------------------------

    def period(self, at: datetime, joined: datetime, zone: tzinfo) -> tuple[datetime, datetime]:
        """The qualification period holding ``at`` (calendar or anniversary year)."""
        local = at.astimezone(zone)
        if self.window is Window.CALENDAR_YEAR:
            return Period.YEAR.bounds(local)
        # From local midnight of the joining day, as membership years and their limits.
        anniversary = joined.astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0)
        years = local.year - anniversary.year
        start = _years_after(anniversary, years)
        if start > local:
            start = _years_after(anniversary, years - 1)
        end = _years_after(start, 1)
        return start.astimezone(at.tzinfo), end.astimezone(at.tzinfo)

    # --- the tier at an instant -----------------------------------------------------------

    def tier_at(self, series: Series, at: datetime, joined: datetime, zone: tzinfo) -> TierState:
        """The member's tier at ``at`` (events at ``at`` included)."""
        through = at + _TICK
        if self.window is Window.LIFETIME:
            value = self.measure(series, None, through)
            level = self.qualified(value)
            return TierState(
                level=level, at=at, value=value[0], values=value, window_start=None,
                window_end=None,
                valid_until=None, reason="lifetime total",
            )  # fmt: skip
        if self.valid_for is not None:
            return self._from_qualifying(series, at, joined, zone)
        if self.window is Window.ROLLING and self.rolling is not None:
            return self._rolling(series, at, self.rolling, zone)
        return self._periodic(series, at, joined, zone)

    def window_at(
        self, at: datetime, joined: datetime, zone: tzinfo
    ) -> tuple[datetime | None, datetime | None]:
        """The window the value at ``at`` is measured over: ``(start, end)``, either
        ``None`` when open (a lifetime has no start; a rolling window ends at ``at``)."""
        if self.window is Window.LIFETIME:
            return None, None
        if self.window is Window.ROLLING and self.rolling is not None:
            return _back(at, self.rolling), at
        return self.period(at, joined, zone)

    def held_until(self, reached: datetime, zone: tzinfo) -> datetime:
        """With ``valid_for``: the end of the local day ``valid_for`` after ``reached``."""
        if self.valid_for is None:
            raise InternalError("held_until() asked of tiers without valid_for")
        return Period.DAY.bounds(self.valid_for.after(reached, zone).astimezone(zone))[1]

    def _from_qualifying(
        self, series: Series, at: datetime, joined: datetime, zone: tzinfo
    ) -> TierState:
        if self.valid_for is None:
            raise InternalError("_from_qualifying() asked of tiers without valid_for")
        start, end = self.window_at(at, joined, zone)
        value = self.measure(series, start, at + _TICK)
        best, until, since = self.base, None, None
        # Only a contribution can raise the window's value, so a level is reached at one.
        lookback = _back(at, self.valid_for) - timedelta(days=2)
        for moment in self.instants(series, lookback, at + _TICK):
            held_until = self.held_until(moment, zone)
            if held_until <= at:
                continue
            window_start, window_end = self.window_at(moment, joined, zone)
            reached = self.qualified(self.measure(series, window_start, moment + _TICK))
            # A return later in the window takes back what it takes the value below.
            returns_end = min(at, window_end or at) + _TICK
            for back in self.loss_instants(series, moment + _TICK, returns_end):
                kept = self.qualified(self.measure(series, window_start, back + _TICK))
                reached = min(reached, kept, key=lambda level: level.rank)
            if reached.rank and (reached.rank, held_until) > (best.rank, until or held_until):
                best, until, since = reached, held_until, moment
        reason = (
            f"qualified on {since.astimezone(zone).date().isoformat()}, for {self.valid_for}"
            if since is not None
            else "qualified this period"
        )
        return TierState(
            level=best, at=at, value=value[0], values=value, window_start=start, window_end=end,
            valid_until=until, reason=reason,
        )  # fmt: skip

    def _rolling(self, series: Series, at: datetime, rolling: Duration, zone: tzinfo) -> TierState:
        through = at + _TICK
        calendar_back = _back(at, rolling)
        value = self.measure(series, calendar_back, through)
        best = self.qualified(value)
        if self.retention is not None:  # the best reached within the retention
            since = _back_local(at, self.retention, zone)  # as every duration of a program
            # The rolling value only falls between contributions, so its best over the
            # retention is at its start or at one of them.
            for moment in [since, *self.instants(series, since, through)]:
                start = _back(moment, rolling)
                reached = self.qualified(self.measure(series, start, moment + _TICK))
                if reached.rank > best.rank:
                    best = reached
        return TierState(
            level=best, at=at, value=value[0], values=value, window_start=calendar_back,
            window_end=at, valid_until=None, reason=f"rolling {rolling}",
        )  # fmt: skip

    def _periodic(
        self, series: Series, at: datetime, joined: datetime, zone: tzinfo, depth: int = 0
    ) -> TierState:
        start, end = self.period(at, joined, zone)
        value = self.measure(series, start, at + _TICK)
        reached = self.qualified(value)
        # A tier reached now is kept through the next period (or for the retention).
        kept_until = (
            self.period(end, joined, zone)[1]
            if self.retention is None
            else self.retention.after(end, zone)
        )
        first = series.first()
        if first is None or first >= start or depth > 50:
            return TierState(
                level=reached, at=at, value=value[0], values=value, window_start=start,
                window_end=end,
                valid_until=kept_until if reached.rank else None, reason="qualified this period",
            )  # fmt: skip
        # What the previous period carries into this one.
        before = self._periodic(series, start - _TICK, joined, zone, depth + 1)
        previous = self.measure(series, before.window_start, start)
        held = before.level
        carried = self.qualified(previous, held)
        if self.downgrade is Downgrade.ONE_LEVEL and carried.rank < held.rank - 1:
            carried = self.levels[held.rank - 1]
        carried_until = end if self.retention is None else self.retention.after(start, zone)
        level, valid_until, reason = reached, kept_until, "qualified this period"
        if at < carried_until and carried.rank > level.rank:
            level, valid_until, reason = carried, carried_until, "kept from the last period"
        # A retention longer than a period reaches past the period after it.
        held_until = before.valid_until
        if held_until is not None and at < held_until and held.rank > level.rank:
            level, valid_until, reason = held, held_until, "kept from an earlier period"
        if self.grace is not None and held.rank > level.rank and at < self.grace.after(start, zone):
            level, valid_until = held, self.grace.after(start, zone)
            reason = "grace period after the last period"
        return TierState(
            level=level, at=at, value=value[0], values=value, window_start=start, window_end=end,
            valid_until=valid_until if level.rank else None, reason=reason,
            previous_value=previous[0],
        )  # fmt: skip


def _years_after(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # February 29 in a year without one: February 28
        return moment.replace(year=moment.year + years, day=28)


def _back(at: datetime, duration: Duration) -> datetime:
    """``duration`` before ``at`` (calendar part on the UTC calendar)."""
    return at - duration.calendar - duration.clock


def _back_local(at: datetime, duration: Duration, zone: tzinfo) -> datetime:
    """``duration`` before ``at``, its calendar part on the local calendar of ``zone``
    (the same wall-clock time, whatever daylight saving does)."""
    local = at.astimezone(zone) - duration.calendar
    return local.astimezone(at.tzinfo) - duration.clock
