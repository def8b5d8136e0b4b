"""Ledger growth benchmark: one member's history built through the engine to 1M entries.

Run it with:  python benchmarks/ledger_growth.py [--entries 1000000] [--seed S]

The history of ``ledger.py`` (purchases earning expiring points and never-expiring
cashback, partial returns, manual debits, expiry runs), each event processed against
the member's whole ledger and appended to it, as a host keeping it in memory would.
It prints the CPU time per entry of each tenth of the run (on a shared machine, wall time
also counts the waits for a core): with ``append`` and every
per-event question at most logarithmic in the history, the last tenth costs about what
the first does. **The target: 1M entries in well under a minute; last tenth / first
tenth about 1.**
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from collections.abc import Sequence

from ledger import DEFAULT_SEED, PROGRAM_YAML, grow  # the same history as ledger.py

from loyalrules import loads_program


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    program = loads_program(PROGRAM_YAML, source="benchmarks/ledger.py")
    step = max(args.entries // 10, 1)
    marks, start, start_cpu = [], time.perf_counter(), time.process_time()
    mark, ledger = start_cpu, None
    for ledger, _ in grow(program, args.seed):
        if len(ledger) >= step * (len(marks) + 1):
            now = time.process_time()
            marks.append((len(ledger), now - mark))
            mark = now
            if len(marks) == 10:
                break
    total, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    assert ledger is not None
    print(
        f"one member, seed {args.seed}: {len(ledger):,} entries in {total:.1f} s "
        f"({cpu:.1f} s of CPU time)"
    )
    done = 0
    for size, seconds in marks:
        per_entry = seconds / (size - done) * 1e6
        print(f"  up to {size:>9,} entries: {per_entry:6.1f} µs of CPU time per entry")
        done = size
    first, last = marks[0][1] / marks[0][0], marks[-1][1] / (marks[-1][0] - marks[-2][0])
    verdict = "met" if cpu < 60 and last / first < 2 else "not met"
    ratio = last / first
    print(
        f"last tenth / first tenth per entry: {ratio:.2f}x "
        f"(target: under 60 s of CPU time, about 1x: {verdict})"
    )
    print(f"Python {platform.python_version()} on {platform.platform()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
