"""Line selectors: which lines of a cart a rule looks at (categories, SKUs, tags)."""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from loyalrules.model import LineItem


def _frozen(values: Iterable[str]) -> frozenset[str]:
    return frozenset(values)


@attrs.frozen(kw_only=True)
class LineSelector:
    """Selects lines by category, SKU or tag, with exclusions that always win.

    An empty include side selects every line.

    >>> LineSelector(categories={"beans"}).describe()
    'beans'
    """

    categories: frozenset[str] = attrs.field(default=frozenset(), converter=_frozen)
    skus: frozenset[str] = attrs.field(default=frozenset(), converter=_frozen)
    tags: frozenset[str] = attrs.field(default=frozenset(), converter=_frozen)
    exclude_categories: frozenset[str] = attrs.field(default=frozenset(), converter=_frozen)
    exclude_skus: frozenset[str] = attrs.field(default=frozenset(), converter=_frozen)
    exclude_tags: frozenset[str] = attrs.field(default=frozenset(), converter=_frozen)

    _excludes: bool = attrs.field(init=False, repr=False, eq=False)
    _includes_all: bool = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        # Precomputed so that a call only tests the sets that are not empty.
        excludes = bool(self.exclude_categories or self.exclude_skus or self.exclude_tags)
        object.__setattr__(self, "_excludes", excludes)
        object.__setattr__(self, "_includes_all", not (self.categories or self.skus or self.tags))

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

    def describe(self) -> str:
        """Human words for the selection, e.g. ``"beans or merch"``."""
        names = sorted(self.categories) + sorted(self.skus) + sorted(self.tags)
        return " or ".join(names) if names else "any item"
