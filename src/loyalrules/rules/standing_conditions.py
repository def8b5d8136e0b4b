"""Conditions on the member's standing at the event: their tier, how they got it, and the
paid memberships they hold (read from the ledger, like every fact about the past)."""

from __future__ import annotations

import attrs

from loyalrules.rules.conditions import Condition
from loyalrules.rules.context import Context
from loyalrules.values.frozen import value_methods


@value_methods
@attrs.frozen(eq=False, repr=False)
class TierIs(Condition):
    """The member's tier (just before the event) is one of ``levels``."""

    reads_cart = False

    levels: frozenset[str]
    words: str

    def __call__(self, ctx: Context) -> bool:
        return ctx.tier in self.levels

    def describe(self) -> str:
        return f"tier is {self.words}"

    def seen(self, ctx: Context) -> str | None:
        return f"tier {ctx.tier}"


@value_methods
@attrs.frozen(eq=False, repr=False)
class TierSource(Condition):
    """The member's tier (just before the event) is ``assigned`` by the host through a
    manual tier (a status match), or (``assigned`` false) earned by qualifying."""

    reads_cart = False

    assigned: bool

    def __call__(self, ctx: Context) -> bool:
        return ctx.tier is not None and ctx.tier_assigned is self.assigned

    def describe(self) -> str:
        return "an assigned tier" if self.assigned else "a tier earned by qualifying"


@value_methods
@attrs.frozen(eq=False, repr=False)
class MemberOf(Condition):
    """The member holds one of the paid memberships ``plans`` at the event."""

    reads_cart = False

    plans: frozenset[str]
    words: str = ""

    def __call__(self, ctx: Context) -> bool:
        return not self.plans.isdisjoint(ctx.history.member_of(ctx.at))

    def describe(self) -> str:
        return f"a {self.words or ' or '.join(sorted(self.plans))} membership"

    def seen(self, ctx: Context) -> str | None:
        return f"memberships: {', '.join(sorted(ctx.history.member_of(ctx.at))) or 'none'}"
