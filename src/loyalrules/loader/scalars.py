"""Specs of single values: text, whole numbers, decimals, booleans, dates and times."""

from __future__ import annotations

import abc
import re
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any, Final

import attrs
import yaml

from loyalrules.loader.spec import INVALID, Spec, Where, suggest
from loyalrules.values.frozen import value_methods

MAX_WHOLE = 10**12
"""The largest whole number (points, counts) and amount a program may state; larger
values are refused where they are written, before any arithmetic (see
docs/reliability.md)."""
MAX_DECIMALS = 12
"""The most digits a number may have after its decimal point."""

_INT = re.compile(r"[-+]?[0-9]+")
_NUMBER = re.compile(r"[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")
_CURRENCY_SIGNS = frozenset("$€£¥₹₩")
_TIME = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")


class ScalarSpec(Spec):
    """A single value, parsed from its source text."""

    def check(self, node: yaml.Node, where: Where) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            return self.wrong(node, where)
        return self.parse(node, where)

    @abc.abstractmethod
    def parse(self, node: yaml.ScalarNode, where: Where) -> Any: ...


@value_methods
@attrs.frozen(eq=False, repr=False)
class Text(ScalarSpec):
    choices: tuple[str, ...] | None = None
    pattern: str | None = None
    pattern_words: str = ""
    otherwise: str = ""  # the hint for a value that is none of the choices nor close to one

    @property
    def expected(self) -> str:  # type: ignore[override]
        if self.choices:
            return "one of " + ", ".join(self.choices)
        return self.pattern_words or "text"

    def parse(self, node: yaml.ScalarNode, where: Where) -> Any:
        value = str(node.value)
        if self.choices is not None and value not in self.choices:
            hint = suggest(value, self.choices) or self.otherwise or None
            return where.problem(node, f"expected {self.expected}, got {value!r}", hint)
        if self.pattern is not None and not re.fullmatch(self.pattern, value):
            return self.wrong(node, where)
        if not value:
            return where.problem(node, "expected non-empty text")
        return value

    def json_schema(self) -> dict[str, Any]:
        if self.choices:
            return {"enum": list(self.choices)}
        schema: dict[str, Any] = {"type": "string", "minLength": 1}
        if self.pattern:
            schema["pattern"] = f"^{self.pattern}$"
        return schema


@value_methods
@attrs.frozen(eq=False, repr=False)
class Integer(ScalarSpec):
    minimum: int | None = None

    @property
    def expected(self) -> str:  # type: ignore[override]
        return "a whole number" + (f" >= {self.minimum}" if self.minimum is not None else "")

    def parse(self, node: yaml.ScalarNode, where: Where) -> Any:
        text = node.value.strip()
        if not _INT.fullmatch(text):
            return self.wrong(node, where)
        if len(text.lstrip("+-").lstrip("0")) > len(str(MAX_WHOLE)):  # int() would be slow
            return _too_large(node, where)
        value = int(text)
        if abs(value) > MAX_WHOLE:
            return _too_large(node, where)
        if self.minimum is not None and value < self.minimum:
            return self.wrong(node, where)
        return value

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "integer"}
        if self.minimum is not None:
            schema["minimum"] = self.minimum
        return schema


@value_methods
@attrs.frozen(eq=False, repr=False)
class Number(ScalarSpec):
    """An exact decimal number; quoted ("12.50") or not (12.50), never via float."""

    minimum: Decimal | None = None
    exclusive: bool = False
    words: str = "a number"

    @property
    def expected(self) -> str:  # type: ignore[override]
        if self.minimum is None:
            return self.words
        return f"{self.words} {'>' if self.exclusive else '>='} {self.minimum}"

    def parse(self, node: yaml.ScalarNode, where: Where) -> Any:
        text = node.value.strip()
        if text[:1] in _CURRENCY_SIGNS:
            return where.problem(
                node,
                f"expected {self.expected}, got {text!r}",
                f"write amounts without a currency sign, e.g. {text[1:]!r}",
            )
        if not _NUMBER.fullmatch(text):
            return self.wrong(node, where)
        whole, _, fraction = text.lstrip("+-").partition(".")
        if len(whole.lstrip("0")) > len(str(MAX_WHOLE)):
            return _too_large(node, where)
        if len(fraction) > MAX_DECIMALS:
            return where.problem(
                node,
                f"{text[:20]}... has more than {MAX_DECIMALS} decimals",
                "round it; no amount or rate needs more",
            )
        try:
            value = Decimal(text)
        except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
            return self.wrong(node, where)
        if abs(value) > MAX_WHOLE:
            return _too_large(node, where)
        if self.minimum is not None and (
            value < self.minimum or (self.exclusive and value == self.minimum)
        ):
            return self.wrong(node, where)
        return value

    def json_schema(self) -> dict[str, Any]:
        pattern = {"type": "string", "pattern": f"^{_NUMBER.pattern}$"}
        number: dict[str, Any] = {"type": "number"}
        if self.minimum is not None:
            number["exclusiveMinimum" if self.exclusive else "minimum"] = float(self.minimum)
        return {"anyOf": [number, pattern]}


