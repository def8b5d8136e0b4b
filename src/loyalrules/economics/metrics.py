"""Economic figures of a program over a set of members' ledgers, per month and in total.

Every figure is defined in ``docs/economics.md``. Points are counted in the ``points``
account; money accounts (cashback) are counted in currency as ``cashback``. Months are
calendar months in the program's time zone.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import attrs

from loyalrules import (
    Adjusted,
    Earned,
    Expired,
    Ledger,
    MembershipValue,
    Money,
    NotAllowed,
    Program,
    Recorded,
    Redeemed,
    Restored,
    Reversed,
    TierChanged,
    TransferredOut,
    ValidationError,
)
from loyalrules.economics.calendar import BEGINNING, FOREVER, Month
from loyalrules.ledger.balances import available_and_pending
from loyalrules.operations.redemption import PAY_WITH_POINTS
from loyalrules.terms.policies import Unit
from loyalrules.values.frozen import value_methods

POINTS = "points"
REWARD_CREDIT = "reward:"
"""Rule ids of money credited by a redemption (a ``credit`` reward) start with this."""
_RATE_PLACES = Decimal("0.0001")
_INSTANT = timedelta(microseconds=1)


def point_value_of(program: Program, given: Decimal | str | None = None) -> Decimal:
    """What one point is worth: ``given``, else the program's ``point_value``, else what
    points pay at checkout under ``pay_with_points``."""
    if given is not None:
        try:
            value = Decimal(given)
        except (ArithmeticError, TypeError, ValueError):
            value = Decimal("NaN")
        if not value.is_finite() or value <= 0:
            raise ValidationError(
                f"point_value must be an amount above 0 such as '0.01', not {given!r}"
            )
        return value
    settings = program.settings
    if settings.point_value is not None:
        return settings.point_value
    pay = settings.pay_with_points
    if pay is not None:
        return pay.value / pay.points
    raise NotAllowed(
        f"program {program.id!r} does not say what a point is worth: add 'point_value: "
        '"0.01"\' to the program file, or pass point_value (--point-value on the '
        "command line)"
    )


def _ratio(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    if denominator <= 0:
        return None
    return (numerator / denominator).quantize(_RATE_PLACES, ROUND_HALF_UP)


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class Figures:
    """The figures of one period (a month, or ``total``).

    Flows (``issued`` ... ``cashback``, ``paid_with_points`` ... ``adjusted``) are what
    happened in the period; stocks (``outstanding``, ``pending``, ``tiers``) are as of the
    period's end. ``paid_with_points`` is the part of ``redeemed`` paid at checkout,
    ``referrals`` the part of ``issued`` the referral rules paid (both sides).
    """

    period: str
    issued: int
    redeemed: int
    expired: int
    reversed: int
    engagement: int
    spend: Decimal
    cashback: Decimal
    outstanding: int
    pending: int
    active_members: int
    tiers: Mapping[str, int] = attrs.field(factory=dict)
    upgrades: int = 0
    downgrades: int = 0
    paid_with_points: int = 0
    transferred: int = 0
    referrals: int = 0
    adjusted: int = 0
    point_value: Decimal

    @property
    def breakage_rate(self) -> Decimal | None:
        """Points expired per point issued in the period."""
        return _ratio(Decimal(self.expired), Decimal(self.issued))

    @property
    def reward_rate(self) -> Decimal | None:
        """Value of the points issued less reversed, per unit of eligible spend."""
        return _ratio((self.issued - self.reversed) * self.point_value, self.spend)

    @property
    def cost_rate(self) -> Decimal | None:
        """Value of the points redeemed plus cashback, per unit of eligible spend."""
        return _ratio(self.redeemed * self.point_value + self.cashback, self.spend)

    @property
    def liability(self) -> Decimal:
        """Outstanding available points at the point value (deficits deducted)."""
        return self.outstanding * self.point_value

    @property
    def pending_liability(self) -> Decimal:
        """Outstanding pending points at the point value."""
        return self.pending * self.point_value

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe figures: amounts and rates as strings, counts as numbers."""
        data: dict[str, Any] = attrs.asdict(self, recurse=False)
        data["tiers"] = dict(self.tiers)
        for name in ("breakage_rate", "reward_rate", "cost_rate", "liability", "pending_liability"):
            data[name] = getattr(self, name)
        return {k: str(v) if isinstance(v, Decimal) else v for k, v in data.items()}


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class Report:
    """Figures per month and in total, with what each paid plan gave against its fees."""

    program: str
    currency: str
    point_value: Decimal
    members: int
    months: tuple[Figures, ...]
    total: Figures
    memberships: tuple[MembershipValue, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "program": self.program,
            "currency": self.currency,
            "point_value": str(self.point_value),
            "members": self.members,
            "months": [m.to_dict() for m in self.months],
            "total": self.total.to_dict(),
            "memberships": [
                {
                    "plan": v.plan,
                    "members": v.members,
                    "fees": str(v.fees.amount),
                    "points_given": v.points_given,
                    "benefits": str(v.benefits.amount),
                    "ratio": None if v.ratio is None else str(_ratio(v.ratio, Decimal(1))),
                }
                for v in self.memberships
            ],
        }


