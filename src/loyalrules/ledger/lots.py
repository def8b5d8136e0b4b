"""Lots while a ledger is folded: their dates, what debits took from them, which to
take from first, and the activity clock that inactivity expiry counts on."""

from __future__ import annotations

import bisect
import enum
from collections.abc import Iterable, Sequence
from datetime import datetime

from loyalrules.ledger.entries import Consumption
from loyalrules.ledger.exemption import NEVER as NEVER  # re-exported: where it always was
from loyalrules.ledger.exemption import Exemption
from loyalrules.ledger.fields import Inactivity


class LotState:
    """A lot while the ledger is folded: its dates and the points taken from it."""

    __slots__ = (
        "account",
        "at",
        "available_at",
        "exemption",
        "expired_at",
        "expired_by_entry",
        "expired_points",
        "expires_at",
        "forgiven",
        "inactivity",
        "key",
        "left",
        "order",
        "points",
        "reversed",
        "rule_id",
        "source",
        "taken",
    )

    def __init__(
        self,
        key: str,
        account: str,
        points: int,
        at: datetime,
        available_at: datetime | None,
        expires_at: datetime | None,
        inactivity: Inactivity | None,
        source: str | None,
        rule_id: str | None = None,
        exemption: Exemption | None = None,
    ) -> None:
        self.key = key
        self.exemption = exemption
        self.rule_id = rule_id
        self.reversed = 0  # what returns of its purchase attributed to it
        self.forgiven = 0  # ... of which its points had expired already
        self.expired_points = 0  # taken by an Expired entry
        self.account = account
        self.points = points
        self.at = at
        self.available_at = available_at
        self.expires_at = expires_at
        self.inactivity = inactivity
        self.source = source
        # (when, points), in fold order; a shared empty tuple until a debit takes from
        # the lot, so untouched lots keep no list for the garbage collector to scan
        self.taken: list[tuple[datetime, int]] | tuple[()] = ()
        self.left = points  # after every debit folded so far
        self.expired_by_entry = False  # an Expired entry wrote its expiry
        self.expired_at: datetime | None = None  # ... dated then
        self.order = 0  # its place among its account's lots (set when added)

    def is_available(self, at: datetime) -> bool:
        """Whether the lot is spendable at ``at`` (earned, and no longer pending)."""
        return self.available_at is not None and self.available_at <= at

    def remaining(self, as_of: datetime = NEVER) -> int:
        """Points not yet taken by debits dated up to ``as_of``."""
        if as_of is NEVER:
            return self.left
        return self.points - sum(points for when, points in self.taken if when <= as_of)

    def left_for(self, at: datetime) -> int:
        """Points a debit dated ``at`` may take, written now: at no instant from ``at``
        on may the lot hold less than nothing, so the least it holds from then on, the
        entries written so far counted by their dates. An expiry written but dated after
        ``at`` took what was left, and counts for nothing here (decision 0057)."""
        taken = self.taken
        if not taken:
            return self.left
        end = self.expired_at or NEVER
        running = self.points - sum(points for when, points in taken if when <= at)
        lowest = running
        for _, points in sorted(row for row in taken if at < row[0] < end):
            running -= points
            lowest = min(lowest, running)
        return lowest

    def take(self, at: datetime, points: int) -> None:
        if isinstance(self.taken, list):
            self.taken.append((at, points))
        else:
            self.taken = [(at, points)]
        self.left -= points


