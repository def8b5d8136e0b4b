"""The seeded simulator: a synthetic population run month by month through a program.

Each member draws from their own ``random.Random`` seeded with ``"{seed}:{index}"`` (a
string seed is hashed with SHA-512, never with ``hash()``), so a member's history does
not depend on the others, on the order they are run in, or on the machine. Each month:
memberships are renewed or taken, then the member's orders (some with a redemption at
checkout, some partly paid with points), returns, activities and goodwill credits happen
in time order (visits scaled by the month's seasonality), then the nightly jobs run at
the month's end (``Program.expire`` and, with tiers, ``Program.review_tiers``).
"""

from __future__ import annotations

import operator
import random
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Final

import attrs

from loyalrules import (
    Activity,
    Ledger,
    LineItem,
    Member,
    Membership,
    NotAllowed,
    Outcome,
    Program,
    Purchase,
    Return,
)
from loyalrules.batch.backends import Backend
from loyalrules.economics.behaviour import BehaviourModel, behaviour_from_yaml
from loyalrules.economics.budgets import without_budgets
from loyalrules.economics.calendar import Month, months_from
from loyalrules.economics.friends import Circle, Event, habits_of
from loyalrules.economics.metrics import POINTS
from loyalrules.economics.population import DayCounts, Tables, make_member, pick
from loyalrules.economics.scenario import Scenario, Step
from loyalrules.economics.shape import ProgramShape, shape_of
from loyalrules.economics.till import Till
from loyalrules.storage.inputs import run
from loyalrules.values.frozen import value_methods
from loyalrules.values.inputs import Adjust, Expire, ReviewTiers

DEFAULT_START: Final = date(2026, 1, 1)
_in_time_order = operator.itemgetter(0, 1)  # an event's instant, then its kind's rank
Progress = Callable[[int, int], None]
"""Called with (members done, members in all) as the simulation goes."""


@value_methods
@attrs.frozen(eq=False, repr=False)
class Population:
    """A simulated population: each member with their ledger, and the months run;
    with ``record=True``, each member's steps as a :class:`Scenario` too."""

    members: tuple[Member, ...]
    ledgers: tuple[Ledger, ...]
    months: tuple[Month, ...]
    seed: int
    model: BehaviourModel
    scenarios: tuple[Scenario, ...] = ()


class _Simulator:
    """Runs one member at a time through every month."""

    def __init__(
        self, program: Program, model: BehaviourModel, months: tuple[Month, ...], seed: int
    ) -> None:
        self.program, self.model, self.months, self.seed = program, model, months, seed
        self.shape: ProgramShape = shape_of(program)
        self.tables = Tables.build(self.shape, model)
        self.till = Till.of(program, model)
        self.plan = program.settings.memberships[0].id if program.settings.memberships else None
        self.tiers = program.settings.tiers
        self.lines: dict[tuple[object, ...], LineItem] = {}
        self.days = DayCounts()
        self.skus = {
            c: tuple(f"{c.upper()}-{n}" for n in range(1, 6)) for c in self.shape.categories
        }
        shape = self.shape
        self.channels = (*shape.channels, "web", "store")
        self.payments = (*shape.payments, "card")
        m = model
        self.lines_more = float((m.basket.lines - 1) / m.basket.lines)
        self.max_quantity = int(m.basket.max_quantity)
        self.visits, self.engagement = float(m.visits.per_month), float(m.engagement.per_month)
        self.churn, self.returns = float(m.churn.monthly), float(m.returns.rate)
        self.partial, self.within = float(m.returns.partial), int(m.returns.within_days)
        self.propensity = float(m.redemption.propensity)
        self.subscribe, self.renew = float(m.memberships.subscribe), float(m.memberships.renew)
        self.near, self.boost = float(1 - m.tiers.within), float(m.tiers.boost)
        self.seasons = {month: float(factor) for month, factor in m.seasonality.items()}
        self.goodwill = float(m.adjustments.per_month)
        self.goodwill_points = int(m.adjustments.points)
        self.habits = habits_of(program, m)
        # Referral activities come from referred friends' orders, not out of the blue.
        referral = None if program.referrals is None else program.referrals.kind
        self.kinds = tuple(kind for kind in shape.activity_kinds if kind != referral)

    def member(self, index: int, record: bool) -> list[tuple[Member, Ledger, list[Step] | None]]:
        """Member number ``index``, then the friends they brought."""
        rng = random.Random(f"{self.seed}:{index}")
        member = make_member(
            index, rng, self.months[0].start.date(), self.shape, self.model.attributes
        )
        run = _Run(self, member, rng, record)
        people = [run]

        def befriend(friend: Member, own: random.Random) -> _Run:
            people.append(_Run(self, friend, own, record))
            return people[-1]

        circle = Circle(self.program, self.habits, run, f"{self.seed}:{index}", befriend)
        for number, month in enumerate(self.months):
            if number and not run.gone and rng.random() < self.churn:
                run.gone = True
            circle.month(month)
        return [(p.member, p.ledger, p.steps) for p in people]


