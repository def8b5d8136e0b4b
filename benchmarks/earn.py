"""Earn benchmark: the engine against a hand-written function, on seeded purchases.

Run it with:  python benchmarks/earn.py [--purchases N] [--seed S]

A six-rule program (below, as YAML) is loaded with ``loads_program``. Seeded purchases
go through ``Program.process`` (full explanations, each member's growing ledger) and
through ``points_by_hand``, a plain-Python function computing the same points. Both must
agree on every purchase; then each is timed over the whole batch, best of 3 runs.

The engine's figure is ``Program.process`` of every purchase against its member's ledger
as it stood before it (built untimed, as a host reads it from storage): the target. The
host loop's figure is what a host keeping every ledger in memory pays: process, then
``Ledger.append``, each member's ledger growing, and the garbage collection of all that
stays alive.

Semantics, as the program states them: rounding ``floor`` once per order; stacking
``multiply`` (gold 1.5x during double points on beans is 2 x 1.5 x 2 = 6x); "1 point per
whole $1" counts the order's whole dollars of eligible spend and shares them over the
lines by spend, so the beans 2x applies to the beans' share. The birthday bonus has no
once-per-year limit here, so the hand-written function needs no history.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import random
import sys
import time
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_DOWN, Decimal
from typing import NamedTuple
from zoneinfo import ZoneInfo

from loyalrules import Ledger, LineItem, Member, Money, Program, Purchase, loads_program

DEFAULT_PURCHASES = 20_000
DEFAULT_SEED = 20261123
PURCHASES_PER_MEMBER = 10  # about ten orders per member over the two months
RUNS = 3
TARGET_RATIO = 3.0

TIMEZONE = "America/New_York"
CURRENCY = "USD"

PROGRAM_YAML = f"""\
program: earn-benchmark
name: Earn benchmark
description: Six rules a coffee retailer might run over the holidays.
currency: {CURRENCY}
timezone: {TIMEZONE}

rounding: {{mode: floor, stage: order}}
stacking: multiply

eligible_spend:
  exclude: {{categories: [gift_cards]}}
  discounts_reduce: true

earn:
  - id: base
    name: 1 point per whole $1
    effect: {{type: points_per_spend, points: 1, per: "1.00", counting: whole}}

  - id: beans-2x
    name: 2x on coffee beans
    lines: {{categories: [beans]}}
    effect: {{type: multiply, factor: 2}}

  - id: silver
    name: Silver members earn 1.25x
    when: {{member: {{segment: silver}}}}
    effect: {{type: multiply, factor: "1.25"}}

  - id: gold
    name: Gold members earn 1.5x
    when: {{member: {{segment: gold}}}}
    effect: {{type: multiply, factor: "1.5"}}

  - id: big-basket
    name: Big basket bonus
    when: {{min_spend: "50.00"}}
    effect: {{type: bonus, points: 100}}

  - id: double-december
    name: Double points until Christmas Eve
    active: {{from: 2026-12-01, until: 2026-12-24}}
    effect: {{type: multiply, factor: 2}}

  - id: birthday
    name: Birthday month treat
    when: {{birthday_month: true}}
    effect: {{type: bonus, points: 50}}
