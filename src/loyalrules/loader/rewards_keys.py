"""Program keys for spending points: the ``rewards`` catalog, ``pay_with_points`` and
``restore_expired``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import yaml

from loyalrules.ledger.entries import DEFAULT_ACCOUNT
from loyalrules.loader import builtins
from loyalrules.loader.lifecycle_keys import DURATION
from loyalrules.loader.registry import CONDITIONS, BuildEnv
from loyalrules.loader.scalars import Boolean, Integer, Number, Text
from loyalrules.loader.schema import (
    IDENTIFIER,
    Built,
    ByShape,
    Field,
    Fields,
    ListOf,
    Payload,
    mapping_pairs,
)
from loyalrules.loader.spec import INVALID, Spec, Where, suggest
from loyalrules.rules.limits import PeriodLimit
from loyalrules.rules.messages import MessageTemplate
from loyalrules.rules.rewards import (
    AmountOff,
    Credit,
    Custom,
    Donation,
    FreeItem,
    FreeShipping,
    Gift,
    PercentOff,
    Price,
    Reward,
)
from loyalrules.terms.policies import PayWithPoints, Unit
from loyalrules.values.timeutil import Period

AMOUNT = Number(minimum=Decimal(0), exclusive=True, words="an amount")
PERCENT = Number(minimum=Decimal(0), exclusive=True, words="a percentage")


def _free_item(values: dict[str, Any], where: Where) -> Gift:
    return FreeItem(builtins.selector(values), values["max_value"], _locale(where))


def _locale(where: Where) -> str | None:
    """The program's locale, for gifts that write amounts."""
    return where.env.settings.locale if where.env is not None else None


GIFTS: dict[str, Fields] = {
    "amount_off": Fields(
        {
            "amount": Field(AMOUNT, "the amount off the order", required=True),
            "of": Field(
                Text(choices=("merchandise", "order")),
                "at most the merchandise (default), or the whole order with tax and shipping",
                default="merchandise",
            ),
        },
        build=lambda v, where: AmountOff(v["amount"], _locale(where), of_order=v["of"] == "order"),
    ),
    "percent_off": Fields(
        {
            "percent": Field(PERCENT, "percent off the order", required=True),
            "max_amount": Field(AMOUNT, "at most this much off"),
            "of": Field(
                Text(choices=("merchandise", "order")),
                "a percent of the whole order with tax and shipping (default), or of the "
                "merchandise only",
                default="order",
            ),
        },
        build=lambda v, where: PercentOff(
            v["percent"], v["max_amount"], _locale(where), of_order=v["of"] == "order"
        ),
    ),
    "free_item": Fields(
        {
            **builtins.SELECTOR_FIELDS,
            "max_value": Field(AMOUNT, "worth at most this much"),
        },
        build=_free_item,
    ),
    "free_shipping": Fields({}, build=lambda v, where: FreeShipping()),
    "credit": Fields(
        {
            "amount": Field(AMOUNT, "money credited", required=True),
            "account": Field(Text(), "the money account credited", required=True),
        },
        build=lambda v, where: Credit(v["account"], v["amount"], _locale(where)),
    ),
    "donation": Fields(
        {"cause": Field(Text(), "who receives the gift", required=True)},
        build=lambda v, where: Donation(v["cause"]),
    ),
    "custom": Fields(
        {
            "description": Field(Text(), "what the member gets, in words", default=""),
            "payload": Field(Payload(), "a mapping passed to the host as written", default=None),
        },
        build=lambda v, where: Custom(v["payload"] or {}, v["description"]),
    ),
}


class GiftSpec(Spec):
    """``gives: {type: <kind>, ...}``: the kind's own keys, checked by the kind."""

    expected = "a mapping with a 'type'"

    def check(self, node: yaml.Node, where: Where) -> Any:
        if not isinstance(node, yaml.MappingNode):
            return self.wrong(node, where)
        pairs = mapping_pairs(node, where)
        kind = next((v for k, _, v in pairs if k == "type"), None)
        if not isinstance(kind, yaml.ScalarNode):
            return where.problem(node, "missing 'type'", f"one of: {', '.join(GIFTS)}")
        fields = GIFTS.get(kind.value)
        if fields is None:
            return where.key("type").problem(
                kind,
                f"unknown gift type {kind.value!r}",
                suggest(kind.value, tuple(GIFTS)) or f"one of: {', '.join(GIFTS)}",
            )
        rest = yaml.MappingNode(
            node.tag,
            [(k, v) for k, v in node.value if getattr(k, "value", None) != "type"],
            node.start_mark,
            node.end_mark,
        )
        return fields.check(rest, where)

    def json_schema(self) -> dict[str, Any]:
        return {
            "anyOf": [
                {
                    **fields.json_schema(),
                    "properties": {
                        "type": {"const": name},
                        **fields.json_schema()["properties"],
                    },
                    "required": ["type", *fields.json_schema().get("required", [])],
                }
                for name, fields in GIFTS.items()
            ]
        }


PERIODS = Built(Text(choices=tuple(p.value for p in Period)), lambda v, env: Period(v))


class PriceSpec(Spec):
    """``{when: <conditions>, cost: N}``."""

    expected = "a mapping with 'when' and 'cost'"

    def check(self, node: yaml.Node, where: Where) -> Any:
        values = _PRICE.check(node, where)
        if values is INVALID:
            return INVALID
        condition = CONDITIONS.check(values["when"], where.key("when"))
        if condition is INVALID:
            return INVALID
        return Price(condition=condition, cost=values["cost"])

    def json_schema(self) -> dict[str, Any]:
        return _PRICE.json_schema()


class _Raw(Spec):
    """The node itself, checked later with more context."""

    def check(self, node: yaml.Node, where: Where) -> Any:
        return node

    def json_schema(self) -> dict[str, Any]:
        return {"$ref": "#/$defs/conditions"}


