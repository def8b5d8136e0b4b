"""A cart line as rules see it: the line and its eligible spend."""

from __future__ import annotations

from decimal import Decimal

from loyalrules.values.events import LineItem


class EligibleLine:
    """A cart line with its eligible spend (after discounts; zero when excluded)."""

    __slots__ = ("eligible", "line", "spend")

    def __init__(self, line: LineItem, spend: Decimal, eligible: bool) -> None:
        self.line = line
        self.spend = spend
        self.eligible = eligible
