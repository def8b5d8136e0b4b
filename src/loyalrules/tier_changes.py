"""How members move between tiers: upgrades as purchases cross thresholds (with the
program's rule for the purchase that crosses), changes caused by returns, period-end
re-evaluation written down by ``review``, and manual tiers that act as a floor."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

import attrs

from loyalrules.engine import Evaluation
from loyalrules.entries import DEFAULT_ACCOUNT, Earned, Entry, TierAssigned, TierChanged
from loyalrules.history import TIER_BONUS, Facts, History
from loyalrules.ledger import Ledger
from loyalrules.outcome import Explanation, Outcome
from loyalrules.rules.context import Context
from loyalrules.settings import Settings
from loyalrules.tiers import Crossing, Level, Metric, Tiers, TierState, Window

_TICK = timedelta(microseconds=1)


def tier_state(
    tiers: Tiers, facts: Facts, joined: datetime, at: datetime, settings: Settings
) -> TierState:
    """The member's tier at ``at``, a manual tier in force acting as a floor."""
    state = tiers.tier_at(facts.series, at, joined, settings.timezone)
    for start, until, level_id in facts.tier_floors:
        floor = tiers.level(level_id)
        if start <= at and (until is None or at < until) and floor.rank > state.level.rank:
            state = attrs.evolve(state, level=floor, valid_until=until, reason="assigned")
    return state


def contribution(tiers: Tiers, ctx: Context, evaluation: Evaluation) -> Decimal:
    """What this purchase adds to the qualifying value."""
    if tiers.metric is Metric.SPEND:
        return ctx.spend
    if tiers.metric is Metric.PURCHASES:
        return Decimal(1)
    return Decimal(
        sum(points for plan, points in evaluation.awards if plan.rule.account == tiers.account)
    )


@attrs.frozen
class Upgrade:
    """A purchase's effect on the member's tier."""

    evaluation: Evaluation
    entries: tuple[Entry, ...]
    explanation: tuple[Explanation, ...]


def on_purchase(
    tiers: Tiers,
    before: TierState,
    ctx: Context,
    evaluation: Evaluation,
    evaluate: Callable[[str], Evaluation],
    event_key: str,
    settings: Settings,
) -> Upgrade:
    """Upgrade the member when this purchase crosses a threshold: a ``TierChanged`` entry,
    each crossed level's upgrade bonus, and the purchase earned as ``crossing_purchase``
    says (``evaluate(level_id)`` evaluates it again at another tier)."""
    added = contribution(tiers, ctx, evaluation)
    reached = tiers.qualified(before.value + added)
    if reached.rank <= before.level.rank:
        return Upgrade(evaluation, (), ())
    if tiers.crossing is Crossing.NEW_RATE:
        evaluation = evaluate(reached.id)
    elif tiers.crossing is Crossing.SPLIT and added > 0:
        above = (before.value + added - reached.qualify) / added
        evaluation = _split(evaluation, evaluate(reached.id), min(above, Decimal(1)))
    at = ctx.at
    key = f"tier:{event_key}:{reached.id}"
    value = tiers.describe(before.value + added)
    entries: list[Entry] = [
        TierChanged(
            key=key,
            at=at,
            level=reached.id,
            previous=before.level.id,
            reason=f"qualified with {value} this period",
        )
    ]
    explanation = [Explanation(f"tier-{reached.id}", "tier", 0, f"Welcome to {reached.name}!")]
    for level in tiers.levels[before.level.rank + 1 : reached.rank + 1]:
        if level.upgrade_bonus:
            entries.append(_bonus(level, key, at, settings))
            bonus = settings.amount(DEFAULT_ACCOUNT, level.upgrade_bonus)
            text = f"{level.name} upgrade bonus: +{bonus}"
            explanation.append(
                Explanation(f"tier-{level.id}", "applied", level.upgrade_bonus, text)
            )
    return Upgrade(evaluation, tuple(entries), tuple(explanation))


def _split(old: Evaluation, new: Evaluation, share: Decimal) -> Evaluation:
    """Each rule's points at the old rate, plus ``share`` of what the new rate adds."""
    before = {plan.rule.id: points for plan, points in old.awards}
    awards = tuple(
        (plan, before.get(plan.rule.id, 0) + int((points - before.get(plan.rule.id, 0)) * share))
        for plan, points in new.awards
    )
    plans = {plan.rule.id: (plan, points) for plan, points in awards}
    explanation = tuple(
        plans[line.rule_id][0].explain(plans[line.rule_id][1])
        if line.status == "applied" and line.rule_id in plans
        else line
        for line in new.explanation
    )
    return Evaluation(awards, explanation)


