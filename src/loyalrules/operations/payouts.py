"""The period-close job for ``payouts``, and what a status shows of them.

``close_periods`` issues, for every payout and every period that ended by ``at`` and
was not issued yet, one ``Earned`` lot in the payout's money account, dated at the end
of the period, with the key ``payout:<id>:<first day of the period>``: running the job
again adds nothing. Net spend is the eligible spend recorded in the period less what
returns in the period took back.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import ROUND_FLOOR, Decimal

import attrs

from loyalrules.ledger.checkpoint import PAYOUT
from loyalrules.ledger.entries import Earned, Entry
from loyalrules.ledger.ledger import Ledger
from loyalrules.ledger.series import RETURNED, SPEND, Series
from loyalrules.operations.outcome import Outcome
from loyalrules.rules.explanation import Explanation
from loyalrules.rules.settings import Settings
from loyalrules.terms.payouts import Payout
from loyalrules.values.frozen import value_methods
from loyalrules.values.money import Money, minor_units
from loyalrules.values.timeutil import until_text

_TICK = timedelta(microseconds=1)


@value_methods
@attrs.frozen(eq=False, repr=False)
class PayoutStatus:
    """A payout's open period: the credit ``accrued`` so far (exact, shown to the cent),
    what closing it now would issue (``to_issue``), and when it closes (``issues_at``)."""

    payout_id: str
    name: str
    accrued: Money
    to_issue: Money
    issues_at: datetime


def net_spend(series: Series, start: datetime, end: datetime) -> Decimal:
    """Eligible spend recorded in ``[start, end)`` less what returns then took back."""
    return series.total(SPEND, start, end) - series.total(SPEND + RETURNED, start, end)


def payout_key(payout: Payout, start: datetime, settings: Settings) -> str:
    return f"{PAYOUT}{payout.id}:{start.astimezone(settings.timezone).date().isoformat()}"


def _closed(
    payout: Payout, first: datetime, at: datetime, settings: Settings
) -> Iterator[tuple[datetime, datetime]]:
    """The periods from the one holding ``first`` that ended by ``at``."""
    zone = settings.timezone
    start, end = payout.period.bounds(first.astimezone(zone))
    while end <= at:
        yield start, end
        start, end = payout.period.bounds(end.astimezone(zone))


def close_periods(
    payouts: tuple[Payout, ...], ledger: Ledger, at: datetime, settings: Settings
) -> Outcome:
    """The payouts of every period that ended by ``at`` and has none yet (see
    ``Program.close_periods``)."""
    history = ledger.history
    first = history.series.first()
    entries: list[Entry] = []
    explanation = []
    scale = Decimal(10) ** minor_units(settings.currency)
    minor_unit = Money.zero(settings.currency).quantum
    for payout in payouts:
        if first is None:  # nothing recorded yet: no period to close
            break
        for start, end in _closed(payout, first, at, settings):
            key = payout_key(payout, start, settings)
            if key in ledger:  # a checkpoint keeps the keys of the payouts before it
                continue
            amount = payout.to_issue(net_spend(history.series, start, end), minor_unit)
            if not amount:
                continue
            cents = int(amount * scale)
            dates = settings.lot_dates(payout.account, end, pending=False)
            entries.append(
                Earned(key=key, at=end, points=cents, account=payout.account,
                       rule_id=payout.id, source=key, **dates)
            )  # fmt: skip
            money = settings.show(Money(amount, settings.currency))
            until = until_text(end, settings.timezone)
            text = f"{payout.name}: {money} for the {payout.period.value} to {until}"
            explanation.append(Explanation(payout.id, "applied", cents, text))
    return Outcome(
        event_key=f"payouts:{at.isoformat()}",
        entries=tuple(entries),
        explanation=tuple(explanation),
        ledger_version=ledger.version,
    )


def payout_statuses(ledger: Ledger, at: datetime, settings: Settings) -> tuple[PayoutStatus, ...]:
    """Each payout's open period at ``at``: accrued so far and when it is issued."""
    statuses = []
    minor_unit = Money.zero(settings.currency).quantum
    for payout in settings.payouts:
        start, end = payout.period.bounds(at.astimezone(settings.timezone))
        spent = net_spend(ledger.history.series, start, min(end, at + _TICK))
        statuses.append(
            PayoutStatus(
                payout.id,
                payout.name,
                Money(
                    payout.accrued(spent).quantize(minor_unit, ROUND_FLOOR),
                    settings.currency,
                ),
                Money(payout.to_issue(spent, minor_unit), settings.currency),
                end,
            )
        )
    return tuple(statuses)
