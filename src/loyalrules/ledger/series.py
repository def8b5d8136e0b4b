"""Named time series of amounts (spend, purchases, points earned), summed over windows.

Tier qualification asks "how much in this window?" on every purchase, so sums come from
running totals kept as entries are folded (appends in time order keep them current; an
entry older than the last one rebuilds them once). Amounts are noted as they are added
and summed in on the first question after them, in the order they were added, so a
ledger whose series no rule asks about never pays for the sums.
"""

from __future__ import annotations

import bisect
from datetime import datetime
from decimal import Decimal

_ZERO = Decimal(0)

SPEND = "spend"
PURCHASES = "purchases"
RETURNED = ":returned"
"""Suffix of the series of what returns took back from another series."""
UNDONE = ":undone"
"""Suffix of the series of purchases returned in full, at the purchases' own instants."""
CATEGORY = "category:"
CATEGORY_PURCHASES = "category-purchases:"


def activities(kind: str) -> str:
    """The series of the member's activities of ``kind`` (one per activity)."""
    return f"activity:{kind}"


def category_spend(name: str) -> str:
    """The series of eligible spend on line category ``name``."""
    return CATEGORY + name


def category_purchases(name: str) -> str:
    """The series of purchases with a line of category ``name`` that paid for it."""
    return CATEGORY_PURCHASES + name


def earned(account: str) -> str:
    """The series of points earned by rules in ``account``."""
    return f"earned:{account}"


def rule_points(rule_id: str) -> str:
    """The series of the points rule ``rule_id`` earned, less what returns took back of
    them, at the instant they were earned: what a rule's ``limit`` on points counts."""
    return f"rule-points:{rule_id}"


class Series:
    """Amounts at instants, by name; ``total`` sums a name over a time window.

    ``add`` only notes the amount; every question first sums in what was noted
    (``settle``), in the order it was added, so the answers are those of adding at once.
    A ledger's history settles its series under its own lock before handing it out.
    """

    __slots__ = ("_later", "_later_amounts", "_later_times", "_sums", "_times", "_values")

    def __init__(self) -> None:
        self._times: dict[str, list[datetime]] = {}
        self._values: dict[str, list[Decimal]] = {}
        self._sums: dict[str, list[Decimal]] = {}  # running totals: _sums[i] = sum of first i
        # Added, not summed yet: names, instants and amounts side by side (no tuple per
        # amount for the garbage collector to look at while the series is not asked).
        self._later: list[str] = []
        self._later_times: list[datetime] = []
        self._later_amounts: list[Decimal | int] = []

    def add(self, name: str, at: datetime, amount: Decimal | int) -> None:
        """Add ``amount`` of ``name`` at ``at`` (summed in on the next question)."""
        self._later.append(name)
        self._later_times.append(at)
        self._later_amounts.append(amount)

    @property
    def settled(self) -> bool:
        """Whether every amount added is summed in already."""
        return not self._later

    def settle(self) -> None:
        """Sum in the amounts added since the last question, in the order they came."""
        later = self._later
        if not later:
            return
        add = self._add
        for name, at, amount in zip(later, self._later_times, self._later_amounts, strict=True):
            add(name, at, amount)
        # Emptied only once all are in: a reader that finds it empty reads full sums.
        self._later_times, self._later_amounts = [], []
        self._later = []

    def _add(self, name: str, at: datetime, amount: Decimal | int) -> None:
        times = self._times.get(name)
        if times is None:
            times = self._times[name] = []
            self._values[name] = []
            self._sums[name] = [_ZERO]
        values, sums = self._values[name], self._sums[name]
        if type(amount) is not Decimal:
            amount = Decimal(amount)
        if not times or at >= times[-1]:  # the common case: in time order
            times.append(at)
            values.append(amount)
            sums.append(sums[-1] + amount)
            return
        index = bisect.bisect_right(times, at)
        times.insert(index, at)
        values.insert(index, amount)
        running = sums[index]
        del sums[index + 1 :]
        for value in values[index:]:
            running += value
            sums.append(running)

    def total(self, name: str, start: datetime | None, end: datetime) -> Decimal:
        """The sum of ``name`` over ``[start, end)`` (``start`` None: since the first)."""
        if self._later:
            self.settle()
        times = self._times.get(name)
        if not times:
            return _ZERO
        sums = self._sums[name]
        upper = sums[bisect.bisect_left(times, end)]
        return upper if start is None else upper - sums[bisect.bisect_left(times, start)]

    def instants(self, name: str, start: datetime | None, end: datetime) -> list[datetime]:
        """The instants of ``name`` in ``[start, end)``."""
        if self._later:
            self.settle()
        times = self._times.get(name, [])
        low = 0 if start is None else bisect.bisect_left(times, start)
        return times[low : bisect.bisect_left(times, end)]

    def last_before(self, name: str, end: datetime) -> datetime | None:
        """The last instant of ``name`` strictly before ``end``."""
        if self._later:
            self.settle()
        times = self._times.get(name, [])
        index = bisect.bisect_left(times, end)
        return times[index - 1] if index else None

    def names(self, prefix: str) -> list[str]:
        """The names of the series starting with ``prefix`` (not what returns took back)."""
        if self._later:
            self.settle()
        return [
            n
            for n in self._times
            if n.startswith(prefix) and not n.endswith(RETURNED) and not n.endswith(UNDONE)
        ]

    def first(self) -> datetime | None:
        """The earliest instant of any series."""
        if self._later:
            self.settle()
        firsts = [times[0] for times in self._times.values() if times]
        return min(firsts) if firsts else None

    def items(self) -> list[tuple[str, datetime, Decimal]]:
        """Every (name, instant, amount), for a checkpoint."""
        if self._later:
            self.settle()
        return [
            (name, at, value)
            for name, times in self._times.items()
            for at, value in zip(times, self._values[name], strict=True)
        ]
