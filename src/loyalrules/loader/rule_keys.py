"""The rules under a program's ``earn`` key: each rule's keys, and the list of them."""

from __future__ import annotations

from typing import Any

import yaml

from loyalrules.ledger.entries import DEFAULT_ACCOUNT
from loyalrules.loader import builtins
from loyalrules.loader.category_keys import RULE_LINES
from loyalrules.loader.engagement_keys import (
    ENGAGEMENT_RULE_FIELDS,
    LIMIT_PER,
    engagement_values,
    limit_of,
)
from loyalrules.loader.lifecycle_keys import EXPIRY, PENDING
from loyalrules.loader.registry import CONDITIONS, EFFECT, BuildEnv
from loyalrules.loader.scalars import Integer, Text
from loyalrules.loader.schema import IDENTIFIER, Built, Field, Fields, ListOf
from loyalrules.loader.spec import INVALID, Spec, Where, suggest
from loyalrules.rules.conditions import Window
from loyalrules.rules.effects import BonusEffect
from loyalrules.rules.rule import Rule
from loyalrules.rules.settings import Settings
from loyalrules.terms.policies import Account, ExpireOnDate, Expiry, UntilActivated, end_of_day


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
    "lines": Field(RULE_LINES, "only these lines count for the effect and spend"),
    "activity": Field(
        ListOf(Text(), one_or_many=True, min_items=1),
        "apply to these activity kinds instead of purchases",
    ),
    "when": Field(RawNode(CONDITIONS), "conditions that must all hold"),
    "effect": Field(RawNode(EFFECT), "what the rule gives: {type: ..., ...}", required=True),
    "max_points": Field(Integer(minimum=1), "at most this many points per event"),
    "account": Field(IDENTIFIER, "the account the rule credits", default=DEFAULT_ACCOUNT),
    "pending": Field(PENDING, "overrides the account's pending period for this rule"),
    "expiry": Field(EXPIRY, "overrides the account's expiry for this rule (promo points)"),
    "limit": Field(
        Fields(
            {
                "times": Field(Integer(minimum=1), "how many times (1 without 'points')"),
                "points": Field(Integer(minimum=1), "how many points in all"),
                "per": LIMIT_PER,
            }
        ),
        "earn at most 'times' times, or 'points' points, per member per 'per'",
    ),
    **ENGAGEMENT_RULE_FIELDS,
}


class RuleSpec(Spec):
    expected = "a rule mapping"

    def check(self, node: yaml.Node, where: Where) -> Any:
        values = Fields(RULE_FIELDS).check(node, where)
        if values is INVALID:
            self._check_parts(node, where)  # so every problem of the rule is reported
            return INVALID
        settings = where.env.settings
        if where.env.placeholder and values["account"] not in settings.account_names:
            account: Account | None = Account(name=values["account"])
        else:
            account = account_named(settings, values["account"], node, where)
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
        if (
            activities is not None
            and values["pending"] is None
            and isinstance(account.pending, UntilActivated)
        ):
            return where.key("activity").problem(
                value_node(node, "activity") or node,
                f"a rule for activities would wait for an activation (the pending of "
                f"account {account.name!r}), and no activation ever comes for an activity",
                "give the rule its own pending: none, or a period such as P14D",
            )
        if activities is not None and isinstance(values["pending"], UntilActivated):
            return where.key("pending").problem(
                value_node(node, "pending") or node,
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

    def _check_parts(self, node: yaml.Node, where: Where) -> None:
        """Check ``when`` and ``effect`` of a rule whose other keys have problems, as
        if it credited the points account."""
        settings = where.env.settings
        env = BuildEnv(settings=settings, account=settings.account(DEFAULT_ACCOUNT))
        when = value_node(node, "when")
        if when is not None:
            CONDITIONS.check(when, where.key("when").with_env(env))
        effect = value_node(node, "effect")
        if effect is not None:
            EFFECT.check(effect, where.key("effect").with_env(env))

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


def account_named(settings: Settings, name: str, node: yaml.Node, where: Where) -> Account | None:
    for account in settings.accounts:
        if account.name == name:
            return account
    names = [account.name for account in settings.accounts]
    where.key("account").problem(
        value_node(node, "account") or node,
        f"no account {name!r} in this program",
        suggest(name, names)
        or f"declare it under 'accounts:'; this program has: {', '.join(names)}",
    )
    return None


def value_node(node: yaml.Node | None, key: str) -> yaml.Node | None:
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


__all__ = ["RULE_FIELDS", "RawNode", "RuleSpec", "RulesSpec", "account_named", "value_node"]
