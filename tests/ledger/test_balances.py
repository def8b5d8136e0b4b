"""``available_and_pending`` reads, at many instants in one pass, what ``Ledger.balance``
reads at each: over simulated members of every example program, at any instants, in
every account, with the same errors."""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loyalrules import Ledger, Program, UnknownAccount, ValidationError, load_program
from loyalrules.economics.simulate import simulate
from loyalrules.ledger.balances import available_and_pending

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NAMES = ["coffee_club", "crumbs", "lifecycle", "membership", "rewards", "tiers"]
START = datetime(2026, 1, 1, tzinfo=UTC)


@functools.cache
def population(name: str) -> tuple[Program, tuple[Ledger, ...]]:
    program = load_program(EXAMPLES / f"{name}.yaml")
    simulated = simulate(program, members=12, months=9, seed=5, start=date(2026, 1, 1))
    return program, simulated.ledgers


moments = st.lists(
    st.integers(-5 * 86400, 330 * 86400).map(lambda s: START + timedelta(seconds=s)),
    min_size=1,
    max_size=14,
)


def by_lot_methods(ledger: Ledger, at: datetime, account: str) -> tuple[int, int]:
    """Available and pending points read through the lots' own methods, lot by lot."""
    history = ledger.history
    state = history.accounts.get(account)
    if state is None:
        return 0, 0
    available = pending = 0
    for lot in state.lots.values():
        if lot.at > at:
            continue
        left = lot.remaining(at)
        if history.expiry_of(lot) <= at or left <= 0:
            continue
        if lot.is_available(at):
            available += left
        else:
            pending += left
    return available - sum(p for when, p in state.deficit if when <= at), pending


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=25, deadline=None)
@given(moments=moments)
def test_balances_at_many_instants_are_what_balance_reads_at_each(
    name: str, moments: list[datetime]
) -> None:
    program, ledgers = population(name)
    for ledger in ledgers:
        for account in program.accounts:
            expected = [
                (b.available, b.pending) for b in (ledger.balance(at, account) for at in moments)
            ]
            assert available_and_pending(ledger, moments, account) == expected
            assert expected == [by_lot_methods(ledger, at, account) for at in moments]


def test_an_instant_before_the_checkpoint_is_refused_as_balance_refuses_it() -> None:
    _, ledgers = population("rewards")
    ledger = max(ledgers, key=len).compact(START + timedelta(days=90))
    with pytest.raises(ValidationError) as refused:
        ledger.balance(START, "points")
    with pytest.raises(ValidationError) as also:
        available_and_pending(ledger, [START + timedelta(days=100), START], "points")
    assert str(also.value) == str(refused.value)


def test_an_unknown_account_is_refused_as_balance_refuses_it() -> None:
    ledger = Ledger(accounts=("points",))
    with pytest.raises(UnknownAccount):
        available_and_pending(ledger, [START], "pionts")
    assert available_and_pending(ledger, [START, START], "points") == [(0, 0), (0, 0)]
