"""Quoting a catalog page: what each of 1,000 one-product carts would earn.

Run it with:  python benchmarks/quote.py [--products 1000] [--seed S]

The program is ``examples/shop/program.yaml`` (1 point per $1, a first-purchase bonus,
Gold at $500 a year, expiry). The member has a year of seeded purchases in their ledger,
so their tier and first-purchase status come from a real history. The page is one cart
per product (seeded prices and categories), quoted at one instant two ways, best of 7
runs each, in CPU time of this process (a busy shared machine disturbs it less than wall
time): ``Program.quote`` for each cart, and ``Program.quote_many`` for the page. The two
are checked equal cart by cart first. **The target: under 10 ms for 1,000 products.**
"""

from __future__ import annotations

import argparse
import gc
import platform
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from loyalrules import Cart, Ledger, LineItem, Member, Money, Program, load_program

PROGRAM = Path(__file__).resolve().parent.parent / "examples" / "shop" / "program.yaml"
CATEGORIES = ("tea", "coffee", "pastry", "merch", "beans")
AT = datetime(2026, 11, 20, 15, tzinfo=UTC)
RUNS = 7
TARGET_MS = 10.0


def cpu_ms(work: Callable[[], object]) -> float:
    """The fastest of ``RUNS`` runs, in CPU milliseconds."""
    best = float("inf")
    for _ in range(RUNS):
        gc.collect()
        start = time.process_time()
        work()
        best = min(best, time.process_time() - start)
    return best * 1000.0


def page(rng: random.Random, products: int) -> list[Cart]:
    """One cart per product, as a catalog page would quote them."""
    return [
        Cart(
            lines=[
                LineItem(
                    sku=f"SKU-{n:05d}",
                    category=rng.choice(CATEGORIES),
                    unit_price=Money(Decimal(rng.randrange(199, 9999)) / 100, "USD"),
                )
            ]
        )
        for n in range(products)
    ]


def history(program: Program, rng: random.Random, member: Member) -> Ledger:
    """A year of purchases for ``member``, through the engine."""
    from loyalrules import Purchase

    ledger = Ledger()
    at = AT - timedelta(days=360)
    for n in range(40):
        at += timedelta(days=9, hours=rng.randrange(24))
        cart = page(rng, 1)[0]
        purchase = Purchase(id=f"o-{n}", member_id=member.id, occurred_at=at, lines=cart.lines)
        ledger = ledger.append(program.process(purchase, member=member, ledger=ledger).entries)
    return ledger


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=20261204)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    program = load_program(PROGRAM)
    member = Member(id="m-1", joined_at=AT - timedelta(days=400))
    ledger = history(program, rng, member)
    carts = page(rng, args.products)

    def each() -> list[object]:
        return [program.quote(cart, member=member, ledger=ledger, at=AT) for cart in carts]

    def batch() -> tuple[object, ...]:
        return program.quote_many(carts, member=member, ledger=ledger, at=AT)

    if each() != list(batch()):
        raise SystemExit("quote_many disagrees with quote")
    one, many = cpu_ms(each), cpu_ms(batch)
    verdict = "met" if many < TARGET_MS else "NOT met"
    print(f"{args.products:,} one-product carts, member with {len(ledger):,} entries")
    print(f"  Program.quote each:  {one:7.1f} ms CPU")
    print(f"  Program.quote_many:  {many:7.1f} ms CPU  (target < {TARGET_MS:.0f} ms: {verdict})")
    print(f"  quote_many / quote each: {many / one:.2f}")
    print(f"best of {RUNS} runs each; seed {args.seed}")
    print(f"Python {platform.python_version()} ({platform.python_implementation()})")


if __name__ == "__main__":
    main()
