"""A small schema language for program files: composite specs (lists, mappings of
fields, shapes) over the scalar ones in ``scalars``.

A ``Spec`` checks one YAML node and returns the Python value it stands for, reporting
every problem (with its position and path) instead of stopping at the first. The same
specs produce the JSON Schema that editors use for validation and completion.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from typing import Any, Final

import attrs
import yaml

from loyalrules.errors import LoyalRulesError
from loyalrules.loader.scalars import Text
from loyalrules.loader.spec import INVALID, Spec, Where, suggest
from loyalrules.values.frozen import value_methods


@value_methods
@attrs.frozen(eq=False, repr=False)
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


@value_methods
@attrs.frozen(eq=False, repr=False)
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


@value_methods
@attrs.frozen(eq=False, repr=False)
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
        if self.extensions:
            result["patternProperties"] = {"^x-": {}}
        return result


@value_methods
@attrs.frozen(eq=False, repr=False)
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


@value_methods
@attrs.frozen(eq=False, repr=False)
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


@value_methods
@attrs.frozen(eq=False, repr=False)
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
    """Any YAML value, handed over as plain Python data (for host-defined types).

    Only YAML's own types are built (the safe constructor's); a value they cannot hold
    (a tag such as ``!!python/object``, ``2026-02-30``, ``!!float abc``, an integer of
    thousands of digits) is a problem located at it, not an exception.
    """

    expected = "any value"

    def check(self, node: yaml.Node, where: Where) -> Any:
        constructor = yaml.constructor.SafeConstructor()
        try:
            return constructor.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError as error:
            mark = error.problem_mark or node.start_mark
            at = next((n for n in _walk(node) if n.start_mark.index == mark.index), node)
            return where.problem(
                at,
                f"cannot read this value: {error.problem}",
                "plain YAML only: mappings, lists, text, numbers, true/false, dates",
            )
        except (ValueError, TypeError, OverflowError) as error:
            at = _first_bad_scalar(node) or node
            return where.problem(
                at, f"cannot read this value: {error}", "quote it to keep it as text"
            )

    def json_schema(self) -> dict[str, Any]:
        return {}


class Payload(Anything):
    """A custom reward's payload: a mapping, anything YAML inside."""

    expected = "a mapping, e.g. {event: gala, seats: 1}"

    def check(self, node: yaml.Node, where: Where) -> Any:
        if not isinstance(node, yaml.MappingNode):
            return self.wrong(node, where)
        value = super().check(node, where)
        if value is not INVALID and not isinstance(value, dict):  # e.g. a !!set
            return where.problem(
                node, f"expected {self.expected}, got a {type(value).__name__}", "drop the tag"
            )
        return value

    def json_schema(self) -> dict[str, Any]:
        return {"type": "object"}


def _walk(node: yaml.Node) -> list[yaml.Node]:
    """``node`` and everything under it, each once (aliases are shared nodes)."""
    seen: dict[int, yaml.Node] = {}
    stack = [node]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen[id(current)] = current
        if isinstance(current, yaml.MappingNode):
            stack.extend(part for pair in current.value for part in pair)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
    return list(seen.values())


def _first_bad_scalar(node: yaml.Node) -> yaml.Node | None:
    """The first scalar under ``node`` the constructor cannot build (to locate it)."""
    for scalar in sorted(_walk(node), key=lambda n: n.start_mark.index):
        if isinstance(scalar, yaml.ScalarNode):
            try:
                yaml.constructor.SafeConstructor().construct_object(scalar)
            except (ValueError, TypeError, OverflowError, yaml.YAMLError):
                return scalar
    return None


IDENTIFIER = Text(
    pattern=r"[A-Za-z0-9][A-Za-z0-9_.-]*", pattern_words="an id of letters, digits, '_', '.', '-'"
)
"""Ids of programs, rules, rewards, tiers and plans (they end up in entry keys)."""


def choice(kind: type[enum.Enum], doc: str, default: Any = None) -> Field:
    """A field whose value is one of ``kind``'s values, built into that member."""
    choices = tuple(member.value for member in kind)
    return Field(Built(Text(choices=choices), lambda v, env: kind(v)), doc, default=default)
