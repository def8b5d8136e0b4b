"""Whatever sequence of checkouts, redemptions, returns and expiry runs a member goes
through, the store keeps the contract: the ledger is what its inputs give, consistent,
at the version the store says."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from store_cases import PROGRAM_PATH, check_consistent, member, random_operations

from loyalrules import load_program
from loyalrules.storage import SQLiteStore

PROGRAM = load_program(PROGRAM_PATH)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32), count=st.integers(1, 40), members=st.integers(1, 3))
def test_any_sequence_of_operations_keeps_the_store_consistent(
    seed: int, count: int, members: int
) -> None:
    ids = [f"m-{n}" for n in range(members)]
    with tempfile.TemporaryDirectory() as directory:
        store = SQLiteStore(Path(directory) / "loyalty.db")
        for member_id in ids:
            store.put_member(member(member_id))
        done = random_operations(store, PROGRAM, seed, ids, "h", count)
        assert len(done["stored"]) + len(done["refused"]) == count
        check_consistent(store, PROGRAM, ids)
        store.close()
