"""What a ledger's entries tell about a member, kept up to date as entries are folded in.

The engine asks it questions while evaluating events (purchases so far, how often a rule
earned in a period, which lots are open); ``Ledger.balance`` asks it for points as of an
instant. Folding an entry is cheap (``fold``); the questions cost at most one pass over
the lots.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta

from loyalrules.errors import CurrencyMismatch, DuplicateEntry, StaleOutcome, WrongTypeError
from loyalrules.ledger.checkpoint import Checkpoint
from loyalrules.ledger.entries import (
    Activated,
    Adjusted,
    Earned,
    Entry,
    Expired,
    Recorded,
    Redeemed,
    Restored,
    Reversed,
)
from loyalrules.ledger.exemption import Exemption, merged, tier_periods
from loyalrules.ledger.fold import HistoryState
from loyalrules.ledger.folds import FOLDS, fold_of
from loyalrules.ledger.lots import NEVER, ConsumptionOrder, LotState
from loyalrules.ledger.series import PURCHASES, Series, rule_points
from loyalrules.ledger.standing_entries import MembershipChanged, TierChanged
from loyalrules.values.money import Money

# A checkpoint keeps the instants a rule earned within this horizon: enough for every
# calendar period a limit can name (the longest is a year), whatever the time zone.
RULE_HORIZON = timedelta(days=368)


_SPENDLESS = frozenset(
    (Earned, Expired, Redeemed, Reversed, Restored, Adjusted, Activated, TierChanged)
)
"""Entry classes (exactly these: subclasses may add anything) that are entries, not
checkpoints, and record no spend: what ``History.extend`` need not look into."""


class History(HistoryState):
    """Facts derived from a ledger's entries.

    ``size`` is the number of entries taken in. Taking entries in checks them and notes
    their keys at once; what they tell is folded in on the first question after them
    (``catch_up``), so a host that records events without asking about the past never
    pays for lot bookkeeping. The newest ledger of a line of appends shares its history
    with its parent and extends it in place (no copy per append); a ledger whose history
    has moved past it rebuilds its own when next asked.
    """

    __slots__ = ()

    @classmethod
    def of(cls, entries: Iterable[Entry]) -> History:
        history = cls()
        history.extend(tuple(entries))
        return history

    def extend(self, entries: tuple[Entry, ...]) -> None:
        """Take ``entries`` in, all or nothing: every check runs before any change.

        They are folded in on the first question after them (see ``catch_up``); every
        check that folding could fail runs here, so that folding never fails.
        """
        # The usual batch (entries, no checkpoint, new keys) is checked in a few set
        # operations; anything else goes through ``_check`` entry by entry, which
        # raises the error of the first entry at fault.
        for entry in entries:
            kind = type(entry)
            if (
                kind is not Recorded  # the usual kinds need no test
                and kind not in _SPENDLESS
                and (not isinstance(entry, Entry) or isinstance(entry, Checkpoint))
            ):
                self._check(entries)
                break
        currency = self.currency
        for entry in entries:
            if type(entry) in _SPENDLESS:
                continue
            spend = entry.spend if isinstance(entry, Recorded | Checkpoint) else None
            if spend is not None and spend.currency != currency:
                currency = _same_currency(currency, spend)
        keys = self.keys
        batch = {entry.key for entry in entries}
        if len(batch) != len(entries) or not keys.isdisjoint(batch):
            self._check(entries)
        keys |= batch
        if not self.size and entries and isinstance(entries[0], Checkpoint):
            self.checkpoint = entries[0]
            keys.update(entries[0].payouts)  # issued before it: never again
        self.currency = currency
        self.pending += entries
        self.size += len(entries)

    def catch_up(self) -> None:
        """Fold in the entries taken in since the last question.

        The entries stay pending until all are folded, so a question from another
        thread waits for the fold instead of reading a half-folded history. Folding asks
        no questions of its own (the fold methods read the raw state).
        """
        if not self.pending:
            return
        with self.lock:
            pending = self.pending
            folds = FOLDS  # the fold of each entry type, looked up inline: the hot loop
            for entry in pending:
                (folds.get(type(entry)) or fold_of(type(entry)))(self, entry)
            self.activity.note(pending)  # taken in when the clock is first read
            self.pending = []

    def _check(self, entries: tuple[Entry, ...]) -> None:
        """Raise the error of the first entry of ``entries`` that cannot be folded in."""
        batch: set[str] = set()
        for position, entry in enumerate(entries, start=self.size):
            if not isinstance(entry, Entry):
                raise WrongTypeError(
                    f"ledger entries must be Entry values, not {type(entry).__name__}"
                )
            if entry.key in self.keys or entry.key in batch:
                raise DuplicateEntry(
                    f"the ledger already has an entry with key {entry.key!r}; entries are "
                    "append-only and keys unique (was this event processed already?)"
                )
            if isinstance(entry, Checkpoint) and position:
                raise DuplicateEntry(
                    f"checkpoint {entry.key!r} must be the ledger's first entry; build the "
                    "ledger from the checkpoint and the entries after it"
                )
            batch.add(entry.key)

    # --- questions (each folds in what was taken in since the last one) ----------------

    @property
    def series(self) -> Series:
        """What tiers qualify on: spend, purchases and points earned, over time."""
        self.catch_up()
        self.settle_records()
        series = self._series
        if not series.settled:  # summed under the lock, as a fold is
            with self.lock:
                series.settle()
        return series

    @property
    def tier_floors(self) -> list[tuple[datetime, datetime | None, str]]:
        """Manual tiers: (from, until or None, level)."""
        self.catch_up()
        return self._tier_floors

    def purchases_before(self, at: datetime) -> int:
        """How many purchases were recorded strictly before ``at``."""
        return int(self.series.total(PURCHASES, None, at))

    def last_purchase_before(self, at: datetime) -> datetime | None:
        """When the last purchase strictly before ``at`` was recorded."""
        return self.series.last_before(PURCHASES, at)

    def rule_earnings_between(self, rule_id: str, start: datetime, end: datetime) -> int:
        """How many times ``rule_id`` earned in ``[start, end)``."""
        self.catch_up()
        times = self.rule_earn_times.get(rule_id, ())
        count = bisect.bisect_left(times, end) - bisect.bisect_left(times, start)
        checkpoint = self.checkpoint
        if checkpoint is not None and start <= checkpoint.at - RULE_HORIZON:
            count += self.rule_counts.get(rule_id, 0)
        return count

    def rule_points_between(self, rule_id: str, start: datetime, end: datetime) -> int:
        """The points ``rule_id`` earned in ``[start, end)``, less what returns took back
        of them."""
        return int(self.series.total(rule_points(rule_id), start, end))

    def before(self, moment: datetime) -> HistoryBefore:
        """This history as rules saw it just before ``moment``."""
        return HistoryBefore(self, moment)

    def last_activity(self, as_of: datetime = NEVER) -> datetime | None:
        """The last instant up to ``as_of`` the member did something (inactivity clock)."""
        self.catch_up()
        return self.activity.last(as_of)

    def lots(self, account: str) -> Iterator[LotState]:
        """Every lot of ``account``, in the order they were credited."""
        state = self.accounts.get(account)
        return iter(state.lots.values()) if state is not None else iter(())

    def open_lots(self, account: str) -> list[LotState]:
        """The lots of ``account`` with points left (expired or not)."""
        state = self.accounts.get(account)
        return list(state.open.values()) if state is not None else []

    def lots_expiring_by(self, account: str, as_of: datetime) -> list[LotState]:
        """The open lots of ``account`` that may have expired by ``as_of`` (a superset:
        lots with an inactivity rule are all in it), without looking at the others."""
        state = self.accounts.get(account)
        return state.expiring_by(as_of) if state is not None else []

    def lots_to_take(
        self, account: str, order: ConsumptionOrder
    ) -> Iterator[tuple[LotState, datetime]]:
        """The open lots of ``account``, each with its expiry, in the order a debit takes
        them (see ``lots.take_first``). Soonest-expiring first is read lazily from the
        expiry index, so a debit reads the lots it takes, every lot with an inactivity rule
        and no other; oldest-first sorts every open lot."""
        state = self.accounts.get(account)
        if state is None:
            return iter(())
        if order is ConsumptionOrder.OLDEST_FIRST:
            lots = [(lot, self.expiry_of(lot)) for lot in state.open.values()]
            return iter(sorted(lots, key=lambda item: order.key(*item)))
        return self._soonest_expiring(account)

    def _soonest_expiring(self, account: str) -> Iterator[tuple[LotState, datetime]]:
        state = self.accounts[account]
        open_lots = state.open
        try:
            dated = (
                item
                for item in itertools.islice(state.dated, state.head, None)
                if item[2] in open_lots
            )
            inactive = sorted(
                (self.expiry_of(lot), lot.at, lot.key) for lot in state.inactive.values()
            )
            lasting: Iterable[tuple[datetime, datetime, str]] = (
                (NEVER, lot.at, lot.key) for lot in state.lasting.values()
            )
            if not state.lasting_in_order:
                lasting = sorted(lasting)
            for expiry, _, key in heapq.merge(dated, inactive, lasting):
                yield open_lots[key], expiry
        except (RuntimeError, KeyError):  # another thread folded entries in meanwhile
            raise StaleOutcome(
                "another writer appended to this ledger while its lots were read; "
                "compute the operation again against the current ledger"
            ) from None

    def expiry_of(self, lot: LotState, written: tuple[tuple[datetime, str], ...] = ()) -> datetime:
        """When ``lot`` expires: its fixed date or the end of the first inactivity gap
        after it was earned, whichever is first (``NEVER`` when neither applies), each
        postponed while a standing that keeps points was held (``lot.exemption``), with
        the tiers ``written`` down after the ledger's (``(when, level)``) too."""
        expires = lot.expires_at or NEVER
        exemption = lot.exemption
        if exemption is None:
            if lot.inactivity is None:
                return expires
            deadline = self.activity.deadline_after(lot.inactivity, lot.at)
            return expires if deadline is None else min(expires, deadline)
        held = self.held_periods(exemption, written)
        expires = exemption.postpone(lot.at, expires, held)
        if lot.inactivity is None:
            return expires
        gap_end = exemption.gap_end(lot.inactivity.deadline, held)
        deadline = self.activity.deadline_after(lot.inactivity, lot.at, gap_end, (exemption, held))
        return expires if deadline is None else min(expires, deadline)

    def held_periods(
        self, exemption: Exemption, written: tuple[tuple[datetime, str], ...] = ()
    ) -> tuple[tuple[datetime, datetime], ...]:
        """The periods ``[start, end)`` the member held a standing that ``exemption``
        names, from the tiers written down (and ``written``, not kept) and the
        membership events."""
        self.catch_up()
        held = None if written else self.held.get(exemption)
        if held is None:
            tiers = [*self.tier_changes, *written]
            periods = tier_periods(tiers, exemption.tiers) if exemption.tiers else []
            if exemption.plans:
                changes = [c for plan in exemption.plans for c in self.memberships.get(plan, ())]
                periods += plan_periods(changes)
            held = merged(periods)
            if not written:
                self.held[exemption] = held
        return held

    def expiry_after(self, lot: Earned, entries: tuple[Entry, ...]) -> datetime | None:
        """When ``lot``, one of an event's ``entries`` not appended yet, expires as the
        balance will read it once they are (``None``: no date while a standing keeps it),
        the tiers they write down included."""
        state = LotState(
            lot.key, lot.account, lot.points, lot.at, lot.available_at, lot.expires_at,
            lot.inactivity, lot.source, lot.rule_id, lot.exemption,
        )  # fmt: skip
        written = tuple((e.at, e.level) for e in entries if isinstance(e, TierChanged))
        expires = self.expiry_of(state, written)
        return None if expires == NEVER else expires

    @property
    def lifetime_spend(self) -> Money | None:
        """Eligible spend of every purchase, less what returns took back (``None``
        while no spend was recorded)."""
        self.catch_up()
        self.settle_records()
        currency = self._spend_currency
        return None if currency is None else Money(self._spend_amount, currency)

    def redemptions_of(self, reward_id: str, order_id: str) -> int:
        """How many redemptions of ``reward_id`` for ``order_id`` stand (not cancelled)."""
        return sum(
            1
            for entry in self.redemptions.values()
            if entry.reward_id == reward_id
            and entry.order_id == order_id
            and self.restored.get(entry.key, 0) < entry.points
        )

    def sent_between(self, account: str, start: datetime, end: datetime) -> int:
        """Points of ``account`` transferred out in ``[start, end)``."""
        state = self.accounts.get(account)
        if state is None:
            return 0
        return sum(points for at, points in state.sent if start <= at < end)

    def member_of(self, at: datetime) -> frozenset[str]:
        """The plans whose benefits the member has at ``at``."""
        self.catch_up()
        return frozenset(plan for plan, changes in self.memberships.items() if _active(changes, at))


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

    def last_purchase_before(self, at: datetime) -> datetime | None:
        return self.history.last_purchase_before(min(at, self.moment))

    def rule_earnings_between(self, rule_id: str, start: datetime, end: datetime) -> int:
        end = min(end, self.moment)
        return self.history.rule_earnings_between(rule_id, start, end) if start < end else 0

    def rule_points_between(self, rule_id: str, start: datetime, end: datetime) -> int:
        end = min(end, self.moment)
        return self.history.rule_points_between(rule_id, start, end) if start < end else 0


