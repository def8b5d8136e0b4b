"""Ledger benchmark: one member with a long history, at 1k, 10k and 100k entries.

Run it with:  python benchmarks/ledger.py [--sizes 1000,10000,100000] [--seed S]

A seeded history (purchases earning pending, expiring points; partial returns; manual
debits that take lots; expiry runs) is built through the engine until the ledger holds
the asked number of entries. Then, per size, it times:

* **load**: ``Ledger(entries).history``, what a host pays after reading the rows before
  its first question about them (``Ledger(entries)`` alone only checks the entries and
  notes their keys; they are folded in on the first question);
* **balance**: ``ledger.balance(at)`` of the points account;
* **status**: ``program.status(member, ledger, as_of)`` (every account, expiring next);
* **process**: ``program.process(purchase, ...)`` of one more purchase, then
  ``ledger.append(outcome.entries)``;
* **debit**: ``program.adjust(...)`` of a manual debit of 10 points, **cash debit**
  the same of the ``cashback`` account, whose lots never expire and pile up, and
  **redeem**: ``program.redeem(...)`` of a 10-point reward (after a credit of 100 points,
  so the member can afford it);

and a plain-Python baseline for the balance: a loop over plain tuples of every lot's
points left and dates, summing what is available. Each figure is the best of several
runs, in CPU time of the process (a busy machine disturbs it less than wall time); the
script prints the time per operation, its growth per tenfold entries and the balance's
ratio to the baseline. Costs must grow at most linearly in the entries.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import platform
import random
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from loyalrules import (
    Ledger,
    LineItem,
    Member,
    Money,
    Program,
    Purchase,
    Return,
    loads_program,
)

DEFAULT_SIZES = (1_000, 10_000, 100_000)
DEFAULT_SEED = 20261123
RUNS = 5

PROGRAM_YAML = """\
program: ledger-benchmark
currency: USD
timezone: America/New_York
pending: P14D
expiry: {after: P12M, end_of: month}
negative_balance: allow
accounts:
  cashback: {unit: money, pending: P30D, expiry: never}
earn:
  - id: base
    effect: {type: points_per_spend, points: 1}
  - id: big
    when: {min_spend: "40.00"}
    effect: {type: bonus, points: 25}
  - id: promo
    expiry: {after: P1M}
    when: {weekday: [sat, sun]}
    effect: {type: bonus, points: 10}
  - id: back
    account: cashback
    effect: {type: cashback, percent: 2}
rewards:
  - id: five-off
    cost: 10
    gives: {type: amount_off, amount: "5.00"}
"""

MEMBER = Member(id="m-1", joined_at=datetime(2000, 1, 1, tzinfo=UTC))
START = datetime(2001, 1, 1, tzinfo=UTC)


class Lot(NamedTuple):
    """What the baseline knows of a lot: points left and its dates."""

    at: datetime
    left: int
    available_at: datetime
    expires_at: datetime | None


def _purchase(rng: random.Random, number: int, at: datetime) -> Purchase:
    lines = [
        LineItem(
            sku=f"SKU-{k}",
            category=rng.choice(("shoes", "socks", "hats")),
            unit_price=Money(f"{rng.randint(5, 60)}.{rng.randint(0, 99):02d}", "USD"),
            quantity=rng.randint(1, 3),
        )
        for k in range(rng.randint(1, 3))
    ]
    return Purchase(id=f"o-{number}", member_id=MEMBER.id, occurred_at=at, lines=lines)


def grow(program: Program, seed: int) -> Iterator[tuple[Ledger, datetime]]:
    """The seeded history, one event at a time: the ledger after each event and the
    event's instant."""
    rng = random.Random(seed)
    ledger, now, purchases = Ledger(), START, []
    while True:
        now += timedelta(hours=rng.randint(1, 30))
        roll = rng.random()
        if roll < 0.75 or not purchases:
            purchase = _purchase(rng, len(purchases), now)
            purchases.append(purchase)
            outcome = program.process(purchase, member=MEMBER, ledger=ledger)
        elif roll < 0.85:
            bought = rng.choice(purchases[-50:])
            line = rng.choice(bought.lines)
            back = Return(
                id=f"r-{len(ledger)}", purchase=bought, occurred_at=now, lines={line.id: 1}
            )
            try:
                outcome = program.process(back, member=MEMBER, ledger=ledger)
            except ValueError:  # that unit went back already
                continue
        elif roll < 0.95:
            outcome = program.adjust(
                member=MEMBER,
                ledger=ledger,
                points=-rng.randint(1, 40),
                reason="bench",
                actor="bench",
                at=now,
                key=f"a-{len(ledger)}",
            )
        else:
            outcome = program.expire(member=MEMBER, ledger=ledger, at=now)
        ledger = ledger.append(outcome.entries)
        yield ledger, now


def build(program: Program, entries: int, seed: int) -> tuple[Ledger, datetime]:
    """A ledger of at least ``entries`` entries, and the instant after its last one."""
    for ledger, now in grow(program, seed):
        if len(ledger) >= entries:
            return ledger, now + timedelta(hours=1)
    raise AssertionError("unreachable: the history grows without end")


