"""Periodic payouts: credit that accrues across purchases and is issued once a period.

"2% of what you spend, paid once a year, in whole $0.50, from $0.50 up to $100, if you
spent at least $10 that year": a :class:`Payout` accrues ``percent`` of the member's net
eligible spend in each calendar ``period`` (the program's zone), exactly, and at the
period's end issues one amount, rounded once, to the ``step``, capped at ``maximum``,
and only from ``minimum`` and with at least ``min_net_spend`` spent.

>>> from decimal import Decimal
>>> from loyalrules.values.timeutil import Period
>>> payout = Payout(id="d", name="Dividend", percent=Decimal(2), period=Period.YEAR,
...                 account="cash", step=Decimal("0.50"), minimum=Decimal("0.50"))
>>> payout.to_issue(Decimal("187.40"), Decimal("0.01"))  # 2% is 3.748: whole 0.50s, down
Decimal('3.50')
"""

from __future__ import annotations

import enum
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

import attrs

from loyalrules.values.frozen import value_methods
from loyalrules.values.timeutil import Period

_ZERO = Decimal(0)


class PayoutRounding(enum.Enum):
    """How a period's exact accrual becomes the amount issued (to the step, or the
    currency's minor unit)."""

    FLOOR = "floor"
    HALF_UP = "half_up"
    CEIL = "ceil"

    @property
    def decimal_mode(self) -> str:
        return {"floor": ROUND_FLOOR, "half_up": ROUND_HALF_UP, "ceil": ROUND_CEILING}[self.value]


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class Payout:
    """One ``payouts`` entry of a program (amounts in the program's currency)."""

    id: str
    name: str
    percent: Decimal
    period: Period
    account: str
    rounding: PayoutRounding = PayoutRounding.FLOOR
    step: Decimal | None = None  # issue whole multiples of this (default: the minor unit)
    minimum: Decimal | None = None  # nothing is issued under this
    maximum: Decimal | None = None  # at most this per period
    min_net_spend: Decimal | None = None  # the period's net spend must reach this

    def accrued(self, net_spend: Decimal) -> Decimal:
        """The exact credit ``net_spend`` accrues (never below zero)."""
        return max(net_spend, _ZERO) * self.percent / 100

    def to_issue(self, net_spend: Decimal, minor_unit: Decimal) -> Decimal:
        """What a period with ``net_spend`` issues at its end (zero: nothing), in whole
        ``minor_unit``s of the program's currency (``0.01`` for USD, ``0.001`` for KWD)."""
        if self.min_net_spend is not None and net_spend < self.min_net_spend:
            return _ZERO
        quantum = self.step or minor_unit
        units = (self.accrued(net_spend) / quantum).quantize(
            Decimal(1), rounding=self.rounding.decimal_mode
        )
        # A step is whole minor units (the loader checks): this only sets the exponent.
        amount = (units * quantum).quantize(minor_unit, rounding=ROUND_FLOOR)
        if self.maximum is not None:
            amount = min(amount, self.maximum)
        if self.minimum is not None and amount < self.minimum:
            return _ZERO
        return amount
