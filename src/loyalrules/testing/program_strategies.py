"""Strategies shaped by a program: members, carts and dated histories that reach its rules.

``from_program(program)`` reads what the program's rules, rewards and tiers test (see
``loyalrules.economics.shape``) and draws values around it: lines in the categories,
SKUs and tags the rules name (and in one no rule names), prices at and just under the
spend thresholds, instants at the edges of the rules' windows, the activity kinds, the
channels, payments and member attributes the conditions ask about, the rewards of the
catalog and the paid plans::

    from hypothesis import given
    from loyalrules.testing import from_program

    shapes = from_program(program)

    @given(shapes.scenarios())
    def test_replay_adds_nothing(scenario):
        check_replay_adds_nothing(program, scenario)
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, Final

import attrs
from hypothesis import strategies as st

from loyalrules import (
    Activity,
    Cart,
    LineItem,
    Member,
    Membership,
    Money,
    Program,
    Purchase,
    Return,
    ValidationError,
    WrongTypeError,
)
from loyalrules.economics.scenario import Scenario, Step, step_time
from loyalrules.economics.shape import ProgramShape, shape_of
from loyalrules.testing.cart_strategies import DEFAULT_END, DEFAULT_START, carts, money
from loyalrules.values.frozen import value_methods
from loyalrules.values.inputs import (
    Adjust,
    CancelRedemption,
    Expire,
    PayWithPoints,
    Redeem,
    ReviewTiers,
)
from loyalrules.values.money import to_decimal
from loyalrules.values.timeutil import to_utc

_SECOND: Final = timedelta(seconds=1)
_MARGIN: Final = timedelta(days=30)
OTHER_VALUE: Final = "other"
"""A member attribute value no rule asks for."""


def _step_order(step: Step) -> tuple[datetime, int]:
    # At one instant, events come before the nightly jobs that follow them.
    late = isinstance(step, Expire | ReviewTiers)
    return (step_time(step), 1 if late else 0)


@value_methods
@attrs.frozen(eq=False, repr=False)
class ProgramStrategies:
    """Hypothesis strategies for one program; build it with :func:`from_program`."""

    program: Program
    shape: ProgramShape
    start: datetime
    end: datetime
    max_price: Decimal

    def instants(self) -> st.SearchStrategy[datetime]:
        """Instants in ``[start, end]``, often exactly at (or a second before) the
        opening or closing of one of the program's windows."""
        low = self.start.astimezone(UTC).replace(tzinfo=None)
        high = self.end.astimezone(UTC).replace(tzinfo=None)
        uniform = st.datetimes(min_value=low, max_value=high).map(lambda t: t.replace(tzinfo=UTC))
        edges = [t + d for t in self.shape.instants for d in (-_SECOND, timedelta(0))]
        edges = [t for t in edges if self.start <= t <= self.end]
        return uniform | st.sampled_from(edges) if edges else uniform

    def prices(self) -> st.SearchStrategy[Money]:
        """Unit prices up to ``max_price``, often a spend threshold or a cent under it."""
        currency = self.shape.currency
        uniform = money(currency=currency, min_value="0.01", max_value=self.max_price)
        cent = Money.zero(currency).quantum
        special = sorted(
            {Money(t - d, currency) for t in self.shape.thresholds for d in (0, cent) if t - d > 0},
            key=lambda m: m.amount,
        )
        return uniform | st.sampled_from(special) if special else uniform

    def line_items(self) -> st.SearchStrategy[LineItem]:
        """Lines in the program's categories, SKUs and tags, at :meth:`prices`; one in
        four has a line discount of up to half its value."""
        return _line_items(self.shape, self.prices())

    def carts(self, *, max_lines: int = 4) -> st.SearchStrategy[Cart]:
        """Carts of up to ``max_lines`` of :meth:`line_items`, through the program's
        channels and payment methods."""
        shape = self.shape
        return carts(
            currency=shape.currency,
            lines=self.line_items(),
            max_lines=max_lines,
            channels=(*shape.channels, "web"),
            payments=(*shape.payments, "card"),
        )

    def members(self, *, id: str = "m-1") -> st.SearchStrategy[Member]:
        """Members who joined before ``start``, with the attributes the rules test."""
        options = {
            name: st.sampled_from((*values, OTHER_VALUE))
            for name, values in self.shape.member_attributes.items()
        }
        joined = st.integers(0, 3 * 365).map(lambda days: self.start - timedelta(days=days))
        return st.builds(
            Member,
            id=st.just(id),
            joined_at=joined,
            birthday=st.none()
            | st.dates(datetime(1950, 1, 1).date(), datetime(2005, 12, 31).date()),
            attributes=st.fixed_dictionaries({}, optional=options),
        )

    def purchases(self, *, member_id: str = "m-1", id: str = "o-1") -> st.SearchStrategy[Purchase]:
        """One purchase by ``member_id`` at one of :meth:`instants`."""
        return st.builds(
            lambda cart, at: _purchase(cart, id, member_id, at),
            self.carts(),
            self.instants(),
        )

    def scenarios(
        self, *, max_purchases: int = 5, member: Member | None = None
    ) -> st.SearchStrategy[Scenario]:
        """One member's dated history: purchases (some returned, in part or in full,
        and, where the program takes points at checkout, some paid in part with points),
        activities, redemptions of the catalog's rewards and some cancellations, paid
        plan subscriptions, manual adjustments (credits and debits of any account),
        expiry runs and, with tiers, tier reviews; oldest first. Transfers concern two
        members: draw them per population."""
        members = st.just(member) if member is not None else self.members()
        return members.flatmap(lambda m: _scenarios(self, m, max_purchases))


