"""The evaluation pipeline: the same fixed steps for every program.

eligible spend → base points → multipliers (stacking) → bonuses → limits → rounding →
entries. The engine knows the three effect phases, never a rule kind by name. It does
no I/O and reads no clock: the event carries its time.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from decimal import Decimal
from fractions import Fraction

import attrs

from loyalrules.ledger import Earned, Entry, Recorded
from loyalrules.model import Activity, Cart, LineItem
from loyalrules.outcome import Explanation
from loyalrules.rules.context import Context, EligibleLine
from loyalrules.rules.effects import BonusEffect, Multiplier, SpendEffect
from loyalrules.rules.rule import Rule
from loyalrules.settings import EligibleSpendPolicy, RoundingStage, Settings, Stacking

_ZERO = Fraction(0)
_NO_SPEND = Decimal(0)


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
class RuleBook:
    """The program's rules grouped once, at load, by event and phase."""

    rules: tuple[Rule, ...]
    spend: tuple[tuple[int, Rule], ...] = attrs.field(init=False)
    multipliers: tuple[tuple[int, Rule], ...] = attrs.field(init=False)
    bonuses: tuple[tuple[int, Rule], ...] = attrs.field(init=False)
    activities: dict[str, tuple[tuple[int, Rule], ...]] = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        purchase = [(i, r) for i, r in enumerate(self.rules) if r.activities is None]
        by_kind: dict[str, list[tuple[int, Rule]]] = {}
        for i, rule in enumerate(self.rules):
            for kind in sorted(rule.activities or ()):
                by_kind.setdefault(kind, []).append((i, rule))
        set_ = object.__setattr__
        set_(self, "spend", tuple(p for p in purchase if isinstance(p[1].effect, SpendEffect)))
        set_(self, "multipliers", tuple(p for p in purchase if isinstance(p[1].effect, Multiplier)))
        set_(self, "bonuses", tuple(p for p in purchase if isinstance(p[1].effect, BonusEffect)))
        set_(self, "activities", {kind: tuple(rules) for kind, rules in by_kind.items()})


@attrs.frozen
class Evaluation:
    """Points per rule (in program order) and the explanation, before any entry exists."""

    awards: tuple[tuple[Rule, int], ...]
    explanation: tuple[Explanation, ...]


def _selected(rule: Rule, lines: Sequence[EligibleLine]) -> list[int]:
    selector = rule.lines
    return [
        i for i, el in enumerate(lines) if el.eligible and (selector is None or selector(el.line))
    ]


def _stack(
    base: Fraction, factors: Sequence[tuple[int, Fraction]], mode: Stacking
) -> list[tuple[int, Fraction]]:
    """Extra points each multiplier adds on top of ``base`` under the stacking ``mode``."""
    if mode is Stacking.MULTIPLY:
        extras, running = [], base
        for pos, factor in factors:  # program order: each multiplies what came before
            extra = running * (factor - 1)
            extras.append((pos, extra))
            running += extra
        return extras
    if mode is Stacking.ADD:
        return [(pos, base * (factor - 1)) for pos, factor in factors]
    best_pos, best = max(factors, key=lambda pf: (pf[1], -pf[0]))
    return [(best_pos, base * (best - 1))]


def _apportion(total: int, parts: dict[int, Fraction], room: dict[int, int]) -> dict[int, int]:
    """Split a rounded whole ``total`` over exact ``parts`` so that the per-rule points
    add up to it: floors first, then one point each by largest remainder (ties by
    program order). A rule with no ``room`` left under its cap is passed over, so its
    point goes to the next rule; only when every rule is capped is a point dropped."""
    floors = {}
    for pos, value in parts.items():
        cap = room.get(pos)
        floors[pos] = math.floor(value) if cap is None else min(math.floor(value), cap)
    left = total - sum(floors.values())
    order = sorted(parts, key=lambda pos: (floors[pos] - parts[pos], pos))
    while left > 0:
        open_ = [pos for pos in order if pos not in room or floors[pos] < room[pos]]
        for pos in open_[:left]:
            floors[pos] += 1
        if not open_:
            break
        left -= min(left, len(open_))
    return floors


def _cap(rule: Rule, pos: int, units: list[dict[int, Fraction]]) -> None:
    """Scale a spend-derived rule's exact points down to its ``max_points``."""
    if rule.max_points is None:
        return
    total = sum((unit.get(pos, _ZERO) for unit in units), _ZERO)
    if total > rule.max_points:
        scale = Fraction(rule.max_points) / total
        for unit in units:
            if pos in unit:
                unit[pos] *= scale


_Pool = tuple[int, tuple[int, ...], tuple[int, ...]]
"""(rounding unit, spend rules, multiplier rules) shared by the lines of one pool."""


