"""The member's activity clock: the instants they did something, and the deadlines an
inactivity rule draws from them."""

from __future__ import annotations

import bisect
import threading
from collections.abc import Iterable
from datetime import datetime

from loyalrules.ledger.activity import activity_marks
from loyalrules.ledger.entries import Entry
from loyalrules.ledger.exemption import GapEnd
from loyalrules.ledger.fields import Inactivity


class ActivityClock:
    """The instants the member did something, in order, and the deadlines an inactivity
    rule draws from them (kept until an instant is added). Each instant may carry the
    kinds of activity it was (``ledger.activity``), for rules that count only some.

    A ledger's entries are ``note``-d as they are folded and taken in on the first
    question after them: most programs have no inactivity rule, and their members'
    clocks are then never read. The clock is a set of instants per kind, so the order
    entries are taken in does not change it.
    """

    __slots__ = ("_deadlines", "_later", "_lock", "_marked", "_times")

    def __init__(self) -> None:
        self._times: list[datetime] = []
        self._marked: dict[str, list[datetime]] = {}
        self._deadlines: dict[object, tuple[list[datetime], list[datetime]]] = {}
        self._later: list[Entry] = []  # noted, not taken in yet
        self._lock = threading.Lock()

    def note(self, entries: Iterable[Entry]) -> None:
        """Take in the active ones of ``entries`` before the next question."""
        self._later += entries

    def _settle(self) -> None:
        with self._lock:
            later = self._later
            if not later:  # another thread took them in meanwhile
                return
            add = self.add
            for entry in later:
                if entry.active:
                    add(entry.at, activity_marks(entry))
            self._later = []  # emptied once all are in: see ``Series.settle``

    def add(self, at: datetime, marks: tuple[str, ...] = ()) -> None:
        for mark in marks:
            _insert(self._marked.setdefault(mark, []), at)
        if _insert(self._times, at) or marks:
            self._deadlines.clear()

    def last(self, as_of: datetime) -> datetime | None:
        """The last instant up to ``as_of``."""
        if self._later:
            self._settle()
        index = bisect.bisect_right(self._times, as_of)
        return self._times[index - 1] if index else None

    def restore_marks(self, marks: tuple[tuple[str, datetime], ...]) -> None:
        """The last instant of each kind of activity, from a checkpoint. They join only
        their kind's clock: the default clock has the checkpoint's last activity, and an
        older instant there would open a gap that never was."""
        for mark, at in marks:
            _insert(self._marked.setdefault(mark, []), at)
        self._deadlines.clear()

    def last_marked(self) -> tuple[tuple[str, datetime], ...]:
        """The last instant of each kind of activity (what a checkpoint keeps)."""
        if self._later:
            self._settle()
        return tuple((mark, times[-1]) for mark, times in sorted(self._marked.items()))

    def _counted(self, rule: Inactivity) -> list[datetime]:
        if not rule.counts:
            return self._times
        return sorted({at for mark in rule.counts for at in self._marked.get(mark, ())})

    def deadline_after(
        self, rule: Inactivity, at: datetime, gap_end: GapEnd | None = None, key: object = None
    ) -> datetime | None:
        """The first instant after ``at`` at which ``rule`` makes points expire: the end
        of a gap between activities longer than its period, or of the last activity.
        Lots are credited together with an activity, so a lot earned at ``at`` expires
        then (``None``: no activity after ``at`` to count from).

        ``gap_end`` (cached under ``key``) gives, for a gap from an activity, the instant
        the next activity must come by and the instant the lot expires if it does not:
        an exemption moves them (``Exemption.gap_end``)."""
        if self._later:
            self._settle()
        cache_key = rule if key is None else (rule, key)
        found = self._deadlines.get(cache_key)
        if found is None:
            times = self._counted(rule)
            checks: list[datetime] = []
            deadlines = checks if gap_end is None else []  # the same unless moved
            for index, moment in enumerate(times):
                if gap_end is None:
                    check = deadline = rule.deadline(moment)
                else:
                    check, deadline = gap_end(moment)
                if index + 1 == len(times) or times[index + 1] > check:
                    checks.append(check)
                    if deadlines is not checks:
                        deadlines.append(deadline)
            found = self._deadlines[cache_key] = (checks, deadlines)
        checks, deadlines = found
        index = bisect.bisect_right(checks, at)
        return deadlines[index] if index < len(deadlines) else None


def _insert(times: list[datetime], at: datetime) -> bool:
    """Put ``at`` in its place in the sorted ``times``; whether it was new."""
    if not times or at > times[-1]:
        times.append(at)  # the common case: entries arrive in time order
        return True
    index = bisect.bisect_left(times, at)  # at <= times[-1]: index is in range
    if times[index] == at:
        return False  # an instant already there changes nothing
    times.insert(index, at)
    return True
