"""The side-by-side earn scenario that loyalrules is compared on with other Python rules
engines, for loyalrules alone: its end-to-end time and its engine time against the
plain hand-written Decimal function every engine there is checked and timed against.

Run it with:  python benchmarks/peers.py [--n 20000] [--reps 7]

**The scenario** (the same data and program as the side-by-side run; seed 2026): 2,000
members (bronze 60%, silver 30%, gold 10%, a birth month each), 20,000 purchases of 1-8
lines over 2026 from coffee beans, drinks, food, merchandise and gift cards, shelf prices
as ``Decimal``. The program: (a)+(b) one point per whole dollar of the lines' total,
gift cards left out and coffee beans counted twice, inside the floor; (c) x1.25 silver,
x1.5 gold; (e) x2 from 2026-12-01 to 2026-12-24; (d) +100 for a subtotal of $50 or more
(all lines); (f) +50 in the member's birth month; the total floored.

**The reference** is ``earn``: the plain function a developer would write, ``Decimal``
money over the scenario's own objects, returning the points only.

**loyalrules end-to-end** (target: at most 3x the reference): each purchase and member
converted from the scenario's objects into loyalrules values (``Money``, ``LineItem``,
``Purchase`` at noon UTC, ``Member`` with a birthday and ``{"tier": ...}``), then a full
``Program.process`` against an empty ledger: the ``Recorded`` and ``Earned`` entries with
their keys, and the explanation, near-miss lines included; the explanation is read.
Every coffee beans line is passed twice (the second as ``coffee_beans_again``), because
"beans count twice inside the floor of (a)" is not what a ``multiply`` on beans lines
means in loyalrules (it doubles the beans' share of the whole dollars). **Engine alone**
(target: at most 2x): the same ``Program.process`` on values converted beforehand.

**The floor**: the same conversion into objects of the same shape with slots and no
checks at all (``convert`` with ``BARE``), the least any library whose engine takes
values of its own can cost here; the same objects built by C code alone, without one
Python call (``BUILT_IN``: ``types.SimpleNamespace``, unchecked and mutable), the least
any Python library can cost; and the conversion into loyalrules values alone. Each
prints its multiple of the reference, so the end-to-end target can be read against what
building the inputs costs before any rule runs. The engine-alone target can be read
against the digest of the purchase that every ``Recorded`` entry keeps (``fingerprint``:
what lets a return be checked against the order), also timed alone.

Every purchase is checked against the reference before timing (all of them, not a
sample); one difference fails the run. Each rep times the seven back to back over all
purchases, in CPU time of the process; the ratios are taken within a rep and the median
(min-max) of the reps shown.
"""

from __future__ import annotations

import argparse
import gc
import math
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import attrs

from loyalrules import Ledger, LineItem, Member, Money, Purchase, loads_program
from loyalrules.values.fingerprint import fingerprint

# --- the scenario: its objects, data and the hand-written reference -------------------


@attrs.frozen
class ScenarioMember:
    id: int
    tier: str  # bronze | silver | gold
    birth_month: int
    join_date: date  # carried like real data; no rule reads it


@attrs.frozen
class ScenarioLine:
    sku: str
    category: str
    unit_price: Decimal
    quantity: int


@attrs.frozen
class ScenarioPurchase:
    id: int
    member_id: int
    date: date
    lines: tuple[ScenarioLine, ...]
    subtotal: Decimal  # every line, gift cards included


HOLIDAY_START, HOLIDAY_END = date(2026, 12, 1), date(2026, 12, 24)
TIER_MULTIPLIER = {"bronze": Decimal(1), "silver": Decimal("1.25"), "gold": Decimal("1.5")}


def earn(purchase: ScenarioPurchase, member: ScenarioMember) -> int:
    """The reference: the scenario's points, written out by hand."""
    spend = Decimal(0)
    for line in purchase.lines:
        if line.category == "gift_card":
            continue
        amount = line.unit_price * line.quantity
        spend += amount * 2 if line.category == "coffee_beans" else amount
    points = math.floor(spend) * TIER_MULTIPLIER[member.tier]
    if HOLIDAY_START <= purchase.date <= HOLIDAY_END:
        points *= 2
    if purchase.subtotal >= 50:
        points += 100
    if purchase.date.month == member.birth_month:
        points += 50
    return math.floor(points)


CATEGORIES = ("coffee_beans", "drinks", "food", "merchandise", "gift_card")
CATEGORY_WEIGHTS = (20, 35, 25, 12, 8)
DOLLARS = {"coffee_beans": (8, 24), "drinks": (1, 6), "food": (2, 12), "merchandise": (9, 49)}
CENTS = (0, 10, 25, 30, 45, 49, 50, 70, 75, 85, 95, 99)  # shelf-price endings

