"""Ledger entries: small frozen records, one kind per thing that can happen to points.

Credits are **lots**: ``Earned`` (a rule gave points), ``Adjusted`` with positive points,
``TransferredIn``. Each lot carries its own ``available_at`` (``None`` while it waits for
an activation) and ``expires_at``, and optionally an ``inactivity`` period, so a ledger
means the same thing whatever the program says later.

Debits name the lots they took points from (``consumed``) and what they could not cover:
``deficit`` (carried, paid by the next credit) or ``written_off`` (recorded, not carried).
``Reversed`` (returns), ``Expired``, ``TransferredOut`` and ``Adjusted`` with negative
points are debits.

Every entry serialises to a JSON-safe dict (``to_dict``) and back (``entry_from_dict``),
with a format version (``"v": 1``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar

import attrs

from loyalrules.errors import ValidationError, WrongTypeError
from loyalrules.ledger.codec import OMIT_DEFAULT, field_decoders
from loyalrules.ledger.exemption import Exemption, exemption_or_none
from loyalrules.ledger.fields import (
    Inactivity,
    category_spend,
    inactivity_or_none,
    non_empty,
    not_negative,
    optional_non_empty,
    optional_utc,
    positive,
    utc,
    whole,
)
from loyalrules.ledger.row_coders import row_decoder, row_encoder
from loyalrules.values.frozen import value_methods
from loyalrules.values.money import Money

ENTRY_FORMAT = 1
"""Version of the dict form written by ``Entry.to_dict``."""

DEFAULT_ACCOUNT = "points"

_KINDS: dict[str, type[Entry]] = {}


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class Entry:
    """Base of every ledger entry: a unique ``key`` and the instant ``at`` it happened."""

    kind: ClassVar[str]
    key: str = attrs.field(validator=non_empty)
    at: datetime = attrs.field(converter=utc)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "kind" in cls.__dict__:
            _KINDS[cls.kind] = cls

    @property
    def active(self) -> bool:
        """Whether the member did (or was given) something here, which resets an
        inactivity clock. Returns, expiries and activations do not."""
        return False

    def to_dict(self) -> dict[str, Any]:
        """The JSON-safe form of this entry, for any database: ``{"v": ENTRY_FORMAT,
        "kind": self.kind, **encode_fields(self)}``, written out per class."""
        return row_encoder(type(self), ENTRY_FORMAT)(self)


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class Recorded(Entry):
    """The engine saw an event (even one that earned nothing).

    ``event_type`` is ``purchase``, ``activity`` or ``return``. ``spend`` is a purchase's
    eligible spend, or the eligible spend a return took back; ``activity`` the kind of an
    activity. A return also names its purchase (``source``) and the ``returned`` units
    per line id. A purchase keeps the ``fingerprint`` of the order (its lines, amounts
    and details), which its returns must match; ``None`` in rows stored before it was
    kept, whose returns are taken on trust. ``categories`` is the eligible spend per line
    category, in the currency of ``spend``, sorted by name (a purchase's, of the
    categories it paid for; a return's, what it took back of each); empty in rows stored
    before it was kept, which buy no category.
    """

    kind: ClassVar[str] = "recorded"
    event_type: str = attrs.field(validator=non_empty)
    event_id: str = attrs.field(validator=non_empty)
    activity: str | None = None
    spend: Money | None = None
    source: str | None = attrs.field(default=None, validator=optional_non_empty)
    returned: tuple[tuple[str, int], ...] = ()
    fingerprint: str | None = attrs.field(default=None, validator=optional_non_empty)
    categories: tuple[tuple[str, Decimal], ...] = attrs.field(default=(), validator=category_spend)

    @property
    def active(self) -> bool:
        return self.event_type != "return"


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class Lot(Entry):
    """Fields every credit shares. Pending until ``available_at`` (``None``: until the
    source event is activated); gone at ``expires_at`` (``None``: no fixed date) or
    after ``inactivity`` without activity, whichever is first, unless ``exemption``
    (a standing that keeps points) postpones it."""

    points: int = attrs.field(validator=positive)
    account: str = attrs.field(default=DEFAULT_ACCOUNT, validator=non_empty)
    available_at: datetime | None = attrs.field(
        converter=optional_utc, default=attrs.Factory(lambda self: self.at, takes_self=True)
    )
    expires_at: datetime | None = attrs.field(default=None, converter=optional_utc)
    inactivity: Inactivity | None = attrs.field(default=None, converter=inactivity_or_none)
    exemption: Exemption | None = attrs.field(
        default=None, converter=exemption_or_none, metadata=OMIT_DEFAULT
    )

    @property
    def active(self) -> bool:
        return True


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class Earned(Lot):
    """A lot of points credited to ``account`` by ``rule_id`` for the event ``source``."""

    kind: ClassVar[str] = "earned"
    rule_id: str = attrs.field(validator=non_empty)
    source: str = attrs.field(validator=non_empty)


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class TransferredIn(Lot):
    """Points received from another member; expiry is kept from the sender's lots."""

    kind: ClassVar[str] = "transferred_in"
    transfer_id: str = attrs.field(validator=non_empty)
    from_member: str = attrs.field(validator=non_empty)


@value_methods
@attrs.frozen(eq=False, repr=False)
class Consumption:
    """``points`` taken from the lot whose key is ``lot``."""

    lot: str = attrs.field(validator=non_empty)
    points: int = attrs.field(validator=positive)


def _consumptions(value: Iterable[Consumption]) -> tuple[Consumption, ...]:
    items = tuple(value)
    for item in items:
        if not isinstance(item, Consumption):
            raise WrongTypeError(f"consumed must hold Consumption values, not {item!r}")
    return items


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class Debit(Entry):
    """Fields every debit shares: ``points`` = sum of ``consumed`` + ``deficit`` +
    ``written_off``."""

    points: int = attrs.field(validator=positive)
    account: str = attrs.field(default=DEFAULT_ACCOUNT, validator=non_empty)
    consumed: tuple[Consumption, ...] = attrs.field(default=(), converter=_consumptions)
    deficit: int = attrs.field(default=0, validator=not_negative)
    written_off: int = attrs.field(default=0, validator=not_negative)

    def __attrs_post_init__(self) -> None:
        covered = self._covered()
        if covered != self.points:
            raise ValidationError(
                f"{self.kind} entry {self.key!r}: its parts (consumed, deficit, written_off"
                f"...) add up to {covered}, not its {self.points} points"
            )

    def _covered(self) -> int:
        return sum(c.points for c in self.consumed) + self.deficit + self.written_off

    @property
    def charged(self) -> int:
        """What the debit takes off the balance (its points, less what it wrote off or
        forgave)."""
        return self.points - self.written_off


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class Reversed(Debit):
    """Points taken back because ``source`` (a purchase) was returned or cancelled.

    ``reverses`` says what each of the purchase's lots gave back; ``expired`` the part
    of that whose points had expired already, so nothing was taken for it. ``points`` =
    ``consumed`` + ``deficit`` + ``written_off`` + ``expired``.
    """

    kind: ClassVar[str] = "reversed"
    source: str = attrs.field(validator=non_empty)
    return_id: str = attrs.field(validator=non_empty)
    reverses: tuple[Consumption, ...] = attrs.field(default=(), converter=_consumptions)
    expired: tuple[Consumption, ...] = attrs.field(default=(), converter=_consumptions)

    def _covered(self) -> int:
        return super()._covered() + sum(c.points for c in self.expired)

    @property
    def charged(self) -> int:
        return super().charged - sum(c.points for c in self.expired)


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class Expired(Debit):
    """What was left of the lot ``lot`` when it expired at ``at``."""

    kind: ClassVar[str] = "expired"
    lot: str = attrs.field(validator=non_empty)


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class TransferredOut(Debit):
    """Points given to another member."""

    kind: ClassVar[str] = "transferred_out"
    transfer_id: str = attrs.field(validator=non_empty)
    to_member: str = attrs.field(validator=non_empty)

    @property
    def active(self) -> bool:
        return True


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class Redeemed(Debit):
    """Points spent on the reward ``reward_id`` (``pay_with_points`` for points paid
    towards an order), for the order ``order_id`` if one was given."""

    kind: ClassVar[str] = "redeemed"
    reward_id: str = attrs.field(validator=non_empty)
    order_id: str | None = attrs.field(default=None, validator=optional_non_empty)

    @property
    def active(self) -> bool:
        return True


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class Restored(Entry):
    """Points of the redemption ``redemption`` (its key) given back: ``restored`` to the
    very lots it took them from, with their own expiry; ``lapsed`` not given back because
    their lots expired meanwhile; ``regranted`` given back as a new lot expiring at
    ``expires_at`` (a grace period). ``whole`` is true when the redemption is cancelled
    (it no longer counts towards reward limits)."""

    kind: ClassVar[str] = "restored"
    account: str = attrs.field(default=DEFAULT_ACCOUNT, validator=non_empty)
    redemption: str = attrs.field(validator=non_empty)
    points: int = attrs.field(validator=positive)
    restored: tuple[Consumption, ...] = attrs.field(default=(), converter=_consumptions)
    lapsed: int = attrs.field(default=0, validator=not_negative)
    regranted: int = attrs.field(default=0, validator=not_negative)
    expires_at: datetime | None = attrs.field(default=None, converter=optional_utc)
    whole: bool = False

    def __attrs_post_init__(self) -> None:
        parts = sum(c.points for c in self.restored) + self.lapsed + self.regranted
        if parts != self.points:
            raise ValidationError(
                f"restored entry {self.key!r}: restored + lapsed + regranted is {parts}, "
                f"not its {self.points} points"
            )


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class Adjusted(Entry):
    """A manual correction by ``actor`` for ``reason``: a lot when ``points`` > 0, a debit
    when ``points`` < 0 (then ``consumed``, ``deficit`` and ``written_off`` cover it)."""

    kind: ClassVar[str] = "adjusted"
    points: int
    reason: str = attrs.field(validator=non_empty)
    actor: str = attrs.field(validator=non_empty)
    account: str = attrs.field(default=DEFAULT_ACCOUNT, validator=non_empty)
    expires_at: datetime | None = attrs.field(default=None, converter=optional_utc)
    inactivity: Inactivity | None = attrs.field(default=None, converter=inactivity_or_none)
    exemption: Exemption | None = attrs.field(
        default=None, converter=exemption_or_none, metadata=OMIT_DEFAULT
    )
    consumed: tuple[Consumption, ...] = attrs.field(default=(), converter=_consumptions)
    deficit: int = attrs.field(default=0, validator=not_negative)
    written_off: int = attrs.field(default=0, validator=not_negative)

    def __attrs_post_init__(self) -> None:
        points = whole(self.points, "points")
        covered = sum(c.points for c in self.consumed) + self.deficit + self.written_off
        if points == 0 or (points > 0 and covered) or (points < 0 and covered != -points):
            raise ValidationError(
                f"adjusted entry {self.key!r}: points must be non-zero, and a debit's "
                f"consumed + deficit + written_off must equal -points ({covered} vs {points})"
            )

    @property
    def active(self) -> bool:
        return True

    @property
    def available_at(self) -> datetime:
        """A credit adjustment is available at once."""
        return self.at


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class Activated(Entry):
    """The event ``source`` was activated (e.g. the order shipped): its lots waiting for
    activation become available at ``at``."""

    kind: ClassVar[str] = "activated"
    source: str = attrs.field(validator=non_empty)


def entry_from_dict(data: Mapping[str, Any]) -> Entry:
    """Rebuild an entry from ``Entry.to_dict()`` output.

    >>> from datetime import UTC
    >>> entry_from_dict(Recorded(key="k", at=datetime(2026, 1, 1, tzinfo=UTC),
    ...                          event_type="purchase", event_id="o-1").to_dict()).key
    'k'
    """
    if type(data) is not dict and not isinstance(data, Mapping):  # dict: the usual row, fast
        raise WrongTypeError(f"an entry must be a mapping, not {type(data).__name__}")
    version, kind = data.get("v"), data.get("kind")
    if version != ENTRY_FORMAT:
        raise ValidationError(
            f"unsupported entry format version {version!r}; this loyalrules reads "
            f"version {ENTRY_FORMAT}"
        )
    cls = _KINDS.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise ValidationError(f"unknown entry kind {kind!r}; expected one of {sorted(_KINDS)}")
    if type(data) is dict:
        try:  # the usual row, read by the class's own decoder
            fast: Entry | None = row_decoder(cls)(data)
        except Exception:  # read again below, to say what is wrong with it
            fast = None
        if fast is not None:
            return fast
    # The fields are decoded in one pass; only a row that is not the usual shape
    # (a field missing or unknown) is looked at again, to say what is wrong with it.
    arguments: dict[str, Any] = {}
    missing = []
    key = data.get("key")
    where = f"{kind!r} entry {key!r}" if key is not None else f"{kind!r} entry without a key"
    field = None  # the field being decoded, for the message
    try:
        for field, decoder, required in field_decoders(cls):
            if field in data:
                value = data[field]
                arguments[field] = value if decoder is None else decoder(value)
            elif required:
                missing.append(field)
        field = None
        if missing or len(arguments) != len(data) - 2:  # less "v" and "kind"
            unknown = sorted(set(data) - set(arguments) - {"v", "kind"})
            problems = [f"unknown field {n!r}" for n in unknown]
            problems += [f"missing the field {n!r}" for n in missing]
            raise ValidationError(f"{where}: {', '.join(problems)}")
        entry: Entry = cls(**arguments)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        if isinstance(error, ValidationError):
            raise
        if field is None:
            raise ValidationError(f"malformed {where}: {error}") from None
        raise ValidationError(
            f"malformed {where}: its {field!r} cannot be {data[field]!r} ({error})"
        ) from None
    return entry
