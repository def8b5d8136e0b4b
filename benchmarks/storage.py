"""Storage round trip: ledger entries to JSON-safe rows and back.

Run it with:  python benchmarks/storage.py [--entries 10000] [--seed S]

The history of ``ledger.py`` is built through the engine, then timed (best of 7 runs):
``ledger.to_dicts()`` (encoding every entry, what a host writes to its store) and
``Ledger.from_dicts(rows)`` (decoding and validating every row, what it reads back),
over all the entries and over the first 1,000 (one member's ledger loaded from rows).
Each figure is given in wall time and in CPU time of this process, which a busy shared
machine disturbs less (the verdicts use CPU time; on an idle machine the two agree).
**The targets: at least 200,000 rows/s each way; a 1,000-entry
ledger loads from rows in under 10 ms.**
"""

from __future__ import annotations

import argparse
import gc
import platform
import sys
import time
from collections.abc import Callable, Sequence

from ledger import DEFAULT_SEED, PROGRAM_YAML, build  # the same history as ledger.py

from loyalrules import Ledger, loads_program

RUNS = 7


def best(work: Callable[[], object]) -> tuple[float, float]:
    """The fastest of ``RUNS`` runs: (wall seconds, CPU seconds)."""
    wall = cpu = float("inf")
    for _ in range(RUNS):
        gc.collect()
        start, start_cpu = time.perf_counter(), time.process_time()
        work()
        cpu = min(cpu, time.process_time() - start_cpu)
        wall = min(wall, time.perf_counter() - start)
    return wall, cpu


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    program = loads_program(PROGRAM_YAML, source="benchmarks/ledger.py")
    ledger, _ = build(program, args.entries, args.seed)
    rows = ledger.to_dicts()
    assert Ledger.from_dicts(rows) == ledger, "the round trip changed the ledger"
    print(f"{len(rows):,} entries of one member, seed {args.seed}")
    small = rows[:1000]
    for label, work, count in (
        ("to_dicts", ledger.to_dicts, len(rows)),
        ("from_dicts", lambda: Ledger.from_dicts(rows), len(rows)),
    ):
        wall, cpu = best(work)
        verdict = "met" if count / cpu >= 200_000 else "not met"
        print(
            f"{label:>10}: {count / wall:>9,.0f} rows/s wall, {count / cpu:>9,.0f} rows/s CPU"
            f" (target >= 200,000: {verdict})"
        )
    wall, cpu = best(lambda: Ledger.from_dicts(small))
    verdict = "met" if cpu < 0.010 else "not met"
    print(
        f"1,000-entry ledger from rows: {wall * 1e3:.2f} ms wall, {cpu * 1e3:.2f} ms CPU"
        f" (target < 10 ms: {verdict})"
    )
    print(f"best of {RUNS} runs; Python {platform.python_version()} on {platform.platform()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
