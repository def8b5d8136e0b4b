"""Engagement around the program's calls: a reward's member message, the rewards a status
nudges towards, a challenge looked up by id."""

from __future__ import annotations

import attrs

from loyalrules.errors import NotAllowed
from loyalrules.ledger.entries import Earned
from loyalrules.ledger.ledger import Ledger
from loyalrules.operations import redemption
from loyalrules.operations.outcome import Outcome
from loyalrules.operations.status import Status
from loyalrules.rules.challenges import Challenge
from loyalrules.rules.context import Context
from loyalrules.rules.messages import expires_text
from loyalrules.rules.rewards import Reward
from loyalrules.rules.settings import Settings


def with_reward_message(
    outcome: Outcome, reward: Reward, ctx: Context, settings: Settings
) -> Outcome:
    """``outcome`` of redeeming ``reward`` with the reward's member message rendered."""
    if reward.message is None or outcome.duplicate:
        return outcome
    expires = next((e.expires_at for e in outcome.entries if isinstance(e, Earned)), None)
    text = reward.message.render(
        points=reward.cost_for(ctx),
        reward=reward.name,
        expires=expires_text(expires, settings.timezone),
    )
    return attrs.evolve(outcome, member_messages=(text,))


def with_affordable(
    status: Status, rewards: tuple[Reward, ...], ctx: Context, ledger: Ledger, settings: Settings
) -> Status:
    """``status`` naming the rewards the member can redeem now (for its nudges)."""
    if not rewards:
        return status
    options = redemption.rewards_for(rewards, ctx, ledger, settings)
    names = tuple(option.name for option in options if option.eligible and option.affordable)
    return attrs.evolve(status, affordable=names)


def find_challenge(challenges: tuple[Challenge, ...], challenge_id: str, program: str) -> Challenge:
    """The challenge with id ``challenge_id``, or a clear error naming the others."""
    for challenge in challenges:
        if challenge.id == challenge_id:
            return challenge
    known = ", ".join(c.id for c in challenges) or "none"
    raise NotAllowed(
        f"program {program!r} has no challenge {challenge_id!r}; its challenges: {known}"
    )
