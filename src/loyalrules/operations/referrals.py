"""The referrer's side of a referral: the referee's qualifying Outcome becomes the
referrer's event, unless the self-referral guard refuses it (and says why)."""

from __future__ import annotations

import attrs

from loyalrules.operations.outcome import Outcome
from loyalrules.rules.referrals import REFERRED_BY, ReferralTerms
from loyalrules.values.events import Activity
from loyalrules.values.frozen import value_methods
from loyalrules.values.member import Member


@value_methods
@attrs.frozen(eq=False, repr=False)
class Referral:
    """What a referee's outcome means for their referrer: the ``event`` to process
    against the referrer's ledger, or ``None`` and the ``reason`` it is refused."""

    event: Activity | None
    reason: str

    @property
    def refused(self) -> bool:
        return self.event is None


def referral_event(
    terms: ReferralTerms, outcome: Outcome, referee: Member, referrer: Member
) -> Referral:
    """The referrer's ``Activity`` for the referee's ``outcome``, or why there is none.

    The activity's id is the referee's id, so a referee counts once for their referrer
    (processing it twice is a replay); its time is the referee's qualifying event's.
    """
    if referee.id == referrer.id:
        return Referral(None, "refused: a member cannot refer themselves")
    named = referee.attributes.get(REFERRED_BY)
    if named != referrer.id:
        text = f"refused: {referee.id} was not referred by {referrer.id} ({REFERRED_BY}: {named})"
        return Referral(None, text)
    for name in terms.identity:
        mine, theirs = referee.attributes.get(name), referrer.attributes.get(name)
        if mine is not None and mine == theirs:
            return Referral(
                None, f"refused as a self-referral: the referee's {name} is the referrer's"
            )
    paid = sorted(rule for rule in terms.qualifying if outcome.paid(rule))
    if not paid:
        wanted = ", ".join(sorted(terms.qualifying))
        why = [str(check) for rule in sorted(terms.qualifying) if (check := outcome.why(rule))]
        detail = f" ({'; '.join(why)})" if why else ""
        return Referral(None, f"not yet: the referee's event paid none of {wanted}{detail}")
    at = outcome.entries[0].at
    event = Activity(
        id=referee.id,
        member_id=referrer.id,
        kind=terms.kind,
        occurred_at=at,
        attributes={"referee": referee.id, "qualified_by": paid[0]},
    )
    return Referral(event, f"{referee.id} qualified ({paid[0]}): {terms.kind} for {referrer.id}")
