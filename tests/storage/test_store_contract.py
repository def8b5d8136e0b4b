"""The store contract, on every store: compare-and-set, replays, compaction, inputs."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from store_cases import member, purchase

from loyalrules import Ledger, Program, Return
from loyalrules.storage import (
    Expire,
    Redeem,
    Store,
    StoreConflict,
    StoreError,
    replay,
)

LATER = datetime(2026, 6, 1, tzinfo=UTC)


def test_a_stored_member_comes_back_the_same(store: Store) -> None:
    store.put_member(member())
    back = store.member("m-1")
    assert back == member()
    assert dict(back.attributes) == {"segment": "staff"}
    assert store.member_ids() == ["m-1"]


def test_an_applied_outcome_is_loaded_back_at_its_new_version(
    store: Store, program: Program
) -> None:
    store.put_member(member())
    outcome = program.process(purchase("o-1"), member=member(), ledger=store.load("m-1"))
    stored = store.apply("m-1", outcome)
    ledger = store.load("m-1")
    assert stored.version == ledger.version == len(outcome.entries) == 3
    assert ledger == Ledger(outcome.entries)
    assert ledger.balance(at=LATER).available == 120 + 50


def test_an_outcome_computed_against_an_old_version_is_refused(
    store: Store, program: Program
) -> None:
    store.put_member(member())
    both_saw = store.load("m-1")
    first = program.process(purchase("o-1"), member=member(), ledger=both_saw)
    second = program.process(purchase("o-2", day=2), member=member(), ledger=both_saw)
    store.apply("m-1", first)
    with pytest.raises(StoreConflict, match="computed against version 0 but the stored"):
        store.apply("m-1", second)
    # Nothing of the refused outcome was written: only one welcome bonus.
    assert store.load("m-1") == Ledger(first.entries)


def test_applying_the_same_outcome_twice_writes_it_once(store: Store, program: Program) -> None:
    store.put_member(member())
    outcome = program.process(purchase("o-1"), member=member(), ledger=Ledger())
    assert store.apply("m-1", outcome).wrote
    later = program.process(purchase("o-2", day=2), member=member(), ledger=store.load("m-1"))
    store.apply("m-1", later)
    again = store.apply("m-1", outcome)  # a retry after a lost acknowledgement
    assert not again.wrote
    assert again.version == 5
    assert [e.key for e in store.load("m-1")].count("purchase:o-1") == 1


def test_an_unknown_member_is_a_store_error_that_says_what_to_do(store: Store) -> None:
    with pytest.raises(StoreError, match=r"no member 'nobody'.*put_member"):
        store.load("nobody")


def test_submit_stores_the_input_and_a_replay_rebuilds_the_ledger(
    store: Store, program: Program
) -> None:
    store.put_member(member())
    order = purchase("o-2", amount="40.00", day=2)
    store.submit(program, "m-1", purchase("o-1", amount="300.00"))
    store.submit(program, "m-1", order)
    store.submit(program, "m-1", Redeem(reward_id="five-off", key="r-1", at=LATER))
    store.submit(program, "m-1", Return(id="ret-1", purchase=order, occurred_at=LATER))
    store.submit(program, "m-1", Expire(at=datetime(2027, 6, 1, tzinfo=UTC)))
    ledger = store.load("m-1")
    assert [type(i).__name__ for i in store.inputs("m-1")] == [
        "Purchase",
        "Purchase",
        "Redeem",
        "Return",
        "Expire",
    ]
    assert replay(program, store.member("m-1"), store.inputs("m-1")) == ledger
    assert ledger.verify() == ()
    assert ledger.balance(at=datetime(2027, 6, 1, tzinfo=UTC)).lifetime_expired == 250


def test_compaction_keeps_balances_and_moves_the_version_on(store: Store, program: Program) -> None:
    store.put_member(member())
    for day in (1, 2, 3):
        store.submit(program, "m-1", purchase(f"o-{day}", day=day))
    before = store.load("m-1")
    stale = program.process(purchase("o-9", day=20), member=member(), ledger=before)
    version = store.compact("m-1", datetime(2026, 3, 3, tzinfo=UTC))
    after = store.load("m-1")
    assert version == after.version == before.version + 1
    assert len(after) == 3  # the checkpoint, then o-3: its Recorded entry and its lot
    assert after.balance(at=LATER) == before.balance(at=LATER)
    with pytest.raises(StoreConflict):
        store.apply("m-1", stale)  # computed before the compaction: recompute it
    fresh = store.submit(program, "m-1", purchase("o-9", day=20))
    assert store.load("m-1").version == version + len(fresh.entries)
    assert store.load("m-1").verify() == ()


def test_replacing_a_ledger_moves_the_version_on_and_keeps_appending(
    store: Store, program: Program
) -> None:
    store.put_member(member())
    for day in (1, 2):
        store.submit(program, "m-1", purchase(f"o-{day}", day=day))
    old = store.load("m-1")
    rebuilt = Ledger(program.process(purchase("o-1"), member=member(), ledger=Ledger()).entries)
    with pytest.raises(StoreConflict):
        store.replace("m-1", rebuilt, expected_version=old.version - 1)
    version = store.replace("m-1", rebuilt, expected_version=old.version)
    after = store.load("m-1")
    assert version == after.version == old.version + 1
    assert after.balance(at=LATER) == rebuilt.balance(at=LATER)
    store.submit(program, "m-1", purchase("o-3", day=3))
    assert store.load("m-1").verify() == ()
    assert store.load("m-1").version == store.version("m-1") == version + 2
