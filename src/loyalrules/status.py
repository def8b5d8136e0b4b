"""A member's standing as of an instant: balances per account and what expires next."""

from __future__ import annotations

from datetime import datetime, tzinfo
from decimal import Decimal

import attrs

from loyalrules.entries import DEFAULT_ACCOUNT
from loyalrules.ledger import Balance, Ledger
from loyalrules.money import Money, format_money, minor_units
from loyalrules.policies import Unit
from loyalrules.settings import Settings
from loyalrules.timeutil import local_moment


@attrs.frozen
class AccountStatus:
    """One account: its balance, and for a money account the same in currency."""

    name: str
    unit: Unit
    balance: Balance
    currency: str

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
            return format_money(self.money(units).amount, self.currency)
        return f"{units} {points_name if self.name == DEFAULT_ACCOUNT else self.name}"


@attrs.frozen
class Status:
    """Balances of every account as of ``as_of``, with customer-facing messages."""

    member_id: str
    as_of: datetime
    accounts: tuple[AccountStatus, ...]
    points_name: str
    timezone: tzinfo

    def account(self, name: str = DEFAULT_ACCOUNT) -> AccountStatus:
        for account in self.accounts:
            if account.name == name:
                return account
        raise KeyError(name)

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
        lines = []
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
        return tuple(lines)

    def __str__(self) -> str:
        return "\n".join(self.messages)


def status_of(member_id: str, ledger: Ledger, as_of: datetime, settings: Settings) -> Status:
    return Status(
        member_id,
        as_of,
        tuple(
            AccountStatus(
                account.name, account.unit, ledger.balance(as_of, account.name), settings.currency
            )
            for account in settings.accounts
        ),
        settings.points_name,
        settings.timezone,
    )
