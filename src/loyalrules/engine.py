"""The evaluation pipeline: the same fixed steps for every program.

eligible spend → base points → multipliers (stacking) → bonuses → limits → rounding →
entries. The engine knows the three effect phases, never a rule kind by name. It does
no I/O and reads no clock: the event carries its time.

Points before rounding are exact rationals, kept as ``(numerator, denominator)`` pairs
of integers: the same exactness as ``fractions.Fraction`` at a fraction of its cost on
this hot path (see docs/decisions/0001-exact-arithmetic.md).
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Sequence
from decimal import Decimal

import attrs

from loyalrules.ledger import Earned, Entry, Recorded
from loyalrules.model import Activity, Cart, LineItem
from loyalrules.money import allocate_amounts
from loyalrules.outcome import Explanation
from loyalrules.rules.context import Context, EligibleLine
from loyalrules.rules.effects import BonusEffect, Multiplier, SpendEffect
from loyalrules.rules.rule import Rule
from loyalrules.rules.selectors import LineSelector
from loyalrules.settings import (
    EligibleSpendPolicy,
    RoundingMode,
    RoundingStage,
    Settings,
    Stacking,
)

Ratio = tuple[int, int]
"""An exact rational ``numerator / denominator`` with a positive denominator."""

_NO_SPEND = Decimal(0)


def _plus(a: Ratio, b: Ratio) -> Ratio:
    if a[1] == b[1]:
        return a[0] + b[0], a[1]
    return a[0] * b[1] + b[0] * a[1], a[1] * b[1]


def _discount_shares(cart: Cart) -> list[Decimal]:
    """The order discount's share of each line, as :meth:`Cart.order_discount_shares`
    gives it but without building ``Money`` for every net and share."""
    nets = []
    for line in cart.lines:
        net = line.unit_price.amount * line.quantity
        nets.append(net if line.discount is None else net - line.discount.amount)
    discount = cart.order_discount
    assert discount is not None
    return allocate_amounts(
        discount.amount, discount.currency, nets, [line.id for line in cart.lines]
    )


def eligible_lines(cart: Cart, policy: EligibleSpendPolicy) -> tuple[EligibleLine, ...]:
    """Each line with the spend that earns: net of line and (allocated) order discounts
    unless discounts do not reduce spend; zero for excluded lines. Shipping and tax join
    as lines of their own category when the policy includes them."""
    reduce = policy.discounts_reduce
    discount = cart.order_discount
    shares = _discount_shares(cart) if reduce and discount is not None and discount else None
    exclude = policy.exclude
    result = []
    for index, line in enumerate(cart.lines):
        if exclude is not None and exclude(line):
            result.append(EligibleLine(line, _NO_SPEND, False))
            continue
        spend = line.unit_price.amount * line.quantity
        if reduce:
            if line.discount is not None:
                spend -= line.discount.amount
            if shares is not None:
                # Never below zero, even when a sub-cent line had to take a whole cent.
                spend = max(spend - shares[index], _NO_SPEND)
        result.append(EligibleLine(line, spend, True))
    for name, amount in (
        ("shipping", cart.shipping if policy.include_shipping else None),
        ("tax", cart.tax if policy.include_tax else None),
    ):
        if amount is not None:
            extra = LineItem(id=f"({name})", sku=name, category=name, unit_price=amount)
            result.append(EligibleLine(extra, amount.amount, True))
    return tuple(result)


class Phase(enum.Enum):
    """The pipeline step a rule's effect belongs to."""

    SPEND = "spend"
    MULTIPLY = "multiply"
    BONUS = "bonus"


_PHASES = ((SpendEffect, Phase.SPEND), (Multiplier, Phase.MULTIPLY), (BonusEffect, Phase.BONUS))


def _phase(effect: object) -> Phase | None:
    for kind, phase in _PHASES:
        if isinstance(effect, kind):
            return phase
    return None


def _test(rule: Rule) -> Callable[[Context], bool] | None:
    """The cheapest call that says whether ``rule`` applies (None: it always does).

    ``Rule.applies`` checks the window, the limit and the condition; most rules have only
    one of them, and calling that one directly saves two calls per rule per event."""
    if type(rule).applies is not Rule.applies or rule.limit is not None:
        return rule.applies
    if rule.active is None:
        return rule.condition
    return rule.active if rule.condition is None else rule.applies


@attrs.frozen(eq=False)
class PlannedRule:
    """A rule with what evaluating it needs precomputed once, at load."""

    pos: int
    rule: Rule
    earn_key: str
    applied_text: tuple[str, str]
    missed_text: str
    can_miss: bool
    factor: Ratio | None = None
    phase: Phase | None = None
    test: Callable[[Context], bool] | None = None
    lines: LineSelector | None = None

    @classmethod
    def of(cls, pos: int, rule: Rule, unit: str) -> PlannedRule:
        effect = rule.effect
        factor = effect.factor.as_integer_ratio() if isinstance(effect, Multiplier) else None
        return cls(
            pos=pos,
            rule=rule,
            earn_key=f":earn:{rule.id}",
            applied_text=(f"{rule.name}: +", f" {unit}"),
            missed_text=f" to get {effect.promise(unit)} ({rule.name})",
            can_miss=rule.condition is not None and rule.condition.can_miss,
            factor=factor,
            phase=_phase(effect),
            test=_test(rule),
            lines=rule.lines,
        )

    def explain(self, points: int) -> Explanation:
        before, after = self.applied_text
        return Explanation(self.rule.id, "applied", points, f"{before}{points}{after}")

    def explain_miss(self, hint: str) -> Explanation:
        return Explanation(self.rule.id, "missed", 0, hint[0].upper() + hint[1:] + self.missed_text)


