"""How each kind of entry adds to what a ledger's history knows.

Entries are plain data; the fold dispatches on their type (``folds.FOLDS``), so adding an
entry kind means adding a method here and a line to the table, never a method on the entry.
"""

from __future__ import annotations

import bisect
import threading
from datetime import datetime
from decimal import Decimal
from typing import Any

from loyalrules.ledger.activity_clock import ActivityClock
from loyalrules.ledger.categories import recorded, taken_back
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
from loyalrules.ledger.lots import AccountState, LotsBySource, LotState
from loyalrules.ledger.series import (
    PURCHASES,
    RETURNED,
    SPEND,
    UNDONE,
    Series,
    activities,
    earned,
    rule_points,
)
from loyalrules.ledger.standing_entries import MembershipChanged
from loyalrules.values.money import Money

TIER_BONUS = "tier:"
"""Rule ids of tier upgrade bonuses start with this; they do not count to qualify."""
BONUSES = (TIER_BONUS, "membership:")
"""Rule ids of bonuses that never count towards a tier: upgrade and sign-up bonuses."""


class HistoryState:
    """What a ledger's entries tell, as raw state, and how each entry adds to it.

    (``History`` adds taking entries in and the questions; see its docstring.)

    ``size`` is the number of entries taken in. Taking entries in checks them and notes
    their keys at once; what they tell is folded in on the first question after them
    (``catch_up``), so a host that records events without asking about the past never
    pays for lot bookkeeping. The newest ledger of a line of appends shares its history
    with its parent and extends it in place (no copy per append); a ledger whose history
    has moved past it rebuilds its own when next asked.
    """

    __slots__ = (
        "_category_kept",
        "_fingerprints",
        "_purchase_at",
        "_purchase_spend",
        "_recorded_later",
        "_returned",
        "_series",
        "_spend_amount",
        "_spend_currency",
        "_spend_returned",
        "_tier_floors",
        "accounts",
        "activations",
        "activity",
        "checkpoint",
        "currency",
        "held",
        "keys",
        "lock",
        "memberships",
        "pending",
        "redemptions",
        "restored",
        "rule_counts",
        "rule_earn_times",
        "size",
        "sources",
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
        self._spend_amount = Decimal(0)
        self._spend_currency: str | None = None
        self.activity = ActivityClock()  # when the member did something: inactivity
        self.rule_earn_times: dict[str, list[datetime]] = {}
        self.rule_counts: dict[str, int] = {}  # earnings before a checkpoint's horizon
        self.accounts: dict[str, AccountState] = {}
        self.sources = LotsBySource(self.accounts)  # event key -> the lots it created
        self.activations: dict[str, datetime] = {}
        self._returned: dict[str, dict[str, int]] = {}  # purchase key -> line id -> units
        self._purchase_spend: dict[str, Decimal] = {}  # purchase key -> eligible spend
        self._purchase_at: dict[str, datetime] = {}  # purchase key -> when it was made
        # purchase key -> category -> eligible spend on it that no return took back yet
        self._category_kept: dict[str, dict[str, Decimal]] = {}
        # purchase key -> the order's fingerprint and instant, which its returns must match
        self._fingerprints: dict[str, tuple[str, datetime]] = {}
        self._series = Series()  # what tiers qualify on
        self._recorded_later: list[Recorded] = []  # see ``defer_record``
        self.tier_changes: list[tuple[datetime, str]] = []  # (when, level) as written down
        self.memberships: dict[str, list[MembershipChanged]] = {}  # by plan, in fold order
        self.held: dict[object, Any] = {}  # standing periods by exemption, until one changes
        self._tier_floors: list[tuple[datetime, datetime | None, str]] = []  # manual tiers
        self.redemptions: dict[str, Redeemed] = {}  # by key, to cancel or restore them
        self.restored: dict[str, int] = {}  # redemption key -> points given back
        self._spend_returned: dict[str, Decimal] = {}  # purchase key -> spend taken back

    def account(self, name: str) -> AccountState:
        state = self.accounts.get(name)
        if state is None:
            state = self.accounts[name] = AccountState()
        return state

    # --- ``Recorded`` entries: folded on the first question about what they tell ------

    def defer_record(self, entry: Recorded) -> None:
        """Fold ``entry`` on the first question about spend, purchases, returns or the
        series (``settle_records``). What it tells is kept apart from the lots, so an
        expiry run or a debit never waits for it; deferred ones fold in their order."""
        self._recorded_later.append(entry)

    def settle_records(self) -> None:
        """Fold in the ``Recorded`` entries deferred so far (under the lock, as a fold)."""
        if self._recorded_later:
            with self.lock:
                record = self.record
                for entry in self._recorded_later:  # empty if another thread folded them
                    record(entry)
                self._recorded_later = []  # emptied once all are in: see ``Series.settle``

    @property
    def fingerprints(self) -> dict[str, tuple[str, datetime]]:
        """Purchase key -> the order's fingerprint and instant, which returns must match."""
        self.settle_records()
        return self._fingerprints

    @property
    def returned(self) -> dict[str, dict[str, int]]:
        """Purchase key -> line id -> units returned so far."""
        self.settle_records()
        return self._returned

    @property
    def purchase_spend(self) -> dict[str, Decimal]:
        """Purchase key -> its eligible spend."""
        self.settle_records()
        return self._purchase_spend

    @property
    def purchase_at(self) -> dict[str, datetime]:
        """Purchase key -> when it was made."""
        self.settle_records()
        return self._purchase_at

    @property
    def category_kept(self) -> dict[str, dict[str, Decimal]]:
        """Purchase key -> category -> eligible spend on it no return took back yet."""
        self.settle_records()
        return self._category_kept

    @property
    def spend_returned(self) -> dict[str, Decimal]:
        """Purchase key -> spend its returns took back."""
        self.settle_records()
        return self._spend_returned

    def record(self, entry: Recorded) -> None:
        series = self._series
        if entry.event_type == "purchase":
            self._add_spend(entry.spend)
            series.add(PURCHASES, entry.at, 1)
            if entry.fingerprint is not None:
                self._fingerprints[entry.key] = (entry.fingerprint, entry.at)
            if entry.spend is not None:
                self._purchase_spend[entry.key] = entry.spend.amount
                self._purchase_at[entry.key] = entry.at
                series.add(SPEND, entry.at, entry.spend.amount)
            if entry.categories:
                self._category_kept[entry.key] = recorded(series, entry.at, entry.categories)
        elif entry.event_type == "activity" and entry.activity is not None:
            series.add(activities(entry.activity), entry.at, 1)
        elif entry.event_type == "return" and entry.source is not None:
            if entry.spend is not None:
                self._add_spend(-entry.spend)
                taken = self._spend_returned.get(entry.source, Decimal(0))
                self._spend_returned[entry.source] = taken + entry.spend.amount
                series.add(SPEND + RETURNED, entry.at, entry.spend.amount)
                made = self._purchase_at.get(entry.source)
                if made is not None:  # and at the purchase's instant, for its period
                    series.add(SPEND + UNDONE, made, entry.spend.amount)
                spent = self._purchase_spend.get(entry.source, Decimal(0))
                if taken < spent <= taken + entry.spend.amount:  # returned in full now
                    series.add(PURCHASES + RETURNED, entry.at, 1)
                    if made is not None:
                        series.add(PURCHASES + UNDONE, made, 1)
            if entry.categories:
                kept = self._category_kept.get(entry.source, {})
                made = self._purchase_at.get(entry.source)
                taken_back(series, entry.at, entry.categories, kept, made)
            units = self._returned.setdefault(entry.source, {})
            for line_id, quantity in entry.returned:
                units[line_id] = units.get(line_id, 0) + quantity

    def _add_spend(self, spend: Money | None) -> None:
        if spend is None:
            return
        if self._spend_currency is None:  # the first spend: kept as given
            self._spend_amount, self._spend_currency = spend.amount, spend.currency
        else:  # one currency: ``extend`` refused any other
            self._spend_amount += spend.amount

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
            entry.exemption,
        )
        state = self.accounts.get(entry.account) or self.account(entry.account)
        state.add(lot)
        state.credited.append((entry.at, entry.kind, entry.points))
        if source is not None:
            self.sources.add(source, entry.key)
        state.settle(lot, entry.at, entry.points)  # a deficit is paid by the next credit

    def debit(self, entry: Debit | Adjusted) -> None:
        state = self.account(entry.account)
        expiry = entry.kind == "expired"
        for consumption in entry.consumed:
            lot = state.lots.get(consumption.lot)
            if lot is None:  # Ledger.verify reports debits of unknown lots
                continue
            beyond = consumption.points - max(lot.left, 0)
            expired_at = lot.expired_at
            if beyond > 0 and not expiry and expired_at is not None and entry.at < expired_at:
                # Written after the lot's expiry but dated before it: these points were
                # spent, not expired (decision 0057).
                state.unexpire(lot, min(beyond, lot.expired_points))
            state.take(lot, entry.at, consumption.points)
            if expiry:
                lot.expired_by_entry = True
                lot.expired_points += consumption.points
                lot.expired_at = entry.at
        if entry.deficit:
            state.carry(entry.at, entry.deficit)
            state.settle_from_later(entry.at)
        if entry.written_off:
            state.written_off.append((entry.at, entry.written_off))
        charged = entry.charged if isinstance(entry, Debit) else -entry.points
        state.debits.append((entry.at, entry.kind, charged + entry.written_off))

    def redeemed(self, entry: Redeemed) -> None:
        self.redemptions[entry.key] = entry
        self.rule_earned(reward_key(entry.reward_id), entry.at)

    def restore_points(self, entry: Restored) -> None:
        state = self.account(entry.account)
        # Points that come back pay a deficit first, like any credit: so a cancellation
        # after a return ends where the two in the other order end.
        for part in entry.restored:
            lot = state.lots.get(part.lot)
            if lot is not None:
                state.give_back(lot, entry.at, part.points)
                state.settle(lot, entry.at, part.points)
                state.expire_rest(lot)  # an expiry written already, dated later
        if entry.regranted:
            lot = LotState(
                entry.key, entry.account, entry.regranted, entry.at, entry.at,
                entry.expires_at, None, None,
            )  # fmt: skip
            state.add(lot)
            state.settle(lot, entry.at, entry.regranted)
        given = entry.points - entry.lapsed
        if given:
            state.credited.append((entry.at, entry.kind, given))
        self.restored[entry.redemption] = self.restored.get(entry.redemption, 0) + entry.points
        redemption = self.redemptions.get(entry.redemption)
        if entry.whole and redemption is not None:  # a cancelled one counts for no limit
            self._unearned(reward_key(redemption.reward_id), redemption.at)

    def sent(self, account: str, at: datetime, points: int) -> None:
        _insert_pair(self.account(account).sent, (at, points))

    def reverse(self, entry: Reversed) -> None:
        self._series.add(earned(entry.account) + RETURNED, entry.at, entry.points)
        lots = {lot.key: lot for lot in self.sources.get(entry.source, ())}
        for part in entry.reverses:
            lot = lots.get(part.lot)
            if lot is not None:
                before, lot.reversed = lot.reversed, lot.reversed + part.points
                if lot.rule_id is not None:
                    # Taken back where it was earned: room again in that period's limit.
                    self._series.add(rule_points(lot.rule_id), lot.at, -part.points)
                    if before < lot.points <= lot.reversed:
                        self._unearned(lot.rule_id, lot.at)  # counts for no limit any more
        for part in entry.expired:
            if part.lot in lots:
                lots[part.lot].forgiven += part.points

    def _unearned(self, rule_id: str, at: datetime) -> None:
        times = self.rule_earn_times.get(rule_id, [])
        index = bisect.bisect_left(times, at)
        if index < len(times) and times[index] == at:
            del times[index]

    def membership(self, entry: MembershipChanged) -> None:
        self.memberships.setdefault(entry.plan, []).append(entry)
        self.held.clear()

    def earned(self, entry: Earned) -> None:
        self.rule_earned(entry.rule_id, entry.at)
        self._series.add(rule_points(entry.rule_id), entry.at, entry.points)
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
            self._spend_amount = checkpoint.spend.amount
            self._spend_currency = checkpoint.spend.currency
        if checkpoint.last_activity_at is not None:
            self.activity.add(checkpoint.last_activity_at)
        self.activity.restore_marks(checkpoint.last_marked)
        for name, at, amount in checkpoint.series:
            self._series.add(name, at, amount)
        for change in checkpoint.memberships:
            self.membership(change)
        self._tier_floors.extend(checkpoint.tier_floors)
        if checkpoint.tiers:
            self.tier_changes.extend(checkpoint.tiers)
        elif checkpoint.tier is not None:
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
                open_lot.rule_id,
                exemption=open_lot.exemption,
            )
            self.account(open_lot.account).add(lot)
            if lot.source is not None:
                self.sources.add(lot.source, lot.key)

    def assign(self, start: datetime, until: datetime | None, level: str) -> None:
        """A manual tier: at least ``level`` from ``start`` until ``until``."""
        self._tier_floors.append((start, until, level))


def reward_key(reward_id: str) -> str:
    """The name under which a reward's redemptions are counted for its limits."""
    return f"reward:{reward_id}"


def _insert_pair(rows: list[tuple[datetime, int]], row: tuple[datetime, int]) -> None:
    if not rows or row >= rows[-1]:
        rows.append(row)
    else:
        bisect.insort(rows, row)
