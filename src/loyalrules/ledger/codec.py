"""JSON-safe encoding of frozen attrs records, driven by their type hints.

Money becomes ``{"amount": "12.50", "currency": "USD"}``, Decimal a string, datetimes
ISO 8601 strings with their offset, tuples lists. Decoding reverses it exactly.
"""

from __future__ import annotations

import functools
import types
import typing
from collections.abc import Callable
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
        return encode_fields(value)
    return value


Encoder = Callable[[Any], Any] | None
"""Gives one field's JSON-safe form; ``None`` when JSON carries it as it is."""


def _encoder(hint: Any) -> Encoder:
    """The :data:`Encoder` of a field of type ``hint``, worked out once per field."""
    if hint in (str, int, bool):
        return None
    if hint is datetime:
        return datetime.isoformat
    optional = _optional(hint)
    if optional is not None:
        return _or_none(_encoder(optional))
    return encode


def _optional(hint: Any) -> Any:
    """``X`` when ``hint`` is ``X | None``, else ``None``."""
    args = typing.get_args(hint)
    if typing.get_origin(hint) in (types.UnionType, typing.Union) and type(None) in args:
        (inner,) = [arg for arg in args if arg is not type(None)]
        return inner
    return None


def _or_none(coder: Callable[[Any], Any] | None) -> Callable[[Any], Any] | None:
    """``coder`` for a field that may also be ``None`` (kept as it is)."""
    if coder is None:
        return None
    return lambda value: None if value is None else coder(value)


_ENCODERS: dict[type[Any], tuple[tuple[str, Encoder], ...]] = {}  # one per record class
_OPTIONAL: dict[type[Any], tuple[tuple[str, Any], ...]] = {}  # fields written only when set

OMIT_DEFAULT = {"omit_default": True}
"""Field metadata: leave the field out of the dict form while it holds its default, so
rows written before it existed and rows that do not use it stay the same."""


def encode_fields(value: Any) -> dict[str, Any]:
    """The fields of the attrs value ``value`` in their JSON-safe form, by name."""
    cls = type(value)
    encoders = _ENCODERS.get(cls)
    if encoders is None:
        hints = typing.get_type_hints(cls)
        encoders = _ENCODERS[cls] = tuple(
            (f.name, _encoder(hints[f.name])) for f in attrs.fields(cls)
        )
        _OPTIONAL[cls] = tuple(
            (f.name, f.default) for f in attrs.fields(cls) if f.metadata.get("omit_default")
        )
    fields = {}
    for name, encoder in encoders:
        item = getattr(value, name)
        fields[name] = item if encoder is None else encoder(item)
    for name, default in _OPTIONAL[cls]:
        if getattr(value, name) == default:
            del fields[name]
    return fields


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


Decoder = Callable[[Any], Any] | None
"""Rebuilds one field from its JSON-safe form; ``None`` when JSON carries it as it is."""


def _decoder(hint: Any) -> Decoder:
    """The :data:`Decoder` of a field of type ``hint``, worked out once per field."""
    if hint in (str, int, bool) or hint is Any:
        return None  # JSON carries them as they are; the validators check them
    if hint is datetime:
        return datetime.fromisoformat
    if hint is Money:
        return Money.from_dict
    optional = _optional(hint)
    if optional is not None:
        return _or_none(_decoder(optional))
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        item = _decoder(args[0])
        if item is not None:
            return lambda value: tuple(map(item, value))
    if isinstance(hint, type) and attrs.has(hint):
        return functools.partial(decode_fields, hint)
    return functools.partial(decode, hint)


FieldDecoders = tuple[tuple[str, Decoder, bool], ...]
_DECODERS: dict[type[Any], FieldDecoders] = {}  # one per record class, fixed at import


def field_decoders(cls: type[Any]) -> FieldDecoders:
    """``(name, decoder, required)`` per field of the attrs class ``cls``, worked out
    from its type hints once (reading the hints costs far more than decoding a row)."""
    decoders = _DECODERS.get(cls)
    if decoders is None:
        hints = typing.get_type_hints(cls)
        decoders = _DECODERS[cls] = tuple(
            (f.name, _decoder(hints[f.name]), f.default is attrs.NOTHING) for f in attrs.fields(cls)
        )
    return decoders


def decode_fields(cls: type[Any], data: dict[str, Any]) -> Any:
    """Build an attrs instance of ``cls`` from a mapping of encoded field values (a
    field missing from ``data`` keeps its default)."""
    arguments = {}
    for name, decoder, _ in field_decoders(cls):
        if name in data:
            value = data[name]
            arguments[name] = value if decoder is None else decoder(value)
    return cls(**arguments)