class _Tally:
    """Mutable sums of one period while the ledgers are read."""

    __slots__ = ("active", "adjusted", "cashback", "downgrades", "engagement", "expired",
                 "issued", "paid_with_points", "redeemed", "referrals", "reversed", "spend",
                 "transferred", "upgrades")  # fmt: skip

    def __init__(self) -> None:
        self.issued = self.redeemed = self.expired = self.reversed = self.engagement = 0
        self.upgrades = self.downgrades = self.active = 0
        self.paid_with_points = self.transferred = self.referrals = self.adjusted = 0
        self.spend = Decimal(0)
        self.cashback = 0  # minor units


def _add(total: _Tally, part: _Tally) -> None:
    for name in _Tally.__slots__:
        setattr(total, name, getattr(total, name) + getattr(part, name))


class _Reader:
    """Reads one ledger's entries into the tallies of the months they fall in."""

    def __init__(self, program: Program, months: Sequence[Month]) -> None:
        settings = program.settings
        self.money = {a.name for a in settings.accounts if a.unit is Unit.MONEY}
        tiers = settings.tiers
        self.ranks = {} if tiers is None else {level.id: level.rank for level in tiers.levels}
        self.base = None if tiers is None else tiers.levels[0].id
        terms = program.referrals
        self.referral_rules = frozenset(
            ()
            if terms is None
            else {
                *terms.qualifying,
                *(r.id for r in program.rules if r.activities and terms.kind in r.activities),
            }
        )
        self.starts = [m.start for m in months]
        self.end = months[-1].end
        self.tallies = [_Tally() for _ in months]
        self.active_members = 0  # members active in at least one of the months

    def read(self, ledger: Ledger) -> list[str | None]:
        """Add ``ledger`` to the tallies; its tier at the end of each month."""
        tallies, starts, money, ranks = self.tallies, self.starts, self.money, self.ranks
        seen: set[int] = set()
        payments: set[str] = set()  # keys of the points payments at checkout
        changes: list[tuple[datetime, str]] = []
        for entry in ledger.entries:
            at = entry.at
            if at < starts[0] or at >= self.end:
                continue
            index = bisect.bisect_right(starts, at) - 1
            tally = tallies[index]
            if getattr(entry, "active", False) and index not in seen:
                seen.add(index)
                tally.active += 1
            account = getattr(entry, "account", POINTS)
            if isinstance(entry, Earned):
                if account in money:
                    # Store credit bought with points is paid for by those points already.
                    if not entry.rule_id.startswith(REWARD_CREDIT):
                        tally.cashback += entry.points
                elif account == POINTS:
                    tally.issued += entry.points
                    if entry.source.startswith("activity:"):
                        tally.engagement += entry.points
                    if entry.rule_id in self.referral_rules:
                        tally.referrals += entry.points
            elif isinstance(entry, Recorded):
                if entry.spend is not None:
                    sign = -1 if entry.event_type == "return" else 1
                    tally.spend += sign * entry.spend.amount
            elif isinstance(entry, Reversed):
                taken = entry.charged  # not what had expired already, nor a write-off
                if account in money:
                    tally.cashback -= taken
                elif account == POINTS:
                    tally.reversed += taken
            elif account != POINTS:
                continue
            elif isinstance(entry, Redeemed):
                tally.redeemed += entry.charged
                if entry.reward_id == PAY_WITH_POINTS:
                    payments.add(entry.key)
                    tally.paid_with_points += entry.charged
            elif isinstance(entry, Restored):
                tally.redeemed -= entry.points - entry.lapsed
                if entry.redemption in payments:
                    tally.paid_with_points -= entry.points - entry.lapsed
            elif isinstance(entry, Adjusted):
                tally.adjusted += (
                    entry.points + entry.written_off
                )  # a debit's write-off is forgiven
            elif isinstance(entry, TransferredOut):
                tally.transferred += entry.charged
            elif isinstance(entry, Expired):
                tally.expired += entry.charged
            elif isinstance(entry, TierChanged):
                changes.append((at, entry.level))
                if ranks.get(entry.level, 0) > ranks.get(entry.previous, 0):
                    tally.upgrades += 1
                else:
                    tally.downgrades += 1
        self.active_members += bool(seen)
        return self._levels(changes)

    def _levels(self, changes: list[tuple[datetime, str]]) -> list[str | None]:
        levels, level, i = [], self.base, 0
        for end in [*self.starts[1:], self.end]:
            while i < len(changes) and changes[i][0] < end:
                level = changes[i][1]
                i += 1
            levels.append(level)
        return levels