"""

ZONE = ZoneInfo(TIMEZONE)
FIRST_DAY = datetime(2026, 11, 15, tzinfo=ZONE)
AFTER_LAST_DAY = datetime(2027, 1, 16, tzinfo=ZONE)  # purchases until 2027-01-15 included
# Instants where a calendar rule switches on or off: some purchases land on them exactly.
EDGES = tuple(
    datetime(*ymd, tzinfo=ZONE) + timedelta(seconds=offset)
    for ymd in ((2026, 12, 1), (2026, 12, 25), (2027, 1, 1))
    for offset in (-1, 0)
)

CATALOG: dict[str, tuple[tuple[str, str], ...]] = {
    "drinks": (("LATTE", "4.95"), ("MOCHA", "5.45"), ("COLD-BREW", "4.25"), ("TEA", "3.50")),
    "food": (("CROISSANT", "3.95"), ("SANDWICH", "8.75"), ("MUFFIN", "3.25")),
    "beans": (("BEANS-HOUSE", "16.50"), ("BEANS-ETH", "18.00"), ("BEANS-RESERVE", "24.95")),
    "merch": (("MUG", "14.00"), ("TUMBLER", "29.95"), ("GRINDER", "89.00")),
    "gift_cards": (("GIFT-10", "10.00"), ("GIFT-25", "25.00"), ("GIFT-50", "50.00")),
}
CATEGORIES = tuple(CATALOG)
CATEGORY_WEIGHTS = (40, 25, 15, 10, 10)
SEGMENTS = ("standard", "silver", "gold")
SEGMENT_WEIGHTS = (60, 25, 15)


class Line(NamedTuple):
    """One cart line as the hand-written function reads it."""

    id: str
    category: str
    unit_price: Decimal
    quantity: int
    discount: Decimal


class Order(NamedTuple):
    """One purchase as plain values: what a host has before calling any library."""

    at: datetime  # UTC, as stored
    lines: tuple[Line, ...]
    order_discount: Decimal
    segment: str
    birth_month: int | None


class Workload(NamedTuple):
    """The same purchases in both forms, built before anything is timed."""

    members: dict[str, Member]
    purchases: tuple[Purchase, ...]
    orders: tuple[Order, ...]


# --- the hand-written function -------------------------------------------------------

_NO_DISCOUNT = Decimal(0)
_DOUBLE_FROM = datetime(2026, 12, 1, tzinfo=ZONE)
_DOUBLE_UNTIL = datetime(2026, 12, 25, tzinfo=ZONE)  # Christmas Eve included
_SEGMENT_FACTOR = {"silver": Decimal("1.25"), "gold": Decimal("1.5")}
_ONE = Decimal(1)


def _share_order_discount(discount: Decimal, nets: list[Decimal], ids: list[str]) -> list[Decimal]:
    """Split the order discount over all lines by value, to the cent: floors first, the
    cents left over to the largest remainders, ties by line id."""
    cents = int(discount * 100)
    weights = [int(net * 100) for net in nets]
    total = sum(weights)
    parts, remainders = [], []
    for weight in weights:
        part, remainder = divmod(cents * weight, total)
        parts.append(part)
        remainders.append(remainder)
    left = cents - sum(parts)
    for i in sorted(range(len(parts)), key=lambda i: (-remainders[i], ids[i]))[:left]:
        parts[i] += 1
    return [Decimal(part) / 100 for part in parts]


def points_by_hand(order: Order) -> int:
    """The benchmark program's points for one order, written out by hand."""
    at, lines, order_discount, segment, birth_month = order
    nets = [line.unit_price * line.quantity - line.discount for line in lines]
    if order_discount:
        shares = _share_order_discount(order_discount, nets, [line.id for line in lines])
        nets = [net - share for net, share in zip(nets, shares, strict=True)]
    spend = beans = _NO_DISCOUNT
    for line, net in zip(lines, nets, strict=True):
        if line.category == "gift_cards":
            continue
        spend += net
        if line.category == "beans":
            beans += net
    points = 0
    whole_dollars = int(spend)  # spend is never negative: int() is floor
    if whole_dollars:
        factor = _SEGMENT_FACTOR.get(segment, _ONE)
        if _DOUBLE_FROM <= at < _DOUBLE_UNTIL:
            factor *= 2
        # Beans earn their share of the whole dollars twice: (spend + beans) / spend.
        # Dividing last keeps a whole result exact; int() floors (never negative).
        points = int(whole_dollars * (spend + beans) * factor / spend)
    if spend >= 50:
        points += 100
    if birth_month == at.astimezone(ZONE).month:
        points += 50
    return points


# --- seeded data ---------------------------------------------------------------------


def _member(rng: random.Random, index: int) -> Member:
    birthday = None
    if rng.random() < 0.9:
        birthday = date(rng.randint(1950, 2006), 1, 1) + timedelta(days=rng.randrange(365))
    return Member(
        id=f"m-{index:05d}",
        joined_at=datetime(2024, 1, 1, tzinfo=UTC) + timedelta(days=rng.randrange(1000)),
        birthday=birthday,
        attributes={"segment": rng.choices(SEGMENTS, SEGMENT_WEIGHTS)[0]},
    )


