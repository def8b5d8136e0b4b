"""Program files: the top-level keys, the rules under ``earn``, and building a Program."""

from __future__ import annotations

import os
from decimal import Decimal
from typing import Any

import attrs
import yaml

from loyalrules.errors import Problem, ProgramError
from loyalrules.ledger.entries import DEFAULT_ACCOUNT
from loyalrules.loader import builtins, lifecycle_keys
from loyalrules.loader.engagement_keys import (
    CHALLENGES,
    ENGAGEMENT_FIELDS,
    ENGAGEMENT_RULE_FIELDS,
    LIMIT_PER,
    engagement_values,
    limit_of,
    with_challenges,
)
from loyalrules.loader.lifecycle_keys import ACCOUNTS, EXPIRY, LIFECYCLE_FIELDS, PENDING, TRANSFERS
from loyalrules.loader.membership_keys import MEMBERSHIPS, membership_rules
from loyalrules.loader.money_keys import CURRENCY, LOCALE
from loyalrules.loader.registry import CONDITIONS, EFFECT, BuildEnv, ConditionsSpec
from loyalrules.loader.rewards_keys import (
    PAY_WITH_POINTS,
    REDEMPTION_LIMITS,
    RESTORE_EXPIRED,
    RewardsSpec,
)
from loyalrules.loader.scalars import Boolean, Integer, Number, Text
from loyalrules.loader.schema import IDENTIFIER, Built, Field, Fields, choice, mapping_pairs
from loyalrules.loader.spec import INVALID, Spec, Where, suggest
from loyalrules.loader.tier_keys import TIERS, tier_rules
from loyalrules.loader.yaml_source import Report, compose
from loyalrules.program import Program
from loyalrules.rules.conditions import Window
from loyalrules.rules.effects import BonusEffect
from loyalrules.rules.rule import Rule
from loyalrules.rules.settings import (
    EligibleSpendPolicy,
    RoundingMode,
    RoundingStage,
    Settings,
    Stacking,
)
from loyalrules.terms.policies import (
    Account,
    ExpireOnDate,
    Expiry,
    Unit,
    UntilActivated,
    end_of_day,
)
from loyalrules.values.timeutil import zone


class RawNode(Spec):
    """Passes the node through, to be checked later with more context."""

    def __init__(self, later: Spec) -> None:
        self.later = later

    def check(self, node: yaml.Node, where: Where) -> Any:
        return node

    def json_schema(self) -> dict[str, Any]:
        return self.later.json_schema()


RULE_FIELDS = {
    "id": Field(IDENTIFIER, "unique id of the rule (used in entry keys)", required=True),
    "name": Field(Text(), "human name shown in explanations (defaults to the id)"),
    "description": Field(Text(), "longer text for staff and docs", default=""),
    "active": Field(
        Built(builtins.WINDOW, builtins.window),
        "only in this window: {from, until} (program time zone)",
    ),
    "lines": Field(builtins.SELECTOR, "only these lines count for the effect and spend"),
    "activity": Field(builtins.NAMES, "apply to these activity kinds instead of purchases"),
    "when": Field(RawNode(CONDITIONS), "conditions that must all hold"),
    "effect": Field(RawNode(EFFECT), "what the rule gives: {type: ..., ...}", required=True),
    "max_points": Field(Integer(minimum=1), "at most this many points per event"),
    "account": Field(IDENTIFIER, "the account the rule credits", default=DEFAULT_ACCOUNT),
    "pending": Field(PENDING, "overrides the account's pending period for this rule"),
    "expiry": Field(EXPIRY, "overrides the account's expiry for this rule (promo points)"),
    "limit": Field(
        Fields(
            {
                "times": Field(Integer(minimum=1), "how many times", default=1),
                "per": LIMIT_PER,
            }
        ),
        "earn at most 'times' times per member per 'per'",
    ),
    **ENGAGEMENT_RULE_FIELDS,
}


