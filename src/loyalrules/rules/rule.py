"""A rule: when (conditions) + what (an effect) + optional limits."""

from __future__ import annotations

import attrs

from loyalrules.ledger.entries import DEFAULT_ACCOUNT
from loyalrules.rules.conditions import Condition, Window
from loyalrules.rules.context import Context
from loyalrules.rules.effects import Effect
from loyalrules.rules.limits import PeriodLimit
from loyalrules.rules.messages import MessageTemplate
from loyalrules.rules.selectors import LineSelector
from loyalrules.terms.policies import Expiry, Pending
from loyalrules.values.frozen import value_methods


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class Rule:
    """One earning rule, compiled once when the program loads.

    ``lines`` scopes the rule to some lines (its effect and its spend conditions see only
    those); ``activities`` makes it a rule for those activity kinds instead of purchases.
    """

    id: str
    name: str
    effect: Effect
    description: str = ""
    condition: Condition | None = None
    active: Window | None = None
    lines: LineSelector | None = None
    activities: frozenset[str] | None = None
    max_points: int | None = None
    limit: PeriodLimit | None = None
    account: str = DEFAULT_ACCOUNT
    pending: Pending | None = None  # None: the account's
    expiry: Expiry | None = None  # None: the account's
    # Stacking control (see ``stacking``): higher priority is taken first.
    priority: int = 0
    not_with: frozenset[str] = frozenset()
    group: str | None = None
    budget: str | None = None  # a program-wide budget the host passes in (``budgets``)
    message: MessageTemplate | None = None  # shown to the member when the rule pays

    def _open(self, ctx: Context) -> bool:
        active, limit = self.active, self.limit
        return (active is None or active(ctx)) and (limit is None or limit.allows(ctx, self.id))

    def applies(self, ctx: Context) -> bool:
        """True when the rule is active, within its limit and its conditions hold."""
        condition = self.condition
        return self._open(ctx) and (condition is None or condition(ctx))

    def near_miss(self, ctx: Context) -> str | None:
        """For a rule that did not apply: what the customer could still do, if anything."""
        if self.condition is None or not self._open(ctx):
            return None
        return self.condition.missing(ctx)
