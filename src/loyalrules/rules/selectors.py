"""Line selectors: which lines of a cart a rule looks at (categories, SKUs, tags)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, ClassVar

import attrs

from loyalrules.rules.lines import EligibleLine
from loyalrules.values.events import LineItem
from loyalrules.values.frozen import value_methods

_ZERO = Decimal(0)


def _frozen(values: Iterable[str]) -> frozenset[str]:
    return frozenset(values)


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class LineSelector:
    """Selects lines by category, SKU or tag, with exclusions that always win.

    An empty include side selects every line. A selector whose choice depends on the
    member (``fixed`` false) is asked through ``select_for`` with the event's context.

    >>> LineSelector(categories={"beans"}).describe()
    'beans'
    """

    categories: frozenset[str] = attrs.field(default=frozenset(), converter=_frozen)
    skus: frozenset[str] = attrs.field(default=frozenset(), converter=_frozen)
    tags: frozenset[str] = attrs.field(default=frozenset(), converter=_frozen)
    exclude_categories: frozenset[str] = attrs.field(default=frozenset(), converter=_frozen)
    exclude_skus: frozenset[str] = attrs.field(default=frozenset(), converter=_frozen)
    exclude_tags: frozenset[str] = attrs.field(default=frozenset(), converter=_frozen)

    fixed: ClassVar[bool] = True
    _excludes: bool = attrs.field(init=False, repr=False, eq=False)
    _includes_all: bool = attrs.field(init=False, repr=False, eq=False)
    _categories_only: bool = attrs.field(init=False, repr=False, eq=False)
    _all_but_categories: bool = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        # Precomputed so that a call only tests the sets that are not empty, and the two
        # usual scopes (some categories; every category but some) test no more than the
        # line's category, without a call per line.
        excludes = bool(self.exclude_categories or self.exclude_skus or self.exclude_tags)
        includes_all = not (self.categories or self.skus or self.tags)
        object.__setattr__(self, "_excludes", excludes)
        object.__setattr__(self, "_includes_all", includes_all)
        only = not excludes and bool(self.categories) and not (self.skus or self.tags)
        object.__setattr__(self, "_categories_only", only)
        all_but = includes_all and not (self.exclude_skus or self.exclude_tags)
        object.__setattr__(self, "_all_but_categories", all_but)

    def __call__(self, line: LineItem) -> bool:
        if self._excludes and (
            line.category in self.exclude_categories
            or line.sku in self.exclude_skus
            or not self.exclude_tags.isdisjoint(line.tags)
        ):
            return False
        return (
            self._includes_all
            or line.category in self.categories
            or line.sku in self.skus
            or (bool(self.tags) and not self.tags.isdisjoint(line.tags))
        )

    @property
    def only_categories(self) -> frozenset[str] | None:
        """The categories it selects, when it selects by category alone (the usual
        scope, tested without a call); ``None`` otherwise."""
        return self.categories if self._categories_only else None

    def select(self, lines: Sequence[EligibleLine]) -> list[EligibleLine]:
        """The ``lines`` this selector picks, in their order."""
        if self._categories_only:  # the usual scopes: one test per line, no call
            categories = self.categories
            return [el for el in lines if el.line.category in categories]
        if self._all_but_categories:
            excluded = self.exclude_categories
            return [el for el in lines if el.line.category not in excluded]
        return [el for el in lines if self(el.line)]

    def select_for(self, ctx: Any, lines: Sequence[EligibleLine]) -> list[EligibleLine]:
        """The ``lines`` this selector picks for the event of context ``ctx``."""
        return self.select(lines)

    def seen(self, ctx: Any) -> str | None:
        """What the event showed of a selector that asks it (``None``: nothing to say)."""
        return None

    def spend(self, lines: Iterable[EligibleLine]) -> Decimal:
        """Eligible spend of the ``lines`` this selector picks."""
        if self._all_but_categories:
            excluded = self.exclude_categories
            return sum([el.spend for el in lines if el.line.category not in excluded], _ZERO)
        return sum([el.spend for el in self.select(tuple(lines))], _ZERO)

    def describe(self) -> str:
        """Human words for the selection, e.g. ``"beans or merch"``."""
        names = sorted(self.categories) + sorted(self.skus) + sorted(self.tags)
        return " or ".join(names) if names else "any item"
