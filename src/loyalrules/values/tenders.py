"""Tenders: the ways one purchase was paid, with an amount each (split tender).

>>> from loyalrules.values.money import Money
>>> Tender(method="stored_value", amount=Money("6.00", "USD")).method
'stored_value'
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from loyalrules.errors import WrongTypeError
from loyalrules.values.fields import identifier, non_negative_money
from loyalrules.values.frozen import value_methods
from loyalrules.values.money import Money


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class Tender:
    """One way a purchase was paid: ``amount`` by ``method`` (``card``, ``gift_card``,
    ``stored_value``...). A cart paid several ways lists one tender per method."""

    method: str = attrs.field(validator=identifier)
    amount: Money = attrs.field(validator=non_negative_money)


def tender_tuple(value: Iterable[Tender]) -> tuple[Tender, ...]:
    """``value`` as a tuple of tenders (a cart's ``tenders`` converter)."""
    tenders = tuple(value)
    for tender in tenders:
        if not isinstance(tender, Tender):
            raise WrongTypeError(f"tenders must be Tender values, not {type(tender).__name__}")
    return tenders
