"""Checking a ledger's invariants (``Ledger.verify``): what a debit may take, and from
which lots; what an expiry, a return or a restoration refers to."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import attrs

from loyalrules.ledger.entries import Adjusted, Debit, Entry, Expired, Restored, Reversed
from loyalrules.ledger.history import History
from loyalrules.ledger.lots import LotState
from loyalrules.values.frozen import value_methods


@value_methods
@attrs.frozen(eq=False, repr=False)
class Inconsistency:
    """A broken invariant found by :meth:`Ledger.verify`, on the entry ``key``."""

    key: str
    message: str

    def __str__(self) -> str:
        return f"{self.key}: {self.message}"


def inconsistencies(entries: Iterable[Entry], history: History) -> Iterator[Inconsistency]:
    """The broken invariants of ``entries``, whose folded ``history`` is given."""
    lots: dict[str, LotState] = {}
    for state in history.accounts.values():
        lots.update(state.lots)
    for entry in entries:
        if isinstance(entry, Debit | Adjusted) and not (
            isinstance(entry, Adjusted) and entry.points > 0
        ):
            yield from _verify_debit(entry, lots, history)
        # Without a checkpoint the purchase a return reverses must be in the ledger.
        if (
            isinstance(entry, Reversed)
            and entry.source not in history.keys
            and history.checkpoint is None
        ):
            yield Inconsistency(entry.key, f"reverses {entry.source!r}, not in the ledger")
        if isinstance(entry, Expired):
            yield from _verify_expired(entry, lots, history)
        if isinstance(entry, Restored):
            if entry.redemption not in history.redemptions and history.checkpoint is None:
                yield Inconsistency(entry.key, f"restores {entry.redemption!r}, not redeemed here")
            for part in entry.restored:
                if part.lot not in lots:
                    yield Inconsistency(entry.key, f"gives back to {part.lot!r}, not a lot here")
    for lot in lots.values():
        if lot.remaining() < 0:
            yield Inconsistency(lot.key, f"lot taken beyond its {lot.points} points")


def _verify_debit(
    entry: Debit | Adjusted, lots: dict[str, LotState], history: History
) -> Iterator[Inconsistency]:
    for consumption in entry.consumed:
        lot = lots.get(consumption.lot)
        if lot is None:
            yield Inconsistency(entry.key, f"takes from {consumption.lot!r}, not a lot here")
        elif lot.account != entry.account:
            yield Inconsistency(entry.key, f"takes from {lot.key!r} of account {lot.account}")
        elif entry.at < lot.at:
            yield Inconsistency(entry.key, f"takes from {lot.key!r} before it was earned")
        elif not isinstance(entry, Expired) and history.expiry_of(lot) <= entry.at:
            yield Inconsistency(entry.key, f"takes from {lot.key!r} after it expired")
        elif not isinstance(entry, Reversed | Expired) and not lot.is_available(entry.at):
            yield Inconsistency(entry.key, f"takes from {lot.key!r} while it is pending")


def _verify_expired(
    entry: Expired, lots: dict[str, LotState], history: History
) -> Iterator[Inconsistency]:
    if [c.lot for c in entry.consumed] != [entry.lot]:
        yield Inconsistency(entry.key, f"expires {entry.lot!r} but takes from other lots")
    elif entry.lot in lots and history.expiry_of(lots[entry.lot]) != entry.at:
        when = history.expiry_of(lots[entry.lot]).isoformat()
        yield Inconsistency(entry.key, f"is dated {entry.at.isoformat()}, the lot expires {when}")
