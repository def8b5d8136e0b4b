"""Rules indexed by the lines they need, so a rule that cannot apply to a cart costs
nothing.

A rule scoped to some lines (``lines: {categories: [beans]}``, SKUs or tags) does not
apply to a cart without any of them. The index, built once at load, maps each category,
SKU and tag such rules name to those rules; a cart then looks at the rules its lines
name and at the rules that name none, in program order, and never at the others. A
program of 200 rules of which 5 concern a cart costs about what a 5-rule program does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Generic, Protocol, TypeVar

from loyalrules.rules.lines import EligibleLine
from loyalrules.rules.selectors import LineSelector

_WORTH_INDEXING = 8
"""Scoped rules from which a program's purchase rules are indexed."""
_REMEMBERED = 4096
"""How many sets of matched rules an index keeps the planned tuple of."""


class Scoped(Protocol):
    """A planned rule, as far as the index needs it: its line scope."""

    @property
    def lines(self) -> LineSelector | None: ...


Plan = TypeVar("Plan", bound=Scoped)


class PlanIndex(Generic[Plan]):
    """Purchase rules by the categories, SKUs and tags their line scope includes.

    >>> PlanIndex([]).indexes
    False
    """

    __slots__ = ("_by_category", "_by_sku", "_by_tag", "_plans", "_seen", "_unscoped")

    def __init__(self, plans: Sequence[Plan]) -> None:
        self._plans = tuple(plans)
        self._unscoped: tuple[int, ...] = ()
        self._by_category: dict[str, tuple[int, ...]] = {}
        self._by_sku: dict[str, tuple[int, ...]] = {}
        self._by_tag: dict[str, tuple[int, ...]] = {}
        # The rules to evaluate for each set of scoped rules a cart matched: carts match
        # few distinct sets, and looking the set up costs less than sorting it again.
        self._seen: dict[frozenset[int], tuple[Plan, ...]] = {}
        unscoped = []
        for index, plan in enumerate(self._plans):
            selector = plan.lines
            if selector is None or not (selector.categories or selector.skus or selector.tags):
                unscoped.append(index)
                continue
            for table, names in (
                (self._by_category, selector.categories),
                (self._by_sku, selector.skus),
                (self._by_tag, selector.tags),
            ):
                for name in names:
                    table[name] = (*table.get(name, ()), index)
        if len(self._plans) - len(unscoped) < _WORTH_INDEXING:
            # A few scoped rules are skipped as cheaply by their own selector as by a
            # look-up: the index pays only when many rules are scoped.
            self._plans = ()
        self._unscoped = tuple(unscoped)

    @property
    def indexes(self) -> bool:
        """Whether some rules are skipped for carts without their lines."""
        return bool(self._plans)

    def relevant(self, lines: Sequence[EligibleLine]) -> tuple[Plan, ...]:
        """The rules that may apply to a cart of ``lines``, in program order."""
        by_category, by_sku, by_tag = self._by_category, self._by_sku, self._by_tag
        found: set[int] = set()
        for el in lines:
            line = el.line
            hit = by_category.get(line.category)
            if hit is not None:
                found.update(hit)
            if by_sku:
                hit = by_sku.get(line.sku)
                if hit is not None:
                    found.update(hit)
            if by_tag:
                for tag in line.tags:
                    found.update(by_tag.get(tag, ()))
        matched = frozenset(found)
        relevant = self._seen.get(matched)
        if relevant is None:
            plans = self._plans
            relevant = tuple([plans[index] for index in sorted(found.union(self._unscoped))])
            if len(self._seen) < _REMEMBERED:
                self._seen[matched] = relevant
        return relevant
