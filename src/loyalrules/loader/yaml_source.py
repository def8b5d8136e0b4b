"""Reading YAML safely: a node tree with positions, duplicate keys and alias bombs refused.

We compose (not construct) the document: every value keeps its ``file:line:column`` and
its source text, so ``12.50`` is read as ``Decimal("12.50")`` and never passes through a
float. libyaml composes when PyYAML was built with it (``yaml.CSafeLoader``; its nodes
keep line and column), the pure-Python composer otherwise. Then one pass over the tree
(``_Guard``) checks the limits below, notes duplicate keys and resolves merge keys
(``<<``) with their growth counted, so no PyYAML version's own merging is ever asked to
expand a bomb. The text limit comes first, so nothing large is composed at all.
"""

from __future__ import annotations

from typing import Any

import yaml

from loyalrules.errors import Problem

MAX_TEXT_CHARS = 2_000_000
"""A program text longer than this many characters is refused before it is parsed (an
ordinary program of 5,000 rules is about 650,000)."""

MAX_NODES = 500_000
"""A document of more than this many values, as written, is refused."""

MAX_ALIAS_EXPANSION = 100_000
"""Aliases and merge keys may add at most this many values to the document."""

MAX_DEPTH = 64
"""A document nested deeper than this is refused (no program needs it)."""

_MERGE = "tag:yaml.org,2002:merge"
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML has it