@st.composite
def _line_items(draw: st.DrawFn, shape: ProgramShape, prices: st.SearchStrategy[Money]) -> LineItem:
    category = draw(st.sampled_from(shape.categories))
    skus = (f"{category.upper()}-1", f"{category.upper()}-2", *shape.skus)
    price, quantity = draw(prices), draw(st.integers(1, 3))
    discount = None
    if draw(st.integers(0, 3)) == 3:
        cents = int((price * quantity).amount / price.quantum) // 2
        discount = Money(price.quantum * draw(st.integers(0, cents)), price.currency)
    tags = (
        draw(st.lists(st.sampled_from(shape.tags), unique=True, max_size=2)) if shape.tags else []
    )
    return LineItem(
        sku=draw(st.sampled_from(skus)),
        category=category,
        unit_price=price,
        quantity=quantity,
        discount=discount,
        tags=tuple(tags),
    )


def _purchase(cart: Cart, id: str, member_id: str, at: datetime) -> Purchase:
    fields: dict[str, Any] = {f.name: getattr(cart, f.name) for f in attrs.fields(Cart)}
    return Purchase(id=id, member_id=member_id, occurred_at=at, **fields)


@st.composite
def _scenarios(
    draw: st.DrawFn, shapes: ProgramStrategies, member: Member, max_purchases: int
) -> Scenario:
    shape, program = shapes.shape, shapes.program
    when = shapes.instants()
    steps: list[Step] = []
    for n in range(1, draw(st.integers(0, max_purchases)) + 1):
        cart, at = draw(shapes.carts()), draw(when)
        paying = _paying(draw, program, cart, at, f"o-{n}")
        if paying is not None:  # at the same instant, before the order (a stable sort)
            steps.append(paying[0])
            cart = attrs.evolve(cart, points_payment=paying[1])
        purchase = _purchase(cart, f"o-{n}", member.id, at)
        steps.append(purchase)
        if draw(st.integers(0, 3)) == 3:  # one purchase in four comes back; shrinks to none
            later = at + timedelta(hours=draw(st.integers(0, 60 * 24)))
            units = {line.id: draw(st.integers(0, line.quantity)) for line in cart.lines}
            kept = {k: v for k, v in units.items() if v}
            whole = draw(st.booleans()) or not kept
            steps.append(Return(id=f"r-{n}", purchase=purchase, occurred_at=later,
                                lines=None if whole else kept))  # fmt: skip
    if shape.activity_kinds:
        for n in range(1, draw(st.integers(0, 3)) + 1):
            kind = draw(st.sampled_from(shape.activity_kinds))
            steps.append(
                Activity(id=f"a-{n}", member_id=member.id, kind=kind, occurred_at=draw(when))
            )
    if shape.rewards:
        for n in range(1, draw(st.integers(0, 3)) + 1):
            redeem = Redeem(draw(st.sampled_from(shape.rewards)), draw(when), f"k-{n}")
            steps.append(redeem)
            if draw(st.integers(0, 3)) == 3:
                steps.append(CancelRedemption(redeem.key, redeem.at + timedelta(days=1)))
    for n, plan in enumerate(shape.plans, start=1):
        if draw(st.booleans()):
            steps.append(Membership(id=f"s-{n}", member_id=member.id, plan=plan,
                                    action="subscribe", occurred_at=draw(when)))  # fmt: skip
    accounts, most = program.settings.account_names, _adjustment(program)
    for n in range(1, draw(st.integers(0, 2)) + 1):
        points = draw(st.integers(-most, most).filter(bool))
        account = draw(st.sampled_from(accounts))
        steps.append(Adjust(points, "goodwill" if points > 0 else "correction", "support",
                            f"adj-{n}", draw(when), account))  # fmt: skip
    steps += [Expire(draw(when)) for _ in range(draw(st.integers(0, 2)))]
    if program.settings.tiers is not None:
        steps += [ReviewTiers(draw(when)) for _ in range(draw(st.integers(0, 2)))]
    steps.sort(key=_step_order)
    return Scenario(member, tuple(steps))


