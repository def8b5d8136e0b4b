"""A small schema language for program files.

A ``Spec`` checks one YAML node and returns the Python value it stands for, reporting
every problem (with its position and path) instead of stopping at the first. The same
specs produce the JSON Schema that editors use for validation and completion.
"""

from __future__ import annotations

import abc
import difflib
import enum
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any, Final

import attrs
import yaml

from loyalrules.errors import LoyalRulesError
from loyalrules.loader.yaml_source import Report

INVALID: Final = object()
"""Returned by a spec whose node had problems (already reported)."""

_INT = re.compile(r"[-+]?[0-9]+")
_NUMBER = re.compile(r"[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")
_CURRENCY_SIGNS = frozenset("$€£¥₹₩")
_TIME = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")
_NODE_NAMES = {
    yaml.ScalarNode: "a single value",
    yaml.SequenceNode: "a list",
    yaml.MappingNode: "a mapping",
}


@attrs.frozen
class Where:
    """Where a node sits: its path in the document, the report, and build context."""

    path: str
    report: Report
    env: Any = None

    def key(self, name: str) -> Where:
        return Where(f"{self.path}.{name}" if self.path else name, self.report, self.env)

    def index(self, position: int) -> Where:
        return Where(f"{self.path}[{position}]", self.report, self.env)

    def with_env(self, env: Any) -> Where:
        return Where(self.path, self.report, env)

    def problem(self, node: yaml.Node, message: str, hint: str | None = None) -> object:
        self.report.add(node, self.path, message, hint)
        return INVALID


def suggest(word: str, choices: Sequence[str]) -> str | None:
    """A "did you mean" hint for a misspelled ``word``."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else None


def _describe_node(node: yaml.Node) -> str:
    if isinstance(node, yaml.ScalarNode):
        return repr(node.value)
    return _NODE_NAMES.get(type(node), "something else")


class Spec(abc.ABC):
    """Checks a node. ``expected`` words the requirement for error messages."""

    expected: str = "a value"

    @abc.abstractmethod
    def check(self, node: yaml.Node, where: Where) -> Any:
        """The node's value, or INVALID after reporting why."""

    @abc.abstractmethod
    def json_schema(self) -> dict[str, Any]:
        """This spec as JSON Schema."""

    def wrong(self, node: yaml.Node, where: Where) -> object:
        return where.problem(node, f"expected {self.expected}, got {_describe_node(node)}")


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


@attrs.frozen
class ListOf(Spec):
    """A list; with ``one_or_many`` a single value also counts as a one-item list."""

    item: Spec
    one_or_many: bool = False
    min_items: int = 0

    @property
    def expected(self) -> str:  # type: ignore[override]
        return f"a list of {self.item.expected}"

    def check(self, node: yaml.Node, where: Where) -> Any:
        if isinstance(node, yaml.SequenceNode):
            children = node.value
        elif self.one_or_many and isinstance(node, yaml.ScalarNode):
            value = self.item.check(node, where)
            return (value,) if _ok(value) else INVALID
        else:
            return self.wrong(node, where)
        if len(children) < self.min_items:
            return where.problem(node, f"expected at least {self.min_items} item(s)")
        values = tuple(self.item.check(child, where.index(i)) for i, child in enumerate(children))
        return values if all(_ok(v) for v in values) else INVALID

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "array", "items": self.item.json_schema()}
        if self.min_items:
            schema["minItems"] = self.min_items
        if self.one_or_many:
            return {"anyOf": [self.item.json_schema(), schema]}
        return schema


def _ok(value: Any) -> bool:
    return value is not INVALID


_MISSING: Final = object()


@attrs.frozen
class Field:
    """One key of a mapping: its spec, whether it is required, its default, its doc."""

    spec: Spec
    doc: str
    required: bool = False
    default: Any = None


def mapping_pairs(node: yaml.MappingNode, where: Where) -> list[tuple[str, yaml.Node, yaml.Node]]:
    """``(key, key_node, value_node)`` of a mapping; later keys win (YAML merge ``<<``)."""
    pairs: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            where.problem(key_node, "keys must be plain names, not lists or mappings")
            continue
        where.report.report_duplicate(key_node, where.key(str(key_node.value)).path)
        pairs[str(key_node.value)] = (key_node, value_node)
    return [(key, k, v) for key, (k, v) in pairs.items()]


