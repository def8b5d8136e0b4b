"""The condition and effect types every program file can use."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta, tzinfo
from decimal import Decimal
from fractions import Fraction
from typing import Any

from loyalrules.loader.lifecycle_keys import DURATION
from loyalrules.loader.registry import CONDITIONS, BuildEnv, register_condition, register_effect
from loyalrules.loader.scalars import Boolean, ClockTime, Instant, Integer, Number, PlainValue, Text
from loyalrules.loader.schema import ByShape, Field, Fields, ListOf, MapOf
from loyalrules.rules.conditions import (
    WEEKDAYS,
    AllOf,
    AnyOf,
    BirthdayMonth,
    Channel,
    Condition,
    Contains,
    EventAttribute,
    MemberAttribute,
    MinSpend,
    Not,
    NthPurchase,
    Payment,
    TimeOfDay,
    Weekdays,
    Window,
    all_of,
)
from loyalrules.rules.effects import (
    Bonus,
    Cashback,
    Multiply,
    PointsPerItem,
    PointsPerSpend,
    PointsPerTender,
)
from loyalrules.rules.history_conditions import (
    Anniversary,
    Birthday,
    SinceJoining,
    SinceLastPurchase,
)
from loyalrules.rules.selectors import LineSelector
from loyalrules.terms.policies import Unit
from loyalrules.values.durations import parse_duration
from loyalrules.values.money import minor_units

NAMES = ListOf(Text(), one_or_many=True)
AMOUNT = Number(minimum=Decimal(0), words="an amount")

_SELECTOR_FIELDS = {
    "categories": Field(NAMES, "line categories to include", default=()),
    "skus": Field(NAMES, "SKUs to include", default=()),
    "tags": Field(NAMES, "line tags to include", default=()),
}


def selector(values: dict[str, Any]) -> LineSelector:
    """The line selector a mapping of ``categories``/``skus``/``tags``/``exclude`` names."""
    exclude = values.get("exclude") or {}
    return LineSelector(
        categories=values["categories"],
        skus=values["skus"],
        tags=values["tags"],
        exclude_categories=exclude.get("categories", ()),
        exclude_skus=exclude.get("skus", ()),
        exclude_tags=exclude.get("tags", ()),
    )


EXCLUDE = Fields(_SELECTOR_FIELDS)
SELECTOR_FIELDS = {
    **_SELECTOR_FIELDS,
    "exclude": Field(EXCLUDE, "lines to leave out even if included above"),
}
SELECTOR = Fields(SELECTOR_FIELDS, build=lambda values, where: selector(values))


def _local(moment: date | datetime, zone: tzinfo, end: bool) -> datetime:
    if isinstance(moment, datetime):
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)
    day = moment + timedelta(days=1) if end else moment  # a date "until" includes that day
    return datetime(day.year, day.month, day.day, tzinfo=zone)


def window(values: dict[str, Any], env: BuildEnv) -> Window:
    """``from``/``until`` in the program's zone; a date ``until`` includes the whole day."""
    zone = env.settings.timezone
    start = _local(values["from"], zone, end=False) if values["from"] is not None else None
    end = _local(values["until"], zone, end=True) if values["until"] is not None else None
    if start is None and end is None:
        raise ValueError("give 'from', 'until' or both")
    if start is not None and end is not None and end <= start:
        raise ValueError(f"'until' ({values['until']}) must be after 'from' ({values['from']})")
    return Window(start, end)


WINDOW = Fields(
    {
        "from": Field(Instant(), "first date (or date-time) included, in the program's time zone"),
        "until": Field(Instant(), "last date included (a date-time is excluded)"),
    }
)


def _attributes(
    values: dict[str, Any],
    kind: type[MemberAttribute | EventAttribute],
) -> Condition:
    if not values:
        raise ValueError("name at least one attribute")
    return all_of(
        [kind(name, frozenset(v if isinstance(v, tuple) else (v,))) for name, v in values.items()]
    )


ATTRIBUTES = MapOf(ByShape(scalar=PlainValue(), sequence=ListOf(PlainValue())))


def _min_spend(value: Decimal | dict[str, Any], env: BuildEnv) -> MinSpend:
    if isinstance(value, dict):
        amount, lines = value["amount"], value["lines"] or env.lines
    else:
        amount, lines = value, env.lines
    return MinSpend(amount, env.settings.currency, lines, locale=env.settings.locale)