def measure(
    program: Program,
    ledgers: Iterable[Ledger],
    months: Sequence[Month],
    *,
    point_value: Decimal | str | None = None,
) -> Report:
    """The figures of ``ledgers`` (one per member) over ``months``, consecutive.

    Balances are read at each month's end (an instant before); tiers from the
    ``TierChanged`` entries
    written by ``Program.review_tiers`` (members with none are at the base level). For example::

        report = measure(program, ledgers, months_from(start, 12, zone))
        report.total.reward_rate
    """
    if not months:
        raise NotAllowed("measure needs at least one month")
    value = point_value_of(program, point_value)
    reader = _Reader(program, months)
    outstanding = [0] * len(months)
    pending = [0] * len(months)
    tiers: list[dict[str, int]] = [{} for _ in months]
    members = 0
    kept: list[Ledger] = []
    # Stocks are read an instant before each month ends, so points expiring at midnight
    # are outstanding in the month and expired in the next, as their Expired entry is.
    ends = [month.end - _INSTANT for month in months]
    for ledger in ledgers:
        members += 1
        kept.append(ledger)
        levels = reader.read(ledger)
        for i, (available, waiting) in enumerate(available_and_pending(ledger, ends, POINTS)):
            outstanding[i] += available
            pending[i] += waiting
            level = levels[i]
            if level is not None:
                tiers[i][level] = tiers[i].get(level, 0) + 1
    quantum = Money.zero(program.settings.currency).quantum
    minor = Decimal(1).scaleb(-program.settings.minor_units)

    def figures(period: str, tally: _Tally, i: int) -> Figures:
        return Figures(
            period=period,
            issued=tally.issued,
            redeemed=tally.redeemed,
            expired=tally.expired,
            reversed=tally.reversed,
            engagement=tally.engagement,
            spend=tally.spend.quantize(quantum),
            cashback=(tally.cashback * minor).quantize(quantum),
            outstanding=outstanding[i],
            pending=pending[i],
            active_members=tally.active,
            tiers=dict(sorted(tiers[i].items(), key=lambda kv: reader.ranks.get(kv[0], 0))),
            upgrades=tally.upgrades,
            downgrades=tally.downgrades,
            paid_with_points=tally.paid_with_points,
            transferred=tally.transferred,
            referrals=tally.referrals,
            adjusted=tally.adjusted,
            point_value=value,
        )

    monthly = tuple(
        figures(m.name, t, i) for i, (m, t) in enumerate(zip(months, reader.tallies, strict=True))
    )
    total = _Tally()
    for tally in reader.tallies:
        _add(total, tally)
    total.active = reader.active_members
    plans = tuple(
        program.membership_value(plan.id, kept, value) for plan in program.settings.memberships
    )
    return Report(
        program=program.id,
        currency=program.settings.currency,
        point_value=value,
        members=members,
        months=monthly,
        total=figures("total", total, len(months) - 1),
        memberships=plans,
    )


def points_by_rule(ledgers: Iterable[Ledger]) -> dict[str, int]:
    """Points of the ``points`` account each rule paid across ``ledgers``, less what
    returns took back of its lots (rule ids as in ``Earned.rule_id``)."""
    totals: dict[str, int] = {}
    for ledger in ledgers:
        rules: dict[str, str] = {}
        for entry in ledger.entries:
            if isinstance(entry, Earned) and entry.account == POINTS:
                rules[entry.key] = entry.rule_id
                totals[entry.rule_id] = totals.get(entry.rule_id, 0) + entry.points
            elif isinstance(entry, Reversed) and entry.account == POINTS:
                for part in entry.reverses:
                    rule = rules.get(part.lot)
                    if rule is not None:
                        totals[rule] = totals.get(rule, 0) - part.points
    return totals


def reward_rate_of(
    program: Program, ledgers: Iterable[Ledger], point_value: Decimal | str | None = None
) -> tuple[Decimal | None, int, Decimal]:
    """``(effective reward rate, points issued less reversed, eligible spend)`` over the
    whole of ``ledgers``, whatever their dates."""
    value = point_value_of(program, point_value)
    reader = _Reader(program, [Month("all", BEGINNING, FOREVER)])
    for ledger in ledgers:
        reader.read(ledger)
    tally = reader.tallies[0]
    points = tally.issued - tally.reversed
    return _ratio(points * value, tally.spend), points, tally.spend
