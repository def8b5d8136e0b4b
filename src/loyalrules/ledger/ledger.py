"""The ledger: an append-only, immutable sequence of one member's entries.

Everything the engine knows about a member's past is derived from it. Each entry has a
deterministic ``key`` (from its source event and rule), so a host can store entries with
``(member_id, key)`` as a unique constraint and replays add nothing.

Entries serialise to JSON-safe dicts with ``to_dict()``; ``entry_from_dict`` reverses it
exactly. ``compact`` folds old history into one checkpoint entry; ``verify`` reports
broken invariants.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any, Protocol

import attrs

from loyalrules.errors import StaleOutcome, UnknownAccount, ValidationError, WrongTypeError
from loyalrules.ledger.balance import Balance, account_balance
from loyalrules.ledger.checkpoint import Checkpoint
from loyalrules.ledger.compaction import checkpoint_of
from loyalrules.ledger.entries import (
    DEFAULT_ACCOUNT,
    Entry,
    entry_from_dict,
)
from loyalrules.ledger.facts import Facts
from loyalrules.ledger.history import History
from loyalrules.ledger.verify import Inconsistency, inconsistencies
from loyalrules.values.collector import collector_paused
from loyalrules.values.keywords import renamed_instant
from loyalrules.values.timeutil import to_utc

_set_field = object.__setattr__


class Computed(Protocol):
    """What ``Ledger.apply`` needs of an ``Outcome``: its entries and the version of the
    ledger it was computed against."""

    @property
    def entries(self) -> tuple[Entry, ...]: ...

    @property
    def ledger_version(self) -> int: ...

    @property
    def event_key(self) -> str: ...


def _entries(entries: Iterable[Entry]) -> list[Entry]:
    if isinstance(entries, Entry | str | bytes):
        raise WrongTypeError("a ledger takes a list of entries, e.g. Ledger([entry])")
    return list(entries)


@attrs.frozen(init=False, eq=False, repr=False)
class Ledger:
    """One member's entries, oldest first. Immutable: ``append`` returns a new ledger.

    >>> ledger = Ledger()
    >>> len(ledger), ledger.version
    (0, 0)

    ``accounts`` are the program's account names, when the ledger knows them: given here
    or to ``from_dicts`` (``accounts=program.accounts``), or learnt from the first
    Outcome of a program it ``apply``-s. A ledger that knows them refuses any other name
    in ``balance`` (decision 0056); one that does not reads any name without entries as
    empty. The names are no part of the entries: ``==`` ignores them.

    A line of appends shares one list of entries: each ledger sees the first ``len``
    of them, and ``append`` to the newest ledger adds to the list in place, so it costs
    the new entries only (decision 0070). ``entries`` is that prefix as a tuple, made
    on first read; iterate the ledger itself to read it without the copy.
    """

    _log: list[Entry]  # shared by a line of appends; only ever grows
    _size: int  # this ledger's entries: the first _size of _log
    _history: History
    _tuple: tuple[Entry, ...] | None
    _accounts: tuple[str, ...]  # the program's account names; empty: not known

    def __init__(self, entries: Iterable[Entry] = (), *, accounts: Iterable[str] = ()) -> None:
        log = _entries(entries)
        _set_field(self, "_log", log)
        _set_field(self, "_size", len(log))
        _set_field(self, "_history", History.of(log))
        _set_field(self, "_tuple", None)
        _set_field(self, "_accounts", _names(accounts))

    @property
    def accounts(self) -> tuple[str, ...]:
        """The account names ``balance`` accepts (empty: the ledger does not know the
        program's names, and reads any name without entries as empty)."""
        return self._accounts

    @property
    def entries(self) -> tuple[Entry, ...]:
        """Every entry, oldest first (a tuple, made on the first read)."""
        entries = self._tuple
        if entries is None:
            # Never past our size: another thread may be appending to the shared list.
            entries = tuple(itertools.islice(self._log, self._size))
            _set_field(self, "_tuple", entries)
        return entries

    def __iter__(self) -> Iterator[Entry]:
        return itertools.islice(self._log, self._size)

    def __len__(self) -> int:
        return self._size

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Ledger):
            return NotImplemented
        if self._size != other._size:
            return False
        return self._log is other._log or all(map(operator.eq, self, other))

    def __hash__(self) -> int:
        return hash(self.entries)

    def __repr__(self) -> str:
        return f"Ledger(entries={self.entries!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        # the history is derived again, on first question
        return _rebuilt, (list(self), self._accounts)

    def __contains__(self, key: object) -> bool:
        return key in self._own_history().keys

    @property
    def version(self) -> int:
        """How many entries were ever appended (a checkpoint counts those it replaced):
        what an Outcome was computed against, for compare-and-set. It only grows."""
        checkpoint = self._own_history().checkpoint
        if checkpoint is None:
            return self._size
        return checkpoint.replaced + self._size - 1

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
        if history.size != self._size:  # a later ledger extended it: rebuild ours
            history = History.of(self)
            _set_field(self, "_history", history)
        return history

    @property
    def checkpoint(self) -> Checkpoint | None:
        """The checkpoint this ledger starts from, if it was compacted."""
        return self._own_history().checkpoint

    def append(self, entries: Iterable[Entry]) -> Ledger:
        """A new ledger with ``entries`` added; refuses a key that is already present.

        Appending to the newest ledger of a line costs the new entries only; appending
        to an older one (a fork) copies its entries once.
        """
        if isinstance(entries, Entry) or entries is None:
            raise WrongTypeError(
                f"append() takes a list of entries, not a single {type(entries).__name__}; "
                "e.g. ledger.append(outcome.entries)"
            )
        return self._extended(tuple(entries), self._accounts)

    def _extended(self, new: tuple[Entry, ...], accounts: tuple[str, ...]) -> Ledger:
        history, log, size = self._history, self._log, self._size
        with history.lock:
            if history.size == size == len(log):  # the newest ledger: extend in place
                history.extend(new)  # checks first: raises before anything changes
                log += new
                return _appended(log, size + len(new), history, accounts)
        log = log[:size]  # a fork from an older ledger: its own copy
        history = History.of(log)
        history.extend(new)
        log += new
        return _appended(log, len(log), history, accounts)

    def apply(self, outcome: Computed) -> Ledger:
        """``append(outcome.entries)``, but only if ``outcome`` was computed against this
        very ledger (compare-and-set): an Outcome computed against an older version
        raises ``StaleOutcome``, and the caller computes it again. The new ledger knows
        the account names of the program that computed ``outcome`` (decision 0056)."""
        if outcome.ledger_version != self.version:
            raise StaleOutcome(
                f"the outcome {outcome.event_key!r} was computed against version "
                f"{outcome.ledger_version} but the ledger is at version {self.version}; "
                "compute it again against the current ledger"
            )
        accounts = self._accounts
        named = getattr(outcome, "accounts", ())  # an Outcome the engine built has them
        if named and named != accounts:
            accounts = _names((*accounts, *named))
        return self._extended(tuple(outcome.entries), accounts)

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

    def balance(
        self,
        at: datetime | None = None,
        account: str = DEFAULT_ACCOUNT,
        *,
        as_of: datetime | None = None,
    ) -> Balance:
        """Points of ``account`` at the instant ``at`` (``as_of=`` is its 0.1 spelling).

        Lots are counted by their own dates (pending, expiry, inactivity), so expiries
        count whether or not ``Program.expire`` has written them yet. A ledger that
        knows the program's account names (``accounts``) reads a declared account
        without entries as empty and raises ``UnknownAccount`` for any other name; one
        that does not know them reads any name without entries as empty (decision 0056).

        >>> from datetime import UTC, datetime
        >>> Ledger().balance(at=datetime(2026, 1, 1, tzinfo=UTC)).available
        0
        """
        if as_of is not None:
            at = renamed_instant(at, as_of, "balance")  # type: ignore[assignment]
        as_of = to_utc(at, "at")
        self.check_after_checkpoint(as_of, "at")
        history = self.history
        state = history.accounts.get(account)
        if state is None:
            if not isinstance(account, str):
                raise WrongTypeError(f"account must be a str, not {type(account).__name__}")
            if self._accounts and account not in self._accounts:
                raise UnknownAccount(account, self._accounts)
            return Balance(account, 0, 0)
        return account_balance(history, state, account, as_of)

    def compact(self, at: datetime | None = None, *, as_of: datetime | None = None) -> Ledger:
        """A ledger whose history before ``at`` is one :class:`Checkpoint` entry
        (``as_of=`` is the 0.1 spelling of ``at``).

        The checkpoint keeps the open lots (what is left of them, with their dates) and
        the aggregates later rules consult: purchase count, lifetime spend, last
        activity, recent rule earnings and lifetime totals per account. Balances at
        ``at`` or later, and every rule decision for events from ``at`` on, are the
        same as before. Events dated before the checkpoint are refused afterwards, so
        compact only history older than your longest return window. Write expiries down
        first (``Program.expire(..., at=at)``): compaction refuses to drop a lot whose
        ``Expired`` entry is still missing.
        """
        if as_of is not None:
            at = renamed_instant(at, as_of, "compact")  # type: ignore[assignment]
        cutoff = to_utc(at, "at")
        self.check_after_checkpoint(cutoff, "at")
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
                        "entry is not written yet; append program.expire(member=..., "
                        "ledger=..., at=...) before compacting"
                    )
        kept = tuple(entry for entry in self.entries if entry.at >= cutoff)
        checkpoint = attrs.evolve(
            checkpoint_of(History.of(old), cutoff), replaced=self.version - len(kept)
        )
        return Ledger((checkpoint, *kept), accounts=self._accounts)

    def verify(self) -> tuple[Inconsistency, ...]:
        """Broken invariants: debits of unknown lots or of lots they could not take from
        (not yet earned, pending, expired, of another account), lots taken beyond their
        points, expiries not dated at their lot's expiry, returns of purchases not in
        the ledger. Empty when all is well. (An entry whose own parts do not add up
        cannot be built: its constructor refuses it.)"""
        return tuple(inconsistencies(self.entries, self.history))

    def to_dicts(self) -> list[dict[str, Any]]:
        """Every entry in its JSON-safe form, oldest first."""
        return [entry.to_dict() for entry in self]

    @classmethod
    def from_dicts(
        cls, rows: Iterable[Mapping[str, Any]], *, accounts: Iterable[str] = ()
    ) -> Ledger:
        """Rebuild a ledger from stored ``to_dict()`` rows (oldest first); pass
        ``accounts=program.accounts`` so ``balance`` refuses a misspelt account."""
        with collector_paused():  # thousands of new entries, none of them garbage
            return cls(tuple(entry_from_dict(row) for row in rows), accounts=accounts)


