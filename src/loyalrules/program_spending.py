"""The spending side of ``Program``: the rewards catalog, redemptions, points paid
towards an order, redemptions by the chart, and cancelling them. ``Program`` takes
these methods from :class:`Spending`; the argument checks are shared from here."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from loyalrules.errors import NotAllowed, UnknownReward, ValidationError, WrongTypeError
from loyalrules.ledger.ledger import Ledger
from loyalrules.operations.earning import Earning
from loyalrules.operations.outcome import Outcome, naming_accounts
from loyalrules.rules.settings import Settings
from loyalrules.terms.policies import PayWithPoints
from loyalrules.values.events import Cart
from loyalrules.values.fields import points_argument
from loyalrules.values.keywords import old_forms
from loyalrules.values.member import Member
from loyalrules.values.timeutil import to_utc

if TYPE_CHECKING:  # imported on first use: a host that only earns does not pay for them
    from loyalrules.operations import points_payment, redemption
    from loyalrules.rules.rewards import Reward


def check_key(key: object) -> None:
    """Refuse an empty or non-text idempotency key.

    >>> check_key("checkout-42")
    """
    if not isinstance(key, str) or not key:
        raise ValidationError(f"key must be a non-empty string, not {key!r}")


def check(value: object, kind: type[Any], what: str) -> None:
    """Refuse an argument of the wrong type, naming it.

    >>> check("m-1", int, "points")
    Traceback (most recent call last):
    loyalrules.errors.WrongTypeError: points must be a int, not str
    """
    if type(value) is not kind and not isinstance(value, kind):  # the first test is cheaper
        raise WrongTypeError(f"{what} must be a {kind.__name__}, not {type(value).__name__}")


class Spending:
    """Spending points: what a ``Program`` offers on its catalog and charts."""

    __slots__ = ()
    id: str
    settings: Settings
    rewards: tuple[Reward, ...]
    _earning: Earning

    def reward(self, reward_id: str) -> Reward:
        """The catalog's reward with id ``reward_id``."""
        for reward in self.rewards:
            if reward.id == reward_id:
                return reward
        known = ", ".join(reward.id for reward in self.rewards) or "none"
        raise UnknownReward(
            f"program {self.id!r} has no reward {reward_id!r}; its rewards: {known}"
        )

    @old_forms("reward_id", "member", "ledger", "at", new=1)
    @naming_accounts
    def redeem(
        self,
        reward_id: str,
        *,
        member: Member,
        ledger: Ledger,
        at: datetime,
        key: str,
        cart: Cart | None = None,
        order_id: str | None = None,
        budgets: Mapping[str, int] | None = None,
    ) -> Outcome:
        """Spend points on the catalog's reward ``reward_id``.

        Returns an Outcome whose ``Redeemed`` entry names the lots spent and whose
        ``grant`` says what to apply (priced against ``cart`` when given). ``key``
        identifies the redemption (e.g. the checkout id): the same key again redeems
        nothing more. Raises ``NotEligible``, ``LimitReached`` or ``InsufficientPoints``;
        the ledger is unchanged then. A reward with a ``budget`` needs ``budgets``: the
        redemptions left of it across all members (``LimitReached`` at 0); the outcome's
        ``budgets_used`` counts this one.
        """
        check(member, Member, "member")
        check(ledger, Ledger, "ledger")
        check_key(key)
        if cart is not None:
            check(cart, Cart, "cart")
        reward = self.reward(reward_id)
        ctx = self._earning.member_context(member, ledger, to_utc(at, "at"), cart)
        from loyalrules.operations import engagement, redemption

        request = redemption.RedeemRequest(
            reward=reward, ctx=ctx, key=key, cart=cart, order_id=order_id, catalog=self.rewards
        )
        engagement.check_reward_budget(reward, budgets)
        outcome = redemption.redeem(request, ledger, self.settings)
        outcome = engagement.with_reward_budget(outcome, reward)
        return engagement.with_reward_message(outcome, reward, ctx, self.settings, ledger)

    @naming_accounts
    def redeem_points(
        self,
        points: int,
        *,
        member: Member,
        ledger: Ledger,
        at: datetime,
        key: str,
        cart: Cart | None = None,
        order_id: str | None = None,
    ) -> Outcome:
        """Redeem up to ``points`` by the program's ``redemption_chart``: the steps it
        picks, the request rounded down to them, granted as an amount off (``grant``).
        ``key`` identifies the redemption; ``cancel_redemption`` undoes it."""
        check(member, Member, "member")
        check(ledger, Ledger, "ledger")
        check_key(key)
        chart = self.settings.redemption_chart
        if chart is None:
            raise NotAllowed("this program has no 'redemption_chart'")
        points_argument(points)
        if cart is not None:
            check(cart, Cart, "cart")
        from loyalrules.operations import points_chart

        request = points_chart.ChartRequest(
            points=points, key=key, at=to_utc(at, "at"), cart=cart, order_id=order_id
        )
        return points_chart.redeem_points(chart, request, ledger, self.settings)

    @old_forms("member", "ledger", "at", new=0)
    def rewards_for(
        self, *, member: Member, ledger: Ledger, at: datetime
    ) -> tuple[redemption.RewardOption, ...]:
        """Every reward with its price for ``member`` and whether they can redeem it now
        ("yours to redeem", "40 more stars", or why not)."""
        check(member, Member, "member")
        check(ledger, Ledger, "ledger")
        ctx = self._earning.member_context(member, ledger, to_utc(at, "at"), None)
        from loyalrules.operations import redemption

        return redemption.rewards_for(self.rewards, ctx, ledger, self.settings)

    def _pay_policy(self) -> PayWithPoints:
        policy = self.settings.pay_with_points
        if policy is None:
            raise NotAllowed("this program does not take points as payment; add 'pay_with_points:'")
        return policy

    def points_payment(
        self,
        cart: Cart,
        *,
        member: Member,
        ledger: Ledger,
        at: datetime,
        points: int | None = None,
        order_id: str | None = None,
    ) -> points_payment.PointsPayment:
        """How much of ``cart`` points can pay: the most allowed (``points`` None) or the
        asked ``points``, checked against the minimum, the step and the share (less what
        was paid with points towards ``order_id`` already)."""
        check(cart, Cart, "cart")
        check(ledger, Ledger, "ledger")
        if points is not None:
            points_argument(points)
        self._earning.check_currency(cart)  # what points pay is in the program's currency
        policy = self._pay_policy()
        from loyalrules.operations import points_payment

        use, most = points_payment.plan_payment(
            policy, cart, ledger, to_utc(at, "at"), self.settings, points, order_id
        )
        return points_payment.PointsPayment(
            points=use, amount=policy.worth(use, self.settings.currency), most=most
        )

    @naming_accounts
    def pay_with_points(
        self,
        cart: Cart,
        *,
        member: Member,
        ledger: Ledger,
        at: datetime,
        key: str,
        order_id: str,
        points: int | None = None,
    ) -> Outcome:
        """Spend points paying part of an order: the most allowed, or ``points``.

        The Outcome's ``grant.amount`` is the money the points pay; record it on the
        purchase as ``points_payment`` so that part earns no points (unless the program
        says it does) and a return gives the points back in proportion.
        """
        check(member, Member, "member")
        check_key(key)
        payment = self.points_payment(
            cart, member=member, ledger=ledger, at=at, points=points, order_id=order_id
        )
        from loyalrules.operations import points_payment

        return points_payment.pay_with_points(
            self._pay_policy(), payment.points, order_id, key, to_utc(at, "at"), ledger,
            self.settings,
        )  # fmt: skip

    @old_forms("member", "ledger", new=0)
    @naming_accounts
    def cancel_redemption(
        self, *, member: Member, ledger: Ledger, key: str, at: datetime
    ) -> Outcome:
        """Undo the redemption made with ``key``: its points return to the lots they were
        taken from, with their own expiry (see the program's ``restore_expired``). A
        reward with a ``budget`` gets its redemption back: ``budgets_used`` is -1."""
        check(member, Member, "member")
        check(ledger, Ledger, "ledger")
        check_key(key)
        from loyalrules.operations import engagement, redemption

        redeemed = redemption.redemption_key(key)
        outcome = redemption.cancel(redeemed, to_utc(at, "at"), ledger, self.settings)
        return engagement.with_reward_budget_returned(outcome, self.rewards, ledger, redeemed)