def _spend_points(
    book: RuleBook, ctx: Context, consider: Callable[[int, Rule], list[int] | None]
) -> list[dict[int, Fraction]]:
    """Exact base and multiplier points per rounding unit, keyed by rule position.

    Lines that the same spend rules and multipliers select, in the same rounding unit,
    are pooled: stacking is linear, so pooling gives exactly the per-line result with
    far less arithmetic.
    """
    settings, lines = ctx.settings, ctx.lines
    per_line = settings.rounding_stage is RoundingStage.LINE
    earners: list[list[int]] = [[] for _ in lines]
    multipliers: list[list[int]] = [[] for _ in lines]
    spend_rules: dict[int, SpendEffect] = {}
    factors: dict[int, Fraction] = {}
    for pos, rule in book.spend:
        chosen = consider(pos, rule)
        if chosen is not None:
            assert isinstance(rule.effect, SpendEffect)
            spend_rules[pos] = rule.effect
            for i in chosen:
                earners[i].append(pos)
    for pos, rule in book.multipliers:
        chosen = consider(pos, rule)
        if chosen is not None:
            assert isinstance(rule.effect, Multiplier)
            factors[pos] = rule.effect.factor
            for i in chosen:
                multipliers[i].append(pos)

    pools: dict[_Pool, Decimal] = {}
    seen: dict[tuple[int, int], Decimal] = {}  # spend each rule sees in each unit
    for i, el in enumerate(lines):
        if not earners[i]:
            continue
        unit = i if per_line else 0
        key = (unit, tuple(earners[i]), tuple(multipliers[i]))
        pools[key] = pools[key] + el.spend if key in pools else el.spend
        for pos in earners[i]:
            seen[unit, pos] = seen[unit, pos] + el.spend if (unit, pos) in seen else el.spend

    units: list[dict[int, Fraction]] = [{} for _ in (lines if per_line else (None,))]
    for (unit, earning, multiplying), spend in pools.items():
        exact = units[unit]
        base = _ZERO
        for pos in earning:
            points = spend_rules[pos].earn(spend, seen[unit, pos])
            exact[pos] = exact[pos] + points if pos in exact else points
            base += points
        if multiplying and base:
            stacked = [(pos, factors[pos]) for pos in multiplying]
            for pos, extra in _stack(base, stacked, settings.stacking):
                exact[pos] = exact[pos] + extra if pos in exact else extra
    return units


def evaluate_cart(book: RuleBook, ctx: Context) -> Evaluation:
    """Run a purchase (or a quoted cart) through the pipeline."""
    lines = ctx.lines
    applied: dict[int, Rule] = {}
    missed: dict[int, tuple[Rule, str]] = {}

    def consider(pos: int, rule: Rule) -> list[int] | None:
        """The indexes of the lines the rule acts on, or None when it does not apply.
        A rule scoped to some lines does not apply to a cart without any of them."""
        chosen = _selected(rule, lines)
        if (rule.lines is None or chosen) and rule.applies(ctx):
            applied[pos] = rule
            return chosen
        hint = rule.near_miss(ctx)
        if hint is not None:
            missed[pos] = (rule, hint)
        return None

    units = _spend_points(book, ctx, consider)

    awards: dict[int, int] = {}
    for pos, rule in book.bonuses:
        chosen = consider(pos, rule)
        if chosen is not None:
            assert isinstance(rule.effect, BonusEffect)
            bonus = rule.effect.points(ctx, [lines[i] for i in chosen])
            awards[pos] = bonus if rule.max_points is None else min(bonus, rule.max_points)

    for pos, rule in applied.items():
        if pos not in awards:
            _cap(rule, pos, units)
    rounding = ctx.settings.rounding
    room = {pos: rule.max_points for pos, rule in applied.items() if rule.max_points is not None}
    # Units in line-id order (not cart order), as caps are used up unit by unit.
    for index in sorted(range(len(units)), key=lambda i: lines[i].line.id if lines else ""):
        unit = units[index]
        rounded = rounding.round(sum(unit.values(), _ZERO))
        for pos, points in _apportion(rounded, unit, room).items():
            awards[pos] = awards.get(pos, 0) + points
            if pos in room:
                room[pos] -= points
    return _evaluation(ctx.settings, applied, missed, awards)


def evaluate_activity(book: RuleBook, ctx: Context, kind: str) -> Evaluation:
    """Run an activity (review, newsletter signup...) through its bonus rules."""
    applied: dict[int, Rule] = {}
    missed: dict[int, tuple[Rule, str]] = {}
    awards: dict[int, int] = {}
    for pos, rule in book.activities.get(kind, ()):
        if rule.applies(ctx):
            assert isinstance(rule.effect, BonusEffect)
            applied[pos] = rule
            bonus = rule.effect.points(ctx, ())
            awards[pos] = bonus if rule.max_points is None else min(bonus, rule.max_points)
    return _evaluation(ctx.settings, applied, missed, awards)


def _evaluation(
    settings: Settings,
    applied: dict[int, Rule],
    missed: dict[int, tuple[Rule, str]],
    awards: dict[int, int],
) -> Evaluation:
    unit = settings.points_name
    lines: list[tuple[int, Explanation]] = []
    for pos, rule in applied.items():
        points = awards.get(pos, 0)
        lines.append(
            (pos, Explanation(rule.id, "applied", points, f"{rule.name}: +{points} {unit}"))
        )
    for pos, (rule, hint) in missed.items():
        text = f"{hint[0].upper()}{hint[1:]} to get {rule.effect.promise(unit)} ({rule.name})"
        lines.append((pos, Explanation(rule.id, "missed", 0, text)))
    lines.sort(key=lambda item: item[0])
    return Evaluation(
        awards=tuple((rule, awards.get(pos, 0)) for pos, rule in sorted(applied.items())),
        explanation=tuple(line for _, line in lines),
    )


def purchase_key(purchase_id: str) -> str:
    return f"purchase:{purchase_id}"


def activity_key(activity: Activity) -> str:
    return f"activity:{activity.kind}:{activity.id}"


def entries_for(event_key: str, recorded: Recorded, evaluation: Evaluation) -> tuple[Entry, ...]:
    """The ``Recorded`` entry plus one ``Earned`` lot per rule that gave points."""
    entries: list[Entry] = [recorded]
    for rule, points in evaluation.awards:
        if points > 0:
            entries.append(
                Earned(
                    key=f"{event_key}:earn:{rule.id}",
                    at=recorded.at,
                    points=points,
                    rule_id=rule.id,
                    source=event_key,
                )
            )
    return tuple(entries)
