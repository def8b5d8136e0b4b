"""Each entry class's row coders, generated once from its fields.

``Entry.to_dict`` and ``entry_from_dict`` go field by field through the coders
``codec`` works out from the type hints: a loop, a call per field and a dict of keyword
arguments per row. Reading and writing rows is what a host does most with a ledger
(``Ledger.from_dicts`` at every load), so each class gets two functions written out for
its fields, as attrs writes ``__init__``: the encoder builds the row in one dict display,
and the decoder reads the usual row (every field present but those left out while they
hold their default) straight into the class's own validating constructor. The decoder
is only a fast path: a row of any other shape, or one it cannot read, goes through the
general ``entry_from_dict`` code, which says what is wrong with it exactly as before.
"""

from __future__ import annotations

import typing
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

import attrs

from loyalrules.ledger.codec import _encoder as field_encoder
from loyalrules.ledger.codec import decode_fields, encode, field_decoders
from loyalrules.ledger.row_build import constructible, construction
from loyalrules.values.money import Money

RowEncoder = Callable[[Any], dict[str, Any]]
RowDecoder = Callable[[dict[str, Any]], Any]

_ENCODERS: dict[type[Any], RowEncoder] = {}
_DECODERS: dict[type[Any], RowDecoder] = {}


def _plain_record(hint: Any) -> type[Any] | None:
    """``X`` when ``hint`` is ``tuple[X, ...]`` of an attrs class whose fields are all
    ``str`` or ``int`` and always written (``Consumption``), else ``None``."""
    args = typing.get_args(hint)
    if typing.get_origin(hint) is not tuple or len(args) != 2 or args[1] is not Ellipsis:
        return None
    item = args[0]
    if not (isinstance(item, type) and attrs.has(item)):
        return None
    hints = typing.get_type_hints(item)
    for field in attrs.fields(item):
        if hints[field.name] not in (str, int) or field.metadata.get("omit_default"):
            return None
    return item


def _fields(record: type[Any]) -> tuple[str, ...]:
    return tuple(field.name for field in attrs.fields(record))


def _encoder_source(cls: type[Any], head: str, names: dict[str, Any]) -> str:
    hints = typing.get_type_hints(cls)
    lines, items, omitted = [], [head], []
    for number, field in enumerate(attrs.fields(cls)):
        name, hint, value = field.name, hints[field.name], f"v{number}"
        lines.append(f"    {value} = entry.{name}")
        coder = field_encoder(hint)  # what ``encode_fields`` calls for it
        record = _plain_record(hint)
        if coder is None:
            text = value
        elif hint is datetime:
            text = f"_iso({value})"
        elif hint == datetime | None:
            text = f"None if {value} is None else _iso({value})"
        elif record is not None:
            names[f"_R{number}"] = record
            parts = ", ".join(f'"{n}": item.{n}' for n in _fields(record))
            text = f"[{{{parts}}} if type(item) is _R{number} else _encode(item)"
            text += f" for item in {value}]"
        elif hint == tuple[tuple[str, Decimal], ...]:  # checked pairs (``category_spend``)
            text = f"[[a, str(b)] for a, b in {value}]"
        else:
            names[f"_e{number}"] = coder
            text = f"_e{number}({value})"
        items.append(f'"{name}": {text}')
        if field.metadata.get("omit_default"):
            names[f"_d{number}"] = field.default
            omitted.append(f'    if {value} == _d{number}:\n        del row["{name}"]\n')
    body = "\n".join(lines)
    return (
        f"def encode_row(entry):\n{body}\n    row = {{{', '.join(items)}}}\n"
        f"{''.join(omitted)}    return row\n"
    )


def row_encoder(cls: type[Any], version: int) -> RowEncoder:
    """The function that writes ``entry.to_dict()`` (format ``version``) for entries of
    class ``cls``: ``{"v": version, "kind": cls.kind, **encode_fields(entry)}``."""
    encoder = _ENCODERS.get(cls)
    if encoder is None:
        names: dict[str, Any] = {"_iso": datetime.isoformat, "_encode": encode}
        head = f'"v": {version!r}, "kind": {cls.kind!r}'
        exec(_encoder_source(cls, head, names), names)
        encoder = _ENCODERS[cls] = names["encode_row"]
    return encoder


def _decoder_source(cls: type[Any], names: dict[str, Any]) -> str:
    hints = typing.get_type_hints(cls)
    lines, arguments = [], {}
    count = 2  # "v" and "kind"
    for number, ((name, decoder, _), field) in enumerate(
        zip(field_decoders(cls), attrs.fields(cls), strict=True)
    ):
        if field.metadata.get("omit_default"):
            continue  # the usual row leaves it out: its default
        count += 1
        hint, value = hints[name], f"v{number}"
        lines.append(f'    {value} = row["{name}"]')
        record = _plain_record(hint)
        if decoder is None:
            text = value
        elif hint is datetime:
            text = f"_fromiso({value})"
        elif hint == datetime | None:
            text = f"None if {value} is None else _fromiso({value})"
        elif hint == Money | None:
            text = f"None if {value} is None else _money({value})"
        elif record is not None:
            fields = _fields(record)
            names[f"_R{number}"] = record
            parts = ", ".join(f'{n}=item["{n}"]' for n in fields)
            names[f"_r{number}"] = lambda item, record=record: decode_fields(record, item)
            text = (
                f"tuple([_R{number}({parts}) if type(item) is dict and len(item) == {len(fields)}"
                f" else _r{number}(item) for item in {value}])"
            )
        elif hint == tuple[tuple[str, int], ...]:
            text = f"tuple([(a, b) for a, b in {value}])"
        elif hint == tuple[tuple[str, Decimal], ...]:
            text = f"tuple([(a, _decimal(b)) for a, b in {value}])"
        else:
            names[f"_c{number}"] = decoder
            text = f"_c{number}({value})"
        arguments[name] = text
    omitted = {field.name for field in attrs.fields(cls)} - set(arguments)
    if not constructible(cls, omitted):
        return "def decode_row(row):\n    return None\n"
    body = "\n".join([*lines, *construction(cls, arguments, names)])
    return (
        f"def decode_row(row):\n    if len(row) != {count}:\n        return None\n{body}\n"
        "    return entry\n"
    )


def row_decoder(cls: type[Any]) -> RowDecoder:
    """A function that builds an entry of class ``cls`` from its usual row (a ``dict``
    with every field but those left out at their default), or returns ``None`` for a
    row of another length; it raises on a row it cannot read, which the caller then
    reads the general way."""
    decoder = _DECODERS.get(cls)
    if decoder is None:
        names: dict[str, Any] = {
            "_fromiso": datetime.fromisoformat,
            "_money": Money.from_dict,
            "_decimal": Decimal,
        }
        exec(_decoder_source(cls, names), names)
        decoder = _DECODERS[cls] = names["decode_row"]
    return decoder
