"""Debits read open lots lazily from the expiry index: they take exactly what sorting
every open lot takes, and read no lot past the ones that cover them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loyalrules import Inactivity, StaleOutcome
from loyalrules.ledger.history import History
from loyalrules.ledger.lots import AccountState, ConsumptionOrder, LotState, take, take_first

START = datetime(2026, 1, 1, tzinfo=UTC)
INACTIVITY = Inactivity(period="P6M", timezone="UTC")

# A lot: (days after START it is earned, days pending, its expiry in days after that or
# None, whether it has an inactivity rule); then steps: (lot index, points taken;
# negative: given back).
lots = st.lists(
    st.tuples(st.integers(0, 50), st.integers(0, 3), st.none() | st.integers(0, 60), st.booleans()),
    min_size=1,
    max_size=40,
)
steps = st.lists(st.tuples(st.integers(0, 39), st.integers(-3, 5)), max_size=80)


def _history(
    specs: list[tuple[int, int, int | None, bool]], moves: list[tuple[int, int]]
) -> History:
    state = AccountState()
    made = []
    for n, (earned, pending, expires, inactive) in enumerate(specs):
        at = START + timedelta(days=earned)
        lot = LotState(
            f"lot-{n:02d}",
            "points",
            5,
            at,
            at + timedelta(days=pending),
            None if expires is None else at + timedelta(days=expires),
            INACTIVITY if inactive else None,
            None,
        )
        state.add(lot)
        made.append(lot)
    for index, points in moves:
        lot = made[index % len(made)]
        if points > 0 and lot.left >= points:
            state.take(lot, START, points)
        elif points < 0 and lot.left - points <= lot.points:
            state.give_back(lot, START, -points)
    history = History()
    history.accounts["points"] = state
    return history


@given(lots, steps, st.integers(0, 120), st.integers(0, 200), st.sampled_from(ConsumptionOrder))
def test_a_debit_takes_what_sorting_every_open_lot_takes(
    specs: list[tuple[int, int, int | None, bool]],
    moves: list[tuple[int, int]],
    day: int,
    points: int,
    order: ConsumptionOrder,
) -> None:
    history = _history(specs, moves)
    at = START + timedelta(days=day)
    every = [(lot, history.expiry_of(lot)) for lot in history.open_lots("points")]
    ordered = list(history.lots_to_take("points", order))
    assert ordered == sorted(every, key=lambda item: order.key(*item))
    assert take_first(ordered, points, at) == take(every, points, at, order)


def test_a_debit_reads_only_the_lots_it_takes() -> None:
    # 1,000 never-expiring lots and 1,000 dated ones: a debit of 7 points reads two lots.
    state = AccountState()
    for n in range(2000):
        at = START + timedelta(hours=n)
        expires = None if n % 2 else at + timedelta(days=365)
        state.add(LotState(f"lot-{n:04d}", "points", 5, at, at, expires, None, None))
    history = History()
    history.accounts["points"] = state
    read = []
    for lot, _ in history.lots_to_take("points", ConsumptionOrder.SOONEST_EXPIRING):
        read.append(lot.key)
        if len(read) == 2:
            break
    at = START + timedelta(days=200)
    lots = history.lots_to_take("points", ConsumptionOrder.SOONEST_EXPIRING)
    consumed, short = take_first(lots, 7, at)
    assert read == ["lot-0000", "lot-0002"]
    assert [(c.lot, c.points) for c in consumed] == [("lot-0000", 5), ("lot-0002", 2)]
    assert short == 0
    # Once the dated lots are spent, the next debit starts past them, at the oldest lot
    # that never expires, without reading the closed ones again.
    for lot in list(state.open.values()):
        if lot.expires_at is not None:
            state.take(lot, at, lot.left)
    assert state.head == len(state.dated) or not state.dated
    first = next(history.lots_to_take("points", ConsumptionOrder.SOONEST_EXPIRING))
    assert first[0].key == "lot-0001"


def test_lots_changed_while_a_debit_reads_them_make_it_stale() -> None:
    # Another thread folding entries in closes a lot the lazy read has not reached yet:
    # the debit ends in StaleOutcome (compute it again), not a bare RuntimeError.
    state = AccountState()
    lots = [LotState(f"lot-{n}", "points", 5, START, START, None, None, None) for n in range(3)]
    for lot in lots:
        state.add(lot)
    history = History()
    history.accounts["points"] = state
    reading = history.lots_to_take("points", ConsumptionOrder.SOONEST_EXPIRING)
    next(reading)
    state.take(lots[2], START, 5)
    with pytest.raises(StaleOutcome, match="another writer"):
        list(reading)
