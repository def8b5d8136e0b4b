"""One account's balance as of an instant, as ``Ledger.balance`` reads it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType

import attrs

from loyalrules.ledger.history import History
from loyalrules.ledger.lots import NEVER, AccountState, totals_by_kind
from loyalrules.values.fields import reduce_frozen
from loyalrules.values.frozen import value_methods
from loyalrules.values.timeutil import to_utc


def frozen_counts(value: Mapping[str, int]) -> Mapping[str, int]:
    """A read-only copy of totals by name (per entry kind, per account)."""
    return MappingProxyType(dict(value))


@value_methods
@attrs.frozen(eq=False, repr=False)
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

    __reduce__ = reduce_frozen  # read-only mappings travel as dicts

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


def account_balance(
    history: History, state: AccountState, account: str, as_of: datetime
) -> Balance:
    """The :class:`Balance` of ``account`` (its folded ``state``) at ``as_of``, as
    ``Ledger.balance`` reads it: one pass over the account's lots, each counted by its own
    dates (pending, expiry, inactivity)."""
    available = pending = unwritten_expired = 0
    expiring: dict[datetime, int] = {}
    expiry_of = history.expiry_of
    for lot in state.lots.values():
        if lot.at > as_of:
            continue
        # ``history.expiry_of(lot)``, ``lot.remaining(as_of)`` and
        # ``lot.is_available(as_of)``, read inline for the usual lot
        if lot.exemption is None and lot.inactivity is None:
            expiry = lot.expires_at or NEVER
        else:
            expiry = expiry_of(lot)
        taken = lot.taken
        if not taken:
            left = lot.left if as_of is NEVER else lot.points
        elif as_of is NEVER:
            left = lot.left
        elif len(taken) == 1:  # the usual debit of a lot: one
            when, part = taken[0]
            left = lot.points - part if when <= as_of else lot.points
        else:
            left = lot.points - sum(points for when, points in taken if when <= as_of)
        if expiry <= as_of:
            if not lot.expired_by_entry:
                unwritten_expired += max(left, 0)
            continue
        if left <= 0:
            continue
        available_at = lot.available_at
        if available_at is not None and available_at <= as_of:
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
