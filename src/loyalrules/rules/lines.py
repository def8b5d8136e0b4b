"""A cart line as rules see it: the line and its eligible spend; a cart's spend per category."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from loyalrules.ledger.categories import Amounts
from loyalrules.values.events import LineItem


class EligibleLine:
    """A cart line with its eligible spend (after discounts; zero when excluded)."""

    __slots__ = ("eligible", "line", "spend")

    def __init__(self, line: LineItem, spend: Decimal, eligible: bool) -> None:
        self.line = line
        self.spend = spend
        self.eligible = eligible


_ZERO = Decimal(0)


def spend_by_category(lines: Sequence[EligibleLine], count: int) -> Amounts:
    """Eligible spend per category of the first ``count`` of ``lines`` (a cart's own
    lines: shipping and tax come after them), sorted by name. A line that earns nothing
    (excluded, or free) buys no category."""
    if count == 1:  # the usual order: no sums, no sorting (a cent per purchase counts)
        only = lines[0]
        return ((only.line.category, only.spend),) if only.spend > _ZERO else ()
    sums: dict[str, Decimal] = {}
    for el in lines[:count]:
        spend = el.spend
        if spend > _ZERO:
            category = el.line.category
            sums[category] = sums[category] + spend if category in sums else spend
    return tuple(sorted(sums.items()))
