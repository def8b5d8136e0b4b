"""Program-wide budgets: a promotion limited to N points (or a reward to N redemptions)
across all members.

The engine is pure and sees one member at a time, so it cannot know what other members
took. The host keeps what is left of each budget (one row per budget) and passes it in;
the engine lets the rules drawing on a budget pay at most what is left, in program
order, and reports what the event consumed, for the host to subtract in the same
transaction that stores the entries (docs/engagement.md shows the SQL).

>>> from loyalrules.errors import NotAllowed
>>> try:
...     remaining({}, "launch", "launch-bonus")
... except NotAllowed as error:
...     print(error)
'launch-bonus' draws on budget 'launch': pass budgets={'launch': <what is left>}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from loyalrules.errors import NotAllowed, ValidationError, WrongTypeError
from loyalrules.rules.stacking import Note, Planned

P = TypeVar("P", bound=Planned)


def remaining(budgets: Mapping[str, int], name: str, user: str) -> int:
    """What is left of budget ``name``, as the host passed it (``user``: the rule or
    reward drawing on it, for the error)."""
    left = budgets.get(name)
    if left is None:
        raise NotAllowed(
            f"{user!r} draws on budget {name!r}: pass budgets={{{name!r}: <what is left>}}"
        )
    if isinstance(left, bool) or not isinstance(left, int):
        raise WrongTypeError(f"budget {name!r} must be a whole number left, not {left!r}")
    if left < 0:
        raise ValidationError(f"budget {name!r} has {left} left: pass 0 or more")
    return left


def draw(
    awards: tuple[tuple[P, int], ...],
    budget_of: Mapping[str, str],
    budgets: Mapping[str, int],
) -> tuple[tuple[tuple[P, int], ...], dict[str, int], tuple[Note, ...]]:
    """``awards`` with each rule of ``budget_of`` (rule id to budget name) paying at most
    what is left of its budget, in program order; what each budget gave; and a note per
    rule the budget cut."""
    used: dict[str, int] = {}
    notes = []
    drawn = []
    for plan, points in awards:
        name = budget_of.get(plan.rule.id)
        if name is None:
            drawn.append((plan, points))
            continue
        left = remaining(budgets, name, plan.rule.id) - used.get(name, 0)
        given = min(points, left)
        if given < points:
            text = f"budget {name} had {left} points left"
            notes.append(Note(plan.rule.id, points, given, text, "budget"))
        used[name] = used.get(name, 0) + given
        drawn.append((plan, given))
    return tuple(drawn), used, tuple(notes)