def _lines(rng: random.Random) -> tuple[Line, ...]:
    lines = []
    for number in range(1, rng.choices((1, 2, 3, 4, 5), (35, 30, 18, 10, 7))[0] + 1):
        category = rng.choices(CATEGORIES, CATEGORY_WEIGHTS)[0]
        _, price = rng.choice(CATALOG[category])
        discount = Decimal(rng.choice(("0.50", "1.00", "2.00"))) if rng.random() < 0.08 else 0
        quantity = rng.choices((1, 2, 3), (80, 15, 5))[0]
        lines.append(Line(str(number), category, Decimal(price), quantity, Decimal(discount)))
    return tuple(lines)


def _order_discount(rng: random.Random, lines: Sequence[Line]) -> Decimal:
    if rng.random() >= 0.15:
        return _NO_DISCOUNT
    subtotal = sum((line.unit_price * line.quantity - line.discount for line in lines), Decimal(0))
    if rng.random() < 0.5:
        return (subtotal / 10).quantize(Decimal("0.01"), ROUND_DOWN)  # 10% off, in cents
    return min(Decimal(rng.choice(("2.00", "5.00", "10.00"))), subtotal)


def _instant(rng: random.Random) -> datetime:
    if rng.random() < 0.03:
        return rng.choice(EDGES)
    span = int((AFTER_LAST_DAY - FIRST_DAY).total_seconds())
    return FIRST_DAY + timedelta(seconds=rng.randrange(span))


def _purchase(order_id: str, member: Member, local: datetime, order: Order) -> Purchase:
    lines = [
        LineItem(
            id=line.id,
            sku=f"{line.category}-{line.id}",
            category=line.category,
            unit_price=Money(line.unit_price, CURRENCY),
            quantity=line.quantity,
            discount=Money(line.discount, CURRENCY) if line.discount else None,
        )
        for line in order.lines
    ]
    return Purchase(
        id=order_id,
        member_id=member.id,
        occurred_at=local,
        lines=lines,
        order_discount=Money(order.order_discount, CURRENCY) if order.order_discount else None,
    )


