"""Simulation benchmark: members x months per second of ``loyalrules simulate``.

Run it with:  python benchmarks/simulate.py [--program examples/rewards.yaml]
              [--members 10000] [--months 12] [--seed 0] [--sample 1000]

It times what ``loyalrules simulate PROGRAM`` does before printing: the simulation of the
population (the embedded default behaviour model, a fixed seed, finished members frozen
out of the garbage collector's scans as the command does) and the report (``measure``).
Then, to say where the time goes, it simulates the first ``--sample`` members again with
their steps recorded and replays those very steps through the program
(``Program.process``, ``redeem``, ``expire``, ``review_tiers`` and ``Ledger.append``,
nothing else): the replay is the engine's share, the rest of the sample's simulation is
the simulator's own (drawing members and orders, building the values). Times are CPU
time of this process (``time.process_time``), which a busy machine does not inflate, and
wall-clock time beside it. The target: the default 10,000 members x 12 months in under 30
CPU seconds on one core.
"""

from __future__ import annotations

import argparse
import gc
import platform
import sys
import time
from pathlib import Path

from loyalrules import load_program
from loyalrules.cli_economics import FREEZE_EVERY, ProgressBar, shown
from loyalrules.economics.metrics import measure
from loyalrules.economics.scenario import play_ledger
from loyalrules.economics.simulate import simulate
from loyalrules.values.collector import collector_frozen_every

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 30.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--program", default=str(ROOT / "examples" / "rewards.yaml"))
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--sample", type=int, default=1_000)
    args = parser.parse_args()
    program = load_program(args.program)
    name = Path(args.program).name

    gc.collect()
    start, cpu = time.perf_counter(), time.process_time()
    with collector_frozen_every(FREEZE_EVERY) as done:  # as the command does
        population = simulate(
            program,
            members=args.members,
            months=args.months,
            seed=args.seed,
            progress=shown(ProgressBar(sys.stderr), "simulate", done),
        )
        simulated, simulated_cpu = time.perf_counter() - start, time.process_time() - cpu
        report = measure(program, population.ledgers, population.months)
        total, total_cpu = time.perf_counter() - start, time.process_time() - cpu
    member_months = args.members * args.months
    orders = sum(
        1
        for ledger in population.ledgers
        for entry in ledger.entries
        if entry.kind == "recorded" and getattr(entry, "event_type", "") == "purchase"
    )
    del population

    sample = min(args.sample, args.members)
    gc.collect()
    cpu = time.process_time()
    simulate(program, members=sample, months=args.months, seed=args.seed)
    sample_cpu = time.process_time() - cpu
    recorded = simulate(program, members=sample, months=args.months, seed=args.seed, record=True)
    gc.collect()
    cpu = time.process_time()
    for scenario in recorded.scenarios:
        play_ledger(program, scenario)
    engine = (time.process_time() - cpu) / sample_cpu

    # The target is for 10,000 x 12; another size is scaled to it, as the work is linear.
    projected = total_cpu * (10_000 * 12) / member_months
    met = "met" if projected < TARGET_SECONDS else "not met"
    print(f"{name}: {args.members:,} members x {args.months} months, seed {args.seed}: "
          f"{orders:,} orders, {report.total.issued:,} points issued")  # fmt: skip
    print("            CPU s  wall s  member-months/s (CPU)  per order (CPU)")  # fmt: skip
    rate = member_months / simulated_cpu
    print(f"simulation: {simulated_cpu:5.1f}  {simulated:6.1f}  {rate:22,.0f}"
          f"  {simulated_cpu / orders * 1e6:12.0f} us")  # fmt: skip
    print(f"report:     {total_cpu - simulated_cpu:5.1f}  {total - simulated:6.1f}")
    print(f"total:      {total_cpu:5.1f}  {total:6.1f}")
    print(f"10,000 members x 12 months at this rate: {projected:.1f} CPU s "
          f"(target < {TARGET_SECONDS:.0f} s on one core: {met})")  # fmt: skip
    print(f"where the CPU time goes (first {sample:,} members): engine {engine:.0%} "
          f"(the recorded steps replayed), simulator {1 - engine:.0%}")  # fmt: skip
    print(f"Python {platform.python_version()} ({platform.python_implementation()}) "
          f"on {platform.platform()}, one process")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