class RuleSpec(Spec):
    expected = "a rule mapping"

    def check(self, node: yaml.Node, where: Where) -> Any:
        values = Fields(RULE_FIELDS).check(node, where)
        if values is INVALID:
            return INVALID
        settings = where.env.settings
        account = _account(settings, values["account"], node, where)
        if account is None:
            return INVALID
        env = BuildEnv(settings=settings, lines=values["lines"], account=account)
        condition = None
        if values["when"] is not None:
            condition = CONDITIONS.check(values["when"], where.key("when").with_env(env))
        effect = EFFECT.check(values["effect"], where.key("effect").with_env(env))
        if condition is INVALID or effect is INVALID:
            return INVALID
        activities = frozenset(values["activity"]) if values["activity"] else None
        if activities is not None and not isinstance(effect, BonusEffect):
            return where.key("effect").problem(
                values["effect"],
                "a rule for activities can only give fixed points",
                "use an effect of type 'bonus'",
            )
        if activities is not None and isinstance(values["pending"], UntilActivated):
            return where.key("pending").problem(
                _value_node(node, "pending") or node,
                "activation applies to purchases; a rule for activities cannot wait for one",
                "give a period such as P14D, or none",
            )
        limit = values["limit"]
        return Rule(
            id=values["id"],
            name=values["name"] or values["id"],
            description=values["description"],
            effect=effect,
            condition=condition,
            active=_while_points_live(
                values["active"], values["expiry"] or account.expiry, settings
            ),
            lines=values["lines"],
            activities=activities,
            max_points=values["max_points"],
            limit=limit_of(limit),
            account=account.name,
            pending=values["pending"],
            expiry=values["expiry"],
            **engagement_values(values),
        )

    def json_schema(self) -> dict[str, Any]:
        return Fields(RULE_FIELDS).json_schema()


def _while_points_live(active: Window | None, expiry: Expiry, settings: Settings) -> Window | None:
    """A rule whose points expire on a fixed day stops applying when that day ends:
    points that would be expired the moment they were earned are never given."""
    if not isinstance(expiry, ExpireOnDate):
        return active
    ends = end_of_day(expiry.day, settings.timezone)
    if active is None:
        return Window(None, ends)
    return Window(active.start, ends if active.end is None else min(active.end, ends))


def _account(settings: Settings, name: str, node: yaml.Node, where: Where) -> Account | None:
    for account in settings.accounts:
        if account.name == name:
            return account
    names = [account.name for account in settings.accounts]
    where.key("account").problem(
        _value_node(node, "account") or node,
        f"no account {name!r} in this program",
        suggest(name, names)
        or f"declare it under 'accounts:'; this program has: {', '.join(names)}",
    )
    return None


