"""Program-wide settings every rule shares: currency, time zone, rounding, stacking."""

from __future__ import annotations

import enum
from datetime import datetime, tzinfo
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import attrs

from loyalrules.errors import UnknownAccount
from loyalrules.ledger.entries import DEFAULT_ACCOUNT
from loyalrules.ledger.exemption import Exemption
from loyalrules.rules.selectors import LineSelector
from loyalrules.rules.stacking import Group
from loyalrules.terms.policies import (
    Account,
    Expiry,
    PayWithPoints,
    Plan,
    RedemptionLimits,
    TransferPolicy,
    Unit,
)
from loyalrules.terms.tiers import Tiers
from loyalrules.values.durations import Duration
from loyalrules.values.frozen import value_methods
from loyalrules.values.money import Money, format_money, minor_units

if TYPE_CHECKING:  # a chart and payouts are read by the operations that use them
    from loyalrules.terms.chart import Chart
    from loyalrules.terms.payouts import Payout


class RoundingMode(enum.Enum):
    """How exact (fractional) points become whole points."""

    FLOOR = "floor"
    HALF_UP = "half_up"
    CEIL = "ceil"

    def round(self, value: Fraction) -> int:
        """``value`` rounded to whole points in this mode."""
        return self.round_ratio(value.numerator, value.denominator)

    def round_ratio(self, numerator: int, denominator: int) -> int:
        """``numerator / denominator`` (denominator > 0) rounded in this mode, exactly."""
        if self is RoundingMode.FLOOR:
            return numerator // denominator
        if self is RoundingMode.CEIL:
            return -(-numerator // denominator)
        return (2 * numerator + denominator) // (2 * denominator)


class RoundingStage(enum.Enum):
    """Where rounding happens: once on the order's total, or on each line."""

    ORDER = "order"
    LINE = "line"


class Stacking(enum.Enum):
    """How several multipliers on the same line combine."""

    MULTIPLY = "multiply"  # 2x and 3x make 6x
    ADD = "add"  # 2x and 3x make 1 + 1 + 2 = 4x
    BEST = "best"  # 2x and 3x make 3x


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class EligibleSpendPolicy:
    """What counts as spend that earns: exclusions, discounts, tax and shipping."""

    exclude: LineSelector | None = None
    discounts_reduce: bool = True
    include_tax: bool = False
    include_shipping: bool = False
    points_payment_earns: bool = False


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class Settings:
    """Program-wide settings."""

    currency: str
    timezone: tzinfo
    points_name: str = "points"
    rounding: RoundingMode = RoundingMode.FLOOR
    rounding_stage: RoundingStage = RoundingStage.ORDER
    stacking: Stacking = Stacking.MULTIPLY
    eligible_spend: EligibleSpendPolicy = EligibleSpendPolicy()
    accounts: tuple[Account, ...] = (Account(),)
    # The names of ``accounts``, worked out once: every Outcome is told them.
    account_names: tuple[str, ...] = attrs.field(
        init=False,
        eq=False,
        repr=False,
        default=attrs.Factory(lambda self: tuple(a.name for a in self.accounts), takes_self=True),
    )
    transfers: TransferPolicy | None = None
    pay_with_points: PayWithPoints | None = None
    restore_grace: Duration | None = None  # None: restored points of expired lots lapse
    tiers: Tiers | None = None
    point_value: Decimal | None = None  # what one point is worth, for economics
    memberships: tuple[Plan, ...] = ()
    locale: str | None = None  # how amounts are written (Babel); None: as always, en-US
    redemption_limits: RedemptionLimits | None = None  # across the rewards catalog
    redemption_chart: Chart | None = None  # points redeemed in steps for money off
    payouts: tuple[Payout, ...] = ()  # credit accrued and issued once a period
    groups: tuple[Group, ...] = ()  # stacking control: groups of rules

    @property
    def minor_units(self) -> int:
        """Decimals of the currency's smallest unit (money accounts count those)."""
        return minor_units(self.currency)

    @property
    def timezone_name(self) -> str:
        """The IANA name of the program's time zone (stored on inactivity rules)."""
        return str(getattr(self.timezone, "key", None) or self.timezone)

    def amount(self, account: str, units: int) -> str:
        """``units`` of ``account`` in words: "120 stars", "5 miles" or "$1.20"."""
        if self.account(account).unit is Unit.MONEY:
            amount = Decimal(units).scaleb(-minor_units(self.currency))
            return format_money(amount, self.currency, locale=self.locale)
        return f"{units} {self.points_name if account == DEFAULT_ACCOUNT else account}"

    def show(self, money: Money) -> str:
        """``money`` as the program's messages write it: ``$12.00``, or ``12,00 €``
        with ``locale: de_DE``."""
        return format_money(money.amount, money.currency, locale=self.locale)

    def lot_dates(
        self, account: str, at: datetime, pending: bool = True, expiry: Expiry | None = None
    ) -> dict[str, Any]:
        """The dates of a lot credited to ``account`` at ``at`` under its policies
        (``pending=False``: available at once; ``expiry``: instead of the account's), as
        keyword arguments of a lot entry."""
        policy = self.account(account)
        expiry = expiry or policy.expiry
        return {
            "available_at": policy.pending.available_at(at, self.timezone) if pending else at,
            "expires_at": expiry.expires_at(at, self.timezone),
            "inactivity": expiry.inactivity_for(self.timezone_name),
            "exemption": self.exemption(expiry),
        }

    def exemption(self, expiry: Expiry) -> Exemption | None:
        """What lots expiring under ``expiry`` carry: the tier levels and paid plans
        whose ``keeps_points`` suspends their expiry (``None`` when there are none)."""
        levels = self.tiers.levels if self.tiers is not None else ()
        return expiry.exemption_for(
            tuple(level.id for level in levels if level.keeps_points),
            tuple(plan.id for plan in self.memberships if plan.keeps_points),
            self.timezone_name,
        )

    def unit_name(self, account: str) -> str:
        """What the account's units are called: the points name, or the account's."""
        return self.points_name if account == DEFAULT_ACCOUNT else account

    def more(self, account: str, units: int) -> str:
        """ "120 more stars" or "$1.20 more": what a member still needs."""
        if self.account(account).unit is Unit.MONEY:
            return f"{self.amount(account, units)} more"
        return f"{units} more {self.points_name if account == DEFAULT_ACCOUNT else account}"

    def account(self, name: str) -> Account:
        """The account called ``name``; a clear error for one the program lacks."""
        for account in self.accounts:
            if account.name == name:
                return account
        raise UnknownAccount(name, self.account_names)
