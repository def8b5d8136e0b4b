"""Every benchmark script runs to the end on a small workload (its timings are not
checked here: only that it works and prints its figures)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.mark.parametrize(
    ("script", "arguments", "expected"),
    [
        ("earn.py", ["--purchases", "200"], "engine / hand-written time"),
        ("earn_floor.py", ["--purchases", "200"], "earn.py's host loop"),
        ("ledger.py", ["--sizes", "100,1000"], "100 -> 1,000 entries (x10)"),
        (
            "batch.py",
            ["--members", "300", "--partition-size", "100", "--backends", "inprocess,pool,dask"],
            "speed-up of dask over inprocess",
        ),
        ("simulate.py", ["--members", "20", "--months", "2", "--sample", "5"], "member-months/s"),
        ("ledger_growth.py", ["--entries", "2000"], "last tenth / first tenth per entry"),
        ("storage.py", ["--entries", "1500"], "1,000-entry ledger from rows"),
        ("many_rules.py", ["--purchases", "200"], "200 rules / 5 rules"),
        ("peers.py", ["--n", "500", "--reps", "1"], "loyalrules engine alone"),
        ("load.py", ["--rules", "20,200", "--repeat", "1"], "200 rules"),
        ("values.py", ["--count", "200", "--repeat", "1"], "fingerprint, 6 lines"),
        ("population.py", ["--members", "30", "--months", "2"], "engine time"),
        (
            "population.py",
            ["--members", "30", "--months", "2", "--collector", "plain"],
            "µs per event",
        ),
        ("quote.py", ["--products", "50"], "Program.quote_many"),
    ],
)
def test_benchmark_runs_and_prints_its_figures(
    script: str, arguments: list[str], expected: str
) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), *arguments],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert expected in done.stdout
