"""Redeeming an amount of points by the program's ``redemption_chart``.

"Redeem 600 points" against a chart of steps (100 points = $2.00, 500 points = $17.50)
takes the combination the chart picks, rounds the request down to what the steps can
give, and grants the money as an amount off the order. The points are a ``Redeemed``
entry with the reward id ``redemption_chart``: cancelling it gives them back like any
redemption.
"""

from __future__ import annotations

from datetime import datetime

import attrs

from loyalrules.errors import NotAllowed
from loyalrules.ledger.entries import Redeemed
from loyalrules.ledger.ledger import Ledger
from loyalrules.operations.lifecycle import duplicate
from loyalrules.operations.outcome import Outcome
from loyalrules.operations.redemption import redemption_key, take_points
from loyalrules.rules.explanation import Explanation
from loyalrules.rules.rewards import Grant, merchandise
from loyalrules.rules.settings import Settings
from loyalrules.terms.chart import Chart
from loyalrules.values.events import Cart
from loyalrules.values.frozen import value_methods
from loyalrules.values.money import Money

CHART = "redemption_chart"
"""The reward id of points redeemed by the chart."""


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class ChartRequest:
    points: int
    key: str
    at: datetime
    cart: Cart | None = None
    order_id: str | None = None


def redeem_points(
    chart: Chart, request: ChartRequest, ledger: Ledger, settings: Settings
) -> Outcome:
    """Spend up to ``request.points`` by the chart (see ``Program.redeem_points``)."""
    key = redemption_key(request.key)
    if key in ledger:
        return duplicate(key, ledger)
    at = request.at
    ledger.check_after_checkpoint(at, "the redemption")
    picked = chart.pick(request.points)
    unit = settings.unit_name(chart.account)
    if not picked:
        raise NotAllowed(
            f"{request.points} {unit} is less than the chart's smallest step, "
            f"{chart.smallest} {unit}"
        )
    spend = sum(step.points * count for step, count in picked)
    amount = Money(sum((step.amount * count for step, count in picked)), settings.currency)
    if request.cart is not None and amount > merchandise(request.cart):
        raise NotAllowed(
            f"{spend} {unit} are worth {settings.show(amount)}, more than this cart's "
            f"merchandise ({settings.show(merchandise(request.cart))}); ask for fewer {unit}"
        )
    entry = Redeemed(
        key=key,
        at=at,
        account=chart.account,
        points=spend,
        consumed=take_points(ledger, chart.account, spend, at, settings),
        reward_id=CHART,
        order_id=request.order_id,
    )
    parts = " + ".join(
        f"{count} × {step.points} ({settings.show(Money(step.amount, settings.currency))})"
        for step, count in picked
    )
    off = f"{settings.show(amount)} off"
    text = f"Redeemed {settings.amount(chart.account, spend)} for {off}: {parts}"
    if spend < request.points:
        text += f"; {request.points - spend} of the {request.points} asked stay in the account"
    return Outcome(
        event_key=key,
        entries=(entry,),
        explanation=(Explanation(CHART, "redeemed", -spend, text),),
        ledger_version=ledger.version,
        grant=Grant(reward_id=CHART, kind="amount_off", description=off, amount=amount),
    )
