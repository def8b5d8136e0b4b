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
    slot_setters,
)
from loyalrules.values.frozen import value_methods
from loyalrules.values.timeutil import event_time, optional_date


def _joined_at(value: object) -> datetime:
    return event_time(value, "joined_at")


@value_methods
@attrs.frozen(kw_only=True, init=False, eq=False, repr=False)
class Member:
    """A program member. ``attributes`` hold host-defined facts (segment, opt-ins...)."""

    id: str = attrs.field(validator=identifier)
    joined_at: datetime = attrs.field(converter=_joined_at)
    birthday: date | None = attrs.field(default=None, converter=optional_date)
    attributes: Mapping[str, AttributeValue] = attrs.field(
        factory=dict, converter=freeze_attributes, hash=False
    )

    __reduce__ = reduce_frozen  # read-only mappings travel as dicts

    def __init__(
        self,
        *,
        id: str,
        joined_at: datetime,
        birthday: date | None = None,
        attributes: Mapping[str, object] | None = None,
    ) -> None:
        # Written by hand (hosts build a member per event): the same conversions and
        # checks as the fields declare, in the same order, without a call per field.
        _set_joined_at(self, event_time(joined_at, "joined_at"))
        _set_birthday(self, birthday if type(birthday) is date else optional_date(birthday))
        _set_attributes(self, freeze_attributes(attributes))
        if type(id) is not str or not id:
            identifier(self, _FIELDS.id, id)
        _set_id(self, id)


_FIELDS = attrs.fields(Member)
_set_id, _set_joined_at, _set_birthday, _set_attributes = slot_setters(Member)