class AccountState:
    """One account's lots and its running totals.

    Open lots are indexed by expiry, so an expiry run looks only at the lots that may
    have expired and a debit only at the lots it takes from: ``dated`` holds
    ``(expires_at, at, key)`` of lots with a fixed date and no inactivity rule or
    exemption, sorted (``dated[:head]`` holds closed lots only); lots with either (their
    expiry moves with the member's activity or standing) are in ``inactive``; lots that
    never expire are in ``lasting``, in the order they were added (``lasting_in_order``:
    which is also their ``(at, key)`` order).
    """

    __slots__ = (
        "credited",
        "dated",
        "debits",
        "deficit",
        "head",
        "inactive",
        "indexed",
        "last_taken",
        "lasting",
        "lasting_in_order",
        "lots",
        "open",
        "owed",
        "sent",
        "stale",
        "written_off",
    )

    def __init__(self) -> None:
        self.lots: dict[str, LotState] = {}
        self.open: dict[str, LotState] = {}  # lots with points left, so debits skip the rest
        self.dated: list[tuple[datetime, datetime, str]] = []  # open ones, and some closed
        self.indexed: set[str] = set()  # the keys in ``dated``
        self.stale = 0  # closed lots in ``dated``
        self.head = 0  # where the open lots of ``dated`` start
        self.inactive: dict[str, LotState] = {}  # open lots with an inactivity rule
        self.lasting: dict[str, LotState] = {}  # open lots that never expire
        self.lasting_in_order = True
        self.debits: list[tuple[datetime, str, int]] = []  # (when, kind, points)
        self.credited: list[tuple[datetime, str, int]] = []
        self.deficit: list[tuple[datetime, int]] = []  # + carried by a debit, - paid back
        self.owed = 0  # the deficit after every entry folded so far
        self.written_off: list[tuple[datetime, int]] = []
        self.sent: list[tuple[datetime, int]] = []  # transfers out
        # The latest date any points were taken from or given back to a lot at: a debit
        # dated at or after it reads the lots as they are (decision 0057).
        self.last_taken: datetime | None = None

    def add(self, lot: LotState) -> None:
        lot.order = len(self.lots)
        self.lots[lot.key] = lot
        if lot.left > 0:
            self._opened(lot)

    def take(self, lot: LotState, at: datetime, points: int) -> None:
        lot.take(at, points)
        self._dated(at)
        if lot.left <= 0 and self.open.pop(lot.key, None) is not None:
            self.inactive.pop(lot.key, None)
            self.lasting.pop(lot.key, None)
            # Closed lots stay in ``dated`` until they are half of it: then it is
            # rebuilt, which keeps the cost per lot constant.
            if lot.key in self.indexed:
                self.stale += 1
                open_lots = self.open
                if 2 * self.stale > len(self.dated):
                    self.dated = [item for item in self.dated if item[2] in open_lots]
                    self.indexed = {item[2] for item in self.dated}
                    self.stale = self.head = 0
                else:  # debits take the soonest-expiring lots: usually ``dated[head]``
                    dated, head = self.dated, self.head
                    while head < len(dated) and dated[head][2] not in open_lots:
                        head += 1
                    self.head = head

    def give_back(self, lot: LotState, at: datetime, points: int) -> None:
        """Undo ``points`` of a debit on ``lot`` (a cancelled redemption)."""
        lot.take(at, -points)
        self._dated(at)
        if lot.left > 0 and lot.key not in self.open:
            self._opened(lot)

    def _dated(self, at: datetime) -> None:
        if self.last_taken is None or at > self.last_taken:
            self.last_taken = at

    def _opened(self, lot: LotState) -> None:
        self.open[lot.key] = lot
        if lot.inactivity is not None or lot.exemption is not None:
            self.inactive[lot.key] = lot
        elif lot.key in self.indexed:  # reopened before ``dated`` dropped it
            self.stale -= 1
            item = (lot.expires_at or NEVER, lot.at, lot.key)
            self.head = min(self.head, bisect.bisect_left(self.dated, item))
        elif lot.expires_at is not None:
            item = (lot.expires_at, lot.at, lot.key)
            dated = self.dated
            if not dated or item > dated[-1]:
                dated.append(item)  # the usual case: later lots expire later
            else:
                index = bisect.bisect_left(dated, item)
                dated.insert(index, item)
                self.head = min(self.head, index)
            self.indexed.add(lot.key)
        else:
            lasting = self.lasting
            if not lasting:
                self.lasting_in_order = True
            elif self.lasting_in_order:
                last = next(reversed(lasting.values()))
                self.lasting_in_order = (last.at, last.key) < (lot.at, lot.key)
            lasting[lot.key] = lot

    def expiring_by(self, as_of: datetime) -> list[LotState]:
        """Open lots that may have expired by ``as_of``, in the order they were added:
        those whose fixed date is ``as_of`` or earlier, and every one with an
        inactivity rule or an exemption (its expiry depends on the activity clock or the
        standing)."""
        dated, head = self.dated, self.head
        if not self.inactive and (head >= len(dated) or dated[head][0] > as_of):
            return []  # the usual night: the soonest open lot expires later
        end = bisect.bisect_right(dated, (as_of, NEVER, "\U0010ffff"))
        open_lots = self.open
        found = [open_lots[item[2]] for item in dated[self.head : end] if item[2] in open_lots]
        found += self.inactive.values()
        found.sort(key=_added)
        return found

    def unexpire(self, lot: LotState, points: int) -> None:
        """Give back ``points`` of the expiry written for ``lot`` to a debit dated before
        it, written after it: the expiry took what was left, and that is now less."""
        expired_at = lot.expired_at
        if expired_at is None:  # only called for a lot an expiry took from
            return
        lot.expired_points -= points
        self.give_back(lot, expired_at, points)
        self.debits.append((expired_at, "expired", -points))

    def expire_rest(self, lot: LotState) -> None:
        """Points given back to ``lot`` after its expiry was written, dated before it,
        expire with it: the expiry takes what is left at its date."""
        expired_at = lot.expired_at
        if expired_at is None or lot.left <= 0:
            return
        points = lot.left
        self.take(lot, expired_at, points)
        lot.expired_points += points
        self.debits.append((expired_at, "expired", points))

    def settle(self, lot: LotState, at: datetime, points: int) -> None:
        """Pay what the account owes from ``points`` just credited to ``lot``."""
        if self.owed > 0:
            paid = min(self.owed, points)
            self.take(lot, at, paid)
            self.carry(at, -paid)

    def settle_from_later(self, at: datetime) -> None:
        """Pay a deficit a debit just carried at ``at`` from the credits that would have
        paid it had the debit been written first, so the order the two were written in
        does not matter: points still pending at ``at``, oldest lot first, and then the
        points of credits dated after ``at`` (a debit backdated before them), each from
        its own date. A lot whose fixed expiry has come by ``at`` pays nothing: its points
        expired before they were ever spendable."""
        later = []
        for lot in list(self.open.values()):
            if self.owed <= 0:
                return
            if lot.left <= 0:
                continue
            if lot.at > at:
                later.append(lot)
            elif not lot.is_available(at) and _unexpired(lot, at):
                self.settle(lot, at, lot.left)
        later.sort(key=_credited)
        for lot in later:
            if self.owed <= 0:
                return
            self.settle(lot, lot.at, lot.left)

    def carry(self, at: datetime, points: int) -> None:
        """Change the deficit by ``points`` (negative: paid back) at ``at``."""
        self.deficit.append((at, points))
        self.owed += points


