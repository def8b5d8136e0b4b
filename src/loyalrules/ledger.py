"""The ledger: an append-only, immutable sequence of one member's entries.

Everything the engine knows about a member's past is derived from it. Each entry has a
deterministic ``key`` (from its source event and rule), so a host can store entries with
``(member_id, key)`` as a unique constraint and replays add nothing.

Entries serialise to JSON-safe dicts with ``to_dict()``; ``entry_from_dict`` reverses it
exactly. The format carries a version number (``"v": 1``).
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any, ClassVar

import attrs

from loyalrules.codec import decode_fields, encode
from loyalrules.errors import DuplicateEntry, ValidationError, WrongTypeError
from loyalrules.money import Money
from loyalrules.timeutil import to_utc

ENTRY_FORMAT = 1
"""Version of the dict form written by ``Entry.to_dict``."""

DEFAULT_ACCOUNT = "points"

_KINDS: dict[str, type[Entry]] = {}


def _key(_: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value:
        raise ValidationError(f"entry {attribute.name} must be a non-empty string, not {value!r}")


def _utc(value: object) -> datetime:
    return to_utc(value, "entry time")


def _optional_utc(value: object) -> datetime | None:
    return None if value is None else to_utc(value, "entry time")


@attrs.frozen(kw_only=True)
class Entry:
    """Base of every ledger entry: a unique ``key`` and the instant ``at`` it happened."""

    kind: ClassVar[str]
    key: str = attrs.field(validator=_key)
    at: datetime = attrs.field(converter=_utc)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "kind" in cls.__dict__:
            _KINDS[cls.kind] = cls

    def fold(self, history: History) -> None:
        """Add what this entry tells about the member to ``history``."""

    def to_dict(self) -> dict[str, Any]:
        """The JSON-safe form of this entry, for any database."""
        return {"v": ENTRY_FORMAT, "kind": self.kind, **encode(self)}


@attrs.frozen(kw_only=True)
class Recorded(Entry):
    """The engine saw an event (even one that earned nothing).

    ``spend`` is the purchase's eligible spend; ``activity`` the kind of an activity.
    """

    kind: ClassVar[str] = "recorded"
    event_type: str = attrs.field(validator=_key)
    event_id: str = attrs.field(validator=_key)
    activity: str | None = None
    spend: Money | None = None

    def fold(self, history: History) -> None:
        if self.event_type == "purchase":
            bisect.insort(history.purchase_times, self.at)
            if self.spend is not None:
                history.lifetime_spend = (
                    self.spend
                    if history.lifetime_spend is None
                    else history.lifetime_spend + self.spend
                )
        if history.last_activity_at is None or self.at > history.last_activity_at:
            history.last_activity_at = self.at


def _positive_points(_: object, __: object, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise WrongTypeError(f"points must be a whole number, not {value!r}")
    if value <= 0:
        raise ValidationError(f"an Earned entry must carry positive points, not {value}")


@attrs.frozen(kw_only=True)
class Earned(Entry):
    """A lot of points credited to ``account`` by ``rule_id`` for the event ``source``.

    Pending until ``available_at``; gone at ``expires_at`` (``None``: never expires).
    """

    kind: ClassVar[str] = "earned"
    points: int = attrs.field(validator=_positive_points)
    rule_id: str = attrs.field(validator=_key)
    source: str = attrs.field(validator=_key)
    account: str = attrs.field(default=DEFAULT_ACCOUNT, validator=_key)
    available_at: datetime = attrs.field(
        converter=_utc, default=attrs.Factory(lambda self: self.at, takes_self=True)
    )
    expires_at: datetime | None = attrs.field(default=None, converter=_optional_utc)

    def fold(self, history: History) -> None:
        history.lots.setdefault(self.account, []).append(self)
        bisect.insort(history.rule_earn_times.setdefault(self.rule_id, []), self.at)


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
    except (KeyError, TypeError, ValueError) as error:
        if isinstance(error, ValidationError):
            raise
        raise ValidationError(f"malformed {kind!r} entry {dict(data)!r}: {error!r}") from None
    return entry


class History:
    """Facts derived from a ledger's entries, kept up to date as entries are folded in.

    ``size`` is the number of entries folded. The newest ledger of a line of appends
    shares its history with its parent and extends it in place (no copy per append); a
    ledger whose history has moved past it rebuilds its own when next asked.
    """

    __slots__ = (
        "keys",
        "last_activity_at",
        "lifetime_spend",
        "lock",
        "lots",
        "purchase_times",
        "rule_earn_times",
        "size",
    )

    def __init__(self) -> None:
        self.size = 0
        self.lock = threading.Lock()
        self.keys: set[str] = set()
        self.purchase_times: list[datetime] = []
        self.lifetime_spend: Money | None = None
        self.last_activity_at: datetime | None = None
        self.lots: dict[str, list[Earned]] = {}
        self.rule_earn_times: dict[str, list[datetime]] = {}

    @classmethod
    def of(cls, entries: Iterable[Entry]) -> History:
        history = cls()
        history.extend(tuple(entries))
        return history

    def extend(self, entries: tuple[Entry, ...]) -> None:
        """Fold ``entries`` in, all or nothing: every check runs before any change."""
        batch: set[str] = set()
        for entry in entries:
            if not isinstance(entry, Entry):
                raise WrongTypeError(
                    f"ledger entries must be Entry values, not {type(entry).__name__}"
                )
            if entry.key in self.keys or entry.key in batch:
                raise DuplicateEntry(
                    f"the ledger already has an entry with key {entry.key!r}; entries are "
                    "append-only and keys unique (was this event processed already?)"
                )
            batch.add(entry.key)
        self.keys |= batch
        for entry in entries:
            entry.fold(self)
        self.size += len(entries)

    def purchases_before(self, at: datetime) -> int:
        """How many purchases were recorded strictly before ``at``."""
        return bisect.bisect_left(self.purchase_times, at)

    def rule_earnings_between(self, rule_id: str, start: datetime, end: datetime) -> int:
        """How many times ``rule_id`` earned in ``[start, end)``."""
        times = self.rule_earn_times.get(rule_id, ())
        return bisect.bisect_left(times, end) - bisect.bisect_left(times, start)


@attrs.frozen
class Balance:
    """Points of one account as of an instant."""

    account: str
    available: int
    pending: int
    lifetime_earned: int

    @property
    def total(self) -> int:
        """Available plus pending points."""
        return self.available + self.pending


def _entries(entries: Iterable[Entry]) -> tuple[Entry, ...]:
    return tuple(entries)


def _build_history(ledger: Ledger) -> History:
    return History.of(ledger.entries)


@attrs.frozen
class Ledger:
    """One member's entries, oldest first. Immutable: ``append`` returns a new ledger.

    >>> ledger = Ledger()
    >>> len(ledger), ledger.version
    (0, 0)
    """

    entries: tuple[Entry, ...] = attrs.field(default=(), converter=_entries)
    _history: History = attrs.field(
        default=attrs.Factory(_build_history, takes_self=True),
        eq=False,
        repr=False,
        alias="_history",
    )

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, key: object) -> bool:
        return key in self.history.keys

    @property
    def version(self) -> int:
        """Number of entries: what an Outcome was computed against (for compare-and-set)."""
        return len(self.entries)

    @property
    def history(self) -> History:
        """Facts derived from the entries (read-only by convention)."""
        history = self._history
        if history.size != len(self.entries):  # a later ledger extended it: rebuild ours
            history = History.of(self.entries)
            object.__setattr__(self, "_history", history)
        return history

    def append(self, entries: Iterable[Entry]) -> Ledger:
        """A new ledger with ``entries`` added; refuses a key that is already present."""
        if isinstance(entries, Entry) or entries is None:
            raise WrongTypeError(
                f"append() takes a list of entries, not a single {type(entries).__name__}; "
                "e.g. ledger.append(outcome.entries)"
            )
        new = tuple(entries)
        history = self._history
        with history.lock:
            if history.size == len(self.entries):  # this is the newest ledger: extend
                history.extend(new)
                return Ledger(self.entries + new, _history=history)
        history = History.of(self.entries)  # a fork from an older ledger: its own copy
        history.extend(new)
        return Ledger(self.entries + new, _history=history)

    def balance(self, as_of: datetime, account: str = DEFAULT_ACCOUNT) -> Balance:
        """Points of ``account`` as of ``as_of``: available, pending, lifetime earned."""
        as_of = to_utc(as_of, "as_of")
        available = pending = earned = 0
        for lot in self.history.lots.get(account, ()):
            if lot.at > as_of:
                continue
            earned += lot.points
            if lot.expires_at is not None and lot.expires_at <= as_of:
                continue
            if lot.available_at <= as_of:
                available += lot.points
            else:
                pending += lot.points
        return Balance(account, available, pending, earned)

    def to_dicts(self) -> list[dict[str, Any]]:
        """Every entry in its JSON-safe form, oldest first."""
        return [entry.to_dict() for entry in self.entries]

    @classmethod
    def from_dicts(cls, rows: Iterable[Mapping[str, Any]]) -> Ledger:
        """Rebuild a ledger from stored ``to_dict()`` rows (oldest first)."""
        return cls(tuple(entry_from_dict(row) for row in rows))
