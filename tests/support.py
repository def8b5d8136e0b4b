"""Builders the test modules share: amounts, cart lines and small programs."""

from __future__ import annotations

import textwrap

from loyalrules import LineItem, Money, Program, loads_program


def usd(amount: str) -> Money:
    return Money(amount, "USD")


def item(
    sku: str = "LATTE", price: str = "5.00", category: str = "drinks", **kw: object
) -> LineItem:
    return LineItem(sku=sku, category=category, unit_price=usd(price), **kw)  # type: ignore[arg-type]


def earn_program(earn: str, *, zone: str = "UTC", settings: str = "") -> Program:
    """A USD program whose ``earn`` list is the YAML ``earn`` (other keys in ``settings``)."""
    text = (
        f"program: t\ncurrency: USD\ntimezone: {zone}\n{textwrap.dedent(settings)}"
        f"earn:\n{textwrap.indent(textwrap.dedent(earn).strip(), '  ')}\n"
    )
    return loads_program(text)
