"""Line categories over time: what a purchase records of them, and the member's top
category of a previous period as a line selector ("the category you buy most earns 2x
next month") and as a condition ("members whose top category last month was coffee").

The ledger keeps each purchase's eligible spend per category (``ledger.categories``).
The top category of the period before the event's (a calendar period in the program's
time zone) is the one with the most eligible spend in it, net of the returns recorded
in it; of equal ones, the first by name. The period is over when the event comes, so
the answer never depends on the order in which later events reach the engine.

>>> from loyalrules.values.timeutil import Period
>>> TopCategory(period=Period.MONTH).describe()
'the top category of the previous month'
>>> TopCategoryIs(period=Period.MONTH, category="coffee").describe()
'coffee as the top category of the previous month'
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo
from typing import ClassVar

import attrs

from loyalrules.ledger import categories
from loyalrules.ledger.facts import Facts
from loyalrules.rules.conditions import Condition
from loyalrules.rules.context import Context
from loyalrules.rules.lines import EligibleLine
from loyalrules.rules.lines import spend_by_category as spend_by_category  # its old home
from loyalrules.rules.selectors import LineSelector
from loyalrules.values.frozen import value_methods
from loyalrules.values.timeutil import Period

_TICK = timedelta(microseconds=1)


def previous(period: Period, local: datetime, zone: tzinfo) -> tuple[datetime, datetime]:
    """The UTC ``[start, end)`` of the ``period`` before the one holding ``local``."""
    start, _ = period.bounds(local)
    return period.bounds((start - _TICK).astimezone(zone))


def top_category(history: Facts, zone: tzinfo, period: Period, at: datetime) -> str | None:
    """The member's top category in the ``period`` before the one holding ``at``."""
    start, end = previous(period, at.astimezone(zone), zone)
    return categories.top(history.series, start, end)


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class TopCategory(LineSelector):
    """The lines of the member's top category of the ``period`` before the event's
    (none when they bought nothing then), less the lines ``exclude_*`` leave out."""

    period: Period
    fixed: ClassVar[bool] = False

    def top(self, ctx: Context) -> str | None:
        """The member's top category of the previous period."""
        return top_category(ctx.history, ctx.settings.timezone, self.period, ctx.at)

    def select_for(self, ctx: Context, lines: Sequence[EligibleLine]) -> list[EligibleLine]:
        top = self.top(ctx)
        return [el for el in self.select(lines) if el.line.category == top]

    def seen(self, ctx: Context) -> str | None:
        return _seen(self.top(ctx), self.period)

    def describe(self) -> str:
        return f"the top category of the previous {self.period.value}"


def _seen(top: str | None, period: Period) -> str:
    return f"{top} was the top" if top else f"nothing bought in the previous {period.value}"


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class TopCategoryIs(Condition):
    """The member's top category of the ``period`` before the event's is ``category``
    (a member who bought nothing then has none)."""

    reads_cart = False

    period: Period
    category: str

    def __call__(self, ctx: Context) -> bool:
        return top_category(ctx.history, ctx.settings.timezone, self.period, ctx.at) == (
            self.category
        )

    def describe(self) -> str:
        return f"{self.category} as the top category of the previous {self.period.value}"

    def seen(self, ctx: Context) -> str | None:
        top = top_category(ctx.history, ctx.settings.timezone, self.period, ctx.at)
        return _seen(top, self.period)
