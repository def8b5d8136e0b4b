"""What a ledger knows of the line categories a member buys: spend and purchases per
category over time, net of returns, for the rules that ask (a member's top category,
challenges over categories).

A purchase's ``Recorded`` entry keeps its eligible spend per category; a return's, what
it took back of each. Folding them adds to two series per category (see
``ledger.series``): the spend, and the purchases that paid for the category, each with
what returns took back at the returns' instants. A purchase whose spend on a category
is all taken back no longer counts as a purchase of it.

>>> from datetime import UTC, datetime
>>> from decimal import Decimal
>>> series = Series()
>>> at = datetime(2026, 3, 2, tzinfo=UTC)
>>> kept = recorded(series, at, (("beans", Decimal("12.00")),))
>>> taken_back(series, at, (("beans", Decimal("12.00")),), kept)
>>> net_spend(series, "beans", at, datetime(2026, 4, 1, tzinfo=UTC))
Decimal('0.00')
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from loyalrules.ledger.series import (
    CATEGORY,
    RETURNED,
    UNDONE,
    Series,
    category_purchases,
    category_spend,
)

Amounts = tuple[tuple[str, Decimal], ...]
"""Eligible spend per category, as a ``Recorded`` entry keeps it."""


def recorded(series: Series, at: datetime, categories: Amounts) -> dict[str, Decimal]:
    """Add a purchase's ``categories`` at ``at``; what it keeps of each, for returns."""
    for name, amount in categories:
        series.add(category_spend(name), at, amount)
        series.add(category_purchases(name), at, 1)
    return dict(categories)


def taken_back(
    series: Series,
    at: datetime,
    categories: Amounts,
    kept: dict[str, Decimal],
    made: datetime | None = None,
) -> None:
    """Add what a return took back of each category at ``at`` (and, as undone, at its
    purchase's instant ``made`` when known); ``kept`` (what its purchase still pays for
    each) goes down, and a category it no longer pays for counts as a purchase returned."""
    for name, amount in categories:
        series.add(category_spend(name) + RETURNED, at, amount)
        if made is not None:
            series.add(category_spend(name) + UNDONE, made, amount)
        before = kept.get(name)
        if before is not None:
            kept[name] = before - amount
            if before > 0 >= before - amount:
                series.add(category_purchases(name) + RETURNED, at, 1)
                if made is not None:
                    series.add(category_purchases(name) + UNDONE, made, 1)


def net_spend(
    series: Series, name: str, start: datetime | None, end: datetime, taken: str = RETURNED
) -> Decimal:
    """Spend on category ``name`` in ``[start, end)``, less what returns in it took
    (``taken=UNDONE``: less what any return took back of the purchases in it)."""
    spend = category_spend(name)
    return series.total(spend, start, end) - series.total(spend + taken, start, end)


def net_purchases(
    series: Series, name: str, start: datetime | None, end: datetime, taken: str = RETURNED
) -> int:
    """Purchases of category ``name`` in ``[start, end)``, less those returned in it
    (``taken=UNDONE``: less those of them returned since)."""
    count = category_purchases(name)
    return int(series.total(count, start, end) - series.total(count + taken, start, end))


def known(series: Series) -> list[str]:
    """Every category the ledger saw bought, by name."""
    return sorted(name[len(CATEGORY) :] for name in series.names(CATEGORY))


def bought(
    series: Series, start: datetime | None, end: datetime, taken: str = RETURNED
) -> set[str]:
    """The categories bought in ``[start, end)``, net of the returns in it (or, with
    ``taken=UNDONE``, of the returns of its purchases)."""
    return {name for name in known(series) if net_purchases(series, name, start, end, taken) > 0}


def top(series: Series, start: datetime, end: datetime) -> str | None:
    """The category with the most spend in ``[start, end)`` net of returns in it; of
    equal ones, the first by name; ``None`` when no category has spend left."""
    best, most = None, Decimal(0)
    for name in known(series):  # by name: an equal spend later never wins
        spend = net_spend(series, name, start, end)
        if spend > most:
            best, most = name, spend
    return best
