"""Effects: how many points a rule gives once its conditions hold.

Effects come in three phases, evaluated in this order for every purchase:

* :class:`SpendEffect` — base points from eligible spend (exact fractions per line);
* :class:`Multiplier` — a factor on the base points of the lines it selects;
* :class:`BonusEffect` — whole points added after multipliers (never multiplied).

Subclass one of them to add an effect type.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

import attrs

from loyalrules.money import Money
from loyalrules.rules.context import Context, EligibleLine


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


class Multiplier(Effect):
    """Multiplies the base points of the lines its rule selects."""

    __slots__ = ()
    factor: Fraction


class BonusEffect(Effect):
    """Whole points added after multipliers."""

    __slots__ = ()

    @abc.abstractmethod
    def points(self, ctx: Context, lines: Sequence[EligibleLine]) -> int:
        """The bonus for this event; ``lines`` are the eligible lines the rule selects."""


@attrs.frozen
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
    _rate: Fraction = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_rate", Fraction(self.points) / Fraction(self.per))

    def earn(self, part: Decimal, whole: Decimal) -> Fraction:
        if not self.whole:
            return Fraction(part) * self._rate
        if not whole:
            return Fraction(0)
        # Whole increments of all the spend the rule sees, shared out in proportion to
        # spend so that line multipliers can apply to their part.
        points = Fraction((whole // self.per) * self.points)
        return points if part == whole else points * Fraction(part) / Fraction(whole)

    def promise(self, unit: str) -> str:
        whole = "whole " if self.whole else ""
        return f"{_number(self.points)} {unit} per {whole}{Money(self.per, self.currency)}"


@attrs.frozen
class Multiply(Multiplier):
    """Multiply base points by ``factor`` (2 for double points)."""

    factor: Fraction

    def promise(self, unit: str) -> str:
        return f"{_number(Decimal(self.factor.numerator) / self.factor.denominator)}x {unit}"


@attrs.frozen
class Bonus(BonusEffect):
    """A fixed number of points."""

    amount: int

    def points(self, ctx: Context, lines: Sequence[EligibleLine]) -> int:
        return self.amount

    def promise(self, unit: str) -> str:
        return f"+{self.amount} bonus {unit}"


@attrs.frozen
class PointsPerItem(BonusEffect):
    """``amount`` points for each unit bought of the selected items."""

    amount: int

    def points(self, ctx: Context, lines: Sequence[EligibleLine]) -> int:
        return self.amount * sum(el.line.quantity for el in lines)

    def promise(self, unit: str) -> str:
        return f"+{self.amount} {unit} per item"
