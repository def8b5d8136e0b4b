"""What the engine gives back: new ledger entries plus the explanation of every number."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from functools import wraps
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar, cast

import attrs

from loyalrules.errors import UnknownAccount
from loyalrules.ledger.entries import DEFAULT_ACCOUNT, Adjusted, Debit, Earned, Entry, Lot, Restored
from loyalrules.rules.explanation import Explanation
from loyalrules.rules.why_not import Reason, Reasons, RuleCheck
from loyalrules.values.fields import reduce_frozen, slot_setters
from loyalrules.values.frozen import value_methods
from loyalrules.values.money import Money

if TYPE_CHECKING:  # a purchase's outcome has no grant: its module is for redemptions
    from loyalrules.rules.rewards import Grant

_NOTHING: Mapping[str, int] = MappingProxyType({})


def _used(value: Mapping[str, int]) -> Mapping[str, int]:
    """A read-only copy of what an outcome took from each budget (one shared empty one:
    most outcomes take nothing)."""
    return MappingProxyType(dict(value)) if value else _NOTHING


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


class Awarded(Mapping[str, int]):
    """What a quote would credit, per account: a read-only mapping of the accounts the
    cart earns in, which also checks names like ``Outcome.awarded`` (decision 0056).

    ``awarded("cashback")`` and ``awarded["cashback"]`` read 0 for an account the
    program declares that the cart would not credit, and raise ``UnknownAccount`` for a
    name it does not declare (``get`` too: a typo never reads as a default). Iterating
    gives the accounts with points, as a dict of them would.

    >>> awarded = Awarded({"points": 40}, ("points", "cashback"))
    >>> awarded("points"), awarded["cashback"], dict(awarded)
    (40, 0, {'points': 40})
    """

    __slots__ = ("_accounts", "_counts")

    def __init__(self, counts: Mapping[str, int] = _NOTHING, accounts: tuple[str, ...] = ()):
        self._counts = dict(counts)
        self._accounts = accounts  # empty: built by hand, a plain mapping

    def __getitem__(self, account: str) -> int:
        if not self._accounts:
            return self._counts[account]
        if account not in self._accounts:
            raise UnknownAccount(account, self._accounts)
        return self._counts.get(account, 0)

    def __call__(self, account: str = DEFAULT_ACCOUNT) -> int:
        """Points ``account`` would be credited (``Outcome.awarded``'s reading)."""
        return self[account] if self._accounts else self._counts.get(account, 0)

    def get(self, account: str, default: Any = None) -> Any:
        if self._accounts and account not in self._accounts:
            raise UnknownAccount(account, self._accounts)
        return self._counts.get(account, default)

    def __contains__(self, account: object) -> bool:
        return account in self._counts

    def __iter__(self) -> Iterator[str]:
        return iter(self._counts)

    def __len__(self) -> int:
        return len(self._counts)

    def __repr__(self) -> str:
        return f"Awarded({self._counts!r})"

    def __reduce__(self) -> tuple[object, ...]:
        return Awarded, (self._counts, self._accounts)


def _awarded(value: Mapping[str, int]) -> Awarded:
    return value if isinstance(value, Awarded) else Awarded(value)


def _lines_text(explanation: tuple[Explanation, ...]) -> str:
    return "\n".join(line.text for line in explanation)


class _Explained:
    """Why each rule paid or not, shared by quotes and outcomes."""

    __slots__ = ()
    explanation: tuple[Explanation, ...]
    _reasons: Reasons | None

    @property
    def checks(self) -> tuple[RuleCheck, ...]:
        """Every rule of the program with what it paid and, if not, why (empty when this
        is not the result of evaluating rules: a replay, a return, an expiry...)."""
        return () if self._reasons is None else self._reasons.checks

    @property
    def why_not(self) -> tuple[RuleCheck, ...]:
        """The checks of the rules for this kind of event that paid nothing, or less than
        they would have (rules for other events are in ``checks``)."""
        return tuple(
            check for check in self.checks if check.reasons and check.reasons[0].kind != "event"
        )

    def why(self, rule_id: str) -> RuleCheck | None:
        """Whether rule ``rule_id`` paid and, if not, why; None for a rule this event did
        not evaluate (or an outcome that evaluated none)."""
        for check in self.checks:
            if check.rule_id == rule_id:
                return check
        return None

    def render(self, verbose: bool = False) -> str:
        """The explanation for people: what paid and the near misses (``str()`` of this
        value); ``verbose`` adds every rule that paid nothing or less, and why."""
        text = _lines_text(self.explanation)
        if not verbose:
            return text
        unpaid = [f"  {check}" for check in self.why_not]
        if not unpaid:
            return text
        return "\n".join([*([text] if text else []), "Why not:", *unpaid])


def _messages(explanation: tuple[Explanation, ...]) -> tuple[str, ...]:
    return tuple(
        e.text for e in explanation if e.points or e.status in ("missed", "tier", "membership")
    )


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class Quote(_Explained):
    """What a cart would earn, without committing anything: ``points`` in the
    ``points`` account, ``awarded`` per account (cashback in cents; an ``Awarded``
    mapping that refuses a name the program does not declare)."""

    points: int
    eligible_spend: Money
    explanation: tuple[Explanation, ...]
    awarded: Awarded = attrs.field(factory=Awarded, converter=_awarded, hash=False)
    _reasons: Reasons | None = attrs.field(default=None, eq=False, repr=False, hash=False)

    __reduce__ = reduce_frozen  # read-only mappings travel as dicts

    def paid(self, rule_id: str) -> bool:
        """True when rule ``rule_id`` would give points for this cart."""
        check = self.why(rule_id)
        return check is not None and check.paid

    @property
    def messages(self) -> tuple[str, ...]:
        """Customer-facing lines: what earned points and what was just missed."""
        return _messages(self.explanation)

    def __str__(self) -> str:
        return _lines_text(self.explanation)


_new_quote = object.__new__
(
    _set_points,
    _set_eligible_spend,
    _set_explanation,
    _set_awarded,
    _set_reasons,
) = slot_setters(Quote)


def engine_quote(
    points: int,
    eligible_spend: Money,
    explanation: tuple[Explanation, ...],
    awarded: Awarded,
    reasons: Reasons,
) -> Quote:
    """``Quote(...)`` without its generated ``__init__``, for the engine's pages of
    quotes: every value is one the engine built (``awarded`` an ``Awarded`` already)."""
    quote: Quote = _new_quote(Quote)
    _set_points(quote, points)
    _set_eligible_spend(quote, eligible_spend)
    _set_explanation(quote, explanation)
    _set_awarded(quote, awarded)
    _set_reasons(quote, reasons)
    return quote


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class Outcome(_Explained):
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
    _reasons: Reasons | None = attrs.field(default=None, eq=False, repr=False)
    budgets_used: Mapping[str, int] = attrs.field(default=_NOTHING, converter=_used, hash=False)
    member_messages: tuple[str, ...] = ()

    __reduce__ = reduce_frozen  # read-only mappings travel as dicts

    def paid(self, rule_id: str) -> bool:
        """True when rule ``rule_id`` credited points in this outcome."""
        for entry in self.entries:
            if isinstance(entry, Earned) and entry.rule_id == rule_id and entry.points > 0:
                return True
        return False

    def why(self, rule_id: str) -> RuleCheck | None:
        """Whether rule ``rule_id`` paid and, if not, why; None for a rule this event did
        not evaluate (or an outcome that evaluated none). A replay says so."""
        if self.duplicate:
            text = "the event was processed already: nothing is paid twice"
            return RuleCheck(rule_id, rule_id, 0, (Reason("replay", text),))
        return super().why(rule_id)

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


_new_outcome = object.__new__
(
    _set_event_key,
    _set_entries,
    _set_outcome_explanation,
    _set_ledger_version,
    _set_accounts,
    _set_duplicate,
    _set_grant,
    _set_outcome_reasons,
    _set_budgets_used,
    _set_member_messages,
) = slot_setters(Outcome)


def engine_outcome(
    event_key: str,
    entries: tuple[Entry, ...],
    explanation: tuple[Explanation, ...],
    ledger_version: int,
    reasons: Reasons,
    budgets_used: Mapping[str, int],
    member_messages: tuple[str, ...],
) -> Outcome:
    """``Outcome(...)`` of an evaluated event without its generated ``__init__``, for
    the engine's hot path: every value is one the engine built."""
    outcome: Outcome = _new_outcome(Outcome)
    _set_event_key(outcome, event_key)
    _set_entries(outcome, entries)
    _set_outcome_explanation(outcome, explanation)
    _set_ledger_version(outcome, ledger_version)
    _set_accounts(outcome, ())
    _set_duplicate(outcome, False)
    _set_grant(outcome, None)
    _set_outcome_reasons(outcome, reasons)
    _set_budgets_used(outcome, _used(budgets_used))
    _set_member_messages(outcome, member_messages)
    return outcome
