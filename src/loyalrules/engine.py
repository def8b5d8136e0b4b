"""The evaluation pipeline: the same fixed steps for every program.

eligible spend → base points → multipliers (stacking) → bonuses → limits → rounding →
entries. The engine knows the three effect phases, never a rule kind by name. It does
no I/O and reads no clock: the event carries its time.

Points before rounding are exact rationals, kept as ``(numerator, denominator)`` pairs
of integers: the same exactness as ``fractions.Fraction`` at a fraction of its cost on
this hot path (see docs/decisions/0001-exact-arithmetic.md).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, tzinfo
from decimal import Decimal

import attrs

from loyalrules.entries import DEFAULT_ACCOUNT, Earned, Entry, Inactivity, Recorded
from loyalrules.model import Activity, Cart, LineItem
from loyalrules.money import format_money, minor_units
from loyalrules.outcome import Explanation
from loyalrules.policies import Account, Expiry, Pending, Unit
from loyalrules.rules.context import Context, EligibleLine
from loyalrules.rules.effects import BonusEffect, Multiplier, SpendEffect
from loyalrules.rules.rule import Rule
from loyalrules.settings import EligibleSpendPolicy, RoundingStage, Settings, Stacking

Ratio = tuple[int, int]
"""An exact rational ``numerator / denominator`` with a positive denominator."""

_NO_SPEND = Decimal(0)


def _plus(a: Ratio, b: Ratio) -> Ratio:
    if a[1] == b[1]:
        return a[0] + b[0], a[1]
    return a[0] * b[1] + b[0] * a[1], a[1] * b[1]


def eligible_lines(cart: Cart, policy: EligibleSpendPolicy) -> tuple[EligibleLine, ...]:
    """Each line with the spend that earns: net of line and (allocated) order discounts
    unless discounts do not reduce spend; zero for excluded lines. Shipping and tax join
    as lines of their own category when the policy includes them."""
    reduce = policy.discounts_reduce
    shares = cart.order_discount_shares() if reduce and cart.order_discount else None
    exclude = policy.exclude
    result = []
    for index, line in enumerate(cart.lines):
        eligible = exclude is None or not exclude(line)
        spend = line.unit_price.amount * line.quantity if eligible else _NO_SPEND
        if eligible and reduce:
            if line.discount is not None:
                spend -= line.discount.amount
            if shares is not None:
                # Never below zero, even when a sub-cent line had to take a whole cent.
                spend = max(spend - shares[index].amount, _NO_SPEND)
        result.append(EligibleLine(line, spend, eligible))
    for name, amount in (
        ("shipping", cart.shipping if policy.include_shipping else None),
        ("tax", cart.tax if policy.include_tax else None),
    ):
        if amount is not None:
            extra = LineItem(id=f"({name})", sku=name, category=name, unit_price=amount)
            result.append(EligibleLine(extra, amount.amount, True))
    return tuple(result)


@attrs.frozen
class PlannedRule:
    """A rule with what evaluating it needs precomputed once, at load: its texts, its
    account and how that account dates the lots the rule credits."""

    pos: int
    rule: Rule
    earn_key: str
    applied_text: str
    missed_text: str
    can_miss: bool
    account: Account
    pending: Pending
    expiry: Expiry
    inactivity: Inactivity | None
    zone: tzinfo
    currency: str
    factor: Ratio | None = None

    @classmethod
    def of(cls, pos: int, rule: Rule, settings: Settings) -> PlannedRule:
        effect = rule.effect
        factor = effect.factor.as_integer_ratio() if isinstance(effect, Multiplier) else None
        account = settings.account(rule.account)
        unit = settings.points_name if account.name == DEFAULT_ACCOUNT else account.name
        expiry = rule.expiry or account.expiry
        return cls(
            pos=pos,
            rule=rule,
            earn_key=f":earn:{rule.id}",
            applied_text=f"{rule.name}: +{{}} {unit}",
            missed_text=f" to get {effect.promise(unit)} ({rule.name})",
            can_miss=rule.condition is not None and rule.condition.can_miss,
            account=account,
            pending=rule.pending or account.pending,
            expiry=expiry,
            inactivity=expiry.inactivity_for(settings.timezone_name),
            zone=settings.timezone,
            currency=settings.currency,
            factor=factor,
        )

    def explain(self, points: int) -> Explanation:
        if self.account.unit is Unit.MONEY:
            amount = Decimal(points).scaleb(-minor_units(self.currency))
            text = f"{self.rule.name}: +{format_money(amount, self.currency)}"
        else:
            text = self.applied_text.format(points)
        return Explanation(self.rule.id, "applied", points, text)

    def explain_miss(self, hint: str) -> Explanation:
        return Explanation(self.rule.id, "missed", 0, hint[0].upper() + hint[1:] + self.missed_text)

    def lot(self, event_key: str, at: datetime, points: int) -> Earned:
        """The lot this rule credits for the event ``event_key``, dated by its policies."""
        return Earned(
            key=event_key + self.earn_key,
            at=at,
            points=points,
            rule_id=self.rule.id,
            source=event_key,
            account=self.account.name,
            available_at=self.pending.available_at(at, self.zone),
            expires_at=self.expiry.expires_at(at, self.zone),
            inactivity=self.inactivity,
        )


def _grouped(plans: list[PlannedRule], kind: type) -> tuple[PlannedRule, ...]:
    return tuple(p for p in plans if isinstance(p.rule.effect, kind))


@attrs.frozen
class RuleBook:
    """The program's rules planned once, at load, by event and phase."""

    rules: tuple[Rule, ...]
    settings: Settings
    spend: tuple[PlannedRule, ...] = attrs.field(init=False)
    multipliers: tuple[PlannedRule, ...] = attrs.field(init=False)
    bonuses: tuple[PlannedRule, ...] = attrs.field(init=False)
    activities: dict[str, tuple[PlannedRule, ...]] = attrs.field(init=False)
    account_of: tuple[str, ...] = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        plans = [PlannedRule.of(i, r, self.settings) for i, r in enumerate(self.rules)]
        purchase = [p for p in plans if p.rule.activities is None]
        by_kind: dict[str, list[PlannedRule]] = {}
        for plan in plans:
            for kind in sorted(plan.rule.activities or ()):
                by_kind.setdefault(kind, []).append(plan)
        set_ = object.__setattr__
        set_(self, "spend", _grouped(purchase, SpendEffect))
        set_(self, "multipliers", _grouped(purchase, Multiplier))
        set_(self, "bonuses", _grouped(purchase, BonusEffect))
        set_(self, "activities", {kind: tuple(p) for kind, p in by_kind.items()})
        set_(self, "account_of", tuple(p.account.name for p in plans))