def _adjustment(program: Program) -> int:
    """The most points an adjustment moves: 200, or twice what the dearest reward or the
    least payment with points takes, so that credits can make both affordable."""
    pay = program.settings.pay_with_points
    costs = [reward.cost for reward in program.rewards]
    return max(200, 2 * max(costs, default=0), 2 * (pay.min_points if pay else 0))


def _paying(
    draw: st.DrawFn, program: Program, cart: Cart, at: datetime, order_id: str
) -> tuple[PayWithPoints, Money] | None:
    """In a program that takes points at checkout, one order in four is paid in part
    with points: an allowed number of them, drawn before the balance is known (a member
    without them is refused, and the order records the payment all the same), with what
    they pay."""
    policy = program.settings.pay_with_points
    if policy is None or draw(st.integers(0, 3)) != 3:
        return None
    most = policy.most(cart, available=10**12)
    least = -(-max(policy.min_points, 1) // policy.step) * policy.step
    if most < least:
        return None
    # Half the time the least allowed: the one a member most often has the points for.
    more = draw(st.just(0) | st.integers(0, (most - least) // policy.step))
    points = least + policy.step * more
    step = PayWithPoints(cart, at, f"{order_id}:pay", order_id, points)
    return step, policy.worth(points, program.settings.currency)


def from_program(
    program: Program,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    max_price: Decimal | str | None = None,
) -> ProgramStrategies:
    """Strategies for ``program``: see :class:`ProgramStrategies`.

    Events fall in ``[start, end]``: by default a month either side of the program's
    windows, or the year 2026 when it has none. Unit prices go up to ``max_price``
    (default: $100, or 1.2 times the highest spend threshold when that is more). For example::

        shapes = from_program(program)
        shapes.scenarios().example()
    """
    if not isinstance(program, Program):
        raise WrongTypeError(f"from_program takes a Program, not {type(program).__name__}")
    shape = shape_of(program)
    if start is None:
        start = min(shape.instants) - _MARGIN if shape.instants else DEFAULT_START
    else:
        start = to_utc(start, "start")
    if end is None:
        end = max(shape.instants) + _MARGIN if shape.instants else DEFAULT_END
    else:
        end = to_utc(end, "end")
    if end < start:
        raise ValidationError(f"end {end.isoformat()} is before start {start.isoformat()}")
    if max_price is None:
        top = max(shape.thresholds, default=Decimal(0)) * Decimal("1.2")
        price = max(Decimal(100), top)
    else:
        price = to_decimal(max_price, "max_price")
        if price <= 0:
            raise ValidationError(f"max_price must be above 0, such as '100', not {max_price!r}")
    return ProgramStrategies(program, shape, start, end, price)
