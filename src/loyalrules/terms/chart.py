"""A redemption chart: points redeemed in steps ("100 points = $2.00, 500 points =
$17.50"), and which combination of steps a request for some points gets.

``best_value`` gives the member the most money the requested points can buy (ties: the
fewest points, then the fewest steps); ``largest_first`` takes the largest step as often
as it fits, then the next. Either way the request is rounded down to what the chart can give.

>>> from decimal import Decimal
>>> chart = Chart(steps=(Step(100, Decimal("2.00")), Step(500, Decimal("17.50"))))
>>> [(s.points, n) for s, n in chart.pick(650)]
[(500, 1), (100, 1)]
"""

from __future__ import annotations

import enum
import math
from decimal import Decimal

import attrs

from loyalrules.ledger.entries import DEFAULT_ACCOUNT
from loyalrules.values.frozen import value_methods


@value_methods
@attrs.frozen(eq=False, repr=False)
class Step:
    """``points`` redeem for ``amount``."""

    points: int
    amount: Decimal


class Pick(enum.Enum):
    BEST_VALUE = "best_value"
    LARGEST_FIRST = "largest_first"


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class Chart:
    """The program's ``redemption_chart``: its steps, how to combine them, the account."""

    steps: tuple[Step, ...]
    pick_by: Pick = Pick.BEST_VALUE
    account: str = DEFAULT_ACCOUNT

    @property
    def smallest(self) -> int:
        return min(step.points for step in self.steps)

    def pick(self, points: int) -> tuple[tuple[Step, int], ...]:
        """How many of each step ``points`` redeem for (largest steps first; empty when
        fewer points than the smallest step)."""
        if self.pick_by is Pick.LARGEST_FIRST:
            counts = _largest_first(self.steps, points)
        else:
            counts = _best_value(self.steps, points)
        ordered = sorted(self.steps, key=lambda step: -step.points)
        return tuple((step, counts[step]) for step in ordered if counts.get(step))


def _largest_first(steps: tuple[Step, ...], points: int) -> dict[Step, int]:
    counts = {}
    for step in sorted(steps, key=lambda s: (-s.points, -s.amount)):
        counts[step], points = divmod(points, step.points)
    return counts


def _best_value(steps: tuple[Step, ...], points: int) -> dict[Step, int]:
    # Unbounded knapsack. In an optimal choice the steps other than the best-rated one
    # use fewer than best.points of each residue, so beyond a bounded remainder the
    # best-rated step is taken as often as it fits; the rest is solved exactly.
    best = max(steps, key=lambda s: (s.amount / s.points, s.points))  # equals: the larger
    bound = (best.points + 1) * max(s.points for s in steps)
    bulk = max(0, (points - bound) // best.points)
    rest = points - bulk * best.points
    unit = math.gcd(*(s.points for s in steps))
    size = rest // unit
    # (amount, -points, -steps): the most money, then the fewest points and steps
    value: list[tuple[Decimal, int, int]] = [(Decimal(0), 0, 0)] * (size + 1)
    choice: list[Step | None] = [None] * (size + 1)
    for n in range(1, size + 1):
        value[n], choice[n] = value[n - 1], None
        for step in steps:
            k = step.points // unit
            if k <= n:
                amount, used, pieces = value[n - k]
                candidate = (amount + step.amount, used - step.points, pieces - 1)
                if candidate > value[n]:
                    value[n], choice[n] = candidate, step
    counts = {best: bulk}
    n = size
    while n > 0:
        taken = choice[n]
        if taken is None:
            n -= 1
            continue
        counts[taken] = counts.get(taken, 0) + 1
        n -= taken.points // unit
    return counts
