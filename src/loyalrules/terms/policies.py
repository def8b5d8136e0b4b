"""Lifecycle policies: when earned points become spendable, when they expire, what
happens when a debit finds too few, and whether members may give points away.

Each policy is built once when the program loads and asked for dates per lot. Dates are
computed on the program's local calendar and stored in UTC on the lot, so a daylight
saving change cannot move a boundary and a later program change cannot re-date points
already earned.
"""

from __future__ import annotations

import abc
import enum
import functools
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import ROUND_DOWN, Decimal

import attrs

from loyalrules.ledger.entries import DEFAULT_ACCOUNT
from loyalrules.ledger.exemption import Exemption, Resume
from loyalrules.ledger.fields import Inactivity
from loyalrules.ledger.lots import ConsumptionOrder
from loyalrules.values.durations import Duration
from loyalrules.values.events import Cart
from loyalrules.values.frozen import value_methods
from loyalrules.values.money import Money
from loyalrules.values.timeutil import Period, to_utc


def _local_midnight(day: date, zone: tzinfo) -> datetime:
    return to_utc(datetime(day.year, day.month, day.day, tzinfo=zone))


def end_of_day(day: date, zone: tzinfo) -> datetime:
    """The instant ``day`` ends in ``zone`` (the next local midnight), in UTC."""
    return _local_midnight(day + timedelta(days=1), zone)


class Pending(abc.ABC):
    """When a lot earned at some instant becomes spendable."""

    @abc.abstractmethod
    def available_at(self, earned_at: datetime, zone: tzinfo) -> datetime | None:
        """The instant the lot becomes available; ``None`` waits for an activation."""

    @abc.abstractmethod
    def describe(self) -> str: ...


@value_methods
@attrs.frozen(eq=False, repr=False)
class NotPending(Pending):
    def available_at(self, earned_at: datetime, zone: tzinfo) -> datetime | None:
        return earned_at

    def describe(self) -> str:
        return "available at once"


@value_methods
@attrs.frozen(eq=False, repr=False)
class PendingFor(Pending):
    """Available ``period`` after earning (e.g. ``P14D``, a return window)."""

    period: Duration

    def available_at(self, earned_at: datetime, zone: tzinfo) -> datetime | None:
        return to_utc(self.period.after(earned_at, zone))

    def describe(self) -> str:
        return f"pending for {self.period}"


@value_methods
@attrs.frozen(eq=False, repr=False)
class UntilActivated(Pending):
    """Available when the host reports the source event activated (e.g. shipped)."""

    def available_at(self, earned_at: datetime, zone: tzinfo) -> datetime | None:
        return None

    def describe(self) -> str:
        return "pending until the order is activated"


@value_methods
@attrs.frozen(eq=False, repr=False)
class InactivityTerm:
    """ "After ``period`` without activity": what counts as activity (``counts``, kinds
    from ``ledger.activity``; empty: everything active) and whether the deadline runs
    to the end of its local day or month (``to_end_of``)."""

    period: str
    counts: tuple[str, ...] = ()
    to_end_of: Period | None = None

    def __str__(self) -> str:
        return self.period

    def for_zone(self, zone_name: str) -> Inactivity:
        end = None if self.to_end_of is None else self.to_end_of.value
        return Inactivity(self.period, zone_name, self.counts, end)


class Expiry(abc.ABC):
    """When a lot's points expire. ``inactivity`` may add "or after N without activity"."""

    inactivity: InactivityTerm | None
    resume: Resume  # when a standing that keeps points ends (``keeps_points``)

    @abc.abstractmethod
    def expires_at(self, earned_at: datetime, zone: tzinfo) -> datetime | None:
        """The fixed instant the lot expires, or ``None``."""

    @abc.abstractmethod
    def describe(self) -> str: ...

    def inactivity_for(self, zone_name: str) -> Inactivity | None:
        return None if self.inactivity is None else self.inactivity.for_zone(zone_name)

    def exemption_for(
        self, tiers: tuple[str, ...], plans: tuple[str, ...], zone_name: str
    ) -> Exemption | None:
        """What a lot under this policy carries when the levels ``tiers`` and the
        plans ``plans`` keep points (``None``: nothing keeps them, or they never expire)."""
        if not (tiers or plans) or (isinstance(self, NoFixedExpiry) and self.inactivity is None):
            return None
        period = end_of = None
        if isinstance(self, ExpireAfter) and self.resume is Resume.RESTART:
            period = self.period.text
            end_of = None if self.end_of is None else self.end_of.value
        return Exemption(tiers, plans, self.resume.value, zone_name, period, end_of)


@value_methods
@attrs.frozen(eq=False, repr=False)
class NoFixedExpiry(Expiry):
    """Never expires by date (only by inactivity, when ``inactivity`` is set)."""

    inactivity: InactivityTerm | None = None
    resume: Resume = Resume.REMAINING

    def expires_at(self, earned_at: datetime, zone: tzinfo) -> datetime | None:
        return None

    def describe(self) -> str:
        if self.inactivity is None:
            return "never expires"
        return f"expires after {self.inactivity} without activity"


