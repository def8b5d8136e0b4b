"""``ExpireAfter`` with ``end_of`` and a duration of whole days remembers its date by the
local day of earning: every instant of a day must get the date worked out from it, in
zones with daylight saving at 2 a.m., at midnight and by half an hour."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from loyalrules.terms.policies import ExpireAfter, _expiry_of_day
from loyalrules.values.durations import parse_duration
from loyalrules.values.timeutil import Period

ZONES = [
    UTC,
    ZoneInfo("America/New_York"),
    ZoneInfo("America/Santiago"),
    ZoneInfo("Australia/Lord_Howe"),
    ZoneInfo("Asia/Kathmandu"),
]
instants = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)
)


@given(
    duration=st.sampled_from(["P12M", "P1Y", "P6M", "P30D", "P1W", "P1Y2M3D", "P1D"]),
    end_of=st.sampled_from([Period.DAY, Period.WEEK, Period.MONTH, Period.QUARTER, Period.YEAR]),
    zone=st.sampled_from(ZONES),
    earned=st.lists(instants, min_size=1, max_size=8),
    hours=st.lists(st.integers(-30, 30), min_size=1, max_size=8),
)
def test_the_date_remembered_by_day_is_the_date_of_the_instant(
    duration: str, end_of: Period, zone: ZoneInfo, earned: list[datetime], hours: list[int]
) -> None:
    expiry = ExpireAfter(period=parse_duration(duration), end_of=end_of)
    # Instants of the same local days asked one after another, so the memo answers some.
    moments = [at + timedelta(hours=h) for at in earned for h in hours]
    for at in moments:
        assert expiry.expires_at(at, zone) == expiry._expires_at(at, zone)


def test_a_duration_with_hours_is_not_remembered_by_day() -> None:
    expiry = ExpireAfter(period=parse_duration("P1MT12H"), end_of=Period.MONTH)
    zone = ZoneInfo("America/New_York")
    remembered = _expiry_of_day.cache_info().currsize
    morning = datetime(2026, 1, 31, 14, tzinfo=UTC)  # 9 a.m. on the 31st in New York
    night = datetime(2026, 2, 1, 4, 30, tzinfo=UTC)  # 11:30 p.m. on the 31st
    assert expiry.expires_at(morning, zone) == datetime(2026, 3, 1, 5, tzinfo=UTC)
    assert expiry.expires_at(night, zone) == datetime(2026, 4, 1, 4, tzinfo=UTC)
    assert _expiry_of_day.cache_info().currsize == remembered
