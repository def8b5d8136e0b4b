"""Calendar months in a program's time zone, as instants: what reports are cut into."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, tzinfo
from typing import Final

import attrs

from loyalrules.values.frozen import value_methods

BEGINNING: Final = datetime(1, 1, 2, tzinfo=UTC)
"""Before any event (a day after ``datetime.min``, so every zone can show it)."""
FOREVER: Final = datetime(9999, 12, 30, tzinfo=UTC)
"""After any event."""


@value_methods
@attrs.frozen(eq=False, repr=False)
class Month:
    """The month ``name`` (``"2026-01"``): from ``start`` (included) to ``end`` (not)."""

    name: str
    start: datetime
    end: datetime

    @property
    def days(self) -> int:
        """How many days it has (an hour more or less for a change of clocks is none)."""
        return max(round((self.end - self.start).total_seconds() / 86400), 1)


def months_from(first: date, count: int, zone: tzinfo) -> tuple[Month, ...]:
    """``count`` consecutive months from the month of ``first``, local midnights of
    ``zone`` as bounds (in UTC).

    >>> from zoneinfo import ZoneInfo
    >>> [m.name for m in months_from(date(2026, 11, 5), 3, ZoneInfo("UTC"))]
    ['2026-11', '2026-12', '2027-01']
    """
    if count < 1:
        raise ValueError(f"count must be at least 1, not {count}")
    year, month = first.year, first.month
    bounds = []
    for _ in range(count + 1):
        bounds.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)

    def instant(ym: tuple[int, int]) -> datetime:
        return datetime(ym[0], ym[1], 1, tzinfo=zone).astimezone(UTC)

    return tuple(
        Month(f"{a[0]:04d}-{a[1]:02d}", instant(a), instant(b))
        for a, b in itertools.pairwise(bounds)
    )


def months_spanning(first: datetime, last: datetime, zone: tzinfo) -> tuple[Month, ...]:
    """The months of ``zone`` from the one holding ``first`` to the one holding ``last``.

    >>> from zoneinfo import ZoneInfo
    >>> utc = ZoneInfo("UTC")
    >>> [m.name for m in months_spanning(datetime(2026, 11, 5, tzinfo=utc),
    ...                                  datetime(2027, 1, 1, tzinfo=utc), utc)]
    ['2026-11', '2026-12', '2027-01']
    """
    a, b = first.astimezone(zone), max(first, last).astimezone(zone)
    count = (b.year - a.year) * 12 + b.month - a.month + 1
    return months_from(a.date(), count, zone)