@value_methods
@attrs.frozen(eq=False, repr=False)
class ExpireAfter(Expiry):
    """``period`` after earning; with ``end_of``, at the end of that month/quarter/year."""

    period: Duration
    end_of: Period | None = None
    inactivity: InactivityTerm | None = None
    resume: Resume = Resume.REMAINING

    def expires_at(self, earned_at: datetime, zone: tzinfo) -> datetime | None:
        if self.end_of is None or self.period.clock:
            return self._expires_at(earned_at, zone)
        # With ``end_of`` and a duration of whole days, the date depends only on the local
        # day of earning: worked out once per day, as lots are dated by the thousand.
        try:
            return _expiry_of_day(self, earned_at.astimezone(zone).date(), zone)
        except TypeError:  # a zone that cannot be hashed (some of dateutil's): no memo
            return self._expires_at(earned_at, zone)

    def _expires_at(self, earned_at: datetime, zone: tzinfo) -> datetime:
        due = to_utc(self.period.after(earned_at, zone))
        if self.end_of is None:
            return due
        return self.end_of.bounds(due.astimezone(zone))[1]

    def describe(self) -> str:
        end = f", at the end of that {self.end_of.value}" if self.end_of else ""
        return f"expires {self.period} after earning{end}"


@functools.lru_cache(maxsize=4096)  # pure: the same policy, day and zone, the same date
def _expiry_of_day(expiry: ExpireAfter, day: date, zone: tzinfo) -> datetime:
    """When ``expiry`` (with ``end_of``, a whole number of days) ends the lots earned on
    the local ``day`` in ``zone``: as for any instant of that day, here its noon."""
    return expiry._expires_at(datetime.combine(day, time(12), tzinfo=zone), zone)


@value_methods
@attrs.frozen(eq=False, repr=False)
class ExpireOnDate(Expiry):
    """At the end of a fixed calendar day (promotional points)."""

    day: date
    inactivity: InactivityTerm | None = None
    resume: Resume = Resume.REMAINING

    def expires_at(self, earned_at: datetime, zone: tzinfo) -> datetime | None:
        return end_of_day(self.day, zone)

    def describe(self) -> str:
        return f"expires at the end of {self.day.isoformat()}"


@value_methods
@attrs.frozen(eq=False, repr=False)
class ExpireAnnually(Expiry):
    """At the end of the first ``month``-``day`` on or after the earning day, plus
    ``years_later`` years ("December 31 of the year after earning": 12-31, 1)."""

    month: int
    day: int
    years_later: int = 0
    inactivity: InactivityTerm | None = None
    resume: Resume = Resume.REMAINING

    def expires_at(self, earned_at: datetime, zone: tzinfo) -> datetime | None:
        earned_on = earned_at.astimezone(zone).date()
        due = date(earned_on.year, self.month, self.day)
        if due < earned_on:
            due = date(earned_on.year + 1, self.month, self.day)
        return end_of_day(due.replace(year=due.year + self.years_later), zone)

    def describe(self) -> str:
        later = f", {self.years_later} year(s) later" if self.years_later else ""
        return f"expires at the end of the next {self.month:02d}-{self.day:02d}{later}"


class NegativeBalance(enum.Enum):
    """What a debit does when the account has too few points (returns, corrections)."""

    ALLOW = "allow"  # carry a deficit: the next credit pays it
    CLAMP = "clamp"  # stop at zero: the shortfall is recorded as written off


class Unit(enum.Enum):
    POINTS = "points"
    MONEY = "money"  # whole minor units of the program currency (cents)


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class Account:
    """An account's unit and lifecycle. ``points`` always exists."""

    name: str = DEFAULT_ACCOUNT
    unit: Unit = Unit.POINTS
    pending: Pending = NotPending()
    expiry: Expiry = NoFixedExpiry()
    negative_balance: NegativeBalance = NegativeBalance.ALLOW
    consumption: ConsumptionOrder = ConsumptionOrder.SOONEST_EXPIRING


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class TransferPolicy:
    """Members may give points of ``account`` to other members, within limits."""

    account: str = DEFAULT_ACCOUNT
    min_points: int = 1
    max_points: int | None = None
    limit_points: int | None = None  # per sender per ``limit_period``
    limit_period: Period = Period.YEAR


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class PayWithPoints:
    """Points paying part of an order: ``points`` of ``account`` are worth ``value``.

    At least ``min_points``, in multiples of ``step``, at most ``max_share`` (a fraction)
    of what the order costs. ``earns``: whether the part paid with points earns points.
    """

    account: str = DEFAULT_ACCOUNT
    points: int
    value: Decimal
    min_points: int = 0
    step: int = 1
    max_share: Decimal = Decimal(1)
    earns: bool = False

    def most(self, cart: Cart, available: int, already: int = 0) -> int:
        """The most points this cart may be paid with, given ``available`` points and
        ``already`` paid towards it."""
        share = cart.payable.amount * self.max_share
        by_share = int((share * self.points / self.value).to_integral_value(ROUND_DOWN)) - already
        best = min(available, by_share)
        best -= best % self.step
        return best if best >= max(self.min_points, 1) else 0

    def worth(self, points: int, currency: str) -> Money:
        """What ``points`` pay, down to the currency's minor unit."""
        amount = (self.value * points / self.points).quantize(
            Money.zero(currency).quantum, ROUND_DOWN
        )
        return Money(amount, currency)


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class RedemptionLimits:
    """Limits across the whole catalog: at most ``per_order`` rewards per order, and at
    most ``times`` redemptions per member per calendar ``per`` (``redemption_limits``)."""

    per_order: int | None = None
    times: int | None = None
    per: Period | None = None


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class Plan:
    """A paid membership plan (see ``memberships``)."""

    id: str
    name: str
    fee: Decimal
    period: Duration
    multiplier: Decimal | None = None
    signup_bonus: int | None = None
    perks: tuple[str, ...] = ()
    keeps_points: bool = False  # points do not expire while the plan is active
