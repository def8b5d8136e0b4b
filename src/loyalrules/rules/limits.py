"""Limits: how often a rule may earn for one member in a calendar period."""

from __future__ import annotations

import attrs

from loyalrules.rules.context import Context
from loyalrules.values.timeutil import Period


@attrs.frozen
class PeriodLimit:
    """At most ``times`` earnings from the rule per member per ``period``."""

    times: int
    period: Period

    def allows(self, ctx: Context, rule_id: str) -> bool:
        start, end = self.period.bounds(ctx.local)
        return ctx.history.rule_earnings_between(rule_id, start, end) < self.times

    def describe(self) -> str:
        once = "once" if self.times == 1 else f"{self.times} times"
        return f"{once} per {self.period.value}"