@attrs.frozen
class Evaluation:
    """Points per applied rule (in program order) and the explanation."""

    awards: tuple[tuple[PlannedRule, int], ...]
    explanation: tuple[Explanation, ...]


class _Run:
    """The bookkeeping of one evaluation: which rules applied, which were just missed."""

    __slots__ = ("applied", "ctx", "eligible", "missed")

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.eligible = [i for i, el in enumerate(ctx.lines) if el.eligible]
        self.applied: dict[int, PlannedRule] = {}
        self.missed: list[tuple[int, Explanation]] = []

    def consider(self, plan: PlannedRule) -> list[int] | None:
        """The lines the rule acts on, or None when it does not apply. A rule scoped to
        some lines does not apply to a cart without any of them."""
        rule, ctx = plan.rule, self.ctx
        chosen = self.eligible
        if rule.lines is not None:
            selector, lines = rule.lines, ctx.lines
            chosen = [i for i in chosen if selector(lines[i].line)]
            if not chosen:
                return None
        if rule.applies(ctx):
            self.applied[plan.pos] = plan
            return chosen
        if plan.can_miss:
            hint = rule.near_miss(ctx)
            if hint is not None:
                self.missed.append((plan.pos, plan.explain_miss(hint)))
        return None

    def result(self, awards: dict[int, int]) -> Evaluation:
        lines = [(pos, plan.explain(awards.get(pos, 0))) for pos, plan in self.applied.items()]
        lines += self.missed
        lines.sort(key=lambda item: item[0])
        return Evaluation(
            awards=tuple((plan, awards.get(pos, 0)) for pos, plan in sorted(self.applied.items())),
            explanation=tuple(line for _, line in lines),
        )


