"""Open lots indexed by expiry: an expiry run finds exactly the lots a full scan finds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from loyalrules import Inactivity
from loyalrules.ledger.lots import AccountState, LotState

START = datetime(2026, 1, 1, tzinfo=UTC)
INACTIVITY = Inactivity(period="P6M", timezone="UTC")

# A lot: (days after START it is earned, its expiry in days after that or None, whether
# it has an inactivity rule); then steps: (lot index, points taken; negative: given back).
lots = st.lists(
    st.tuples(st.integers(0, 50), st.none() | st.integers(0, 60), st.booleans()),
    min_size=1,
    max_size=40,
)
steps = st.lists(st.tuples(st.integers(0, 39), st.integers(-3, 5)), max_size=80)


@given(lots, steps, st.integers(0, 120))
def test_lots_expiring_by_are_the_open_lots_a_full_scan_finds(
    specs: list[tuple[int, int | None, bool]], moves: list[tuple[int, int]], day: int
) -> None:
    state = AccountState()
    made = []
    for n, (earned, expires, inactive) in enumerate(specs):
        at = START + timedelta(days=earned)
        lot = LotState(
            f"lot-{n}",
            "points",
            5,
            at,
            at,
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
    as_of = START + timedelta(days=day)
    expected = [
        lot
        for lot in made
        if lot.left > 0
        and (lot.inactivity is not None or (lot.expires_at is not None and lot.expires_at <= as_of))
    ]
    assert state.expiring_by(as_of) == expected
    assert set(state.open) == {lot.key for lot in made if lot.left > 0}
