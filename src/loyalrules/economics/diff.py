"""Two versions of a program over the same population: a program change reviewed like code.

The population is simulated under the old program with its steps recorded; the very same
steps (orders, returns, activities, redemption attempts, paid plans, nightly jobs) are
then played through the new program. What changes is only what the programs decide:
points per member, tiers, each rule's payout, and the economic figures. Recorded real
events (a store's inputs) can take the place of the simulated population
(:func:`diff_recorded`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import attrs

from loyalrules import Earned, Ledger, NotAllowed, Program, Reversed, TierChanged
from loyalrules.economics.behaviour import BehaviourModel
from loyalrules.economics.calendar import Month, months_spanning
from loyalrules.economics.metrics import POINTS, Report, measure, points_by_rule
from loyalrules.economics.scenario import Scenario, play_ledgers, step_time
from loyalrules.economics.simulate import DEFAULT_START, Progress, simulate
from loyalrules.values.frozen import value_methods


@value_methods
@attrs.frozen(eq=False, repr=False)
class Spread:
    """How per-member point differences (new minus old) are spread."""

    count: int
    up: int
    down: int
    mean: Decimal
    percentiles: tuple[tuple[int, int], ...]  # (percentile, difference)

    @classmethod
    def of(cls, differences: Sequence[int]) -> Spread:
        ordered = sorted(differences)
        n = len(ordered)

        def at(p: int) -> int:  # the nearest-rank percentile
            return ordered[max(0, min(n - 1, -(-p * n // 100) - 1))] if n else 0

        mean = (Decimal(sum(ordered)) / n).quantize(Decimal("0.1")) if n else Decimal(0)
        return cls(
            count=n,
            up=sum(1 for d in ordered if d > 0),
            down=sum(1 for d in ordered if d < 0),
            mean=mean,
            percentiles=tuple((p, at(p)) for p in (0, 5, 25, 50, 75, 95, 100)),
        )


@value_methods
@attrs.frozen(eq=False, repr=False)
class RuleChange:
    """What one rule paid (points issued less reversed) under each version."""

    rule_id: str
    old: int
    new: int

    @property
    def change(self) -> int:
        return self.new - self.old


@value_methods
@attrs.frozen(eq=False, repr=False)
class ProgramDiff:
    """The old and new reports, and what changed between them."""

    old: Report
    new: Report
    points: Spread
    tier_moves: Mapping[tuple[str, str], int]  # (old level, new level) -> members
    rules: tuple[RuleChange, ...]  # biggest change first

    def to_dict(self) -> dict[str, Any]:
        return {
            "old": self.old.to_dict(),
            "new": self.new.to_dict(),
            "points": {
                "members": self.points.count,
                "up": self.points.up,
                "down": self.points.down,
                "mean": str(self.points.mean),
                "percentiles": {str(p): v for p, v in self.points.percentiles},
            },
            "tier_moves": [
                {"old": a, "new": b, "members": n} for (a, b), n in self.tier_moves.items()
            ],
            "rules": [
                {"rule": r.rule_id, "old": r.old, "new": r.new, "change": r.change}
                for r in self.rules
            ],
        }


def _net_points(ledger: Ledger) -> int:
    total = 0
    for entry in ledger.entries:
        if isinstance(entry, Earned) and entry.account == POINTS:
            total += entry.points
        elif isinstance(entry, Reversed) and entry.account == POINTS:
            total -= entry.charged
    return total


def _final_level(program: Program, ledger: Ledger) -> str | None:
    tiers = program.settings.tiers
    if tiers is None:
        return None
    level = tiers.levels[0].id
    for entry in ledger.entries:
        if isinstance(entry, TierChanged):
            level = entry.level
    return level


def compare(
    old: Program,
    new: Program,
    scenarios: Sequence[Scenario],
    old_ledgers: Sequence[Ledger],
    months: Sequence[Month],
    *,
    point_value: Decimal | str | None = None,
    progress: Progress | None = None,
) -> ProgramDiff:
    """The diff of ``new`` against ``old`` over recorded ``scenarios``, whose ledgers
    under ``old`` are ``old_ledgers``; each program's figures at its own point value
    (``point_value`` when a program declares none)."""
    new_ledgers = play_ledgers(new, scenarios, progress)
    reports = []
    for program, ledgers in ((old, old_ledgers), (new, new_ledgers)):
        value = program.settings.point_value or point_value
        reports.append(measure(program, ledgers, months, point_value=value))
    moves: dict[tuple[str, str], int] = {}
    for a, b in zip(old_ledgers, new_ledgers, strict=True):
        was, now = _final_level(old, a) or "-", _final_level(new, b) or "-"
        if was != now:
            moves[(was, now)] = moves.get((was, now), 0) + 1
    before, after = points_by_rule(old_ledgers), points_by_rule(new_ledgers)
    rules = sorted(
        (RuleChange(r, before.get(r, 0), after.get(r, 0)) for r in before.keys() | after.keys()),
        key=lambda r: (-abs(r.change), r.rule_id),
    )
    differences = [
        _net_points(b) - _net_points(a) for a, b in zip(old_ledgers, new_ledgers, strict=True)
    ]
    return ProgramDiff(
        old=reports[0],
        new=reports[1],
        points=Spread.of(differences),
        tier_moves=dict(sorted(moves.items())),
        rules=tuple(rules),
    )


def diff_programs(
    old: Program,
    new: Program,
    *,
    members: int = 1000,
    months: int = 12,
    seed: int = 0,
    start: date = DEFAULT_START,
    model: BehaviourModel | None = None,
    point_value: Decimal | str | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> ProgramDiff:
    """Simulate a population under ``old``, replay its steps through ``new``, compare.

    ``progress`` is called with the phase (``"simulate"`` or ``"replay"``), members done
    and members in all. For example::

        diff = diff_programs(old, new, members=200, seed=1)
        diff.rules[0]  # the rule whose payout changed most
    """
    population = simulate(
        old,
        members=members,
        months=months,
        seed=seed,
        start=start,
        model=model,
        record=True,
        progress=None if progress is None else lambda d, n: progress("simulate", d, n),
    )
    return compare(
        old,
        new,
        population.scenarios,
        population.ledgers,
        population.months,
        point_value=point_value,
        progress=None if progress is None else lambda d, n: progress("replay", d, n),
    )


def diff_recorded(
    old: Program,
    new: Program,
    scenarios: Sequence[Scenario],
    *,
    months: Sequence[Month] | None = None,
    point_value: Decimal | str | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> ProgramDiff:
    """Two programs over recorded real events: each member's steps (their stored inputs,
    see :func:`~loyalrules.economics.scenario.scenario_from_record`) are played through
    ``old`` and through ``new``, and compared over ``months`` (default: the months of the
    old program's time zone that the steps span). For example::

        scenarios = [scenario_from_record(r) for r in read_jsonl("events.jsonl")]
        diff = diff_recorded(old, new, scenarios)
    """
    if not scenarios:
        raise NotAllowed("diff_recorded needs the recorded steps of at least one member")
    old_ledgers = play_ledgers(
        old, scenarios, None if progress is None else lambda d, n: progress("old", d, n)
    )
    if months is None:
        times = [step_time(step) for scenario in scenarios for step in scenario.steps]
        if not times:
            raise NotAllowed("the recorded members have no steps to replay")
        months = months_spanning(min(times), max(times), old.settings.timezone)
    return compare(
        old,
        new,
        scenarios,
        old_ledgers,
        months,
        point_value=point_value,
        progress=None if progress is None else lambda d, n: progress("new", d, n),
    )
