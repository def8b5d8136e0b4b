"""A loaded program: settings plus compiled rules, and the engine's entry points."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import attrs

from loyalrules.engine import (
    RuleBook,
    activity_key,
    eligible_lines,
    entries_for,
    evaluate_activity,
    evaluate_cart,
    purchase_key,
)
from loyalrules.errors import CurrencyMismatch, UnknownRule, ValidationError, WrongTypeError
from loyalrules.ledger import Ledger, Recorded
from loyalrules.model import Activity, Cart, Member, Purchase
from loyalrules.money import Money
from loyalrules.outcome import Outcome, Quote
from loyalrules.rules.context import Context
from loyalrules.rules.rule import Rule
from loyalrules.settings import Settings
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
        object.__setattr__(self, "_book", RuleBook(self.rules, self.settings.points_name))

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
                f"process() takes a Purchase or an Activity, not {type(event).__name__}"
            )
        if event.member_id != member.id:
            raise ValidationError(
                f"the event belongs to member {event.member_id!r} but member {member.id!r} "
                "was passed; pass that member and their ledger"
            )
        return handler(self, event, member, ledger)

    def _check_currency(self, cart: Cart) -> None:
        if cart.currency != self.settings.currency:
            raise CurrencyMismatch(
                f"the cart is in {cart.currency} but program {self.id!r} is in "
                f"{self.settings.currency}; convert prices first or load a program in "
                f"{cart.currency}"
            )

    def _cart_context(self, cart: Cart, member: Member, ledger: Ledger, at: datetime) -> Context:
        if cart.lines[0].unit_price.currency != self.settings.currency:  # cart.currency
            self._check_currency(cart)
        lines = eligible_lines(cart, self.settings.eligible_spend)
        return Context(
            settings=self.settings,
            member=member,
            history=ledger.history,
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
        ctx = self._cart_context(purchase, member, ledger, purchase.occurred_at)
        evaluation = evaluate_cart(self._book, ctx)
        recorded = Recorded(
            key=key,
            at=purchase.occurred_at,
            event_type="purchase",
            event_id=purchase.id,
            spend=Money(ctx.spend, self.settings.currency),  # the purchase's, checked above
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
        recorded = Recorded(
            key=key,
            at=activity.occurred_at,
            event_type="activity",
            event_id=activity.id,
            activity=activity.kind,
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
        ctx = self._cart_context(cart, member, ledger, to_utc(at, "at"))
        evaluation = evaluate_cart(self._book, ctx)
        return Quote(
            points=sum(points for _, points in evaluation.awards),
            eligible_spend=Money(ctx.spend, cart.currency),
            explanation=evaluation.explanation,
        )


_HANDLERS: dict[type[Any], Callable[[Program, Any, Member, Ledger], Outcome]] = {
    Purchase: Program._process_purchase,
    Activity: Program._process_activity,
}
"""How ``Program.process`` handles each kind of event (exact types, no subclasses)."""
