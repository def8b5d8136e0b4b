"""Redemption limits across the whole catalog (``redemption_limits``): one reward per
order whatever the reward, at most N redemptions per member per day or period.

They count the catalog's rewards only (not points paid towards an order), and a
cancelled redemption counts for none, as a reward's own ``limit`` and ``per_order`` do.
"""

from __future__ import annotations

from collections.abc import Iterable

from loyalrules.ledger.fold import reward_key
from loyalrules.ledger.history import History
from loyalrules.rules.context import Context
from loyalrules.rules.rewards import Reward
from loyalrules.terms.policies import RedemptionLimits


def _times(count: int) -> str:
    return "one reward" if count == 1 else f"{count} rewards"


def catalog_limit(
    limits: RedemptionLimits | None,
    catalog: Iterable[Reward],
    ctx: Context,
    history: History,
    order_id: str | None,
) -> str | None:
    """Why one more redemption would break the catalog's limits (None: it would not).

    For example::

        catalog_limit(None, (), ctx, history, None) is None
    True
    """
    if limits is None:
        return None
    ids = [reward.id for reward in catalog]
    if limits.per_order is not None and order_id is not None:
        done = sum(history.redemptions_of(reward_id, order_id) for reward_id in ids)
        if done >= limits.per_order:
            return f"at most {_times(limits.per_order)} per order"
    if limits.times is not None and limits.per is not None:
        start, end = limits.per.bounds(ctx.local)
        done = sum(ctx.history.rule_earnings_between(reward_key(i), start, end) for i in ids)
        if done >= limits.times:
            return f"at most {_times(limits.times)} per {limits.per.value}"
    return None