def _stack(
    base: Ratio, factors: Sequence[tuple[int, Ratio]], mode: Stacking
) -> list[tuple[int, Ratio]]:
    """Extra points each multiplier adds on top of ``base`` under the stacking ``mode``."""
    n, d = base
    if mode is Stacking.MULTIPLY:
        extras = []
        for pos, (a, b) in factors:  # program order: each multiplies what came before
            extras.append((pos, (n * (a - b), d * b)))
            n, d = n * a, d * b
        return extras
    if mode is Stacking.ADD:
        return [(pos, (n * (a - b), d * b)) for pos, (a, b) in factors]
    best_pos, (a, b) = factors[0]
    for pos, (a2, b2) in factors[1:]:
        if a2 * b > a * b2:  # strictly better; ties keep the rule written first
            best_pos, a, b = pos, a2, b2
    return [(best_pos, (n * (a - b), d * b))]


def _spend_points(book: RuleBook, run: _Run) -> list[dict[int, Ratio]]:
    """Exact base and multiplier points per rounding unit, keyed by rule position.

    Lines that the same spend rules and multipliers select, in the same rounding unit,
    are pooled: stacking is linear, so pooling gives exactly the per-line result with
    far less arithmetic.
    """
    ctx = run.ctx
    lines = ctx.lines
    per_line = ctx.settings.rounding_stage is RoundingStage.LINE
    # Per line, the positions of the spend rules and multipliers that act on it.
    earners: dict[int, list[int]] = {}
    multipliers: dict[int, list[int]] = {}
    spend_effects: dict[int, SpendEffect] = {}
    factors: dict[int, Ratio] = {}
    for plan in book.spend:
        chosen = run.consider(plan)
        if chosen:
            assert isinstance(plan.rule.effect, SpendEffect)
            spend_effects[plan.pos] = plan.rule.effect
            for i in chosen:
                earners.setdefault(i, []).append(plan.pos)
    for plan in book.multipliers:
        chosen = run.consider(plan)
        if chosen and plan.factor is not None:
            factors[plan.pos] = plan.factor
            for i in chosen:
                multipliers.setdefault(i, []).append(plan.pos)

    # A rounding unit is a line (or the order) in one account: multipliers act on the
    # points of their own account, and each account is rounded on its own.
    pools: dict[tuple[tuple[int, str], tuple[int, ...], tuple[int, ...]], Decimal] = {}
    seen: dict[tuple[tuple[int, str], int], Decimal] = {}  # spend each rule sees per unit
    for i, earning in earners.items():
        spend = lines[i].spend
        for account, earning_here in _by_account(book, earning):
            unit = (i if per_line else 0, account)
            multiplying = tuple(
                pos for pos in multipliers.get(i, ()) if book.account_of[pos] == account
            )
            key = (unit, earning_here, multiplying)
            pools[key] = pools[key] + spend if key in pools else spend
            for pos in earning_here:
                seen[unit, pos] = seen[unit, pos] + spend if (unit, pos) in seen else spend

    units: dict[tuple[int, str], dict[int, Ratio]] = {}
    stacking = ctx.settings.stacking
    for (unit, earning_at, multiplying), spend in pools.items():
        exact = units.setdefault(unit, {})
        base = (0, 1)
        for pos in earning_at:
            points = spend_effects[pos].earn_exact(spend, seen[unit, pos])
            exact[pos] = _plus(exact[pos], points) if pos in exact else points
            base = _plus(base, points)
        if multiplying and base[0]:
            stacked = [(pos, factors[pos]) for pos in multiplying]
            for pos, extra in _stack(base, stacked, stacking):
                exact[pos] = _plus(exact[pos], extra) if pos in exact else extra
    # Units in line-id order (not cart order): caps are used up unit by unit.
    order = sorted(units, key=lambda unit: (lines[unit[0]].line.id, unit[1]))
    return [units[unit] for unit in order]


def _by_account(book: RuleBook, earning: list[int]) -> list[tuple[str, tuple[int, ...]]]:
    """Spend rule positions grouped by the account they credit."""
    accounts = book.account_of
    first = accounts[earning[0]]
    if all(accounts[pos] == first for pos in earning):  # the common case: one account
        return [(first, tuple(earning))]
    grouped: dict[str, list[int]] = {}
    for pos in earning:
        grouped.setdefault(accounts[pos], []).append(pos)
    return [(account, tuple(positions)) for account, positions in grouped.items()]


