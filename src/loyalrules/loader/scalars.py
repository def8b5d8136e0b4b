"""Specs of single values: text, whole numbers, decimals, booleans, dates and times."""

from __future__ import annotations

import abc
import re
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any, Final

import attrs
import yaml

from loyalrules.loader.spec import Spec, Where, suggest

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


@attrs.frozen
class Text(ScalarSpec):
    choices: tuple[str, ...] | None = None
    pattern: str | None = None
    pattern_words: str = ""

    @property
    def expected(self) -> str:  # type: ignore[override]
        if self.choices:
            return "one of " + ", ".join(self.choices)
        return self.pattern_words or "text"

    def parse(self, node: yaml.ScalarNode, where: Where) -> Any:
        value = str(node.value)
        if self.choices is not None and value not in self.choices:
            return where.problem(
                node, f"expected {self.expected}, got {value!r}", suggest(value, self.choices)
            )
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


@attrs.frozen
class Integer(ScalarSpec):
    minimum: int | None = None

    @property
    def expected(self) -> str:  # type: ignore[override]
        return "a whole number" + (f" >= {self.minimum}" if self.minimum is not None else "")

    def parse(self, node: yaml.ScalarNode, where: Where) -> Any:
        if not _INT.fullmatch(node.value.strip()):
            return self.wrong(node, where)
        value = int(node.value)
        if self.minimum is not None and value < self.minimum:
            return self.wrong(node, where)
        return value

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "integer"}
        if self.minimum is not None:
            schema["minimum"] = self.minimum
        return schema


@attrs.frozen
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
        try:
            value = Decimal(text)
        except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
            return self.wrong(node, where)
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
        if node.style is None:
            if node.tag == "tag:yaml.org,2002:bool":
                return node.value.lower() in ("true", "yes", "on")
            if node.tag == "tag:yaml.org,2002:null":
                return None
            if _INT.fullmatch(node.value):
                return int(node.value)
            if _NUMBER.fullmatch(node.value):
                return Decimal(node.value)
        return str(node.value)

    def json_schema(self) -> dict[str, Any]:
        return {"type": ["string", "number", "boolean", "null"]}
