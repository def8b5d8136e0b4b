"""The store contract, written once: compare-and-set appends, replays, compaction.

A store keeps, per member: a row with the member and a ``version`` that only grows,
the ledger entries (each at a position, unique by key), and the inputs that produced
them. :class:`Store` implements the contract on top of a few plain SQL statements that
each backend provides (:class:`Transaction`); ``SQLiteStore`` and ``SQLStore`` are the
two backends.

The invariant: a member's ``version`` column equals ``store.load(member).version``.
``apply`` adds the outcome's entries and moves the version by their number, only if it
still equals the version the outcome was computed against; ``compact`` replaces old
entries by a checkpoint and moves the version by one, so an outcome computed before the
compaction is refused rather than stored against history it no longer matches.
"""

from __future__ import annotations

import abc
import json
import random
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any, Protocol, TypeVar

import attrs

from loyalrules import Checkpoint, Ledger, LoyalRulesError, Member, Outcome, Program, StaleOutcome
from loyalrules.storage.inputs import (
    Input,
    input_from_dict,
    input_to_dict,
    member_from_dict,
    member_to_dict,
    run,
)
from loyalrules.values.frozen import value_methods
from loyalrules.values.keywords import instant_of

T = TypeVar("T")


class StoreError(LoyalRulesError):
    """The store cannot do what was asked (an unknown member, an outcome that clashes
    with stored entries); the message says why and what to do."""


class StoreConflict(StaleOutcome):
    """The member's ledger changed since the outcome was computed: load it again and
    compute again (``Store.write`` does this for you)."""

    def __init__(self, member_id: str, expected: int, actual: int) -> None:
        self.member_id = member_id
        self.expected = expected
        self.actual = actual
        super().__init__(
            f"member {member_id!r}: the outcome was computed against version {expected} "
            f"but the stored ledger is at version {actual}; load it again and recompute"
        )


def _dumps(data: Any) -> str:
    return json.dumps(data, separators=(",", ":"), sort_keys=True)


class Transaction(Protocol):
    """The statements a backend runs inside one database transaction."""

    def member_row(self, member_id: str) -> tuple[int, str] | None:
        """``(version, member body)``; in a write transaction the row is locked."""

    def insert_member(self, member_id: str, body: str) -> None: ...

    def update_member(self, member_id: str, body: str) -> None: ...

    def set_version(self, member_id: str, expected: int, new: int) -> bool:
        """Move the version from ``expected`` to ``new``; False if it was not ``expected``."""

    def entry_rows(self, member_id: str) -> list[tuple[int, str]]:
        """``(position, body)`` of every entry, by position."""

    def present_keys(self, member_id: str, keys: Sequence[str]) -> set[str]: ...

    def insert_entries(self, member_id: str, rows: Sequence[tuple[int, str, str]]) -> None:
        """Insert ``(position, key, body)`` rows."""

    def delete_entries(self, member_id: str, positions: Sequence[int]) -> None: ...

    def insert_input(self, member_id: str, position: int, key: str, body: str) -> None: ...

    def input_rows(self, member_id: str) -> list[str]:
        """Bodies of the member's inputs, by position."""

    def member_ids(self) -> list[str]: ...


@value_methods
@attrs.frozen(eq=False, repr=False)
class Stored:
    """What ``Store.apply`` did: the member's ``version`` afterwards, and whether it
    ``wrote`` anything (False for an outcome with no entries, or one stored already)."""

    version: int
    wrote: bool


