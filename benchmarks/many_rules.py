"""Many rules, few relevant: a 200-rule program against the 5-rule program that holds
just the rules a cart concerns.

Run it with:  python benchmarks/many_rules.py [--purchases 5000] [--rules 200]

The small program: 1 point per $1, 2x on beans, +25 on pastries, a 3x merch weekend
that ended in 2020, +10 on any order over $40. The large one adds rules scoped to
products no cart holds (one multiplier or bonus per SKU of another catalog) up to
``--rules``. The same seeded purchases (drinks, beans, pastries, merch) go through both
with ``Program.process``; both must give the same points and explanation for every one.
**The target: the large program costs about what the small one does (ratio about 1).**
"""

from __future__ import annotations

import argparse
import platform
import random
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from ledger import best  # the same timing as ledger.py

from loyalrules import Ledger, LineItem, Member, Money, Program, Purchase, loads_program

SMALL = """\
program: many-rules
currency: USD
timezone: UTC
earn:
  - id: base
    effect: {type: points_per_spend, points: 1}
  - id: beans
    lines: {categories: [beans]}
    effect: {type: multiply, factor: 2}
  - id: pastry
    lines: {categories: [pastries]}
    effect: {type: bonus, points: 25}
  - id: merch-weekend
    active: {from: 2020-01-04, until: 2020-01-05}
    lines: {categories: [merch]}
    effect: {type: multiply, factor: 3}
  - id: big
    when: {min_spend: "40"}
    effect: {type: bonus, points: 10}
"""

CATEGORIES = ("drinks", "beans", "pastries", "merch")
MEMBER = Member(id="m-1", joined_at=datetime(2024, 1, 1, tzinfo=UTC))
EMPTY = Ledger()


def large(rules: int) -> str:
    """``SMALL`` plus rules for SKUs no cart holds, up to ``rules`` rules in all."""
    extra = []
    for n in range(rules - 5):
        effect = "{type: multiply, factor: 2}" if n % 2 else "{type: bonus, points: 5}"
        extra.append(
            f"  - id: other-{n}\n    lines: {{skus: [OTHER-{n:04d}]}}\n    effect: {effect}\n"
        )
    return SMALL + "".join(extra)


def purchases(count: int, seed: int) -> list[Purchase]:
    rng = random.Random(seed)
    made = []
    for n in range(count):
        lines = [
            LineItem(
                id=str(k),
                sku=f"SKU-{rng.randint(1, 40):03d}",
                category=rng.choice(CATEGORIES),
                unit_price=Money(f"{rng.randint(2, 30)}.{rng.choice((0, 49, 95)):02d}", "USD"),
                quantity=rng.randint(1, 3),
            )
            for k in range(rng.randint(1, 5))
        ]
        at = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=rng.randrange(500_000))
        made.append(Purchase(id=f"o-{n}", member_id=MEMBER.id, occurred_at=at, lines=lines))
    return made


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--purchases", type=int, default=5000)
    parser.add_argument("--rules", type=int, default=200)
    parser.add_argument("--seed", type=int, default=20261204)
    args = parser.parse_args(argv)
    small = loads_program(SMALL, source="small")
    big = loads_program(large(args.rules), source="large")
    carts = purchases(args.purchases, args.seed)

    def run(program: Program) -> list[tuple[int, tuple[str, ...]]]:
        out = []
        for purchase in carts:
            outcome = program.process(purchase, member=MEMBER, ledger=EMPTY)
            out.append((outcome.points, tuple(e.text for e in outcome.explanation)))
        return out

    if run(small) != run(big):
        print("the two programs disagree on some purchase")
        return 1
    print(f"{len(carts)} purchases (seed {args.seed}): both programs agree on all")
    times = {name: best(5, lambda p=p: run(p)) for name, p in (("small", small), ("large", big))}
    for name, seconds in times.items():
        rules = 5 if name == "small" else args.rules
        print(f"{rules:>4}-rule program: {seconds / len(carts) * 1e6:7.1f} µs per purchase")
    ratio = times["large"] / times["small"]
    verdict = "met" if ratio <= 1.25 else "not met"
    print(f"{args.rules} rules / 5 rules: {ratio:.2f}x (target: about 1x: {verdict})")
    print(f"best of 5 runs; Python {platform.python_version()} on {platform.platform()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
