"""What rules may ask about a member's past, and the past as an earlier event saw it."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from loyalrules.ledger.series import Series

if TYPE_CHECKING:
    from loyalrules.ledger.history import History


class Facts(Protocol):
    """What rules may ask about a member's past while an event is evaluated."""

    def purchases_before(self, at: datetime) -> int: ...

    def rule_earnings_between(self, rule_id: str, start: datetime, end: datetime) -> int: ...

    def member_of(self, at: datetime) -> frozenset[str]: ...

    @property
    def series(self) -> Series: ...

    @property
    def tier_floors(self) -> list[tuple[datetime, datetime | None, str]]: ...


class HistoryBefore:
    """A history seen from just before ``moment``: what rules saw when an event at
    ``moment`` was first evaluated (used to re-evaluate what a return leaves)."""

    __slots__ = ("history", "moment")

    def __init__(self, history: History, moment: datetime) -> None:
        self.history = history
        self.moment = moment

    @property
    def series(self) -> Series:
        return self.history.series

    def member_of(self, at: datetime) -> frozenset[str]:
        return self.history.member_of(min(at, self.moment))

    @property
    def tier_floors(self) -> list[tuple[datetime, datetime | None, str]]:
        return self.history.tier_floors

    def purchases_before(self, at: datetime) -> int:
        return self.history.purchases_before(min(at, self.moment))

    def rule_earnings_between(self, rule_id: str, start: datetime, end: datetime) -> int:
        end = min(end, self.moment)
        return self.history.rule_earnings_between(rule_id, start, end) if start < end else 0
