"""The ledger: an append-only, immutable sequence of one member's entries.

Everything the engine knows about a member's past is derived from it. Each entry has a
deterministic ``key`` (from its source event and rule), so a host can store entries with
``(member_id, key)`` as a unique constraint and replays add nothing.

Entries serialise to JSON-safe dicts with ``to_dict()``; ``entry_from_dict`` reverses it
exactly. ``compact`` folds old history into one checkpoint entry; ``verify`` reports
broken invariants.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any, Protocol

import attrs

from loyalrules.errors import StaleOutcome, ValidationError, WrongTypeError
from loyalrules.ledger.checkpoint import Checkpoint
from loyalrules.ledger.compaction import checkpoint_of
from loyalrules.ledger.entries import (
    DEFAULT_ACCOUNT,
    Entry,
    entry_from_dict,
)
from loyalrules.ledger.facts import Facts
from loyalrules.ledger.history import History
from loyalrules.ledger.lots import NEVER, totals_by_kind
from loyalrules.ledger.verify import Inconsistency, inconsistencies
from loyalrules.values.timeutil import to_utc


class Computed(Protocol):
    """What ``Ledger.apply`` needs of an ``Outcome``: its entries and the version of the
    ledger it was computed against."""

    @property
    def entries(self) -> tuple[Entry, ...]: ...

    @property
    def ledger_version(self) -> int: ...

    @property
    def event_key(self) -> str: ...


def frozen_counts(value: Mapping[str, int]) -> Mapping[str, int]:
    """A read-only copy of totals by name (per entry kind, per account)."""
    return MappingProxyType(dict(value))


@attrs.frozen
class Balance:
    """One account as of an instant.

    ``available`` can be spent now (less any ``deficit`` owed, so it may be negative);
    ``pending`` is earned but not yet spendable. ``expiring`` lists the open points by
    the instant they expire, soonest first. ``credited`` and ``debited`` are lifetime
    totals by entry kind (``earned``, ``adjusted``, ``transferred_in``; ``redeemed``,
    ``expired``, ``reversed``, ...); ``expired`` counts expiries whether or not
    ``Program.expire`` has written them yet. ``written_off`` is what debits could not
    cover and did not carry as a deficit.
    """

    account: str
    available: int
    pending: int
    deficit: int = 0
    expiring: tuple[tuple[datetime, int], ...] = ()
    credited: Mapping[str, int] = attrs.field(default={}, converter=frozen_counts, hash=False)
    debited: Mapping[str, int] = attrs.field(default={}, converter=frozen_counts, hash=False)
    written_off: int = 0

    @property
    def total(self) -> int:
        """Available plus pending points."""
        return self.available + self.pending

    @property
    def lifetime_earned(self) -> int:
        """Points credited by earning rules (not adjustments or transfers)."""
        return self.credited.get("earned", 0)

    @property
    def lifetime_redeemed(self) -> int:
        return self.debited.get("redeemed", 0)

    @property
    def lifetime_expired(self) -> int:
        return self.debited.get("expired", 0)

    def expiring_by(self, moment: datetime) -> int:
        """Open points that will have expired by ``moment``."""
        moment = to_utc(moment, "moment")
        return sum(points for when, points in self.expiring if when <= moment)


def _entries(entries: Iterable[Entry]) -> tuple[Entry, ...]:
    if isinstance(entries, Entry | str | bytes):
        raise WrongTypeError("a ledger takes a list of entries, e.g. Ledger([entry])")
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
        return key in self._own_history().keys

    @property
    def version(self) -> int:
        """How many entries were ever appended (a checkpoint counts those it replaced):
        what an Outcome was computed against, for compare-and-set. It only grows."""
        checkpoint = self._own_history().checkpoint
        if checkpoint is None:
            return len(self.entries)
        return checkpoint.replaced + len(self.entries) - 1

    @property
    def history(self) -> History:
        """Facts derived from the entries, every entry folded in (read-only by
        convention)."""
        history = self._own_history()
        history.catch_up()
        return history

    @property
    def facts(self) -> Facts:
        """What rules may ask about the member's past. The entries are folded in on the
        first question, so evaluating an event whose rules ask none folds nothing."""
        return self._own_history()

    def _own_history(self) -> History:
        """The history of exactly these entries, folded or not."""
        history = self._history
        if history.size != len(self.entries):  # a later ledger extended it: rebuild ours
            history = History.of(self.entries)
            object.__setattr__(self, "_history", history)
        return history

    @property
    def checkpoint(self) -> Checkpoint | None:
        """The checkpoint this ledger starts from, if it was compacted."""
        return self._own_history().checkpoint

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
                return _appended(self.entries + new, history)
        history = History.of(self.entries)  # a fork from an older ledger: its own copy
        history.extend(new)
        return _appended(self.entries + new, history)

    def apply(self, outcome: Computed) -> Ledger:
        """``append(outcome.entries)``, but only if ``outcome`` was computed against this
        very ledger (compare-and-set): an Outcome computed against an older version
        raises ``StaleOutcome``, and the caller computes it again."""
        if outcome.ledger_version != self.version:
            raise StaleOutcome(
                f"the outcome {outcome.event_key!r} was computed against version "
                f"{outcome.ledger_version} but the ledger is at version {self.version}; "
                "compute it again against the current ledger"
            )
        return self.append(outcome.entries)

    def check_unchanged(self, history: History, what: str) -> None:
        """Raise ``StaleOutcome`` if another writer appended to this very ledger object
        since ``history`` (read from it) was taken: an answer computed from it may mix
        two versions of the ledger.

        Ledgers of one line of appends share their history (no copy per append), so an
        operation reads the history once and calls this before returning its result.
        """
        if history.size != len(self.entries) or self._history is not history:
            raise StaleOutcome(
                f"another writer appended to this ledger while {what} was computed; "
                "compute it again against the current ledger"
            )

    def check_after_checkpoint(self, moment: datetime, what: str) -> None:
        """Refuse ``moment`` if it lies before this ledger's checkpoint."""
        checkpoint = self.checkpoint
        if checkpoint is not None and moment < checkpoint.at:
            raise ValidationError(
                f"{what} {moment.isoformat()} is before the ledger's checkpoint "
                f"({checkpoint.at.isoformat()}); history before it was compacted away"
            )

    def balance(self, as_of: datetime, account: str = DEFAULT_ACCOUNT) -> Balance:
        """Points of ``account`` as of ``as_of``.

        Lots are counted by their own dates (pending, expiry, inactivity), so expiries
        count whether or not ``Program.expire`` has written them yet.
        """
        as_of = to_utc(as_of, "as_of")
        self.check_after_checkpoint(as_of, "as_of")
        history = self.history
        state = history.accounts.get(account)
        if state is None:
            return Balance(account, 0, 0)
        available = pending = unwritten_expired = 0
        expiring: dict[datetime, int] = {}
        for lot in state.lots.values():
            if lot.at > as_of:
                continue
            expiry = history.expiry_of(lot)
            left = lot.remaining(as_of)
            if expiry <= as_of:
                if not lot.expired_by_entry:
                    unwritten_expired += max(left, 0)
                continue
            if left <= 0:
                continue
            if lot.is_available(as_of):
                available += left
            else:
                pending += left
            if expiry != NEVER:
                expiring[expiry] = expiring.get(expiry, 0) + left
        deficit = sum(points for when, points in state.deficit if when <= as_of)
        debited = totals_by_kind(state.debits, as_of)
        if unwritten_expired:
            debited["expired"] = debited.get("expired", 0) + unwritten_expired
        return Balance(
            account,
            available - deficit,
            pending,
            deficit,
            tuple(sorted(expiring.items())),
            totals_by_kind(state.credited, as_of),
            debited,
            sum(points for when, points in state.written_off if when <= as_of),
        )

    def compact(self, as_of: datetime) -> Ledger:
        """A ledger whose history before ``as_of`` is one :class:`Checkpoint` entry.

        The checkpoint keeps the open lots (what is left of them, with their dates) and
        the aggregates later rules consult: purchase count, lifetime spend, last
        activity, recent rule earnings and lifetime totals per account. Balances as of
        ``as_of`` or later, and every rule decision for events from ``as_of`` on, are the
        same as before. Events dated before the checkpoint are refused afterwards, so
        compact only history older than your longest return window. Write expiries down
        first (``Program.expire(..., as_of)``): compaction refuses to drop a lot whose
        ``Expired`` entry is still missing.
        """
        cutoff = to_utc(as_of, "as_of")
        self.check_after_checkpoint(cutoff, "as_of")
        old = tuple(entry for entry in self.entries if entry.at < cutoff)
        if not old or (len(old) == 1 and isinstance(old[0], Checkpoint)):
            return self
        history = self.history
        for state in history.accounts.values():
            for lot in state.lots.values():
                if (
                    lot.at < cutoff
                    and history.expiry_of(lot) <= cutoff
                    and lot.remaining() > 0
                    and not lot.expired_by_entry
                ):
                    raise ValidationError(
                        f"lot {lot.key!r} expired by {cutoff.isoformat()} but its Expired "
                        "entry is not written yet; append program.expire(member, ledger, "
                        "as_of) before compacting"
                    )
        kept = tuple(entry for entry in self.entries if entry.at >= cutoff)
        checkpoint = attrs.evolve(
            checkpoint_of(History.of(old), cutoff), replaced=self.version - len(kept)
        )
        return Ledger((checkpoint, *kept))

    def verify(self) -> tuple[Inconsistency, ...]:
        """Broken invariants: debits of unknown lots or of lots they could not take from
        (not yet earned, pending, expired, of another account), lots taken beyond their
        points, expiries not dated at their lot's expiry, returns of purchases not in
        the ledger. Empty when all is well. (An entry whose own parts do not add up
        cannot be built: its constructor refuses it.)"""
        return tuple(inconsistencies(self.entries, self.history))

    def to_dicts(self) -> list[dict[str, Any]]:
        """Every entry in its JSON-safe form, oldest first."""
        return [entry.to_dict() for entry in self.entries]

    @classmethod
    def from_dicts(cls, rows: Iterable[Mapping[str, Any]]) -> Ledger:
        """Rebuild a ledger from stored ``to_dict()`` rows (oldest first)."""
        return cls(tuple(entry_from_dict(row) for row in rows))


_new_ledger = object.__new__
_set_field = object.__setattr__


def _appended(entries: tuple[Entry, ...], history: History) -> Ledger:
    """The ledger ``append`` returns: ``entries`` are a tuple of entries already folded
    into ``history``, so the constructor's conversion of them is skipped."""
    ledger: Ledger = _new_ledger(Ledger)
    _set_field(ledger, "entries", entries)
    _set_field(ledger, "_history", history)
    return ledger


__all__ = ["Balance", "Ledger", "frozen_counts"]