register_condition(
    "min_spend",
    _min_spend,
    spec=ByShape(
        scalar=AMOUNT,
        mapping=Fields(
            {
                "amount": Field(AMOUNT, "the minimum eligible spend", required=True),
                "lines": Field(SELECTOR, "count only these lines' spend"),
            }
        ),
    ),
    doc="Eligible spend (of the rule's lines, if it has 'lines') is at least this amount.",
)
register_condition(
    "contains",
    lambda v, env: Contains(selector(v), v["min_quantity"]),
    spec=Fields(
        {**SELECTOR_FIELDS, "min_quantity": Field(Integer(minimum=1), "units needed", default=1)}
    ),
    doc="The cart holds at least min_quantity units of the selected items.",
)
register_condition(
    "between",
    window,
    spec=WINDOW,
    doc="The event happens between 'from' and 'until' (program time zone).",
)
register_condition(
    "weekday",
    lambda v, env: Weekdays(frozenset(WEEKDAYS.index(d) for d in v)),
    spec=ListOf(Text(choices=WEEKDAYS), one_or_many=True, min_items=1),
    doc="The event falls on one of these days (mon..sun), in the program's time zone.",
)
register_condition(
    "time_of_day",
    lambda v, env: TimeOfDay(v["from"], v["until"]),
    spec=Fields(
        {
            "from": Field(ClockTime(), "start, included", required=True),
            "until": Field(ClockTime(), "end, excluded", required=True),
        }
    ),
    doc="Local time of day is from 'from' until 'until' (wraps past midnight).",
)
register_condition(
    "member",
    lambda v, env: _attributes(v, MemberAttribute),
    spec=ATTRIBUTES,
    doc="Member attributes equal these values (a list means any of them).",
)
register_condition(
    "event",
    lambda v, env: _attributes(v, EventAttribute),
    spec=ATTRIBUTES,
    doc="Purchase or activity attributes equal these values.",
)
register_condition(
    "channel",
    lambda v, env: Channel(frozenset(v)),
    spec=NAMES,
    doc="The purchase was made through one of these channels.",
)
register_condition(
    "payment",
    lambda v, env: Payment(frozenset(v)),
    spec=NAMES,
    doc="The purchase was paid with one of these methods.",
)
register_condition(
    "birthday_month",
    lambda v, env: BirthdayMonth(v),
    spec=Boolean(),
    doc="The event is (true) or is not (false) in the member's birthday month.",
)
register_condition(
    "first_purchase",
    lambda v, env: NthPurchase(1) if v else Not(NthPurchase(1)),
    spec=Boolean(),
    doc="This is (true) or is not (false) the member's first purchase.",
)
register_condition(
    "nth_purchase",
    lambda v, env: NthPurchase(v),
    spec=Integer(minimum=1),
    doc="This is the member's n-th purchase (1 = first).",
)


def _since(kind: type[SinceJoining | SinceLastPurchase]) -> Any:
    def build(values: dict[str, Any], env: BuildEnv) -> Condition:
        if values["at_least"] is None and values["within"] is None:
            raise ValueError("give 'at_least', 'within' or both (durations such as P30D)")
        return kind(at_least=values["at_least"], within=values["within"])

    return build


SINCE = Fields(
    {
        "at_least": Field(DURATION, "holds from this long after on"),
        "within": Field(DURATION, "holds until this long after (excluded)"),
    }
)
register_condition(
    "since_joining",
    _since(SinceJoining),
    spec=SINCE,
    doc="Time since the member joined: at_least (tenure) and/or within (new members).",
)
register_condition(
    "since_last_purchase",
    _since(SinceLastPurchase),
    spec=SINCE,
    doc="Time since the member's previous purchase: at_least (away) and/or within.",
)


def _register_yearly_day(
    name: str, condition: Callable[..., Condition], after: str, doc: str
) -> None:
    """``name: true`` (the day, from local midnight) or ``name: {within: P7D}`` (a span
    from it): an anniversary of joining, a birthday."""

    def build(value: bool | dict[str, Any], env: BuildEnv) -> Condition:
        if isinstance(value, dict):
            return condition(within=value["within"])
        if not value:
            raise ValueError(f"write '{name}: true' or {{within: P7D}}; for 'not', use 'not:'")
        return condition(within=parse_duration("P1D"))

    register_condition(
        name,
        build,
        spec=ByShape(
            scalar=Boolean(),
            mapping=Fields({"within": Field(DURATION, f"how long after {after}", required=True)}),
        ),
        doc=doc,
    )