def generate(purchases: int, seed: int) -> Workload:
    """``purchases`` seeded purchases in time order, as engine values and as plain tuples.

    The same ``seed`` always gives the same data: nothing here reads the clock.
    """
    rng = random.Random(seed)
    members = [_member(rng, i) for i in range(max(1, purchases // PURCHASES_PER_MEMBER))]
    drafts = []
    for _ in range(purchases):
        member = rng.choice(members)
        lines = _lines(rng)
        drafts.append((_instant(rng), member, lines, _order_discount(rng, lines)))
    drafts.sort(key=lambda draft: draft[0])
    built, orders = [], []
    for number, (local, member, lines, discount) in enumerate(drafts):
        segment = member.attributes["segment"]
        assert isinstance(segment, str)
        birth_month = member.birthday.month if member.birthday else None
        order = Order(local.astimezone(UTC), lines, discount, segment, birth_month)
        orders.append(order)
        built.append(_purchase(f"o-{number:06d}", member, local, order))
    return Workload({m.id: m for m in members}, tuple(built), tuple(orders))


# --- running both --------------------------------------------------------------------


def load() -> Program:
    """The benchmark program."""
    return loads_program(PROGRAM_YAML, source="benchmarks/earn.py")


def host_loop(program: Program, workload: Workload) -> tuple[list[int], list[Ledger]]:
    """Points per purchase from ``Program.process``, as a host keeping ledgers in memory
    runs it: take the member's ledger, process the purchase, append the new entries.
    Also returns each purchase's ledger as it stood before the purchase."""
    members = workload.members
    ledgers = dict.fromkeys(members, Ledger())  # ledgers are immutable: one empty one serves all
    points, before = [], []
    for purchase in workload.purchases:
        member_id = purchase.member_id
        ledger = ledgers[member_id]
        before.append(ledger)
        outcome = program.process(purchase, member=members[member_id], ledger=ledger)
        ledgers[member_id] = ledger.append(outcome.entries)
        points.append(outcome.points)
    return points, before


def engine_points(program: Program, workload: Workload, ledgers: Sequence[Ledger]) -> list[int]:
    """Points per purchase from ``Program.process`` with full explanations, each purchase
    against ``ledgers[i]``, its member's ledger as it stood before it."""
    members = workload.members
    points = []
    explained = 0
    for purchase, ledger in zip(workload.purchases, ledgers, strict=True):
        outcome = program.process(purchase, member=members[purchase.member_id], ledger=ledger)
        explained += len(outcome.explanation)
        points.append(outcome.points)
    assert explained >= len(points)  # every purchase is explained (the base rule applies)
    return points


def ledgers_before(program: Program, workload: Workload) -> list[Ledger]:
    """Each purchase's member ledger as it stood before the purchase, each with a history
    of its own (not shared along a line of appends), as a host reads it from storage."""
    return [Ledger(ledger.entries) for ledger in host_loop(program, workload)[1]]


def baseline_points(workload: Workload) -> list[int]:
    """Points per purchase from the hand-written function."""
    return [points_by_hand(order) for order in workload.orders]


class Disagreement(NamedTuple):
    position: int  # in time order, from 0
    purchase: Purchase
    engine: int
    baseline: int


def first_disagreement(program: Program, workload: Workload) -> Disagreement | None:
    """The first purchase on which engine and hand-written function differ, if any."""
    engine = engine_points(program, workload, ledgers_before(program, workload))
    if engine != host_loop(program, workload)[0]:
        raise AssertionError("the host loop and the engine alone disagree")
    pairs = zip(engine, baseline_points(workload), strict=True)
    for index, (engine, baseline) in enumerate(pairs):
        if engine != baseline:
            return Disagreement(index, workload.purchases[index], engine, baseline)
    return None


class Timings(NamedTuple):
    """The best of several runs, in seconds for the whole batch."""

    engine: float  # Program.process of every purchase against its member's ledger
    host_loop: float  # process and Ledger.append, each member's ledger growing in memory
    baseline: float  # the hand-written function over every purchase


def best_of(runs: int, program: Program, workload: Workload) -> Timings:
    """The fastest of ``runs`` timings of each side, in seconds.

    The sides take turns (one run of each per round), so a slow spell of the machine
    touches both alike. The garbage collector stays on (its cost is part of the engine's
    cost); each run starts from a collected heap so that runs are comparable.
    """
    ledgers = ledgers_before(program, workload)
    works = (
        lambda: engine_points(program, workload, ledgers),
        lambda: host_loop(program, workload),
        lambda: baseline_points(workload),
    )
    best = [float("inf")] * len(works)
    for _ in range(runs):
        for i, work in enumerate(works):
            gc.collect()
            start = time.perf_counter()
            work()
            best[i] = min(best[i], time.perf_counter() - start)
    return Timings(*best)


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for row in cpuinfo:
                if row.startswith("model name"):
                    return row.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _explain(program: Program, workload: Workload, found: Disagreement) -> str:
    purchase = found.purchase
    member = workload.members[purchase.member_id]
    outcome = program.process(purchase, member=member, ledger=Ledger())
    return "\n".join(
        [
            f"purchase #{found.position} ({purchase.id}): engine {found.engine} points, "
            f"hand-written {found.baseline}",
            f"  order: {workload.orders[found.position]}",
            f"  member: {member}",
            *(f"  engine: {line}" for line in outcome.explanation),
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--purchases", type=int, default=DEFAULT_PURCHASES)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    if args.purchases < 1:
        parser.error("--purchases must be at least 1")

    program = load()
    workload = generate(args.purchases, args.seed)
    found = first_disagreement(program, workload)
    if found is not None:
        print("DISAGREEMENT\n" + _explain(program, workload, found), file=sys.stderr)
        return 1
    n = len(workload.purchases)
    print(f"{n} purchases (seed {args.seed}): engine and hand-written function agree on all")

    engine, host_loop, baseline = best_of(RUNS, program, workload)
    ratio = engine / baseline
    print(f"engine (Program.process, explanations): {n / engine:>10,.0f} purchases/s")
    print(f"host loop (process + Ledger.append):    {n / host_loop:>10,.0f} purchases/s")
    print(f"hand-written function:                  {n / baseline:>10,.0f} purchases/s")
    verdict = "met" if ratio <= TARGET_RATIO else "NOT met"
    print(f"engine / hand-written time: {ratio:.2f}x (target <= {TARGET_RATIO:g}x: {verdict})")
    print(f"host loop / hand-written time: {host_loop / baseline:.2f}x")
    print(f"best of {RUNS} runs each, taking turns; time.perf_counter over the whole batch")
    print(
        f"Python {platform.python_version()} ({platform.python_implementation()}) "
        f"on {platform.platform()}, {_cpu_model()}, {os.cpu_count()} CPUs"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
