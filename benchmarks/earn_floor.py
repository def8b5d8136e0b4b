"""What the earn benchmark costs before any evaluation: entries, ledger and collector.

Run it with:  python benchmarks/earn_floor.py [--purchases N] [--seed S]

For the same seeded purchases as ``earn.py``, the entries each purchase earns are worked
out first (untimed). The timed loop then only does what a host pays in any case: build
those ``Recorded`` and ``Earned`` entries the way the engine does (``engine_recorded``,
``engine_earned``, ``engine_money``: no re-validation of fields the engine made) and
``Ledger.append`` them to each member's growing ledger; the ledgers it builds are checked
once against the engine's entries. It prints that cost per purchase with the garbage
collector on and off, next to the hand-written function and earn.py's host loop, so a
change to the ledger can be judged on its own (see docs/performance.md, "Where the time
goes").
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

from earn import DEFAULT_PURCHASES, DEFAULT_SEED, baseline_points, generate, host_loop, load

from loyalrules import Earned, Entry, Ledger, Recorded
from loyalrules.ledger.builders import engine_earned, engine_recorded
from loyalrules.ledger.entries import DEFAULT_ACCOUNT
from loyalrules.values.money import engine_money


class Planned(NamedTuple):
    """One purchase's entries as plain values."""

    member_id: str
    key: str
    at: datetime
    event_id: str
    spend: Decimal
    currency: str
    earned: tuple[tuple[str, int, str], ...]  # (key, points, rule id)
    fingerprint: str | None
    categories: tuple[tuple[str, Decimal], ...]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--purchases", type=int, default=DEFAULT_PURCHASES)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    program = load()
    workload = generate(args.purchases, args.seed)
    planned = []
    expected: dict[str, list[Entry]] = {}  # what the engine makes, to check the loop's
    for purchase in workload.purchases:
        member = workload.members[purchase.member_id]
        outcome = program.process(purchase, member=member, ledger=Ledger())
        expected.setdefault(member.id, []).extend(outcome.entries)
        recorded, *earned = outcome.entries
        assert isinstance(recorded, Recorded)
        assert recorded.spend is not None
        lots = tuple((e.key, e.points, e.rule_id) for e in earned if isinstance(e, Earned))
        spend = recorded.spend
        planned.append(
            Planned(
                member.id,
                recorded.key,
                recorded.at,
                purchase.id,
                spend.amount,
                spend.currency,
                lots,
                recorded.fingerprint,
                recorded.categories,
            )
        )

    def floor() -> dict[str, Ledger]:
        ledgers = dict.fromkeys(workload.members, Ledger())
        for p in planned:
            ledger = ledgers[p.member_id]
            assert p.key not in ledger
            spend = engine_money(p.spend, p.currency)
            entries = [
                engine_recorded(
                    p.key,
                    p.at,
                    "purchase",
                    p.event_id,
                    spend=spend,
                    fingerprint=p.fingerprint,
                    categories=p.categories,
                )
            ]
            for key, points, rule_id in p.earned:
                lot = engine_earned(
                    key, p.at, points, rule_id, p.key, DEFAULT_ACCOUNT, p.at, None, None
                )
                entries.append(lot)
            ledgers[p.member_id] = ledger.append(entries)
        return ledgers

    built = floor()
    assert all(list(built[m].entries) == expected.get(m, []) for m in workload.members)
    del built

    def best(work: Callable[[], object]) -> float:
        fastest = float("inf")
        for _ in range(5):
            gc.collect()
            start = time.perf_counter()
            work()
            fastest = min(fastest, time.perf_counter() - start)
        return fastest * 1e6 / len(planned)

    baseline = best(lambda: baseline_points(workload))
    with_gc = best(floor)
    gc.disable()
    try:
        without_gc = best(floor)
    finally:
        gc.enable()
    loop = best(lambda: host_loop(program, workload))
    print(f"hand-written function:             {baseline:6.2f} µs per purchase")
    print(f"entries + Ledger.append:           {with_gc:6.2f} µs ({with_gc / baseline:.2f}x)")
    print(f"  the same, garbage collector off: {without_gc:6.2f} µs")
    print(f"earn.py's host loop:               {loop:6.2f} µs ({loop / baseline:.2f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
