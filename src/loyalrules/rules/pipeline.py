"""The evaluation pipeline: the same fixed steps for every program.

eligible spend → base points → multipliers (stacking) → bonuses → limits → rounding →
entries. The engine knows the three effect phases, never a rule kind by name. It does
no I/O and reads no clock: the event carries its time.

The rules come planned at load (:mod:`loyalrules.rules.rulebook`); the exact arithmetic of
points is in :mod:`loyalrules.rules.rounding`. This is the hot path of every event: it is kept
plain, and allocates little beyond what it returns.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import NamedTuple

import attrs

from loyalrules.errors import ValidationError, WrongTypeError
from loyalrules.ledger.entries import Entry, Recorded
from loyalrules.rules.context import Context
from loyalrules.rules.explanation import Explanation
from loyalrules.rules.lines import EligibleLine
from loyalrules.rules.plan_index import PlanIndex
from loyalrules.rules.rounding import Chosen, Scopes, cap, round_units, spend_points
from loyalrules.rules.rulebook import Dated, Phase, PlannedRule, Ratio, RuleBook
from loyalrules.rules.settings import EligibleSpendPolicy
from loyalrules.rules.stacking import Note, StackingControl
from loyalrules.values.events import Activity, Cart, LineItem
from loyalrules.values.money import Money, allocate_amounts

__all__ = [
    "Evaluation",
    "Phase",
    "PlannedRule",
    "Ratio",
    "RuleBook",
    "Settled",
    "activity_key",
    "eligible_lines",
    "entries_for",
    "evaluate_activity",
    "evaluate_cart",
    "purchase_key",
    "settle",
]

_NO_SPEND = Decimal(0)
_SPEND = Phase.SPEND


def _shares(cart: Cart, total: Money) -> list[Decimal]:
    """``total`` shared over the lines by their value after line discounts."""
    nets = []
    for line in cart.lines:
        net = line.unit_price.amount * line.quantity
        nets.append(net if line.discount is None else net - line.discount.amount)
    return allocate_amounts(total.amount, total.currency, nets, [line.id for line in cart.lines])


def eligible_lines(cart: Cart, policy: EligibleSpendPolicy) -> tuple[EligibleLine, ...]:
    """Each line with the spend that earns: net of line and (allocated) order discounts
    unless discounts do not reduce spend; zero for excluded lines. Shipping and tax join
    as lines of their own category when the policy includes them."""
    reduce = policy.discounts_reduce
    discount = cart.order_discount
    shares = _shares(cart, discount) if reduce and discount is not None and discount else None
    paid = cart.points_payment
    paid_shares = None  # the part paid with points earns nothing, unless the program says
    if paid is not None and paid and not policy.points_payment_earns:
        paid_shares = _shares(cart, paid)
    exclude = policy.exclude
    categories = exclude.only_categories if exclude is not None else None
    result = []
    for index, line in enumerate(cart.lines):
        if exclude is not None and (
            line.category in categories if categories is not None else exclude(line)
        ):
            result.append(EligibleLine(line, _NO_SPEND, False))
            continue
        quantity = line.quantity
        spend = line.unit_price.amount if quantity == 1 else line.unit_price.amount * quantity
        if reduce:
            if line.discount is not None:
                spend -= line.discount.amount
            if shares is not None:
                # Never below zero, even when a sub-cent line had to take a whole cent.
                spend = max(spend - shares[index], _NO_SPEND)
        if paid_shares is not None:
            spend = max(spend - paid_shares[index], _NO_SPEND)
        result.append(EligibleLine(line, spend, True))
    if policy.include_shipping and cart.shipping is not None:
        result.append(_extra("shipping", cart.shipping))
    if policy.include_tax and cart.tax is not None:
        result.append(_extra("tax", cart.tax))
    return tuple(result)


def _extra(name: str, amount: Money) -> EligibleLine:
    """Shipping or tax as an eligible line of its own category."""
    line = LineItem(id=f"({name})", sku=name, category=name, unit_price=amount)
    return EligibleLine(line, amount.amount, True)


class Evaluation(NamedTuple):
    """Points per applied rule (in program order) and the explanation (a plain record:
    one is built per event)."""

    awards: tuple[tuple[PlannedRule, int], ...]
    explanation: tuple[Explanation, ...]
    notes: tuple[Note, ...] = ()  # what stacking control took away, and why


def _eligible(lines: tuple[EligibleLine, ...]) -> tuple[EligibleLine, ...]:
    for el in lines:
        if not el.eligible:
            return tuple([el for el in lines if el.eligible])
    return lines


def _evaluate(
    plans: Sequence[PlannedRule], ctx: Context, eligible: tuple[EligibleLine, ...]
) -> Evaluation:
    """Decide which of ``plans`` apply, in program order, compute their points and
    explain them. A rule scoped to some lines does not apply without any of them."""
    # Explanation slots in program order: the plan of a rule that applied (its points
    # are known only after rounding) or the near-miss line of one that did not.
    slots: list[PlannedRule | Explanation] = []
    earning: list[PlannedRule] = []
    multiplying: list[PlannedRule] = []
    scoped: Scopes = {}
    awards: dict[int, int] = {}
    capped: list[tuple[PlannedRule, int]] = []  # spend rules and multipliers, their most
    for plan in plans:
        chosen: Chosen | None = None
        selector = plan.lines
        if selector is not None:
            chosen = (
                selector.select(eligible) if selector.fixed else selector.select_for(ctx, eligible)
            )
            if not chosen:
                continue
        test = plan.test
        if test is None or test(ctx):
            slots.append(plan)
            bonus = plan.bonus
            if bonus is not None:
                points = bonus.points(ctx, eligible if chosen is None else chosen)
                most = plan.most(ctx) if plan.capped else None
                awards[plan.pos] = points if most is None else min(points, most)
            else:
                if plan.phase is _SPEND:
                    earning.append(plan)
                else:
                    if plan.paid_with is not None:  # acts on one tender's share
                        shared = plan.on_share(ctx.cart, ctx.settings.stacking)
                        if shared is None:
                            slots.pop()
                            continue
                        plan = slots[-1] = shared
                    multiplying.append(plan)
                if chosen is not None:
                    scoped[plan.pos] = chosen
                if plan.capped:
                    most = plan.most(ctx)
                    if most is not None:
                        capped.append((plan, most))
        elif plan.miss is not None:
            hint = plan.miss(ctx)
            if hint is not None:
                slots.append(plan.explain_miss(hint))

    if earning:
        units = _spend_units(earning, multiplying, scoped, eligible, ctx)
        room = {}
        for plan, most in capped:
            cap(plan.pos, most, units)
            room[plan.pos] = most
        round_units(units, room, ctx.settings.rounding, awards)

    awarded = []
    explanation = []
    for slot in slots:
        if isinstance(slot, PlannedRule):
            points = awards.get(slot.pos, 0)
            if type(points) is not int or points < 0:  # only a host's own effect can
                _refuse_points(slot, points)
            awarded.append((slot, points))
            explanation.append(slot.explain(points))
        else:
            explanation.append(slot)  # a near-miss line
    return Evaluation(tuple(awarded), tuple(explanation))


def _refuse_points(plan: PlannedRule, points: object) -> None:
    effect = type(plan.rule.effect).__name__
    raise (ValidationError if isinstance(points, int) else WrongTypeError)(
        f"rule {plan.rule.id!r}: its effect ({effect}) gave {points!r} points; an effect "
        "gives a whole number, 0 or more (to take points away, use Program.adjust)"
    )


def _spend_units(
    earning: list[PlannedRule],
    multiplying: list[PlannedRule],
    scoped: Scopes,
    eligible: Chosen,
    ctx: Context,
) -> list[dict[int, Ratio]]:
    """Exact points per rounding unit. Each account is rounded on its own and
    multipliers act on their own account's points, so rules of different accounts
    (points and cashback, say) never share a unit."""
    account = earning[0].account
    if len(earning) == 1 or all(plan.account is account for plan in earning):  # usual
        mine = multiplying
        for plan in multiplying:
            if plan.account is not account:
                mine = [plan for plan in multiplying if plan.account is account]
                break
        return spend_points(earning, mine, scoped, eligible, ctx)
    units = []
    for name in dict.fromkeys(plan.account.name for plan in earning):
        earners = [plan for plan in earning if plan.account.name == name]
        mine = [plan for plan in multiplying if plan.account.name == name]
        units += spend_points(earners, mine, scoped, eligible, ctx)
    return units


class Settled(NamedTuple):
    """The purchase rules as they stand for every cart of one member at one instant (a
    page of quotes), and their index."""

    plans: tuple[PlannedRule, ...]
    by_lines: PlanIndex[PlannedRule]
    context: Context  # the context they were asked in, for the page's other carts


def settle(book: RuleBook, ctx: Context) -> Settled:
    """``book``'s purchase rules for every cart of ``ctx``'s member at ``ctx``'s instant
    and tier: each rule whose test reads no cart is asked once, here, and then kept
    without its test when it applies, or left out when it does not and can give no
    near-miss hint. The rules that read the cart are kept as they are."""
    plans = []
    for plan in book.purchase:
        test = plan.test
        if test is not None and not plan.reads_cart:
            if test(ctx):
                plan = attrs.evolve(plan, test=None)
            elif plan.miss is None:
                continue
        plans.append(plan)
    return Settled(tuple(plans), PlanIndex(plans), ctx)


def evaluate_cart(book: RuleBook, ctx: Context, settled: Settled | None = None) -> Evaluation:
    """Run a purchase (or a quoted cart) through the pipeline; with the rules ``settled``
    for the member at the instant when they are given (``settle``)."""
    eligible = _eligible(ctx.lines)
    if settled is None:
        index, plans = book.purchase_index, book.purchase
    else:
        index, plans = settled.by_lines, settled.plans
    if index.indexes:
        plans = index.relevant(eligible)
    evaluation = _evaluate(plans, ctx, eligible)
    control = book.control
    return evaluation if control is None else _controlled(control, evaluation)


def evaluate_activity(book: RuleBook, ctx: Context, kind: str) -> Evaluation:
    """Run an activity (review, newsletter signup...) through its bonus rules."""
    evaluation = _evaluate(book.activities.get(kind, ()), ctx, _eligible(ctx.lines))
    control = book.control
    return evaluation if control is None else _controlled(control, evaluation)


def _controlled(control: StackingControl, evaluation: Evaluation) -> Evaluation:
    """``evaluation`` once the program's stacking control has run."""
    return Evaluation(*control.resolve(evaluation.awards, evaluation.explanation))


def purchase_key(purchase_id: str) -> str:
    return f"purchase:{purchase_id}"


def activity_key(activity: Activity) -> str:
    return f"activity:{activity.kind}:{activity.id}"


def entries_for(
    event_key: str, recorded: Recorded, evaluation: Evaluation, tier: str | None = None
) -> tuple[Entry, ...]:
    """The ``Recorded`` entry plus one ``Earned`` lot per rule that gave points, dated
    by the rule's (or its account's) pending and expiry policies, or those of the level
    ``tier`` whose rate it was earned at."""
    at = recorded.at
    entries: list[Entry] = [recorded]
    dated: Dated = {}
    for plan, points in evaluation.awards:
        if points > 0:
            entries.append(plan.lot(event_key, at, points, dated, tier))
    return tuple(entries)
