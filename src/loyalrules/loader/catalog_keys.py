"""Program keys for spending across the catalog: ``redemption_limits`` (limits over
every reward) and ``redemption_chart`` (points redeemed in steps)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from loyalrules.ledger.entries import DEFAULT_ACCOUNT
from loyalrules.loader.lifecycle_keys import CALENDAR_PERIOD
from loyalrules.loader.scalars import Integer, Number, Text
from loyalrules.loader.schema import Built, Field, Fields, ListOf, choice
from loyalrules.terms.chart import Chart, Pick, Step
from loyalrules.terms.policies import RedemptionLimits


def _redemption_limits(values: dict[str, Any], env: Any) -> RedemptionLimits:
    limit = values["limit"]
    if values["per_order"] is None and limit is None:
        raise ValueError("give 'per_order', 'limit' or both")
    return RedemptionLimits(
        per_order=values["per_order"],
        times=None if limit is None else limit["times"],
        per=None if limit is None else limit["per"],
    )


REDEMPTION_LIMITS = Built(
    Fields(
        {
            "per_order": Field(Integer(minimum=1), "at most this many rewards per order"),
            "limit": Field(
                Fields(
                    {
                        "times": Field(Integer(minimum=1), "how many redemptions", default=1),
                        "per": Field(
                            CALENDAR_PERIOD,
                            "calendar period (program time zone)",
                            required=True,
                        ),
                    }
                ),
                "at most 'times' redemptions of any reward per member per 'per'",
            ),
        }
    ),
    _redemption_limits,
)


def _chart(values: dict[str, Any], env: Any) -> Chart:
    steps = tuple(Step(step["points"], step["amount"]) for step in values["steps"])
    if len({step.points for step in steps}) != len(steps):
        raise ValueError("each step needs its own number of points")
    return Chart(steps=steps, pick_by=values["pick"], account=values["account"])


REDEMPTION_CHART = Built(
    Fields(
        {
            "steps": Field(
                ListOf(
                    Fields(
                        {
                            "points": Field(Integer(minimum=1), "these points...", required=True),
                            "amount": Field(
                                Number(minimum=Decimal(0), exclusive=True, words="an amount"),
                                "...redeem for this much off",
                                required=True,
                            ),
                        }
                    ),
                    min_items=1,
                ),
                "the chart: [{points: 100, amount: '2.00'}, ...]",
                required=True,
            ),
            "pick": choice(Pick, "best_value or largest_first", Pick.BEST_VALUE),
            "account": Field(Text(), "the account it spends", default=DEFAULT_ACCOUNT),
        }
    ),
    _chart,
)
