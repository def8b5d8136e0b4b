"""What a host stores besides entries: the inputs that produced them, as JSON-safe dicts.

Events (``Purchase``, ``Activity``, ``Return``, ``Activation``, ``Membership``) and the
operations a host calls (``Redeem``, ``CancelRedemption``, ``PayWithPoints``,
``Adjust``, ``Expire``, ``ReviewTiers``: the records of ``loyalrules.values.inputs``) are
*inputs*. Stored in order beside the entries, they let a batch job
replay a member's whole history through another version of the program
(:func:`replay`). Members are stored the same way (:func:`member_to_dict`).

>>> from datetime import UTC, datetime
>>> expiry = Expire(at=datetime(2026, 7, 1, tzinfo=UTC))
>>> input_to_dict(expiry)
{'type': 'expire', 'at': '2026-07-01T00:00:00+00:00'}
>>> input_from_dict(input_to_dict(expiry)) == expiry
True
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import attrs

from loyalrules import (
    Activation,
    Activity,
    Ledger,
    Member,
    Membership,
    Outcome,
    Program,
    Purchase,
    Return,
    ValidationError,
)
from loyalrules.ledger.codec import decode_fields, encode
from loyalrules.values.inputs import (
    Adjust,
    CancelRedemption,
    Expire,
    PayWithPoints,
    Redeem,
    ReviewTiers,
)

Input = (
    Purchase
    | Activity
    | Return
    | Activation
    | Membership
    | Redeem
    | CancelRedemption
    | PayWithPoints
    | Adjust
    | Expire
    | ReviewTiers
)


def _event(program: Program, member: Member, ledger: Ledger, event: Any) -> Outcome:
    return program.process(event, member=member, ledger=ledger)


def _redeem(program: Program, member: Member, ledger: Ledger, op: Redeem) -> Outcome:
    return program.redeem(
        op.reward_id,
        member=member,
        ledger=ledger,
        at=op.at,
        key=op.key,
        cart=op.cart,
        order_id=op.order_id,
    )


def _cancel(program: Program, member: Member, ledger: Ledger, op: CancelRedemption) -> Outcome:
    return program.cancel_redemption(member=member, ledger=ledger, key=op.key, at=op.at)


def _pay(program: Program, member: Member, ledger: Ledger, op: PayWithPoints) -> Outcome:
    return program.pay_with_points(
        op.cart,
        member=member,
        ledger=ledger,
        at=op.at,
        key=op.key,
        order_id=op.order_id,
        points=op.points,
    )


def _adjust(program: Program, member: Member, ledger: Ledger, op: Adjust) -> Outcome:
    return program.adjust(
        member=member,
        ledger=ledger,
        points=op.points,
        reason=op.reason,
        actor=op.actor,
        at=op.at,
        key=op.key,
        account=op.account,
    )


def _expire(program: Program, member: Member, ledger: Ledger, op: Expire) -> Outcome:
    return program.expire(member=member, ledger=ledger, at=op.at)


def _review(program: Program, member: Member, ledger: Ledger, op: ReviewTiers) -> Outcome:
    return program.review_tiers(member=member, ledger=ledger, at=op.at)


Runner = Callable[[Program, Member, Ledger, Any], Outcome]

# The name each input type is stored under, and how it runs against a program.
_TYPES: dict[type[Any], tuple[str, Runner]] = {
    Purchase: ("purchase", _event),
    Activity: ("activity", _event),
    Return: ("return", _event),
    Activation: ("activation", _event),
    Membership: ("membership", _event),
    Redeem: ("redeem", _redeem),
    CancelRedemption: ("cancel_redemption", _cancel),
    PayWithPoints: ("pay_with_points", _pay),
    Adjust: ("adjust", _adjust),
    Expire: ("expire", _expire),
    ReviewTiers: ("review_tiers", _review),
}
_BY_NAME: dict[str, type[Any]] = {name: cls for cls, (name, _) in _TYPES.items()}


def run(program: Program, member: Member, ledger: Ledger, item: Input) -> Outcome:
    """The Outcome of ``item`` for ``member`` against ``ledger`` (nothing is stored).

    For example::

        outcome = run(program, member, ledger, Expire(at=now))
    """
    known = _TYPES.get(type(item))
    if known is None:
        raise ValidationError(f"cannot run a {type(item).__name__}; inputs are {_names()}")
    return known[1](program, member, ledger, item)


def replay(program: Program, member: Member, inputs: Iterable[Input]) -> Ledger:
    """The ledger ``program`` derives from ``inputs``, run in order from an empty one.

    An input the program refuses (a redemption it no longer allows, say) raises that
    error: re-derivation reports it (see ``loyalrules.batch``).
    """
    ledger = Ledger()
    for item in inputs:
        ledger = ledger.append(run(program, member, ledger, item).entries)
    return ledger


def _names() -> str:
    return ", ".join(sorted(_BY_NAME))


# Host attributes may hold values JSON has no type for: they are tagged, so they come
# back as the same Python values (a Decimal stays a Decimal, a set a set).
_TAGS: tuple[tuple[str, type[Any], Callable[[Any], Any], Callable[[Any], Any]], ...] = (
    ("$datetime", datetime, datetime.isoformat, datetime.fromisoformat),
    ("$date", date, date.isoformat, date.fromisoformat),
    ("$decimal", Decimal, str, Decimal),
)


def _encode_value(value: Any) -> Any:
    for tag, kind, dump, _ in _TAGS:
        if isinstance(value, kind):
            return {tag: dump(value)}
    if isinstance(value, frozenset):
        return {"$set": sorted((_encode_value(item) for item in value), key=repr)}
    if isinstance(value, tuple):
        return [_encode_value(item) for item in value]
    return value


def _decode_value(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode_value(item) for item in value]
    if isinstance(value, dict):
        if "$set" in value:
            return frozenset(_decode_value(item) for item in value["$set"])
        for tag, _, _, load in _TAGS:
            if tag in value:
                return load(value[tag])
    return value


def _encode_attributes(data: Any, value: object) -> Any:
    """``encode(value)`` with every ``attributes`` mapping inside it tagged."""
    if not attrs.has(type(value)) or not isinstance(data, dict):
        return data
    for field in attrs.fields(type(value)):  # type: ignore[arg-type]
        inner = getattr(value, field.name)
        if field.name == "attributes":
            data["attributes"] = {k: _encode_value(v) for k, v in inner.items()}
        elif isinstance(inner, Mapping):  # returned units: strings to whole numbers
            data[field.name] = dict(inner)
        elif isinstance(inner, tuple):
            data[field.name] = [
                _encode_attributes(d, i) for d, i in zip(data[field.name], inner, strict=True)
            ]
        else:
            data[field.name] = _encode_attributes(data[field.name], inner)
    return data


def _decode_attributes(data: Any) -> Any:
    if isinstance(data, list):
        return [_decode_attributes(item) for item in data]
    if not isinstance(data, dict):
        return data
    return {
        key: {k: _decode_value(v) for k, v in value.items()}
        if key == "attributes"
        else _decode_attributes(value)
        for key, value in data.items()
    }


def input_to_dict(item: Input) -> dict[str, Any]:
    """The JSON-safe form of an input, with its ``type``."""
    known = _TYPES.get(type(item))
    if known is None:
        raise ValidationError(f"cannot store a {type(item).__name__}; inputs are {_names()}")
    return {"type": known[0], **_encode_attributes(encode(item), item)}


def input_from_dict(data: Mapping[str, Any]) -> Input:
    """Rebuild an input from :func:`input_to_dict`."""
    fields = dict(data)
    name = fields.pop("type", None)
    cls = _BY_NAME.get(name) if isinstance(name, str) else None
    if cls is None:
        raise ValidationError(f"stored input has type {name!r}; known types are {_names()}")
    if "as_of" in fields and "at" not in fields:  # stored before the instant was at= everywhere
        fields["at"] = fields.pop("as_of")
    result: Input = decode_fields(cls, _decode_attributes(fields))
    return result


def member_to_dict(member: Member) -> dict[str, Any]:
    """The JSON-safe form of a member (attributes tagged as for inputs)."""
    data: dict[str, Any] = _encode_attributes(encode(member), member)
    return data


def member_from_dict(data: Mapping[str, Any]) -> Member:
    """Rebuild a member from :func:`member_to_dict`."""
    member: Member = decode_fields(Member, _decode_attributes(dict(data)))
    return member


__all__ = [
    "Adjust",
    "CancelRedemption",
    "Expire",
    "Input",
    "PayWithPoints",
    "Redeem",
    "ReviewTiers",
    "input_from_dict",
    "input_to_dict",
    "member_from_dict",
    "member_to_dict",
    "replay",
    "run",
]
