"""Load benchmark: how long ``loads_program`` takes for programs of 200 and 5,000 rules.

Run it with:  python benchmarks/load.py [--rules 200,5000] [--seed S] [--repeat N]

``random.Random(seed)`` writes an ordinary program (no aliases): one rule in five per
kind (spend rates with a category scope, threshold bonuses, multipliers on tags with a
weekday condition, activity bonuses, capped rules with a date window). Each size is
loaded ``--repeat`` times; the best time is printed with the text's size, whether
libyaml's composer was used, and the targets (200 rules under 30 ms, 5,000 under 1 s).
"""

from __future__ import annotations

import argparse
import platform
import random
import sys
import time
from collections.abc import Sequence

import yaml

from loyalrules import loads_program

DEFAULT_SEED = 20261204
TARGETS = {200: 0.030, 5000: 1.0}
HEADER = """program: bench
currency: USD
timezone: America/New_York
eligible_spend:
  exclude: {categories: [gift-cards]}
earn:
"""
CATEGORIES = ("drinks", "food", "beans", "merch", "books", "garden")


def rule(number: int, rng: random.Random) -> str:
    """The YAML of rule ``number`` (one of five kinds, with seeded values)."""
    kind = number % 5
    category = rng.choice(CATEGORIES)
    if kind == 0:
        return (
            f"  - id: rate-{number}\n    name: Points on {category}\n"
            f"    lines: {{categories: [{category}]}}\n"
            f"    effect: {{type: points_per_spend, points: {rng.randint(1, 5)}, "
            f'per: "{rng.choice(["1.00", "5.00", "10.00"])}"}}\n'
        )
    if kind == 1:
        return (
            f"  - id: threshold-{number}\n    when: {{min_spend: "
            f'"{rng.randint(20, 200)}.00"}}\n'
            f"    effect: {{type: bonus, points: {rng.randint(10, 500)}}}\n"
        )
    if kind == 2:
        return (
            f"  - id: multiply-{number}\n    when:\n      all:\n"
            f"        - weekday: [{rng.choice(['mon', 'tue', 'wed', 'thu', 'fri'])}]\n"
            f"        - contains: {{categories: [{category}]}}\n"
            f'    effect: {{type: multiply, factor: "{rng.choice(["1.5", "2", "3"])}"}}\n'
        )
    if kind == 3:
        return (
            f"  - id: activity-{number}\n    activity: [review-{number}]\n"
            f"    effect: {{type: bonus, points: {rng.randint(5, 50)}}}\n"
            f"    limit: {{times: 1, per: month}}\n"
        )
    return (
        f"  - id: capped-{number}\n    max_points: {rng.randint(100, 1000)}\n"
        f"    active: {{from: 2026-0{rng.randint(1, 6)}-01, until: 2026-12-31}}\n"
        f"    effect: {{type: points_per_spend, points: 1}}\n"
    )


def program_text(rules: int, seed: int) -> str:
    rng = random.Random(seed)
    return HEADER + "".join(rule(number, rng) for number in range(rules))


def best_time(text: str, repeat: int) -> float:
    fastest = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        program = loads_program(text)
        fastest = min(fastest, time.perf_counter() - start)
    del program
    return fastest


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", default="200,5000", help="comma-separated rule counts")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    libyaml = getattr(yaml, "__with_libyaml__", False)
    print(f"PyYAML {yaml.__version__}, libyaml composer: {'yes' if libyaml else 'no'}")
    for count in (int(part) for part in args.rules.split(",")):
        text = program_text(count, args.seed)
        seconds = best_time(text, args.repeat)
        line = f"{count:>6,} rules ({len(text) / 1024:,.0f} KiB): {seconds * 1000:8.1f} ms"
        target = TARGETS.get(count)
        if target is not None:
            met = "met" if seconds < target else "NOT met"
            line += f"  (target < {target * 1000:,.0f} ms: {met})"
        print(line)
    print(f"best of {args.repeat} loads each; seed {args.seed}")
    print(f"Python {platform.python_version()} ({platform.python_implementation()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
