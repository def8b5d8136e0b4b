"""Many writers at once on the real stores: threads, processes, and a process killed in
the middle of a write. No points are spent twice, no entry is lost or stored twice, and
every ledger stays consistent."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from store_cases import check_consistent, member, open_store, purchase, random_operations

from loyalrules import Program
from loyalrules.storage import Store

WORKER = [sys.executable, str(Path(__file__).resolve().parent / "store_worker.py")]
MEMBERS = ["m-1", "m-2", "m-3"]


def _with_members(store: Store) -> None:
    for member_id in MEMBERS:
        store.put_member(member(member_id))


def test_many_threads_writing_for_the_same_members(
    store: Store, store_kind: str, store_where: str, program: Program
) -> None:
    _with_members(store)

    def worker(n: int) -> dict[str, list[str]]:
        own = open_store(store_kind, store_where) if n % 2 else store  # shared and own
        return random_operations(own, program, n, MEMBERS, f"t{n}", 25)

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(worker, range(8)))
    check_consistent(store, program, MEMBERS)
    stored = [key for result in results for key in result["stored"]]
    keys = {m: {e.key for e in store.load(m)} for m in MEMBERS}
    for line in stored:
        member_id, event_key = line.split(" ", 1)
        assert event_key in keys[member_id] or event_key.startswith("expire:")
    redeemed = {m: sum(k.startswith("redeem:") for k in keys[m]) for m in MEMBERS}
    assert sum(redeemed.values()) == sum(" redeem:" in line for line in stored)


def test_several_processes_writing_for_the_same_members(
    store: Store, store_kind: str, store_where: str, program: Program
) -> None:
    _with_members(store)
    workers = [
        subprocess.Popen(
            [*WORKER, store_kind, store_where, "mix", str(seed), "30", f"p{seed}", *MEMBERS],
            stdout=subprocess.PIPE,
            text=True,
        )
        for seed in range(4)
    ]
    stored = []
    for worker in workers:
        out, _ = worker.communicate(timeout=240)
        assert worker.returncode == 0
        stored += json.loads(out)["stored"]
    check_consistent(store, program, MEMBERS)
    purchases = [line for line in stored if " purchase:" in line]
    recorded = sum(
        1
        for m in MEMBERS
        for e in store.load(m)
        if e.key.startswith("purchase:") and ":" not in e.key[9:]
    )
    assert recorded == len(purchases)


def test_a_process_killed_in_the_middle_of_a_write_leaves_the_store_consistent(
    store: Store, store_kind: str, store_where: str, program: Program
) -> None:
    _with_members(store)
    store.submit(program, "m-1", purchase("o-1"))
    before = store.load("m-1")
    writer = subprocess.Popen(
        [*WORKER, store_kind, store_where, "hang", "m-1"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout is not None
    assert writer.stdout.readline().strip() == "writing"
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait(timeout=30)
    assert writer.returncode == -signal.SIGKILL
    # Nothing of the unfinished write is visible, and its lock is gone: writing goes on.
    assert store.load("m-1") == before
    assert store.version("m-1") == before.version
    store.submit(program, "m-1", purchase("o-2", day=2))
    check_consistent(store, program, ["m-1"])
    assert "half-written" not in store.load("m-1")