def _cap(pos: int, cap: int, units: list[dict[int, Ratio]]) -> None:
    """Scale a spend-derived rule's exact points down to its ``max_points``."""
    total = (0, 1)
    for unit in units:
        if pos in unit:
            total = _plus(total, unit[pos])
    n, d = total
    if n > cap * d:
        for unit in units:
            if pos in unit:
                un, ud = unit[pos]
                unit[pos] = (un * cap * d, ud * n)


def _apportion(
    total: int, numerators: dict[int, int], denominator: int, room: dict[int, int]
) -> dict[int, int]:
    """Split a rounded whole ``total`` over exact parts ``numerators / denominator`` so
    that the per-rule points add up to it: floors first, then one point each by largest
    remainder (ties by program order). A rule with no ``room`` left under its cap is
    passed over, so its point goes to the next rule; only when every rule is capped is a
    point dropped."""
    floors = {}
    for pos, n in numerators.items():
        cap = room.get(pos)
        floors[pos] = n // denominator if cap is None else min(n // denominator, cap)
    left = total - sum(floors.values())
    if left:
        order = sorted(numerators, key=lambda pos: (-(numerators[pos] % denominator), pos))
        while left > 0:
            open_ = [pos for pos in order if pos not in room or floors[pos] < room[pos]]
            if not open_:
                break
            for pos in open_[:left]:
                floors[pos] += 1
            left -= min(left, len(open_))
    return floors


def evaluate_cart(book: RuleBook, ctx: Context) -> Evaluation:
    """Run a purchase (or a quoted cart) through the pipeline."""
    run = _Run(ctx)
    units = _spend_points(book, run)

    awards: dict[int, int] = {}
    lines = ctx.lines
    for plan in book.bonuses:
        chosen = run.consider(plan)
        if chosen is not None:
            assert isinstance(plan.rule.effect, BonusEffect)
            bonus = plan.rule.effect.points(ctx, [lines[i] for i in chosen])
            cap = plan.rule.max_points
            awards[plan.pos] = bonus if cap is None else min(bonus, cap)

    room = {}
    for pos, plan in run.applied.items():
        cap = plan.rule.max_points
        if cap is not None and pos not in awards:
            _cap(pos, cap, units)
            room[pos] = cap
    rounding = ctx.settings.rounding
    for unit in units:
        if len(unit) == 1:  # one rule: no apportioning needed
            ((pos, (n, d)),) = unit.items()
            points = rounding.round_ratio(n, d)
            if pos in room:
                points = min(points, room[pos])
                room[pos] -= points
            awards[pos] = awards.get(pos, 0) + points
            continue
        denominator = math.lcm(*(d for _, d in unit.values()))
        numerators = {pos: n * (denominator // d) for pos, (n, d) in unit.items()}
        rounded = rounding.round_ratio(sum(numerators.values()), denominator)
        for pos, points in _apportion(rounded, numerators, denominator, room).items():
            awards[pos] = awards.get(pos, 0) + points
            if pos in room:
                room[pos] -= points
    return run.result(awards)


def evaluate_activity(book: RuleBook, ctx: Context, kind: str) -> Evaluation:
    """Run an activity (review, newsletter signup...) through its bonus rules."""
    run = _Run(ctx)
    awards: dict[int, int] = {}
    for plan in book.activities.get(kind, ()):
        if run.consider(plan) is not None:
            assert isinstance(plan.rule.effect, BonusEffect)
            bonus = plan.rule.effect.points(ctx, ())
            cap = plan.rule.max_points
            awards[plan.pos] = bonus if cap is None else min(bonus, cap)
    return run.result(awards)


def purchase_key(purchase_id: str) -> str:
    return f"purchase:{purchase_id}"


def activity_key(activity: Activity) -> str:
    return f"activity:{activity.kind}:{activity.id}"


def entries_for(event_key: str, recorded: Recorded, evaluation: Evaluation) -> tuple[Entry, ...]:
    """The ``Recorded`` entry plus one ``Earned`` lot per rule that gave points."""
    at = recorded.at
    return (
        recorded,
        *(plan.lot(event_key, at, points) for plan, points in evaluation.awards if points > 0),
    )