_PRICE = Fields(
    {
        "when": Field(_Raw(), "conditions for this price", required=True),
        "cost": Field(Integer(minimum=1), "the cost when they hold", required=True),
    }
)


REWARD_FIELDS = {
    "id": Field(IDENTIFIER, "unique id of the reward", required=True),
    "name": Field(Text(), "what members see (defaults to the id)"),
    "description": Field(Text(), "longer text", default=""),
    "cost": Field(Integer(minimum=1), "points it costs", required=True),
    "prices": Field(ListOf(PriceSpec()), "other costs when conditions hold (e.g. a tier)"),
    "gives": Field(GiftSpec(), "what it gives: {type: ..., ...}", required=True),
    "when": Field(_Raw(), "who may redeem it, and when"),
    "active": Field(Built(builtins.WINDOW, builtins.window), "only in this window"),
    "limit": Field(
        Fields(
            {
                "times": Field(Integer(minimum=1), "how many times", default=1),
                "per": Field(PERIODS, "calendar period or lifetime", required=True),
            }
        ),
        "at most 'times' redemptions per member per 'per'",
    ),
    "per_order": Field(Integer(minimum=1), "at most this many per order"),
    "account": Field(Text(), "the account it spends", default=DEFAULT_ACCOUNT),
    "message": Field(
        Built(Text(), lambda text, env: MessageTemplate.of(text)),
        "shown to the member on redeeming ($points, $reward, $expires)",
    ),
    "budget": Field(IDENTIFIER, "a program-wide budget of redemptions, passed in to redeem"),
}


class RewardsSpec(Spec):
    """The ``rewards`` list: every reward checked, ids unique, accounts known."""

    expected = "a list of rewards"

    def check(self, node: yaml.Node, where: Where) -> Any:
        if not isinstance(node, yaml.SequenceNode):
            return self.wrong(node, where)
        env: BuildEnv = where.env
        names = [account.name for account in env.settings.accounts]
        rewards: list[Any] = []
        seen: set[str] = set()
        for i, child in enumerate(node.value):
            at = where.index(i)
            values = Fields(REWARD_FIELDS).check(child, at)
            if values is INVALID:
                rewards.append(INVALID)
                continue
            condition = None
            if values["when"] is not None:
                condition = CONDITIONS.check(values["when"], at.key("when"))
            problems = condition is INVALID
            if values["id"] in seen:
                at.key("id").problem(child, f"reward id {values['id']!r} is used twice")
                problems = True
            seen.add(values["id"])
            for key, account in (
                ("account", values["account"]),
                ("gives.account", _credit(values)),
            ):
                if account is not None and account not in names:
                    at.key(key).problem(
                        child,
                        f"no account {account!r} in this program",
                        suggest(account, names) or f"this program has: {', '.join(names)}",
                    )
                    problems = True
            credit = _credit(values)
            if credit in names and env.settings.account(credit).unit is not Unit.MONEY:
                at.key("gives.account").problem(
                    child,
                    f"a credit goes to a money account, and {credit!r} counts points",
                    "declare an account with 'unit: money' for store credit",
                )
                problems = True
            if problems:
                rewards.append(INVALID)
                continue
            limit = values["limit"]
            rewards.append(
                Reward(
                    id=values["id"],
                    name=values["name"] or values["id"],
                    description=values["description"],
                    cost=values["cost"],
                    prices=tuple(values["prices"] or ()),
                    gift=values["gives"],
                    condition=condition,
                    active=values["active"],
                    limit=None if limit is None else PeriodLimit(limit["times"], limit["per"]),
                    per_order=values["per_order"],
                    account=values["account"],
                    message=values["message"],
                    budget=values["budget"],
                )
            )
        return tuple(rewards) if all(r is not INVALID for r in rewards) else INVALID

    def json_schema(self) -> dict[str, Any]:
        return {"type": "array", "items": Fields(REWARD_FIELDS).json_schema()}


def _credit(values: dict[str, Any]) -> str | None:
    gift = values["gives"]
    return gift.account if isinstance(gift, Credit) else None


def _pay(values: dict[str, Any], env: Any) -> PayWithPoints:
    if values["max_percent"] > 100:
        raise ValueError("'max_percent' is a share of the order: at most 100")
    rate = values["rate"]
    return PayWithPoints(
        account=values["account"],
        points=rate["points"],
        value=rate["value"],
        min_points=values["min_points"],
        step=values["step"],
        max_share=values["max_percent"] / 100,
        earns=values["earns"],
    )


PAY_WITH_POINTS = Built(
    Fields(
        {
            "account": Field(Text(), "the account that pays", default=DEFAULT_ACCOUNT),
            "rate": Field(
                Fields(
                    {
                        "points": Field(Integer(minimum=1), "this many points...", required=True),
                        "value": Field(AMOUNT, "...pay this much", required=True),
                    }
                ),
                "what points are worth: {points: 100, value: '1.00'}",
                required=True,
            ),
            "min_points": Field(Integer(minimum=0), "fewest points per order", default=0),
            "step": Field(Integer(minimum=1), "only multiples of this many points", default=1),
            "max_percent": Field(
                Number(minimum=Decimal(0), exclusive=True, words="a percentage"),
                "at most this percent of the order",
                default=Decimal(100),
            ),
            "earns": Field(Boolean(), "the part paid with points earns points", default=False),
        }
    ),
    _pay,
)


RESTORE_EXPIRED = ByShape(
    scalar=Built(Text(choices=("lapse",)), lambda v, env: None),
    mapping=Built(
        Fields({"grace": Field(DURATION, "given back for this long", required=True)}),
        lambda v, env: v["grace"],
    ),
)