def _value_node(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value in node.value:
            if getattr(key_node, "value", None) == key:
                return value  # type: ignore[no-any-return]
    return None


def _id_node(node: yaml.Node) -> yaml.ScalarNode | None:
    found = None
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:  # the last one wins, as after a "<<" merge
            if getattr(key, "value", None) == "id" and isinstance(value, yaml.ScalarNode):
                found = value
    return found


class RulesSpec(Spec):
    """The ``earn`` list: every rule checked, ids unique."""

    expected = "a list of rules"

    def check(self, node: yaml.Node, where: Where) -> Any:
        if not isinstance(node, yaml.SequenceNode):
            return self.wrong(node, where)
        rules: list[Any] = []
        seen: dict[str, int] = {}
        spec = RuleSpec()
        for i, child in enumerate(node.value):
            rule = spec.check(child, where.index(i))
            rules.append(rule)
            id_node = _id_node(child)
            if id_node is None:
                continue
            if id_node.value in seen:
                where.index(i).key("id").problem(
                    id_node,
                    f"rule id {id_node.value!r} is already used by earn[{seen[id_node.value]}]",
                    "give every rule its own id",
                )
                rules.append(INVALID)
            seen.setdefault(id_node.value, i)
        return tuple(rules) if all(r is not INVALID for r in rules) else INVALID

    def json_schema(self) -> dict[str, Any]:
        return {"type": "array", "items": RuleSpec().json_schema()}


PROGRAM_FIELDS = {
    "program": Field(IDENTIFIER, "the program's id", required=True),
    "name": Field(Text(), "the program's display name (defaults to the id)"),
    "description": Field(Text(), "what the program is", default=""),
    "currency": CURRENCY,
    "timezone": Field(
        Built(Text(), lambda v, env: zone(v)),
        "IANA time zone for calendar rules, e.g. America/New_York",
        required=True,
    ),
    "points_name": Field(Text(), "what points are called in messages", default="points"),
    "locale": LOCALE,
    "rounding": Field(
        Fields(
            {
                "mode": choice(RoundingMode, "floor, half_up or ceil", RoundingMode.FLOOR),
                "stage": choice(
                    RoundingStage, "round once per order or on each line", RoundingStage.ORDER
                ),
            }
        ),
        "how exact points become whole points",
    ),
    "stacking": choice(Stacking, "how multipliers on one line combine", Stacking.MULTIPLY),
    "eligible_spend": Field(
        Fields(
            {
                "exclude": Field(builtins.SELECTOR, "lines that never earn (e.g. gift cards)"),
                "discounts_reduce": Field(
                    Boolean(), "discounts reduce eligible spend", default=True
                ),
                "include_tax": Field(Boolean(), "tax counts as eligible spend", default=False),
                "include_shipping": Field(
                    Boolean(), "shipping counts as eligible spend", default=False
                ),
            }
        ),
        "what counts as spend that earns",
    ),
    **LIFECYCLE_FIELDS,
    "accounts": Field(ACCOUNTS, "accounts beyond points (cashback, tier counters)"),
    "transfers": Field(TRANSFERS, "members may give points to each other (off when absent)"),
    "earn": Field(RawNode(RulesSpec()), "the earning rules, evaluated in order", required=True),
    "tiers": Field(RawNode(TIERS), "tiers: levels, what qualifies, movement, benefits"),
    "memberships": Field(MEMBERSHIPS, "paid membership plans: fee, period, benefits"),
    "point_value": Field(
        Number(minimum=Decimal(0), exclusive=True, words="an amount"),
        "what one point is worth, for economics reports",
    ),
    "rewards": Field(RawNode(RewardsSpec()), "the rewards catalog: what points buy"),
    "pay_with_points": Field(PAY_WITH_POINTS, "points may pay part of an order"),
    "redemption_limits": Field(REDEMPTION_LIMITS, "limits across the rewards catalog"),
    "restore_expired": Field(
        RESTORE_EXPIRED,
        "cancelled redemptions: points of expired lots 'lapse' or come back for {grace: P30D}",
    ),
    **ENGAGEMENT_FIELDS,
    "challenges": Field(
        RawNode(CHALLENGES), "challenges: a goal over a period, an optional opt-in, a reward"
    ),
}


def _settings(values: dict[str, Any], node: yaml.Node, where: Where) -> Settings | None:
    rounding = values["rounding"] or {"mode": RoundingMode.FLOOR, "stage": RoundingStage.ORDER}
    spend = values["eligible_spend"]
    pay = values["pay_with_points"]
    policy = EligibleSpendPolicy(
        **(spend or {}), points_payment_earns=pay is not None and pay.earns
    )
    settings = Settings(
        currency=values["currency"],
        timezone=values["timezone"],
        points_name=values["points_name"],
        rounding=rounding["mode"],
        rounding_stage=rounding["stage"],
        stacking=values["stacking"],
        eligible_spend=policy,
        accounts=lifecycle_keys.accounts(values, values["accounts"]),
        transfers=values["transfers"],
        pay_with_points=values["pay_with_points"],
        restore_grace=values["restore_expired"],
        memberships=values["memberships"] or (),
        point_value=values["point_value"],
        locale=values["locale"],
        redemption_limits=values["redemption_limits"],
        groups=values["groups"],
    )
    if values["tiers"] is not None:
        at = where.key("tiers").with_env(BuildEnv(settings))
        tiers = TIERS.check(values["tiers"], at)
        if tiers is INVALID:
            return None
        settings = attrs.evolve(settings, tiers=tiers)
    # Sections that name an account must name one the program has.
    named = (
        ("pay_with_points", settings.pay_with_points),
        ("transfers", settings.transfers),
    )
    for section, names in named:
        if names is None:
            continue
        section_node = _value_node(node, section) or node
        if _account(settings, names.account, section_node, where.key(section)) is None:
            return None
    points = settings.account(DEFAULT_ACCOUNT)
    if points.unit is not Unit.POINTS:
        where.key("accounts.points.unit").problem(
            _value_node(_value_node(_value_node(node, "accounts"), "points"), "unit") or node,
            "the points account counts points",
            "declare a money account under another name (e.g. cashback) instead",
        )
        return None
    return settings


def _program(node: yaml.Node, report: Report) -> Program | None:
    where = Where("", report)
    values = Fields(PROGRAM_FIELDS, expected="a mapping of program keys", extensions=True).check(
        node, where
    )
    if values is INVALID:
        # Still check the rules (with placeholder settings) so every problem is reported.
        earn = (
            next((v for k, _, v in mapping_pairs(node, where) if k == "earn"), None)
            if isinstance(node, yaml.MappingNode)
            else None
        )
        if earn is not None:
            fallback = Settings(currency="USD", timezone=zone("UTC"))
            RulesSpec().check(earn, where.key("earn").with_env(BuildEnv(fallback)))
        return None
    settings = _settings(values, node, where)
    if settings is None:
        return None
    rules = RulesSpec().check(values["earn"], where.key("earn").with_env(BuildEnv(settings)))
    rewards: Any = ()
    if values["rewards"] is not None:
        at = where.key("rewards").with_env(BuildEnv(settings))
        rewards = RewardsSpec().check(values["rewards"], at)
    challenges: Any = ()
    if values["challenges"] is not None:
        at = where.key("challenges").with_env(BuildEnv(settings))
        challenges = CHALLENGES.check(values["challenges"], at)
    if rules is INVALID or rewards is INVALID or challenges is INVALID:
        return None
    referrals = _value_node(node, "referrals") or node
    rules = with_challenges(rules, challenges, settings, values, referrals, where)
    if rules is None:
        return None
    if settings.tiers is not None:
        rules = (*rules, *tier_rules(settings.tiers))
    rules = (*rules, *membership_rules(settings.memberships))
    return Program(
        id=values["program"],
        name=values["name"] or values["program"],
        description=values["description"],
        settings=settings,
        rules=rules,
        rewards=rewards,
        challenges=tuple(challenge for challenge, _ in challenges),
        referrals=values["referrals"],
    )


def loads_program(text: str, source: str = "<string>") -> Program:
    """Load a program from YAML text; ``source`` names it in error messages.

    Raises :class:`ProgramError` listing every problem, each with ``file:line:column``.

    >>> loads_program('''
    ... program: demo
    ... currency: USD
    ... timezone: UTC
    ... earn:
    ...   - id: base
    ...     effect: {type: points_per_spend, points: 1}
    ... ''').rules[0].id
    'base'
    """
    if not isinstance(text, str):
        raise ProgramError(
            [Problem(f"expected YAML text, not {type(text).__name__}", source=source)]
        )
    report = Report(source)
    node = compose(text, report)
    program = _program(node, report) if node is not None else None
    report.report_remaining_duplicates()
    if report.problems or program is None:
        raise ProgramError(sorted(report.problems, key=lambda p: (p.line or 0, p.column or 0)))
    return program


def load_program(path: str | os.PathLike[str]) -> Program:
    """Load a program from a YAML file (see :func:`loads_program`)."""
    name = os.fspath(path)
    try:
        with open(name, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as error:
        raise ProgramError(
            [Problem(f"cannot read the program file: {error.strerror}", source=name)]
        ) from None
    except UnicodeDecodeError:
        raise ProgramError(
            [
                Problem(
                    "the program file is not UTF-8 text",
                    source=name,
                    hint="save it with UTF-8 encoding",
                )
            ]
        ) from None
    return loads_program(text, source=name)


def program_json_schema() -> dict[str, Any]:
    """JSON Schema of program files, for editors' validation and completion."""
    schema = Fields(PROGRAM_FIELDS).json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "loyalrules program",
        **schema,
        "$defs": {"conditions": ConditionsSpec.definition()},
    }


__all__ = ["load_program", "loads_program", "program_json_schema"]
