"""ISO 8601 durations (``P14D``, ``P1Y6M``, ``PT36H``): calendar parts and clock parts."""

from __future__ import annotations

import calendar
import functools
import re
from datetime import datetime, timedelta, tzinfo

import attrs
from dateutil.relativedelta import relativedelta

from loyalrules.errors import ValidationError
from loyalrules.values.frozen import value_methods

_DURATION = re.compile(
    r"P(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?"
)


MAX_YEARS = 100
"""The longest duration loyalrules supports (pending, expiry, windows, validity)."""
MAX_DAYS = 365.25 * MAX_YEARS


def _too_long(text: str) -> ValidationError:
    return ValidationError(
        f"duration {text[:30]!r} is too long: loyalrules supports durations up to "
        f"{MAX_YEARS} years (P{MAX_YEARS}Y)"
    )


@value_methods
@attrs.frozen(eq=False, repr=False)
class Duration:
    """A duration as written (``text``): its ``calendar`` part (years, months, weeks,
    days) and its ``clock`` part (hours, minutes, seconds)."""

    text: str
    calendar: relativedelta = attrs.field(eq=False)
    clock: timedelta = attrs.field(eq=False)

    def after(self, moment: datetime, zone: tzinfo) -> datetime:
        """``moment`` plus this duration: the calendar part on the local calendar of
        ``zone`` (same wall-clock time, whatever daylight saving does), then the clock
        part as elapsed time (``PT48H`` is always 48 hours)."""
        local = moment.astimezone(zone)
        # What ``local + self.calendar`` does (years and months first, the day clamped
        # to the month's last, then days), without relativedelta's general machinery:
        # lots are dated by the thousand.
        calendar_part = self.calendar
        months = calendar_part.years * 12 + calendar_part.months
        if months:
            year, month = divmod(local.month - 1 + months, 12)
            year += local.year
            last = calendar.monthrange(year, month + 1)[1]
            local = local.replace(year=year, month=month + 1, day=min(local.day, last))
        if calendar_part.days:
            local += timedelta(days=calendar_part.days)
        if local.fold:  # as adding a relativedelta, even an empty one, clears the fold
            local = local.replace(fold=0)
        return local.astimezone(moment.tzinfo) + self.clock

    def __str__(self) -> str:
        return self.text


def parse_duration(text: str) -> Duration:
    """A duration such as ``P14D``, ``P1Y6M`` or ``PT48H``.

    Months and years are calendar months and years (``P1M`` from January 31 is the last
    day of February); weeks and days are calendar days in the program's time zone;
    hours, minutes and seconds are elapsed time.

    >>> parse_duration("P1Y6M").calendar
    relativedelta(years=+1, months=+6)
    """
    if not isinstance(text, str):
        raise ValidationError(f"a duration must be text such as 'P14D', not {text!r}")
    return _parse(text.strip())


@functools.lru_cache(maxsize=256)  # pure: the same text always gives the same value
def _parse(text: str) -> Duration:
    match = _DURATION.fullmatch(text)
    if match is None or text in ("P", "PT") or text.endswith("T"):
        raise ValidationError(
            f"{text!r} is not an ISO 8601 duration; write e.g. P14D (14 days), P12M "
            "(12 months), P1Y (a year) or PT48H (48 hours)"
        )
    if any(len(value) > 6 for value in match.groupdict().values() if value):
        raise _too_long(text)
    n = {name: int(value) if value else 0 for name, value in match.groupdict().items()}
    days = 365.25 * n["years"] + 30.5 * n["months"] + 7 * n["weeks"] + n["days"]
    if days + (n["hours"] + n["minutes"] / 60 + n["seconds"] / 3600) / 24 > MAX_DAYS:
        raise _too_long(text)
    return Duration(
        text,
        relativedelta(years=n["years"], months=n["months"], days=7 * n["weeks"] + n["days"]),
        timedelta(hours=n["hours"], minutes=n["minutes"], seconds=n["seconds"]),
    )
