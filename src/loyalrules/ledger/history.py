"""What a ledger's entries tell about a member, kept up to date as entries are folded in.

The engine asks it questions while evaluating events (purchases so far, how often a rule
earned in a period, which lots are open); ``Ledger.balance`` asks it for points as of an
instant. Folding an entry is cheap; the questions cost at most one pass over the lots.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from decimal import Decimal

from loyalrules.errors import CurrencyMismatch, DuplicateEntry, WrongTypeError
from loyalrules.ledger.checkpoint import Checkpoint
from loyalrules.ledger.entries import (
    Adjusted,
    Debit,
    Earned,
    Entry,
    Lot,
    Recorded,
    Redeemed,
    Restored,
    Reversed,
)
from loyalrules.ledger.facts import HistoryBefore
from loyalrules.ledger.lots import NEVER, AccountState, ActivityClock, LotsBySource, LotState
from loyalrules.ledger.series import PURCHASES, RETURNED, SPEND, Series, earned
from loyalrules.ledger.standing_entries import MembershipChanged
from loyalrules.values.money import Money

# A checkpoint keeps the instants a rule earned within this horizon: enough for every
# calendar period a limit can name (the longest is a year), whatever the time zone.
RULE_HORIZON = timedelta(days=368)


class History:
    """Facts derived from a ledger's entries.

    ``size`` is the number of entries taken in. Taking entries in checks them and notes
    their keys at once; what they tell is folded in on the first question after them
    (``catch_up``), so a host that records events without asking about the past never
    pays for lot bookkeeping. The newest ledger of a line of appends shares its history
    with its parent and extends it in place (no copy per append); a ledger whose history
    has moved past it rebuilds its own when next asked.
    """

    __slots__ = (
        "_series",
        "_tier_floors",
        "accounts",
        "activations",
        "activity",
        "checkpoint",
        "currency",
        "keys",
        "lock",
        "memberships",
        "pending",
        "purchase_spend",
        "redemptions",
        "restored",
        "returned",
        "rule_counts",
        "rule_earn_times",
        "size",
        "sources",
        "spend_amount",
        "spend_currency",
        "spend_returned",
        "tier_changes",
    )

    def __init__(self) -> None:
        self.size = 0
        self.lock = threading.Lock()  # held while taking entries in and folding them
        self.keys: set[str] = set()
        self.checkpoint: Checkpoint | None = None
        self.currency: str | None = None  # of recorded spend, checked as entries come in
        self.pending: list[Entry] = []  # taken in, not folded yet
        # Lifetime spend as a bare running total (no Money built per purchase); no
        # currency while no spend was recorded. See ``lifetime_spend``.
        self.spend_amount = Decimal(0)
        self.spend_currency: str | None = None
        self.activity = ActivityClock()  # when the member did something: inactivity
        self.rule_earn_times: dict[str, list[datetime]] = {}
        self.rule_counts: dict[str, int] = {}  # earnings before a checkpoint's horizon
        self.accounts: dict[str, AccountState] = {}
        self.sources = LotsBySource(self.accounts)  # event key -> the lots it created
        self.activations: dict[str, datetime] = {}
        self.returned: dict[str, dict[str, int]] = {}  # purchase key -> line id -> units
        self.purchase_spend: dict[str, Decimal] = {}  # purchase key -> eligible spend
        self._series = Series()  # what tiers qualify on
        self.tier_changes: list[tuple[datetime, str]] = []  # (when, level) as written down
        self.memberships: dict[str, list[MembershipChanged]] = {}  # by plan, in fold order
        self._tier_floors: list[tuple[datetime, datetime | None, str]] = []  # manual tiers
        self.redemptions: dict[str, Redeemed] = {}  # by key, to cancel or restore them
        self.restored: dict[str, int] = {}  # redemption key -> points given back
        self.spend_returned: dict[str, Decimal] = {}  # purchase key -> spend taken back

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
            if not isinstance(entry, Entry) or isinstance(entry, Checkpoint):
                self._check(entries)
                break
        currency = self.currency
        for entry in entries:
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
            activity = self.activity
            for entry in self.pending:
                if entry.active:
                    activity.add(entry.at)
                entry.fold(self)
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

    # --- folding -----------------------------------------------------------------

    def account(self, name: str) -> AccountState:
        state = self.accounts.get(name)
        if state is None:
            state = self.accounts[name] = AccountState()
        return state

    def record(self, entry: Recorded) -> None:
        series = self._series
        if entry.event_type == "purchase":
            self._add_spend(entry.spend)
            series.add(PURCHASES, entry.at, 1)
            if entry.spend is not None:
                self.purchase_spend[entry.key] = entry.spend.amount
                series.add(SPEND, entry.at, entry.spend.amount)
        elif entry.event_type == "return" and entry.source is not None:
            if entry.spend is not None:
                self._add_spend(-entry.spend)
                taken = self.spend_returned.get(entry.source, Decimal(0))
                self.spend_returned[entry.source] = taken + entry.spend.amount
                series.add(SPEND + RETURNED, entry.at, entry.spend.amount)
                spent = self.purchase_spend.get(entry.source, Decimal(0))
                if taken < spent <= taken + entry.spend.amount:  # returned in full now
                    series.add(PURCHASES + RETURNED, entry.at, 1)
            units = self.returned.setdefault(entry.source, {})
            for line_id, quantity in entry.returned:
                units[line_id] = units.get(line_id, 0) + quantity

    def _add_spend(self, spend: Money | None) -> None:
        if spend is None:
            return
        if self.spend_currency is None:  # the first spend: kept as given
            self.spend_amount, self.spend_currency = spend.amount, spend.currency
        else:  # one currency: ``extend`` refused any other
            self.spend_amount += spend.amount

    @property
    def lifetime_spend(self) -> Money | None:
        """Eligible spend of every purchase, less what returns took back (``None``
        while no spend was recorded)."""
        self.catch_up()
        currency = self.spend_currency
        return None if currency is None else Money(self.spend_amount, currency)

    def credit(self, entry: Lot | Adjusted) -> None:
        source = getattr(entry, "source", None)
        available_at = entry.available_at
        if available_at is None and source in self.activations:
            available_at = max(entry.at, self.activations[source])
        lot = LotState(
            entry.key,
            entry.account,
            entry.points,
            entry.at,
            available_at,
            entry.expires_at,
            entry.inactivity,
            source,
            getattr(entry, "rule_id", None),
        )
        state = self.accounts.get(entry.account) or self.account(entry.account)
        state.add(lot)
        state.credited.append((entry.at, entry.kind, entry.points))
        if source is not None:
            self.sources.add(source, entry.key)
        if state.owed > 0:  # a deficit is paid by the next credit
            paid = min(state.owed, entry.points)
            state.take(lot, entry.at, paid)
            state.carry(entry.at, -paid)

    def debit(self, entry: Debit | Adjusted) -> None:
        state = self.account(entry.account)
        for consumption in entry.consumed:
            lot = state.lots.get(consumption.lot)
            if lot is not None:  # Ledger.verify reports debits of unknown lots
                state.take(lot, entry.at, consumption.points)
                if entry.kind == "expired":
                    lot.expired_by_entry = True
                    lot.expired_points += consumption.points
        if entry.deficit:
            state.carry(entry.at, entry.deficit)
        if entry.written_off:
            state.written_off.append((entry.at, entry.written_off))
        charged = entry.charged if isinstance(entry, Debit) else -entry.points
        state.debits.append((entry.at, entry.kind, charged + entry.written_off))

    def redeemed(self, entry: Redeemed) -> None:
        self.redemptions[entry.key] = entry
        self.rule_earned(reward_key(entry.reward_id), entry.at)

    def restore_points(self, entry: Restored) -> None:
        state = self.account(entry.account)
        for part in entry.restored:
            lot = state.lots.get(part.lot)
            if lot is not None:
                state.give_back(lot, entry.at, part.points)
        if entry.regranted:
            lot = LotState(
                entry.key, entry.account, entry.regranted, entry.at, entry.at,
                entry.expires_at, None, None,
            )  # fmt: skip
            state.add(lot)
        given = entry.points - entry.lapsed
        if given:
            state.credited.append((entry.at, entry.kind, given))
        self.restored[entry.redemption] = self.restored.get(entry.redemption, 0) + entry.points
        redemption = self.redemptions.get(entry.redemption)
        if entry.whole and redemption is not None:  # a cancelled one counts for no limit
            times = self.rule_earn_times.get(reward_key(redemption.reward_id), [])
            index = bisect.bisect_left(times, redemption.at)
            if index < len(times) and times[index] == redemption.at:
                del times[index]

    def redemptions_of(self, reward_id: str, order_id: str) -> int:
        """How many redemptions of ``reward_id`` for ``order_id`` stand (not cancelled)."""
        return sum(
            1
            for entry in self.redemptions.values()
            if entry.reward_id == reward_id
            and entry.order_id == order_id
            and self.restored.get(entry.key, 0) < entry.points
        )

    def sent(self, account: str, at: datetime, points: int) -> None:
        _insert_pair(self.account(account).sent, (at, points))

    def sent_between(self, account: str, start: datetime, end: datetime) -> int:
        """Points of ``account`` transferred out in ``[start, end)``."""
        state = self.accounts.get(account)
        if state is None:
            return 0
        return sum(points for at, points in state.sent if start <= at < end)

    def reverse(self, entry: Reversed) -> None:
        self._series.add(earned(entry.account) + RETURNED, entry.at, entry.points)
        lots = {lot.key: lot for lot in self.sources.get(entry.source, ())}
        for part in entry.reverses:
            if part.lot in lots:
                lots[part.lot].reversed += part.points
        for part in entry.expired:
            if part.lot in lots:
                lots[part.lot].forgiven += part.points

    def membership(self, entry: MembershipChanged) -> None:
        self.memberships.setdefault(entry.plan, []).append(entry)

    def member_of(self, at: datetime) -> frozenset[str]:
        """The plans whose benefits the member has at ``at``."""
        self.catch_up()
        return frozenset(plan for plan, changes in self.memberships.items() if _active(changes, at))

    def earned(self, entry: Earned) -> None:
        self.rule_earned(entry.rule_id, entry.at)
        if not entry.rule_id.startswith(BONUSES):  # tier and membership bonuses never qualify
            self._series.add(earned(entry.account), entry.at, entry.points)

    def rule_earned(self, rule_id: str, at: datetime) -> None:
        times = self.rule_earn_times.get(rule_id)
        if times is None:
            self.rule_earn_times[rule_id] = [at]
        elif not times or at >= times[-1]:  # a checkpoint may leave a rule no instants
            times.append(at)  # the common case: entries arrive in time order
        else:
            bisect.insort(times, at)

    def activate(self, source: str, at: datetime) -> None:
        self.activations.setdefault(source, at)
        for lot in self.sources.get(source, ()):
            if lot.available_at is None:
                lot.available_at = max(at, lot.at)

    def restore(self, checkpoint: Checkpoint) -> None:
        self.checkpoint = checkpoint
        if checkpoint.spend is not None:
            self.spend_amount = checkpoint.spend.amount
            self.spend_currency = checkpoint.spend.currency
        if checkpoint.last_activity_at is not None:
            self.activity.add(checkpoint.last_activity_at)
        for name, at, amount in checkpoint.series:
            self._series.add(name, at, amount)
        for change in checkpoint.memberships:
            self.membership(change)
        self._tier_floors.extend(checkpoint.tier_floors)
        if checkpoint.tier is not None:
            self.tier_changes.append(checkpoint.tier)
        for account, at, points in checkpoint.sent:
            self.sent(account, at, points)
        for count in checkpoint.rule_counts:
            self.rule_counts[count.rule_id] = count.earlier
            self.rule_earn_times[count.rule_id] = sorted(count.recent)
        for total in checkpoint.accounts:
            state = self.account(total.account)
            if total.deficit:
                state.carry(checkpoint.at, total.deficit)
            state.credited += [(checkpoint.at, kind, points) for kind, points in total.credited]
            state.debits += [(checkpoint.at, kind, points) for kind, points in total.debited]
            if total.written_off:
                state.written_off.append((checkpoint.at, total.written_off))
        for open_lot in checkpoint.lots:
            lot = LotState(
                open_lot.key,
                open_lot.account,
                open_lot.points,
                open_lot.at,
                open_lot.available_at,
                open_lot.expires_at,
                open_lot.inactivity,
                open_lot.source,
            )
            self.account(open_lot.account).add(lot)
            if lot.source is not None:
                self.sources.add(lot.source, lot.key)

    def assign(self, start: datetime, until: datetime | None, level: str) -> None:
        """A manual tier: at least ``level`` from ``start`` until ``until``."""
        self._tier_floors.append((start, until, level))

    # --- questions (each folds in what was taken in since the last one) ----------------

    @property
    def series(self) -> Series:
        """What tiers qualify on: spend, purchases and points earned, over time."""
        self.catch_up()
        return self._series

    @property
    def tier_floors(self) -> list[tuple[datetime, datetime | None, str]]:
        """Manual tiers: (from, until or None, level)."""
        self.catch_up()
        return self._tier_floors

    def purchases_before(self, at: datetime) -> int:
        """How many purchases were recorded strictly before ``at``."""
        return int(self.series.total(PURCHASES, None, at))

    def rule_earnings_between(self, rule_id: str, start: datetime, end: datetime) -> int:
        """How many times ``rule_id`` earned in ``[start, end)``."""
        self.catch_up()
        times = self.rule_earn_times.get(rule_id, ())
        count = bisect.bisect_left(times, end) - bisect.bisect_left(times, start)
        checkpoint = self.checkpoint
        if checkpoint is not None and start <= checkpoint.at - RULE_HORIZON:
            count += self.rule_counts.get(rule_id, 0)
        return count

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

    def expiry_of(self, lot: LotState) -> datetime:
        """When ``lot`` expires: its fixed date or the end of the first inactivity gap
        after it was earned, whichever is first (``NEVER`` when neither applies)."""
        expires = lot.expires_at or NEVER
        if lot.inactivity is None:
            return expires
        deadline = self.activity.deadline_after(lot.inactivity, lot.at)
        return expires if deadline is None else min(expires, deadline)


TIER_BONUS = "tier:"
"""Rule ids of tier upgrade bonuses start with this; they do not count to qualify."""
BONUSES = (TIER_BONUS, "membership:")
"""Rule ids of bonuses that never count towards a tier: upgrade and sign-up bonuses."""


def reward_key(reward_id: str) -> str:
    """The name under which a reward's redemptions are counted for its limits."""
    return f"reward:{reward_id}"


def _active(changes: list[MembershipChanged], at: datetime) -> bool:
    """Whether the last membership event up to ``at`` still gives benefits then."""
    last = None
    for change in changes:
        if change.at <= at:
            last = change
    return last is not None and last.action in ("subscribe", "renew") and at < last.valid_until


def _insert_pair(rows: list[tuple[datetime, int]], row: tuple[datetime, int]) -> None:
    if not rows or row >= rows[-1]:
        rows.append(row)
    else:
        bisect.insort(rows, row)


def _same_currency(currency: str | None, spend: Money) -> str:
    """The currency of recorded spend once ``spend`` is added to spend in ``currency``."""
    if currency is not None and spend.currency != currency:
        raise CurrencyMismatch(  # what adding the two as Money raises
            f"cannot combine {currency} with {spend.currency}: convert to one currency first"
        )
    return spend.currency