class Report:
    """Collects every problem found in one source, so all are reported at once."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []
        self._reported: set[Problem] = set()  # a node checked twice is reported once
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
        problem = Problem(
            message=message,
            path=path,
            source=self.source,
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
            hint=hint,
        )
        if problem not in self._reported:
            self._reported.add(problem)
            self.problems.append(problem)


class _Guard:
    """One pass over a composed tree, children before parents, each node once however
    many aliases name it: depth, size and alias growth checked, duplicate keys noted,
    merge keys resolved."""

    on_path: set[int]  # mappings and lists being walked: an alias of one is a cycle

    def __init__(self, report: Report) -> None:
        self.report = report
        self.written = 0  # distinct nodes: the document as written
        self.merged = 0  # pairs merge keys copied
        self.sizes: dict[int, int] = {}  # node id -> values once aliases are expanded

    def walk(self, root: yaml.Node) -> None:
        self.on_path: set[int] = set()
        if self._visit(root, 1) > self.written + MAX_ALIAS_EXPANSION:
            raise _TooLarge(
                f"aliases expand the document by more than {MAX_ALIAS_EXPANSION:,} values",
                "write the repeated parts out, or use fewer nested aliases",
            )

    def _visit(self, node: yaml.Node, depth: int) -> int:
        """The size of ``node`` once aliases are expanded, its children done first.
        (Recursive: the depth is checked first, so it never goes past ``MAX_DEPTH``.)"""
        key = id(node)
        sizes = self.sizes
        known = sizes.get(key)
        if known is not None:  # an alias of a node already walked
            return known
        if depth > MAX_DEPTH:
            raise _TooDeep(node.start_mark)
        self.written += 1
        if self.written > MAX_NODES:
            raise _TooLarge(
                f"it has more than {MAX_NODES:,} values",
                "split the program; an ordinary program of 5,000 rules has about 90,000",
            )
        if isinstance(node, yaml.ScalarNode):
            sizes[key] = 1
            return 1
        if key in self.on_path:
            raise _TooLarge(
                "an alias refers to a node that contains it (recursive anchor)",
                "write the repeated parts out, or use fewer nested aliases",
            )
        self.on_path.add(key)
        size = 1
        deeper = depth + 1
        if isinstance(node, yaml.MappingNode):
            for key_node, value in node.value:
                size += self._visit(key_node, deeper) + self._visit(value, deeper)
            self._note_duplicates(node)
            if self._merge(node):  # the merged pairs were walked as the merge key's value
                size = 1 + sum(sizes[id(k)] + sizes[id(v)] for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            for child in node.value:
                size += self._visit(child, deeper)
        self.on_path.discard(key)
        # Past this, aliases have expanded too much whatever else the document holds.
        size = min(size, MAX_NODES + MAX_ALIAS_EXPANSION + 1)
        sizes[key] = size
        return size

    def _note_duplicates(self, node: yaml.MappingNode) -> None:
        seen: dict[str, yaml.Node] = {}
        for key, _ in node.value:
            if isinstance(key, yaml.ScalarNode) and key.tag != _MERGE:
                if key.value in seen:
                    first = seen[key.value].start_mark.line + 1
                    self.report.duplicates[id(key)] = (key, first)
                seen[key.value] = key

    def _merge(self, node: yaml.MappingNode) -> bool:
        """Resolve ``<<`` keys as YAML's merge type says: the merged mappings' pairs
        first (of a list, earlier mappings win), then the node's own, which win over
        them. Merged mappings were resolved before (children first), so each merge is
        one copy of their pairs, counted against ``MAX_ALIAS_EXPANSION`` before it is
        made."""
        if not any(key.tag == _MERGE for key, _ in node.value):
            return False
        merged: list[Any] = []
        own = []
        for key, value in node.value:
            if key.tag != _MERGE:
                own.append((key, value))
                continue
            sources = value.value if isinstance(value, yaml.SequenceNode) else [value]
            for source in reversed(sources):
                if not isinstance(source, yaml.MappingNode):
                    raise _NotMergeable(source.start_mark)
                self.merged += len(source.value)
                if self.merged > MAX_ALIAS_EXPANSION:
                    raise _TooLarge(
                        "merge keys ('<<') expand the document by more than "
                        f"{MAX_ALIAS_EXPANSION:,} values",
                        "write the repeated parts out, or use fewer nested merges",
                    )
                merged.extend(source.value)
        node.value = merged + own
        return True


class _TooLarge(Exception):
    def __init__(self, reason: str, hint: str) -> None:
        super().__init__(reason)
        self.hint = hint


class _TooDeep(Exception):
    def __init__(self, mark: yaml.Mark) -> None:
        super().__init__()
        self.mark = mark


class _NotMergeable(Exception):
    def __init__(self, mark: yaml.Mark) -> None:
        super().__init__()
        self.mark = mark


def _at(report: Report, mark: yaml.Mark | None, message: str, hint: str | None) -> None:
    report.problems.append(
        Problem(
            message=message,
            source=report.source,
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
            hint=hint,
        )
    )


def _syntax_error(error: yaml.MarkedYAMLError, text: str) -> tuple[str, str]:
    """The message and hint for a YAML syntax error (libyaml's words made as clear as
    the Python parser's)."""
    problem = error.problem or ""
    if "maximum nesting depth" in problem:
        return (
            f"document refused: nested too deeply (more than {MAX_DEPTH} levels)",
            "flatten the structure; no program needs this depth",
        )
    mark = error.problem_mark
    if "that cannot start any token" in problem and mark is not None:
        lines = text.splitlines()
        line = lines[mark.line] if mark.line < len(lines) else ""
        found = line[mark.column : mark.column + 1]
        if found and repr(found) not in problem:
            problem = problem.replace("found character", f"found character {found!r}")
    message = f"invalid YAML: {problem}" + (f" {error.context}" if error.context else "")
    return message, "check the indentation and quoting near this position"


def compose(text: str, report: Report) -> yaml.Node | None:
    """The document's node tree, or None with the reason in ``report``."""
    if len(text) > MAX_TEXT_CHARS:
        report.add(
            None,
            "",
            f"document refused: it is {len(text):,} characters long; at most "
            f"{MAX_TEXT_CHARS:,} are read",
            "split the program; an ordinary program of 5,000 rules is about 650,000",
        )
        return None
    node: yaml.Node | None = None
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
        if node is not None:
            _Guard(report).walk(node)
    except _TooLarge as error:
        report.add(node, "", f"document refused: {error}", error.hint)
        return None
    except (_TooDeep, RecursionError) as error:
        _at(
            report,
            error.mark if isinstance(error, _TooDeep) else None,
            f"document refused: nested too deeply (more than {MAX_DEPTH} levels)",
            "flatten the structure; no program needs this depth",
        )
        return None
    except _NotMergeable as error:
        _at(report, error.mark, "a merge key ('<<') must name a mapping or a list of mappings",
            "merge mappings only, e.g. <<: *defaults")  # fmt: skip
        return None
    except yaml.MarkedYAMLError as error:
        _at(report, error.problem_mark, *_syntax_error(error, text))
        return None
    except yaml.YAMLError as error:
        report.add(None, "", f"invalid YAML: {error}")
        return None
    if node is None:
        report.add(None, "", "the program is empty", "start with 'program: my-program'")
    return node
