"""One account's balance as of an instant, as ``Ledger.balance`` reads it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType

import attrs

from loyalrules.values.fields import reduce_frozen
from loyalrules.values.timeutil import to_utc


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
