"""Referrals, both sides: the referee's side is a rule of their own program; the referrer's
side is an activity the host sends once the referee qualifies.

The engine evaluates one member at a time, so a referral crosses from one ledger to
another through the host: ``referral_event`` (in ``operations.referrals``) turns the
referee's qualifying Outcome into the referrer's ``Activity``, or refuses it with a
reason. What the program states is here: which of the referee's rules qualify, the
activity kind the referrer's rules listen to, and the identity facts a self-referral
guard compares.

>>> terms = ReferralTerms(qualifying=frozenset({"referee-welcome"}))
>>> terms.kind
'referral'
"""

from __future__ import annotations

import attrs

from loyalrules.rules.conditions import Condition
from loyalrules.rules.context import Context
from loyalrules.values.frozen import value_methods

REFERRED_BY = "referred_by"
"""The member attribute the host sets to the id of whoever referred the member."""


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class ReferralTerms:
    """How a program's referrals work.

    ``qualifying``: ids of the referee's rules whose payment makes the referral count
    (their first purchase of $20+ within 30 days, say); ``kind``: the activity kind the
    referrer's rules listen to; ``identity``: names of member attributes (an email hash,
    a payment fingerprint, an address hash) that must differ between the two members.
    The referee's member attribute ``referred_by`` names their referrer.
    """

    qualifying: frozenset[str]
    kind: str = "referral"
    identity: tuple[str, ...] = ()


@value_methods
@attrs.frozen(eq=False, repr=False)
class Referred(Condition):
    """The member was referred (``expected``), or was not: their attribute
    ``referred_by`` names a referrer."""

    reads_cart = False

    expected: bool = True

    def __call__(self, ctx: Context) -> bool:
        return bool(ctx.member.attributes.get(REFERRED_BY)) is self.expected

    def describe(self) -> str:
        return "a referred member" if self.expected else "a member nobody referred"

    def seen(self, ctx: Context) -> str | None:
        referrer = ctx.member.attributes.get(REFERRED_BY)
        return f"referred by {referrer}" if referrer else "not referred"