_new_ledger = object.__new__
# The slots' own setters: what ``_set_field`` calls, without looking the name up.
_set_log, _set_size, _set_history, _set_tuple, _set_accounts = (
    Ledger.__dict__[name].__set__ for name in ("_log", "_size", "_history", "_tuple", "_accounts")
)


def _names(accounts: Iterable[str]) -> tuple[str, ...]:
    """Account names, each once, in the order given."""
    if isinstance(accounts, str):
        raise WrongTypeError(
            f"accounts takes a list of account names, not the string {accounts!r}; "
            "e.g. accounts=program.accounts"
        )
    names = tuple(dict.fromkeys(accounts))
    for name in names:
        if not isinstance(name, str) or not name:
            raise WrongTypeError(f"an account name must be a non-empty str, not {name!r}")
    return names


def _appended(log: list[Entry], size: int, history: History, accounts: tuple[str, ...]) -> Ledger:
    """The ledger ``append`` returns: the first ``size`` entries of ``log``, all folded
    into ``history`` already, so the constructor's work is skipped."""
    ledger: Ledger = _new_ledger(Ledger)
    _set_log(ledger, log)
    _set_size(ledger, size)
    _set_history(ledger, history)
    _set_tuple(ledger, None)
    _set_accounts(ledger, accounts)
    return ledger


def _rebuilt(entries: list[Entry], accounts: tuple[str, ...] = ()) -> Ledger:
    """Unpickle a ledger (its history is folded again on the first question)."""
    return Ledger(entries, accounts=accounts)


__all__ = ["Balance", "Ledger"]
