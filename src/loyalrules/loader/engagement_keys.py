"""Engagement keys of program files: stacking control (rule ``priority``, ``not_with``,
``group`` and the top-level ``groups``); the ``visits``, ``streak`` and ``top_category``
conditions; ``challenges``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import yaml

from loyalrules.loader.builtins import AMOUNT, NAMES, WINDOW, window
from loyalrules.loader.category_keys import CALENDAR, CATEGORY_GOAL_FIELDS
from loyalrules.loader.registry import BuildEnv, register_condition
from loyalrules.loader.scalars import Boolean, Integer, Text
from loyalrules.loader.schema import IDENTIFIER, Built, Field, Fields, ListOf, MapOf
from loyalrules.loader.spec import Where, suggest
from loyalrules.rules.categories import TopCategoryIs
from loyalrules.rules.challenges import Challenge, Goal, Metric, OptedIn
from loyalrules.rules.conditions import all_of
from loyalrules.rules.effects import Bonus
from loyalrules.rules.limits import PeriodLimit
from loyalrules.rules.messages import MessageTemplate
from loyalrules.rules.referrals import ReferralTerms, Referred
from loyalrules.rules.rule import Rule
from loyalrules.rules.settings import Settings
from loyalrules.rules.stacking import Group
from loyalrules.rules.visit_conditions import Streak, Visits
from loyalrules.values.timeutil import Period

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
register_condition(
    "top_category",
    lambda v, env: TopCategoryIs(period=Period(v["per"]), category=v["is"]),
    spec=Fields(
        {
            "per": Field(CALENDAR, "day, week, month, quarter or year", required=True),
            "is": Field(Text(), "the line category", required=True),
        }
    ),
    doc="The member's top category (most eligible spend, net of returns) of the previous "
    "period is this one.",
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

MESSAGE = Built(Text(), lambda text, env: MessageTemplate.of(text))

ENGAGEMENT_RULE_FIELDS = {
    "priority": Field(
        Integer(), "higher is taken first when rules do not combine or share a cap", default=0
    ),
    "not_with": Field(NAMES, "ids of rules this rule does not combine with", default=()),
    "group": Field(IDENTIFIER, "the stacking group (under 'groups') the rule belongs to"),
    "budget": Field(
        IDENTIFIER, "a program-wide budget the rule draws on (its remaining points passed in)"
    ),
    "message": Field(MESSAGE, "shown to the member when the rule pays ($points, $reward...)"),
}


def _goal(values: dict[str, Any], env: BuildEnv, per: Period) -> Goal:
    given = [m for m in Metric if values[m.value] is not None]
    if len(given) != 1:
        raise ValueError("give exactly one of: visits, purchases, spend, activities, categories")
    metric = given[0]
    if (metric is Metric.ACTIVITIES) != (values["kind"] is not None):
        raise ValueError("'kind' (the activity kind counted) goes with 'activities' only")
    if values["category"] is not None and metric not in (Metric.SPEND, Metric.PURCHASES):
        raise ValueError("'category' (the line category counted) goes with spend or purchases")
    settings = env.settings
    return Goal(
        metric,
        Decimal(values[metric.value]),
        per,
        kind=values["kind"],
        currency=settings.currency,
        locale=settings.locale,
        category=values["category"],
    )


GOAL = Fields(
    {
        "visits": Field(Integer(minimum=1), "days with a purchase"),
        "purchases": Field(Integer(minimum=1), "purchases (less those returned in full)"),
        "spend": Field(AMOUNT, "eligible spend (less what returns took back)"),
        "activities": Field(Integer(minimum=1), "activities of 'kind'"),
        "kind": Field(Text(), "the activity kind 'activities' counts"),
        **CATEGORY_GOAL_FIELDS,
    }
)


def _challenge(values: dict[str, Any], env: BuildEnv) -> tuple[Challenge, Rule]:
    per = Period(values["per"])
    goal = _goal(values["goal"], env, per)
    active = window(values["active"], env) if values["active"] is not None else None
    challenge = Challenge(
        values["id"],
        values["name"] or values["id"],
        goal,
        values["points"],
        values["opt_in"],
        active,
    )
    conditions = [OptedIn(challenge.id), goal] if challenge.opt_in else [goal]
    rule = Rule(
        id=challenge.id,
        name=challenge.name,
        description=values["description"],
        effect=Bonus(challenge.points),
        condition=all_of(conditions),
        active=active,
        activities=frozenset({goal.kind}) if goal.kind is not None else None,
        limit=PeriodLimit(1, per),
        message=values["message"],
    )
    return challenge, rule


CHALLENGES = ListOf(
    Built(
        Fields(
            {
                "id": Field(IDENTIFIER, "unique id, shared with no rule of 'earn'", required=True),
                "name": Field(Text(), "what members see (defaults to the id)"),
                "description": Field(Text(), "longer text for staff and docs", default=""),
                "goal": Field(
                    GOAL,
                    "one of visits, purchases, spend, activities (with kind), categories",
                    required=True,
                ),
                "per": Field(
                    Text(choices=tuple(p.value for p in Period)),
                    "the calendar period the goal counts in and pays once per",
                    default="month",
                ),
                "active": Field(WINDOW, "only in this window: {from, until}"),
                "opt_in": Field(
                    Boolean(), "members must join first (Program.opt_in)", default=False
                ),
                "points": Field(
                    Integer(minimum=1), "the reward, paid once per period", required=True
                ),
                "message": Field(MESSAGE, "shown to the member on completion"),
            }
        ),
        _challenge,
    )
)
"""The ``challenges`` list: each a (Challenge, the rule it is planned as) pair."""

register_condition(
    "referred",
    lambda v, env: Referred(v),
    spec=Boolean(),
    doc="The member was (true) or was not (false) referred: attribute referred_by is set.",
)

REFERRALS = Built(
    Fields(
        {
            "qualifying": Field(
                NAMES, "ids of the referee's rules whose payment qualifies", required=True
            ),
            "kind": Field(Text(), "the activity kind of the referrer's event", default="referral"),
            "identity": Field(
                NAMES, "member attributes that must differ (self-referral guard)", default=()
            ),
        }
    ),
    lambda v, env: ReferralTerms(
        qualifying=frozenset(v["qualifying"]), kind=v["kind"], identity=tuple(v["identity"])
    ),
)

ENGAGEMENT_FIELDS = {
    "referrals": Field(REFERRALS, "referrals: the referee's qualifying rules, the guard"),
    "groups": Field(
        Built(MapOf(GROUP), _groups),
        "stacking groups of rules: {name: {pick: best, max_points: N}}",
        default=(),
    ),
}


MEMBERSHIP_YEAR = "membership_year"
LIMIT_PER = Field(
    Text(choices=(*(p.value for p in Period), MEMBERSHIP_YEAR)),
    "calendar period (program time zone), membership_year or lifetime",
)
"""A rule's ``limit.per``: a calendar period, the member's year, or lifetime."""


def limit_of(values: dict[str, Any] | None) -> PeriodLimit | None:
    """The limit of a rule's ``limit`` mapping (``None`` without ``per``)."""
    if values is None or values["per"] is None:
        return None
    times, points = values["times"], values["points"]
    if times is None and points is None:
        times = 1  # a limit of times alone: once, unless it says
    if values["per"] == MEMBERSHIP_YEAR:
        return PeriodLimit(times, Period.YEAR, membership_year=True, points=points)
    return PeriodLimit(times, Period(values["per"]), points=points)