def _unexpired(lot: LotState, at: datetime) -> bool:
    """Whether ``lot``'s fixed expiry is still to come at ``at``. A lot kept by a standing
    (its expiry postponed) or expiring by inactivity is read by the history, which the
    fold of one account does not see: those count as still to come."""
    return lot.expires_at is None or lot.expires_at > at or lot.exemption is not None


def _credited(lot: LotState) -> tuple[datetime, int]:
    return lot.at, lot.order


def _added(lot: LotState) -> int:
    return lot.order


class LotsBySource:
    """The lots each event created, by the event's key: ``sources.get(source, ())``.

    It keeps the keys of an event's lots in a tuple of strings, which the garbage
    collector stops tracking, instead of a list of lots per event that it would scan for
    as long as the ledger lives; the lots are looked up in their accounts when asked for.
    """

    __slots__ = ("accounts", "keys")

    def __init__(self, accounts: dict[str, AccountState]) -> None:
        self.accounts = accounts
        self.keys: dict[str, tuple[str, ...]] = {}

    def add(self, source: str, lot: str) -> None:
        """Note that the event ``source`` created the lot whose key is ``lot``."""
        keys = self.keys.get(source)
        self.keys[source] = (lot,) if keys is None else (*keys, lot)

    def get(self, source: str, default: Sequence[LotState] = ()) -> Sequence[LotState]:
        """The lots ``source`` created, in the order they were credited."""
        keys = self.keys.get(source)
        if keys is None:
            return default
        found = []
        for key in keys:
            for state in self.accounts.values():
                lot = state.lots.get(key)
                if lot is not None:
                    found.append(lot)
                    break
        return found

    def __contains__(self, source: object) -> bool:
        return source in self.keys


def consumption_order(lot: LotState, expiry: datetime) -> tuple[datetime, datetime, str]:
    """Soonest-expiring first, never-expiring last, ties by earn time then key."""
    return (expiry, lot.at, lot.key)


def oldest_first(lot: LotState, expiry: datetime) -> tuple[datetime, datetime, str]:
    """Earned first, taken first ("in the order earned"); ties soonest-expiring first."""
    return (lot.at, expiry, lot.key)


class ConsumptionOrder(enum.Enum):
    """Which points a debit takes first: an account's ``consumption`` term."""

    SOONEST_EXPIRING = "soonest_expiring"
    OLDEST_FIRST = "oldest_first"

    def key(self, lot: LotState, expiry: datetime) -> tuple[datetime, datetime, str]:
        if self is ConsumptionOrder.OLDEST_FIRST:
            return oldest_first(lot, expiry)
        return consumption_order(lot, expiry)


def take(
    lots: Iterable[tuple[LotState, datetime]],
    points: int,
    at: datetime,
    order: ConsumptionOrder = ConsumptionOrder.SOONEST_EXPIRING,
) -> tuple[list[Consumption], int]:
    """Take ``points`` from ``lots`` (each with its expiry) in the account's consumption
    ``order``, among those open and available at ``at``. Returns what was taken and the
    shortfall."""
    return take_first(sorted(lots, key=lambda item: order.key(*item)), points, at)


def take_first(
    lots: Iterable[tuple[LotState, datetime]], points: int, at: datetime
) -> tuple[list[Consumption], int]:
    """``take`` from ``lots`` already in consumption order, reading no further than the
    lots that cover ``points``."""
    consumed: list[Consumption] = []
    if points <= 0:
        return consumed, points
    for lot, expiry in lots:
        if lot.at <= at and expiry > at and lot.is_available(at):
            left = lot.left_for(at)
            if left > 0:
                part = min(left, points)
                consumed.append(Consumption(lot.key, part))
                points -= part
                if points <= 0:
                    break
    return consumed, points


def totals_by_kind(rows: list[tuple[datetime, str, int]], as_of: datetime) -> dict[str, int]:
    """Points of ``(when, kind, points)`` rows up to ``as_of``, by kind."""
    totals: dict[str, int] = {}
    for when, kind, points in rows:
        if when <= as_of:
            totals[kind] = totals.get(kind, 0) + points
    return totals
