"""Compaction: the checkpoint entry that stands for a history before an instant."""

from __future__ import annotations

from datetime import datetime

from loyalrules.ledger.checkpoint import PAYOUT, AccountTotal, Checkpoint, OpenLot, RuleCount
from loyalrules.ledger.history import RULE_HORIZON, History
from loyalrules.ledger.lots import NEVER, AccountState, LotState, totals_by_kind


def checkpoint_of(history: History, cutoff: datetime) -> Checkpoint:
    history.catch_up()
    lots, totals = [], []
    for name, state in history.accounts.items():
        for lot in state.lots.values():
            left = lot.remaining()
            if history.expiry_of(lot) >= cutoff and left > 0:
                lots.append(_open_lot(lot, left))
        totals.append(_account_total(name, state))
    # Lots kept by a tier read every tier written down, not only the last one.
    exempt = any(lot.exemption is not None and lot.exemption.tiers for lot in lots)
    horizon = cutoff - RULE_HORIZON
    counts = []
    for rule_id, times in history.rule_earn_times.items():
        recent = tuple(t for t in times if t >= horizon)
        earlier = history.rule_counts.get(rule_id, 0) + len(times) - len(recent)
        counts.append(RuleCount(rule_id, earlier, recent))
    sent = tuple(
        (name, at, points)
        for name, state in history.accounts.items()
        for at, points in state.sent
        if at >= horizon
    )
    return Checkpoint(
        key=f"checkpoint:{cutoff.isoformat()}",
        sent=sent,
        series=tuple(history.series.items()),
        memberships=tuple(c for changes in history.memberships.values() for c in changes),
        tier_floors=tuple(history.tier_floors),
        tier=history.tier_changes[-1] if history.tier_changes else None,
        tiers=tuple(history.tier_changes) if exempt else (),
        payouts=tuple(sorted(key for key in history.keys if key.startswith(PAYOUT))),
        at=cutoff,
        lots=tuple(lots),
        accounts=tuple(totals),
        spend=history.lifetime_spend,
        last_activity_at=history.last_activity(),
        last_marked=history.activity.last_marked(),
        rule_counts=tuple(counts),
    )


def _open_lot(lot: LotState, left: int) -> OpenLot:
    return OpenLot(
        lot.key,
        lot.account,
        left,
        lot.at,
        lot.available_at,
        lot.expires_at,
        lot.inactivity,
        lot.source,
        lot.exemption,
        lot.rule_id,
    )


def _account_total(name: str, state: AccountState) -> AccountTotal:
    return AccountTotal(
        name,
        deficit=state.owed,
        credited=tuple(sorted(totals_by_kind(state.credited, NEVER).items())),
        debited=tuple(sorted(totals_by_kind(state.debits, NEVER).items())),
        written_off=sum(points for _, points in state.written_off),
    )
