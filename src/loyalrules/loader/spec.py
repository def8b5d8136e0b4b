"""The base of the program file's schema language: a ``Spec`` checks one YAML node and
returns the Python value it stands for, reporting every problem at its ``Where``
(position and path) instead of stopping at the first."""

from __future__ import annotations

import abc
import difflib
from collections.abc import Sequence
from typing import Any, Final

import attrs
import yaml

from loyalrules.loader.yaml_source import Report
from loyalrules.values.frozen import value_methods

INVALID: Final = object()
"""Returned by a spec whose node had problems (already reported)."""

_NODE_NAMES = {
    yaml.ScalarNode: "a single value",
    yaml.SequenceNode: "a list",
    yaml.MappingNode: "a mapping",
}


@value_methods
@attrs.frozen(eq=False, repr=False)
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
    close = difflib.get_close_matches(word, list(choices), n=3, cutoff=0.6)
    if not close:
        return None
    # Of the close ones, the one that begins as the word does: "category" is more likely
    # "categories" than "top_category" (the first of equals is the closest).
    best = max(close, key=lambda choice: _shared_start(word, choice))
    return f"did you mean {best!r}?"


def _shared_start(word: str, other: str) -> int:
    """How many first characters ``word`` and ``other`` have in common."""
    count = 0
    for a, b in zip(word, other, strict=False):
        if a != b:
            break
        count += 1
    return count


def describe_node(node: yaml.Node) -> str:
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
        return where.problem(node, f"expected {self.expected}, got {describe_node(node)}")
