"""Field validators and converters the value classes share, and host attributes."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Any

import attrs

from loyalrules.errors import ValidationError, WrongTypeError
from loyalrules.values.money import Money
from loyalrules.values.timeutil import event_time, to_utc

AttributeValue = (
    str | int | bool | Decimal | date | datetime | None | tuple[Any, ...] | frozenset[Any]
)
_SCALARS = (str, int, bool, Decimal, date, type(None))


_PLAIN = frozenset({str, int, bool, Decimal, date, type(None)})  # kept as they are


def _freeze_value(key: str, value: object) -> AttributeValue:
    if type(value) in _PLAIN:  # the usual attribute, tested once
        return value  # type: ignore[return-value]
    if isinstance(value, set | frozenset):
        return frozenset(_freeze_value(key, item) for item in value)
    if isinstance(value, list | tuple):
        return tuple(_freeze_value(key, item) for item in value)
    if isinstance(value, datetime):
        return to_utc(value, f"attribute {key!r}")
    if isinstance(value, float):
        raise WrongTypeError(
            f"attribute {key!r} is a float ({value!r}); pass a Decimal or a str instead"
        )
    if not isinstance(value, _SCALARS):
        raise WrongTypeError(
            f"attribute {key!r} must be a str, int, bool, Decimal, date, datetime, None "
            f"or a list of those, not {type(value).__name__}"
        )
    return value


_NO_ATTRIBUTES: Mapping[str, AttributeValue] = MappingProxyType({})


def freeze_attributes(value: Mapping[str, object] | None) -> Mapping[str, AttributeValue]:
    """A read-only copy of host-defined attributes, with lists turned into tuples."""
    if (not value and type(value) is dict) or value is None:
        return _NO_ATTRIBUTES  # the usual case: shared, as it can never change
    if type(value) is not dict and not isinstance(value, Mapping):
        raise WrongTypeError(f"attributes must be a mapping, not {type(value).__name__}")
    frozen: dict[str, AttributeValue] = {}
    plain = _PLAIN
    for key, item in value.items():
        if type(key) is not str and not isinstance(key, str):
            raise WrongTypeError(f"attribute names must be strings, not {key!r}")
        if type(item) in plain:
            frozen[key] = item  # type: ignore[assignment]  # tested just above
        else:
            frozen[key] = _freeze_value(key, item)
    return MappingProxyType(frozen)


def _restored(cls: type[Any], values: tuple[Any, ...], proxied: tuple[str, ...]) -> Any:
    value = object.__new__(cls)
    for field, item in zip(attrs.fields(cls), values, strict=True):
        name = field.name
        object.__setattr__(value, name, MappingProxyType(item) if name in proxied else item)
    return value


def reduce_frozen(value: Any) -> tuple[Any, ...]:
    """``__reduce__`` for a frozen attrs value holding read-only mappings, which pickle
    cannot carry: they travel as dicts and come back read-only. The fields are restored
    as they were, without running the constructor's checks again.

    >>> import pickle
    >>> from datetime import UTC, datetime
    >>> from loyalrules.values.member import Member
    >>> member = Member(id="m-1", joined_at=datetime(2026, 1, 1, tzinfo=UTC),
    ...                 attributes={"segment": "gold"})
    >>> pickle.loads(pickle.dumps(member)) == member
    True
    """
    values, proxied = [], []
    for field in attrs.fields(type(value)):
        item = getattr(value, field.name)
        if type(item) is MappingProxyType:
            item = dict(item)
            proxied.append(field.name)
        values.append(item)
    return _restored, (type(value), tuple(values), tuple(proxied))


def slot_setters(cls: type[Any]) -> tuple[Callable[[Any, Any], None], ...]:
    """The setters of the slots of ``cls``'s fields, in field order, for a constructor
    written by hand: setting a slot through its own descriptor skips the look-up by
    name that ``object.__setattr__`` does, which a frozen class needs anyway."""
    setters = []
    for field in attrs.fields(cls):
        owner = next(k for k in cls.__mro__ if field.name in vars(k))
        setters.append(vars(owner)[field.name].__set__)
    return tuple(setters)


def points_argument(value: object, what: str = "points", *, signed: bool = False) -> int:
    """``value``, a number of points a host passed to a method: a whole number
    (``WrongTypeError`` otherwise) above zero, or, when ``signed``, other than zero
    (``ValidationError`` otherwise)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise WrongTypeError(
            f"{what} must be a whole number of points, e.g. {what}=100, not {value!r}"
        )
    if value <= 0 and not (signed and value < 0):
        sign = "other than 0 (negative to take points away)" if signed else "at least 1"
        raise ValidationError(f"{what} must be {sign}, not {value}")
    return value


def identifier(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value:
        raise ValidationError(f"{attribute.name} must be a non-empty string, not {value!r}")


def optional_identifier(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        identifier(instance, attribute, value)


def non_negative_money(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Money):
        raise WrongTypeError(
            f"{attribute.name} must be Money, e.g. Money('4.50', 'USD'), not {type(value).__name__}"
        )
    if value.amount < 0:
        raise ValidationError(f"{attribute.name} must not be negative ({value})")


def optional_non_negative_money(
    instance: object, attribute: attrs.Attribute[Any], value: object
) -> None:
    if value is not None:
        non_negative_money(instance, attribute, value)


def tag_tuple(value: Iterable[str] | str | None) -> tuple[str, ...]:
    if value is None or value == ():
        return ()
    if isinstance(value, str):
        return (value,)
    items = tuple(value)
    for item in items:
        if not isinstance(item, str):
            raise WrongTypeError(f"tags must be strings, not {item!r}")
    return items


def occurred_at(value: object) -> datetime:
    return event_time(value, "occurred_at")
