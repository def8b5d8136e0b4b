"""What the engine gives back: new ledger entries plus the explanation of every number."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any, TypeVar, cast

import attrs

from loyalrules.errors import UnknownAccount
from loyalrules.ledger.entries import DEFAULT_ACCOUNT, Adjusted, Debit, Earned, Entry, Lot, Restored
from loyalrules.ledger.ledger import frozen_counts
from loyalrules.rules.explanation import Explanation
from loyalrules.rules.rewards import Grant
from loyalrules.values.fields import reduce_frozen
from loyalrules.values.money import Money


def _check_account(outcome: Outcome, account: str) -> None:
    if outcome.accounts and account not in outcome.accounts:
        raise UnknownAccount(account, outcome.accounts)


F = TypeVar("F", bound=Callable[..., Any])
_set_field = object.__setattr__


def naming(outcome: Outcome, accounts: tuple[str, ...]) -> Outcome:
    """``outcome``, told the program's account names, so ``awarded`` and ``change``
    refuse a name the program does not declare (decision 0055).

    Only for an Outcome just built for the caller and held by no one else: the names are
    set in place, as building the Outcome again would cost more than the check saves.
    """
    _set_field(outcome, "accounts", accounts)
    return outcome


def naming_accounts(method: F) -> F:
    """For a method of ``Program``: the Outcomes it returns are told the program's
    account names (``naming``). Goes under ``old_forms``, whose warnings point at the
    caller. ``Program.process``, the hot path, calls ``naming`` itself: this wrapper
    costs a few microseconds a call."""

    @wraps(method)
    def call(self: Any, *args: Any, **kwargs: Any) -> Any:
        result = method(self, *args, **kwargs)
        for outcome in result if type(result) is tuple else (result,):  # a transfer: two
            naming(outcome, self.settings.account_names)
        return result

    return cast(F, call)


def _lines_text(explanation: tuple[Explanation, ...]) -> str:
    return "\n".join(line.text for line in explanation)


def _messages(explanation: tuple[Explanation, ...]) -> tuple[str, ...]:
    return tuple(
        e.text for e in explanation if e.points or e.status in ("missed", "tier", "membership")
    )


@attrs.frozen(kw_only=True)
class Quote:
    """What a cart would earn, without committing anything: ``points`` in the
    ``points`` account, ``awarded`` per account (cashback in cents)."""

    points: int
    eligible_spend: Money
    explanation: tuple[Explanation, ...]
    awarded: Mapping[str, int] = attrs.field(factory=dict, converter=frozen_counts, hash=False)

    __reduce__ = reduce_frozen  # read-only mappings travel as dicts

    @property
    def messages(self) -> tuple[str, ...]:
        """Customer-facing lines: what earned points and what was just missed."""
        return _messages(self.explanation)

    def __str__(self) -> str:
        return _lines_text(self.explanation)


@attrs.frozen(kw_only=True)
class Outcome:
    """The result of processing one event for one member.

    The host appends ``entries`` to its store (all or nothing). ``ledger_version`` is the
    version of the ledger it was computed against, for compare-and-set appends.
    ``duplicate`` is true when the event was already in the ledger: nothing is added.
    ``grant`` is what a redemption gives, for the host to apply.
    """

    event_key: str
    entries: tuple[Entry, ...]
    explanation: tuple[Explanation, ...]
    ledger_version: int
    # The program's account names, so a misspelt one is refused (decision 0055); empty
    # for an Outcome built outside the engine, which then reads any name as none.
    accounts: tuple[str, ...] = attrs.field(default=(), eq=False, repr=False)
    duplicate: bool = False
    grant: Grant | None = None

    def awarded(self, account: str = DEFAULT_ACCOUNT) -> int:
        """Points credited to ``account`` by this outcome (0 for an account the program
        declares that this event did not credit); ``UnknownAccount`` for a name the
        program does not declare."""
        _check_account(self, account)
        total = 0
        for entry in self.entries:
            if isinstance(entry, Earned) and entry.account == account:
                total += entry.points
        return total

    @property
    def points(self) -> int:
        """Points credited to the default ``points`` account."""
        return self.awarded()

    def change(self, account: str = DEFAULT_ACCOUNT) -> int:
        """Net change of ``account``'s balance once the entries are appended: credits
        minus debits (a written-off shortfall changes nothing); ``UnknownAccount`` for
        a name the program does not declare."""
        _check_account(self, account)
        total = 0
        for entry in self.entries:
            if getattr(entry, "account", None) != account:
                continue
            if isinstance(entry, Lot) or (isinstance(entry, Adjusted) and entry.points > 0):
                total += entry.points
            elif isinstance(entry, Debit):
                total -= entry.charged
            elif isinstance(entry, Restored):
                total += entry.points - entry.lapsed
            elif isinstance(entry, Adjusted):
                total -= -entry.points - entry.written_off
        return total

    @property
    def messages(self) -> tuple[str, ...]:
        """Customer-facing lines: what earned points and what was just missed."""
        return _messages(self.explanation)

    def __str__(self) -> str:
        return _lines_text(self.explanation)