def _grouped(plans: list[PlannedRule], phase: Phase) -> tuple[PlannedRule, ...]:
    return tuple(p for p in plans if p.phase is phase)


@attrs.frozen
class RuleBook:
    """The program's rules planned once, at load, by event and phase.

    ``purchase`` holds the purchase rules of the three phases in program order, which is
    the order of their explanation lines; ``spend``, ``multipliers`` and ``bonuses`` hold
    the same rules by phase.
    """

    rules: tuple[Rule, ...]
    points_name: str
    purchase: tuple[PlannedRule, ...] = attrs.field(init=False)
    spend: tuple[PlannedRule, ...] = attrs.field(init=False)
    multipliers: tuple[PlannedRule, ...] = attrs.field(init=False)
    bonuses: tuple[PlannedRule, ...] = attrs.field(init=False)
    activities: dict[str, tuple[PlannedRule, ...]] = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        plans = [PlannedRule.of(i, r, self.points_name) for i, r in enumerate(self.rules)]
        purchase = [p for p in plans if p.rule.activities is None and p.phase is not None]
        by_kind: dict[str, list[PlannedRule]] = {}
        for plan in plans:
            for kind in sorted(plan.rule.activities or ()):
                by_kind.setdefault(kind, []).append(plan)
        set_ = object.__setattr__
        set_(self, "purchase", tuple(purchase))
        set_(self, "spend", _grouped(purchase, Phase.SPEND))
        set_(self, "multipliers", _grouped(purchase, Phase.MULTIPLY))
        set_(self, "bonuses", _grouped(purchase, Phase.BONUS))
        set_(self, "activities", {kind: tuple(p) for kind, p in by_kind.items()})


@attrs.frozen
class Evaluation:
    """Points per applied rule (in program order) and the explanation."""

    awards: tuple[tuple[PlannedRule, int], ...]
    explanation: tuple[Explanation, ...]


Chosen = Sequence[EligibleLine]
"""The eligible lines a rule acts on."""


def _screen(
    plans: Sequence[PlannedRule], ctx: Context, eligible: Chosen
) -> tuple[list[PlannedRule | Explanation], list[tuple[PlannedRule, Chosen | None]]]:
    """Which of ``plans`` apply, in program order, each with the lines it acts on
    (``None``: every eligible line); and the explanation slots, in program order: the
    plan of a rule that applied (its points are not known yet) or a near-miss line.

    A rule scoped to some lines does not apply to a cart without any of them."""
    slots: list[PlannedRule | Explanation] = []
    applied: list[tuple[PlannedRule, Chosen | None]] = []
    for plan in plans:
        chosen: Chosen | None = None
        selector = plan.lines
        if selector is not None:
            chosen = [el for el in eligible if selector(el.line)]
            if not chosen:
                continue
        test = plan.test
        if test is None or test(ctx):
            slots.append(plan)
            applied.append((plan, chosen))
        elif plan.can_miss:
            hint = plan.rule.near_miss(ctx)
            if hint is not None:
                slots.append(plan.explain_miss(hint))
    return slots, applied


def _explained(slots: list[PlannedRule | Explanation], awards: dict[int, int]) -> Evaluation:
    """The evaluation, once every applied rule's points are known."""
    awarded = []
    explanation = []
    for slot in slots:
        if isinstance(slot, PlannedRule):
            points = awards.get(slot.pos, 0)
            awarded.append((slot, points))
            explanation.append(slot.explain(points))
        else:
            explanation.append(slot)
    return Evaluation(tuple(awarded), tuple(explanation))


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


Pool = tuple[tuple[PlannedRule, ...], tuple[PlannedRule, ...]]
"""The spend rules and the multipliers acting on some lines, in program order."""


def _acting(
    rules: list[tuple[PlannedRule, Chosen | None]], el: EligibleLine
) -> tuple[PlannedRule, ...]:
    return tuple(plan for plan, chosen in rules if chosen is None or el in chosen)


