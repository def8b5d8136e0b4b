"""A program's economics: figures over ledgers, a seeded population simulator, diffs.

    from loyalrules.economics import measure, simulate

    population = simulate(program, members=1000, months=12, seed=7)
    report = measure(program, population.ledgers, population.months)
    print(report.total.reward_rate, report.total.liability)

See ``docs/economics.md`` for every figure's definition and the behaviour model.

May import: the package's public API and every layer up to ``batch``; ``testing`` and
``cli`` sit above it.
"""

from loyalrules.economics.behaviour import DEFAULT_MODEL, BehaviourModel, behaviour_from_yaml
from loyalrules.economics.calendar import Month, months_from
from loyalrules.economics.diff import (
    ProgramDiff,
    RuleChange,
    Spread,
    compare,
    diff_programs,
    diff_recorded,
)
from loyalrules.economics.metrics import Figures, Report, measure, point_value_of, points_by_rule
from loyalrules.economics.scenario import (
    Scenario,
    play,
    play_ledger,
    play_ledgers,
    scenario_from_record,
)
from loyalrules.economics.shape import ProgramShape, shape_of
from loyalrules.economics.simulate import Population, simulate

__all__ = [
    "DEFAULT_MODEL",
    "BehaviourModel",
    "Figures",
    "Month",
    "Population",
    "ProgramDiff",
    "ProgramShape",
    "Report",
    "RuleChange",
    "Scenario",
    "Spread",
    "behaviour_from_yaml",
    "compare",
    "diff_programs",
    "diff_recorded",
    "measure",
    "months_from",
    "play",
    "play_ledger",
    "play_ledgers",
    "point_value_of",
    "points_by_rule",
    "scenario_from_record",
    "shape_of",
    "simulate",
]
