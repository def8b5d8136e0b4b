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
from loyalrules.loader.catalog_keys import REDEMPTION_CHART, REDEMPTION_LIMITS
from loyalrules.loader.engagement_keys import (
    CHALLENGES,
    ENGAGEMENT_FIELDS,
    with_challenges,
)
from loyalrules.loader.lifecycle_keys import ACCOUNTS, LIFECYCLE_FIELDS, TRANSFERS
from loyalrules.loader.membership_keys import MEMBERSHIPS, membership_rules
from loyalrules.loader.money_keys import CURRENCY, LOCALE
from loyalrules.loader.payout_keys import PAYOUTS, account_problem, step_problem
from loyalrules.loader.registry import BuildEnv, ConditionsSpec
from loyalrules.loader.rewards_keys import PAY_WITH_POINTS, RESTORE_EXPIRED, RewardsSpec
from loyalrules.loader.rule_keys import RawNode, RulesSpec, account_named, value_node
from loyalrules.loader.scalars import Boolean, Number, Text
from loyalrules.loader.schema import IDENTIFIER, Built, Field, Fields, choice, mapping_pairs
from loyalrules.loader.spec import INVALID, Where
from loyalrules.loader.tier_keys import TIERS, tier_rules
from loyalrules.loader.yaml_source import Report, compose
from loyalrules.program import Program
from loyalrules.rules.settings import (
    EligibleSpendPolicy,
    RoundingMode,
    RoundingStage,
    Settings,
    Stacking,
)
from loyalrules.terms.policies import (
    Unit,
)
from loyalrules.values.collector import collector_paused
from loyalrules.values.timeutil import zone

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
    "redemption_chart": Field(REDEMPTION_CHART, "points redeemed in steps for money off"),
    "payouts": Field(PAYOUTS, "credit accrued across purchases, issued once a period"),
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
        redemption_chart=values["redemption_chart"],
        payouts=tuple(values["payouts"] or ()),
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
        ("redemption_chart", settings.redemption_chart),
    )
    for section, names in named:
        if names is None:
            continue
        section_node = value_node(node, section) or node
        if account_named(settings, names.account, section_node, where.key(section)) is None:
            return None
    for position, payout in enumerate(settings.payouts):
        problem = account_problem(payout, settings)
        if problem is not None:
            where.key("payouts").index(position).key("account").problem(node, problem)
            return None
        problem = step_problem(payout, settings.currency)
        if problem is not None:
            where.key("payouts").index(position).key("step").problem(node, problem)
            return None
    points = settings.account(DEFAULT_ACCOUNT)
    if points.unit is not Unit.POINTS:
        where.key("accounts.points.unit").problem(
            value_node(value_node(value_node(node, "accounts"), "points"), "unit") or node,
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
            env = BuildEnv(fallback, placeholder=True)
            RulesSpec().check(earn, where.key("earn").with_env(env))
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
    referrals = value_node(node, "referrals") or node
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
    with collector_paused():
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
