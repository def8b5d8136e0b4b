"""How long ``import loyalrules`` takes, in CPU time (target < 100 ms).

Each import runs in a fresh interpreter, from compiled bytecode as an installed package
imports (a first run writes it; ``PYTHONDONTWRITEBYTECODE`` is dropped for the children,
since with it every import would compile every module's source again, which a user's
never does). The figure is the child's CPU time
(``resource.getrusage(RUSAGE_CHILDREN)``, user + system) minus that of an interpreter
that imports nothing, so a loaded machine changes it less than wall time would. It
prints the best and the median of the runs and the modules ``-X importtime`` shows as
the costliest, for the bare import and for the names a host that only evaluates
imports (a pickled ``Program``, values, the ledger; no loader)::

    $ python benchmarks/import_time.py            # 15 runs
    $ python benchmarks/import_time.py --runs 40
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys

TARGET_MS = 100.0

# The target's import, and what a host that evaluates purchases imports (no loader).
_IMPORTS = {
    "import loyalrules": "import loyalrules",
    "an evaluating host's names": (
        "from loyalrules import Ledger, Member, Money, Outcome, Program, Purchase"
    ),
}


# An installed package imports from its compiled bytecode (pip writes it on install,
# Python on first import). A machine that sets PYTHONDONTWRITEBYTECODE would instead
# compile every module's source on every import, which no user's import does: the
# children run without it, after a first run has written the bytecode.
_ENVIRONMENT = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _cpu_ms(code: str) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-c", code], check=True, env=_ENVIRONMENT)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return used * 1000.0


def _costliest(count: int) -> list[str]:
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", _IMPORTS["an evaluating host's names"]],
        check=True,
        env=_ENVIRONMENT,
        capture_output=True,
        text=True,
    )
    rows = []
    for line in run.stderr.splitlines()[1:]:
        _, self_us, _, name = (part.strip() for part in line.replace(":", "|", 1).split("|"))
        rows.append((int(self_us), name))
    rows.sort(reverse=True)
    return [f"{us / 1000:7.1f} ms  {name}" for us, name in rows[:count]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    for code in _IMPORTS.values():  # writes the bytecode, if it is not there yet
        _cpu_ms(code)
    bare = [_cpu_ms("pass") for _ in range(args.runs)]
    base = min(bare)
    for label, code in _IMPORTS.items():
        runs = [_cpu_ms(code) for _ in range(args.runs)]
        best = min(runs) - base
        median = statistics.median(runs) - statistics.median(bare)
        verdict = "met" if best < TARGET_MS else "NOT met"
        print(f"{label}: {best:.1f} ms CPU best, {median:.1f} ms median (< 100 ms: {verdict})")
    print(f"{args.runs} runs each; a bare interpreter's {base:.1f} ms subtracted")
    print("costliest modules of the evaluating host's import (self time, one -X importtime run):")
    for line in _costliest(8):
        print("  " + line)
    print(f"Python {platform.python_version()} ({platform.python_implementation()})")


if __name__ == "__main__":
    main()
