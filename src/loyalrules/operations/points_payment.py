"""Paying part of an order with points, and giving those points back on a return.

A payment is a ``Redeemed`` entry whose reward id is ``pay_with_points``: it takes
points like any redemption, and a return gives back a share of them in proportion to
the value returned.
"""

from __future__ import annotations

from datetime import datetime

import attrs

from loyalrules.errors import InternalError, NotAllowed
from loyalrules.ledger.entries import Entry, Recorded, Redeemed
from loyalrules.ledger.history import History
from loyalrules.ledger.ledger import Ledger
from loyalrules.operations.lifecycle import duplicate
from loyalrules.operations.outcome import Outcome
from loyalrules.operations.redemption import (
    PAY_WITH_POINTS,
    points_available,
    redemption_key,
    restore,
    take_points,
)
from loyalrules.rules.explanation import Explanation
from loyalrules.rules.rewards import Grant
from loyalrules.rules.settings import Settings
from loyalrules.terms.policies import PayWithPoints
from loyalrules.values.events import Cart, Return
from loyalrules.values.frozen import value_methods
from loyalrules.values.money import Money


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class PointsPayment:
    """How much of a cart points can pay: ``points`` paying ``amount``; ``most`` is the
    largest allowed for this cart and balance."""

    points: int
    amount: Money
    most: int


def plan_payment(
    policy: PayWithPoints, cart: Cart, ledger: Ledger, at: datetime, settings: Settings,
    points: int | None, order_id: str | None = None,
) -> tuple[int, int]:  # fmt: skip
    """(points to use, the most allowed). ``points`` None asks for the most allowed;
    points already paid towards ``order_id`` count against its share."""
    already = sum(p.points for p in paid_towards(ledger.history, order_id)) if order_id else 0
    most = policy.most(cart, points_available(ledger, policy.account, at), already)
    if points is None:
        return most, most
    if points % policy.step or points < policy.min_points or points > most:
        raise NotAllowed(
            f"{points} points cannot pay for this cart: use at least {policy.min_points}, in "
            f"steps of {policy.step}, at most {most} (the most this cart and balance allow)"
        )
    return points, most


def pay_with_points(
    policy: PayWithPoints,
    points: int,
    order_id: str,
    key: str,
    at: datetime,
    ledger: Ledger,
    settings: Settings,
) -> Outcome:
    """A ``Redeemed`` entry for ``points`` paying towards the order ``order_id``."""
    rkey = redemption_key(key)
    if rkey in ledger:
        return duplicate(rkey, ledger)
    ledger.check_after_checkpoint(at, "the payment")
    if points <= 0:
        raise NotAllowed("this cart cannot be paid with points (too few points, or too small)")
    amount = policy.worth(points, settings.currency)
    entry = Redeemed(
        key=rkey,
        at=at,
        account=policy.account,
        points=points,
        consumed=take_points(ledger, policy.account, points, at, settings),
        reward_id=PAY_WITH_POINTS,
        order_id=order_id,
    )
    grant = Grant(
        reward_id=PAY_WITH_POINTS,
        kind="points_payment",
        description=f"{settings.show(amount)} paid with points",
        amount=amount,
    )
    paid = settings.amount(policy.account, points)
    text = f"Paid {settings.show(amount)} of order {order_id} with {paid}"
    return Outcome(
        event_key=rkey,
        entries=(entry,),
        explanation=(Explanation(PAY_WITH_POINTS, "redeemed", -points, text),),
        ledger_version=ledger.version,
        grant=grant,
    )


def paid_towards(history: History, order_id: str) -> list[Redeemed]:
    """The points payments made towards ``order_id``."""
    return [
        entry
        for entry in history.redemptions.values()
        if entry.reward_id == PAY_WITH_POINTS and entry.order_id == order_id
    ]


def with_points_given_back(
    outcome: Outcome, ret: Return, history: History, settings: Settings
) -> Outcome:
    """A return's ``outcome`` with the points paid towards its order given back, in
    proportion to the value returned so far (this return included). The running total is
    rounded down, so partial returns never give back more than a full one, and returning
    everything gives back every point paid."""
    purchase = ret.purchase
    recorded = outcome.entries[0]
    if not isinstance(recorded, Recorded):
        raise InternalError(f"a return's outcome starts with a {type(recorded).__name__}")
    returned = dict(history.returned.get(recorded.source or "", {}))
    for line_id, units in recorded.returned:
        returned[line_id] = returned.get(line_id, 0) + units
    total = sum(line.net.amount for line in purchase.lines)
    back = sum(
        line.net.amount * returned.get(line.id, 0) / line.quantity for line in purchase.lines
    )
    entries: list[Entry] = []
    explanation = []
    for number, payment in enumerate(paid_towards(history, purchase.id)):
        due_so_far = payment.points if back >= total else int(payment.points * back / total)
        due = due_so_far - history.restored.get(payment.key, 0)
        if due <= 0:
            continue
        key = f"{outcome.event_key}:restore" + (f":{number}" if number else "")
        entry = restore(payment, due, ret.occurred_at, key, history, settings, whole=False)
        entries.append(entry)
        given = entry.points - entry.lapsed
        text = f"Paid towards order {purchase.id}, given back: +"  # points or credit
        text += settings.amount(entry.account, given)
        if entry.lapsed:
            text += f" ({settings.amount(entry.account, entry.lapsed)} had expired and lapse)"
        explanation.append(Explanation(PAY_WITH_POINTS, "restored", given, text))
    if not entries:
        return outcome
    return attrs.evolve(
        outcome,
        entries=(*outcome.entries, *entries),
        explanation=(*outcome.explanation, *explanation),
    )
