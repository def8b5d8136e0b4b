"""Exact points of spend rules and multipliers, and their rounding to whole points.

Points before rounding are exact rationals, kept as ``(numerator, denominator)`` pairs
of integers: the same exactness as ``fractions.Fraction`` at a fraction of its cost on
this hot path (see docs/decisions/0001-exact-arithmetic.md). A rounding unit is the
order, or one line when the program rounds per line; its points are a dict from rule
position to exact points.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal

from loyalrules.errors import InternalError
from loyalrules.rules.context import Context
from loyalrules.rules.lines import EligibleLine
from loyalrules.rules.rulebook import PlannedRule, Ratio
from loyalrules.rules.settings import RoundingMode, RoundingStage, Stacking

Chosen = Sequence[EligibleLine]
"""The eligible lines a rule acts on."""

Scopes = dict[int, Chosen]
"""The lines each rule scoped to some lines acts on, by rule position; a rule not in it
acts on every eligible line."""

_NO_SPEND = Decimal(0)


def plus(a: Ratio, b: Ratio) -> Ratio:
    """``a + b``, exactly."""
    if a[1] == b[1]:
        return a[0] + b[0], a[1]
    return a[0] * b[1] + b[0] * a[1], a[1] * b[1]


def _add(exact: dict[int, Ratio], pos: int, n: int, d: int) -> None:
    if pos in exact:
        n0, d0 = exact[pos]
        exact[pos] = (n0 + n, d) if d0 == d else (n0 * d + n * d0, d0 * d)
    else:
        exact[pos] = (n, d)


def _earn(
    exact: dict[int, Ratio],
    spend: Decimal,
    earners: Sequence[PlannedRule],
    multipliers: Sequence[PlannedRule],
    seen: dict[int, Decimal] | None,
    stacking: Stacking,
) -> None:
    """Add to ``exact`` the base and multiplier points of ``spend`` on lines that all
    of ``earners`` and ``multipliers`` act on. ``seen`` is the spend each earner sees in
    the rounding unit (``None``: ``spend`` is all of it)."""
    if len(earners) == 1 and not exact:  # the usual order: one spend rule, a new unit
        plan = earners[0]
        earn = plan.earn
        if earn is None:
            raise InternalError(f"rule {plan.rule.id!r} has no spend effect but earns on spend")
        base_n, base_d = exact[plan.pos] = earn(spend, spend if seen is None else seen[plan.pos])
    else:
        base_n, base_d = 0, 1
        for plan in earners:
            earn = plan.earn
            if earn is None:
                raise InternalError(f"rule {plan.rule.id!r} has no spend effect but earns on spend")
            pos = plan.pos
            n, d = earn(spend, spend if seen is None else seen[pos])
            _add(exact, pos, n, d)
            if base_d == d:
                base_n += n
            else:
                base_n, base_d = base_n * d + n * base_d, base_d * d
    if not multipliers or not base_n:
        return
    if stacking is Stacking.MULTIPLY:
        for plan in multipliers:  # program order: each multiplies what came before
            a, b = plan.factor
            pos = plan.pos
            if pos in exact:
                _add(exact, pos, base_n * (a - b), base_d * b)
            else:
                exact[pos] = (base_n * (a - b), base_d * b)
            base_n, base_d = base_n * a, base_d * b
    elif stacking is Stacking.ADD:
        for plan in multipliers:
            a, b = plan.factor
            _add(exact, plan.pos, base_n * (a - b), base_d * b)
    else:
        shares = next((plan.shares for plan in multipliers if plan.shares), None)
        if shares is not None:  # a multiplier on some tenders' share
            _best_by_tender(exact, base_n, base_d, multipliers, shares)
            return
        best = multipliers[0]
        a, b = best.factor
        for plan in multipliers[1:]:
            a2, b2 = plan.factor
            if a2 * b > a * b2:  # strictly better; ties keep the rule written first
                best, a, b = plan, a2, b2
        _add(exact, best.pos, base_n * (a - b), base_d * b)


def _best_by_tender(
    exact: dict[int, Ratio],
    base_n: int,
    base_d: int,
    multipliers: Sequence[PlannedRule],
    shares: tuple[tuple[str | None, int, int], ...],
) -> None:
    """Stacking ``best`` when a multiplier acts on some tenders' share (``paid_with``):
    each tender's share ``p / q`` of the base points gets the best factor of the
    multipliers acting on it (ties: the rule written first)."""
    for method, p, q in shares:
        best = None
        for plan in multipliers:
            paid_with = plan.paid_with
            if paid_with is not None and method not in paid_with:
                continue
            if best is None or plan.factor[0] * best.factor[1] > best.factor[0] * plan.factor[1]:
                best = plan
        if best is not None:
            a, b = best.factor
            _add(exact, best.pos, base_n * p * (a - b), base_d * q * b)


def _line_id(el: EligibleLine) -> str:
    return el.line.id


def spend_points(
    earning: Sequence[PlannedRule],
    multiplying: Sequence[PlannedRule],
    scoped: Scopes,
    eligible: Chosen,
    ctx: Context,
) -> list[dict[int, Ratio]]:
    """Exact base and multiplier points per rounding unit, keyed by rule position.

    Lines that the same spend rules and multipliers act on, in the same rounding unit,
    are pooled: stacking is linear, so pooling gives exactly the per-line result with
    far less arithmetic. When rounding is per order and no rule that applied is
    ``scoped`` to some lines, every eligible line is in one pool.
    """
    settings = ctx.settings
    stacking = settings.stacking
    per_line = settings.rounding_stage is RoundingStage.LINE
    if not per_line and not scoped:
        if not eligible:
            return []
        spend = ctx.spend  # every line is eligible, or a shorter sum:
        if eligible is not ctx.lines:
            spend = sum([el.spend for el in eligible], _NO_SPEND)
        exact: dict[int, Ratio] = {}
        _earn(exact, spend, earning, multiplying, None, stacking)
        return [exact]
    if not per_line and len(earning) == 1 and len(scoped) == 1 and earning[0].pos in scoped:
        # One spend rule scoped to some lines ("every category but gift cards") and
        # multipliers acting on every line: the lines it acts on form the one pool that
        # earns (the others earn nothing), so the pooling below would give this.
        exact = {}
        chosen = scoped[earning[0].pos]
        spend = sum([el.spend for el in chosen], _NO_SPEND)
        _earn(exact, spend, earning, multiplying, None, stacking)
        return [exact]
    # A line's pool is the set of scoped rules acting on it, as bits; rules that are
    # not scoped act on every line.
    earn_bits = _bits(earning, 0, scoped)
    multiply_bits = _bits(multiplying, len(earning), scoped)
    scopes = [(bit, scoped[plan.pos]) for plan, bit in earn_bits + multiply_bits if bit]
    if per_line:  # each line a unit of its own, in line-id order: caps are used up so
        units = []
        for el in sorted(eligible, key=_line_id):
            exact = {}
            _pools(exact, {_mask(el, scopes): el.spend}, earn_bits, multiply_bits, stacking)
            if exact:
                units.append(exact)
        return units
    pools: dict[int, Decimal] = {}
    for el in eligible:
        mask = _mask(el, scopes)
        pools[mask] = pools[mask] + el.spend if mask in pools else el.spend
    exact = {}
    _pools(exact, pools, earn_bits, multiply_bits, stacking)
    return [exact] if exact else []


def _bits(
    plans: Sequence[PlannedRule], start: int, scoped: Scopes
) -> list[tuple[PlannedRule, int]]:
    """Each rule with its bit, or 0 for a rule acting on every line."""
    return [(plan, 1 << i if plan.pos in scoped else 0) for i, plan in enumerate(plans, start)]


def _mask(el: EligibleLine, scopes: list[tuple[int, Chosen]]) -> int:
    mask = 0
    for bit, chosen in scopes:
        if el in chosen:
            mask |= bit
    return mask


def _pools(
    exact: dict[int, Ratio],
    pools: dict[int, Decimal],
    earn_bits: list[tuple[PlannedRule, int]],
    multiply_bits: list[tuple[PlannedRule, int]],
    stacking: Stacking,
) -> None:
    """Add the points of every pool of one rounding unit to ``exact``. Lines that no
    spend rule acts on earn nothing, and are not counted in what spend rules see."""
    acting = {}
    seen: dict[int, Decimal] = {}
    for mask, spend in pools.items():
        earners = [plan for plan, bit in earn_bits if not bit or mask & bit]
        if earners:
            acting[mask] = earners
            for plan in earners:
                pos = plan.pos
                seen[pos] = seen[pos] + spend if pos in seen else spend
    for mask, earners in acting.items():
        multipliers = [plan for plan, bit in multiply_bits if not bit or mask & bit]
        _earn(exact, pools[mask], earners, multipliers, seen, stacking)


def cap(pos: int, cap: int, units: list[dict[int, Ratio]]) -> None:
    """Scale a spend-derived rule's exact points down to its ``max_points``."""
    total = (0, 1)
    for unit in units:
        if pos in unit:
            total = plus(total, unit[pos])
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
    left = total
    for pos, n in numerators.items():
        floor = n // denominator
        if pos in room:
            floor = min(floor, room[pos])
        floors[pos] = floor
        left -= floor
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


