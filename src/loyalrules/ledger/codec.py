"""JSON-safe encoding of frozen attrs records, driven by their type hints.

Money becomes ``{"amount": "12.50", "currency": "USD"}``, Decimal a string, datetimes
ISO 8601 strings with their offset, tuples lists. Decoding reverses it exactly.
"""

from __future__ import annotations

import types
import typing
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import attrs

from loyalrules.values.money import Money


def encode(value: object) -> Any:
    """The JSON-safe form of ``value``."""
    if isinstance(value, Money):
        return value.to_dict()
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple):
        return [encode(item) for item in value]
    if attrs.has(type(value)):
        fields = attrs.fields(type(value))  # type: ignore[arg-type]
        return {f.name: encode(getattr(value, f.name)) for f in fields}
    return value


def decode(hint: Any, value: Any) -> Any:
    """Rebuild a value of type ``hint`` from its :func:`encode` form."""
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        if value is None:
            return None
        (inner,) = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        return decode(inner, value)
    if origin is tuple:
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:  # tuple[X, ...]
            return tuple(decode(args[0], item) for item in value)
        return tuple(decode(arg, item) for arg, item in zip(args, value, strict=True))
    if hint is Money:
        return Money.from_dict(value)
    if hint is datetime:
        return datetime.fromisoformat(value)
    if hint is date:
        return date.fromisoformat(value)
    if hint is Decimal:
        return Decimal(value)
    if isinstance(hint, type) and attrs.has(hint):
        return decode_fields(hint, value)
    return value


_HINTS: dict[type[Any], dict[str, Any]] = {}


def _hints(cls: type[Any]) -> dict[str, Any]:
    # Resolving string annotations compiles each one: about 80% of decoding a ledger
    # when done per entry. A class's hints never change, so once per class is enough.
    hints = _HINTS.get(cls)
    if hints is None:
        hints = _HINTS[cls] = typing.get_type_hints(cls)
    return hints


def decode_fields(cls: type[Any], data: dict[str, Any]) -> Any:
    """Build an attrs instance of ``cls`` from a mapping of encoded field values."""
    hints = _hints(cls)
    return cls(
        **{
            f.name: decode(hints[f.name], data[f.name])
            for f in attrs.fields(cls)
            if f.name in data or f.default is attrs.NOTHING  # a missing default keeps it
        }
    )