@attrs.frozen
class Fields(Spec):
    """A mapping with known keys. Unknown keys are errors, with a "did you mean" hint."""

    fields: Mapping[str, Field]
    expected: str = "a mapping"
    build: Callable[[dict[str, Any], Where], Any] | None = None
    extensions: bool = False  # ignore keys starting with "x-"

    def check(self, node: yaml.Node, where: Where) -> Any:
        if not isinstance(node, yaml.MappingNode):
            return self.wrong(node, where)
        before = len(where.report.problems)
        values: dict[str, Any] = {}
        for key, key_node, value_node in mapping_pairs(node, where):
            field = self.fields.get(key)
            if field is None and self.extensions and key.startswith("x-"):
                continue  # a place for the author's own notes and YAML anchors
            if field is None:
                where.key(key).problem(
                    key_node,
                    f"unknown key {key!r}",
                    suggest(key, tuple(self.fields))
                    or f"expected one of: {', '.join(self.fields)}",
                )
                continue
            values[key] = field.spec.check(value_node, where.key(key))
        for key, field in self.fields.items():
            if key not in values:
                if field.required:
                    where.problem(node, f"missing required key {key!r} ({field.doc})")
                else:
                    values[key] = field.default
        if len(where.report.problems) > before:
            return INVALID
        return self.build(values, where) if self.build is not None else values

    def json_schema(self) -> dict[str, Any]:
        properties = {}
        for key, field in self.fields.items():
            schema = dict(field.spec.json_schema())
            schema["description"] = field.doc
            properties[key] = schema
        required = [key for key, field in self.fields.items() if field.required]
        result: dict[str, Any] = {
            "type": "object",
            "properties": properties,
            "additionalProperties": False,
        }
        if required:
            result["required"] = required
        return result


@attrs.frozen
class MapOf(Spec):
    """A mapping from free names to values of one spec."""

    value: Spec
    expected: str = "a mapping of names to values"

    def check(self, node: yaml.Node, where: Where) -> Any:
        if not isinstance(node, yaml.MappingNode):
            return self.wrong(node, where)
        values = {
            key: self.value.check(v, where.key(key)) for key, _, v in mapping_pairs(node, where)
        }
        return values if all(_ok(v) for v in values.values()) else INVALID

    def json_schema(self) -> dict[str, Any]:
        return {"type": "object", "additionalProperties": self.value.json_schema()}


@attrs.frozen
class ByShape(Spec):
    """Chooses a spec by the node's shape: single value, list or mapping."""

    scalar: Spec | None = None
    sequence: Spec | None = None
    mapping: Spec | None = None

    @property
    def expected(self) -> str:  # type: ignore[override]
        return " or ".join(s.expected for s in (self.scalar, self.sequence, self.mapping) if s)

    def check(self, node: yaml.Node, where: Where) -> Any:
        spec = {
            yaml.ScalarNode: self.scalar,
            yaml.SequenceNode: self.sequence,
            yaml.MappingNode: self.mapping,
        }.get(type(node))
        return spec.check(node, where) if spec is not None else self.wrong(node, where)

    def json_schema(self) -> dict[str, Any]:
        return {"anyOf": [s.json_schema() for s in (self.scalar, self.sequence, self.mapping) if s]}


@attrs.frozen
class Built(Spec):
    """Checks ``spec`` then turns its value into an object with ``build(value, env)``.

    A ``ValueError`` or loyalrules error from ``build`` becomes a located problem.
    """

    spec: Spec
    build: Callable[[Any, Any], Any]

    @property
    def expected(self) -> str:  # type: ignore[override]
        return self.spec.expected

    def check(self, node: yaml.Node, where: Where) -> Any:
        value = self.spec.check(node, where)
        return INVALID if value is INVALID else build_at(node, where, self.build, value)

    def json_schema(self) -> dict[str, Any]:
        return self.spec.json_schema()


def build_at(node: yaml.Node, where: Where, build: Callable[[Any, Any], Any], value: Any) -> Any:
    """``build(value, env)``, with a failure reported as a problem located at ``node``."""
    try:
        return build(value, where.env)
    except (ValueError, TypeError, LookupError, LoyalRulesError) as error:
        message = str(error) if isinstance(error, ValueError | LoyalRulesError) else repr(error)
        return where.problem(node, message)


class Anything(Spec):
    """Any YAML value, handed over as plain Python data (for host-defined types)."""

    expected = "any value"

    def check(self, node: yaml.Node, where: Where) -> Any:
        constructor = yaml.constructor.SafeConstructor()
        return constructor.construct_object(node, deep=True)

    def json_schema(self) -> dict[str, Any]:
        return {}


IDENTIFIER = Text(
    pattern=r"[A-Za-z0-9][A-Za-z0-9_.-]*", pattern_words="an id of letters, digits, '_', '.', '-'"
)
"""Ids of programs, rules, rewards, tiers and plans (they end up in entry keys)."""


def choice(kind: type[enum.Enum], doc: str, default: Any = None) -> Field:
    """A field whose value is one of ``kind``'s values, built into that member."""
    choices = tuple(member.value for member in kind)
    return Field(Built(Text(choices=choices), lambda v, env: kind(v)), doc, default=default)
