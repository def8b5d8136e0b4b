"""Validators and converters for entry fields, and the ``Inactivity`` rule lots carry.

Entries are built from stored rows and by hosts as well as by the engine, so every field
is checked on construction with a message saying what was wrong.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import attrs

from loyalrules.errors import ValidationError, WrongTypeError
from loyalrules.values.durations import parse_duration
from loyalrules.values.frozen import value_methods
from loyalrules.values.timeutil import Period, to_utc, zone


def non_empty(_: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value:
        raise ValidationError(f"entry {attribute.name} must be a non-empty string, not {value!r}")


def optional_non_empty(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        non_empty(instance, attribute, value)  # type: ignore[arg-type]


def utc(value: object) -> datetime:
    return to_utc(value, "entry time")


def optional_utc(value: object) -> datetime | None:
    return None if value is None else to_utc(value, "entry time")


def whole(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise WrongTypeError(f"{what} must be a whole number, not {value!r}")
    return value


def positive(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if whole(value, attribute.name) <= 0:
        what = getattr(instance, "kind", type(instance).__name__)
        raise ValidationError(f"a {what} entry must carry positive {attribute.name}, not {value}")


def not_negative(_: object, attribute: attrs.Attribute[int], value: int) -> None:
    if whole(value, attribute.name) < 0:
        raise ValidationError(f"{attribute.name} must not be negative, not {value}")


def category_spend(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A tuple of ``(category, Decimal amount)`` pairs, one per category, by name."""
    if not isinstance(value, tuple) or not all(
        isinstance(pair, tuple)
        and len(pair) == 2
        and isinstance(pair[0], str)
        and pair[0]
        and isinstance(pair[1], Decimal)
        and pair[1].is_finite()
        for pair in value
    ):
        raise WrongTypeError(
            f"entry {attribute.name} must be a tuple of (category, Decimal) pairs, not {value!r}"
        )
    names = [name for name, _ in value]
    if names != sorted(set(names)):
        raise ValidationError(
            f"entry {attribute.name} must name each category once, sorted by name: {names}"
        )


_GRAINS = ("day", "week", "month", "quarter", "year")


def _marks(value: object) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, tuple | list):
        raise WrongTypeError(f"inactivity counts must be a tuple of strings, not {value!r}")
    return tuple(sorted(set(value)))


@value_methods
@attrs.frozen(eq=False, repr=False)
class Inactivity:
    """ "Gone after ``period`` (ISO 8601) without activity", counted in ``timezone``.

    ``counts`` names what restarts the clock (kinds from ``ledger.activity``; empty:
    every active entry). ``to_end_of`` (``day``, ``month``...) moves each deadline to
    the end of the local day or month it falls in.
    """

    period: str
    timezone: str
    counts: tuple[str, ...] = attrs.field(default=(), converter=_marks)
    to_end_of: str | None = None

    def __attrs_post_init__(self) -> None:
        parse_duration(self.period)  # both raise a ValidationError saying what to write
        zone(self.timezone)
        if self.to_end_of is not None and self.to_end_of not in _GRAINS:
            raise ValidationError(
                f"inactivity to_end_of must be one of {', '.join(_GRAINS)}, not {self.to_end_of!r}"
            )

    def deadline(self, after: datetime) -> datetime:
        """``period`` after the instant ``after``, on the local calendar, in UTC (at
        the end of that local day or month with ``to_end_of``)."""
        local_zone = zone(self.timezone)
        due = parse_duration(self.period).after(after, local_zone)
        if self.to_end_of is None:
            return to_utc(due)
        return Period(self.to_end_of).bounds(due.astimezone(local_zone))[1]


def inactivity_or_none(value: object) -> Inactivity | None:
    if value is None or isinstance(value, Inactivity):
        return value
    raise WrongTypeError(f"inactivity must be an Inactivity value, not {value!r}")