def _too_large(node: yaml.ScalarNode, where: Where) -> object:
    shown = node.value if len(node.value) <= 20 else f"{node.value[:20]}..."
    return where.problem(
        node,
        f"{shown} is too large: numbers in a program are at most {MAX_WHOLE:,}",
        "loyalrules supports amounts and points up to a trillion",
    )


class Boolean(ScalarSpec):
    expected = "true or false"

    def parse(self, node: yaml.ScalarNode, where: Where) -> Any:
        if node.value in ("true", "false", "True", "False"):
            return node.value.lower() == "true"
        return self.wrong(node, where)

    def json_schema(self) -> dict[str, Any]:
        return {"type": "boolean"}


class Instant(ScalarSpec):
    """A date (2026-12-01) or a date-time (2026-12-01T08:00:00, optional offset)."""

    expected = "a date like 2026-12-01 or a date-time like 2026-12-01T08:00:00-05:00"

    def parse(self, node: yaml.ScalarNode, where: Where) -> Any:
        text = node.value.strip()
        try:
            if len(text) == 10:
                return date.fromisoformat(text)
            return datetime.fromisoformat(text.replace(" ", "T", 1))
        except ValueError:
            return self.wrong(node, where)

    def json_schema(self) -> dict[str, Any]:
        return {
            "type": "string",
            "anyOf": [
                {"format": "date"},
                {"format": "date-time"},
                {"pattern": r"^\d{4}-\d\d-\d\d[T ]\d\d:\d\d"},
            ],
        }


class ClockTime(ScalarSpec):
    expected = "a time of day like 07:30"

    def parse(self, node: yaml.ScalarNode, where: Where) -> Any:
        if not _TIME.fullmatch(node.value.strip()):
            return self.wrong(node, where)
        return time.fromisoformat(node.value.strip())

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": f"^{_TIME.pattern}$"}


class PlainValue(ScalarSpec):
    """A scalar compared with host data: true/false, whole numbers, decimals or text."""

    expected = "a single value"
    _TAGS: Final = {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:null"}

    def parse(self, node: yaml.ScalarNode, where: Where) -> Any:
        # The value is compared with a host's attribute: an unquoted word YAML 1.1 reads
        # as a boolean (NO, yes, off), or a number whose text is not its value's (1.10,
        # 007), would silently compare as something else than written. Refuse them.
        if not node.style:  # plain (libyaml says "", the Python parser None)
            text = node.value
            if node.tag == "tag:yaml.org,2002:bool":
                if text.lower() not in ("true", "false"):
                    return where.problem(
                        node,
                        f"{text} reads as the boolean {text.lower() in ('yes', 'on', 'y')}, "
                        "not as text",
                        f"quote it to compare text: '{text}'; or write true or false",
                    )
                return text.lower() == "true"
            if node.tag == "tag:yaml.org,2002:null":
                return None
            if _INT.fullmatch(text) or _NUMBER.fullmatch(text):
                number = Integer() if _INT.fullmatch(text) else Number()
                value = number.parse(node, where)
                if value is INVALID:
                    return value
                shown = format(value.normalize(), "f") if isinstance(value, Decimal) else str(value)
                if shown != text.lstrip("+"):
                    return where.problem(
                        node,
                        f"{text} reads as the number {shown}, not as the text {text!r}",
                        f"quote it to compare text: '{text}'; or write {shown}",
                    )
                return value
        return str(node.value)

    def json_schema(self) -> dict[str, Any]:
        return {"type": ["string", "number", "boolean", "null"]}