def baseline_lots(ledger: Ledger) -> list[Lot]:
    """The lots as plain tuples, built outside the timed region."""
    history = ledger.history
    return [
        Lot(lot.at, lot.remaining(), lot.available_at or lot.at, history.expiry_of(lot))
        for lot in history.lots("points")
    ]


def balance_by_hand(lots: Sequence[Lot], as_of: datetime) -> int:
    available = 0
    for lot in lots:
        if (
            lot.at <= as_of
            and lot.available_at <= as_of
            and (lot.expires_at is None or lot.expires_at > as_of)
        ):
            available += lot.left
    return available


def funded(program: Program, ledger: Ledger, at: datetime) -> Ledger:
    """``ledger`` with a credit of 100 points at ``at``, so a 10-point reward is always
    affordable (the seeded debits may leave the member owing points)."""
    credit = program.adjust(
        member=MEMBER, ledger=ledger, points=100, reason="bench", actor="bench", at=at, key="fund"
    )
    return ledger.append(credit.entries)


def best(runs: int, work: Callable[[], object]) -> float:
    fastest = float("inf")
    for _ in range(runs):
        gc.collect()
        start = time.process_time()  # CPU time: a busy machine disturbs it less
        work()
        fastest = min(fastest, time.process_time() - start)
    return fastest


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)))
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    sizes = sorted(int(size) for size in args.sizes.split(","))

    program = loads_program(PROGRAM_YAML, source="benchmarks/ledger.py")
    full, _ = build(program, sizes[-1], args.seed)
    print(f"one member, seed {args.seed}, sizes {', '.join(f'{s:,}' for s in sizes)} entries")
    header = f"{'entries':>8} {'load':>10} {'balance':>10} {'by hand':>10} {'ratio':>6}"
    header += f" {'status':>10} {'process':>10} {'debit':>10} {'cash debit':>10}"
    print(header + f" {'redeem':>10}")
    measured: dict[int, list[float]] = {}
    for size in sizes:
        ledger = Ledger(full.entries[:size])
        entries = ledger.entries
        as_of = entries[-1].at + timedelta(hours=1)
        lots = baseline_lots(ledger)
        assert (
            balance_by_hand(lots, as_of)
            == ledger.balance(as_of).available + ledger.balance(as_of).deficit
        ), "the baseline and the ledger disagree"
        purchase = _purchase(random.Random(size), 10**9, as_of)
        rich = funded(program, Ledger(entries), as_of)  # a copy: ``ledger`` stays the newest
        figures = [
            best(RUNS, lambda entries=entries: Ledger(entries).history),
            best(RUNS, lambda ledger=ledger, as_of=as_of: ledger.balance(as_of)),
            best(RUNS, lambda lots=lots, as_of=as_of: balance_by_hand(lots, as_of)),
            best(
                RUNS,
                lambda ledger=ledger, as_of=as_of: program.status(
                    member=MEMBER, ledger=ledger, at=as_of
                ),
            ),
            best(
                RUNS,
                lambda ledger=ledger, purchase=purchase: ledger.append(
                    program.process(purchase, member=MEMBER, ledger=ledger).entries
                ),
            ),
            *(
                best(
                    RUNS,
                    lambda ledger=ledger, as_of=as_of, account=account: program.adjust(
                        member=MEMBER,
                        ledger=ledger,
                        points=-10,
                        reason="bench",
                        actor="bench",
                        at=as_of,
                        key="debit",
                        account=account,
                    ),
                )
                for account in ("points", "cashback")
            ),
            best(
                RUNS,
                lambda ledger=rich, as_of=as_of: program.redeem(
                    "five-off", member=MEMBER, ledger=ledger, at=as_of, key="redeem"
                ),
            ),
        ]
        load, balance, by_hand, status, process, debit, cash_debit, redeem = figures
        print(
            f"{len(entries):>8,} {load * 1e3:>8.2f}ms {balance * 1e3:>8.2f}ms "
            f"{by_hand * 1e3:>8.2f}ms {balance / by_hand:>5.1f}x {status * 1e3:>8.2f}ms "
            f"{process * 1e3:>8.3f}ms {debit * 1e3:>8.3f}ms {cash_debit * 1e3:>8.3f}ms "
            f"{redeem * 1e3:>8.3f}ms"
        )
        measured[size] = [load, balance, status, process, debit, cash_debit, redeem]
    names = ("load", "balance", "status", "process", "debit", "cash debit", "redeem")
    for small, large in itertools.pairwise(sizes):
        growth = (
            after / before for after, before in zip(measured[large], measured[small], strict=True)
        )
        text = ", ".join(f"{name} x{g:.1f}" for name, g in zip(names, growth, strict=True))
        print(f"{small:,} -> {large:,} entries (x{large / small:g}): {text}")
    print(f"best of {RUNS} runs each; Python {platform.python_version()} on {platform.platform()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
