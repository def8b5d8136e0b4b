"""Reading YAML safely: a node tree with positions, duplicate keys and alias bombs refused.

We compose (not construct) the document: every value keeps its ``file:line:column`` and
its source text, so ``12.50`` is read as ``Decimal("12.50")`` and never passes through a
float.
"""

from __future__ import annotations

from typing import Any

import yaml

from loyalrules.errors import Problem

MAX_EXPANDED_NODES = 100_000
"""A document whose aliases would expand past this many nodes is refused."""

MAX_DEPTH = 64
"""A document nested deeper than this is refused (no program needs it)."""


class Report:
    """Collects every problem found in one source, so all are reported at once."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []
        # Duplicate key nodes found while composing, with the line of the first one;
        # reported with their document path when the mapping is checked.
        self.duplicates: dict[int, tuple[yaml.Node, int]] = {}

    def report_duplicate(self, key_node: yaml.Node, path: str) -> None:
        """Report ``key_node`` if it repeats an earlier key (once)."""
        found = self.duplicates.pop(id(key_node), None)
        if found is not None:
            node, first = found
            self.add(
                node,
                path,
                f"duplicate key {node.value!r} (first given on line {first})",
                "keep one of them",
            )

    def report_remaining_duplicates(self) -> None:
        for node_id in list(self.duplicates):
            self.report_duplicate(self.duplicates[node_id][0], "")

    def add(
        self,
        node: yaml.Node | None,
        path: str,
        message: str,
        hint: str | None = None,
    ) -> None:
        mark = node.start_mark if node is not None else None
        self.problems.append(
            Problem(
                message=message,
                path=path,
                source=self.source,
                line=mark.line + 1 if mark else None,
                column=mark.column + 1 if mark else None,
                hint=hint,
            )
        )


class _Composer(yaml.SafeLoader):
    """PyYAML's safe loader, stopping at the node tree, with duplicate keys reported."""

    def __init__(self, stream: str, report: Report) -> None:
        super().__init__(stream)
        self.report = report
        self.depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _TooDeep(self.peek_event().start_mark)  # type: ignore[no-untyped-call]
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def compose_mapping_node(self, anchor: Any) -> yaml.MappingNode:
        node: yaml.MappingNode = super().compose_mapping_node(anchor)
        seen: dict[str, yaml.Node] = {}
        for key, _ in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value != "<<":
                if key.value in seen:
                    first = seen[key.value].start_mark.line + 1
                    self.report.duplicates[id(key)] = (key, first)
                seen[key.value] = key
        self.flatten_mapping(node)  # resolve "<<" merge keys, as the safe loader would
        return node


def _expanded_size(root: yaml.Node) -> int:
    """Nodes the document holds once aliases are expanded, stopping early when too many."""
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: yaml.Node) -> int:
        known = sizes.get(id(node))
        if known is not None:
            return known
        if id(node) in active:
            raise _TooLarge("an alias refers to a node that contains it (recursive anchor)")
        active.add(id(node))
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(child) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in node.value)
        active.discard(id(node))
        if total > MAX_EXPANDED_NODES:
            raise _TooLarge(f"aliases expand the document past {MAX_EXPANDED_NODES:,} nodes")
        sizes[id(node)] = total
        return total

    return size(root)


class _TooLarge(Exception):
    pass


class _TooDeep(Exception):
    def __init__(self, mark: yaml.Mark) -> None:
        super().__init__()
        self.mark = mark


def compose(text: str, report: Report) -> yaml.Node | None:
    """The document's node tree, or None with the reason in ``report``."""
    try:
        composer = _Composer(text, report)
        try:
            node = composer.get_single_node()
        finally:
            composer.dispose()
    except _TooDeep as error:
        report.problems.append(
            Problem(
                message=f"document refused: nested too deeply (more than {MAX_DEPTH} levels)",
                source=report.source,
                line=error.mark.line + 1,
                column=error.mark.column + 1,
                hint="flatten the structure; no program needs this depth",
            )
        )
        return None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        report.problems.append(
            Problem(
                message=f"invalid YAML: {error.problem}"
                + (f" {error.context}" if error.context else ""),
                source=report.source,
                line=mark.line + 1 if mark else None,
                column=mark.column + 1 if mark else None,
                hint="check the indentation and quoting near this position",
            )
        )
        return None
    except yaml.YAMLError as error:
        report.add(None, "", f"invalid YAML: {error}")
        return None
    if node is None:
        report.add(None, "", "the program is empty", "start with 'program: my-program'")
        return None
    try:
        _expanded_size(node)
    except _TooLarge as error:
        report.add(
            node,
            "",
            f"document refused: {error}",
            "write the repeated parts out, or use fewer nested aliases",
        )
        return None
    except RecursionError:
        report.add(node, "", "document refused: nested too deeply")
        return None
    return node
