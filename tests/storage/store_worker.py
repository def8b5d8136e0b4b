"""A separate process writing to a store, for the concurrency tests.

python store_worker.py KIND WHERE mix SEED COUNT PREFIX MEMBER...
    random operations (store_cases.random_operations); prints what it stored as JSON
python store_worker.py KIND WHERE hang MEMBER
    opens a write transaction, inserts an entry, says "writing" and waits to be killed
"""

from __future__ import annotations

import json
import sys
import time

from store_cases import PROGRAM_PATH, open_store, random_operations

from loyalrules import load_program


def main(kind: str, where: str, mode: str, *args: str) -> None:
    store = open_store(kind, where)
    if mode == "mix":
        seed, count, prefix, *member_ids = args
        done = random_operations(
            store, load_program(PROGRAM_PATH), int(seed), member_ids, prefix, int(count)
        )
        print(json.dumps(done))
        return
    (member_id,) = args
    with store.transaction(write=True) as tx:
        version = tx.member_row(member_id)
        assert version is not None
        tx.set_version(member_id, version[0], version[0] + 1)
        tx.insert_entries(member_id, [(version[0] + 1, "half-written", "{}")])
        print("writing", flush=True)
        time.sleep(120)  # killed before it commits


if __name__ == "__main__":
    main(*sys.argv[1:])
