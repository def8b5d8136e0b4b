"""Paid memberships: a fee for a period of richer benefits (an earn multiplier, a sign-up
bonus, perks, access to rewards), active from subscription until the paid period ends or
the membership is cancelled or lapses."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

import attrs

from loyalrules.errors import CurrencyMismatch, NotAllowed
from loyalrules.ledger.entries import DEFAULT_ACCOUNT, Earned, Entry, Reversed
from loyalrules.ledger.ledger import Ledger
from loyalrules.ledger.standing_entries import MembershipChanged
from loyalrules.operations.lifecycle import duplicate
from loyalrules.operations.outcome import Outcome
from loyalrules.rules.explanation import Explanation
from loyalrules.rules.settings import Settings
from loyalrules.terms.policies import Plan
from loyalrules.values.events import Membership
from loyalrules.values.frozen import value_methods
from loyalrules.values.money import Money
from loyalrules.values.timeutil import until_text

BONUS = "membership:"
"""Rule ids of sign-up bonuses start with this."""


def multiplier_rule_id(plan_id: str) -> str:
    return f"membership-{plan_id}"


def process(plan: Plan, event: Membership, ledger: Ledger, settings: Settings) -> Outcome:
    """The ``MembershipChanged`` entry for ``event`` (and the first sign-up's bonus)."""
    key = f"membership:{plan.id}:{event.id}"
    if key in ledger:
        return duplicate(key, ledger)
    at, history = event.occurred_at, ledger.history
    changes = history.memberships.get(plan.id, [])
    active = plan.id in history.member_of(at)
    current_end = changes[-1].valid_until if changes and active else at
    zone = settings.timezone
    if event.action in ("cancel", "lapse"):
        if not active:
            raise NotAllowed(f"there is no active {plan.name} membership to {event.action}")
        valid_until, fee = at, None
    else:
        start = current_end if event.action == "renew" else at
        if event.action == "subscribe" and active:
            raise NotAllowed(f"the member holds {plan.name} already; renew it instead")
        valid_until = plan.period.after(start, zone)
        fee = event.fee if event.fee is not None else Money(plan.fee, settings.currency)
        if fee.currency != settings.currency:
            raise CurrencyMismatch(
                f"the fee is in {fee.currency} but the program is in {settings.currency}"
            )
    entries: list[Entry] = [
        MembershipChanged(
            key=key, at=at, plan=plan.id, action=event.action, valid_until=valid_until, fee=fee
        )
    ]
    if event.action in ("cancel", "lapse"):
        text = f"{plan.name}: {event.action}, benefits end now"
    else:
        text = f"{plan.name}: {event.action}, benefits until {until_text(valid_until, zone)}"
    explanation = [Explanation(plan.id, "membership", 0, text)]
    first = event.action == "subscribe" and not changes
    if first and plan.signup_bonus:
        entries.append(
            Earned(
                key=f"{key}:bonus",
                at=at,
                points=plan.signup_bonus,
                rule_id=f"{BONUS}{plan.id}",
                source=key,
                **settings.lot_dates(DEFAULT_ACCOUNT, at),
            )
        )
        bonus = settings.amount(DEFAULT_ACCOUNT, plan.signup_bonus)
        explanation.append(
            Explanation(
                plan.id, "applied", plan.signup_bonus, f"{plan.name} welcome bonus: +{bonus}"
            )
        )
    return Outcome(
        event_key=key,
        entries=tuple(entries),
        explanation=tuple(explanation),
        ledger_version=ledger.version,
    )


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class MembershipValue:
    """What a plan gave its members against what they paid for it."""

    plan: str
    members: int
    fees: Money
    points_given: int
    benefits: Money
    point_value: Decimal

    @property
    def ratio(self) -> Decimal | None:
        """Value of benefits given per unit of fees paid (None without fees)."""
        return None if not self.fees else self.benefits.amount / self.fees.amount


def value_of(
    plan: Plan, ledgers: Iterable[Ledger], point_value: Decimal, currency: str
) -> MembershipValue:
    """Fees paid for ``plan`` against the points its benefits gave (sign-up bonuses and
    what its earn multiplier added), valued at ``point_value`` each."""
    members = points = 0
    fees = Decimal(0)
    rules = {multiplier_rule_id(plan.id), f"{BONUS}{plan.id}"}
    earned_by = f":earn:{multiplier_rule_id(plan.id)}"
    for ledger in ledgers:
        member = False
        for entry in ledger.entries:
            if isinstance(entry, MembershipChanged) and entry.plan == plan.id:
                member = True
                if entry.fee is not None:
                    fees += entry.fee.amount
            elif isinstance(entry, Earned) and entry.rule_id in rules:
                points += entry.points
            elif isinstance(entry, Reversed):  # what returns took back of the multiplier's
                points -= sum(p.points for p in entry.reverses if p.lot.endswith(earned_by))
        members += member
    benefits = (point_value * points).quantize(Money.zero(currency).quantum)
    return MembershipValue(
        plan=plan.id,
        members=members,
        fees=Money(fees, currency),
        points_given=points,
        benefits=Money(benefits, currency),
        point_value=point_value,
    )
