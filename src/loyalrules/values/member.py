"""The member: who earns, with the host-defined facts rules may read."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

import attrs

from loyalrules.values.fields import (
    AttributeValue,
    freeze_attributes,
    identifier,
    reduce_frozen,
)
from loyalrules.values.timeutil import event_time, optional_date


def _joined_at(value: object) -> datetime:
    return event_time(value, "joined_at")


@attrs.frozen(kw_only=True)
class Member:
    """A program member. ``attributes`` hold host-defined facts (segment, opt-ins...)."""

    id: str = attrs.field(validator=identifier)
    joined_at: datetime = attrs.field(converter=_joined_at)
    birthday: date | None = attrs.field(default=None, converter=optional_date)
    attributes: Mapping[str, AttributeValue] = attrs.field(
        factory=dict, converter=freeze_attributes, hash=False
    )

    __reduce__ = reduce_frozen  # read-only mappings travel as dicts
