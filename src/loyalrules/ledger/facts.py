"""What rules may ask about a member's past (a ledger's history answers it)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from loyalrules.ledger.series import Series


class Facts(Protocol):
    """What rules may ask about a member's past while an event is evaluated."""

    def purchases_before(self, at: datetime) -> int: ...

    def last_purchase_before(self, at: datetime) -> datetime | None: ...

    def rule_earnings_between(self, rule_id: str, start: datetime, end: datetime) -> int: ...

    def rule_points_between(self, rule_id: str, start: datetime, end: datetime) -> int: ...

    def member_of(self, at: datetime) -> frozenset[str]: ...

    @property
    def series(self) -> Series: ...

    @property
    def tier_floors(self) -> list[tuple[datetime, datetime | None, str]]: ...
