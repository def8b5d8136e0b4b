"""Entries about the member's standing: tier changes, manual tiers, paid memberships."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

import attrs

from loyalrules.ledger.entries import Entry
from loyalrules.ledger.fields import non_empty, optional_utc, utc
from loyalrules.values.frozen import value_methods
from loyalrules.values.money import Money


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class TierChanged(Entry):
    """The member's tier became ``level`` (from ``previous``) at ``at``, for ``reason``.

    The tier is derived from the ledger at any instant; these entries write its changes
    down (for notifications, and so a host can read the tier without the program)."""

    kind: ClassVar[str] = "tier_changed"
    level: str = attrs.field(validator=non_empty)
    previous: str = attrs.field(validator=non_empty)
    reason: str = attrs.field(validator=non_empty)


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class TierAssigned(Entry):
    """A manual tier by ``actor`` for ``reason``: the member's tier is at least ``level``
    until ``until`` (``None``: until further notice)."""

    kind: ClassVar[str] = "tier_assigned"
    level: str = attrs.field(validator=non_empty)
    until: datetime | None = attrs.field(default=None, converter=optional_utc)
    reason: str = attrs.field(validator=non_empty)
    actor: str = attrs.field(validator=non_empty)


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class MembershipChanged(Entry):
    """A paid membership event: ``action`` is ``subscribe``, ``renew``, ``cancel`` or
    ``lapse``; benefits last until ``valid_until`` (``at`` for cancel and lapse).
    ``fee`` is what the member paid for it, if anything."""

    kind: ClassVar[str] = "membership_changed"
    plan: str = attrs.field(validator=non_empty)
    action: str = attrs.field(validator=non_empty)
    valid_until: datetime = attrs.field(converter=utc)
    fee: Money | None = None

    @property
    def active(self) -> bool:
        return self.action in ("subscribe", "renew")
