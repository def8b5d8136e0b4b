"""Earning: purchases and activities through the pipeline, at the member's tier.

The glue between a loaded program and the engine: the context an event is evaluated in
(eligible lines, the tier just before it, the member's history), the entries and
explanation of a purchase or activity, a quote, and what a cart earns when a return
re-evaluates what is kept. ``Program`` validates its arguments and calls these.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

import attrs

from loyalrules.errors import CurrencyMismatch
from loyalrules.ledger.builders import engine_recorded
from loyalrules.ledger.entries import DEFAULT_ACCOUNT, Earned, Entry
from loyalrules.ledger.facts import Facts
from loyalrules.ledger.history import HistoryBefore
from loyalrules.ledger.ledger import Ledger
from loyalrules.operations import tier_changes
from loyalrules.operations.lifecycle import duplicate
from loyalrules.operations.outcome import Awarded, Outcome, Quote, engine_outcome, engine_quote
from loyalrules.rules.budgets import draw
from loyalrules.rules.context import Context
from loyalrules.rules.explanation import Explanation
from loyalrules.rules.lines import spend_by_category
from loyalrules.rules.messages import lot_expires_text
from loyalrules.rules.pipeline import (
    Evaluation,
    RuleBook,
    Settled,
    activity_key,
    eligible_lines,
    entries_for,
    evaluate_activity,
    evaluate_cart,
    purchase_key,
    settle,
)
from loyalrules.rules.rule import Rule
from loyalrules.rules.settings import Settings
from loyalrules.rules.stacking import explained_again
from loyalrules.rules.why_not import Reasons
from loyalrules.terms.tiers import TierState
from loyalrules.values.events import Activity, Cart, Purchase
from loyalrules.values.fingerprint import fingerprint
from loyalrules.values.frozen import value_methods
from loyalrules.values.member import Member
from loyalrules.values.money import engine_money

if TYPE_CHECKING:  # returns are imported by Program on the first one
    from loyalrules.operations import returns

_TICK = timedelta(microseconds=1)


class _Unset:
    """The tier before an event, not worked out yet (None means: no tiers)."""


_UNSET = _Unset()


@value_methods
@attrs.frozen(eq=False, repr=False)
class Earning:
    """A program's rules, planned once, with what evaluating an event needs."""

    program_id: str
    settings: Settings
    book: RuleBook
    budget_of: Mapping[str, str] = attrs.field(init=False)  # rule id -> budget name
    messages: Mapping[str, Rule] = attrs.field(init=False)  # rules with a member message

    def __attrs_post_init__(self) -> None:
        rules = self.book.rules
        budgets = {rule.id: rule.budget for rule in rules if rule.budget is not None}
        object.__setattr__(self, "budget_of", budgets)
        object.__setattr__(self, "messages", {r.id: r for r in rules if r.message is not None})

    def member_messages(self, entries: tuple[Entry, ...], ledger: Ledger) -> tuple[str, ...]:
        """The messages of the rules that credited ``entries`` (computed against
        ``ledger``), rendered."""
        if not self.messages:
            return ()
        zone, shown = self.settings.timezone, []
        for entry in entries:
            if not isinstance(entry, Earned):
                continue
            rule = self.messages.get(entry.rule_id or "")
            if rule is not None and rule.message is not None:
                expires = lot_expires_text(entry, entries, ledger, zone)
                text = rule.message.render(points=entry.points, reward=rule.name, expires=expires)
                shown.append(text)
        return tuple(shown)

    def _drawn(
        self, evaluation: Evaluation, budgets: Mapping[str, int] | None
    ) -> tuple[Evaluation, dict[str, int]]:
        """``evaluation`` with its budgeted rules paying at most what their budgets have
        left, and what it takes from each budget."""
        if not self.budget_of:
            return evaluation, {}
        awards, used, notes = draw(evaluation.awards, self.budget_of, budgets or {})
        explanation = explained_again(awards, evaluation.explanation) if notes else None
        drawn = Evaluation(awards, explanation or evaluation.explanation, evaluation.notes + notes)
        return drawn, used

    def earnings(self, member: Member) -> returns.Earnings:
        """What a cart earns per account, for re-evaluating what a return leaves."""

        def earn(
            cart: Cart, facts: Facts, at: datetime
        ) -> tuple[dict[str, tuple[str, int]], Decimal]:
            ctx = self.cart_context(cart, member, facts, at)
            awards = evaluate_cart(self.book, ctx).awards
            return {plan.rule.id: (plan.rule.account, points) for plan, points in awards}, ctx.spend

        return earn

    def member_context(
        self, member: Member, ledger: Ledger, at: datetime, cart: Cart | None
    ) -> Context:
        """The context of a redemption or a listing of rewards at ``at``: the member at
        their tier, with ``cart`` when one is given."""
        if cart is not None:
            return self.cart_context(cart, member, ledger.history, at)
        before = self.tier_before(ledger.history, member, at)
        return Context(
            settings=self.settings,
            member=member,
            history=ledger.history,
            at=at,
            tier=before.level.id if before is not None else None,
            tier_assigned=before is not None and before.assigned,
        )

    def check_currency(self, cart: Cart) -> None:
        """Refuse a cart in another currency than the program's."""
        if cart.currency != self.settings.currency:
            raise CurrencyMismatch(
                f"the cart is in {cart.currency} but program {self.program_id!r} is in "
                f"{self.settings.currency}; convert prices first or load a program in "
                f"{cart.currency}"
            )

    def tier_before(self, facts: Facts, member: Member, at: datetime) -> TierState | None:
        """The member's tier just before ``at`` (None for a program without tiers)."""
        tiers = self.settings.tiers
        if tiers is None:
            return None
        # The ledger does not hold the event yet, so its tier at the event's instant is the
        # one before it; a view from before a purchase (returns) stops just short of it.
        moment = at - _TICK if isinstance(facts, HistoryBefore) else at
        return tier_changes.tier_state(tiers, facts, member.joined_at, moment, self.settings)

    def cart_context(
        self,
        cart: Cart,
        member: Member,
        facts: Facts,
        at: datetime,
        tier: str | None = None,
        assigned: bool = False,
        page: Context | None = None,
    ) -> Context:
        """The context ``cart`` is evaluated in at ``at``: its eligible lines and the
        member's tier (``tier``, held through a manual tier when ``assigned``, or the one
        just before ``at``); a copy of ``page``'s, the context of another cart of the same
        member at ``at``, when given."""
        if cart.lines[0].unit_price.currency != self.settings.currency:  # cart.currency
            self.check_currency(cart)
        lines = eligible_lines(cart, self.settings.eligible_spend)
        if page is not None:
            return page.with_cart(cart, lines)
        if tier is None and self.settings.tiers is not None:
            state = self.tier_before(facts, member, at)
            tier = state.level.id if state is not None else None
            assigned = state is not None and state.assigned
        return Context(
            settings=self.settings,
            member=member,
            history=facts,
            at=at,
            cart=cart,
            lines=lines,
            tier=tier,
            tier_assigned=assigned,
        )

    def purchase(
        self,
        purchase: Purchase,
        member: Member,
        ledger: Ledger,
        budgets: Mapping[str, int] | None = None,
    ) -> Outcome:
        """The entries and explanation of ``purchase`` (empty for a replay), its
        budgeted rules paying at most what ``budgets`` have left."""
        key = purchase_key(purchase.id)
        if key in ledger:
            return duplicate(key, ledger)
        at, facts = purchase.occurred_at, ledger.facts
        ctx, evaluation, upgrade = self.earn(purchase, member, facts, at, key)
        evaluation, used = self._drawn(evaluation, budgets)
        # Every field is valid already (a validated purchase, its UTC time, the
        # program's currency, checked above): no re-validation, see ``engine_recorded``.
        recorded = engine_recorded(
            key,
            at,
            "purchase",
            purchase.id,
            spend=engine_money(ctx.spend, self.settings.currency),
            fingerprint=fingerprint(purchase),
            categories=spend_by_category(ctx.lines, len(purchase.lines)),
        )
        tier = upgrade.rate or ctx.tier  # lots keep the terms of the rate they earned at
        entries, explanation = entries_for(key, recorded, evaluation, tier), evaluation.explanation
        if upgrade is not tier_changes.NO_UPGRADE:
            entries += upgrade.entries
            explanation += upgrade.explanation
        return engine_outcome(
            key,
            entries,
            explanation,
            ledger.version,
            Reasons(self.book, ctx, evaluation, None, ledger),
            used,
            self.member_messages(entries, ledger),
        )

    def earn(
        self,
        cart: Cart,
        member: Member,
        history: Facts,
        at: datetime,
        key: str,
        before: TierState | _Unset | None = _UNSET,
        settled: Settled | None = None,
    ) -> tuple[Context, Evaluation, tier_changes.Upgrade]:
        """A cart through the pipeline at the member's tier (``before``, when the caller
        worked it out already, with the rules ``settled`` for it), and the upgrade it
        brings (with the crossing purchase earning as the program says)."""
        if isinstance(before, _Unset):
            before = self.tier_before(history, member, at)
        tier = before.level.id if before is not None else None
        page = settled.context if settled is not None else None
        ctx = self.cart_context(
            cart, member, history, at, tier, before is not None and before.assigned, page
        )
        evaluation = evaluate_cart(self.book, ctx, settled)
        tiers = self.settings.tiers
        if tiers is None or before is None:
            return ctx, evaluation, tier_changes.NO_UPGRADE

        def at_tier(level_id: str) -> Evaluation:
            return evaluate_cart(self.book, self.cart_context(cart, member, history, at, level_id))

        upgrade = tier_changes.on_purchase(
            tiers, before, ctx, evaluation, at_tier, key, self.settings
        )
        if upgrade is tier_changes.NO_UPGRADE:
            return ctx, evaluation, upgrade
        return ctx, upgrade.evaluation, upgrade

    def activity(
        self,
        activity: Activity,
        member: Member,
        ledger: Ledger,
        budgets: Mapping[str, int] | None = None,
    ) -> Outcome:
        """The entries and explanation of ``activity`` (empty for a replay), its budgeted
        rules paying at most what ``budgets`` have left."""
        key = activity_key(activity)
        if key in ledger:
            return duplicate(key, ledger)
        facts = ledger.facts
        before = self.tier_before(facts, member, activity.occurred_at)
        ctx = Context(
            settings=self.settings,
            member=member,
            history=facts,
            at=activity.occurred_at,
            activity=activity,
            tier=before.level.id if before is not None else None,
            tier_assigned=before is not None and before.assigned,
        )
        evaluation, used = self._drawn(evaluate_activity(self.book, ctx, activity.kind), budgets)
        recorded = engine_recorded(  # a validated activity: see ``engine_recorded``
            key, activity.occurred_at, "activity", activity.id, activity=activity.kind
        )
        explanation = evaluation.explanation
        if activity.kind not in self.book.activities:
            kinds = ", ".join(sorted(self.book.activities)) or "none"
            text = (
                f"No rule earns on activity {activity.kind!r} (recorded, "
                f"0 {self.settings.points_name}); the program's activity kinds: {kinds}"
            )
            explanation = (Explanation("", "unmatched", 0, text),)
        entries = entries_for(key, recorded, evaluation, ctx.tier)
        return Outcome(
            event_key=key,
            entries=entries,
            explanation=explanation,
            ledger_version=ledger.version,
            reasons=Reasons(self.book, ctx, evaluation, activity.kind, ledger),
            budgets_used=used,
            member_messages=self.member_messages(entries, ledger),
        )

    def quote(
        self,
        cart: Cart,
        member: Member,
        ledger: Ledger,
        at: datetime,
        budgets: Mapping[str, int] | None = None,
    ) -> Quote:
        """What ``cart`` would earn if bought at ``at`` (UTC): the same numbers, no
        entries."""
        return self._quote(cart, member, ledger, at, _UNSET, budgets)

    def quote_many(
        self, carts: Iterable[Cart], member: Member, ledger: Ledger, at: datetime
    ) -> tuple[Quote, ...]:
        """``quote`` for each of ``carts``, the member's history and tier at ``at``
        worked out once for all of them."""
        carts = tuple(carts)
        if not carts:
            return ()
        history = ledger.history
        before = self.tier_before(history, member, at)
        tier = before.level.id if before is not None else None
        assigned = before is not None and before.assigned
        # The rules that read no cart are asked once for the page (the first cart's
        # context stands for all: they read only the member, the history and the time).
        settled = settle(
            self.book, self.cart_context(carts[0], member, history, at, tier, assigned)
        )
        return tuple(
            [self._quote(cart, member, ledger, at, before, None, settled) for cart in carts]
        )

    def _quote(
        self,
        cart: Cart,
        member: Member,
        ledger: Ledger,
        at: datetime,
        before: TierState | _Unset | None,
        budgets: Mapping[str, int] | None,
        settled: Settled | None = None,
    ) -> Quote:
        ctx, evaluation, upgrade = self.earn(
            cart, member, ledger.history, at, "purchase:(quote)", before, settled
        )
        evaluation, _ = self._drawn(evaluation, budgets)
        awarded: dict[str, int] = {}
        for plan, points in evaluation.awards:
            account = plan.rule.account
            awarded[account] = awarded[account] + points if account in awarded else points
        for entry in upgrade.entries:  # an upgrade bonus the cart would bring
            if isinstance(entry, Earned):
                awarded[entry.account] = awarded.get(entry.account, 0) + entry.points
        return engine_quote(
            awarded.get(DEFAULT_ACCOUNT, 0),
            # the cart is in the program's currency (``cart_context`` checked it)
            engine_money(ctx.spend, self.settings.currency),
            evaluation.explanation + upgrade.explanation,  # no copy when () is added
            Awarded(awarded, self.settings.account_names),
            Reasons(self.book, ctx, evaluation, None, ledger),
        )
