"""How members move between tiers: upgrades as purchases cross thresholds (with the
program's rule for the purchase that crosses), changes caused by returns, period-end
re-evaluation written down by ``review``, and manual tiers that act as a floor."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

import attrs

from loyalrules.errors import ValidationError
from loyalrules.ledger.entries import DEFAULT_ACCOUNT, Earned, Entry
from loyalrules.ledger.facts import Facts
from loyalrules.ledger.fold import TIER_BONUS
from loyalrules.ledger.history import History
from loyalrules.ledger.ledger import Ledger
from loyalrules.ledger.standing_entries import TierAssigned, TierChanged
from loyalrules.operations.lifecycle import duplicate
from loyalrules.operations.outcome import Outcome
from loyalrules.rules.context import Context
from loyalrules.rules.explanation import Explanation
from loyalrules.rules.pipeline import Evaluation
from loyalrules.rules.settings import Settings
from loyalrules.terms.tiers import Crossing, Level, Measure, Metric, Tiers, TierState, Window
from loyalrules.values.frozen import value_methods

_TICK = timedelta(microseconds=1)


def tier_state(
    tiers: Tiers, facts: Facts, joined: datetime, at: datetime, settings: Settings
) -> TierState:
    """The member's tier at ``at``, a manual tier in force acting as a floor."""
    state = tiers.tier_at(facts.series, at, joined, settings.timezone)
    for start, until, level_id in facts.tier_floors:
        floor = tiers.level(level_id)
        if start <= at and (until is None or at < until) and floor.rank > state.level.rank:
            state = attrs.evolve(
                state, level=floor, valid_until=until, reason="assigned", assigned=True
            )
    return state


def contribution(measure: Measure, ctx: Context, evaluation: Evaluation) -> Decimal:
    """What this purchase adds to the ``measure``."""
    if measure.metric is Metric.SPEND:
        return ctx.spend
    if measure.metric is Metric.PURCHASES:
        return Decimal(1)
    return Decimal(
        sum(points for plan, points in evaluation.awards if plan.rule.account == measure.account)
    )


@value_methods
@attrs.frozen(eq=False, repr=False)
class Upgrade:
    """A purchase's effect on the member's tier."""

    evaluation: Evaluation
    entries: tuple[Entry, ...]
    explanation: tuple[Explanation, ...]
    rate: str | None = None  # the level whose rate the purchase earned at, when it moved


