"""The typed errors loyalrules raises.

Every error the library raises on purpose derives from :class:`LoyalRulesError`, so a
host can catch the whole family with one ``except``. Messages say what was wrong and
what to do instead.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs


class LoyalRulesError(Exception):
    """Root of every error raised by loyalrules."""


class ValidationError(LoyalRulesError, ValueError):
    """A value passed to a public entry point is not acceptable."""


class WrongTypeError(ValidationError, TypeError):
    """A value of the wrong Python type was passed (for example a float for money)."""


class CurrencyMismatch(ValidationError):
    """Two amounts in different currencies were combined or compared."""


class UnknownRule(LoyalRulesError, KeyError):
    """A rule id the program does not define was asked for."""

    def __str__(self) -> str:  # KeyError would show the message in quotes
        return str(self.args[0])


class UnknownAccount(ValidationError, KeyError):
    """An account name the program does not declare was asked for: a misspelling, or
    an account of another program. ``account`` is the name asked for, ``known`` the
    program's accounts; the message suggests the closest (decision 0055).

    >>> print(UnknownAccount("cashbak", ("points", "cashback")))  # doctest: +ELLIPSIS
    the program has no account 'cashbak'; ... (did you mean 'cashback'?)
    """

    def __init__(self, account: object, known: Iterable[str]) -> None:
        self.account = account
        self.known = tuple(known)
        import difflib  # on the error path only: an evaluating host does not import it

        text = f"the program has no account {account!r}; its accounts are: {', '.join(self.known)}"
        close = (
            difflib.get_close_matches(account, self.known, n=1) if isinstance(account, str) else []
        )
        super().__init__(text + (f" (did you mean {close[0]!r}?)" if close else ""))

    def __str__(self) -> str:  # KeyError would show the message in quotes
        return str(self.args[0])

    def __reduce__(self) -> tuple[object, ...]:  # pickle: rebuild from the fields
        return type(self), (self.account, self.known)


class DuplicateEntry(LoyalRulesError):
    """An entry whose key is already in the ledger was appended."""


class InsufficientPoints(LoyalRulesError):
    """A debit needs more available points than the member has."""

    def __init__(self, needed: int, available: int, what: str = "points") -> None:
        self.needed = needed
        self.available = available
        self.what = what
        super().__init__(
            f"needs {needed} {what} but only {max(available, 0)} are available "
            f"({needed - max(available, 0)} short)"
        )

    def __reduce__(self) -> tuple[object, ...]:  # pickle: rebuild from the fields
        return type(self), (self.needed, self.available, self.what)


class NotAllowed(LoyalRulesError):
    """The program does not allow this operation, or one of its limits forbids it."""


class NotEligible(NotAllowed):
    """The member may not redeem this reward now; the message says which condition
    failed, in words."""


class LimitReached(NotAllowed):
    """A reward's limit (per period, per order) is used up."""


class UnknownReward(LoyalRulesError, KeyError):
    """A reward id the program's catalog does not hold was asked for."""

    def __str__(self) -> str:
        return str(self.args[0])


class StaleOutcome(LoyalRulesError):
    """An Outcome computed against an older version of the ledger was applied, or the
    ledger object was appended to by another writer while the Outcome was computed:
    compute it again against the current ledger."""


class InternalError(LoyalRulesError, RuntimeError):
    """An invariant of loyalrules itself does not hold: a bug, not a problem with the
    input. Please report it with the program and events that caused it."""


@attrs.frozen
class Problem:
    """One problem found in a program file, with where it is and how to fix it."""

    message: str
    path: str = ""
    source: str = "<string>"
    line: int | None = None
    column: int | None = None
    hint: str | None = None

    @property
    def location(self) -> str:
        """``file:line:column`` (or just the file when the position is unknown)."""
        if self.line is None:
            return self.source
        return f"{self.source}:{self.line}:{self.column}"

    def __str__(self) -> str:
        where = f"{self.location}: " + (f"{self.path}: " if self.path else "")
        text = where + self.message
        return f"{text} ({self.hint})" if self.hint else text


class ProgramError(LoyalRulesError):
    """A program file is invalid. ``problems`` lists every problem found, not only the first."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        count = len(self.problems)
        header = f"{count} problem{'s' if count != 1 else ''} in the program:"
        super().__init__("\n".join([header, *(f"  {p}" for p in self.problems)]))

    def __reduce__(self) -> tuple[object, ...]:  # pickle: rebuild from the problems
        return type(self), (self.problems,)
