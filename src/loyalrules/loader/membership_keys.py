"""Program keys for paid memberships (``memberships``), the ``membership`` condition and
``point_value``; each plan's earn multiplier becomes a rule of its own."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from loyalrules.loader.lifecycle_keys import LONGER_THAN_ZERO
from loyalrules.loader.registry import BuildEnv, register_condition
from loyalrules.loader.scalars import Boolean, Integer, Number, Text
from loyalrules.loader.schema import IDENTIFIER, Built, Field, Fields, ListOf
from loyalrules.operations.memberships import multiplier_rule_id
from loyalrules.rules.effects import Multiply
from loyalrules.rules.rule import Rule
from loyalrules.rules.standing_conditions import MemberOf
from loyalrules.terms.policies import Plan

AMOUNT = Number(minimum=Decimal(0), words="an amount")
PLAN = Fields(
    {
        "id": Field(
            IDENTIFIER,
            "the plan's id",
            required=True,
        ),
        "name": Field(Text(), "what members see (defaults to the id)"),
        "fee": Field(
            Number(minimum=Decimal(0), words="an amount"), "the fee per period", required=True
        ),
        "period": Field(LONGER_THAN_ZERO, "how long a fee buys: P1M, P1Y", required=True),
        "multiplier": Field(Number(minimum=Decimal(1), words="a factor"), "earn multiplier"),
        "signup_bonus": Field(Integer(minimum=1), "points for the first subscription"),
        "keeps_points": Field(
            Boolean(), "points do not expire while the plan is active", default=False
        ),
        "perks": Field(
            ListOf(Text(), one_or_many=True), "free-form perks for the host", default=()
        ),
    }
)


def _plans(values: tuple[dict[str, Any], ...], env: Any) -> tuple[Plan, ...]:
    plans = tuple(
        Plan(
            id=v["id"],
            name=v["name"] or v["id"],
            fee=v["fee"],
            period=v["period"],
            multiplier=v["multiplier"],
            signup_bonus=v["signup_bonus"],
            perks=tuple(v["perks"]),
            keeps_points=v["keeps_points"],
        )
        for v in values
    )
    if len({plan.id for plan in plans}) != len(plans):
        raise ValueError("plan ids must be unique")
    return plans


MEMBERSHIPS = Built(ListOf(PLAN, min_items=1), _plans)


def membership_rules(plans: tuple[Plan, ...]) -> tuple[Rule, ...]:
    """Each plan's earn multiplier as a rule: 'Plus members earn 2x'."""
    return tuple(
        Rule(
            id=multiplier_rule_id(plan.id),
            name=f"{plan.name} members earn {plan.multiplier.normalize():f}x",
            effect=Multiply(Fraction(plan.multiplier)),
            condition=MemberOf(frozenset({plan.id}), plan.name),
        )
        for plan in plans
        if plan.multiplier is not None and plan.multiplier != 1
    )


def _membership(value: Any, env: BuildEnv) -> MemberOf:
    names = {plan.id: plan.name for plan in env.settings.memberships}
    known = set(names)
    unknown = [name for name in value if name not in known]
    if unknown:
        raise ValueError(
            f"no membership plan {unknown[0]!r}; plans: {', '.join(sorted(known)) or 'none'}"
        )
    return MemberOf(frozenset(value), " or ".join(names[plan] for plan in value))


register_condition(
    "membership",
    _membership,
    spec=ListOf(Text(), one_or_many=True),
    doc="The member holds one of these paid memberships at the event.",
)
