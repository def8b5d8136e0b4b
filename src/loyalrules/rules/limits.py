"""Limits: how often a rule may earn for one member in a calendar period."""

from __future__ import annotations

from datetime import datetime

import attrs

from loyalrules.rules.context import Context
from loyalrules.values.frozen import value_methods
from loyalrules.values.timeutil import Period, membership_year


@value_methods
@attrs.frozen(eq=False, repr=False)
class PeriodLimit:
    """At most ``times`` earnings from the rule per member per ``period``; with
    ``membership_year``, per year of membership (from each anniversary of joining)
    instead of per calendar ``period``."""

    times: int
    period: Period
    membership_year: bool = False

    def bounds(self, ctx: Context) -> tuple[datetime, datetime]:
        """The UTC ``[start, end)`` of the period holding the event."""
        if self.membership_year:
            return membership_year(ctx.member.joined_at, ctx.local)[1:]
        return self.period.bounds(ctx.local)

    def allows(self, ctx: Context, rule_id: str) -> bool:
        start, end = self.bounds(ctx)
        return ctx.history.rule_earnings_between(rule_id, start, end) < self.times

    @property
    def resets(self) -> bool:
        """Whether the limit opens again (every period but ``lifetime`` does)."""
        return self.membership_year or self.period is not Period.LIFETIME

    def describe(self) -> str:
        once = "once" if self.times == 1 else f"{self.times} times"
        per = "membership year" if self.membership_year else self.period.value
        return f"{once} per {per}"