Pair = tuple[ScenarioPurchase, ScenarioMember]


def dataset(n: int = 20000, seed: int = 2026, n_members: int = 2000) -> list[Pair]:
    """The side-by-side run's purchases, draw for draw."""
    rnd = random.Random(seed)
    members = [
        ScenarioMember(
            i,
            rnd.choices(("bronze", "silver", "gold"), (60, 30, 10))[0],
            rnd.randint(1, 12),
            date(2015, 1, 1) + timedelta(days=rnd.randrange(4000)),
        )
        for i in range(n_members)
    ]
    out = []
    for pid in range(n):
        lines = []
        for _ in range(rnd.randint(1, 8)):
            cat = rnd.choices(CATEGORIES, CATEGORY_WEIGHTS)[0]
            if cat == "gift_card":
                price = Decimal(rnd.choice((10, 25, 50, 100)))
            else:
                lo, hi = DOLLARS[cat]
                price = Decimal(f"{rnd.randint(lo, hi)}.{rnd.choice(CENTS):02d}")
            lines.append(
                ScenarioLine(
                    f"{cat[:3].upper()}-{rnd.randint(1, 400):04d}",
                    cat,
                    price,
                    rnd.choice((1, 1, 1, 1, 2, 2, 3, 4)),
                )
            )
        member = rnd.choice(members)
        subtotal = sum((line.unit_price * line.quantity for line in lines), Decimal(0))
        day = date(2026, 1, 1) + timedelta(days=rnd.randrange(365))
        out.append((ScenarioPurchase(pid, member.id, day, tuple(lines), subtotal), member))
    return out


# --- loyalrules: the program and the conversion of the scenario's objects ---------------

PROGRAM_YAML = """\
program: peer-earn
name: Peer earn benchmark
currency: USD
timezone: UTC
rounding: {mode: floor, stage: order}
stacking: multiply
earn:
  - id: base
    name: 1 point per whole $1 (gift cards excluded, coffee beans count twice)
    lines: {exclude: {categories: [gift_card]}}
    effect: {type: points_per_spend, points: 1, per: 1, counting: whole}
  - id: silver
    name: Silver members earn 1.25x
    when: {member: {tier: silver}}
    effect: {type: multiply, factor: "1.25"}
  - id: gold
    name: Gold members earn 1.5x
    when: {member: {tier: gold}}
    effect: {type: multiply, factor: "1.5"}
  - id: holiday
    name: Double points until Christmas Eve
    active: {from: 2026-12-01, until: 2026-12-24}
    effect: {type: multiply, factor: 2}
  - id: big-basket
    name: Big basket bonus
    when:
      min_spend: {amount: "50", lines: {exclude: {categories: [coffee_beans_again]}}}
    effect: {type: bonus, points: 100}
  - id: birthday
    name: Birthday month treat
    when: {birthday_month: true}
    effect: {type: bonus, points: 50}
"""

EMPTY = Ledger()  # immutable; the scenario's purchases do not depend on each other


class _Bare:
    """A value with slots and no checks: what building the same objects costs at the
    least, whatever the library (the floor of any engine that takes values of its own)."""

    __slots__ = ("fields",)

    def __init__(self, **fields: object) -> None:
        self.fields = fields


class _BareMoney:
    __slots__ = ("amount", "currency")

    def __init__(self, amount: Decimal, currency: str) -> None:
        self.amount, self.currency = amount, currency


class _BareLine:
    __slots__ = ("category", "id", "quantity", "sku", "unit_price")

    def __init__(
        self, *, id: str, sku: str, category: str, unit_price: _BareMoney, quantity: int
    ) -> None:
        self.id, self.sku, self.category = id, sku, category
        self.unit_price, self.quantity = unit_price, quantity


BARE = (_BareMoney, _BareLine, _Bare, _Bare)
"""``convert``'s classes for the floor: the same objects, no checks."""

BUILT_IN = (slice, SimpleNamespace, SimpleNamespace, SimpleNamespace)
"""``convert``'s classes for the floor of any Python library: objects built by C code
without one Python call (``slice`` is the cheapest built-in with two fields), unchecked
and mutable."""


