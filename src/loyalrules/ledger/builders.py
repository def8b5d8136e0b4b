"""Entries the engine makes, built without re-validation.

Every purchase makes one ``Recorded`` and an ``Earned`` per rule that gave points, from
values that are valid by construction: keys the engine derived, UTC instants, positive
whole points, rule ids and accounts of the loaded program, spend it computed from
validated ``Money``. Running the constructors' validators and converters on them again
cost more than the rest of building the entries, so the engine sets the fields through
the slots directly. Everything else (hosts, ``entry_from_dict``, lifecycle operations)
uses the validating constructors; never call these with values a caller supplied.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

import attrs

from loyalrules.ledger.entries import Earned, Recorded
from loyalrules.ledger.exemption import Exemption
from loyalrules.ledger.fields import Inactivity
from loyalrules.values.money import Money

_Setter = Callable[[object, object], None]


def _slot_setters(cls: type[Any], names: tuple[str, ...]) -> tuple[_Setter, ...]:
    """The slot setters of ``cls`` for ``names``, which must be all of its fields."""
    fields = tuple(f.name for f in attrs.fields(cls))
    if sorted(fields) != sorted(names):  # a field was added: the builder must set it too
        raise TypeError(f"engine builder for {cls.__name__} sets {names}, not {fields}")
    setters = []
    for name in names:
        owner = next(k for k in cls.__mro__ if name in vars(k))
        setters.append(vars(owner)[name].__set__)
    return tuple(setters)


_new_entry = object.__new__

(
    _earned_key,
    _earned_at,
    _earned_points,
    _earned_account,
    _earned_available_at,
    _earned_expires_at,
    _earned_inactivity,
    _earned_exemption,
    _earned_rule_id,
    _earned_source,
) = _slot_setters(
    Earned,
    (
        "key",
        "at",
        "points",
        "account",
        "available_at",
        "expires_at",
        "inactivity",
        "exemption",
        "rule_id",
        "source",
    ),
)

(
    _recorded_key,
    _recorded_at,
    _recorded_event_type,
    _recorded_event_id,
    _recorded_activity,
    _recorded_spend,
    _recorded_source,
    _recorded_returned,
    _recorded_fingerprint,
    _recorded_categories,
) = _slot_setters(
    Recorded,
    (
        "key",
        "at",
        "event_type",
        "event_id",
        "activity",
        "spend",
        "source",
        "returned",
        "fingerprint",
        "categories",
    ),
)


def engine_earned(
    key: str,
    at: datetime,
    points: int,
    rule_id: str,
    source: str,
    account: str,
    available_at: datetime | None,
    expires_at: datetime | None,
    inactivity: Inactivity | None,
    exemption: Exemption | None = None,
) -> Earned:
    """An ``Earned`` lot made by the engine, without re-validating its fields.

    ``at``, ``available_at`` and ``expires_at`` must be UTC already, ``points`` positive.
    """
    entry: Earned = _new_entry(Earned)
    _earned_key(entry, key)
    _earned_at(entry, at)
    _earned_points(entry, points)
    _earned_account(entry, account)
    _earned_available_at(entry, available_at)
    _earned_expires_at(entry, expires_at)
    _earned_inactivity(entry, inactivity)
    _earned_exemption(entry, exemption)
    _earned_rule_id(entry, rule_id)
    _earned_source(entry, source)
    return entry


def engine_recorded(
    key: str,
    at: datetime,
    event_type: str,
    event_id: str,
    activity: str | None = None,
    spend: Money | None = None,
    fingerprint: str | None = None,
    categories: tuple[tuple[str, Decimal], ...] = (),
) -> Recorded:
    """A ``Recorded`` purchase or activity made by the engine, without re-validating its
    fields. ``at`` must be UTC already."""
    entry: Recorded = _new_entry(Recorded)
    _recorded_key(entry, key)
    _recorded_at(entry, at)
    _recorded_event_type(entry, event_type)
    _recorded_event_id(entry, event_id)
    _recorded_activity(entry, activity)
    _recorded_spend(entry, spend)
    _recorded_source(entry, None)
    _recorded_returned(entry, ())
    _recorded_fingerprint(entry, fingerprint)
    _recorded_categories(entry, categories)
    return entry
