"""The behaviour model of a simulated population: how often members visit, what they
buy, when they redeem, return, leave, engage and react to a tier within reach.

A model is plain data: :data:`DEFAULT_MODEL` is the embedded default (YAML, shown in
``docs/economics.md``), and a YAML file beside the program overrides any part of it::

    model = behaviour_from_yaml("visits: {per_month: 3}")
    model.visits.per_month  # Decimal('3'); everything else is the default
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Final, TypeVar

import attrs
import yaml

from loyalrules import ValidationError
from loyalrules.values.frozen import value_methods

DEFAULT_MODEL: Final = """\
visits:
  per_month: 2          # mean visits (orders) of an active member in a month
  spread: 0.8           # how much members differ: the log-spread of each member's rate
basket:
  lines: 2              # mean lines per order (at least 1)
  max_quantity: 3       # units per line, from 1 to this
  price: "12.00"        # median unit price, in the program's currency
  price_spread: 0.6     # log-spread of unit prices
  categories: {}        # weight per category; unnamed ones share what is left equally
  other_share: 0.5      # weight of lines in categories no rule names
returns:
  rate: 0.05            # share of orders returned...
  partial: 0.5          # ...of which this share is one line only, the rest in full
  within_days: 30       # a return comes 1 to this many days after its order
redemption:
  propensity: 0.6       # share of members who ever redeem
  chance: 0.3           # at each visit, the chance a redeemer tries a reward
churn:
  monthly: 0.03         # chance an active member leaves for good, each month
engagement:
  per_month: 0.2        # activities (the program's kinds) per member per month
tiers:
  within: 0.2           # a member this close to the next tier's threshold (a share of it)...
  boost: 1.5            # ...visits this many times as often that month
memberships:
  subscribe: 0.05       # chance a member without a plan subscribes, each month
  renew: 0.85           # chance a subscriber renews at the start of each month
attributes: 0.2         # share of members holding each value a rule asks for
seasonality: {}         # month number: factor on visits (so on spend), e.g. {11: 1.2, 12: 1.6}
pay_with_points:
  chance: 0.1           # at each order, the chance a member pays part of it with points
adjustments:
  per_month: 0          # chance of a goodwill credit by customer service, each month
  points: 100           # ...of this many points
referrals:
  per_month: 0.02       # chance an active member brings a friend who joins, each month
transfers:
  per_month: 0.1        # chance a member with friends gives one of them points, each month
  share: 0.5            # ...this share of their available points
"""
"""The embedded default behaviour model."""

T = TypeVar("T")


def _number(value: object, where: str, low: Decimal, high: Decimal | None) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise ValidationError(f"{where}: expected a number, not {value!r}")
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        raise ValidationError(f"{where}: expected a number, not {value!r}") from None
    if not number.is_finite() or number < low or (high is not None and number > high):
        bound = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise ValidationError(f"{where}: {value!r} must be {bound}")
    return number


_ZERO, _ONE = Decimal(0), Decimal(1)


SHARE: Final = {"low": _ZERO, "high": _ONE}
"""Bounds of a probability or a share."""
QUANTITY: Final = {"low": _ZERO, "high": None}
"""Bounds of a non-negative quantity."""
AT_LEAST_ONE: Final = {"low": _ONE, "high": None}


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class Visits:
    per_month: Decimal = attrs.field(converter=Decimal, metadata=QUANTITY)
    spread: Decimal = attrs.field(converter=Decimal, metadata=QUANTITY)


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class Basket:
    lines: Decimal = attrs.field(converter=Decimal, metadata=AT_LEAST_ONE)
    max_quantity: Decimal = attrs.field(converter=Decimal, metadata=AT_LEAST_ONE)
    price: Decimal = attrs.field(converter=Decimal, metadata={"low": Decimal("0.01"), "high": None})
    price_spread: Decimal = attrs.field(converter=Decimal, metadata=QUANTITY)
    categories: Mapping[str, Decimal] = attrs.field(factory=dict)
    other_share: Decimal = attrs.field(converter=Decimal, metadata=QUANTITY)


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class Returns:
    rate: Decimal = attrs.field(converter=Decimal, metadata=SHARE)
    partial: Decimal = attrs.field(converter=Decimal, metadata=SHARE)
    within_days: Decimal = attrs.field(converter=Decimal, metadata=AT_LEAST_ONE)


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class Redemption:
    propensity: Decimal = attrs.field(converter=Decimal, metadata=SHARE)
    chance: Decimal = attrs.field(converter=Decimal, metadata=SHARE)


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class Churn:
    monthly: Decimal = attrs.field(converter=Decimal, metadata=SHARE)


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class Engagement:
    per_month: Decimal = attrs.field(converter=Decimal, metadata=QUANTITY)


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class TierReaction:
    within: Decimal = attrs.field(converter=Decimal, metadata=SHARE)
    boost: Decimal = attrs.field(converter=Decimal, metadata=QUANTITY)


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class Memberships:
    subscribe: Decimal = attrs.field(converter=Decimal, metadata=SHARE)
    renew: Decimal = attrs.field(converter=Decimal, metadata=SHARE)


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class PayingWithPoints:
    chance: Decimal = attrs.field(converter=Decimal, metadata=SHARE)


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class Adjustments:
    per_month: Decimal = attrs.field(converter=Decimal, metadata=SHARE)
    points: Decimal = attrs.field(converter=Decimal, metadata=AT_LEAST_ONE)


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class Referrals:
    per_month: Decimal = attrs.field(converter=Decimal, metadata=SHARE)


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class Transfers:
    per_month: Decimal = attrs.field(converter=Decimal, metadata=SHARE)
    share: Decimal = attrs.field(converter=Decimal, metadata=SHARE)


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class BehaviourModel:
    """Every parameter of the population's behaviour (see ``docs/economics.md``)."""

    visits: Visits
    basket: Basket
    returns: Returns
    redemption: Redemption
    churn: Churn
    engagement: Engagement
    tiers: TierReaction
    memberships: Memberships
    pay_with_points: PayingWithPoints
    adjustments: Adjustments
    referrals: Referrals
    transfers: Transfers
    attributes: Decimal = attrs.field(converter=Decimal, metadata=SHARE)
    seasonality: Mapping[int, Decimal] = attrs.field(factory=dict)

    def season(self, month: int) -> Decimal:
        """The factor on visits in calendar month ``month`` (1 to 12; 1 unless named)."""
        return self.seasonality.get(month, _ONE)


