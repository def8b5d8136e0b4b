"""The ledger: append-only entries with unique keys, balances as of a time, history facts."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from loyalrules import (
    Balance,
    DuplicateEntry,
    Earned,
    Ledger,
    Money,
    Recorded,
    ValidationError,
    WrongTypeError,
    entry_from_dict,
)

NEW_YORK = ZoneInfo("America/New_York")


def day(d: int, hour: int = 12, month: int = 12) -> datetime:
    return datetime(2026, month, d, hour, tzinfo=UTC)


def earned(key: str, points: int, at: datetime, **kwargs: object) -> Earned:
    kwargs.setdefault("rule_id", "base")
    kwargs.setdefault("source", "purchase:o-1")
    return Earned(key=key, at=at, points=points, **kwargs)  # type: ignore[arg-type]


def bought(order: str, at: datetime, spend: str | None = None) -> Recorded:
    return Recorded(
        key=f"purchase:{order}",
        at=at,
        event_type="purchase",
        event_id=order,
        spend=None if spend is None else Money(spend, "USD"),
    )


# --- append-only, keys, version --------------------------------------------------------------


def test_an_empty_ledger_has_no_entries_and_version_zero() -> None:
    ledger = Ledger()
    assert (len(ledger), ledger.version, list(ledger)) == (0, 0, [])


def test_append_returns_a_new_ledger_and_leaves_the_old_one_alone() -> None:
    old = Ledger()
    entry = earned("k1", 10, day(1))
    new = old.append([entry])
    assert list(new) == [entry]
    assert len(old) == 0
    assert "k1" not in old


def test_entries_keep_their_order_oldest_first() -> None:
    first, second = bought("o-1", day(1)), earned("k2", 5, day(1))
    ledger = Ledger().append([first]).append([second])
    assert ledger.entries == (first, second)


def test_version_counts_the_entries() -> None:
    ledger = Ledger().append([bought("o-1", day(1)), earned("k", 3, day(1))])
    assert ledger.version == 2
    assert ledger.append([bought("o-2", day(2))]).version == 3


def test_in_looks_up_entry_keys() -> None:
    ledger = Ledger().append([bought("o-1", day(1))])
    assert "purchase:o-1" in ledger
    assert "purchase:o-2" not in ledger


def test_appending_a_key_already_present_is_refused() -> None:
    ledger = Ledger().append([earned("k1", 10, day(1))])
    with pytest.raises(DuplicateEntry, match="'k1'"):
        ledger.append([earned("k1", 99, day(2))])


def test_a_batch_repeating_a_key_is_refused() -> None:
    with pytest.raises(DuplicateEntry):
        Ledger().append([earned("k1", 1, day(1)), earned("k1", 2, day(1))])


def test_a_refused_append_adds_nothing_to_the_ledger() -> None:
    ledger = Ledger().append([earned("k1", 10, day(1))])
    with pytest.raises(DuplicateEntry):
        ledger.append([earned("k2", 5, day(2)), earned("k1", 7, day(2))])
    assert "k2" not in ledger
    assert ledger.balance(day(30)).available == 10


def test_a_ledger_built_from_entries_with_a_repeated_key_is_refused() -> None:
    with pytest.raises(DuplicateEntry):
        Ledger((earned("k", 1, day(1)), earned("k", 1, day(1))))


def test_only_entries_can_be_appended() -> None:
    with pytest.raises(WrongTypeError, match="Entry"):
        Ledger().append([{"key": "k"}])  # type: ignore[list-item]


def test_ledgers_with_the_same_entries_are_equal() -> None:
    entries = [bought("o-1", day(1)), earned("k", 5, day(1))]
    assert Ledger(entries) == Ledger().append(entries)


# --- entries -----------------------------------------------------------------------------------


def test_entry_times_are_normalised_to_utc() -> None:
    # 09:00 New York in December is 14:00 UTC
    entry = earned("k", 5, datetime(2026, 12, 1, 9, tzinfo=NEW_YORK))
    assert entry.at == datetime(2026, 12, 1, 14, tzinfo=UTC)
    assert entry.at.tzinfo is UTC


def test_a_naive_entry_time_is_refused() -> None:
    with pytest.raises(ValidationError, match="no time zone"):
        earned("k", 5, datetime(2026, 12, 1, 9))


def test_an_earned_lot_is_available_at_once_by_default() -> None:
    entry = earned("k", 5, day(1))
    assert entry.available_at == day(1)
    assert entry.expires_at is None
    assert entry.account == "points"


@pytest.mark.parametrize("points", [0, -5])
def test_an_earned_lot_needs_positive_points(points: int) -> None:
    with pytest.raises(ValidationError, match="positive"):
        earned("k", points, day(1))


def test_earned_points_must_be_a_whole_number() -> None:
    with pytest.raises(WrongTypeError, match="whole number"):
        earned("k", True, day(1))  # type: ignore[arg-type]


def test_an_entry_needs_a_key() -> None:
    with pytest.raises(ValidationError, match="key"):
        earned("", 5, day(1))


# --- balance ---------------------------------------------------------------------------------


def figures(balance: Balance) -> tuple[int, int, int]:
    return balance.available, balance.pending, balance.lifetime_earned


@pytest.fixture
def lots() -> Ledger:
    return Ledger().append(
        [
            earned("old", 30, day(1, month=11), expires_at=day(5)),
            earned("now", 100, day(1)),
            earned("pending", 50, day(2), available_at=day(10)),
            earned("later", 20, day(20)),
        ]
    )


def test_balance_before_expiry_counts_the_expiring_lot(lots: Ledger) -> None:
    # Dec 4: old 30 (until Dec 5) + now 100 available; pending 50; later not yet earned
    assert figures(lots.balance(day(4))) == (130, 50, 180)


def test_balance_leaves_out_expired_lots_but_keeps_them_in_lifetime(lots: Ledger) -> None:
    # Dec 6: old 30 expired Dec 5; available 100, pending 50; lifetime 30+100+50 = 180
    assert figures(lots.balance(day(6))) == (100, 50, 180)


def test_a_lot_expires_at_exactly_its_expiry_instant(lots: Ledger) -> None:
    assert lots.balance(day(5)).available == 100


def test_a_pending_lot_becomes_available_at_exactly_available_at(lots: Ledger) -> None:
    # Dec 10 12:00: now 100 + pending 50 = 150 available, nothing pending
    assert figures(lots.balance(day(10))) == (150, 0, 180)
    assert lots.balance(day(10) - timedelta(microseconds=1)).pending == 50


def test_entries_after_as_of_are_not_counted(lots: Ledger) -> None:
    # Dec 20 11:59 misses "later" (12:00); at 12:00 it counts: 150 + 20 = 170
    assert lots.balance(day(20, hour=11)).lifetime_earned == 180
    assert figures(lots.balance(day(20))) == (170, 0, 200)


def test_balance_of_an_empty_ledger_is_zero() -> None:
    assert Ledger().balance(day(1)) == Balance("points", 0, 0)


def test_balance_total_is_available_plus_pending(lots: Ledger) -> None:
    assert lots.balance(day(4)).total == 180  # 130 + 50


def test_balance_counts_only_the_asked_account() -> None:
    ledger = Ledger().append([earned("p", 10, day(1)), earned("c", 7, day(1), account="cashback")])
    assert ledger.balance(day(2)).available == 10
    cashback = ledger.balance(day(2), account="cashback")
    assert (cashback.account, *figures(cashback)) == ("cashback", 7, 0, 7)


def test_balance_as_of_a_non_utc_time_means_the_same_instant(lots: Ledger) -> None:
    # 07:00 New York = 12:00 UTC on Dec 10: the pending lot is available
    assert lots.balance(datetime(2026, 12, 10, 7, tzinfo=NEW_YORK)).available == 150


def test_balance_as_of_a_naive_time_is_refused(lots: Ledger) -> None:
    with pytest.raises(ValidationError, match="at 2026-12-10T00:00:00 has no time zone"):
        lots.balance(datetime(2026, 12, 10))


# --- history ---------------------------------------------------------------------------------


def test_purchases_before_counts_recorded_purchases_strictly_before() -> None:
    ledger = Ledger().append([bought("o-1", day(1)), bought("o-2", day(3))])
    history = ledger.history
    assert history.purchases_before(day(1)) == 0  # the one at day 1 is not before day 1
    assert history.purchases_before(day(2)) == 1
    assert history.purchases_before(day(3, hour=13)) == 2


def test_purchases_before_ignores_activities() -> None:
    review = Recorded(
        key="activity:review:r-1",
        at=day(1),
        event_type="activity",
        event_id="r-1",
        activity="review",
    )
    assert Ledger().append([review]).history.purchases_before(day(2)) == 0


def test_purchases_before_works_when_entries_arrive_out_of_order() -> None:
    ledger = Ledger().append([bought("late", day(9)), bought("early", day(1))])
    assert ledger.history.purchases_before(day(5)) == 1


def test_rule_earnings_between_counts_a_half_open_range() -> None:
    ledger = Ledger().append(
        [
            earned("a", 1, day(1), rule_id="bday"),
            earned("b", 1, day(2), rule_id="bday"),
            earned("c", 1, day(3), rule_id="bday"),
            earned("d", 1, day(2), rule_id="other"),
        ]
    )
    # [day 1, day 3) holds a and b of "bday"; c sits on the excluded end
    assert ledger.history.rule_earnings_between("bday", day(1), day(3)) == 2
    assert ledger.history.rule_earnings_between("bday", day(1), day(3, hour=13)) == 3
    assert ledger.history.rule_earnings_between("none", day(1), day(30)) == 0


def test_history_sums_lifetime_spend_of_purchases() -> None:
    # 12.50 + 7.25 = 19.75; a purchase without spend adds nothing
    ledger = Ledger().append(
        [bought("o-1", day(1), "12.50"), bought("o-2", day(2), "7.25"), bought("o-3", day(3))]
    )
    assert ledger.history.lifetime_spend == Money("19.75", "USD")


def test_history_remembers_the_latest_activity_time() -> None:
    ledger = Ledger().append([bought("o-2", day(5)), bought("o-1", day(1))])
    assert ledger.history.last_activity() == day(5)


# --- dict round trip -------------------------------------------------------------------------


def round_trip(entry: Recorded | Earned) -> Recorded | Earned:
    back = entry_from_dict(json.loads(json.dumps(entry.to_dict())))
    assert isinstance(back, type(entry))
    return back  # type: ignore[return-value]


def test_recorded_purchase_to_dict_is_json_safe_and_exact() -> None:
    entry = bought("o-1", day(1), "12.50")
    assert entry.to_dict() == {
        "v": 1,
        "kind": "recorded",
        "key": "purchase:o-1",
        "at": "2026-12-01T12:00:00+00:00",
        "event_type": "purchase",
        "event_id": "o-1",
        "activity": None,
        "spend": {"amount": "12.50", "currency": "USD"},
        "source": None,
        "returned": [],
        "fingerprint": None,
        "categories": [],
    }


def test_recorded_purchase_round_trips() -> None:
    entry = bought("o-1", day(1), "12.50")
    back = round_trip(entry)
    assert back == entry
    assert str(back.spend.amount) == "12.50"  # type: ignore[union-attr]


def test_recorded_activity_without_spend_round_trips() -> None:
    entry = Recorded(
        key="activity:review:r-1",
        at=day(1),
        event_type="activity",
        event_id="r-1",
        activity="review",
    )
    back = round_trip(entry)
    assert back == entry
    assert back.spend is None  # type: ignore[union-attr]


def test_earned_to_dict_writes_every_field() -> None:
    entry = earned("k", 42, day(1), expires_at=day(1, month=12) + timedelta(days=365))
    assert entry.to_dict() == {
        "v": 1,
        "kind": "earned",
        "key": "k",
        "at": "2026-12-01T12:00:00+00:00",
        "points": 42,
        "rule_id": "base",
        "source": "purchase:o-1",
        "account": "points",
        "available_at": "2026-12-01T12:00:00+00:00",
        "expires_at": "2027-12-01T12:00:00+00:00",
        "inactivity": None,
    }


def test_earned_with_no_expiry_round_trips() -> None:
    entry = earned("k", 42, day(1))
    back = round_trip(entry)
    assert back == entry
    assert back.expires_at is None  # type: ignore[union-attr]


def test_earned_with_every_field_set_round_trips() -> None:
    entry = earned(
        "k",
        7,
        day(1),
        account="cashback",
        available_at=day(15),
        expires_at=day(1, month=6) + timedelta(days=365),
    )
    assert round_trip(entry) == entry


def test_non_utc_input_times_round_trip_to_the_same_instant_in_utc() -> None:
    # 09:00:00.123456 New York = 14:00:00.123456 UTC
    local = datetime(2026, 12, 1, 9, 0, 0, 123456, tzinfo=NEW_YORK)
    entry = earned("k", 5, local, available_at=local + timedelta(days=3))
    data = entry.to_dict()
    assert data["at"] == "2026-12-01T14:00:00.123456+00:00"
    back = round_trip(entry)
    assert back == entry
    assert back.to_dict() == data


def test_from_dict_normalises_a_stored_offset_time_to_utc() -> None:
    data = earned("k", 5, day(1)).to_dict()
    data["at"] = data["available_at"] = "2026-12-01T07:00:00-05:00"
    back = entry_from_dict(data)
    assert back.at == day(1)
    assert back.at.tzinfo is UTC


def test_a_ledger_round_trips_through_dicts() -> None:
    ledger = Ledger().append(
        [bought("o-1", day(1), "9.40"), earned("purchase:o-1:earn:base", 18, day(1))]
    )
    rows = json.loads(json.dumps(ledger.to_dicts()))
    back = Ledger.from_dicts(rows)
    assert back == ledger
    assert "purchase:o-1" in back
    assert back.balance(day(2)).available == 18


def test_from_dict_refuses_an_unknown_version() -> None:
    data = bought("o-1", day(1)).to_dict()
    data["v"] = 2
    with pytest.raises(ValidationError, match="version 2"):
        entry_from_dict(data)


def test_from_dict_refuses_an_unknown_kind() -> None:
    data = bought("o-1", day(1)).to_dict()
    data["kind"] = "teleported"
    with pytest.raises(ValidationError, match="unknown entry kind 'teleported'"):
        entry_from_dict(data)


def test_from_dict_refuses_a_missing_field() -> None:
    data = earned("k", 5, day(1)).to_dict()
    del data["points"]
    with pytest.raises(ValidationError, match="'earned' entry 'k': missing the field 'points'"):
        entry_from_dict(data)


def test_from_dict_refuses_a_naive_stored_time() -> None:
    data = earned("k", 5, day(1)).to_dict()
    data["at"] = "2026-12-01T12:00:00"
    with pytest.raises(ValidationError, match="no time zone"):
        entry_from_dict(data)


def test_from_dict_refuses_something_that_is_not_a_mapping() -> None:
    with pytest.raises(WrongTypeError, match="mapping"):
        entry_from_dict(["recorded"])  # type: ignore[arg-type]
