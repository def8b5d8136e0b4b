"""Balances of one account at many instants, in one pass over its lots.

A report reads every member's balance at the end of every month: a call of
``Ledger.balance`` per month goes over every lot each time and works out each lot's
expiry again (and the lifetime totals, which the report does not read).
``available_and_pending`` reads each lot once, works out its expiry once, and gives what
``balance`` gives at each instant for the two figures a report keeps.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from loyalrules.ledger.entries import DEFAULT_ACCOUNT
from loyalrules.ledger.ledger import Ledger
from loyalrules.ledger.lots import NEVER
from loyalrules.values.timeutil import to_utc


def available_and_pending(
    ledger: Ledger, moments: Sequence[datetime], account: str = DEFAULT_ACCOUNT
) -> list[tuple[int, int]]:
    """``(balance.available, balance.pending)`` of ``ledger.balance(at, account)`` for
    each ``at`` of ``moments``, in their order, with the same errors.

    >>> from datetime import UTC, datetime
    >>> available_and_pending(Ledger(), [datetime(2026, 1, 31, tzinfo=UTC)])
    [(0, 0)]
    """
    instants = []
    for moment in moments:  # checked as ``balance`` checks each, in turn
        as_of = to_utc(moment, "at")
        ledger.check_after_checkpoint(as_of, "at")
        instants.append(as_of)
    history = ledger.history
    state = history.accounts.get(account)
    if state is None:  # no entries: ``balance`` says whether the account may be read
        return [(b.available, b.pending) for b in (ledger.balance(at, account) for at in instants)]
    count = len(instants)
    available, pending = [0] * count, [0] * count
    expiry_of = history.expiry_of
    for lot in state.lots.values():
        # ``lot.remaining(as_of)`` and ``lot.is_available(as_of)``, read inline
        earned, points, taken, available_at = lot.at, lot.points, lot.taken, lot.available_at
        expiry = None
        for index, as_of in enumerate(instants):
            if earned > as_of:
                continue
            if expiry is None:  # the same at every instant: worked out once
                expiry = expiry_of(lot)
            if expiry <= as_of:
                continue
            if not taken:
                left = points
            elif as_of is NEVER:
                left = lot.left
            elif len(taken) == 1:  # the usual debit of a lot: one
                when, part = taken[0]
                left = points - part if when <= as_of else points
            else:
                left = points - sum(part for when, part in taken if when <= as_of)
            if left <= 0:
                continue
            if available_at is not None and available_at <= as_of:
                available[index] += left
            else:
                pending[index] += left
    deficit = state.deficit
    return [
        (available[index] - sum(points for when, points in deficit if when <= as_of), waiting)
        for index, (as_of, waiting) in enumerate(zip(instants, pending, strict=True))
    ]
