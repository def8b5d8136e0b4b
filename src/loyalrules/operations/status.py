"""A member's standing as of an instant: balances per account and what expires next."""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from decimal import Decimal

import attrs

from loyalrules.errors import UnknownAccount
from loyalrules.ledger.entries import DEFAULT_ACCOUNT
from loyalrules.ledger.ledger import Balance, Ledger
from loyalrules.operations.payouts import PayoutStatus, payout_statuses
from loyalrules.operations.tier_changes import tier_state
from loyalrules.rules.challenges import Challenge, ChallengeProgress, progress
from loyalrules.rules.settings import Settings
from loyalrules.terms.policies import Unit
from loyalrules.terms.tiers import Level, Measure, Metric, Tiers, TierState, Window
from loyalrules.values.frozen import value_methods
from loyalrules.values.member import Member
from loyalrules.values.money import Money, format_money, minor_units
from loyalrules.values.timeutil import local_moment, until_text


@value_methods
@attrs.frozen(eq=False, repr=False)
class AccountStatus:
    """One account: its balance, and for a money account the same in currency."""

    name: str
    unit: Unit
    balance: Balance
    currency: str
    locale: str | None = None  # how the program writes amounts

    def money(self, units: int) -> Money:
        """``units`` of this money account as Money (cents to dollars)."""
        return Money(Decimal(units).scaleb(-minor_units(self.currency)), self.currency)

    @property
    def expiring_next(self) -> tuple[datetime, int] | None:
        """The soonest instant some of the open points expire, and how many."""
        return self.balance.expiring[0] if self.balance.expiring else None

    def amount(self, units: int, points_name: str) -> str:
        """``units`` in words: "120 stars" or "$1.20"."""
        if self.unit is Unit.MONEY:
            return format_money(self.money(units).amount, self.currency, locale=self.locale)
        return f"{units} {points_name if self.name == DEFAULT_ACCOUNT else self.name}"


@value_methods
@attrs.frozen(eq=False, repr=False)
class TierStatus:
    """Where the member stands in the tiers: ``level`` since ``since``, guaranteed until
    ``valid_until``; ``value`` counted so far in the window that ends ``window_end``; and
    what it takes to reach ``next_level`` (``to_next``) and to keep ``level``
    (``to_keep``) by then."""

    level: Level
    since: datetime | None
    valid_until: datetime | None
    value: Decimal
    window_end: datetime | None
    next_level: Level | None
    to_next: Decimal | None
    to_keep: Decimal | None
    metric: Metric
    unit: str  # how the metric's amounts read: a currency, or points of an account
    # With several measures: what each still needs for ``next_level`` and their words.
    to_next_each: tuple[tuple[Measure, Decimal], ...] = ()
    any_of: bool = False
    currency: str = "USD"
    points_name: str = DEFAULT_ACCOUNT  # what the default account's points are called
    locale: str | None = None  # how the program writes amounts

    def _amount(self, value: Decimal) -> str:
        if self.metric is Metric.SPEND:
            return f"Spend {format_money(value, self.unit, locale=self.locale)} more"
        if self.metric is Metric.PURCHASES:
            return f"Make {value} more purchase(s)"
        return f"Earn {value} more {self.unit}"

    def messages(self, zone: tzinfo) -> tuple[str, ...]:
        head = self.level.name
        if self.since is not None and self.level.rank:
            head += f" since {self.since.astimezone(zone).date().isoformat()}"
        if self.valid_until is not None:
            head += f", until {until_text(self.valid_until, zone)}"
        lines = [head]
        by = f" by {until_text(self.window_end, zone)}" if self.window_end else ""
        if self.next_level is not None and self.to_next_each:
            needs = [
                m.more(v, self.currency, self.locale, self.points_name)
                for m, v in self.to_next_each
                if v > 0
            ]
            if needs:
                joined = " or ".join(needs) if self.any_of else "; ".join(needs)
                lines.append(f"{joined}{by} for {self.next_level.name}")
        elif self.next_level is not None and self.to_next is not None:
            lines.append(f"{self._amount(self.to_next)}{by} for {self.next_level.name}")
        if self.to_keep:
            lines.append(f"{self._amount(self.to_keep)}{by} to keep {self.level.name}")
        return tuple(lines)


def tier_status(
    state: TierState, tiers: Tiers, since: datetime | None, points_name: str = DEFAULT_ACCOUNT
) -> TierStatus:
    """Where the member stands in the tiers; points of the default account are called
    ``points_name`` (the program's name for them, e.g. stars)."""
    level = state.level
    above = tiers.levels[level.rank + 1 :]
    next_level = above[0] if above else None
    periodic = tiers.window in (Window.CALENDAR_YEAR, Window.ANNIVERSARY_YEAR)
    to_keep = None
    if periodic and level.rank:
        to_keep = max(level.keeps_at - state.value, Decimal(0)) or None
    return TierStatus(
        level=level,
        since=since,
        valid_until=state.valid_until,
        value=state.value,
        window_end=state.window_end if periodic else None,
        next_level=next_level,
        to_next=None if next_level is None else max(next_level.qualify - state.value, Decimal(0)),
        to_keep=to_keep,
        metric=tiers.metric,
        unit=tiers.currency
        if tiers.metric is Metric.SPEND
        else points_name
        if tiers.account == DEFAULT_ACCOUNT
        else tiers.account,
        to_next_each=_each(tiers, state, next_level),
        any_of=tiers.any_of,
        currency=tiers.currency,
        points_name=points_name,
        locale=tiers.locale,
    )


