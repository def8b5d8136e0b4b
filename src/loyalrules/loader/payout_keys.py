"""Program key ``payouts``: credit accrued across purchases and issued once a period."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from loyalrules.loader.scalars import Number, Text
from loyalrules.loader.schema import IDENTIFIER, Built, Field, Fields, ListOf, choice
from loyalrules.rules.settings import Settings
from loyalrules.terms.payouts import Payout, PayoutRounding
from loyalrules.terms.policies import Unit
from loyalrules.values.money import Money
from loyalrules.values.timeutil import Period

_AMOUNT = Number(minimum=Decimal(0), words="an amount")


def _payout(values: dict[str, Any], env: Any) -> Payout:
    minimum, maximum, step = values["min"], values["max"], values["step"]
    if minimum is not None and maximum is not None and maximum < minimum:
        raise ValueError("'max' must be at least 'min'")
    if step is not None and step <= 0:
        raise ValueError("'step' must be more than zero, e.g. '0.50'")
    return Payout(
        id=values["id"],
        name=values["name"] or values["id"],
        percent=values["percent"],
        period=values["period"],
        account=values["account"],
        rounding=values["rounding"],
        step=step,
        minimum=minimum,
        maximum=maximum,
        min_net_spend=values["min_net_spend"],
    )


PAYOUT = Built(
    Fields(
        {
            "id": Field(
                IDENTIFIER, "unique id of the payout (its entries' rule_id)", required=True
            ),
            "name": Field(Text(), "what members see (defaults to the id)"),
            "percent": Field(
                Number(minimum=Decimal(0), exclusive=True, words="a percentage"),
                "percent of the period's net eligible spend",
                required=True,
            ),
            "period": Field(
                Built(Text(choices=("month", "quarter", "year")), lambda v, env: Period(v)),
                "issued at the end of each calendar month, quarter or year",
                required=True,
            ),
            "account": Field(Text(), "the money account it is issued to", required=True),
            "rounding": choice(
                PayoutRounding,
                "floor, half_up or ceil: the period's total, once",
                PayoutRounding.FLOOR,
            ),
            "step": Field(_AMOUNT, "issue whole multiples of this, e.g. '0.50'"),
            "min": Field(_AMOUNT, "nothing is issued under this"),
            "max": Field(_AMOUNT, "at most this per period"),
            "min_net_spend": Field(_AMOUNT, "the period's net spend must reach this"),
        }
    ),
    _payout,
)

PAYOUTS = ListOf(PAYOUT)


def step_problem(payout: Payout, currency: str) -> str | None:
    """What is wrong with ``payout``'s step in ``currency`` (None: nothing)."""
    minor_unit = Money.zero(currency).quantum
    step = payout.step
    if step is None or step % minor_unit == 0:
        return None
    return f"'step' {step} is not whole {currency} minor units ({minor_unit})"


def account_problem(payout: Payout, settings: Settings) -> str | None:
    """What is wrong with the account ``payout`` is issued to (None: nothing)."""
    names = {account.name: account for account in settings.accounts}
    account = names.get(payout.account)
    if account is None:
        return f"no account {payout.account!r}: declare it under 'accounts:' with 'unit: money'"
    if account.unit is not Unit.MONEY:
        return f"account {payout.account!r} counts points: a payout needs 'unit: money'"
    return None
