"""What a program is shaped by: the categories, SKUs, thresholds, windows and kinds its
rules name, read from the compiled program so generated data reaches its rules."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

import attrs

from loyalrules import Program
from loyalrules.rules.conditions import (
    Channel,
    EventAttribute,
    MemberAttribute,
    MinSpend,
    Payment,
    Window,
)
from loyalrules.rules.selectors import LineSelector
from loyalrules.terms.tiers import Metric
from loyalrules.values.fields import AttributeValue
from loyalrules.values.frozen import value_methods

OTHER_CATEGORY = "other"
"""A category no rule names, so generated carts also hold lines no rule selects."""


def _sorted(values: set[Any]) -> tuple[Any, ...]:
    return tuple(sorted(values, key=lambda v: (type(v).__name__, str(v))))


@value_methods
@attrs.frozen(kw_only=True, eq=False, repr=False)
class ProgramShape:
    """The values a program's rules, rewards and tiers test, each sorted.

    ``categories`` always holds :data:`OTHER_CATEGORY` besides the named ones;
    ``thresholds`` are spend amounts where something changes (``min_spend`` conditions,
    spend tiers); ``instants`` are where a rule's window opens or closes.

    >>> from loyalrules import loads_program
    >>> shape_of(loads_program('''
    ... program: p
    ... currency: USD
    ... timezone: UTC
    ... earn:
    ...   - {id: b, name: B, lines: {categories: [beans]}, effect: {type: multiply, factor: 2}}
    ... ''')).categories
    ('beans', 'other')
    """

    currency: str
    categories: tuple[str, ...]
    skus: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    thresholds: tuple[Decimal, ...] = ()
    instants: tuple[datetime, ...] = ()
    activity_kinds: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    payments: tuple[str, ...] = ()
    member_attributes: Mapping[str, tuple[AttributeValue, ...]] = attrs.field(factory=dict)
    event_attributes: Mapping[str, tuple[AttributeValue, ...]] = attrs.field(factory=dict)
    rewards: tuple[str, ...] = ()
    plans: tuple[str, ...] = ()


def _walk(value: object, seen: set[int]) -> Iterator[object]:
    """``value`` and every attrs instance reachable from it through fields and tuples."""
    if id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(value, tuple | list | frozenset | set):
        for item in value:
            yield from _walk(item, seen)
        return
    kind = type(value)
    if not attrs.has(kind):
        return
    yield value
    for field in attrs.fields(kind):
        if field.init:
            yield from _walk(getattr(value, field.name), seen)


class _Collector:
    def __init__(self) -> None:
        self.sets: dict[str, set[Any]] = {
            name: set()
            for name in (
                "categories", "skus", "tags", "thresholds", "instants", "channels", "payments"
            )
        }  # fmt: skip
        self.member: dict[str, set[AttributeValue]] = {}
        self.event: dict[str, set[AttributeValue]] = {}

    def add(self, node: object) -> None:
        sets = self.sets
        if isinstance(node, LineSelector):
            sets["categories"] |= node.categories | node.exclude_categories
            sets["skus"] |= node.skus | node.exclude_skus
            sets["tags"] |= node.tags | node.exclude_tags
        elif isinstance(node, MinSpend):
            sets["thresholds"].add(node.amount)
        elif isinstance(node, Window):
            sets["instants"] |= {t for t in (node.start, node.end) if t is not None}
        elif isinstance(node, Channel):
            sets["channels"] |= node.channels
        elif isinstance(node, Payment):
            sets["payments"] |= node.methods
        elif isinstance(node, MemberAttribute | EventAttribute):
            target = self.member if isinstance(node, MemberAttribute) else self.event
            target.setdefault(node.name, set()).update(node.values)  # type: ignore[arg-type]


def shape_of(program: Program) -> ProgramShape:
    """The shape of ``program``: what its rules, rewards, tiers and settings name."""
    collector = _Collector()
    roots = (program.rules, program.rewards, program.settings)
    for node in _walk(roots, set()):
        collector.add(node)
    sets = collector.sets
    tiers = program.settings.tiers
    if tiers is not None and tiers.metric is Metric.SPEND:
        for level in tiers.levels[1:]:
            sets["thresholds"] |= {level.qualify, level.keeps_at}
    kinds = {kind for rule in program.rules for kind in rule.activities or ()}
    return ProgramShape(
        currency=program.settings.currency,
        categories=_sorted(sets["categories"] | {OTHER_CATEGORY}),
        skus=_sorted(sets["skus"]),
        tags=_sorted(sets["tags"]),
        thresholds=_sorted(sets["thresholds"]),
        instants=_sorted(sets["instants"]),
        activity_kinds=_sorted(kinds),
        channels=_sorted(sets["channels"]),
        payments=_sorted(sets["payments"]),
        member_attributes={k: _sorted(v) for k, v in sorted(collector.member.items())},
        event_attributes={k: _sorted(v) for k, v in sorted(collector.event.items())},
        rewards=tuple(reward.id for reward in program.rewards),
        plans=tuple(plan.id for plan in program.settings.memberships),
    )
