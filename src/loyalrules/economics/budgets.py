"""Program-wide budgets in simulations and checks: none runs out.

A budget ("900 launch points in all") is the host's, shared by every member in the
order they buy, and the host passes what is left to each event. A simulation runs each
member on their own, from their own seeded generator, and a property test draws one
member's events: neither has an order across members to share a budget in. So both run
a program with its budgeted rules and rewards paying as if their budgets never ran out,
the most those rules can cost, and the report names the budgets it left unlimited.
"""

from __future__ import annotations

import functools

import attrs

from loyalrules import Program


def budget_names(program: Program) -> tuple[str, ...]:
    """The program-wide budgets ``program``'s rules and rewards draw on, sorted."""
    names = {rule.budget for rule in program.rules if rule.budget}
    names |= {reward.budget for reward in program.rewards if reward.budget}
    return tuple(sorted(names))


def without_budgets(program: Program) -> Program:
    """``program`` with its rules and rewards drawing on no budget (itself when none
    does)."""
    return _unbudgeted(program) if budget_names(program) else program


@functools.lru_cache(maxsize=16)  # the same program is asked again for every example
def _unbudgeted(program: Program) -> Program:
    return attrs.evolve(
        program,
        rules=tuple(attrs.evolve(rule, budget=None) for rule in program.rules),
        rewards=tuple(attrs.evolve(reward, budget=None) for reward in program.rewards),
    )
