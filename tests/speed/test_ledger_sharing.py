"""A line of appends shares one list of entries; every ledger still sees exactly its own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loyalrules import DuplicateEntry, Ledger, Recorded

START = datetime(2026, 1, 1, tzinfo=UTC)


def recorded(n: int) -> Recorded:
    return Recorded(
        key=f"r-{n}", at=START + timedelta(hours=n), event_type="activity", event_id=f"a-{n}"
    )


def test_an_older_ledger_keeps_its_entries_after_later_appends() -> None:
    first = Ledger([recorded(0)])
    second = first.append([recorded(1)])
    third = second.append([recorded(2)])
    assert first.entries == (recorded(0),)
    assert list(second) == [recorded(0), recorded(1)]
    assert len(third) == 3
    assert third.version == 3


def test_appending_to_an_older_ledger_forks_without_touching_the_newer() -> None:
    base = Ledger([recorded(0)])
    newer = base.append([recorded(1)])
    fork = base.append([recorded(2)])
    assert newer.entries == (recorded(0), recorded(1))
    assert fork.entries == (recorded(0), recorded(2))
    assert "r-1" in newer
    assert "r-1" not in fork
    assert newer.append([recorded(3)]).entries[-1] == recorded(3)


def test_a_refused_append_leaves_the_ledger_as_it_was() -> None:
    ledger = Ledger([recorded(0)]).append([recorded(1)])
    with pytest.raises(DuplicateEntry):
        ledger.append([recorded(2), recorded(1)])
    assert len(ledger) == 2
    assert ledger.append([recorded(2)]).entries == (recorded(0), recorded(1), recorded(2))


def test_equal_entries_make_equal_ledgers_whatever_their_history() -> None:
    grown = Ledger().append([recorded(0)]).append([recorded(1)])
    built = Ledger([recorded(0), recorded(1)])
    assert grown == built
    assert hash(grown) == hash(built)
    assert grown != Ledger([recorded(0)])
    assert repr(built) == f"Ledger(entries={built.entries!r})"


@given(st.lists(st.integers(min_value=0, max_value=6), max_size=12))
def test_any_order_of_appends_and_forks_gives_each_ledger_its_own_entries(
    parents: list[int],
) -> None:
    # Each step appends one entry to one of the ledgers made so far (forks included).
    ledgers = [Ledger()]
    expected: list[tuple[Recorded, ...]] = [()]
    for n, parent in enumerate(parents):
        i = parent % len(ledgers)
        ledgers.append(ledgers[i].append([recorded(n)]))
        expected.append((*expected[i], recorded(n)))
    for ledger, entries in zip(ledgers, expected, strict=True):
        assert ledger.entries == entries
        assert tuple(ledger) == entries
        assert len(ledger) == len(entries)
        assert all(entry.key in ledger for entry in entries)
