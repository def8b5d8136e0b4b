"""The calls a host makes besides events, as records: one set for every part of the library.

A store keeps them beside the entries they produced, a batch job writes them, the
simulator records them, a property test draws them and a diff replays them:
``Redeem``, ``CancelRedemption``, ``PayWithPoints``, ``Adjust``, ``Expire`` and
``ReviewTiers``. Each is the arguments of one ``Program`` method, the member and the
ledger aside, validated on construction like the events::

    >>> from datetime import UTC, datetime
    >>> night = Expire(at=datetime(2026, 7, 1, tzinfo=UTC))
    >>> str(night)
    '2026-07-01 00:00:00+0000 expiry run'

May import: ``loyalrules.errors`` and the other value modules.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from datetime import datetime
from typing import Any

import attrs

from loyalrules.errors import WrongTypeError
from loyalrules.values.events import Cart
from loyalrules.values.fields import identifier, optional_identifier
from loyalrules.values.frozen import value_methods
from loyalrules.values.keywords import renamed_instant
from loyalrules.values.timeutil import to_utc


def _at(value: object) -> datetime:
    return to_utc(value, "at")


def _when(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M:%S%z")


def _optional_cart(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, Cart):
        raise WrongTypeError(f"{attribute.name} must be a Cart or None, not {type(value).__name__}")


def _points(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise WrongTypeError(f"{attribute.name} must be a whole number, not {value!r}")


def _optional_points(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        _points(instance, attribute, value)


@value_methods
@attrs.frozen(eq=False, repr=False)
class Redeem:
    """``Program.redeem``: the member asks for ``reward_id`` at ``at``; ``key``
    identifies the redemption. At a checkout, ``cart`` is the order and ``order_id`` its id.
    """

    reward_id: str = attrs.field(validator=identifier)
    at: datetime = attrs.field(converter=_at)
    key: str = attrs.field(validator=identifier)
    cart: Cart | None = attrs.field(default=None, validator=_optional_cart)
    order_id: str | None = attrs.field(default=None, validator=optional_identifier)

    def __str__(self) -> str:
        return f"{_when(self.at)} redeem {self.reward_id} (key {self.key})"


@value_methods
@attrs.frozen(eq=False, repr=False)
class CancelRedemption:
    """``Program.cancel_redemption``: the redemption made with ``key`` is undone at ``at``."""

    key: str = attrs.field(validator=identifier)
    at: datetime = attrs.field(converter=_at)

    def __str__(self) -> str:
        return f"{_when(self.at)} cancel redemption {self.key}"


@value_methods
@attrs.frozen(eq=False, repr=False)
class PayWithPoints:
    """``Program.pay_with_points``: points pay part of the order ``order_id`` (its
    ``cart``) at ``at``; ``points`` None pays the most the program allows."""

    cart: Cart = attrs.field(validator=_optional_cart)
    at: datetime = attrs.field(converter=_at)
    key: str = attrs.field(validator=identifier)
    order_id: str = attrs.field(validator=identifier)
    points: int | None = attrs.field(default=None, validator=_optional_points)

    def __str__(self) -> str:
        how_many = "the most allowed" if self.points is None else str(self.points)
        return f"{_when(self.at)} pay {how_many} points towards {self.order_id} (key {self.key})"


@value_methods
@attrs.frozen(eq=False, repr=False)
class Adjust:
    """``Program.adjust``: a manual credit (``points`` > 0) or debit by ``actor`` for
    ``reason`` at ``at``; ``key`` identifies it (a ticket number)."""

    points: int = attrs.field(validator=_points)
    reason: str
    actor: str
    key: str = attrs.field(validator=identifier)
    at: datetime = attrs.field(converter=_at)
    account: str = "points"

    def __str__(self) -> str:
        change = f"{self.points:+d} {self.account}"
        return f"{_when(self.at)} adjust {change} by {self.actor}: {self.reason}"


@value_methods
@attrs.frozen(eq=False, repr=False)
class Transfer:
    """``Program.transfer``: the member gives ``points`` to the member ``recipient`` at
    ``at``; ``key`` identifies it. It concerns two ledgers, so a population replay plays
    it (``loyalrules.economics``); a single member's store inputs cannot."""

    points: int = attrs.field(validator=_points)
    at: datetime = attrs.field(converter=_at)
    key: str = attrs.field(validator=identifier)
    recipient: str = attrs.field(validator=identifier)

    def __str__(self) -> str:
        return f"{_when(self.at)} give {self.points} points to {self.recipient} (key {self.key})"


@value_methods
@attrs.frozen(init=False, eq=False, repr=False)
class Expire:
    """``Program.expire``: the nightly expiry run at ``at``."""

    at: datetime = attrs.field(converter=_at)

    def __init__(self, at: datetime | None = None, *, as_of: datetime | None = None) -> None:
        self.__attrs_init__(at if as_of is None else renamed_instant(at, as_of, "Expire"))

    def __str__(self) -> str:
        return f"{_when(self.at)} expiry run"


@value_methods
@attrs.frozen(init=False, eq=False, repr=False)
class ReviewTiers:
    """``Program.review_tiers``: the nightly tier review at ``at``."""

    at: datetime = attrs.field(converter=_at)

    def __init__(self, at: datetime | None = None, *, as_of: datetime | None = None) -> None:
        self.__attrs_init__(at if as_of is None else renamed_instant(at, as_of, "ReviewTiers"))

    def __str__(self) -> str:
        return f"{_when(self.at)} tier review"


def old_names(module: str, renamed: dict[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for the names ``module`` gave these records before they
    were one set (decision 0024): each of ``renamed`` (old name -> record) gives the
    record, with a ``DeprecationWarning``; any other name is an ``AttributeError``."""

    def __getattr__(name: str) -> Any:  # noqa: N807 (a module's __getattr__)
        new = renamed.get(name)
        if new is None:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        warnings.warn(
            f"{module}.{name} is deprecated and will be removed in the next release; use "
            f"{new} from loyalrules (one set of operation records for stores, batch jobs, "
            "the simulator and scenarios)",
            DeprecationWarning,
            stacklevel=2,
        )
        return globals()[new]

    return __getattr__


__all__ = [
    "Adjust",
    "CancelRedemption",
    "Expire",
    "PayWithPoints",
    "Redeem",
    "ReviewTiers",
    "Transfer",
]