def _active(changes: list[MembershipChanged], at: datetime) -> bool:
    """Whether the last membership event up to ``at`` still gives benefits then."""
    last = None
    for change in changes:
        if change.at <= at:
            last = change
    return last is not None and last.action in ("subscribe", "renew") and at < last.valid_until


def plan_periods(changes: Iterable[MembershipChanged]) -> list[tuple[datetime, datetime]]:
    """The periods the plans of ``changes`` gave their benefits: from each subscribe or
    renew to its ``valid_until``, or to the plan's next event if that comes first (as
    ``History.member_of`` reads them)."""
    by_plan: dict[str, list[MembershipChanged]] = {}
    for change in changes:
        by_plan.setdefault(change.plan, []).append(change)
    periods = []
    for events in by_plan.values():
        events.sort(key=lambda change: change.at)
        for index, change in enumerate(events):
            if change.active:
                end = change.valid_until
                if index + 1 < len(events):
                    end = min(end, events[index + 1].at)
                periods.append((change.at, end))
    return periods


def _same_currency(currency: str | None, spend: Money) -> str:
    """The currency of recorded spend once ``spend`` is added to spend in ``currency``."""
    if currency is not None and spend.currency != currency:
        raise CurrencyMismatch(  # what adding the two as Money raises
            f"cannot combine {currency} with {spend.currency}: convert to one currency first"
        )
    return spend.currency
