"""Time helpers: every instant is timezone-aware; calendar questions use the program's zone."""

from __future__ import annotations

import enum
import functools
import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

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


EARLIEST: Final = datetime(1900, 1, 1, tzinfo=UTC)
"""The earliest instant loyalrules takes or computes."""
LATEST: Final = datetime(9000, 1, 1, tzinfo=UTC)
"""Every instant loyalrules takes or computes is before this one, so a calendar question
in any time zone stays far from the end of Python's datetime."""
LATEST_EVENT: Final = datetime(3000, 1, 1, tzinfo=UTC)
"""Events and members' join dates are before this one, so anything computed from them
(durations are at most 100 years) stays far before ``LATEST``."""


def to_utc(value: object, what: str = "time") -> datetime:
    """An aware datetime normalised to UTC, so stored times round-trip exactly; refused
    outside ``EARLIEST`` to ``LATEST``."""
    if type(value) is datetime and value.tzinfo is UTC:
        utc = value  # already normalised: the common case for engine-made entries
    else:
        aware = require_aware(value, what)
        try:
            utc = aware.astimezone(UTC)
        except OverflowError:  # before year 1 or after 9999 in UTC
            raise _out_of_range(what, value, LATEST) from None
    if not EARLIEST <= utc < LATEST:
        raise _out_of_range(what, value, LATEST)
    return utc


def event_time(value: object, what: str) -> datetime:
    """``to_utc`` for when an event happened: from 1900-01-01 to 2999-12-31 (UTC)."""
    utc = to_utc(value, what)
    if utc >= LATEST_EVENT:
        raise _out_of_range(what, value, LATEST_EVENT)
    return utc


def _out_of_range(what: str, value: object, latest: datetime) -> ValidationError:
    shown = value.isoformat() if isinstance(value, datetime) else value
    return ValidationError(
        f"{what} {shown} is outside the supported range: from 1900-01-01 to "
        f"{latest.year - 1}-12-31 (UTC)"
    )


def optional_date(value: object, what: str = "date") -> date | None:
    if value is None or type(value) is date:
        return value
    if isinstance(value, datetime) or not isinstance(value, date):
        raise WrongTypeError(f"{what} must be a datetime.date, not {type(value).__name__}")
    return value


_ZONE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+){0,2}")


def zone(name: str) -> tzinfo:
    """The IANA time zone called ``name``: from the system's tz database (``zoneinfo``),
    else python-dateutil's bundled copy of it. Only IANA names: no POSIX TZ strings, no
    file paths; a misspelt name is refused with the closest one.

    >>> zone("America/New_York").key
    'America/New_York'
    """
    if isinstance(name, str) and len(name) <= 64 and _ZONE_NAME.fullmatch(name):
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            from dateutil import tz  # only here: importing it costs more than all of zoneinfo

            found = tz.gettz(name)  # python-dateutil's bundled copy of the tz database
            if isinstance(found, tz.tzfile):  # not a POSIX TZ string it parsed instead
                return found
    shown = name if not isinstance(name, str) or len(name) <= 64 else f"{name[:64]}..."
    message = f"unknown time zone {shown!r}; use an IANA name such as 'Europe/London'"
    import difflib  # on the error path only

    close = difflib.get_close_matches(str(name)[:64], _zone_names(), n=1, cutoff=0.8)
    if close:
        message += f" (did you mean {close[0]!r}?)"
    raise ValidationError(message)


@functools.cache
def _zone_names() -> list[str]:
    """Every IANA zone name known here, for "did you mean" (read once, on an error)."""
    return sorted(available_timezones())


_DAY, _WEEK = timedelta(days=1), timedelta(weeks=1)


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
        # They depend on the local day and the zone only: lots dated by the thousand
        # (expiry at the end of a month) and limits per period ask for few distinct ones.
        zone = local.tzinfo
        try:
            return _period_bounds(self, local.date(), zone)
        except TypeError:  # a zone that cannot be hashed (some of dateutil's): no memo
            return self._bounds(local.date(), zone)

    def _bounds(self, local_day: date, zone: tzinfo | None) -> tuple[datetime, datetime]:
        day = datetime.combine(local_day, time())
        if self is Period.DAY:
            start, end = day, day + _DAY
        elif self is Period.WEEK:
            start = day - timedelta(days=day.weekday())
            end = start + _WEEK
        else:  # months, quarters and years start on the 1st: no day to clamp
            if self is Period.MONTH:
                start, months = day.replace(day=1), 1
            elif self is Period.QUARTER:
                start, months = day.replace(month=3 * ((day.month - 1) // 3) + 1, day=1), 3
            else:
                start, months = day.replace(month=1, day=1), 12
            years, month = divmod(start.month - 1 + months, 12)
            end = start.replace(year=start.year + years, month=month + 1)
        # Attach the zone to local wall-clock midnights, so DST changes cannot shift them.
        return start.replace(tzinfo=zone).astimezone(UTC), end.replace(tzinfo=zone).astimezone(UTC)


@functools.lru_cache(maxsize=4096)  # pure: the same day and zone give the same bounds
def _period_bounds(
    period: Period, local_day: date, zone: tzinfo | None
) -> tuple[datetime, datetime]:
    return period._bounds(local_day, zone)


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
    from dateutil.relativedelta import relativedelta  # here: few ask, and it is slow to import

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
