"""Spending points on rewards, and undoing a redemption (see ``points_payment`` for
points paid towards an order).

Every operation reads a ledger and returns an Outcome; nothing is spent until the host
appends its entries. A redemption takes available points lot by lot, soonest-expiring
first, and names the lots in its ``Redeemed`` entry, so cancelling it can give back
exactly those points with their own expiry.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import attrs

from loyalrules.errors import (
    InsufficientPoints,
    InternalError,
    LimitReached,
    NotAllowed,
    NotEligible,
    ValidationError,
)
from loyalrules.ledger.entries import Adjusted, Consumption, Earned, Entry, Redeemed, Restored
from loyalrules.ledger.fold import reward_key
from loyalrules.ledger.history import History
from loyalrules.ledger.ledger import Ledger
from loyalrules.ledger.lots import LotState, take, take_first
from loyalrules.operations.catalog_limits import catalog_limit
from loyalrules.operations.lifecycle import cover, duplicate
from loyalrules.operations.outcome import Outcome
from loyalrules.rules.conditions import AllOf, Condition
from loyalrules.rules.context import Context
from loyalrules.rules.explanation import Explanation
from loyalrules.rules.rewards import Credit, Reward
from loyalrules.rules.settings import Settings
from loyalrules.terms.policies import Unit
from loyalrules.values.events import Cart
from loyalrules.values.frozen import value_methods
from loyalrules.values.timeutil import until_text

PAY_WITH_POINTS = "pay_with_points"
"""The reward id of points paid towards an order."""


def redemption_key(key: str) -> str:
    return f"redeem:{key}"


def _failed(condition: Condition, ctx: Context) -> Iterator[str]:
    """The parts of ``condition`` that do not hold, in words."""
    if isinstance(condition, AllOf):
        for part in condition.conditions:
            yield from _failed(part, ctx)
    elif not condition(ctx):
        yield condition.describe()


def why_not(reward: Reward, ctx: Context, cart: Cart | None) -> str | None:
    """Why the member may not redeem ``reward`` now (None: they may)."""
    active = reward.active
    if active is not None and not active(ctx):
        return f"it is only available {active.describe()}"
    if reward.condition is not None:
        failed = list(_failed(reward.condition, ctx))
        if failed:
            return "it needs: " + "; ".join(failed)
    return reward.gift.missing(cart)


def _limit(reward: Reward, ctx: Context, history: History, order_id: str | None) -> str | None:
    limit = reward.limit
    if limit is not None and not limit.allows(ctx, reward_key(reward.id)):
        return f"{reward.name} can be redeemed {limit.describe()}"
    per_order = reward.per_order
    if (
        per_order is not None
        and order_id is not None
        and history.redemptions_of(reward.id, order_id) >= per_order
    ):
        times = "once" if per_order == 1 else f"{per_order} times"
        return f"{reward.name} can be redeemed {times} per order"
    return None


def points_available(ledger: Ledger, account: str, at: datetime) -> int:
    """Points of ``account`` that a debit dated ``at`` can spend: the balance at
    ``at``, less what debits dated later but already written took from the lots it
    could spend (they keep the lots they named). Points an expiry written later took
    count: a debit dated before the expiry spends them instead (decision 0057)."""
    balance = ledger.balance(at, account)
    left = sum(lot.left_for(at) for lot, _ in _spendable(ledger.history, account, at))
    return min(balance.available, left - balance.deficit)


def _spendable(history: History, account: str, at: datetime) -> list[tuple[LotState, datetime]]:
    """The lots of ``account`` a debit dated ``at`` may take from, with their expiry:
    open ones, and those an expiry dated after ``at`` closed."""
    state = history.accounts.get(account)
    if state is None:
        return []
    lots = list(state.open.values())
    lots += (lot for lot in state.lots.values() if lot.left <= 0 and lot.expired_points > 0)
    found = []
    for lot in lots:
        if lot.at <= at and lot.is_available(at):
            expiry = history.expiry_of(lot)
            if expiry > at:
                found.append((lot, expiry))
    return found


def take_points(
    ledger: Ledger, account: str, points: int, at: datetime, settings: Settings
) -> tuple[Consumption, ...]:
    """Take ``points`` of ``account`` at ``at`` in the account's consumption order;
    raises ``InsufficientPoints`` (naming the account's unit) when fewer are available,
    ``StaleOutcome`` when another writer appended to ``ledger`` meanwhile."""
    what = settings.unit_name(account)
    order = settings.account(account).consumption
    history = ledger.history
    state = history.accounts.get(account)
    if state is not None and state.last_taken is not None and state.last_taken > at:
        # Backdated: debits or expiries dated later were written already (decision 0057).
        available = points_available(ledger, account, at)
        if points > available:
            raise InsufficientPoints(needed=points, available=available, what=what)
        consumed, shortfall = take(_spendable(history, account, at), points, at, order)
    else:
        consumed, shortfall = take_first(history.lots_to_take(account, order), points, at)
        # The balance reads every lot the account ever had. Without a deficit owed at
        # ``at`` it is at least what the open lots hold, so it is asked only when they
        # fall short (or a deficit is owed): a debit costs the lots it takes.
        if shortfall or state is None or sum(p for when, p in state.deficit if when <= at) > 0:
            available = points_available(ledger, account, at)
            if points > available:
                raise InsufficientPoints(needed=points, available=available, what=what)
    # The balance and the lots agree unless the shared history moved between the two
    # reads (a concurrent append to this ledger object): then the answer is stale.
    ledger.check_unchanged(history, f"the debit of {what}")
    if shortfall:
        raise InternalError(f"the open lots of {account!r} cover {points - shortfall} of {points}")
    return tuple(consumed)


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class RedeemRequest:
    reward: Reward
    ctx: Context
    key: str
    cart: Cart | None = None
    order_id: str | None = None
    catalog: tuple[Reward, ...] = ()  # for the limits across the catalog


def redeem(request: RedeemRequest, ledger: Ledger, settings: Settings) -> Outcome:
    """Spend points on a reward (see ``Program.redeem``)."""
    reward, ctx = request.reward, request.ctx
    key = redemption_key(request.key)
    if key in ledger:
        return duplicate(key, ledger)
    at = ctx.at
    ledger.check_after_checkpoint(at, "the redemption")
    history = ledger.history
    reason = why_not(reward, ctx, request.cart)
    if reason is not None:
        ledger.check_unchanged(history, "the redemption")
        raise NotEligible(f"not eligible for {reward.name}: {reason}")
    reached = _limit(reward, ctx, history, request.order_id) or catalog_limit(
        settings.redemption_limits, request.catalog, ctx, history, request.order_id
    )
    if reached is not None:
        ledger.check_unchanged(history, "the redemption")
        raise LimitReached(reached)
    cost = reward.cost_for(ctx)
    entries: list[Entry] = [
        Redeemed(
            key=key,
            at=at,
            account=reward.account,
            points=cost,
            consumed=take_points(ledger, reward.account, cost, at, settings),
            reward_id=reward.id,
            order_id=request.order_id,
        )
    ]
    grant = reward.gift.grant(reward.id, request.cart, settings.currency)
    gift = reward.gift
    if isinstance(gift, Credit):  # store credit: a lot in the money account
        entries.append(_credit(gift, key, at, settings))
    text = f"Redeemed {reward.name}: -{settings.amount(reward.account, cost)} ({grant.description})"
    ledger.check_unchanged(history, "the redemption")
    return Outcome(
        event_key=key,
        entries=tuple(entries),
        explanation=(Explanation(reward.id, "redeemed", -cost, text),),
        ledger_version=ledger.version,
        grant=grant,
    )


def _credit(gift: Credit, key: str, at: datetime, settings: Settings) -> Earned:
    account = settings.account(gift.account)
    if account.unit is not Unit.MONEY:
        raise NotAllowed(f"a credit goes to a money account; {account.name!r} counts points")
    cents = int(gift.amount.scaleb(settings.minor_units))
    return Earned(
        key=f"{key}:credit",
        at=at,
        points=cents,
        rule_id=f"reward:{key}",
        source=key,
        account=account.name,
        **settings.lot_dates(account.name, at, pending=False),
    )


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class RewardOption:
    """A reward as a member sees it now: what it costs them, whether they can redeem it,
    and if not, why or how many more points they need."""

    reward_id: str
    name: str
    cost: int
    eligible: bool
    affordable: bool
    points_needed: int
    reason: str | None
    message: str


def rewards_for(
    rewards: tuple[Reward, ...], ctx: Context, ledger: Ledger, settings: Settings
) -> tuple[RewardOption, ...]:
    """Every reward with its price for this member and whether they can have it."""
    options = []
    for reward in rewards:
        cost = reward.cost_for(ctx)
        available = points_available(ledger, reward.account, ctx.at)
        reason = (
            why_not(reward, ctx, None)
            or _limit(reward, ctx, ledger.history, None)
            or catalog_limit(settings.redemption_limits, rewards, ctx, ledger.history, None)
        )
        needed = max(cost - available, 0)
        price = settings.amount(reward.account, cost)
        if reason is not None:
            message = f"{reward.name}: {price}, not available ({reason})"
        elif needed:
            message = f"{reward.name}: {price}, {settings.more(reward.account, needed)}"
        else:
            message = f"{reward.name}: {price}, yours to redeem"
        options.append(
            RewardOption(
                reward_id=reward.id,
                name=reward.name,
                cost=cost,
                eligible=reason is None,
                affordable=needed == 0,
                points_needed=needed,
                reason=reason,
                message=message,
            )
        )
    return tuple(options)


# --- giving points back ------------------------------------------------------------------


def restore(
    redemption: Redeemed,
    points: int,
    at: datetime,
    key: str,
    history: History,
    settings: Settings,
    whole: bool,
) -> Restored:
    """Give back ``points`` of ``redemption``: to the lots it took them from, latest
    taken first, with their own expiry. Points of a lot that expired meanwhile lapse, or
    come back as a new lot for the program's grace period."""
    given: dict[str, int] = {}
    left = points
    already = history.restored.get(redemption.key, 0)
    for part in reversed(redemption.consumed):  # skip what earlier restores gave back
        if already >= part.points:
            already -= part.points
            continue
        share = min(part.points - already, left)
        already = 0
        if share > 0:
            given[part.lot] = share
            left -= share
    state = history.account(redemption.account)
    restored, lapsed = [], 0
    for lot_key, share in given.items():
        lot = state.lots.get(lot_key)
        if lot is None or history.expiry_of(lot) <= at:
            lapsed += share
        else:
            restored.append(Consumption(lot_key, share))
    grace = settings.restore_grace
    regranted = lapsed if grace is not None else 0
    return Restored(
        key=key,
        at=at,
        account=redemption.account,
        redemption=redemption.key,
        points=sum(c.points for c in restored) + lapsed,
        restored=tuple(restored),
        lapsed=lapsed - regranted,
        regranted=regranted,
        expires_at=grace.after(at, settings.timezone) if grace is not None and regranted else None,
        whole=whole,
    )


def cancel(redemption_key_: str, at: datetime, ledger: Ledger, settings: Settings) -> Outcome:
    """Undo a redemption: its points come back to the lots they came from."""
    history = ledger.history
    redemption = history.redemptions.get(redemption_key_)
    if redemption is None:
        shown = redemption_key_.removeprefix("redeem:")
        raise NotAllowed(f"no redemption with key {shown!r} in this ledger")
    if at < redemption.at:
        raise ValidationError(
            f"the cancellation at {at.isoformat()} is before the redemption it cancels "
            f"({redemption.at.isoformat()})"
        )
    key = f"cancel:{redemption_key_}"
    if key in ledger:
        return duplicate(key, ledger)
    ledger.check_after_checkpoint(at, "the cancellation")
    left = redemption.points - history.restored.get(redemption.key, 0)
    if left <= 0:
        raise NotAllowed(f"redemption {redemption_key_!r} was given back in full already")
    entry = restore(redemption, left, at, key, history, settings, whole=True)
    entries: list[Entry] = [entry]
    credit = _take_back_credit(redemption, at, key, history, settings)
    if credit is not None:
        entries.append(credit)
    text = f"Cancelled {redemption.reward_id}: +{settings.amount(redemption.account, left)}"
    owed = min(history.account(redemption.account).owed, entry.points - entry.lapsed)
    if owed > 0:
        text += f" (it pays {settings.amount(redemption.account, owed)} owed)"
    if entry.lapsed:
        gone = settings.amount(redemption.account, entry.lapsed)
        text += f" ({gone} of it had expired and lapse)"
    if entry.regranted and entry.expires_at is not None:
        back = settings.amount(redemption.account, entry.regranted)
        until = until_text(entry.expires_at, settings.timezone)
        text += f" ({back} of it had expired: given back until {until})"
    if credit is not None:
        text += f", {settings.amount(credit.account, -credit.points)} of credit taken back"
    return Outcome(
        event_key=key,
        entries=tuple(entries),
        explanation=(Explanation(redemption.reward_id, "restored", left - entry.lapsed, text),),
        ledger_version=ledger.version,
    )


def _take_back_credit(
    redemption: Redeemed, at: datetime, key: str, history: History, settings: Settings
) -> Adjusted | None:
    """The store credit a cancelled redemption gave, taken back: from its own lot first,
    then from other credit; what is gone already is a deficit or written off."""
    for state in history.accounts.values():
        lot = state.lots.get(f"{redemption.key}:credit")
        if lot is None:
            continue
        account = settings.account(lot.account)
        expiry = history.expiry_of(lot)
        own = [(lot, expiry)] if expiry > at else []
        consumed, shortfall = take_first(own, lot.points, at)
        others = history.lots_to_take(lot.account, account.consumption)
        more, shortfall = take_first((item for item in others if item[0] is not lot), shortfall, at)
        deficit, written_off = cover(shortfall, account)
        return Adjusted(
            key=f"{key}:credit",
            at=at,
            points=-lot.points,
            reason=f"redemption {redemption.key} cancelled",
            actor="loyalrules",
            account=lot.account,
            consumed=(*consumed, *more),
            deficit=deficit,
            written_off=written_off,
        )
    return None
