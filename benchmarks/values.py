"""What building each value a host makes per event costs: ``Money``, ``LineItem``, a
six-line ``Purchase``, ``Member``, and the order's fingerprint the engine keeps.

Run it with:  python benchmarks/values.py [--count 20000] [--repeat 5]

Each is built ``--count`` times from the usual arguments (a ``Decimal`` price, a known
currency, ids as strings, an aware UTC instant), in CPU time of the process
(``time.process_time``), best of ``--repeat``; pin it to one core on a busy machine
(``taskset -c 1``). Decision 0090 says why these constructors are written by hand.
"""

from __future__ import annotations

import argparse
import gc
import platform
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal

from loyalrules import LineItem, Member, Money, Purchase
from loyalrules.values.fingerprint import fingerprint

PRICE = Decimal("12.49")
USD = Money(PRICE, "USD")
AT = datetime(2026, 3, 1, 12, tzinfo=UTC)
JOINED = datetime(2020, 1, 1, tzinfo=UTC)
LINES = [
    LineItem(id=str(n), sku=f"COF-{n:04d}", category="drinks", unit_price=USD, quantity=2)
    for n in range(6)
]
ORDER = Purchase(id="o-1", member_id="m-1", occurred_at=AT, lines=LINES)


def money(count: int) -> None:
    for _ in range(count):
        Money(PRICE, "USD")


def line(count: int) -> None:
    for _ in range(count):
        LineItem(id="0", sku="COF-0001", category="drinks", unit_price=USD, quantity=2)


def purchase(count: int) -> None:
    for _ in range(count):
        Purchase(id="o-1", member_id="m-1", occurred_at=AT, lines=LINES)


def member(count: int) -> None:
    for _ in range(count):
        Member(id="m-1", joined_at=JOINED, birthday=date(2000, 3, 1), attributes={"tier": "gold"})


def order_fingerprint(count: int) -> None:
    for _ in range(count):
        fingerprint(ORDER)


CASES: dict[str, Callable[[int], None]] = {
    "Money": money,
    "LineItem": line,
    "Purchase, 6 lines": purchase,
    "Member": member,
    "fingerprint, 6 lines": order_fingerprint,
}


def best(repeat: int, count: int, work: Callable[[int], None]) -> float:
    fastest = float("inf")
    for _ in range(repeat):
        gc.collect()
        start = time.process_time()
        work(count)
        fastest = min(fastest, time.process_time() - start)
    return fastest


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    for name, work in CASES.items():
        seconds = best(args.repeat, args.count, work)
        print(f"{name:22s} {seconds / args.count * 1e6:6.2f} µs each")
    print(
        f"best of {args.repeat} x {args.count:,}, CPU time; Python "
        f"{platform.python_version()} on {platform.platform()}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
