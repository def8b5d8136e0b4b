"""ISO 8601 durations (``P14D``, ``P1Y6M``, ``PT36H``) as calendar-aware offsets."""

from __future__ import annotations

import functools
import re

from dateutil.relativedelta import relativedelta

from loyalrules.errors import ValidationError

_DURATION = re.compile(
    r"P(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?"
)


def parse_duration(text: str) -> relativedelta:
    """A duration such as ``P14D`` or ``P1Y6M`` as a ``relativedelta``.

    Months and years are calendar months and years (``P1M`` from January 31 is the last
    day of February); days are calendar days in the program's time zone.

    >>> parse_duration("P1Y6M")
    relativedelta(years=+1, months=+6)
    """
    if not isinstance(text, str):
        raise ValidationError(f"a duration must be text such as 'P14D', not {text!r}")
    return _parse(text)


@functools.lru_cache(maxsize=256)  # pure: the same text always gives the same value
def _parse(text: str) -> relativedelta:
    match = _DURATION.fullmatch(text.strip())
    if match is None or text.strip() in ("P", "PT") or text.strip().endswith("T"):
        raise ValidationError(
            f"{text!r} is not an ISO 8601 duration; write e.g. P14D (14 days), P12M "
            "(12 months), P1Y (a year) or PT48H (48 hours)"
        )
    parts = {name: int(value) for name, value in match.groupdict().items() if value}
    return relativedelta(**parts)  # type: ignore[arg-type]
