"""What a simulated member may do at checkout: redeem a reward, pay part of the order
with points.

Both are asked of the program as a host would (``Redeem`` and ``PayWithPoints`` records
through the one runner), recorded as steps first so a replay asks the same, and skipped
without asking when the member certainly has too few points.
"""

from __future__ import annotations

import random
from typing import Any, Protocol

import attrs

from loyalrules import (
    Cart,
    InsufficientPoints,
    Ledger,
    Member,
    NotAllowed,
    Outcome,
    Program,
    Purchase,
)
from loyalrules.economics.behaviour import BehaviourModel
from loyalrules.economics.metrics import POINTS
from loyalrules.economics.population import pick
from loyalrules.storage.inputs import run
from loyalrules.terms.policies import PayWithPoints as PayPolicy
from loyalrules.values.frozen import value_methods
from loyalrules.values.inputs import PayWithPoints, Redeem


class Shopper(Protocol):
    """What the till needs of a simulated member's run."""

    member: Member
    ledger: Ledger
    rng: random.Random
    redeemer: bool
    points: int  # available + pending points, as the outcomes changed them
    paid: dict[str, Purchase]
    steps: list[Any] | None  # the steps recorded, when they are

    def note(self, step: Any) -> None: ...
    def apply(self, outcome: Outcome) -> None: ...


@value_methods
@attrs.frozen(eq=False, repr=False)
class Till:
    """A program's checkout as the behaviour model uses it."""

    program: Program
    rewards: tuple[str, ...]
    least: dict[str, int | None]  # the least each reward costs in points (None: not points)
    chance: float  # a redeemer tries a reward at an order
    pay: PayPolicy | None
    pay_chance: float  # a member pays part of an order with points

    @classmethod
    def of(cls, program: Program, model: BehaviourModel) -> Till:
        pay = program.settings.pay_with_points
        return cls(
            program=program,
            rewards=tuple(reward.id for reward in program.rewards),
            least={
                reward.id: min((reward.cost, *(price.cost for price in reward.prices)))
                if reward.account == POINTS
                else None
                for reward in program.rewards
            },
            chance=float(model.redemption.chance),
            pay=pay,
            pay_chance=float(model.pay_with_points.chance) if pay is not None else 0.0,
        )

    def checkout(self, person: Shopper, purchase: Purchase) -> Purchase:
        """A redeemer may spend points on a reward at checkout, before the order, and a
        member may pay part of it with points: the order as recorded."""
        rng, order, at = person.rng, purchase.id, purchase.occurred_at
        cart = None
        if person.redeemer and self.rewards and rng.random() < self.chance:
            reward = pick(self.rewards, rng)
            least = self.least[reward]
            # A step certainly refused and not recorded needs no cart: none is built.
            if person.steps is not None or least is None or person.points >= least:
                cart = _cart(purchase)
                step = Redeem(reward, at, f"{order}:{reward}", cart, order)
                self.attempt(person, step, least)
        if not (self.pay_chance and rng.random() < self.pay_chance and self.pay is not None):
            return purchase
        paying = PayWithPoints(cart or _cart(purchase), at, f"{order}:pay", order)
        outcome = self.attempt(person, paying, max(self.pay.min_points, 1))
        if outcome is None or outcome.grant is None or outcome.grant.amount is None:
            return purchase
        paid = attrs.evolve(purchase, points_payment=outcome.grant.amount)
        person.paid[order] = paid  # its return must carry the order as recorded
        return paid

    def attempt(
        self, person: Shopper, step: Redeem | PayWithPoints, least: int | None
    ) -> Outcome | None:
        """Run ``step`` unless it is refused; below ``least`` points it certainly would
        be, so the program is not asked (a replay asks)."""
        person.note(step)
        if least is not None and person.points < least:
            return None
        try:
            outcome = run(self.program, person.member, person.ledger, step)
        except (InsufficientPoints, NotAllowed):
            return None
        person.apply(outcome)
        return outcome


def _cart(purchase: Purchase) -> Cart:
    """The order's cart, as a host would store a call made at its checkout."""
    return Cart(lines=purchase.lines, channel=purchase.channel, payment=purchase.payment)
