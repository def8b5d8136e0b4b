"""A loaded program: settings plus compiled rules, and the engine's entry points."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

import attrs

from loyalrules import lifecycle
from loyalrules.engine import (
    RuleBook,
    activity_key,
    eligible_lines,
    entries_for,
    evaluate_activity,
    evaluate_cart,
    purchase_key,
)
from loyalrules.entries import DEFAULT_ACCOUNT, engine_recorded
from loyalrules.errors import CurrencyMismatch, UnknownRule, ValidationError, WrongTypeError
from loyalrules.history import Facts
from loyalrules.ledger import Ledger
from loyalrules.model import Activation, Activity, Cart, Member, Purchase, Return
from loyalrules.money import Money, engine_money
from loyalrules.outcome import Outcome, Quote
from loyalrules.rules.context import Context
from loyalrules.rules.rule import Rule
from loyalrules.settings import Settings
from loyalrules.status import Status, status_of
from loyalrules.timeutil import to_utc


def _check(value: object, kind: type[Any], what: str) -> None:
    if type(value) is not kind and not isinstance(value, kind):  # the first test is cheaper
        raise WrongTypeError(f"{what} must be a {kind.__name__}, not {type(value).__name__}")


@attrs.frozen(kw_only=True)
class Program:
    """A validated, compiled loyalty program. Load one with ``load_program(path)``.

    Evaluating an event never re-reads or re-validates the program: rules were compiled
    into plain objects at load time.
    """

    id: str
    name: str
    settings: Settings
    rules: tuple[Rule, ...]
    description: str = ""
    _book: RuleBook = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_book", RuleBook(self.rules, self.settings))

    def rule(self, rule_id: str) -> Rule:
        """The rule with id ``rule_id``."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        known = ", ".join(rule.id for rule in self.rules)
        raise UnknownRule(f"program {self.id!r} has no rule {rule_id!r}; its rules are: {known}")

    def process(self, event: Purchase | Activity, *, member: Member, ledger: Ledger) -> Outcome:
        """Evaluate ``event`` for ``member`` against their ``ledger``.

        Returns the new entries and their explanation. Processing the same event again
        against a ledger that holds its entries returns an empty, ``duplicate`` Outcome.

        >>> outcome = program.process(purchase, member=member, ledger=ledger)  # doctest: +SKIP
        >>> ledger = ledger.append(outcome.entries)  # doctest: +SKIP
        """
        _check(member, Member, "member")
        _check(ledger, Ledger, "ledger")
        handler = _HANDLERS.get(type(event))
        if handler is None:
            raise WrongTypeError(
                "process() takes a Purchase, Activity, Return or Activation, not "
                f"{type(event).__name__}"
            )
        if event.member_id != member.id:
            raise ValidationError(
                f"the event belongs to member {event.member_id!r} but member {member.id!r} "
                "was passed; pass that member and their ledger"
            )
        return handler(self, event, member, ledger)

    def _process_return(self, ret: Return, member: Member, ledger: Ledger) -> Outcome:
        self._check_currency(ret.purchase)
        return lifecycle.process_return(ret, ledger, self.settings, self._earnings(member))

    def _process_activation(self, event: Activation, member: Member, ledger: Ledger) -> Outcome:
        return lifecycle.process_activation(event.purchase_id, event.occurred_at, ledger)

    def _earnings(self, member: Member) -> lifecycle.Earnings:
        """What a cart earns per account, for re-evaluating what a return leaves."""

        def earn(cart: Cart, facts: Facts, at: datetime) -> tuple[dict[str, int], Decimal]:
            ctx = self._cart_context(cart, member, facts, at)
            points: dict[str, int] = {}
            for plan, awarded in evaluate_cart(self._book, ctx).awards:
                account = plan.rule.account
                points[account] = points.get(account, 0) + awarded
            return points, ctx.spend

        return earn

    def expire(self, member: Member, ledger: Ledger, as_of: datetime) -> Outcome:
        """``Expired`` entries for the points that expired by ``as_of`` (a nightly job).

        Balances already leave expired points out; this writes the expiries down so the
        host can notify members and book them. Running it twice adds nothing.
        """
        _check(member, Member, "member")
        _check(ledger, Ledger, "ledger")
        return lifecycle.expire(ledger, to_utc(as_of, "as_of"), self.settings)

    def adjust(
        self,
        member: Member,
        ledger: Ledger,
        points: int,
        *,
        reason: str,
        actor: str,
        at: datetime,
        key: str,
        account: str = DEFAULT_ACCOUNT,
    ) -> Outcome:
        """A manual credit (``points`` > 0) or debit (< 0) by ``actor`` for ``reason``.

        ``key`` identifies the adjustment (a ticket number): the same key twice adds
        nothing. A credit is a new lot under the account's expiry policy; a debit takes
        points soonest-expiring first and raises ``InsufficientPoints`` when the account
        clamps at zero and too few are available.
        """
        _check(member, Member, "member")
        _check(ledger, Ledger, "ledger")
        if isinstance(points, bool) or not isinstance(points, int) or points == 0:
            raise WrongTypeError(f"points must be a non-zero whole number, not {points!r}")
        for name, value in (("reason", reason), ("actor", actor), ("key", key)):
            if not isinstance(value, str) or not value.strip():
                raise ValidationError(f"{name} must be a non-empty string, not {value!r}")
        request = lifecycle.AdjustmentRequest(
            points=points, reason=reason, actor=actor, at=to_utc(at, "at"), key=key, account=account
        )
        return lifecycle.adjust(request, ledger, self.settings)

    def transfer(
        self,
        points: int,
        *,
        sender: Member,
        sender_ledger: Ledger,
        recipient: Member,
        recipient_ledger: Ledger,
        at: datetime,
        key: str,
    ) -> tuple[Outcome, Outcome]:
        """Give ``points`` from ``sender`` to ``recipient``, if the program allows it.

        Returns the sender's Outcome and the recipient's; append each to its own
        ledger (in one transaction). Raises ``NotAllowed`` outside the program's
        transfer rules and ``InsufficientPoints`` when the sender has too few.
        """
        for value, kind, what in (
            (sender, Member, "sender"),
            (recipient, Member, "recipient"),
            (sender_ledger, Ledger, "sender_ledger"),
            (recipient_ledger, Ledger, "recipient_ledger"),
        ):
            _check(value, kind, what)
        if isinstance(points, bool) or not isinstance(points, int) or points <= 0:
            raise WrongTypeError(f"points must be a positive whole number, not {points!r}")
        if not isinstance(key, str) or not key:
            raise ValidationError(f"key must be a non-empty string, not {key!r}")
        request = lifecycle.TransferRequest(
            points=points, sender=sender.id, recipient=recipient.id, at=to_utc(at, "at"), key=key
        )
        return lifecycle.transfer(request, sender_ledger, recipient_ledger, self.settings)

    def status(self, member: Member, ledger: Ledger, as_of: datetime) -> Status:
        """Balances of every account as of ``as_of`` and the points expiring next."""
        _check(member, Member, "member")
        _check(ledger, Ledger, "ledger")
        return status_of(member.id, ledger, to_utc(as_of, "as_of"), self.settings)

    def _check_currency(self, cart: Cart) -> None:
        if cart.currency != self.settings.currency:
            raise CurrencyMismatch(
                f"the cart is in {cart.currency} but program {self.id!r} is in "
                f"{self.settings.currency}; convert prices first or load a program in "
                f"{cart.currency}"
            )

    def _cart_context(self, cart: Cart, member: Member, facts: Facts, at: datetime) -> Context:
        if cart.lines[0].unit_price.currency != self.settings.currency:  # cart.currency
            self._check_currency(cart)
        lines = eligible_lines(cart, self.settings.eligible_spend)
        return Context(
            settings=self.settings,
            member=member,
            history=facts,
            at=at,
            cart=cart,
            lines=lines,
        )

    def _process_purchase(self, purchase: Purchase, member: Member, ledger: Ledger) -> Outcome:
        key = purchase_key(purchase.id)
        if key in ledger:
            return Outcome(
                event_key=key,
                entries=(),
                explanation=(),
                ledger_version=ledger.version,
                duplicate=True,
            )
        ctx = self._cart_context(purchase, member, ledger.history, purchase.occurred_at)
        evaluation = evaluate_cart(self._book, ctx)
        # Every field is valid already (a validated purchase, its UTC time, the
        # program's currency, checked above): no re-validation, see ``engine_recorded``.
        recorded = engine_recorded(
            key,
            purchase.occurred_at,
            "purchase",
            purchase.id,
            spend=engine_money(ctx.spend, self.settings.currency),
        )
        return Outcome(
            event_key=key,
            entries=entries_for(key, recorded, evaluation),
            explanation=evaluation.explanation,
            ledger_version=ledger.version,
        )

    def _process_activity(self, activity: Activity, member: Member, ledger: Ledger) -> Outcome:
        key = activity_key(activity)
        if key in ledger:
            return Outcome(
                event_key=key,
                entries=(),
                explanation=(),
                ledger_version=ledger.version,
                duplicate=True,
            )
        ctx = Context(
            settings=self.settings,
            member=member,
            history=ledger.history,
            at=activity.occurred_at,
            activity=activity,
        )
        evaluation = evaluate_activity(self._book, ctx, activity.kind)
        recorded = engine_recorded(  # a validated activity: see ``engine_recorded``
            key, activity.occurred_at, "activity", activity.id, activity=activity.kind
        )
        return Outcome(
            event_key=key,
            entries=entries_for(key, recorded, evaluation),
            explanation=evaluation.explanation,
            ledger_version=ledger.version,
        )

    def quote(self, cart: Cart, *, member: Member, ledger: Ledger, at: datetime) -> Quote:
        """What ``cart`` would earn if bought at ``at``: the same numbers, no entries."""
        _check(cart, Cart, "cart")
        _check(member, Member, "member")
        _check(ledger, Ledger, "ledger")
        ctx = self._cart_context(cart, member, ledger.history, to_utc(at, "at"))
        evaluation = evaluate_cart(self._book, ctx)
        awarded: dict[str, int] = {}
        for plan, points in evaluation.awards:
            awarded[plan.rule.account] = awarded.get(plan.rule.account, 0) + points
        return Quote(
            points=awarded.get(DEFAULT_ACCOUNT, 0),
            awarded=awarded,
            eligible_spend=Money(ctx.spend, cart.currency),
            explanation=evaluation.explanation,
        )


_HANDLERS: dict[type[Any], Callable[[Program, Any, Member, Ledger], Outcome]] = {
    Purchase: Program._process_purchase,
    Activity: Program._process_activity,
    Return: Program._process_return,
    Activation: Program._process_activation,
}
"""How ``Program.process`` handles each kind of event (exact types, no subclasses)."""
