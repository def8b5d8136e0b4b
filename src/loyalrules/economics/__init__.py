"""Economics: what a program costs and gives, measured and forecast.

Metrics over a set of ledgers (``metrics``), scenarios played through a program
(``scenario``), data shaped by a program (``shape``), the seeded population simulator
(``behaviour``, ``population``, ``simulate``) and the program diff (``diff``). Pure: a
seed in, the same report out on any machine. See ``docs/economics.md``.

For example::

    from loyalrules.economics import measure, simulate

    population = simulate(program, members=1000, months=12, seed=7)
    report = measure(program, population.ledgers, population.months)
    print(report.total.reward_rate, report.total.liability)

May import: the package's public API and every layer up to the loader; ``testing`` and
``cli`` sit above it.
"""

from loyalrules.economics.behaviour import DEFAULT_MODEL, BehaviourModel, behaviour_from_yaml
from loyalrules.economics.calendar import Month, months_from
from loyalrules.economics.diff import ProgramDiff, RuleChange, Spread, compare, diff_programs
from loyalrules.economics.metrics import Figures, Report, measure, point_value_of, points_by_rule
from loyalrules.economics.scenario import Scenario, play, play_ledger
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
    "measure",
    "months_from",
    "play",
    "play_ledger",
    "point_value_of",
    "points_by_rule",
    "shape_of",
    "simulate",
]