def round_units(
    units: list[dict[int, Ratio]],
    room: dict[int, int],
    rounding: RoundingMode,
    awards: dict[int, int],
) -> None:
    """Round each unit's exact points once, in ``rounding`` mode, and add them to
    ``awards`` rule by rule; ``room`` is what each capped rule may still give."""
    for unit in units:
        if len(unit) == 1:  # one rule: no apportioning needed
            ((pos, (n, d)),) = unit.items()
            points = rounding.round_ratio(n, d)
            if pos in room:
                points = min(points, room[pos])
                room[pos] -= points
            awards[pos] = awards.get(pos, 0) + points
            continue
        if room:
            denominator = math.lcm(*[d for _, d in unit.values()])
            numerators = {pos: n * (denominator // d) for pos, (n, d) in unit.items()}
            rounded = rounding.round_ratio(sum(numerators.values()), denominator)
            for pos, points in _apportion(rounded, numerators, denominator, room).items():
                awards[pos] = awards.get(pos, 0) + points
                if pos in room:
                    room[pos] -= points
            continue
        # No caps (the usual case): floors, then the points rounding the remainders adds
        # (at most one per rule) by largest remainder, ties by program order; as
        # ``_apportion``. Rounding ``k + r / d`` gives ``k`` plus ``r / d`` rounded in every
        # mode, so the remainders alone say how many points the rounding adds.
        if len(unit) == 2:  # a spend rule and one multiplier, the next most usual
            (first, (n1, d1)), (second, (n2, d2)) = unit.items()
            denominator = d1 if d1 == d2 else d1 * d2 // math.gcd(d1, d2)
            floor1, remainder1 = divmod(n1 * (denominator // d1), denominator)
            floor2, remainder2 = divmod(n2 * (denominator // d2), denominator)
            added = rounding.round_ratio(remainder1 + remainder2, denominator)
            if added == 1:  # to the larger remainder; of equal ones, the rule written first
                if (remainder1, second) >= (remainder2, first):
                    floor1 += 1
                else:
                    floor2 += 1
            elif added > 1:
                floor1, floor2 = floor1 + 1, floor2 + 1
            awards[first] = awards.get(first, 0) + floor1
            awards[second] = awards.get(second, 0) + floor2
            continue
        denominator = 1
        for _, d in unit.values():
            if denominator % d:
                denominator = denominator * d // math.gcd(denominator, d)
        remainders = []
        rest = 0
        for pos, (n, d) in unit.items():
            floor, remainder = divmod(n * (denominator // d), denominator)
            awards[pos] = awards.get(pos, 0) + floor
            remainders.append((-remainder, pos))
            rest += remainder
        added = rounding.round_ratio(rest, denominator)
        if added > 0:
            remainders.sort()
            for _, pos in remainders[:added]:
                awards[pos] += 1
