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

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from loyalrules.codec import decode_fields, encode
from loyalrules.durations import parse_duration
from loyalrules.errors import ValidationError, WrongTypeError
from loyalrules.money import Money
from loyalrules.timeutil import to_utc, zone

if TYPE_CHECKING:
    from loyalrules.history import History

ENTRY_FORMAT = 1
"""Version of the dict form written by ``Entry.to_dict``."""

DEFAULT_ACCOUNT = "points"

_KINDS: dict[str, type[Entry]] = {}


def _text(_: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value:
        raise ValidationError(f"entry {attribute.name} must be a non-empty string, not {value!r}")


def _optional_text(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        _text(instance, attribute, value)  # type: ignore[arg-type]


def _utc(value: object) -> datetime:
    return to_utc(value, "entry time")


def _optional_utc(value: object) -> datetime | None:
    return None if value is None else to_utc(value, "entry time")


def _whole(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise WrongTypeError(f"{what} must be a whole number, not {value!r}")
    return value


def _positive(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if _whole(value, attribute.name) <= 0:
        what = getattr(instance, "kind", type(instance).__name__)
        raise ValidationError(f"a {what} entry must carry positive {attribute.name}, not {value}")


def _not_negative(_: object, attribute: attrs.Attribute[int], value: int) -> None:
    if _whole(value, attribute.name) < 0:
        raise ValidationError(f"{attribute.name} must not be negative, not {value}")


@attrs.frozen
class Inactivity:
    """ "Gone after ``period`` (ISO 8601) without activity", counted in ``timezone``."""

    period: str
    timezone: str

    def __attrs_post_init__(self) -> None:
        parse_duration(self.period)  # both raise a ValidationError saying what to write
        zone(self.timezone)

    def deadline(self, after: datetime) -> datetime:
        """``period`` after the instant ``after``, on the local calendar, in UTC."""
        return to_utc(parse_duration(self.period).after(after, zone(self.timezone)))


def _inactivity(value: object) -> Inactivity | None:
    if value is None or isinstance(value, Inactivity):
        return value
    raise WrongTypeError(f"inactivity must be an Inactivity value, not {value!r}")


@attrs.frozen(kw_only=True)
class Entry:
    """Base of every ledger entry: a unique ``key`` and the instant ``at`` it happened."""

    kind: ClassVar[str]
    key: str = attrs.field(validator=_text)
    at: datetime = attrs.field(converter=_utc)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "kind" in cls.__dict__:
            _KINDS[cls.kind] = cls

    def fold(self, history: History) -> None:
        """Add what this entry tells about the member to ``history``."""

    @property
    def active(self) -> bool:
        """Whether the member did (or was given) something here, which resets an
        inactivity clock. Returns, expiries and activations do not."""
        return False

    def to_dict(self) -> dict[str, Any]:
        """The JSON-safe form of this entry, for any database."""
        return {"v": ENTRY_FORMAT, "kind": self.kind, **encode(self)}


@attrs.frozen(kw_only=True)
class Recorded(Entry):
    """The engine saw an event (even one that earned nothing).

    ``event_type`` is ``purchase``, ``activity`` or ``return``. ``spend`` is a purchase's
    eligible spend, or the eligible spend a return took back; ``activity`` the kind of an
    activity. A return also names its purchase (``source``) and the ``returned`` units
    per line id.
    """

    kind: ClassVar[str] = "recorded"
    event_type: str = attrs.field(validator=_text)
    event_id: str = attrs.field(validator=_text)
    activity: str | None = None
    spend: Money | None = None
    source: str | None = attrs.field(default=None, validator=_optional_text)
    returned: tuple[tuple[str, int], ...] = ()

    def fold(self, history: History) -> None:
        history.record(self)

    @property
    def active(self) -> bool:
        return self.event_type != "return"


@attrs.frozen(kw_only=True)
class Lot(Entry):
    """Fields every credit shares. Pending until ``available_at`` (``None``: until the
    source event is activated); gone at ``expires_at`` (``None``: no fixed date) or
    after ``inactivity`` without activity, whichever is first."""

    points: int = attrs.field(validator=_positive)
    account: str = attrs.field(default=DEFAULT_ACCOUNT, validator=_text)
    available_at: datetime | None = attrs.field(
        converter=_optional_utc, default=attrs.Factory(lambda self: self.at, takes_self=True)
    )
    expires_at: datetime | None = attrs.field(default=None, converter=_optional_utc)
    inactivity: Inactivity | None = attrs.field(default=None, converter=_inactivity)

    def fold(self, history: History) -> None:
        history.credit(self)

    @property
    def active(self) -> bool:
        return True


@attrs.frozen(kw_only=True)
class Earned(Lot):
    """A lot of points credited to ``account`` by ``rule_id`` for the event ``source``."""

    kind: ClassVar[str] = "earned"
    rule_id: str = attrs.field(validator=_text)
    source: str = attrs.field(validator=_text)

    def fold(self, history: History) -> None:
        history.credit(self)
        history.earned(self)


@attrs.frozen(kw_only=True)
class TransferredIn(Lot):
    """Points received from another member; expiry is kept from the sender's lots."""

    kind: ClassVar[str] = "transferred_in"
    transfer_id: str = attrs.field(validator=_text)
    from_member: str = attrs.field(validator=_text)


@attrs.frozen
class Consumption:
    """``points`` taken from the lot whose key is ``lot``."""

    lot: str = attrs.field(validator=_text)
    points: int = attrs.field(validator=_positive)


def _consumptions(value: Iterable[Consumption]) -> tuple[Consumption, ...]:
    items = tuple(value)
    for item in items:
        if not isinstance(item, Consumption):
            raise WrongTypeError(f"consumed must hold Consumption values, not {item!r}")
    return items


@attrs.frozen(kw_only=True)
class Debit(Entry):
    """Fields every debit shares: ``points`` = sum of ``consumed`` + ``deficit`` +
    ``written_off``."""

    points: int = attrs.field(validator=_positive)
    account: str = attrs.field(default=DEFAULT_ACCOUNT, validator=_text)
    consumed: tuple[Consumption, ...] = attrs.field(default=(), converter=_consumptions)
    deficit: int = attrs.field(default=0, validator=_not_negative)
    written_off: int = attrs.field(default=0, validator=_not_negative)

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

    def fold(self, history: History) -> None:
        history.debit(self)


@attrs.frozen(kw_only=True)
class Reversed(Debit):
    """Points taken back because ``source`` (a purchase) was returned or cancelled.

    ``reverses`` says what each of the purchase's lots gave back; ``expired`` the part
    of that whose points had expired already, so nothing was taken for it. ``points`` =
    ``consumed`` + ``deficit`` + ``written_off`` + ``expired``.
    """

    kind: ClassVar[str] = "reversed"
    source: str = attrs.field(validator=_text)
    return_id: str = attrs.field(validator=_text)
    reverses: tuple[Consumption, ...] = attrs.field(default=(), converter=_consumptions)
    expired: tuple[Consumption, ...] = attrs.field(default=(), converter=_consumptions)

    def _covered(self) -> int:
        return super()._covered() + sum(c.points for c in self.expired)

    @property
    def charged(self) -> int:
        return super().charged - sum(c.points for c in self.expired)

    def fold(self, history: History) -> None:
        history.debit(self)
        history.reverse(self)


@attrs.frozen(kw_only=True)
class Expired(Debit):
    """What was left of the lot ``lot`` when it expired at ``at``."""

    kind: ClassVar[str] = "expired"
    lot: str = attrs.field(validator=_text)


@attrs.frozen(kw_only=True)
class TransferredOut(Debit):
    """Points given to another member."""

    kind: ClassVar[str] = "transferred_out"
    transfer_id: str = attrs.field(validator=_text)
    to_member: str = attrs.field(validator=_text)

    @property
    def active(self) -> bool:
        return True

    def fold(self, history: History) -> None:
        history.debit(self)
        history.sent(self.account, self.at, self.points)


@attrs.frozen(kw_only=True)
class Redeemed(Debit):
    """Points spent on the reward ``reward_id`` (``pay_with_points`` for points paid
    towards an order), for the order ``order_id`` if one was given."""

    kind: ClassVar[str] = "redeemed"
    reward_id: str = attrs.field(validator=_text)
    order_id: str | None = attrs.field(default=None, validator=_optional_text)

    @property
    def active(self) -> bool:
        return True

    def fold(self, history: History) -> None:
        history.debit(self)
        history.redeemed(self)


@attrs.frozen(kw_only=True)
class Restored(Entry):
    """Points of the redemption ``redemption`` (its key) given back: ``restored`` to the
    very lots it took them from, with their own expiry; ``lapsed`` not given back because
    their lots expired meanwhile; ``regranted`` given back as a new lot expiring at
    ``expires_at`` (a grace period). ``whole`` is true when the redemption is cancelled
    (it no longer counts towards reward limits)."""

    kind: ClassVar[str] = "restored"
    account: str = attrs.field(default=DEFAULT_ACCOUNT, validator=_text)
    redemption: str = attrs.field(validator=_text)
    points: int = attrs.field(validator=_positive)
    restored: tuple[Consumption, ...] = attrs.field(default=(), converter=_consumptions)
    lapsed: int = attrs.field(default=0, validator=_not_negative)
    regranted: int = attrs.field(default=0, validator=_not_negative)
    expires_at: datetime | None = attrs.field(default=None, converter=_optional_utc)
    whole: bool = False

    def __attrs_post_init__(self) -> None:
        parts = sum(c.points for c in self.restored) + self.lapsed + self.regranted
        if parts != self.points:
            raise ValidationError(
                f"restored entry {self.key!r}: restored + lapsed + regranted is {parts}, "
                f"not its {self.points} points"
            )

    def fold(self, history: History) -> None:
        history.restore_points(self)


@attrs.frozen(kw_only=True)
class Adjusted(Entry):
    """A manual correction by ``actor`` for ``reason``: a lot when ``points`` > 0, a debit
    when ``points`` < 0 (then ``consumed``, ``deficit`` and ``written_off`` cover it)."""

    kind: ClassVar[str] = "adjusted"
    points: int
    reason: str = attrs.field(validator=_text)
    actor: str = attrs.field(validator=_text)
    account: str = attrs.field(default=DEFAULT_ACCOUNT, validator=_text)
    expires_at: datetime | None = attrs.field(default=None, converter=_optional_utc)
    inactivity: Inactivity | None = attrs.field(default=None, converter=_inactivity)
    consumed: tuple[Consumption, ...] = attrs.field(default=(), converter=_consumptions)
    deficit: int = attrs.field(default=0, validator=_not_negative)
    written_off: int = attrs.field(default=0, validator=_not_negative)

    def __attrs_post_init__(self) -> None:
        points = _whole(self.points, "points")
        covered = sum(c.points for c in self.consumed) + self.deficit + self.written_off
        if points == 0 or (points > 0 and covered) or (points < 0 and covered != -points):
            raise ValidationError(
                f"adjusted entry {self.key!r}: points must be non-zero, and a debit's "
                f"consumed + deficit + written_off must equal -points ({covered} vs {points})"
            )

    def fold(self, history: History) -> None:
        if self.points > 0:
            history.credit(self)
        else:
            history.debit(self)

    @property
    def active(self) -> bool:
        return True

    @property
    def available_at(self) -> datetime:
        """A credit adjustment is available at once."""
        return self.at


@attrs.frozen(kw_only=True)
class Activated(Entry):
    """The event ``source`` was activated (e.g. the order shipped): its lots waiting for
    activation become available at ``at``."""

    kind: ClassVar[str] = "activated"
    source: str = attrs.field(validator=_text)

    def fold(self, history: History) -> None:
        history.activate(self.source, self.at)


@attrs.frozen(kw_only=True)
class TierChanged(Entry):
    """The member's tier became ``level`` (from ``previous``) at ``at``, for ``reason``.

    The tier is derived from the ledger at any instant; these entries write its changes
    down (for notifications, and so a host can read the tier without the program)."""

    kind: ClassVar[str] = "tier_changed"
    level: str = attrs.field(validator=_text)
    previous: str = attrs.field(validator=_text)
    reason: str = attrs.field(validator=_text)

    def fold(self, history: History) -> None:
        history.tier_changes.append((self.at, self.level))


@attrs.frozen(kw_only=True)
class TierAssigned(Entry):
    """A manual tier by ``actor`` for ``reason``: the member's tier is at least ``level``
    until ``until`` (``None``: until further notice)."""

    kind: ClassVar[str] = "tier_assigned"
    level: str = attrs.field(validator=_text)
    until: datetime | None = attrs.field(default=None, converter=_optional_utc)
    reason: str = attrs.field(validator=_text)
    actor: str = attrs.field(validator=_text)

    def fold(self, history: History) -> None:
        history.assign(self.at, self.until, self.level)


@attrs.frozen(kw_only=True)
class MembershipChanged(Entry):
    """A paid membership event: ``action`` is ``subscribe``, ``renew``, ``cancel`` or
    ``lapse``; benefits last until ``valid_until`` (``at`` for cancel and lapse).
    ``fee`` is what the member paid for it, if anything."""

    kind: ClassVar[str] = "membership_changed"
    plan: str = attrs.field(validator=_text)
    action: str = attrs.field(validator=_text)
    valid_until: datetime = attrs.field(converter=_utc)
    fee: Money | None = None

    @property
    def active(self) -> bool:
        return self.action in ("subscribe", "renew")

    def fold(self, history: History) -> None:
        history.membership(self)


@attrs.frozen
class OpenLot:
    """A lot as a checkpoint keeps it: what was left of it, and its dates."""

    key: str
    account: str
    points: int = attrs.field(validator=_positive)
    at: datetime = attrs.field(converter=_utc)
    available_at: datetime | None = attrs.field(converter=_optional_utc)
    expires_at: datetime | None = attrs.field(converter=_optional_utc)
    inactivity: Inactivity | None = attrs.field(converter=_inactivity)
    source: str | None


@attrs.frozen
class RuleCount:
    """How often a rule earned before a checkpoint: ``earlier`` times before its
    horizon, and the instants of the ``recent`` ones (enough for yearly limits)."""

    rule_id: str
    earlier: int
    recent: tuple[datetime, ...]


@attrs.frozen
class AccountTotal:
    """An account's lifetime figures at a checkpoint, by entry kind."""

    account: str
    deficit: int = 0
    credited: tuple[tuple[str, int], ...] = ()
    debited: tuple[tuple[str, int], ...] = ()
    written_off: int = 0


@attrs.frozen(kw_only=True)
class Checkpoint(Entry):
    """History before ``at``, compacted: open lots plus the aggregates rules consult.

    Only the first entry of a ledger may be a checkpoint (see ``Ledger.compact``).
    """

    kind: ClassVar[str] = "checkpoint"
    lots: tuple[OpenLot, ...] = ()
    accounts: tuple[AccountTotal, ...] = ()
    spend: Money | None = None
    last_activity_at: datetime | None = attrs.field(default=None, converter=_optional_utc)
    rule_counts: tuple[RuleCount, ...] = ()
    sent: tuple[tuple[str, datetime, int], ...] = ()  # recent transfers out: account, at
    replaced: int = 0  # how many entries it stands for, so the ledger version keeps growing
    # What tiers and memberships read, kept whole: the qualifying series, membership
    # events, manual tiers and the last tier written down.
    series: tuple[tuple[str, datetime, Decimal], ...] = ()
    memberships: tuple[MembershipChanged, ...] = ()
    tier_floors: tuple[tuple[datetime, datetime | None, str], ...] = ()
    tier: tuple[datetime, str] | None = None

    def fold(self, history: History) -> None:
        history.restore(self)


# --- entries the engine makes ------------------------------------------------------------
#
# Every purchase makes one ``Recorded`` and an ``Earned`` per rule that gave points, from
# values that are valid by construction: keys the engine derived, UTC instants, positive
# whole points, rule ids and accounts of the loaded program, spend it computed from
# validated ``Money``. Running the constructors' validators and converters on them again
# cost more than the rest of building the entries, so the engine sets the fields through
# the slots directly. Everything else (hosts, ``entry_from_dict``, lifecycle operations)
# uses the validating constructors; never call these with values a caller supplied.

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
) = _slot_setters(
    Recorded,
    ("key", "at", "event_type", "event_id", "activity", "spend", "source", "returned"),
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
) -> Earned:
    """An ``Earned`` lot made by the engine, without re-validating its fields (see above).

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
) -> Recorded:
    """A ``Recorded`` purchase or activity made by the engine, without re-validating its
    fields (see above). ``at`` must be UTC already."""
    entry: Recorded = _new_entry(Recorded)
    _recorded_key(entry, key)
    _recorded_at(entry, at)
    _recorded_event_type(entry, event_type)
    _recorded_event_id(entry, event_id)
    _recorded_activity(entry, activity)
    _recorded_spend(entry, spend)
    _recorded_source(entry, None)
    _recorded_returned(entry, ())
    return entry


def entry_from_dict(data: Mapping[str, Any]) -> Entry:
    """Rebuild an entry from ``Entry.to_dict()`` output.

    >>> entry_from_dict(Recorded(key="k", at=datetime(2026, 1, 1, tzinfo=UTC),
    ...                          event_type="purchase", event_id="o-1").to_dict()).key
    'k'
    """
    if not isinstance(data, Mapping):
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
    fields = {k: v for k, v in data.items() if k not in ("v", "kind")}
    known = {f.name: f for f in attrs.fields(cls)}
    unknown = sorted(set(fields) - set(known))
    missing = [n for n, f in known.items() if n not in fields and f.default is attrs.NOTHING]
    if unknown or missing:
        problems = [f"unknown field {n!r}" for n in unknown]
        problems += [f"missing the field {n!r}" for n in missing]
        raise ValidationError(f"{kind!r} entry {data.get('key')!r}: {', '.join(problems)}")
    try:
        entry: Entry = decode_fields(cls, fields)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        if isinstance(error, ValidationError):
            raise
        raise ValidationError(f"malformed {kind!r} entry {dict(data)!r}: {error!r}") from None
    return entry