def _spend_points(
    earning: list[tuple[PlannedRule, Chosen | None]],
    multiplying: list[tuple[PlannedRule, Chosen | None]],
    eligible: Chosen,
    settings: Settings,
) -> list[dict[int, Ratio]]:
    """Exact base and multiplier points per rounding unit, keyed by rule position.

    Lines that the same spend rules and multipliers select, in the same rounding unit,
    are pooled: stacking is linear, so pooling gives exactly the per-line result with
    far less arithmetic. When no rule is scoped to some lines and rounding is per order,
    every eligible line is in one pool.
    """
    per_line = settings.rounding_stage is RoundingStage.LINE
    # pools[unit][(spend rules, multipliers)]: spend; seen[unit][pos]: spend the rule sees
    pools: dict[EligibleLine | None, dict[Pool, Decimal]] = {}
    seen: dict[EligibleLine | None, dict[int, Decimal]] = {}
    if (
        not per_line
        and all(c is None for _, c in earning)
        and all(c is None for _, c in multiplying)
    ):
        spend = _NO_SPEND
        for el in eligible:
            spend += el.spend
        if eligible:
            pools[None] = {(tuple(p for p, _ in earning), tuple(p for p, _ in multiplying)): spend}
            seen[None] = {plan.pos: spend for plan, _ in earning}
    else:
        for el in eligible:
            earners = _acting(earning, el)
            if not earners:
                continue
            unit = el if per_line else None
            key = (earners, _acting(multiplying, el))
            pooled = pools.setdefault(unit, {})
            pooled[key] = pooled[key] + el.spend if key in pooled else el.spend
            sees = seen.setdefault(unit, {})
            for plan in earners:
                pos = plan.pos
                sees[pos] = sees[pos] + el.spend if pos in sees else el.spend

    stacking = settings.stacking
    units = []
    # Units in line-id order (not cart order): caps are used up unit by unit.
    order = sorted(pools, key=lambda el: el.line.id) if per_line else list(pools)  # type: ignore[union-attr]
    for unit in order:
        exact: dict[int, Ratio] = {}
        sees = seen[unit]
        for (earners, multipliers), spend in pools[unit].items():
            base = (0, 1)
            for plan in earners:
                effect = plan.rule.effect
                assert isinstance(effect, SpendEffect)
                pos = plan.pos
                points = effect.earn_exact(spend, sees[pos])
                exact[pos] = _plus(exact[pos], points) if pos in exact else points
                base = _plus(base, points)
            if multipliers and base[0]:
                stacked = [(plan.pos, plan.factor) for plan in multipliers if plan.factor]
                for pos, extra in _stack(base, stacked, stacking):
                    exact[pos] = _plus(exact[pos], extra) if pos in exact else extra
        units.append(exact)
    return units


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


def _round(
    units: list[dict[int, Ratio]],
    room: dict[int, int],
    rounding: RoundingMode,
    awards: dict[int, int],
) -> None:
    """Round each unit's exact points once and add them to ``awards``, rule by rule."""
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


def _eligible(ctx: Context) -> tuple[EligibleLine, ...]:
    lines = ctx.lines
    for el in lines:
        if not el.eligible:
            return tuple([el for el in lines if el.eligible])
    return lines


def _bonus(plan: PlannedRule, ctx: Context, lines: Chosen) -> int:
    effect = plan.rule.effect
    assert isinstance(effect, BonusEffect)
    bonus = effect.points(ctx, lines)
    cap = plan.rule.max_points
    return bonus if cap is None else min(bonus, cap)


def evaluate_cart(book: RuleBook, ctx: Context) -> Evaluation:
    """Run a purchase (or a quoted cart) through the pipeline."""
    eligible = _eligible(ctx)
    slots, applied = _screen(book.purchase, ctx, eligible)
    earning = []
    multiplying = []
    awards: dict[int, int] = {}
    for plan, chosen in applied:
        phase = plan.phase
        if phase is Phase.SPEND:
            earning.append((plan, chosen))
        elif phase is Phase.MULTIPLY:
            multiplying.append((plan, chosen))
        else:
            awards[plan.pos] = _bonus(plan, ctx, list(eligible) if chosen is None else chosen)
    if earning:
        units = _spend_points(earning, multiplying, eligible, ctx.settings)
        room = {}
        for plan, _ in earning + multiplying:
            cap = plan.rule.max_points
            if cap is not None:
                _cap(plan.pos, cap, units)
                room[plan.pos] = cap
        _round(units, room, ctx.settings.rounding, awards)
    return _explained(slots, awards)


def evaluate_activity(book: RuleBook, ctx: Context, kind: str) -> Evaluation:
    """Run an activity (review, newsletter signup...) through its bonus rules."""
    slots, applied = _screen(book.activities.get(kind, ()), ctx, _eligible(ctx))
    awards = {plan.pos: _bonus(plan, ctx, ()) for plan, _ in applied}
    return _explained(slots, awards)


def purchase_key(purchase_id: str) -> str:
    return f"purchase:{purchase_id}"


def activity_key(activity: Activity) -> str:
    return f"activity:{activity.kind}:{activity.id}"


def entries_for(event_key: str, recorded: Recorded, evaluation: Evaluation) -> tuple[Entry, ...]:
    """The ``Recorded`` entry plus one ``Earned`` lot per rule that gave points."""
    entries: list[Entry] = [recorded]
    at = recorded.at
    for plan, points in evaluation.awards:
        if points > 0:
            entries.append(
                Earned(
                    key=event_key + plan.earn_key,
                    at=at,
                    points=points,
                    rule_id=plan.rule.id,
                    source=event_key,
                    available_at=at,
                )
            )
    return tuple(entries)
