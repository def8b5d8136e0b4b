"""Nightly expiry and tier review over a seeded population, on each batch backend.

    python benchmarks/batch.py                       # 1,000,000 members, every backend
    python benchmarks/batch.py --members 20000 --backends inprocess,pool

Each partition is generated inside its worker, as a worker would read its JSON Lines
file: member records with their entries as plain dicts. The entries are those of 64
template members (one to eight purchases in 2025 and 2026, some returns, made by the
engine from a fixed seed), so generating a record costs next to nothing and every
member's ledger is decoded from dicts, expired and reviewed. The result of each
partition is counted, not sent back: the job's own work is what is measured.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import attrs

from loyalrules import Ledger, LineItem, Member, Money, Purchase, Return, loads_program
from loyalrules.batch import InProcess, NightlyExpiry, NightlyRun, ProcessPool, TierReview
from loyalrules.storage import member_to_dict

PROGRAM = (
    Path(__file__).resolve().parent.parent / "examples" / "shop" / "program.yaml"
).read_text()
AS_OF = datetime(2027, 1, 2, 6, tzinfo=UTC)  # the first night of 2027: expiries and tiers
TEMPLATES = 64


def templates(seed: int) -> list[list[dict[str, Any]]]:
    """The entries of TEMPLATES members, made by the engine from ``seed``."""
    program = loads_program(PROGRAM)
    rng = random.Random(seed)
    shapes = []
    for n in range(TEMPLATES):
        member = Member(id=f"t-{n}", joined_at=datetime(2025, 1, 1, tzinfo=UTC))
        ledger = Ledger()
        for k in range(rng.randint(1, 8)):
            at = datetime(2025, 1, 2, tzinfo=UTC) + timedelta(hours=rng.randrange(17000))
            price = Money(f"{rng.randint(5, 240)}.{rng.randint(0, 99):02d}", "USD")
            lines = [
                LineItem(sku="TEA", category="tea", unit_price=price, quantity=rng.randint(1, 3))
            ]
            order = Purchase(id=f"o-{k}", member_id=member.id, occurred_at=at, lines=lines)
            ledger = ledger.append(program.process(order, member=member, ledger=ledger).entries)
            if rng.random() < 0.1:
                back = Return(id=f"r-{k}", purchase=order, occurred_at=at + timedelta(days=3))
                ledger = ledger.append(program.process(back, member=member, ledger=ledger).entries)
        shapes.append(ledger.to_dicts())
    return shapes


@attrs.frozen
class Partition:
    """One partition of the population: ``size`` members from ``first`` on."""

    first: int
    size: int
    seed: int

    def __call__(self, _: object = None) -> dict[str, float]:
        shapes = templates(self.seed)
        started = time.process_time()
        records = [
            {
                "member": member_to_dict(
                    Member(id=f"m-{n:08d}", joined_at=datetime(2025, 1, 1, tzinfo=UTC))
                ),
                "entries": shapes[n % TEMPLATES],
            }
            for n in range(self.first, self.first + self.size)
        ]
        run = NightlyRun(PROGRAM, (NightlyExpiry(AS_OF), TierReview(AS_OF)))(records)
        return {
            "cpu": time.process_time() - started,  # this worker's CPU time, not the wall's
            "members": run["members"],
            "changed": len(run["results"]),
            "entries": sum(len(o["entries"]) for r in run["results"] for o in r["outcomes"]),
            "errors": len(run["errors"]),
        }


def _run(partition: Partition) -> dict[str, float]:
    return partition()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--partition-size", type=int, default=10_000)
    parser.add_argument("--backends", default="inprocess,pool,dask")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=20261204)
    args = parser.parse_args()
    size = min(args.partition_size, args.members)
    parts = [
        Partition(first, min(size, args.members - first), args.seed)
        for first in range(0, args.members, size)
    ]
    print(
        f"{args.members:,} members in {len(parts)} partitions; nightly expiry + tier review",
        flush=True,
    )
    rates: dict[str, float] = {}
    for name in args.backends.split(","):
        started = time.perf_counter()
        totals = _on(name, args.workers, parts)
        seconds = time.perf_counter() - started
        cores = 1 if name == "inprocess" else args.workers
        rates[name] = args.members / seconds
        print(
            f"{name:10s} {cores} core(s): {seconds:8.1f} s, {rates[name]:9,.0f} members/s, "
            f"{rates[name] / cores:9,.0f} members/s per core, "
            f"{args.members / totals['cpu']:9,.0f} members per CPU-second in the workers; "
            f"{totals['changed']:,.0f} members changed, {totals['entries']:,.0f} entries, "
            f"{totals['errors']:.0f} errors",
            flush=True,
        )
    if "inprocess" in rates:
        for name, rate in rates.items():
            if name != "inprocess":
                print(f"speed-up of {name} over inprocess: {rate / rates['inprocess']:.2f}x")
    print(f"Python {platform.python_version()} on {platform.platform()}, {os.cpu_count()} CPUs")


def _on(name: str, workers: int, parts: list[Partition]) -> dict[str, float]:
    if name == "inprocess":
        results = InProcess().map(_run, parts)
    elif name == "pool":
        results = ProcessPool(workers).map(_run, parts)
    else:
        from distributed import Client, LocalCluster

        from loyalrules.batch import Dask

        with (
            LocalCluster(
                n_workers=workers, threads_per_worker=1, dashboard_address=None
            ) as cluster,
            Client(cluster) as client,
        ):
            results = Dask(client=client).map(_run, parts)
    return {key: sum(r[key] for r in results) for key in ("cpu", "changed", "entries", "errors")}


if __name__ == "__main__":
    main()
