"""Engagement keys of program files: stacking control (rule ``priority``, ``not_with``,
``group`` and the top-level ``groups``); the ``visits`` and ``streak`` conditions."""

from __future__ import annotations

from typing import Any

import yaml

from loyalrules.loader.builtins import NAMES
from loyalrules.loader.registry import register_condition
from loyalrules.loader.scalars import Integer, Text
from loyalrules.loader.schema import IDENTIFIER, Built, Field, Fields, MapOf
from loyalrules.loader.spec import Where, suggest
from loyalrules.rules.rule import Rule
from loyalrules.rules.stacking import Group
from loyalrules.rules.visit_conditions import Streak, Visits
from loyalrules.values.timeutil import Period

CALENDAR = Text(choices=("day", "week", "month", "quarter", "year"))

register_condition(
    "visits",
    lambda v, env: Visits(at_least=v["at_least"], period=Period(v["per"])),
    spec=Fields(
        {
            "at_least": Field(Integer(minimum=1), "visits needed", required=True),
            "per": Field(CALENDAR, "the calendar period they count in", required=True),
        }
    ),
    doc="At least this many visits (days with a purchase) in the period, this one included.",
)
register_condition(
    "streak",
    lambda v, env: Streak(periods=v["periods"], period=Period(v["per"])),
    spec=Fields(
        {
            "periods": Field(Integer(minimum=1), "periods in a row", required=True),
            "per": Field(CALENDAR, "day, week, month, quarter or year", required=True),
        }
    ),
    doc="A purchase in each of this many periods in a row, ending with the event's.",
)


def _groups(values: dict[str, dict[str, Any]], env: Any) -> tuple[Group, ...]:
    return tuple(
        Group(name, best=group["pick"] == "best", max_points=group["max_points"])
        for name, group in values.items()
    )


GROUP = Fields(
    {
        "pick": Field(
            Text(choices=("all", "best")),
            "'all' rules of the group pay, or only the 'best' (the one paying most)",
            default="all",
        ),
        "max_points": Field(Integer(minimum=1), "the group's rules pay at most this per order"),
    }
)

STACKING_RULE_FIELDS = {
    "priority": Field(
        Integer(), "higher is taken first when rules do not combine or share a cap", default=0
    ),
    "not_with": Field(NAMES, "ids of rules this rule does not combine with", default=()),
    "group": Field(IDENTIFIER, "the stacking group (under 'groups') the rule belongs to"),
}

ENGAGEMENT_FIELDS = {
    "groups": Field(
        Built(MapOf(GROUP), _groups),
        "stacking groups of rules: {name: {pick: best, max_points: N}}",
        default=(),
    ),
}


def stacking_values(values: dict[str, Any]) -> dict[str, Any]:
    """The ``Rule`` keyword arguments of a rule's stacking keys."""
    return {
        "priority": values["priority"],
        "not_with": frozenset(values["not_with"]),
        "group": values["group"],
    }


def check_stacking(
    rules: tuple[Rule, ...], groups: tuple[Group, ...], node: yaml.Node, where: Where
) -> bool:
    """Every ``not_with`` names a rule and every ``group`` a declared group."""
    ids = [rule.id for rule in rules]
    names = [group.name for group in groups]
    ok = True
    for index, rule in enumerate(rules):
        at = where.index(index)
        item = node.value[index] if isinstance(node, yaml.SequenceNode) else node
        for other in sorted(rule.not_with):
            if other not in ids or other == rule.id:
                hint = suggest(other, ids) or "name another rule of 'earn'"
                at.key("not_with").problem(item, f"no other rule {other!r} to combine with", hint)
                ok = False
        if rule.group is not None and rule.group not in names:
            hint = suggest(rule.group, names) or "declare it under 'groups:'"
            at.key("group").problem(item, f"no group {rule.group!r} in this program", hint)
            ok = False
    return ok