def convert(
    purchase: ScenarioPurchase, member: ScenarioMember, make: tuple[Any, ...] = ()
) -> tuple[Any, Any]:
    """The scenario's purchase and member as loyalrules values (beans lines twice), or
    as the values ``make`` (money, line, purchase and member classes) builds."""
    money, line_item, purchase_of, member_of = make or (Money, LineItem, Purchase, Member)
    lines = []
    for i, line in enumerate(purchase.lines):
        price = money(line.unit_price, "USD")
        lines.append(
            line_item(
                id=str(i),
                sku=line.sku,
                category=line.category,
                unit_price=price,
                quantity=line.quantity,
            )
        )
        if line.category == "coffee_beans":
            lines.append(
                line_item(
                    id=f"{i}+",
                    sku=line.sku,
                    category="coffee_beans_again",
                    unit_price=price,
                    quantity=line.quantity,
                )
            )
    day, joined = purchase.date, member.join_date
    return (
        purchase_of(
            id=str(purchase.id),
            member_id=f"m{purchase.member_id}",
            occurred_at=datetime(day.year, day.month, day.day, 12, tzinfo=UTC),
            lines=lines,
        ),
        member_of(
            id=f"m{member.id}",
            joined_at=datetime(joined.year, joined.month, joined.day, tzinfo=UTC),
            birthday=date(2000, member.birth_month, 1),
            attributes={"tier": member.tier},
        ),
    )


def loyalrules_earn(
    process: Callable[..., Any],
) -> Callable[[ScenarioPurchase, ScenarioMember], int]:
    def evaluate(purchase: ScenarioPurchase, member: ScenarioMember) -> int:
        event, who = convert(purchase, member)
        outcome = process(event, member=who, ledger=EMPTY)
        assert outcome.explanation  # read, as a host showing it would
        return int(outcome.points)

    return evaluate


# --- timing --------------------------------------------------------------------------


def timed(work: Callable[[], object]) -> float:
    """CPU seconds of this process for ``work``: on a shared machine busy with other
    work, wall time also counts the time the process waited for a core."""
    gc.collect()
    start = time.process_time()
    work()
    return time.process_time() - start


def each(work: Callable[..., object], pairs: Sequence[tuple[Any, Any]]) -> Callable[[], None]:
    """``work`` over every pair, its results dropped as a host drops them (a list that
    kept every value built would have the collector walk them all, again and again)."""

    def run() -> None:
        for first, second in pairs:
            work(first, second)

    return run


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("--reps", type=int, default=7)
    args = parser.parse_args(argv)
    data = dataset(args.n)
    program = loads_program(PROGRAM_YAML, source="benchmarks/peers.py")
    evaluate = loyalrules_earn(program.process)
    expected = [earn(p, m) for p, m in data]
    got = [evaluate(p, m) for p, m in data]
    wrong = [i for i, (a, b) in enumerate(zip(expected, got, strict=True)) if a != b]
    if wrong:
        i = wrong[0]
        print(f"{len(wrong)} of {len(data)} disagree; purchase {i}: {expected[i]} vs {got[i]}")
        return 1
    print(f"{len(data)} purchases (seed 2026): loyalrules and the reference agree on all")
    converted = [convert(p, m) for p, m in data]
    process = program.process

    def engine() -> None:
        for event, member in converted:
            assert process(event, member=member, ledger=EMPTY).explanation

    rows: dict[str, list[float]] = {
        "reference": [],
        "end-to-end": [],
        "engine": [],
        "values": [],
        "floor": [],
        "built-in": [],
        "digest": [],
    }
    for _ in range(args.reps):
        rows["reference"].append(timed(each(earn, data)))
        rows["end-to-end"].append(timed(each(evaluate, data)))
        rows["engine"].append(timed(engine))
        rows["values"].append(timed(each(convert, data)))
        rows["floor"].append(timed(each(lambda p, m: convert(p, m, BARE), data)))
        rows["built-in"].append(timed(each(lambda p, m: convert(p, m, BUILT_IN), data)))
        rows["digest"].append(timed(each(lambda event, _: fingerprint(event), converted)))
    n = len(data)
    reference = rows["reference"]
    targets = {"end-to-end": 3.0, "engine": 2.0}
    labels = {
        "reference": "hand-written, Decimal (reference)",
        "end-to-end": "loyalrules end-to-end (values built, process, explanation)",
        "engine": "loyalrules engine alone (values built beforehand)",
        "values": "building the loyalrules values alone (checked)",
        "floor": "building objects of the same shape with no checks (the floor)",
        "built-in": "the same, built by C code alone (any Python library's floor)",
        "digest": "the purchase digest alone (in every Recorded entry)",
    }
    for name, times in rows.items():
        rate = n / statistics.median(times)
        line = f"{labels[name]:<64} {rate:>9,.0f} evals/s"
        if name != "reference":
            ratios = [t / r for t, r in zip(times, reference, strict=True)]
            line += f"  {statistics.median(ratios):5.1f}x the reference"
            if name in targets:
                met = "met" if statistics.median(ratios) <= targets[name] else "not met"
                line += (
                    f" ({min(ratios):.1f}-{max(ratios):.1f}; target <= {targets[name]:g}x: {met})"
                )
        print(line)
    print(
        f"median of {args.reps} reps, all seven timed back to back in each, CPU time; "
        f"Python {platform.python_version()} on {platform.platform()}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