def engagement_values(values: dict[str, Any]) -> dict[str, Any]:
    """The ``Rule`` keyword arguments of a rule's stacking and budget keys."""
    return {
        "priority": values["priority"],
        "not_with": frozenset(values["not_with"]),
        "group": values["group"],
        "budget": values["budget"],
        "message": values["message"],
    }


def with_challenges(
    rules: tuple[Rule, ...],
    challenges: tuple[tuple[Challenge, Rule], ...],
    settings: Settings,
    values: dict[str, Any],
    referrals: yaml.Node,
    where: Where,
) -> tuple[Rule, ...] | None:
    """``rules`` followed by the challenges' rules, once the ids, the stacking keys and
    the rules of ``referrals`` (its node) are checked (None: a problem was reported)."""
    at = where.key("challenges")
    if challenges and not check_challenge_ids(rules, challenges, values["challenges"], at):
        return None
    rules = (*rules, *(rule for _, rule in challenges))
    if not check_stacking(rules, settings.groups, values["earn"], where.key("earn")):
        return None
    if not check_referrals(values["referrals"], rules, referrals, where.key("referrals")):
        return None
    return rules


def check_challenge_ids(
    rules: tuple[Rule, ...],
    challenges: tuple[tuple[Challenge, Rule], ...],
    node: yaml.Node,
    where: Where,
) -> bool:
    """No challenge shares its id with a rule (they name the same entries)."""
    ids = {rule.id for rule in rules}
    ok = True
    items = node.value if isinstance(node, yaml.SequenceNode) else []
    for index, ((challenge, _), item) in enumerate(zip(challenges, items, strict=False)):
        if challenge.id in ids:
            where.index(index).key("id").problem(
                item,
                f"challenge id {challenge.id!r} is already the id of a rule",
                "give the challenge an id of its own",
            )
            ok = False
        ids.add(challenge.id)
    return ok


def check_referrals(
    terms: ReferralTerms | None, rules: tuple[Rule, ...], node: yaml.Node, where: Where
) -> bool:
    """Every qualifying rule of ``referrals`` is a rule of the program."""
    ids = [rule.id for rule in rules]
    unknown = sorted(name for name in (terms.qualifying if terms else ()) if name not in ids)
    for name in unknown:
        hint = suggest(name, ids) or "name a rule of 'earn' (the referee's reward)"
        where.key("qualifying").problem(node, f"no rule {name!r} to qualify referrals", hint)
    return not unknown


def check_stacking(
    rules: tuple[Rule, ...], groups: tuple[Group, ...], node: yaml.Node, where: Where
) -> bool:
    """Every ``not_with`` names a rule and every ``group`` a declared group."""
    ids = [rule.id for rule in rules]
    names = [group.name for group in groups]
    ok = True
    items = node.value if isinstance(node, yaml.SequenceNode) else []
    for index, (rule, item) in enumerate(zip(rules, items, strict=False)):
        at = where.index(index)
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
