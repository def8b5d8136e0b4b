"""Validators and converters for entry fields, and the ``Inactivity`` rule lots carry.

Entries are built from stored rows and by hosts as well as by the engine, so every field
is checked on construction with a message saying what was wrong.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs

from loyalrules.errors import ValidationError, WrongTypeError
from loyalrules.values.durations import parse_duration
from loyalrules.values.timeutil import to_utc, zone


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


@attrs.frozen
class Inactivity:
    """ "Gone after ``period`` (ISO 8601) without activity", counted in ``timezone``."""

    period: str
    timezone: str

    def __attrs_post_init__(self) -> None:
        parse_duration(self.period)  # both raise a ValidationError saying what to write
        zone(self.timezone)

    def deadline(self, after: datetime) -> datetime:
        """``period`` after the instant ``after``, on the local calendar, in UTC."""
        return to_utc(parse_duration(self.period).after(after, zone(self.timezone)))


def inactivity_or_none(value: object) -> Inactivity | None:
    if value is None or isinstance(value, Inactivity):
        return value
    raise WrongTypeError(f"inactivity must be an Inactivity value, not {value!r}")
