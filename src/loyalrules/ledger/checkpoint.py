"""The checkpoint entry: history before an instant, compacted (see ``Ledger.compact``)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import ClassVar

import attrs

from loyalrules.ledger.codec import OMIT_DEFAULT
from loyalrules.ledger.entries import Entry
from loyalrules.ledger.exemption import Exemption, exemption_or_none
from loyalrules.ledger.fields import (
    Inactivity,
    inactivity_or_none,
    optional_utc,
    positive,
    utc,
)
from loyalrules.ledger.standing_entries import MembershipChanged
from loyalrules.values.frozen import value_methods
from loyalrules.values.money import Money

PAYOUT = "payout:"
"""Keys of payout lots start with this (``payout:<id>:<first day of the period>``)."""


@value_methods
@attrs.frozen(eq=False, repr=False)
class OpenLot:
    """A lot as a checkpoint keeps it: what was left of it, and its dates."""

    key: str
    account: str
    points: int = attrs.field(validator=positive)
    at: datetime = attrs.field(converter=utc)
    available_at: datetime | None = attrs.field(converter=optional_utc)
    expires_at: datetime | None = attrs.field(converter=optional_utc)
    inactivity: Inactivity | None = attrs.field(converter=inactivity_or_none)
    source: str | None
    exemption: Exemption | None = attrs.field(
        default=None, converter=exemption_or_none, metadata=OMIT_DEFAULT
    )
    # The rule that earned it: a return after the checkpoint that takes it back in full
    # takes the rule's earning back from its limit too (rows written before it read None).
    rule_id: str | None = attrs.field(default=None, metadata=OMIT_DEFAULT)


@value_methods
@attrs.frozen(eq=False, repr=False)
class RuleCount:
    """How often a rule earned before a checkpoint: ``earlier`` times before its
    horizon, and the instants of the ``recent`` ones (enough for yearly limits)."""

    rule_id: str
    earlier: int
    recent: tuple[datetime, ...]


@value_methods
@attrs.frozen(eq=False, repr=False)
class AccountTotal:
    """An account's lifetime figures at a checkpoint, by entry kind."""

    account: str
    deficit: int = 0
    credited: tuple[tuple[str, int], ...] = ()
    debited: tuple[tuple[str, int], ...] = ()
    written_off: int = 0


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class Checkpoint(Entry):
    """History before ``at``, compacted: open lots plus the aggregates rules consult.

    Only the first entry of a ledger may be a checkpoint (see ``Ledger.compact``).
    """

    kind: ClassVar[str] = "checkpoint"
    lots: tuple[OpenLot, ...] = ()
    accounts: tuple[AccountTotal, ...] = ()
    spend: Money | None = None
    last_activity_at: datetime | None = attrs.field(default=None, converter=optional_utc)
    rule_counts: tuple[RuleCount, ...] = ()
    sent: tuple[tuple[str, datetime, int], ...] = ()  # recent transfers out: account, at
    replaced: int = 0  # how many entries it stands for, so the ledger version keeps growing
    # What tiers and memberships read, kept whole: the qualifying series, membership
    # events, manual tiers and the last tier written down.
    series: tuple[tuple[str, datetime, Decimal], ...] = ()
    memberships: tuple[MembershipChanged, ...] = ()
    tier_floors: tuple[tuple[datetime, datetime | None, str], ...] = ()
    tier: tuple[datetime, str] | None = None
    # Every tier written down, when some lot's expiry depends on the tiers held.
    tiers: tuple[tuple[datetime, str], ...] = attrs.field(default=(), metadata=OMIT_DEFAULT)
    # The keys of the payouts issued before it, so that a period is never issued twice.
    payouts: tuple[str, ...] = attrs.field(default=(), metadata=OMIT_DEFAULT)
    # The last instant of each kind of activity, for inactivity rules that count some.
    last_marked: tuple[tuple[str, datetime], ...] = ()