_register_yearly_day(
    "anniversary",
    Anniversary,
    "the anniversary day",
    "The event is on an anniversary of joining (true), or within a time after it.",
)
_register_yearly_day(
    "birthday",
    Birthday,
    "the birthday",
    "The event is on the member's birthday (true), or within a time after it.",
)
register_condition(
    "all",
    lambda v, env: AllOf(tuple(v)),
    spec=ListOf(CONDITIONS, min_items=1),
    doc="Every one of these condition mappings holds.",
)
register_condition(
    "any",
    lambda v, env: AnyOf(tuple(v)),
    spec=ListOf(CONDITIONS, min_items=1),
    doc="At least one of these condition mappings holds.",
)
register_condition(
    "not", lambda v, env: Not(v), spec=CONDITIONS, doc="This condition mapping does not hold."
)

POSITIVE = Number(minimum=Decimal(0), exclusive=True)

register_effect(
    "points_per_spend",
    lambda v, env: PointsPerSpend(
        v["points"],
        v["per"],
        env.settings.currency,
        whole=v["counting"] == "whole",
        locale=env.settings.locale,
    ),
    fields={
        "points": Field(POSITIVE, "points earned per 'per' of eligible spend", required=True),
        "per": Field(POSITIVE, "the spend increment, in the program currency", default=Decimal(1)),
        "counting": Field(
            Text(choices=("whole", "pro_rata")),
            "'whole': only whole increments earn; 'pro_rata': spend * rate",
            default="whole",
        ),
    },
    doc="Base points from eligible spend.",
)
register_effect(
    "points_per_tender",
    lambda v, env: PointsPerTender(
        frozenset(v["methods"]),
        v["points"],
        v["per"],
        env.settings.currency,
        whole=v["counting"] == "whole",
        locale=env.settings.locale,
    ),
    fields={
        "methods": Field(
            ListOf(Text(), one_or_many=True, min_items=1), "the payment methods", required=True
        ),
        "points": Field(POSITIVE, "points per 'per' of spend paid that way", required=True),
        "per": Field(POSITIVE, "the spend increment, in the program currency", default=Decimal(1)),
        "counting": Field(
            Text(choices=("whole", "pro_rata")),
            "'whole': only whole increments earn; 'pro_rata': spend * rate",
            default="whole",
        ),
    },
    doc="Points on the share of eligible spend paid with these methods (split tender).",
)


def _multiply(values: dict[str, Any], env: BuildEnv) -> Multiply:
    paid_with = values.get("paid_with")
    methods = None if paid_with is None else frozenset(paid_with)
    return Multiply(Fraction(values["factor"]), methods)


register_effect(
    "multiply",
    _multiply,
    fields={
        "factor": Field(Number(minimum=Decimal(1)), "e.g. 2 for double points", required=True),
        "paid_with": Field(
            ListOf(Text(), one_or_many=True, min_items=1),
            "multiply only the share of the points paid with these payment methods",
        ),
    },
    doc="Multiply the base points of the rule's lines (all lines if it has none).",
)
register_effect(
    "bonus",
    lambda v, env: Bonus(v["points"]),
    fields={"points": Field(Integer(minimum=1), "points added", required=True)},
    doc="A fixed number of points (not multiplied).",
)
register_effect(
    "points_per_item",
    lambda v, env: PointsPerItem(v["points"]),
    fields={"points": Field(Integer(minimum=1), "points per unit bought", required=True)},
    doc="Points for each unit bought of the rule's lines.",
)


def _cashback(values: dict[str, Any], env: BuildEnv) -> Cashback:
    if env.account.unit is not Unit.MONEY:
        raise ValueError(
            f"cashback credits money, but account {env.account.name!r} counts points; "
            "declare an account with 'unit: money' and give the rule 'account: <its name>'"
        )
    currency = env.settings.currency
    per_unit = values["percent"] * Decimal(10) ** minor_units(currency) / 100
    return Cashback(per_unit, Decimal(1), currency, whole=False, percent=values["percent"])


register_effect(
    "cashback",
    _cashback,
    fields={
        "percent": Field(
            Number(minimum=Decimal(0), exclusive=True), "percent of eligible spend", required=True
        )
    },
    doc="A percentage of eligible spend credited to a money account, to the cent.",
)
