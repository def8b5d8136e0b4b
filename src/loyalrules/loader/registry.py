"""The names a program file may use for conditions and effects, and how to add your own.

A YAML file can only name registered types; there is no ``eval`` and no Python in YAML.
Register a host-defined type once at import time, before loading programs::

    class OptedIn(Condition):
        def __call__(self, ctx): return bool(ctx.member.attributes.get("sms_opt_in"))
        def describe(self): return "opted in to SMS"

    register_condition("sms_opt_in", lambda value, env: OptedIn() if value else Not(OptedIn()))

The build function gets the YAML value as plain Python data (or, for an effect, a dict
of its keys other than ``type``) and the :class:`BuildEnv`; raising ``ValueError`` with a
message reports a located error in the program file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

import attrs
import yaml

from loyalrules.errors import ValidationError
from loyalrules.loader.scalars import Text
from loyalrules.loader.schema import Anything, Built, Field, Fields, build_at, mapping_pairs
from loyalrules.loader.spec import INVALID, Spec, Where, suggest
from loyalrules.rules.conditions import Condition, all_of
from loyalrules.rules.effects import Effect
from loyalrules.rules.selectors import LineSelector
from loyalrules.rules.settings import Settings
from loyalrules.terms.policies import Account
from loyalrules.values.frozen import value_methods

_NAME = re.compile(r"[a-z][a-z0-9_]*")


@value_methods
@attrs.frozen(eq=False, repr=False)
class BuildEnv:
    """What a build function may need: program settings, the rule's line scope and
    the account it credits."""

    settings: Settings
    lines: LineSelector | None = None
    account: Account = attrs.field(factory=Account)
    # Settings made up so the rules of a program whose own did not load are still
    # checked: they hold none of its accounts, so an account name is not checked.
    placeholder: bool = False


@value_methods
@attrs.frozen(eq=False, repr=False)
class ConditionType:
    name: str
    spec: Spec
    build: Callable[[Any, BuildEnv], Condition]
    doc: str


@value_methods
@attrs.frozen(eq=False, repr=False)
class EffectType:
    name: str
    fields: Mapping[str, Field] | None
    build: Callable[[dict[str, Any], BuildEnv], Effect]
    doc: str


_CONDITIONS: dict[str, ConditionType] = {}
_EFFECTS: dict[str, EffectType] = {}


def _check_name(name: str, registry: Mapping[str, object], what: str, replace: bool) -> None:
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ValidationError(f"{what} name {name!r} must be lower_snake_case")
    if name in registry and not replace:
        raise ValidationError(
            f"a {what} called {name!r} is already registered; pass replace=True to replace it"
        )


def register_condition(
    name: str,
    build: Callable[[Any, BuildEnv], Condition],
    *,
    spec: Spec | None = None,
    doc: str = "",
    replace: bool = False,
) -> None:
    """Make ``name`` usable under ``when:``. ``spec`` validates its value (default: any)."""
    _check_name(name, _CONDITIONS, "condition", replace)
    _CONDITIONS[name] = ConditionType(name, spec or Anything(), build, doc)


def register_effect(
    name: str,
    build: Callable[[dict[str, Any], BuildEnv], Effect],
    *,
    fields: Mapping[str, Field] | None = None,
    doc: str = "",
    replace: bool = False,
) -> None:
    """Make ``name`` usable as ``effect: {type: name, ...}``. ``fields`` validate its keys."""
    _check_name(name, _EFFECTS, "effect", replace)
    _EFFECTS[name] = EffectType(name, fields, build, doc)


def condition_types() -> Mapping[str, ConditionType]:
    return dict(_CONDITIONS)


def effect_types() -> Mapping[str, EffectType]:
    return dict(_EFFECTS)


class ConditionsSpec(Spec):
    """A mapping of condition names to their values; all of them must hold."""

    expected = "a mapping of conditions"

    def check(self, node: yaml.Node, where: Where) -> Any:
        if not isinstance(node, yaml.MappingNode):
            return self.wrong(node, where)
        if not node.value:
            return where.problem(node, "no conditions given", "remove 'when' or add one")
        parts: list[Any] = []
        for key, key_node, value_node in mapping_pairs(node, where):
            kind = _CONDITIONS.get(key)
            inner = where.key(key)
            if kind is None:
                parts.append(
                    inner.problem(
                        key_node,
                        f"unknown condition {key!r}",
                        suggest(key, tuple(_CONDITIONS))
                        or f"expected one of: {', '.join(_CONDITIONS)}",
                    )
                )
                continue
            parts.append(Built(kind.spec, kind.build).check(value_node, inner))
        if any(part is INVALID for part in parts):
            return INVALID
        return all_of(parts)

    def json_schema(self) -> dict[str, Any]:
        return {"$ref": "#/$defs/conditions"}

    @staticmethod
    def definition() -> dict[str, Any]:
        properties = {}
        for name, kind in _CONDITIONS.items():
            schema = dict(kind.spec.json_schema())
            schema["description"] = kind.doc
            properties[name] = schema
        return {
            "type": "object",
            "properties": properties,
            "additionalProperties": False,
            "minProperties": 1,
        }


class EffectSpec(Spec):
    """``{type: <effect>, ...}``: the keys after ``type`` depend on the effect."""

    expected = "a mapping with a 'type' key"

    def check(self, node: yaml.Node, where: Where) -> Any:
        if not isinstance(node, yaml.MappingNode):
            return self.wrong(node, where)
        pairs = {key: (k, v) for key, k, v in mapping_pairs(node, where)}
        if "type" not in pairs:
            return where.problem(
                node, "missing required key 'type'", f"one of: {', '.join(_EFFECTS)}"
            )
        type_node = pairs["type"][1]
        name = Text(choices=tuple(_EFFECTS)).check(type_node, where.key("type"))
        if name is INVALID:
            return INVALID
        kind = _EFFECTS[name]
        spec = (
            Fields({"type": Field(Text(), "the effect type"), **kind.fields})
            if kind.fields is not None
            else None
        )
        if spec is None:
            values = {key: Anything().check(v, where) for key, (_, v) in pairs.items()}
        else:
            values = spec.check(node, where)
            if values is INVALID:
                return INVALID
        params = {key: value for key, value in values.items() if key != "type"}
        return build_at(node, where, kind.build, params)

    def json_schema(self) -> dict[str, Any]:
        variants = []
        for name, kind in _EFFECTS.items():
            fields = {"type": Field(Text(choices=(name,)), kind.doc), **(kind.fields or {})}
            schema = Fields(fields).json_schema()
            schema["required"] = ["type", *schema.get("required", [])]
            if kind.fields is None:
                schema["additionalProperties"] = True
            variants.append(schema)
        return {"oneOf": variants}


CONDITIONS = ConditionsSpec()
EFFECT = EffectSpec()