class _Run:
    """One member's state while their months are simulated."""

    def __init__(self, sim: _Simulator, member: Member, rng: random.Random, record: bool) -> None:
        self.sim, self.member, self.rng = sim, member, rng
        self.steps: list[Step] | None = [] if record else None
        self.ledger = Ledger()
        self.points = 0  # available + pending points, as the outcomes changed them
        self.rate = sim.visits * sim.tables.rates[int(rng.random() * len(sim.tables.rates))]
        self.redeemer = rng.random() < sim.propensity
        self.gone = self.subscribed = False
        self.returns: list[Return] = []
        self.paid: dict[str, Purchase] = {}  # orders partly paid with points, as recorded
        self.orders = self.activities = self.memberships = self.adjustments = 0
        self.on_order: Callable[[Outcome], bool] | None = None  # a referred friend's hook

    def apply(self, outcome: Outcome) -> None:
        if outcome.entries:
            self.ledger = self.ledger.append(outcome.entries)
            self.points += outcome.change(POINTS)

    def note(self, step: Step) -> None:
        if self.steps is not None:
            self.steps.append(step)

    def days(self, month: Month, extra: Sequence[Event] = ()) -> None:
        """The month's events in time order, with ``extra`` ones (a friend's referral, a
        friend's first order); none before the member joined."""
        sim, rng, program = self.sim, self.rng, self.sim.program
        member = self.member
        events: list[Event] = list(extra)
        if not self.gone:
            if sim.plan is not None and member.joined_at <= month.start:
                self.membership(month.start + timedelta(hours=1), sim.plan)
            days = month.days
            season = sim.seasons.get(int(month.name[5:]), 1.0)
            visit = min(self.rate * self.tier_boost(month) * season / days, 1.0)
            engage = min(sim.engagement / days, 1.0) if sim.kinds else 0.0
            for day in sim.days.draw(rng, days, visit):
                at = month.start + timedelta(days=day, seconds=rng.randrange(86400))
                events.append((at, 0, self.purchase(at)))
            for day in sim.days.draw(rng, days, engage):
                at = month.start + timedelta(days=day, seconds=rng.randrange(86400))
                self.activities += 1
                kind = pick(sim.kinds, rng)
                activity = Activity(
                    id=f"a-{self.activities}", member_id=member.id, kind=kind, occurred_at=at
                )
                events.append((at, 1, activity))
            if sim.goodwill and rng.random() < sim.goodwill:
                at = month.start + timedelta(days=rng.randrange(days), seconds=rng.randrange(86400))
                self.adjustments += 1
                credit = Adjust(sim.goodwill_points, "goodwill", "customer-service",
                                f"goodwill-{self.adjustments}", at)  # fmt: skip
                events.append((at, 3, credit))
        if member.joined_at > month.start:  # a friend who joined this month: not before
            early = {
                e.id for at, _, e in events if at < member.joined_at and isinstance(e, Purchase)
            }
            events = [e for e in events if e[0] >= member.joined_at]
            self.returns = [r for r in self.returns if r.purchase.id not in early]
        due = [r for r in self.returns if r.occurred_at < month.end]
        self.returns = [r for r in self.returns if r.occurred_at >= month.end]
        events += [(r.occurred_at, 2, r) for r in due]
        events.sort(key=_in_time_order)
        for _, _, event in events:
            if isinstance(event, Purchase):
                event = sim.till.checkout(self, event)
            elif isinstance(event, Return) and event.purchase.id in self.paid:
                event = attrs.evolve(event, purchase=self.paid.pop(event.purchase.id))
            self.note(event)
            if isinstance(event, Adjust):
                self.apply(run(program, member, self.ledger, event))
            else:
                outcome = program.process(event, member=member, ledger=self.ledger)
                self.apply(outcome)
                hook = self.on_order
                if hook is not None and isinstance(event, Purchase) and hook(outcome):
                    self.on_order = None  # referred: later orders are not referrals

    def night(self, month: Month) -> None:
        """The nightly jobs at the month's end."""
        sim, program, member = self.sim, self.sim.program, self.member
        self.apply(program.expire(member=member, ledger=self.ledger, at=month.end))
        self.note(Expire(month.end))
        self.note(ReviewTiers(month.end))  # for a replay through a program with tiers
        if sim.tiers is not None:
            self.apply(program.review_tiers(member=member, ledger=self.ledger, at=month.end))

    def tier_boost(self, month: Month) -> float:
        tiers, sim = self.sim.tiers, self.sim
        if tiers is None or sim.boost == 1.0 or not self.ledger.entries:
            return 1.0
        state = sim.program.tier(member=self.member, ledger=self.ledger, at=month.start)
        above = tiers.levels[state.level.rank + 1 :]
        if above and float(state.value) >= sim.near * float(above[0].qualify):
            return sim.boost
        return 1.0

    def membership(self, at: datetime, plan: str) -> None:
        sim, rng = self.sim, self.rng
        if self.subscribed:
            action = "renew" if rng.random() < sim.renew else "cancel"
        elif rng.random() < sim.subscribe:
            action = "subscribe"
        else:
            return
        self.memberships += 1
        event = Membership(
            id=f"s-{self.memberships}",
            member_id=self.member.id,
            plan=plan,
            action=action,
            occurred_at=at,
        )
        self.note(event)
        try:
            self.apply(self.sim.program.process(event, member=self.member, ledger=self.ledger))
        except NotAllowed:  # e.g. a renewal of a plan that ran out meanwhile
            self.subscribed = False
            return
        self.subscribed = action != "cancel"

    def purchase(self, at: datetime) -> Purchase:
        sim, rng, tables = self.sim, self.rng, self.sim.tables
        draw = rng.random
        lines = []
        count = 1
        while count < 8 and draw() < sim.lines_more:
            count += 1
        cache, skus, prices, categories = sim.lines, sim.skus, tables.prices, tables.categories
        named, tagged, most = sim.shape.skus, sim.shape.tags, sim.max_quantity
        for n in range(count):  # the draws in the same order as ever: the same orders
            category = categories.pick(rng)
            sku = pick(skus[category], rng)
            if named and draw() < 0.1:
                sku = pick(named, rng)
            tags = tuple([t for t in tagged if draw() < 0.1]) if tagged else ()
            price = int(draw() * len(prices))
            quantity = 1 + int(draw() * most)
            key = (n, sku, category, price, quantity, tags)
            line = cache.get(key)
            if line is None:  # values are immutable: one line serves every order with it
                line = cache[key] = LineItem(
                    id=f"l{n}",
                    sku=sku,
                    category=category,
                    unit_price=prices[price],
                    quantity=quantity,
                    tags=tags,
                )
            lines.append(line)
        self.orders += 1
        purchase = Purchase(
            id=f"o-{self.orders}",
            member_id=self.member.id,
            occurred_at=at,
            lines=lines,
            channel=pick(sim.channels, rng),
            payment=pick(sim.payments, rng),
        )
        if rng.random() < sim.returns:
            later = at + timedelta(days=1 + int(rng.random() * sim.within), seconds=1)
            one = {lines[0].id: lines[0].quantity} if rng.random() < sim.partial else None
            self.returns.append(
                Return(id=f"r-{self.orders}", purchase=purchase, occurred_at=later, lines=one)
            )
        return purchase


