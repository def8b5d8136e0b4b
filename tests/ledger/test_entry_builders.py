"""Entries the engine builds without re-validation are the entries the validating
constructors build from the same fields."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import attrs
import pytest

from loyalrules import (
    Activity,
    Earned,
    Entry,
    Ledger,
    LineItem,
    Member,
    Money,
    Program,
    Purchase,
    Recorded,
    entry_from_dict,
    loads_program,
)

NEW_YORK = ZoneInfo("America/New_York")
MEMBER = Member(id="m-1", joined_at=datetime(2025, 1, 1, tzinfo=UTC))

PROGRAM = """\
program: shop
currency: USD
timezone: America/New_York
accounts:
  cashback: {unit: money, pending: P30D, expiry: never}
earn:
  - id: base
    pending: {until: activated}
    effect: {type: points_per_spend, points: 1}
  - id: big
    when: {min_spend: '50.00'}
    pending: P14D
    expiry: {after: P12M, end_of: month, inactivity: P6M}
    effect: {type: bonus, points: 100}
  - id: back
    account: cashback
    effect: {type: cashback, percent: 2}
  - id: review
    activity: review
    pending: P7D
    effect: {type: bonus, points: 10}
"""


@pytest.fixture(scope="module")
def program() -> Program:
    return loads_program(PROGRAM)


def revalidated(entry: Entry) -> Entry:
    """The same entry built again through its validating constructor."""
    return attrs.evolve(entry)


def events() -> list[Purchase | Activity]:
    when = datetime(2026, 11, 1, 23, 30, tzinfo=NEW_YORK)  # already Nov 2 in UTC
    lines = [LineItem(sku="BOOTS", category="shoes", unit_price=Money("64.99", "USD"))]
    return [
        Purchase(id="o-1", member_id=MEMBER.id, occurred_at=when, lines=lines),
        Activity(id="r-1", member_id=MEMBER.id, kind="review", occurred_at=when),
    ]


def test_engine_made_entries_equal_validated_ones(program: Program) -> None:
    ledger = Ledger()
    made: list[Entry] = []
    for event in events():
        outcome = program.process(event, member=MEMBER, ledger=ledger)
        ledger = ledger.append(outcome.entries)
        made += outcome.entries
    assert {type(entry) for entry in made} == {Recorded, Earned}
    assert len(made) == 6  # two Recorded, three lots for the purchase, one for the review
    for entry in made:
        assert revalidated(entry) == entry
        assert entry_from_dict(entry.to_dict()) == entry


def test_engine_made_entries_carry_utc_times(program: Program) -> None:
    outcome = program.process(events()[0], member=MEMBER, ledger=Ledger())
    for entry in outcome.entries:
        times = [entry.at]
        if isinstance(entry, Earned):
            times += [entry.available_at, entry.expires_at]
        assert all(t is None or t.tzinfo is UTC for t in times)
