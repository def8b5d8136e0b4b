"""What a simulated population draws from: price and rate tables, category weights,
members. Everything is computed once per simulation, with exact decimal arithmetic, so a
seed gives the same population on any machine (no platform ``exp`` or ``log``)."""

from __future__ import annotations

import bisect
import random
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, localcontext
from typing import Final

import attrs

from loyalrules import Member, Money
from loyalrules.economics.behaviour import BehaviourModel
from loyalrules.economics.shape import OTHER_CATEGORY, ProgramShape
from loyalrules.values.fields import AttributeValue
from loyalrules.values.frozen import value_methods

_PI: Final = Decimal("3.14159265358979323846264338327950288")
TABLE_SIZE: Final = 256


def log_logistic(median: Decimal, spread: Decimal, size: int = TABLE_SIZE) -> tuple[Decimal, ...]:
    """``size`` equally likely values of a log-logistic distribution with this median
    whose logarithm has standard deviation ``spread`` (its quantiles at the middles of
    ``size`` equal slices).

    >>> [str(v.quantize(Decimal("0.01"))) for v in log_logistic(Decimal(10), Decimal(0), 3)]
    ['10.00', '10.00', '10.00']
    """
    with localcontext() as ctx:
        ctx.prec = 28
        scale = spread * Decimal(3).sqrt() / _PI  # a logistic's sd is scale * pi / sqrt(3)
        values = []
        for k in range(size):
            p = (Decimal(k) + Decimal("0.5")) / size
            values.append(median * (scale * (p / (1 - p)).ln()).exp())
    return tuple(values)


@value_methods
@attrs.frozen(eq=False, repr=False)
class Weighted:
    """A choice among ``values`` by weight, made with one ``random()``."""

    values: tuple[str, ...]
    cumulative: tuple[float, ...]

    def pick(self, rng: random.Random) -> str:
        return self.values[bisect.bisect_right(self.cumulative, rng.random() * self.cumulative[-1])]


def category_weights(shape: ProgramShape, model: BehaviourModel) -> Weighted:
    """Weights of the program's categories: as the model names them, ``other_share``
    for lines no rule names, the rest shared equally by the other named ones."""
    basket = model.basket
    given = dict(basket.categories)
    given.setdefault(OTHER_CATEGORY, basket.other_share)
    unnamed = [c for c in shape.categories if c not in given]
    left = max(Decimal(1) - sum(given.values(), Decimal(0)), Decimal(0))
    for category in unnamed:
        given[category] = left / len(unnamed)
    names = tuple(sorted(c for c, w in given.items() if w > 0)) or (OTHER_CATEGORY,)
    running, cumulative = Decimal(0), []
    for name in names:
        running += given.get(name, Decimal(1))
        cumulative.append(float(running))
    return Weighted(names, tuple(cumulative))


@value_methods
@attrs.frozen(eq=False, repr=False)
class Tables:
    """Everything a member's months draw from, built once per simulation."""

    prices: tuple[Money, ...]
    rates: tuple[float, ...]  # each member's visit rate, as a multiple of the mean
    categories: Weighted

    @classmethod
    def build(cls, shape: ProgramShape, model: BehaviourModel) -> Tables:
        quantum = Money.zero(shape.currency).quantum
        prices = tuple(
            Money(max(v.quantize(quantum), quantum), shape.currency)
            for v in log_logistic(model.basket.price, model.basket.price_spread)
        )
        rates = tuple(float(v) for v in log_logistic(Decimal(1), model.visits.spread))
        return cls(prices, rates, category_weights(shape, model))


class DayCounts:
    """On which of ``days`` days something happens, each day with chance ``chance``
    independently: the count is a binomial draw (one ``random()`` against a cumulative
    table built once per ``(days, chance)`` with arithmetic alone), then the days are a
    sample of that many. The same as a draw per day, for a fraction of the draws."""

    def __init__(self) -> None:
        self.tables: dict[tuple[int, float], list[float]] = {}

    def table(self, days: int, chance: float) -> list[float]:
        key = (days, chance)
        cumulative = self.tables.get(key)
        if cumulative is None:
            cumulative = []
            if chance >= 1.0:
                cumulative = [0.0] * days + [1.0]
            else:
                odds, term = chance / (1.0 - chance), (1.0 - chance) ** days
                running = 0.0
                for k in range(days + 1):
                    running += term
                    cumulative.append(running)
                    term *= odds * (days - k) / (k + 1)
                cumulative[-1] = 1.0  # what float sums lose belongs to the last count
            self.tables[key] = cumulative
        return cumulative

    def draw(self, rng: random.Random, days: int, chance: float) -> list[int]:
        """The days (0 to ``days - 1``, in order) on which it happens."""
        if chance <= 0.0:
            return []
        count = bisect.bisect_right(self.table(days, chance), rng.random())
        return sorted(rng.sample(range(days), min(count, days)))


def make_member(
    index: int, rng: random.Random, start: date, shape: ProgramShape, share: Decimal
) -> Member:
    """Member number ``index``: joined up to two years before ``start``, nine in ten
    with a birthday, holding each attribute value a rule asks for with ``share``."""
    first = datetime(start.year, start.month, start.day, tzinfo=UTC)
    joined = first - timedelta(days=rng.randrange(1, 730), seconds=rng.randrange(86400))
    birthday = None
    if rng.random() < 0.9:
        birthday = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 55))
    attributes: dict[str, AttributeValue] = {}
    chance = float(share)
    for name, values in shape.member_attributes.items():
        for value in values:
            if rng.random() < chance:
                attributes[name] = value
    return Member(id=f"m-{index:06d}", joined_at=joined, birthday=birthday, attributes=attributes)


def pick(values: Sequence[str], rng: random.Random) -> str:
    return values[int(rng.random() * len(values))]
