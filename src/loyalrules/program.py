"""A loaded program: settings plus compiled rules, and the engine's entry points."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

import attrs

from loyalrules.errors import (
    NotAllowed,
    UnknownRule,
    ValidationError,
    WrongTypeError,
)
from loyalrules.ledger.entries import DEFAULT_ACCOUNT
from loyalrules.ledger.ledger import Balance, Ledger
from loyalrules.operations import lifecycle
from loyalrules.operations.earning import Earning
from loyalrules.operations.explain import ledger_before
from loyalrules.operations.outcome import Outcome, Quote, naming, naming_accounts
from loyalrules.program_spending import check as _check
from loyalrules.program_standing import Standing
from loyalrules.rules.pipeline import RuleBook
from loyalrules.rules.rule import Rule
from loyalrules.rules.settings import Settings
from loyalrules.values.events import Activation, Activity, Cart, Membership, Purchase, Return
from loyalrules.values.fields import points_argument
from loyalrules.values.frozen import value_methods
from loyalrules.values.keywords import old_forms
from loyalrules.values.member import Member
from loyalrules.values.timeutil import to_utc

if TYPE_CHECKING:
    from loyalrules.operations.referrals import Referral
    from loyalrules.operations.status import Status
    from loyalrules.rules.challenges import Challenge
    from loyalrules.rules.referrals import ReferralTerms
    from loyalrules.rules.rewards import Reward

# Operations a purchase never needs (catalog, memberships, payouts, referrals, status...)
# are imported by the methods that use them, on first use: an evaluating host does not
# pay for importing them (issue 17).


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class Program(Standing):
    """A validated, compiled loyalty program. Load one with ``load_program(path)``.

    Evaluating an event never re-reads or re-validates the program: rules were compiled
    into plain objects at load time.
    """

    id: str
    name: str
    settings: Settings
    rules: tuple[Rule, ...]
    description: str = ""
    rewards: tuple[Reward, ...] = ()
    challenges: tuple[Challenge, ...] = ()
    referrals: ReferralTerms | None = None
    _earning: Earning = attrs.field(init=False, repr=False, eq=False)
    # The rules a return may leave short of their visit or streak count, found once.
    _visit_rules: tuple[Rule, ...] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        from loyalrules.rules.visit_conditions import counts_visits

        book = RuleBook(self.rules, self.settings)
        object.__setattr__(self, "_earning", Earning(self.id, self.settings, book))
        visit_rules = tuple(rule for rule in self.rules if counts_visits(rule.condition))
        object.__setattr__(self, "_visit_rules", visit_rules)

    def rule(self, rule_id: str) -> Rule:
        """The rule with id ``rule_id``."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        known = ", ".join(rule.id for rule in self.rules)
        raise UnknownRule(f"program {self.id!r} has no rule {rule_id!r}; its rules are: {known}")

    def process(
        self,
        event: Purchase | Activity | Return | Activation | Membership,
        *,
        member: Member,
        ledger: Ledger,
        budgets: Mapping[str, int] | None = None,
    ) -> Outcome:
        """Evaluate ``event`` for ``member`` against their ``ledger``.

        Returns the new entries and their explanation. Processing the same event again
        against a ledger that holds its entries returns an empty, ``duplicate`` Outcome.
        ``budgets`` maps the program-wide budgets the event's rules draw on to the points
        they have left; ``outcome.budgets_used`` says what the event took from each.

        >>> from datetime import UTC, datetime
        >>> from loyalrules import Ledger, LineItem, Member, Money, Purchase, loads_program
        >>> program = loads_program('''
        ... program: tea-shop
        ... currency: USD
        ... timezone: UTC
        ... earn: [{id: base, name: 1 point per $1, effect: {type: points_per_spend, points: 1}}]
        ... ''')
        >>> at = datetime(2026, 5, 1, 12, tzinfo=UTC)
        >>> tea = LineItem(sku="SENCHA", category="tea", unit_price=Money("12.50", "USD"))
        >>> order = Purchase(id="o-1", member_id="m-1", occurred_at=at, lines=[tea])
        >>> member, ledger = Member(id="m-1", joined_at=at), Ledger()
        >>> outcome = program.process(order, member=member, ledger=ledger)
        >>> print(outcome)
        1 point per $1: +12 points
        >>> ledger = ledger.append(outcome.entries)  # the host stores outcome.entries
        >>> program.process(order, member=member, ledger=ledger).duplicate
        True
        """
        _check(member, Member, "member")
        _check(ledger, Ledger, "ledger")
        handler = _HANDLERS.get(type(event))
        if handler is None:
            raise WrongTypeError(
                "process() takes a Purchase, Activity, Return, Activation or Membership, not "
                f"{type(event).__name__}"
            )
        if event.member_id != member.id:
            raise ValidationError(
                f"the event belongs to member {event.member_id!r} but member {member.id!r} "
                "was passed; pass that member and their ledger"
            )
        ledger.check_after_checkpoint(event.occurred_at, "the event")
        if budgets is None:
            outcome = handler(self, event, member, ledger)
        elif isinstance(event, Purchase):
            outcome = self._earning.purchase(event, member, ledger, budgets)
        elif isinstance(event, Activity):
            outcome = self._earning.activity(event, member, ledger, budgets)
        else:
            raise NotAllowed("budgets are drawn on by purchases and activities only")
        return naming(outcome, self.settings.account_names)

    @naming_accounts
    def explain(
        self,
        event: Purchase | Activity,
        *,
        member: Member,
        ledger: Ledger,
        budgets: Mapping[str, int] | None = None,
    ) -> Outcome:
        """The outcome of ``event``, which ``ledger`` recorded, worked out again from the
        entries before it, so its ``why``, ``checks`` and ``render(verbose=True)`` answer
        later (``budgets`` as they were then, for budgeted rules). See docs/semantics.md.
        """
        before = ledger_before(event, ledger)
        return self.process(event, member=member, ledger=before, budgets=budgets)

    def _process_return(self, ret: Return, member: Member, ledger: Ledger) -> Outcome:
        from loyalrules.operations import returns

        earning = self._earning
        earning.check_currency(ret.purchase)
        outcome = returns.process_return(ret, ledger, self.settings, earning.earnings(member))
        if outcome.duplicate:
            return outcome
        from loyalrules.operations import engagement, points_payment, visit_returns

        # Points that paid part of the order come back in proportion to what is returned.
        outcome = points_payment.with_points_given_back(outcome, ret, ledger.history, self.settings)
        if self.challenges:
            outcome = engagement.undo_challenges(
                outcome, ret, ledger, self.challenges, self.settings
            )
        outcome = visit_returns.undo_visit_bonuses(
            outcome, ret, ledger, self._visit_rules, self.settings
        )
        return engagement.with_budgets_returned(outcome, ledger, earning.budget_of)

    def _process_membership(self, event: Membership, member: Member, ledger: Ledger) -> Outcome:
        from loyalrules.operations import memberships

        return memberships.process(self.plan(event.plan), event, ledger, self.settings)

    def _process_activation(self, event: Activation, member: Member, ledger: Ledger) -> Outcome:
        return lifecycle.process_activation(
            event.purchase_id, event.occurred_at, ledger, self.settings
        )

    @old_forms("member", "ledger", "at", new=0)
    @naming_accounts
    def expire(self, *, member: Member, ledger: Ledger, at: datetime) -> Outcome:
        """``Expired`` entries for the points that expired by ``at`` (a nightly job).

        Balances already leave expired points out; this writes the expiries down so the
        host can notify members and book them. Running it twice adds nothing.
        """
        _check(member, Member, "member")
        _check(ledger, Ledger, "ledger")
        return lifecycle.expire(ledger, to_utc(at, "at"), self.settings)

    @old_forms("member", "ledger", "points", new=0)
    @naming_accounts
    def adjust(
        self,
        *,
        member: Member,
        ledger: Ledger,
        points: int,
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
        points_argument(points, signed=True)
        for name, value in (("reason", reason), ("actor", actor), ("key", key)):
            if not isinstance(value, str) or not value.strip():
                raise ValidationError(f"{name} must be a non-empty string, not {value!r}")
        request = lifecycle.AdjustmentRequest(
            points=points, reason=reason, actor=actor, at=to_utc(at, "at"), key=key, account=account
        )
        return lifecycle.adjust(request, ledger, self.settings)

    @naming_accounts
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
        points_argument(points)
        if not isinstance(key, str) or not key:
            raise ValidationError(f"key must be a non-empty string, not {key!r}")
        request = lifecycle.TransferRequest(
            points=points, sender=sender.id, recipient=recipient.id, at=to_utc(at, "at"), key=key
        )
        return lifecycle.transfer(request, sender_ledger, recipient_ledger, self.settings)

    @naming_accounts
    def close_periods(self, *, member: Member, ledger: Ledger, at: datetime) -> Outcome:
        """The ``payouts`` of every period that ended by ``at`` and was not issued yet:
        one lot each, in the payout's money account, dated at the period's end. A job
        for after each period closes; running it again adds nothing."""
        _check(member, Member, "member")
        _check(ledger, Ledger, "ledger")
        from loyalrules.operations import payouts

        return payouts.close_periods(self.settings.payouts, ledger, to_utc(at, "at"), self.settings)

    @property
    def accounts(self) -> tuple[str, ...]:
        """The program's account names, ``points`` first. Give them to a ledger built
        from stored rows, ``Ledger.from_dicts(rows, accounts=program.accounts)``, so its
        ``balance`` refuses a misspelt name (decision 0056)."""
        return self.settings.account_names

    def balance(
        self, *, member: Member, ledger: Ledger, at: datetime, account: str = DEFAULT_ACCOUNT
    ) -> Balance:
        """``account``'s balance at ``at``, its name checked against the program: an
        account the program declares reads zero until it has entries, a name it does not
        declare raises ``UnknownAccount`` with the closest one it does. (``ledger.balance``
        cannot tell the two apart: a ledger has no program.)

        >>> from datetime import UTC, datetime
        >>> from loyalrules import Ledger, Member, loads_program
        >>> from loyalrules.errors import UnknownAccount
        >>> program = loads_program('''
        ... program: tea-shop
        ... currency: USD
        ... timezone: UTC
        ... accounts: {cashback: {unit: money}}
        ... earn: [{id: base, effect: {type: points_per_spend, points: 1}}]
        ... ''')
        >>> at = datetime(2026, 5, 1, tzinfo=UTC)
        >>> member, ledger = Member(id="m-1", joined_at=at), Ledger()
        >>> program.balance(member=member, ledger=ledger, at=at, account="cashback").available
        0
        >>> try:
        ...     program.balance(member=member, ledger=ledger, at=at, account="cashbak")
        ... except UnknownAccount as error:
        ...     print(str(error).split("; ")[1])
        its accounts are: points, cashback (did you mean 'cashback'?)
        """
        _check(member, Member, "member")
        _check(ledger, Ledger, "ledger")
        self.settings.account(account)
        return ledger.balance(to_utc(at, "at"), account)

    @old_forms("member", "ledger", "at", new=0)
    def status(self, *, member: Member, ledger: Ledger, at: datetime) -> Status:
        """Balances of every account at ``at`` and the points expiring next."""
        _check(member, Member, "member")
        _check(ledger, Ledger, "ledger")
        at = to_utc(at, "at")
        from loyalrules.operations import engagement
        from loyalrules.operations.status import member_status

        status = member_status(member, ledger, at, self.settings, self.challenges)
        ctx = self._earning.member_context(member, ledger, at, None)
        status = engagement.with_thresholds(status, self.rules, ctx)
        return engagement.with_affordable(status, self.rewards, ctx, ledger, self.settings)

    def referral(self, outcome: Outcome, *, referee: Member, referrer: Member) -> Referral:
        """The referrer's side of a referral: the ``Activity`` to process against the
        ``referrer``'s ledger once ``outcome`` (the ``referee``'s) pays a qualifying rule,
        or why not (a self-referral by the program's identity facts, not qualifying yet).
        """
        _check(outcome, Outcome, "outcome")
        _check(referee, Member, "referee")
        _check(referrer, Member, "referrer")
        if self.referrals is None:
            raise NotAllowed("this program has no referrals; add a 'referrals:' section")
        from loyalrules.operations.referrals import referral_event

        return referral_event(self.referrals, outcome, referee, referrer)

    def challenge(self, challenge_id: str) -> Challenge:
        """The challenge with id ``challenge_id``."""
        from loyalrules.operations import engagement

        return engagement.find_challenge(self.challenges, challenge_id, self.id)

    @naming_accounts
    def opt_in(self, challenge_id: str, *, member: Member, ledger: Ledger, at: datetime) -> Outcome:
        """The member joins challenge ``challenge_id`` from ``at`` on: an ``opt_in:<id>``
        activity, recorded in the ledger. Joining again adds nothing."""
        from loyalrules.rules.challenges import OPT_IN

        self.challenge(challenge_id)
        joined = Activity(
            id="joined", member_id=member.id, kind=OPT_IN + challenge_id, occurred_at=at
        )
        return self.process(joined, member=member, ledger=ledger)

    def quote(
        self,
        cart: Cart,
        *,
        member: Member,
        ledger: Ledger,
        at: datetime,
        budgets: Mapping[str, int] | None = None,
    ) -> Quote:
        """What ``cart`` would earn if bought at ``at``: the same numbers, no entries
        (``budgets`` as for ``process``)."""
        _check(cart, Cart, "cart")
        _check(member, Member, "member")
        _check(ledger, Ledger, "ledger")
        return self._earning.quote(cart, member, ledger, to_utc(at, "at"), budgets)

    def quote_many(
        self, carts: Iterable[Cart], *, member: Member, ledger: Ledger, at: datetime
    ) -> tuple[Quote, ...]:
        """``quote`` for each of ``carts`` (a catalog page), in order, equal to quoting
        them one by one; the member's history and tier, and the rules that read no cart
        (``Condition.reads_cart``), are worked out once for all.

        >>> from datetime import UTC, datetime
        >>> from loyalrules import Cart, Ledger, LineItem, Member, Money, loads_program
        >>> program = loads_program('''
        ... program: tea-shop
        ... currency: USD
        ... timezone: UTC
        ... earn: [{id: base, name: 1 point per $1, effect: {type: points_per_spend, points: 1}}]
        ... ''')
        >>> at = datetime(2026, 5, 1, 12, tzinfo=UTC)
        >>> member = Member(id="m-1", joined_at=at)
        >>> page = [
        ...     Cart(lines=[LineItem(sku=sku, category="tea", unit_price=Money(price, "USD"))])
        ...     for sku, price in [("SENCHA", "12.50"), ("ASSAM", "8.00")]
        ... ]
        >>> [q.points for q in program.quote_many(page, member=member, ledger=Ledger(), at=at)]
        [12, 8]
        """
        carts = tuple(carts)
        for cart in carts:
            _check(cart, Cart, "cart")
        _check(member, Member, "member")
        _check(ledger, Ledger, "ledger")
        return self._earning.quote_many(carts, member, ledger, to_utc(at, "at"))

    def _process_purchase(self, purchase: Purchase, member: Member, ledger: Ledger) -> Outcome:
        return self._earning.purchase(purchase, member, ledger)

    def _process_activity(self, activity: Activity, member: Member, ledger: Ledger) -> Outcome:
        return self._earning.activity(activity, member, ledger)


_HANDLERS: dict[type[Any], Callable[[Program, Any, Member, Ledger], Outcome]] = {
    Purchase: Program._process_purchase,
    Activity: Program._process_activity,
    Return: Program._process_return,
    Activation: Program._process_activation,
    Membership: Program._process_membership,
}
"""How ``Program.process`` handles each kind of event (exact types, no subclasses)."""
