"""The construction an entry's row decoder writes out: what attrs' ``__init__`` does.

attrs' generated ``__init__`` sets each field (through its converter), then runs each
field's validator, then ``__attrs_post_init__``. A row decoder (``row_coders``) does the
same steps in the same order, written out for the class, without the keyword call: the
slots are set through their own setters, and the checks of ``ledger.fields`` that a
valid row passes are tested inline first, the validator or converter itself being
called only when that quick test fails (it then raises, or passes what the quick test
could not tell). Every other validator and converter is called as attrs calls it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import attrs

from loyalrules.ledger.exemption import exemption_or_none
from loyalrules.ledger.fields import (
    inactivity_or_none,
    non_empty,
    not_negative,
    optional_non_empty,
    optional_utc,
    positive,
    utc,
)
from loyalrules.values.timeutil import EARLIEST, LATEST

_IN_UTC = "type({v}) is _dt and {v}.tzinfo is _UTC and _EARLIEST <= {v} < _LATEST"
"""What ``to_utc`` returns unchanged."""

_QUICK_CONVERTERS: dict[Callable[..., Any], str] = {
    utc: f"if not ({_IN_UTC}):\n        {{v}} = {{call}}",
    optional_utc: f"if {{v}} is not None and not ({_IN_UTC}):\n        {{v}} = {{call}}",
    inactivity_or_none: "if {v} is not None:\n        {v} = {call}",
    exemption_or_none: "if {v} is not None:\n        {v} = {call}",
}
"""Converters that return a value unchanged when the quick test passes."""

_QUICK_VALIDATORS: dict[Callable[..., Any], str] = {
    non_empty: "type({v}) is str and {v}",
    optional_non_empty: "{v} is None or (type({v}) is str and {v})",
    positive: "type({v}) is int and {v} > 0",
    not_negative: "type({v}) is int and {v} >= 0",
}
"""Validators that pass every value their quick test passes."""


def slot_setter(cls: type[Any], name: str) -> Callable[[object, object], None]:
    """The setter of the slot ``name`` of the slotted class ``cls``."""
    owner = next(k for k in cls.__mro__ if name in vars(k))
    setter: Callable[[object, object], None] = vars(owner)[name].__set__
    return setter


def constructible(cls: type[Any], omitted: set[str]) -> bool:
    """Whether ``construction`` can build ``cls`` with the fields ``omitted`` at their
    defaults (not a factory's: the general path builds those)."""
    if "__attrs_pre_init__" in dir(cls) or "__slots__" not in vars(cls):
        return False
    return all(
        not isinstance(field.default, attrs.Factory)  # type: ignore[arg-type]
        for field in attrs.fields(cls)
        if field.name in omitted
    )


def construction(cls: type[Any], values: dict[str, str], names: dict[str, Any]) -> list[str]:
    """Source lines that build ``cls`` into ``entry`` from the expressions ``values``
    (by field name; a field not in it takes its default), as attrs' ``__init__`` would."""
    names.update(
        _new=object.__new__, _cls=cls, _dt=datetime, _UTC=UTC, _EARLIEST=EARLIEST, _LATEST=LATEST
    )
    lines = ["    entry = _new(_cls)"]
    checks = []
    for number, field in enumerate(attrs.fields(cls)):
        value = f"a{number}"
        if field.name in values:
            lines.append(f"    {value} = {values[field.name]}")
        else:
            names[f"_d{number}"] = field.default
            lines.append(f"    {value} = _d{number}")
        converter = field.converter
        if converter is not None:
            names[f"_k{number}"] = converter
            call = f"_k{number}({value})"
            quick = _QUICK_CONVERTERS.get(converter)
            if quick is None:
                lines.append(f"    {value} = {call}")
            else:
                lines.append("    " + quick.format(v=value, call=call))
        names[f"_s{number}"] = slot_setter(cls, field.name)
        lines.append(f"    _s{number}(entry, {value})")
        validator = field.validator
        if validator is not None:
            names[f"_V{number}"], names[f"_A{number}"] = validator, field
            call = f"_V{number}(entry, _A{number}, {value})"
            test = _QUICK_VALIDATORS.get(validator)
            if test is None:
                checks.append(f"    {call}")
            else:
                checks.append(f"    if not ({test.format(v=value)}):\n        {call}")
    lines += checks
    if hasattr(cls, "__attrs_post_init__"):
        lines.append("    entry.__attrs_post_init__()")
    return lines
