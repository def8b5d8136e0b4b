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
from loyalrules.ledger.series import PURCHASES, RETURNED, SPEND, Series, earned
from loyalrules.values.durations import Duration
from loyalrules.values.money import format_money
from loyalrules.values.timeutil import Period

_TICK = timedelta(microseconds=1)
_ZERO = Decimal(0)


@attrs.frozen(kw_only=True)
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

    @property
    def keeps_at(self) -> Decimal:
        return self.qualify if self.keep is None else self.keep


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


@attrs.frozen(kw_only=True)
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


@attrs.frozen(kw_only=True)
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
    def gains(self) -> str:
        """The name of the series this metric adds up."""
        name = {Metric.SPEND: SPEND, Metric.PURCHASES: PURCHASES}.get(self.metric)
        return name or earned(self.account)

    @property
    def losses(self) -> str:
        """The name of the series returns take back from it."""
        return self.gains + RETURNED

    def value(self, series: Series, start: datetime | None, end: datetime) -> Decimal:
        """The metric over ``[start, end)``: gains, less what returns took back (when
        returns count)."""
        value = series.total(self.gains, start, end)
        if self.returns_count:
            value -= series.total(self.losses, start, end)
        return value

    def qualified(self, value: Decimal, held: Level | None = None) -> Level:
        """The highest level ``value`` qualifies for; levels up to ``held`` need only
        their ``keep`` threshold."""
        best = self.base
        for level in self.levels:
            needed = (
                level.keeps_at if held is not None and level.rank <= held.rank else level.qualify
            )
            if value >= needed:
                best = level
        return best

    def describe(self, value: Decimal) -> str:
        if self.metric is Metric.SPEND:
            return format_money(value, self.currency, locale=self.locale)
        if self.metric is Metric.PURCHASES:
            return f"{value} purchase(s)"
        return f"{value} {self.account}"

    # --- periods -----------------------------------------------------------------------

    def period(self, at: datetime, joined: datetime, zone: tzinfo) -> tuple[datetime, datetime]:
        """The qualification period holding ``at`` (calendar or anniversary year)."""
        local = at.astimezone(zone)
        if self.window is Window.CALENDAR_YEAR:
            return Period.YEAR.bounds(local)
        anniversary = joined.astimezone(zone)
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
            value = self.value(series, None, through)
            level = self.qualified(value)
            return TierState(
                level=level, at=at, value=value, window_start=None, window_end=None,
                valid_until=None, reason="lifetime total",
            )  # fmt: skip
        if self.valid_for is not None:
            return self._from_qualifying(series, at, joined, zone)
        if self.window is Window.ROLLING and self.rolling is not None:
            return self._rolling(series, at, self.rolling)
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
        value = self.value(series, start, at + _TICK)
        best, until, since = self.base, None, None
        # Only a contribution can raise the window's value, so a level is reached at one.
        lookback = _back(at, self.valid_for) - timedelta(days=2)
        for moment in series.instants(self.gains, lookback, at + _TICK):
            held_until = self.held_until(moment, zone)
            if held_until <= at:
                continue
            window_start = self.window_at(moment, joined, zone)[0]
            reached = self.qualified(self.value(series, window_start, moment + _TICK))
            if reached.rank and (reached.rank, held_until) > (best.rank, until or held_until):
                best, until, since = reached, held_until, moment
        reason = (
            f"qualified on {since.astimezone(zone).date().isoformat()}, for {self.valid_for}"
            if since is not None
            else "qualified this period"
        )
        return TierState(
            level=best, at=at, value=value, window_start=start, window_end=end,
            valid_until=until, reason=reason,
        )  # fmt: skip

    def _rolling(self, series: Series, at: datetime, rolling: Duration) -> TierState:
        through = at + _TICK
        calendar_back = _back(at, rolling)
        value = self.value(series, calendar_back, through)
        best = self.qualified(value)
        if self.retention is not None:  # the best reached within the retention
            since = _back(at, self.retention)
            # The rolling value only falls between contributions, so its best over the
            # retention is at its start or at one of them.
            for moment in [since, *series.instants(self.gains, since, through)]:
                start = _back(moment, rolling)
                reached = self.qualified(self.value(series, start, moment + _TICK))
                if reached.rank > best.rank:
                    best = reached
        return TierState(
            level=best, at=at, value=value, window_start=calendar_back, window_end=at,
            valid_until=None, reason=f"rolling {rolling}",
        )  # fmt: skip

    def _periodic(
        self, series: Series, at: datetime, joined: datetime, zone: tzinfo, depth: int = 0
    ) -> TierState:
        start, end = self.period(at, joined, zone)
        value = self.value(series, start, at + _TICK)
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
                level=reached, at=at, value=value, window_start=start, window_end=end,
                valid_until=kept_until if reached.rank else None, reason="qualified this period",
            )  # fmt: skip
        # What the previous period carries into this one.
        before = self._periodic(series, start - _TICK, joined, zone, depth + 1)
        previous = self.value(series, before.window_start, start)
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
            level=level, at=at, value=value, window_start=start, window_end=end,
            valid_until=valid_until if level.rank else None, reason=reason,
            previous_value=previous,
        )  # fmt: skip


def _years_after(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # February 29 in a year without one: February 28
        return moment.replace(year=moment.year + years, day=28)


def _back(at: datetime, duration: Duration) -> datetime:
    """``duration`` before ``at`` (calendar part on the UTC calendar)."""
    return at - duration.calendar - duration.clock