class Store(abc.ABC):
    """A store of members, their ledger entries and inputs, safe for concurrent writers.

    For example::

        store = SQLiteStore("loyalty.db")
        store.put_member(member)
        outcome = store.submit(program, member.id, purchase)
    """

    @abc.abstractmethod
    def transaction(self, write: bool) -> AbstractContextManager[Transaction]:
        """One database transaction: committed on success, rolled back on an error. A
        write transaction holds the member rows it reads until it ends."""

    def close(self) -> None:  # noqa: B027 - a store without connections has nothing to do
        """Release the store's connections."""

    def put_member(self, member: Member) -> None:
        """Add ``member``, or replace its stored details (its entries are untouched)."""
        body = _dumps(member_to_dict(member))
        with self.transaction(write=True) as tx:
            if tx.member_row(member.id) is None:
                tx.insert_member(member.id, body)
            else:
                tx.update_member(member.id, body)

    def member(self, member_id: str) -> Member:
        """The stored member ``member_id``."""
        with self.transaction(write=False) as tx:
            row = _known(tx, member_id)
        return member_from_dict(json.loads(row[1]))

    def member_ids(self) -> list[str]:
        """Every member's id, sorted."""
        with self.transaction(write=False) as tx:
            return tx.member_ids()

    def version(self, member_id: str) -> int:
        """The member's version: what ``load(member_id).version`` would say, cheaply."""
        with self.transaction(write=False) as tx:
            return _known(tx, member_id)[0]

    def load(self, member_id: str, *, accounts: Iterable[str] = ()) -> Ledger:
        """The member's ledger; its ``version`` is what ``apply`` compares against.
        ``accounts=program.accounts`` makes its ``balance`` refuse a misspelt account."""
        with self.transaction(write=False) as tx:
            rows = tx.entry_rows(member_id)
            if not rows:
                _known(tx, member_id)
        return Ledger.from_dicts((json.loads(body) for _, body in rows), accounts=accounts)

    def inputs(self, member_id: str) -> list[Input]:
        """The inputs stored with the member's outcomes, oldest first."""
        with self.transaction(write=False) as tx:
            return [input_from_dict(json.loads(body)) for body in tx.input_rows(member_id)]

    def apply(
        self,
        member_id: str,
        outcome: Outcome,
        expected_version: int | None = None,
        *,
        input: Input | None = None,
    ) -> Stored:
        """Store ``outcome``'s entries (and the ``input`` that produced them) if the
        member's version is still ``expected_version`` (default: the version the outcome
        was computed against); raise :class:`StoreConflict` otherwise.

        An outcome whose entries are all stored already is a replay: nothing is written
        and no error raised, whatever the version.
        """
        expected = outcome.ledger_version if expected_version is None else expected_version
        entries = outcome.entries
        with self.transaction(write=True) as tx:
            version = _known(tx, member_id)[0]
            if not entries:
                return Stored(version, wrote=False)
            keys = [entry.key for entry in entries]
            present = tx.present_keys(member_id, keys)
            if len(present) == len(set(keys)):
                return Stored(version, wrote=False)
            if version != expected:
                raise StoreConflict(member_id, expected, version)
            if present:
                raise StoreError(
                    f"member {member_id!r}: entries {sorted(present)} are stored already but "
                    "the outcome was computed as if they were not; recompute it against "
                    "store.load()"
                )
            new = version + len(entries)
            if not tx.set_version(member_id, version, new):
                raise StoreConflict(member_id, expected, version)
            tx.insert_entries(
                member_id,
                [
                    (version + 1 + i, entry.key, _dumps(entry.to_dict()))
                    for i, entry in enumerate(entries)
                ],
            )
            if input is not None:
                tx.insert_input(
                    member_id, version + 1, outcome.event_key, _dumps(input_to_dict(input))
                )
        return Stored(new, wrote=True)

    def compact(
        self,
        member_id: str,
        at: datetime | None = None,
        expected_version: int | None = None,
        *,
        as_of: datetime | None = None,
    ) -> int:
        """Replace the member's entries before ``at`` by one checkpoint
        (``Ledger.compact``), in one transaction; returns the new version, one more than
        before, so outcomes computed earlier are refused. Inputs are kept. ``as_of=`` is
        the 0.1 spelling of ``at=``, deprecated."""
        at = instant_of(at, as_of, "compact")
        with self.transaction(write=True) as tx:
            version = _known(tx, member_id)[0]
            if expected_version is not None and version != expected_version:
                raise StoreConflict(member_id, expected_version, version)
            rows = tx.entry_rows(member_id)
            ledger = Ledger.from_dicts(json.loads(body) for _, body in rows)
            compacted = ledger.compact(at)
            if compacted is ledger:
                return version
            checkpoint = compacted.checkpoint
            if checkpoint is None:  # compact() always starts a shorter ledger with one
                raise StoreError(f"member {member_id!r}: compaction gave no checkpoint")
            checkpoint = attrs.evolve(checkpoint, replaced=checkpoint.replaced + 1)
            kept = {entry.key for entry in compacted.entries[1:]}
            positions = [
                position
                for (position, _), entry in zip(rows, ledger.entries, strict=True)
                if entry.key not in kept
            ]
            tx.delete_entries(member_id, positions)
            tx.insert_entries(member_id, [(0, checkpoint.key, _dumps(checkpoint.to_dict()))])
            if not tx.set_version(member_id, version, version + 1):
                raise StoreConflict(member_id, version, version + 1)
        return version + 1

    def replace(self, member_id: str, ledger: Ledger, expected_version: int) -> int:
        """Replace the member's entries by ``ledger`` (a re-derived one), if the version is
        still ``expected_version``; returns the new version, above the old one and at
        least ``len(ledger)``. Inputs are kept.

        The new entries follow an empty checkpoint dated at the earliest of them, which
        carries the version on (an empty checkpoint changes no balance and no rule
        decision); events dated before it are refused afterwards, as after ``compact``.
        """
        entries = ledger.entries
        if not entries:
            raise StoreError(f"member {member_id!r}: refusing to replace a ledger by an empty one")
        with self.transaction(write=True) as tx:
            version = _known(tx, member_id)[0]
            if version != expected_version:
                raise StoreConflict(member_id, expected_version, version)
            if ledger.checkpoint is None:
                start = min(entry.at for entry in entries)
                new = max(version + 1, len(entries))
                checkpoint = Checkpoint(
                    key=f"checkpoint:{start.isoformat()}", at=start, replaced=new - len(entries)
                )
            else:
                checkpoint, entries = ledger.checkpoint, entries[1:]
                new = max(version + 1, ledger.version)
                checkpoint = attrs.evolve(checkpoint, replaced=new - len(entries))
            first = new - len(entries) + 1
            tx.delete_entries(member_id, [position for position, _ in tx.entry_rows(member_id)])
            tx.insert_entries(
                member_id,
                [(0, checkpoint.key, _dumps(checkpoint.to_dict()))]
                + [
                    (first + i, entry.key, _dumps(entry.to_dict()))
                    for i, entry in enumerate(entries)
                ],
            )
            if not tx.set_version(member_id, version, new):
                raise StoreConflict(member_id, expected_version, version)
        return new

    def write(
        self,
        member_id: str,
        compute: Callable[[Member, Ledger], Outcome],
        *,
        input: Input | None = None,
        attempts: int = 20,
        accounts: Iterable[str] = (),
    ) -> Outcome:
        """Load, ``compute(member, ledger)``, ``apply``; on a conflict, again (up to
        ``attempts`` times, each after a short random pause that doubles, so writers
        racing for one member spread out instead of colliding again). Returns the stored
        outcome, or a ``duplicate`` one when another request stored the same entries
        first. Errors of ``compute`` (such as ``InsufficientPoints``) pass through and
        nothing is stored. ``accounts`` (``program.accounts``) is handed to ``load``."""
        member = self.member(member_id)
        for attempt in range(attempts):
            outcome = compute(member, self.load(member_id, accounts=accounts))
            try:
                stored = self.apply(member_id, outcome, input=input)
            except StoreConflict:
                _back_off(attempt)
                continue
            if stored.wrote or not outcome.entries:
                return outcome
            # A concurrent request stored these very entries first (a retried order):
            # compute again, so the outcome says it is a duplicate.
        raise StoreError(
            f"member {member_id!r}: the ledger changed under each of {attempts} attempts; "
            "try again later"
        )

    def submit(self, program: Program, member_id: str, item: Input, attempts: int = 20) -> Outcome:
        """Run ``item`` (an event or an operation such as ``Redeem``) for the member under
        ``program`` and store its outcome and the input, retrying on conflicts. For example::

            outcome = store.submit(program, "m-1", purchase)
        """
        return self.write(
            member_id,
            lambda member, ledger: run(program, member, ledger, item),
            input=item,
            attempts=attempts,
            accounts=program.accounts,
        )


def _back_off(attempt: int) -> None:
    """Full jitter: a random pause up to 1 ms, 2 ms, 4 ms ... capped at 100 ms."""
    time.sleep(random.uniform(0, min(0.1, 0.001 * 2**attempt)))


def _known(tx: Transaction, member_id: str) -> tuple[int, str]:
    row = tx.member_row(member_id)
    if row is None:
        raise StoreError(f"no member {member_id!r} in the store; add it with store.put_member()")
    return row


def chunks(items: Sequence[T], size: int = 500) -> Iterator[Sequence[T]]:
    """``items`` in slices of at most ``size`` (SQL drivers limit bound parameters)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


__all__ = ["Store", "StoreConflict", "StoreError", "Stored", "Transaction", "chunks"]
