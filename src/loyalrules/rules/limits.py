"""Limits: how often, and how much, a rule may earn for one member in a calendar period."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import attrs

from loyalrules.errors import InternalError
from loyalrules.rules.context import Context
from loyalrules.values.frozen import value_methods
from loyalrules.values.timeutil import Period, membership_year


@value_methods
@attrs.frozen(eq=False, repr=False)
class PeriodLimit:
    """At most ``times`` earnings from the rule, and at most ``points`` from it, per
    member per ``period`` (``None``: no limit of that kind); with ``membership_year``,
    per year of membership (from each anniversary of joining) instead of per calendar
    ``period``. Points taken back by a return count no more, in the period they were
    earned in."""

    times: int | None
    period: Period
    membership_year: bool = False
    points: int | None = None

    def bounds(self, ctx: Context) -> tuple[datetime, datetime]:
        """The UTC ``[start, end)`` of the period holding the event."""
        if self.membership_year:
            return membership_year(ctx.member.joined_at, ctx.local)[1:]
        return self.period.bounds(ctx.local)

    def allows(self, ctx: Context, rule_id: str) -> bool:
        start, end = self.bounds(ctx)
        history, times, points = ctx.history, self.times, self.points
        if times is not None and history.rule_earnings_between(rule_id, start, end) >= times:
            return False
        return points is None or history.rule_points_between(rule_id, start, end) < points

    def room(self, ctx: Context, rule_id: str) -> int:
        """The points the rule may still give in the period holding the event (a limit
        on points only)."""
        if self.points is None:
            raise InternalError("a limit without points has no room")
        start, end = self.bounds(ctx)
        return max(self.points - ctx.history.rule_points_between(rule_id, start, end), 0)

    @property
    def resets(self) -> bool:
        """Whether the limit opens again (every period but ``lifetime`` does)."""
        return self.membership_year or self.period is not Period.LIFETIME

    def describe(self, amount: Callable[[int], str] = str) -> str:
        """``once per year``, ``at most 2500 points per month``: ``amount`` writes a
        number of the rule's points (``$25.00`` for a money account)."""
        per = "membership year" if self.membership_year else self.period.value
        parts = []
        if self.times is not None:
            parts.append("once" if self.times == 1 else f"{self.times} times")
        if self.points is not None:
            parts.append(f"at most {amount(self.points)}")
        return f"{' and '.join(parts)} per {per}"
