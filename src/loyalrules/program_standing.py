"""The standing side of ``Program``: paid membership plans and what they were worth,
and tiers (the member's tier, the nightly review, tiers assigned by hand). ``Program``
takes these methods from :class:`Standing`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from loyalrules.errors import NotAllowed, WrongTypeError
from loyalrules.ledger.ledger import Ledger
from loyalrules.operations import tier_changes
from loyalrules.operations.outcome import Outcome, naming_accounts
from loyalrules.program_spending import Spending, check, check_key
from loyalrules.terms.policies import Plan
from loyalrules.terms.tiers import Tiers, TierState
from loyalrules.values.keywords import old_forms
from loyalrules.values.member import Member
from loyalrules.values.timeutil import to_utc

if TYPE_CHECKING:  # imported on first use: a host that only earns does not pay for them
    from loyalrules.operations import memberships


class Standing(Spending):
    """Memberships and tiers: what a ``Program`` says of a member's standing."""

    __slots__ = ()

    def plan(self, plan_id: str) -> Plan:
        """The paid membership plan ``plan_id``."""
        for plan in self.settings.memberships:
            if plan.id == plan_id:
                return plan
        known = ", ".join(plan.id for plan in self.settings.memberships) or "none"
        raise NotAllowed(f"program {self.id!r} has no membership plan {plan_id!r}; plans: {known}")

    def membership_value(
        self, plan_id: str, ledgers: Iterable[Ledger], point_value: Decimal | None = None
    ) -> memberships.MembershipValue:
        """Fees paid for ``plan_id`` across ``ledgers`` against the points its benefits
        gave, valued at ``point_value`` (default: the program's ``point_value``, or what
        points pay under ``pay_with_points``)."""
        value = point_value if point_value is not None else self.settings.point_value
        pay = self.settings.pay_with_points
        if value is None and pay is not None:
            value = pay.value / pay.points
        if value is None:
            raise NotAllowed("give point_value (or declare pay_with_points) to value points")
        if isinstance(ledgers, Ledger) or not isinstance(ledgers, Iterable):
            raise WrongTypeError(
                f"ledgers must be a list of Ledger values (one per member), not "
                f"{type(ledgers).__name__}; e.g. membership_value(plan, [ledger])"
            )
        ledgers = list(ledgers)
        for ledger in ledgers:
            check(ledger, Ledger, "each of ledgers")
        from loyalrules.operations import memberships

        return memberships.value_of(self.plan(plan_id), ledgers, value, self.settings.currency)

    def _tiers(self) -> Tiers:
        tiers = self.settings.tiers
        if tiers is None:
            raise NotAllowed("this program has no tiers; add a 'tiers:' section")
        return tiers

    @old_forms("member", "ledger", "at", new=0)
    def tier(self, *, member: Member, ledger: Ledger, at: datetime) -> TierState:
        """The member's tier at ``at``, derived from the ledger (events at ``at`` count)."""
        check(member, Member, "member")
        check(ledger, Ledger, "ledger")
        at = to_utc(at, "at")
        return tier_changes.tier_state(
            self._tiers(), ledger.history, member.joined_at, at, self.settings
        )

    @old_forms("member", "ledger", "at", new=0)
    @naming_accounts
    def review_tiers(self, *, member: Member, ledger: Ledger, at: datetime) -> Outcome:
        """``TierChanged`` entries for the tier changes not written down yet up to
        ``at`` (period ends, grace and retention running out, returns), each dated
        when it happened. A nightly job, like ``expire``; running it twice adds nothing."""
        check(member, Member, "member")
        check(ledger, Ledger, "ledger")
        at = to_utc(at, "at")
        ledger.check_after_checkpoint(at, "at")
        return tier_changes.review(self._tiers(), ledger, member.joined_at, at, self.settings)

    @old_forms("member", "ledger", "level", new=0)
    @naming_accounts
    def assign_tier(
        self,
        *,
        member: Member,
        ledger: Ledger,
        level: str,
        until: datetime | None,
        reason: str,
        actor: str,
        at: datetime,
        key: str,
    ) -> Outcome:
        """A manual tier (a status match, a goodwill gesture): the member's tier is at
        least ``level`` from ``at`` until ``until``."""
        check(member, Member, "member")
        check(ledger, Ledger, "ledger")
        check_key(key)
        until_utc = None if until is None else to_utc(until, "until")
        return tier_changes.assign(
            self._tiers(), ledger, level, until_utc, reason, actor, to_utc(at, "at"), key
        )