def _each(
    tiers: Tiers, state: TierState, next_level: Level | None
) -> tuple[tuple[Measure, Decimal], ...]:
    """With several measures, what each still needs for ``next_level``."""
    if not tiers.more or next_level is None:
        return ()
    needs = next_level.needs(keeping=False)
    return tuple(
        (measure, max(need - value, Decimal(0)))
        for measure, need, value in zip(tiers.measures, needs, state.values, strict=False)
    )


@value_methods
@attrs.frozen(eq=False, repr=False)
class Status:
    """Balances of every account as of ``as_of``, with customer-facing messages."""

    member_id: str
    as_of: datetime
    accounts: tuple[AccountStatus, ...]
    points_name: str
    timezone: tzinfo
    tier: TierStatus | None = None
    payouts: tuple[PayoutStatus, ...] = ()  # each payout's open period
    challenges: tuple[ChallengeProgress, ...] = ()
    affordable: tuple[str, ...] = ()  # the rewards the member can redeem now, in words
    offers: tuple[str, ...] = ()  # threshold bonuses an order could earn now, in words

    def account(self, name: str = DEFAULT_ACCOUNT) -> AccountStatus:
        """The account called ``name``: every account the program declares is here, with
        or without entries; ``UnknownAccount`` (a ``KeyError``) for a name it does not
        declare."""
        for account in self.accounts:
            if account.name == name:
                return account
        raise UnknownAccount(name, tuple(account.name for account in self.accounts))

    @property
    def balance(self) -> Balance:
        """The ``points`` account's balance."""
        return self.account().balance

    @property
    def expiring_next(self) -> tuple[datetime, int] | None:
        """When the next ``points`` expire, and how many."""
        return self.account().expiring_next

    @property
    def messages(self) -> tuple[str, ...]:
        lines = list(self.tier.messages(self.timezone)) if self.tier is not None else []
        for account in self.accounts:
            balance = account.balance
            text = f"{account.amount(balance.available, self.points_name)} available"
            if balance.pending:
                text += f", {account.amount(balance.pending, self.points_name)} pending"
            lines.append(text)
            if account.expiring_next is not None:
                when, units = account.expiring_next
                lines.append(
                    f"{account.amount(units, self.points_name)} expire "
                    + local_moment(when, self.timezone)
                )
        locale = self.account().locale  # the program's, on every account
        for payout in self.payouts:
            accrued = format_money(payout.accrued.amount, payout.accrued.currency, locale=locale)
            lines.append(
                f"{payout.name}: {accrued} accrued, issued "
                + local_moment(payout.issues_at, self.timezone)
            )
        lines += [challenge.message(self.timezone) for challenge in self.challenges]
        return tuple(lines)

    @property
    def nudges(self) -> tuple[str, ...]:
        """What the member could do next: spend for the next tier (or to keep this one),
        use points expiring within 30 days, earn a threshold bonus, finish a challenge,
        redeem a reward they can afford now."""
        lines = list(self.tier.messages(self.timezone)[1:]) if self.tier is not None else []
        soon = self.as_of + _SOON
        for account in self.accounts:
            for when, units in account.balance.expiring:
                if when <= soon:
                    amount = account.amount(units, self.points_name)
                    lines.append(f"Use them: {amount} expire {local_moment(when, self.timezone)}")
        lines += self.offers
        lines += [c.message(self.timezone) for c in self.challenges if not c.completed]
        lines += [f"Yours to redeem: {reward}" for reward in self.affordable]
        return tuple(lines)

    def __str__(self) -> str:
        return "\n".join(self.messages)


_SOON = timedelta(days=30)


def status_of(
    member_id: str,
    ledger: Ledger,
    as_of: datetime,
    settings: Settings,
    tier: TierStatus | None = None,
) -> Status:
    return Status(
        member_id,
        as_of,
        tuple(
            AccountStatus(
                account.name,
                account.unit,
                ledger.balance(as_of, account.name),
                settings.currency,
                settings.locale,
            )
            for account in settings.accounts
        ),
        settings.points_name,
        settings.timezone,
        tier,
    )


def member_status(
    member: Member,
    ledger: Ledger,
    as_of: datetime,
    settings: Settings,
    challenges: tuple[Challenge, ...] = (),
) -> Status:
    """``member``'s balances, points expiring next, tier and challenges as of ``as_of``."""
    tiers, tier = settings.tiers, None
    if tiers is not None:
        history = ledger.history
        state = tier_state(tiers, history, member.joined_at, as_of, settings)
        # Since the last change written down, when it is to this tier; else not known
        # until review_tiers has written the changes down.
        changes = [(when, level) for when, level in history.tier_changes if when <= as_of]
        since = changes[-1][0] if changes and changes[-1][1] == state.level.id else None
        tier = tier_status(state, tiers, since, settings.points_name)
    status = status_of(member.id, ledger, as_of, settings, tier)
    if settings.payouts:
        status = attrs.evolve(status, payouts=payout_statuses(ledger, as_of, settings))
    if not challenges:
        return status
    zone, history = settings.timezone, ledger.history
    taking_part = tuple(progress(c, history, zone, as_of) for c in challenges if c.open_at(as_of))
    return attrs.evolve(status, challenges=taking_part)