def simulate(
    program: Program,
    *,
    members: int = 1000,
    months: int = 12,
    seed: int = 0,
    start: date = DEFAULT_START,
    model: BehaviourModel | None = None,
    progress: Progress | None = None,
    record: bool = False,
    backend: Backend | None = None,
    partition_size: int = 1000,
) -> Population:
    """Run ``members`` synthetic members through ``program`` for ``months`` months from
    the month of ``start``, under ``model`` (default: the embedded default model).
    ``record`` keeps each member's steps, to replay them through another program.

    In a program with referrals or transfers, members may bring friends who join during
    the run (see the behaviour model); each member's friends follow them in
    ``Population.members``.

    ``backend`` (a ``loyalrules.batch`` backend: ``InProcess``, ``ProcessPool``, ``Dask``)
    runs the members in partitions of ``partition_size``; each member draws from its own
    seeded generator, so the population is the same on every backend. For example::

        population = simulate(program, members=100, months=3, seed=7)
        report = measure(program, population.ledgers, population.months)
    """
    if members < 1 or months < 1:
        raise NotAllowed(
            f"simulate needs at least one member and one month, not {members} x {months}"
        )
    if partition_size < 1:
        raise NotAllowed(f"partition_size must be at least 1, not {partition_size}")
    model = behaviour_from_yaml() if model is None else model
    program = without_budgets(program)  # each member runs alone: no budget is shared
    calendar = months_from(start, months, program.settings.timezone)
    if backend is None:
        sim = _Simulator(program, model, calendar, seed)
        people, ledgers, scenarios = [], [], []
        for index in range(members):
            for member, ledger, steps in sim.member(index, record):
                people.append(member)
                ledgers.append(ledger)
                if steps is not None:
                    scenarios.append(Scenario(member, tuple(steps)))
            if progress is not None:
                progress(index + 1, members)
        return Population(tuple(people), tuple(ledgers), calendar, seed, model, tuple(scenarios))
    parts = [
        _Part(program, model, calendar, seed, first, min(first + partition_size, members), record)
        for first in range(0, members, partition_size)
    ]
    done = backend.map(_simulate_part, parts)
    if progress is not None:
        progress(members, members)
    return Population(
        tuple(m for part in done for m in part[0]),
        tuple(ledger for part in done for ledger in part[1]),
        calendar,
        seed,
        model,
        tuple(s for part in done for s in part[2]),
    )


@value_methods
@attrs.frozen(eq=False, repr=False)
class _Part:
    """Members ``first`` to ``end`` (excluded) of a simulation, for one worker."""

    program: Program
    model: BehaviourModel
    months: tuple[Month, ...]
    seed: int
    first: int
    end: int
    record: bool


def _simulate_part(
    part: _Part, progress: Progress | None = None
) -> tuple[tuple[Member, ...], tuple[Ledger, ...], tuple[Scenario, ...]]:
    """One partition of a simulation (module level, so a process pool can send it)."""
    sim = _Simulator(part.program, part.model, part.months, part.seed)
    people, ledgers, scenarios = [], [], []
    for index in range(part.first, part.end):
        for member, ledger, steps in sim.member(index, part.record):
            people.append(member)
            ledgers.append(ledger)
            if steps is not None:
                scenarios.append(Scenario(member, tuple(steps)))
        if progress is not None:
            progress(index + 1, part.end)
    return tuple(people), tuple(ledgers), tuple(scenarios)
