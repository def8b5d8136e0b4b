"""What a ledger entry counts as, for an inactivity rule that names what counts.

By default every entry whose ``active`` is true restarts the inactivity clock: a
purchase or an activity, points earned, a redemption, a transfer sent or received, an
adjustment, a paid plan subscribed or renewed. A program may narrow that
(``expiry: {inactivity: P24M, inactivity_counts: [purchases]}``); each entry then says
which of those kinds it is, and the clock keeps the instants of each kind.

>>> from datetime import UTC, datetime
>>> from loyalrules.ledger.entries import Recorded
>>> activity_marks(Recorded(key="k", at=datetime(2026, 1, 1, tzinfo=UTC),
...                         event_type="activity", event_id="a-1", activity="review"))
('activities', 'activity:review')
"""

from __future__ import annotations

from collections.abc import Callable

from loyalrules.ledger.entries import (
    Adjusted,
    Earned,
    Entry,
    Recorded,
    Redeemed,
    TransferredIn,
    TransferredOut,
)
from loyalrules.ledger.standing_entries import MembershipChanged

ACTIVITY_KINDS = (
    "purchases",
    "activities",
    "earning",
    "redemptions",
    "transfers_in",
    "transfers_out",
    "adjustments",
    "memberships",
)
"""What may count as activity; all of them count unless the program says otherwise."""


def activity_of(kind: str) -> str:
    """The mark of one activity kind (``review``), for ``inactivity_activities``."""
    return f"activity:{kind}"


def _recorded(entry: Recorded) -> tuple[str, ...]:
    if entry.event_type == "purchase":
        return ("purchases",)
    if entry.event_type == "activity" and entry.activity is not None:
        return ("activities", activity_of(entry.activity))
    return ()


_MARKS: dict[type[Entry], Callable[[Entry], tuple[str, ...]]] = {
    Recorded: _recorded,  # type: ignore[dict-item]
    Earned: lambda entry: ("earning",),
    Redeemed: lambda entry: ("redemptions",),
    TransferredIn: lambda entry: ("transfers_in",),
    TransferredOut: lambda entry: ("transfers_out",),
    Adjusted: lambda entry: ("adjustments",),
    MembershipChanged: lambda entry: ("memberships",),
}


def activity_marks(entry: Entry) -> tuple[str, ...]:
    """The kinds of activity ``entry`` is (empty for returns, expiries, tiers...).
    Only entries whose ``active`` is true are asked."""
    marks = _MARKS.get(type(entry))
    return () if marks is None else marks(entry)
