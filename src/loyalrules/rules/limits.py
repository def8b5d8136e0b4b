"""Limits: how often a rule may earn for one member in a calendar period."""

from __future__ import annotations

import enum
from datetime import UTC, datetime, timedelta

import attrs
from dateutil.relativedelta import relativedelta

from loyalrules.rules.context import Context


class Period(enum.Enum):
    """Calendar periods, in the program's time zone. Weeks start on Monday."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    LIFETIME = "lifetime"

    def bounds(self, local: datetime) -> tuple[datetime, datetime]:
        """The period holding the local instant ``local``, as UTC ``[start, end)``."""
        if self is Period.LIFETIME:
            return datetime.min.replace(tzinfo=UTC), datetime.max.replace(tzinfo=UTC)
        day = local.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
        if self is Period.DAY:
            start, step = day, relativedelta(days=1)
        elif self is Period.WEEK:
            start, step = day - timedelta(days=day.weekday()), relativedelta(weeks=1)
        elif self is Period.MONTH:
            start, step = day.replace(day=1), relativedelta(months=1)
        elif self is Period.QUARTER:
            first_month = 3 * ((day.month - 1) // 3) + 1
            start, step = day.replace(month=first_month, day=1), relativedelta(months=3)
        else:
            start, step = day.replace(month=1, day=1), relativedelta(years=1)
        # Attach the zone to local wall-clock midnights, so DST changes cannot shift them.
        zone = local.tzinfo
        return (
            start.replace(tzinfo=zone).astimezone(UTC),
            (start + step).replace(tzinfo=zone).astimezone(UTC),
        )


@attrs.frozen
class PeriodLimit:
    """At most ``times`` earnings from the rule per member per ``period``."""

    times: int
    period: Period

    def allows(self, ctx: Context, rule_id: str) -> bool:
        start, end = self.period.bounds(ctx.local)
        return ctx.history.rule_earnings_between(rule_id, start, end) < self.times

    def describe(self) -> str:
        once = "once" if self.times == 1 else f"{self.times} times"
        return f"{once} per {self.period.value}"
