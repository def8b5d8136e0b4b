"""Stacking control: which promotions combine, stated in the program and explained.

After an event's points are rounded, the rules that would pay are taken in priority
order (higher ``priority`` first, then file order), and:

1. a rule that does not combine with one already kept (``not_with``, either way round)
   pays nothing;
2. in a group that picks the ``best``, only the rule paying most is kept (between equal
   points, the one taken first);
3. a group's ``max_points`` caps the total of its rules for the event: rules keep their
   points in priority order until the cap is reached.

Each rule whose points were taken away gets a note saying why, for ``outcome.why``.

>>> Group("promos", best=True, max_points=None).describe()
'the best of group promos'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple, Protocol, TypeVar

import attrs

from loyalrules.rules.explanation import Explanation
from loyalrules.values.frozen import value_methods


@value_methods
@attrs.frozen(eq=False, repr=False)
class Group:
    """A group of rules: with ``best``, only the one paying most pays; with
    ``max_points``, their total per event is capped."""

    name: str
    best: bool = False
    max_points: int | None = None

    def describe(self) -> str:
        parts = []
        if self.best:
            parts.append(f"the best of group {self.name}")
        if self.max_points is not None:
            parts.append(f"group {self.name} at most {self.max_points} per order")
        return " and ".join(parts) or f"group {self.name}"


class Stacked(Protocol):
    """What stacking control reads of a rule."""

    @property
    def id(self) -> str: ...
    @property
    def priority(self) -> int: ...
    @property
    def not_with(self) -> frozenset[str]: ...
    @property
    def group(self) -> str | None: ...


class Planned(Protocol):
    """What stacking control reads of a planned rule."""

    @property
    def pos(self) -> int: ...
    @property
    def rule(self) -> Stacked: ...
    def explain(self, points: int) -> Explanation: ...


P = TypeVar("P", bound=Planned)


class Note(NamedTuple):
    """Why stacking control (or a budget: ``kind``) took points from a rule: it would
    have given ``desired``."""

    rule_id: str
    desired: int
    awarded: int
    text: str
    kind: str = "stacking"


@value_methods
@attrs.frozen(eq=False, repr=False)
class StackingControl:
    """The program's stacking control, planned once at load."""

    groups: Mapping[str, Group]

    @classmethod
    def of(cls, rules: Sequence[Stacked], groups: Sequence[Group]) -> StackingControl | None:
        """The control of ``rules``; None when no rule says anything about stacking."""
        if not any(rule.not_with or rule.group is not None for rule in rules):
            return None
        return cls({group.name: group for group in groups})

    def resolve(
        self, awards: tuple[tuple[P, int], ...], explanation: tuple[Explanation, ...]
    ) -> tuple[tuple[tuple[P, int], ...], tuple[Explanation, ...], tuple[Note, ...]]:
        """The awards and explanation once stacking control has run, and its notes."""
        paying = sorted(
            (a for a in awards if a[1] > 0), key=lambda a: (-a[0].rule.priority, a[0].pos)
        )
        points = {plan.pos: given for plan, given in awards}
        notes: dict[int, Note] = {}

        def take(plan: P, left: int, text: str) -> None:
            desired = points[plan.pos] if plan.pos not in notes else notes[plan.pos].desired
            points[plan.pos] = left
            notes[plan.pos] = Note(plan.rule.id, desired, left, text)

        kept: list[P] = []
        for plan, _ in paying:
            rule = plan.rule
            clash = next(
                (k for k in kept if k.rule.id in rule.not_with or rule.id in k.rule.not_with),
                None,
            )
            if clash is not None:
                take(plan, 0, f"does not combine with {clash.rule.id}, which comes first")
            else:
                kept.append(plan)
        for name, group in self.groups.items():
            members = [plan for plan in kept if plan.rule.group == name]
            if group.best and len(members) > 1:
                best = max(members, key=lambda plan: points[plan.pos])  # first of equals
                for plan in members:
                    if plan is not best:
                        take(plan, 0, f"{best.rule.id} paid more: {group.describe()}")
                members = [best]
            if group.max_points is not None:
                room = group.max_points
                for plan in members:
                    given = points[plan.pos]
                    if given > room:
                        take(plan, room, f"{group.describe()}")
                    room -= points[plan.pos]
        if not notes:
            return awards, explanation, ()
        new_awards = tuple((plan, points[plan.pos]) for plan, _ in awards)
        explained = explained_again(new_awards, explanation)
        return new_awards, explained, tuple(notes[pos] for pos in sorted(notes))


def explained_again(
    awards: tuple[tuple[P, int], ...], explanation: tuple[Explanation, ...]
) -> tuple[Explanation, ...]:
    """``explanation`` with the line of each rule whose points changed written again."""
    now = {plan.rule.id: (plan, points) for plan, points in awards}
    lines = []
    for line in explanation:
        plan_points = now.get(line.rule_id) if line.status == "applied" else None
        if plan_points is not None and plan_points[1] != line.points:
            line = plan_points[0].explain(plan_points[1])
        lines.append(line)
    return tuple(lines)