def _bonus(level: Level, key: str, at: datetime, settings: Settings) -> Earned:
    account = settings.account(DEFAULT_ACCOUNT)
    assert level.upgrade_bonus is not None
    return Earned(
        key=f"{key}:bonus:{level.id}",
        at=at,
        points=level.upgrade_bonus,
        rule_id=f"{TIER_BONUS}{level.id}",
        source=key,
        available_at=account.pending.available_at(at, settings.timezone),
        expires_at=account.expiry.expires_at(at, settings.timezone),
        inactivity=account.expiry.inactivity_for(settings.timezone_name),
    )


def recorded_level(history: History, tiers: Tiers, at: datetime) -> str:
    """The tier the ledger's ``TierChanged`` entries say the member had at ``at``."""
    level = tiers.base.id
    for when, changed in history.tier_changes:
        if when <= at:
            level = changed
    return level


def _moments(
    tiers: Tiers,
    history: History,
    joined: datetime,
    start: datetime,
    end: datetime,
    settings: Settings,
) -> list[datetime]:
    """Instants in ``(start, end]`` at which the tier may change by time alone."""
    zone = settings.timezone
    moments = {end}
    if tiers.window in (Window.CALENDAR_YEAR, Window.ANNIVERSARY_YEAR):
        period_start, _ = tiers.period(start, joined, zone)
        while period_start <= end:
            _, period_end = tiers.period(period_start, joined, zone)
            for extra in (tiers.grace, tiers.retention):
                if extra is not None:
                    moments.add(extra.after(period_start, zone))
            moments.add(period_end)
            period_start = period_end
    elif tiers.window is Window.ROLLING and tiers.rolling is not None:
        for duration in (tiers.rolling, tiers.retention):
            if duration is not None:
                for moment in history.series.instants(tiers.gains, None, end):
                    moments.add(duration.after(moment, zone))
    # a return can cost a tier at once
    moments.update(history.series.instants(tiers.losses, start, end + _TICK))
    for floor_start, until, _ in history.tier_floors:
        moments.update(m for m in (floor_start, until) if m is not None)
    return sorted(m for m in moments if start < m <= end)


def review(
    tiers: Tiers, ledger: Ledger, joined: datetime, as_of: datetime, settings: Settings
) -> Outcome:
    """``TierChanged`` entries for every change the ledger has not written down yet up to
    ``as_of`` (period ends, grace and retention running out, returns), each dated when
    it took effect. Idempotent."""
    history = ledger.history
    last = (
        history.tier_changes[-1][0] if history.tier_changes else (history.series.first() or as_of)
    )
    entries: list[Entry] = []
    explanation = []
    level = recorded_level(history, tiers, last)
    for moment in _moments(tiers, history, joined, last, as_of, settings):
        state = tier_state(tiers, history, joined, moment, settings)
        if state.level.id == level:
            continue
        old = tiers.level(level)
        reason = state.reason
        if state.level.rank < old.rank and state.previous_value is not None:
            reason = (
                f"{old.name} not kept: {tiers.describe(state.previous_value)} in the last period"
            )
        key = f"tier:review:{moment.isoformat()}:{state.level.id}"
        if key in ledger:
            level = state.level.id
            continue
        entries.append(
            TierChanged(key=key, at=moment, level=state.level.id, previous=level, reason=reason)
        )
        explanation.append(
            Explanation(
                f"tier-{state.level.id}", "tier", 0, f"{old.name} -> {state.level.name}: {reason}"
            )
        )
        level = state.level.id
    return Outcome(
        event_key=f"tiers:{as_of.isoformat()}",
        entries=tuple(entries),
        explanation=tuple(explanation),
        ledger_version=ledger.version,
    )


def assign(
    tiers: Tiers, ledger: Ledger, level_id: str, until: datetime | None, reason: str,
    actor: str, at: datetime, key: str,
) -> Outcome:  # fmt: skip
    """A manual tier, a floor until ``until``."""
    try:
        level = tiers.level(level_id)
    except KeyError:
        known = ", ".join(level.id for level in tiers.levels)
        raise ValueError(f"no tier {level_id!r}; the tiers are: {known}") from None
    entry_key = f"tier:assigned:{key}"
    entry = TierAssigned(
        key=entry_key, at=at, level=level.id, until=until, reason=reason, actor=actor
    )
    text = f"{level.name} assigned by {actor} ({reason})"
    return Outcome(
        event_key=entry_key,
        entries=(entry,),
        explanation=(Explanation(f"tier-{level.id}", "applied", 0, text),),
        ledger_version=ledger.version,
    )
