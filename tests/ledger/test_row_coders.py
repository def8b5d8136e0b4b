"""Each entry class's written-out row coders (``ledger.row_coders``) give what the
general field-by-field coders give: the same rows, the same entries, and for a row that
is not right the same error."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loyalrules import (
    Activated,
    Adjusted,
    Earned,
    Expired,
    Money,
    Recorded,
    Redeemed,
    Restored,
    Reversed,
    entry_from_dict,
)
from loyalrules.ledger.codec import encode_fields
from loyalrules.ledger.entries import ENTRY_FORMAT, Consumption, Entry
from loyalrules.ledger.exemption import Exemption
from loyalrules.ledger.fields import Inactivity
from loyalrules.ledger.standing_entries import TierChanged

keys = st.text("abc:-1", min_size=1, max_size=6)
instants = st.integers(0, 10**8).map(
    lambda seconds: datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds)
)
maybe_instants = st.none() | instants
points = st.integers(1, 10**6)
parts = st.lists(st.builds(Consumption, keys, points), max_size=3).map(tuple)
amounts = st.decimals(0, 10**6, places=2, allow_nan=False, allow_infinity=False)
categories = st.dictionaries(keys, amounts, max_size=3).map(lambda d: tuple(sorted(d.items())))
inactivity = st.none() | st.just(Inactivity("P12M", "Europe/Paris", ("purchases",), "month"))
exemption = st.none() | st.just(Exemption(tiers=("gold",)))


@st.composite
def entries(draw: st.DrawFn) -> Entry:
    key, at = draw(keys), draw(instants)
    kind = draw(st.sampled_from(range(9)))
    if kind == 0:
        return Earned(
            key=key, at=at, points=draw(points), rule_id=draw(keys), source=draw(keys),
            account=draw(st.sampled_from(("points", "cash"))),
            available_at=draw(maybe_instants), expires_at=draw(maybe_instants),
            inactivity=draw(inactivity), exemption=draw(exemption),
        )  # fmt: skip
    if kind == 1:
        spend = draw(st.none() | amounts.map(lambda a: Money(a, "USD")))
        return Recorded(
            key=key, at=at, event_type=draw(st.sampled_from(("purchase", "return"))),
            event_id=draw(keys), spend=spend, source=draw(st.none() | keys),
            returned=tuple(draw(st.lists(st.tuples(keys, points), max_size=2))),
            fingerprint=draw(st.none() | keys), categories=draw(categories),
        )  # fmt: skip
    consumed = draw(parts)
    total = sum(c.points for c in consumed)
    deficit = draw(st.integers(0, 5))
    if total + deficit == 0:
        deficit = 1
    if kind == 2:
        return Expired(
            key=key, at=at, points=total + deficit, consumed=consumed, deficit=deficit,
            lot=draw(keys),
        )  # fmt: skip
    if kind == 3:
        expired = draw(parts)
        return Reversed(
            key=key, at=at, points=total + deficit + sum(c.points for c in expired),
            consumed=consumed, deficit=deficit, source=draw(keys), return_id=draw(keys),
            reverses=draw(parts), expired=expired,
        )  # fmt: skip
    if kind == 4:
        return Redeemed(
            key=key, at=at, points=total + deficit, consumed=consumed, deficit=deficit,
            reward_id=draw(keys), order_id=draw(st.none() | keys),
        )  # fmt: skip
    if kind == 5:
        return Adjusted(
            key=key, at=at, points=-(total + deficit), consumed=consumed, deficit=deficit,
            reason="r", actor="a",
        )  # fmt: skip
    if kind == 6:
        return Restored(
            key=key, at=at, redemption=draw(keys), points=total + deficit, restored=consumed,
            regranted=deficit, expires_at=draw(maybe_instants), whole=draw(st.booleans()),
        )  # fmt: skip
    if kind == 7:
        return Activated(key=key, at=at, source=draw(keys))
    return TierChanged(key=key, at=at, level="gold", previous="base", reason="spend")


def general_row(entry: Entry) -> dict[str, Any]:
    return {"v": ENTRY_FORMAT, "kind": entry.kind, **encode_fields(entry)}


def read(row: object) -> object:
    """What ``entry_from_dict`` gives for ``row``: the entry, or the error's type and text."""
    try:
        return entry_from_dict(row)  # type: ignore[arg-type]
    except Exception as error:  # compared, not hidden
        return type(error), str(error)


@given(entries())
def test_a_row_is_written_as_the_general_coders_write_it(entry: Entry) -> None:
    row = entry.to_dict()
    assert row == general_row(entry)
    assert list(row) == list(general_row(entry))  # the same order of fields too


@given(entries())
def test_a_row_reads_back_as_the_general_decoder_reads_it(entry: Entry) -> None:
    row = entry.to_dict()
    fast = entry_from_dict(row)
    assert fast == entry_from_dict(MappingProxyType(row)) == entry  # a mapping: general path
    assert type(fast) is type(entry)


junk = st.sampled_from(
    [None, "", "x", -1, 0, 1.5, True, [], {}, [["a", 1]], [{"lot": "k", "points": 0}],
     {"amount": "1", "currency": "USD"}, "2026-01-01T00:00:00", "2026-01-01T00:00:00+02:00",
     "1800-01-01T00:00:00+00:00", [["a", "nan"]], [["b", "1"], ["a", "1"]]]
)  # fmt: skip


@given(entries(), st.data())
def test_a_row_that_is_not_right_reads_as_the_general_decoder_reads_it(
    entry: Entry, data: st.DataObject
) -> None:
    row = entry.to_dict()
    change = data.draw(st.sampled_from(("drop", "add", "set")))
    name = data.draw(st.sampled_from(sorted(set(row) - {"v", "kind"})))
    if change == "drop":
        del row[name]
    elif change == "add":
        row["unexpected"] = data.draw(junk)
    else:
        row[name] = data.draw(junk)
    assert read(row) == read(MappingProxyType(row))


def test_an_offset_other_than_utc_is_read_as_the_general_decoder_reads_it() -> None:
    at = datetime(2026, 3, 1, 12, tzinfo=timezone(timedelta(hours=2)))
    row = Activated(key="k", at=at, source="s").to_dict()
    row["at"] = at.isoformat()
    entry = entry_from_dict(row)
    assert entry == entry_from_dict(MappingProxyType(row))
    assert entry.at.tzinfo is UTC


@pytest.mark.parametrize("points", [Decimal(0), "3"])
def test_consumed_parts_of_another_shape_read_as_the_general_decoder_reads_them(
    points: object,
) -> None:
    row = Expired(key="k", at=datetime(2026, 1, 1, tzinfo=UTC), points=1, deficit=1, lot="l")
    rows = row.to_dict()
    rows["consumed"] = [{"lot": "l", "points": points, "note": "x"}]
    assert read(rows) == read(MappingProxyType(rows))
