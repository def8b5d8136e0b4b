"""Engagement around the program's calls: a reward's member message, the rewards and
threshold bonuses a status nudges towards, a challenge looked up by id, challenge
rewards a return undoes, budgeted points a return gives back."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, tzinfo
from decimal import Decimal

import attrs

from loyalrules.errors import LimitReached, NotAllowed
from loyalrules.ledger.entries import DEFAULT_ACCOUNT, Earned, Recorded, Reversed
from loyalrules.ledger.ledger import Ledger
from loyalrules.ledger.lots import LotState
from loyalrules.operations import redemption, returns
from loyalrules.operations.outcome import Outcome
from loyalrules.operations.status import Status
from loyalrules.rules.budgets import remaining
from loyalrules.rules.challenges import Challenge, Goal, Metric
from loyalrules.rules.conditions import MinSpend
from loyalrules.rules.context import Context
from loyalrules.rules.messages import expires_text, lot_expires_text
from loyalrules.rules.rewards import Reward
from loyalrules.rules.rule import Rule
from loyalrules.rules.settings import Settings
from loyalrules.values.events import Return
from loyalrules.values.money import format_money


def with_reward_message(
    outcome: Outcome, reward: Reward, ctx: Context, settings: Settings, ledger: Ledger
) -> Outcome:
    """``outcome`` of redeeming ``reward`` (against ``ledger``) with the reward's member
    message rendered."""
    if reward.message is None or outcome.duplicate:
        return outcome
    lot = next((e for e in outcome.entries if isinstance(e, Earned)), None)
    zone = settings.timezone
    text = reward.message.render(
        points=reward.cost_for(ctx),
        reward=reward.name,
        expires=expires_text(None, zone)
        if lot is None
        else lot_expires_text(lot, outcome.entries, ledger, zone),
    )
    return attrs.evolve(outcome, member_messages=(text,))


def check_reward_budget(reward: Reward, budgets: Mapping[str, int] | None) -> None:
    """Refuse to redeem ``reward`` when its budget has no redemption left."""
    if reward.budget is None:
        return
    if remaining(budgets or {}, reward.budget, reward.id) < 1:
        raise LimitReached(
            f"reward {reward.id!r}: budget {reward.budget!r} has no redemption left "
            "across the program"
        )


def with_reward_budget(outcome: Outcome, reward: Reward) -> Outcome:
    """``outcome`` of redeeming ``reward`` counting one redemption of its budget."""
    if reward.budget is None or outcome.duplicate:
        return outcome
    return attrs.evolve(outcome, budgets_used={reward.budget: 1})


def with_reward_budget_returned(
    outcome: Outcome, rewards: tuple[Reward, ...], ledger: Ledger, key: str
) -> Outcome:
    """``outcome`` of cancelling the redemption ``key`` giving its reward's budget the
    redemption back (``budgets_used`` of -1), for the host to add back."""
    redeemed = ledger.history.redemptions.get(key)
    if outcome.duplicate or redeemed is None:
        return outcome
    reward = next((r for r in rewards if r.id == redeemed.reward_id), None)
    if reward is None or reward.budget is None:
        return outcome
    return attrs.evolve(outcome, budgets_used={reward.budget: -1})


def with_budgets_returned(
    outcome: Outcome, ledger: Ledger, budget_of: Mapping[str, str]
) -> Outcome:
    """``outcome`` of a return reporting, as negative ``budgets_used``, the points it takes
    back from lots of budgeted rules (``budget_of``: rule id to budget), so the host
    gives them back to the budgets (decision 0086)."""
    if not budget_of:
        return outcome
    given: dict[str, int] = {}
    for entry in outcome.entries:
        if not isinstance(entry, Reversed):
            continue
        rules = {lot.key: lot.rule_id for lot in ledger.history.sources.get(entry.source, ())}
        for part in entry.reverses:
            budget = budget_of.get(rules.get(part.lot) or "")
            if budget is not None:
                given[budget] = given.get(budget, 0) - part.points
    return attrs.evolve(outcome, budgets_used=given) if given else outcome


def with_affordable(
    status: Status, rewards: tuple[Reward, ...], ctx: Context, ledger: Ledger, settings: Settings
) -> Status:
    """``status`` naming the rewards the member can redeem now (for its nudges)."""
    if not rewards:
        return status
    options = redemption.rewards_for(rewards, ctx, ledger, settings)
    names = tuple(option.name for option in options if option.eligible and option.affordable)
    return attrs.evolve(status, affordable=names)


def with_thresholds(status: Status, rules: tuple[Rule, ...], ctx: Context) -> Status:
    """``status`` naming the threshold bonuses an order could earn now ("Spend $50.00 in
    one order for +25 bonus points (Big order bonus)"): purchase rules whose only
    condition is a minimum spend on the whole order, active and within their limit."""
    settings, offers = ctx.settings, []
    for rule in rules:
        condition = rule.condition
        if rule.activities is not None or rule.lines is not None:
            continue
        if not isinstance(condition, MinSpend) or condition.lines is not None:
            continue
        if (rule.active is not None and not rule.active(ctx)) or (
            rule.limit is not None and not rule.limit.allows(ctx, rule.id)
        ):
            continue
        spend = format_money(condition.amount, condition.currency, locale=condition.locale)
        promise = rule.effect.promise(settings.unit_name(rule.account))
        offers.append(f"Spend {spend} in one order for {promise} ({rule.name})")
    return attrs.evolve(status, offers=tuple(offers)) if offers else status


def find_challenge(challenges: tuple[Challenge, ...], challenge_id: str, program: str) -> Challenge:
    """The challenge with id ``challenge_id``, or a clear error naming the others."""
    for challenge in challenges:
        if challenge.id == challenge_id:
            return challenge
    known = ", ".join(c.id for c in challenges) or "none"
    raise NotAllowed(
        f"program {program!r} has no challenge {challenge_id!r}; its challenges: {known}"
    )


def _net_progress(
    goal: Goal, ledger: Ledger, zone: tzinfo, start: datetime, end: datetime
) -> Decimal:
    """A purchase goal's progress over the purchases of ``[start, end)``, less what every
    return in ``ledger`` took back from them (returns made after the period too): spend
    kept, purchases not returned in full, days with such a purchase, categories (or one
    category's spend and purchases) still paid for."""
    history = ledger.history
    returned, by_category = history.spend_returned, history.category_kept
    kept: list[tuple[datetime, Decimal, dict[str, Decimal]]] = []
    for entry in ledger:
        if (
            isinstance(entry, Recorded)
            and entry.event_type == "purchase"
            and start <= entry.at < end
            and entry.spend is not None
        ):
            left = entry.spend.amount - returned.get(entry.key, Decimal(0))
            kept.append((entry.at, left, by_category.get(entry.key, {})))
    category = goal.category
    if goal.metric is Metric.CATEGORIES:
        paid = {name for _, _, spends in kept for name, spend in spends.items() if spend > 0}
        return Decimal(len(paid))
    if category is not None:
        spends = [spends.get(category, Decimal(0)) for _, _, spends in kept]
        if goal.metric is Metric.SPEND:
            return sum(spends, Decimal(0))
        return Decimal(sum(1 for spend in spends if spend > 0))
    if goal.metric is Metric.SPEND:
        return sum((left for _, left, _ in kept), Decimal(0))
    standing = [at for at, left, _ in kept if left > 0]
    if goal.metric is Metric.PURCHASES:
        return Decimal(len(standing))
    return Decimal(len({at.astimezone(zone).date() for at in standing}))


def undo_challenges(
    outcome: Outcome,
    ret: Return,
    ledger: Ledger,
    challenges: tuple[Challenge, ...],
    settings: Settings,
) -> Outcome:
    """``outcome`` of ``ret`` taking back, too, the reward of each challenge whose goal the
    return undoes, when another purchase of the period reached it (a return of the
    purchase that reached it is re-evaluated with it already)."""
    if outcome.duplicate:
        return outcome
    at = ret.purchase.occurred_at
    after = ledger.append(outcome.entries)
    history, zone = after.history, settings.timezone
    undone: list[tuple[LotState, str, str]] = []
    for challenge in challenges:
        goal = challenge.goal
        if goal.metric is Metric.ACTIVITIES:
            continue
        start, end = goal.period.bounds(at.astimezone(zone))
        lots = [
            lot
            for lot in history.lots(DEFAULT_ACCOUNT)
            if lot.rule_id == challenge.id
            and start <= lot.at < end
            and lot.points > lot.reversed
            and lot.source is not None
        ]
        if not lots or _net_progress(goal, after, zone, start, end) >= goal.target:
            continue
        undone += [(lot, challenge.id, f"{challenge.name}: the return undoes it") for lot in lots]
    return returns.take_back_whole(outcome, ret, history, settings, undone)
