"""Population benchmark: 10,000 members through 12 months of purchases and monthly
expiry runs, the engine's time on one core.

Run it with:  python benchmarks/population.py [--members 10000] [--months 12] [--seed S]
                                             [--collector frozen|plain]

Each member buys about 1.7 times a month on average (Poisson-like, seeded) carts of 1-4
lines; the program is ``ledger.py``'s (1 point per $1, pending 14 days, expiring 12
months later at the end of the month, a weekend promo, 2% cashback in a money account
that never expires). Month by month, every member's purchases are processed in time
order against their ledger and appended to it, then ``Program.expire`` runs for every
member at the end of the month and its entries are appended. The purchases and members
are built before timing; **engine time** is the time spent inside ``process``,
``expire`` and ``append``, as CPU time of this process (the wall time is printed too).
**The target: under 20 s of engine time for 10,000 members x 12 months.** The loop
follows the collector policy of ``docs/hosting.md`` (decision 0097: ``gc.freeze()``
every 100 members); ``--collector plain`` runs it without.
"""

from __future__ import annotations

import argparse
import calendar
import platform
import random
import sys
import time
from collections.abc import Sequence
from contextlib import nullcontext
from datetime import UTC, datetime, timedelta

from ledger import PROGRAM_YAML  # the same program as ledger.py

from loyalrules import Ledger, LineItem, Member, Money, Purchase, loads_program
from loyalrules.values.collector import collector_frozen_every

START = datetime(2026, 1, 1, tzinfo=UTC)
FREEZE_EVERY = 100
"""Members between two ``gc.freeze()`` calls, as ``loyalrules simulate`` does."""


def month_start(index: int) -> datetime:
    year, month = divmod(index, 12)
    return datetime(START.year + year, month + 1, 1, tzinfo=UTC)


def purchases_of(rng: random.Random, member: Member, index: int) -> list[Purchase]:
    """One member's purchases of month ``index``, in time order."""
    first = month_start(index)
    seconds = calendar.monthrange(first.year, first.month)[1] * 86400
    count = sum(1 for _ in range(5) if rng.random() < 0.34)
    moments = sorted(first + timedelta(seconds=rng.randrange(seconds)) for _ in range(count))
    return [
        Purchase(
            id=f"{member.id}-{index}-{n}",
            member_id=member.id,
            occurred_at=at,
            lines=[
                LineItem(
                    id=str(k),
                    sku=f"SKU-{rng.randint(1, 300)}",
                    category=rng.choice(("shoes", "socks", "hats")),
                    unit_price=Money(f"{rng.randint(3, 80)}.{rng.choice((0, 49, 99)):02d}", "USD"),
                    quantity=rng.randint(1, 2),
                )
                for k in range(rng.randint(1, 4))
            ],
        )
        for n, at in enumerate(moments)
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--seed", type=int, default=20261204)
    parser.add_argument("--collector", choices=("frozen", "plain"), default="frozen")
    args = parser.parse_args(argv)
    program = loads_program(PROGRAM_YAML, source="benchmarks/ledger.py")
    rng = random.Random(args.seed)
    members = [
        Member(id=f"m-{n:05d}", joined_at=START - timedelta(days=rng.randrange(900)))
        for n in range(args.members)
    ]
    months = [[purchases_of(rng, m, i) for m in members] for i in range(args.months)]
    ledgers = [Ledger() for _ in members]
    process, expire = program.process, program.expire
    engine = engine_cpu = 0.0
    events = 0
    # The collector policy docs/hosting.md gives a host's batch loop (decision 0097);
    # --collector plain measures the loop without it.
    frozen = args.collector == "frozen"
    policy = collector_frozen_every(FREEZE_EVERY) if frozen else nullcontext(lambda: None)
    with policy as done:
        for index, bought in enumerate(months):
            month_end = month_start(index + 1)
            start, start_cpu = time.perf_counter(), time.process_time()
            for n, member in enumerate(members):
                ledger = ledgers[n]
                for purchase in bought[n]:
                    ledger = ledger.append(process(purchase, member=member, ledger=ledger).entries)
                ledgers[n] = ledger.append(
                    expire(member=member, ledger=ledger, at=month_end).entries
                )
                done()
            engine += time.perf_counter() - start
            engine_cpu += time.process_time() - start_cpu
            events += sum(map(len, bought)) + len(members)
    entries = sum(map(len, ledgers))
    purchases = events - args.members * args.months
    print(
        f"{args.members:,} members x {args.months} months (seed {args.seed}): "
        f"{purchases:,} purchases, {args.members * args.months:,} expiry runs, "
        f"{entries:,} entries"
    )
    verdict = "met" if engine_cpu < 20 * args.members * args.months / 120_000 else "not met"
    print(
        f"engine time: {engine_cpu:.1f} s CPU ({engine:.1f} s wall), "
        f"{engine_cpu / events * 1e6:.1f} µs per event "
        f"(target for 10,000 x 12: under 20 s, scaled to this run: {verdict})"
    )
    print(f"Python {platform.python_version()} on {platform.platform()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
