"""The fold of each entry type: which ``HistoryState`` methods an entry of that type
goes through (see ``fold``)."""

from __future__ import annotations

import bisect
from collections.abc import Callable
from typing import Any

from loyalrules.ledger.checkpoint import Checkpoint
from loyalrules.ledger.entries import (
    Activated,
    Adjusted,
    Debit,
    Earned,
    Entry,
    Expired,
    Lot,
    Recorded,
    Redeemed,
    Restored,
    Reversed,
    TransferredIn,
    TransferredOut,
)
from loyalrules.ledger.fold import BONUSES, HistoryState
from loyalrules.ledger.lots import LotState
from loyalrules.ledger.series import earned, rule_points
from loyalrules.ledger.standing_entries import MembershipChanged, TierAssigned, TierChanged


def fold_of(kind: type[Entry]) -> Callable[[HistoryState, Any], None]:
    """The fold of entries of type ``kind``: its own, or its nearest folded base's (noted
    in ``FOLDS`` so the next lookup is one dict get)."""
    fold = FOLDS.get(kind)
    if fold is None:
        fold = FOLDS[kind] = next((FOLDS[base] for base in kind.__mro__ if base in FOLDS), _nothing)
    return fold


def _nothing(state: HistoryState, entry: Any) -> None:
    """Entries that tell nothing the history keeps."""


def _earned(state: HistoryState, entry: Earned) -> None:
    # ``credit`` then ``earned``, in one: most entries of a ledger are these.
    at, points, source, rule_id = entry.at, entry.points, entry.source, entry.rule_id
    available_at = entry.available_at
    if available_at is None and source in state.activations:
        available_at = max(at, state.activations[source])
    lot = LotState(
        entry.key, entry.account, points, at, available_at, entry.expires_at,
        entry.inactivity, source, rule_id, entry.exemption,
    )  # fmt: skip
    account = state.accounts.get(entry.account) or state.account(entry.account)
    account.add(lot)
    account.credited.append((at, entry.kind, points))
    if source is not None:
        state.sources.add(source, entry.key)
    if account.owed > 0:
        account.settle(lot, at, points)  # a deficit is paid by the next credit
    times = state.rule_earn_times.get(rule_id)
    if times:
        if at >= times[-1]:
            times.append(at)  # the common case: entries arrive in time order
        else:
            bisect.insort(times, at)
    else:
        state.rule_earned(rule_id, at)
    series = state._series
    series.add(rule_points(rule_id), at, points)
    if not rule_id.startswith(BONUSES):  # tier and membership bonuses never qualify
        series.add(earned(entry.account), at, points)


def _reversed(state: HistoryState, entry: Reversed) -> None:
    state.debit(entry)
    state.reverse(entry)


def _transferred_out(state: HistoryState, entry: TransferredOut) -> None:
    state.debit(entry)
    state.sent(entry.account, entry.at, entry.points)


def _redeemed(state: HistoryState, entry: Redeemed) -> None:
    state.debit(entry)
    state.redeemed(entry)


def _adjusted(state: HistoryState, entry: Adjusted) -> None:
    if entry.points > 0:
        state.credit(entry)
    else:
        state.debit(entry)


def _activated(state: HistoryState, entry: Activated) -> None:
    state.activate(entry.source, entry.at)


def _tier_changed(state: HistoryState, entry: TierChanged) -> None:
    state.tier_changes.append((entry.at, entry.level))
    state.held.clear()


def _tier_assigned(state: HistoryState, entry: TierAssigned) -> None:
    state.assign(entry.at, entry.until, entry.level)


FOLDS: dict[type[Entry], Callable[[HistoryState, Any], None]] = {
    Entry: _nothing,
    Recorded: HistoryState.defer_record,
    Lot: HistoryState.credit,
    Earned: _earned,
    TransferredIn: HistoryState.credit,
    Debit: HistoryState.debit,
    Reversed: _reversed,
    Expired: HistoryState.debit,
    TransferredOut: _transferred_out,
    Redeemed: _redeemed,
    Restored: HistoryState.restore_points,
    Adjusted: _adjusted,
    Activated: _activated,
    Checkpoint: HistoryState.restore,
    TierChanged: _tier_changed,
    TierAssigned: _tier_assigned,
    MembershipChanged: HistoryState.membership,
}
"""The fold of each entry type; a type not listed folds as its nearest listed base."""