_SECTIONS: Final[Mapping[str, type[Any]]] = {
    "visits": Visits,
    "basket": Basket,
    "returns": Returns,
    "redemption": Redemption,
    "churn": Churn,
    "engagement": Engagement,
    "tiers": TierReaction,
    "memberships": Memberships,
    "pay_with_points": PayingWithPoints,
    "adjustments": Adjustments,
    "referrals": Referrals,
    "transfers": Transfers,
}
_WHOLE = ("categories", "seasonality")  # mappings an override replaces as a whole


def _build(cls: type[T], data: object, where: str) -> T:
    if not isinstance(data, Mapping):
        raise ValidationError(f"{where or 'the model'}: expected a mapping, not {data!r}")
    fields = {f.name: f for f in attrs.fields(cls)}  # type: ignore[arg-type]
    values: dict[str, Any] = {}
    for key, value in data.items():
        path = f"{where}.{key}" if where else str(key)
        field = fields.get(str(key))
        if field is None:
            close = difflib.get_close_matches(str(key), fields, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ValidationError(f"{path}: unknown key{hint} (known: {', '.join(fields)})")
        section = _SECTIONS.get(field.name) if cls is BehaviourModel else None
        if section is not None:
            values[field.name] = _build(section, value, path)
        elif field.name == "seasonality":
            values[field.name] = _seasons(value, path)
        elif field.name == "categories":
            if not isinstance(value, Mapping):
                raise ValidationError(f"{path}: expected a mapping of category: weight")
            values[field.name] = {
                str(k): _number(v, f"{path}.{k}", _ZERO, None) for k, v in value.items()
            }
        else:
            values[field.name] = _number(value, path, field.metadata["low"], field.metadata["high"])
    return cls(**values)


def _seasons(value: object, path: str) -> dict[int, Decimal]:
    if not isinstance(value, Mapping):
        raise ValidationError(f"{path}: expected a mapping of month number: factor")
    seasons = {}
    for month, factor in value.items():
        if isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= 12:
            raise ValidationError(f"{path}: {month!r} is not a month number (1 to 12)")
        seasons[month] = _number(factor, f"{path}.{month}", _ZERO, None)
    return seasons


def _merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(base.get(key), Mapping) and key not in _WHOLE:
            merged[key] = _merge(base[key], value)
        else:
            merged[key] = value
    return merged


def behaviour_from_yaml(text: str = "", source: str = "the behaviour model") -> BehaviourModel:
    """The model of ``text`` (YAML), with every key it leaves out from the default.

    >>> behaviour_from_yaml("churn: {monthly: 0.1}").churn.monthly
    Decimal('0.1')
    """
    try:
        given = yaml.safe_load(text) or {}
    except yaml.YAMLError as error:
        raise ValidationError(f"{source}: not valid YAML: {error}") from None
    if not isinstance(given, Mapping):
        raise ValidationError(f"{source}: expected a mapping of sections, not {given!r}")
    default = yaml.safe_load(DEFAULT_MODEL)
    try:
        return _build(BehaviourModel, _merge(default, given), "")
    except ValidationError as error:
        raise ValidationError(f"{source}: {error}") from None
