"""Payouts and checkpoints: a period that ended before a checkpoint is still issued,
once, and one issued before it is never issued again."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from support import item

from loyalrules import DuplicateEntry, Earned, Ledger, Member, Purchase, loads_program
from loyalrules.ledger.entries import entry_from_dict

NY = ZoneInfo("America/New_York")
MEMBER = Member(id="m-1", joined_at=datetime(2025, 1, 1, tzinfo=NY))
PROGRAM = loads_program(
    "program: coop\ncurrency: USD\ntimezone: America/New_York\n"
    "accounts: {dividend: {unit: money}}\n"
    "payouts:\n  - {id: dividend, name: Dividend, percent: 2, period: year, account: dividend}\n"
    "earn: []\n"
)
NEW_YEAR = datetime(2027, 1, 1, tzinfo=NY)
KEY = "payout:dividend:2026-01-01"


def bought() -> Ledger:
    ledger = Ledger()
    for n, month in enumerate((3, 11)):
        when = datetime(2026, month, 1, 12, tzinfo=NY)
        purchase = Purchase(
            id=f"o-{n}", member_id=MEMBER.id, occurred_at=when, lines=[item(price="50.00")]
        )
        ledger = ledger.apply(PROGRAM.process(purchase, member=MEMBER, ledger=ledger))
    return ledger


def close(ledger: Ledger, at: datetime) -> tuple[Earned, ...]:
    outcome = PROGRAM.close_periods(member=MEMBER, ledger=ledger, at=at)
    return tuple(e for e in outcome.entries if isinstance(e, Earned))


def test_a_period_that_ended_before_the_checkpoint_is_issued_from_the_compacted_ledger() -> None:
    full = bought()
    compact = full.compact(datetime(2027, 2, 1, tzinfo=NY))
    late = datetime(2027, 3, 1, tzinfo=NY)
    issued = close(compact, late)
    assert [(e.key, e.points, e.at) for e in issued] == [(KEY, 200, NEW_YEAR)]
    assert issued == close(full, late)
    after = compact.append(issued)
    assert after.balance(at=late, account="dividend").available == 200
    assert close(after, late) == ()


def test_a_payout_issued_before_the_checkpoint_is_never_issued_again() -> None:
    ledger = bought()
    ledger = ledger.append(close(ledger, NEW_YEAR))
    spent = PROGRAM.adjust(
        member=MEMBER, ledger=ledger, points=-200, account="dividend", reason="paid out",
        actor="till", at=datetime(2027, 1, 5, tzinfo=NY), key="cash-1",
    )  # fmt: skip
    ledger = ledger.apply(spent)  # the lot is spent: the checkpoint keeps no open lot of it
    compact = ledger.compact(datetime(2027, 2, 1, tzinfo=NY))
    assert KEY in compact
    assert close(compact, datetime(2027, 3, 1, tzinfo=NY)) == ()
    again = compact.compact(datetime(2027, 3, 1, tzinfo=NY))  # kept through a second one
    stored = Ledger([entry_from_dict(entry.to_dict()) for entry in again.entries])
    assert close(stored, datetime(2027, 4, 1, tzinfo=NY)) == ()
    twice = Earned(
        key=KEY, at=NEW_YEAR, points=200, account="dividend", rule_id="dividend", source=KEY
    )
    with pytest.raises(DuplicateEntry):
        stored.append([twice])