NO_UPGRADE = Upgrade(Evaluation((), ()), (), ())
"""What a program without tiers (or a purchase that crosses nothing) brings."""


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
    says (``evaluate(level_id)`` evaluates it again at another tier). ``NO_UPGRADE``
    (one object, not one per purchase) when it crosses none: ``evaluation`` stands."""
    if before.level.rank + 1 == len(tiers.levels):  # at the top already
        return NO_UPGRADE
    adds = [contribution(measure, ctx, evaluation) for measure in tiers.measures]
    after = tuple(v + a for v, a in zip(before.values or (before.value,), adds, strict=False))
    added = adds[0]
    if not tiers.reaches_above(after, before.level):  # the usual purchase: no upgrade
        return NO_UPGRADE
    reached = tiers.qualified(after)
    rate = None
    if tiers.crossing is Crossing.NEW_RATE:
        evaluation, rate = evaluate(reached.id), reached.id
    elif tiers.crossing is Crossing.SPLIT and added > 0:
        above = (before.value + added - reached.qualify) / added
        evaluation = _split(evaluation, evaluate(reached.id), min(above, Decimal(1)))
        rate = reached.id  # one lot per rule: the terms of the level it reached
    at = ctx.at
    key = f"tier:{event_key}:{reached.id}"
    value = tiers.describe(after)
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
        if level.upgrade_bonus and not _bonus_given(tiers, level, before, ctx):
            entries.append(_bonus(level, level.upgrade_bonus, key, at, settings))
            bonus = settings.amount(DEFAULT_ACCOUNT, level.upgrade_bonus)
            text = f"{level.name} upgrade bonus: +{bonus}"
            explanation.append(
                Explanation(f"tier-{level.id}", "applied", level.upgrade_bonus, text)
            )
    return Upgrade(evaluation, tuple(entries), tuple(explanation), rate)


def _bonus_given(tiers: Tiers, level: Level, before: TierState, ctx: Context) -> bool:
    """Whether ``level``'s upgrade bonus was given already in this qualification period
    (ever, for lifetime tiers): reaching a tier again after a return earns no second
    bonus."""
    rule = f"{TIER_BONUS}{level.id}"
    start = before.window_start or datetime.min.replace(tzinfo=ctx.at.tzinfo)
    end = before.window_end or datetime.max.replace(tzinfo=ctx.at.tzinfo)
    if tiers.window is Window.ROLLING:
        end = ctx.at + _TICK
    return ctx.history.rule_earnings_between(rule, start, end) > 0


def _split(old: Evaluation, new: Evaluation, share: Decimal) -> Evaluation:
    """Each rule's points at the old rate, plus ``share`` of what the new rate changes
    (rules of the old tier fade out as those of the new one come in). A fixed bonus has
    no share to give: it pays what it pays at the tier reached, whole or not at all."""
    at_old = {plan.pos: (plan, points) for plan, points in old.awards}
    at_new = {plan.pos: (plan, points) for plan, points in new.awards}
    awards = []
    for pos in sorted(at_old.keys() | at_new.keys()):
        plan, was = at_old[pos] if pos in at_old else (at_new[pos][0], 0)
        now = at_new[pos][1] if pos in at_new else 0
        if plan.bonus is not None:
            if now:
                awards.append((at_new[pos][0], now))
            continue
        awards.append((plan, was + int((now - was) * share)))
    lines = {plan.rule.id: plan.explain(points) for plan, points in awards}
    positions = {plan.rule.id: plan.pos for plan, _ in awards}
    missed = [line for line in new.explanation if line.status != "applied"]
    for line in missed:
        positions.setdefault(line.rule_id, len(positions) + 1_000_000)
    explanation = sorted([*lines.values(), *missed], key=lambda line: positions[line.rule_id])
    return Evaluation(tuple(awards), tuple(explanation))


def _bonus(level: Level, points: int, key: str, at: datetime, settings: Settings) -> Earned:
    return Earned(
        key=f"{key}:bonus:{level.id}",
        at=at,
        points=points,
        rule_id=f"{TIER_BONUS}{level.id}",
        source=key,
        **settings.lot_dates(DEFAULT_ACCOUNT, at, expiry=level.expiry),
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
        # A contribution leaves the window just after ``rolling`` (and a tier reached
        # with it, just after ``rolling`` and the retention).
        for moment in tiers.instants(history.series, None, end):
            gone = tiers.rolling.after(moment, zone)
            moments.add(gone + _TICK)
            if tiers.retention is not None:
                moments.add(tiers.retention.after(gone, zone) + _TICK)
    if tiers.valid_for is not None:  # a tier reached at a contribution runs out
        for moment in tiers.instants(history.series, None, end + _TICK):
            moments.add(tiers.held_until(moment, zone))
    # a return can cost a tier at once
    moments.update(tiers.loss_instants(history.series, start, end + _TICK))
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
    if history.tier_changes:
        last = history.tier_changes[-1][0]
    else:  # from the first purchase on, or from just before a manual tier given earlier
        starts = [floor_start - _TICK for floor_start, _, _ in history.tier_floors]
        first = history.series.first()
        last = min([*starts, first]) if first is not None else min(starts, default=as_of)
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
        raise ValidationError(f"no tier {level_id!r}; the tiers are: {known}") from None
    if until is not None and until <= at:
        raise ValidationError(f"until ({until.isoformat()}) must be after at ({at.isoformat()})")
    entry_key = f"tier:assigned:{key}"
    if entry_key in ledger:
        return duplicate(entry_key, ledger)
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
