"""Time helpers: every instant is timezone-aware; calendar questions use the program's zone."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.relativedelta import relativedelta

from loyalrules.errors import ValidationError, WrongTypeError


def require_aware(value: object, what: str) -> datetime:
    """Return ``value`` if it is a timezone-aware datetime, else raise a clear error."""
    if not isinstance(value, datetime):
        raise WrongTypeError(
            f"{what} must be a timezone-aware datetime, not {type(value).__name__}"
        )
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError(
            f"{what} {value.isoformat()} has no time zone; pass an aware datetime such as "
            "datetime(2026, 12, 1, 9, 30, tzinfo=ZoneInfo('America/New_York'))"
        )
    return value


def to_utc(value: object, what: str = "time") -> datetime:
    """An aware datetime normalised to UTC, so stored times round-trip exactly."""
    if type(value) is datetime and value.tzinfo is UTC:
        return value  # already normalised: the common case for engine-made entries
    return require_aware(value, what).astimezone(UTC)


def optional_date(value: object, what: str = "date") -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime) or not isinstance(value, date):
        raise WrongTypeError(f"{what} must be a datetime.date, not {type(value).__name__}")
    return value


def zone(name: str) -> tzinfo:
    """The IANA time zone called ``name`` (falls back to python-dateutil's bundled data)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        from dateutil import tz  # only here: importing it costs more than all of zoneinfo

        found = tz.gettz(name)
        if found is None:
            raise ValidationError(
                f"unknown time zone {name!r}; use an IANA name such as 'Europe/London'"
            ) from None
        return found


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


def membership_year(joined: datetime, local: datetime) -> tuple[int, datetime, datetime]:
    """The member's year holding the local instant ``local``: which one (0 for the year of
    joining, 1 from the first anniversary on...) and its UTC ``[start, end)``.

    Years run from local midnight of the joining day's anniversaries in ``local``'s zone;
    a member who joined on 29 February has their anniversary on 28 February.

    >>> from zoneinfo import ZoneInfo
    >>> ny = ZoneInfo("America/New_York")
    >>> n, start, end = membership_year(
    ...     datetime(2024, 3, 10, 15, tzinfo=UTC), datetime(2026, 3, 9, 23, tzinfo=ny)
    ... )
    >>> n, start.isoformat(), end.isoformat()
    (1, '2025-03-10T04:00:00+00:00', '2026-03-10T04:00:00+00:00')
    """
    zone = local.tzinfo
    joined_day = joined.astimezone(zone).date()
    years = local.year - joined_day.year
    if local.date() < joined_day + relativedelta(years=years):
        years -= 1
    first = joined_day + relativedelta(years=years)
    then = joined_day + relativedelta(years=years + 1)
    return (
        years,
        datetime(first.year, first.month, first.day, tzinfo=zone).astimezone(UTC),
        datetime(then.year, then.month, then.day, tzinfo=zone).astimezone(UTC),
    )


def local_moment(moment: datetime, zone: tzinfo) -> str:
    """``moment`` for people, in the program's zone: "at the end of 2027-01-31" for a
    local midnight, else "on 2027-01-31 at 14:00"."""
    local = moment.astimezone(zone)
    if local.time() == time(0):
        return f"at the end of {(local - timedelta(days=1)).date().isoformat()}"
    return f"on {local.date().isoformat()} at {local:%H:%M}"


def until_text(moment: datetime, zone: tzinfo) -> str:
    """``moment`` after "until" or "by": "the end of 2027-01-09", or "2027-01-09 14:00"."""
    local = moment.astimezone(zone)
    if local.time() == time(0):
        return f"the end of {(local - timedelta(days=1)).date().isoformat()}"
    return f"{local.date().isoformat()} {local:%H:%M}"
