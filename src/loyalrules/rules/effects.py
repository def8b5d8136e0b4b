"""Effects: how many points a rule gives once its conditions hold.

Effects come in three phases, evaluated in this order for every purchase:

* :class:`SpendEffect` — base points from eligible spend (exact fractions per line);
* :class:`Multiplier` — a factor on the base points of the lines it selects;
* :class:`BonusEffect` — whole points added after multipliers (never multiplied).

Subclass one of them to add an effect type.
"""

from __future__ import annotations

import abc
import math
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

import attrs

from loyalrules.rules.context import Context
from loyalrules.rules.lines import EligibleLine
from loyalrules.values.frozen import value_methods
from loyalrules.values.money import format_money


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f")


class Effect(abc.ABC):
    """What a rule gives. Subclass :class:`SpendEffect`, :class:`Multiplier` or
    :class:`BonusEffect`, not this class."""

    __slots__ = ()

    @abc.abstractmethod
    def promise(self, unit: str) -> str:
        """What the effect would give, for near-miss messages: ``"+100 bonus stars"``."""


class SpendEffect(Effect):
    """Base points earned from eligible spend."""

    __slots__ = ()

    @abc.abstractmethod
    def earn(self, part: Decimal, whole: Decimal) -> Fraction:
        """Exact points for ``part`` of the spend this rule sees in one rounding unit.

        ``whole`` is all the spend the rule sees in that unit (the order's selected
        lines, or one line when rounding per line); ``part`` is a share of it whose lines
        are multiplied alike. Points must be proportional to ``part`` for a given
        ``whole``, so that pooling lines never changes the result.
        """

    def earn_exact(self, part: Decimal, whole: Decimal) -> tuple[int, int]:
        """:meth:`earn` as a ``(numerator, denominator)`` pair of integers, which is what
        the engine calls; override it too when a faster exact form exists."""
        points = self.earn(part, whole)
        return points.numerator, points.denominator


class Multiplier(Effect):
    """Multiplies the base points of the lines its rule selects (``factor`` >= 1); with
    ``paid_with``, only the share of them paid with those payment methods."""

    __slots__ = ()
    factor: Fraction
    paid_with: frozenset[str] | None = None


class BonusEffect(Effect):
    """Whole points added after multipliers."""

    __slots__ = ()

    @abc.abstractmethod
    def points(self, ctx: Context, lines: Sequence[EligibleLine]) -> int:
        """The bonus for this event; ``lines`` are the eligible lines the rule selects."""


@value_methods
@attrs.frozen(eq=False, repr=False)
class PointsPerSpend(SpendEffect):
    """``points`` for every ``per`` of eligible spend.

    With ``whole=True`` only whole increments count: 10 points per whole $10 gives 50 for
    $59.99. Otherwise spend earns pro rata: 1.25 points per $1 gives 41.25 for $33.00
    (rounded later, at the program's rounding stage).
    """

    points: Decimal
    per: Decimal
    currency: str
    whole: bool = True
    locale: str | None = attrs.field(default=None, kw_only=True)  # how amounts are written
    _points: tuple[int, int] = attrs.field(init=False, repr=False, eq=False)
    _per: tuple[int, int] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_points", self.points.as_integer_ratio())
        object.__setattr__(self, "_per", self.per.as_integer_ratio())

    def earn(self, part: Decimal, whole: Decimal) -> Fraction:
        return Fraction(*self.earn_exact(part, whole))

    def earn_exact(self, part: Decimal, whole: Decimal) -> tuple[int, int]:
        points, points_den = self._points
        per, per_den = self._per
        part_num, part_den = part.as_integer_ratio()
        if not self.whole:  # part * points / per
            return part_num * points * per_den, part_den * points_den * per
        # Whole increments of all the spend the rule sees, shared out in proportion to
        # spend so that line multipliers can apply to their part.
        whole_num, whole_den = whole.as_integer_ratio()
        increments = (whole_num * per_den) // (whole_den * per)
        if part == whole or not whole_num:
            return increments * points, points_den
        return increments * points * part_num * whole_den, points_den * part_den * whole_num

    def promise(self, unit: str) -> str:
        whole = "whole " if self.whole else ""
        per = format_money(self.per, self.currency, locale=self.locale)
        return f"{_number(self.points)} {unit} per {whole}{per}"


@value_methods
@attrs.frozen(eq=False, repr=False)
class Multiply(Multiplier):
    """Multiply base points by ``factor`` (2 for double points), or only those of the
    share paid with ``paid_with`` ("3x on the part paid with the co-brand card")."""

    factor: Fraction
    paid_with: frozenset[str] | None = None

    def promise(self, unit: str) -> str:
        text = f"{_number(Decimal(self.factor.numerator) / self.factor.denominator)}x {unit}"
        if self.paid_with is None:
            return text
        return f"{text} on the part paid with {' or '.join(sorted(self.paid_with))}"


@value_methods
@attrs.frozen(eq=False, repr=False)
class Bonus(BonusEffect):
    """A fixed number of points."""

    amount: int

    def points(self, ctx: Context, lines: Sequence[EligibleLine]) -> int:
        return self.amount

    def promise(self, unit: str) -> str:
        return f"+{self.amount} bonus {unit}"


@value_methods
@attrs.frozen(eq=False, repr=False)
class PointsPerTender(BonusEffect):
    """``rate`` points for every ``per`` of the rule's eligible spend paid with ``methods``:
    the spend times the share of the purchase those tenders paid (whole increments, or
    pro rata when ``whole`` is false), rounded down once."""

    methods: frozenset[str]
    rate: Decimal
    per: Decimal
    currency: str
    whole: bool = True
    locale: str | None = attrs.field(default=None, kw_only=True)  # how amounts are written

    def points_for(self, spend: Decimal, share: Fraction) -> int:
        paid = Fraction(spend) * share
        if self.whole:
            return math.floor(math.floor(paid / Fraction(self.per)) * Fraction(self.rate))
        return math.floor(paid * Fraction(self.rate) / Fraction(self.per))

    def points(self, ctx: Context, lines: Sequence[EligibleLine]) -> int:
        if ctx.cart is None:
            return 0
        spend = sum((el.spend for el in lines if el.eligible), Decimal(0))
        return self.points_for(spend, ctx.cart.tender_share(self.methods))

    def promise(self, unit: str) -> str:
        whole = "whole " if self.whole else ""
        paid = " or ".join(sorted(self.methods))
        per = format_money(self.per, self.currency, locale=self.locale)
        return f"{_number(self.rate)} {unit} per {whole}{per} paid with {paid}"


@value_methods
@attrs.frozen(eq=False, repr=False)
class PointsPerItem(BonusEffect):
    """``amount`` points for each unit bought of the selected items."""

    amount: int

    def points(self, ctx: Context, lines: Sequence[EligibleLine]) -> int:
        return self.amount * sum(el.line.quantity for el in lines)

    def promise(self, unit: str) -> str:
        return f"+{self.amount} {unit} per item"


@value_methods
@attrs.frozen(eq=False, repr=False)
class Cashback(PointsPerSpend):
    """``percent`` of eligible spend, pro rata, in whole minor units of the currency
    (cents) for a money account; built with ``points`` = cents per one currency unit."""

    percent: Decimal = Decimal(0)

    def promise(self, unit: str) -> str:
        return f"{_number(self.percent)}% back"
