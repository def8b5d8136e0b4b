"""Category keys of program files: a rule's ``lines: {top_category: month}`` (the
member's top category of the previous period) and the challenge goals over categories
(``categories``, and ``category`` with ``spend`` or ``purchases``)."""

from __future__ import annotations

from typing import Any

import attrs

from loyalrules.loader import builtins
from loyalrules.loader.scalars import Integer, Text
from loyalrules.loader.schema import Field, Fields
from loyalrules.rules.categories import TopCategory
from loyalrules.rules.selectors import LineSelector
from loyalrules.values.timeutil import Period

CALENDAR = Text(choices=("day", "week", "month", "quarter", "year"))


def rule_lines(values: dict[str, Any]) -> LineSelector:
    """A rule's line selector, of the member's top category when ``top_category`` says."""
    plain = builtins.selector(values)
    if values["top_category"] is None:
        return plain
    keys = {f.name: getattr(plain, f.name) for f in attrs.fields(LineSelector) if f.init}
    return TopCategory(period=Period(values["top_category"]), **keys)


RULE_LINES = Fields(
    {
        **builtins.SELECTOR_FIELDS,
        "top_category": Field(
            CALENDAR,
            "only lines of the member's top category (most eligible spend) of the previous "
            "day, week, month, quarter or year",
        ),
    },
    build=lambda values, where: rule_lines(values),
)
"""A rule's ``lines``: the line selector keys, and ``top_category``."""

CATEGORY_GOAL_FIELDS = {
    "categories": Field(Integer(minimum=1), "different line categories bought"),
    "category": Field(Text(), "with spend or purchases: count this line category only"),
}
