"""Lots are dated, and calendar periods bounded, without relativedelta's general
machinery, to the same instants."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from loyalrules.values.durations import parse_duration
from loyalrules.values.timeutil import Period

ZONES = [UTC, ZoneInfo("America/New_York"), ZoneInfo("Europe/London"), ZoneInfo("Asia/Tehran")]
TEXTS = ["P14D", "P12M", "P1M", "P1Y", "P1Y6M", "P30D", "P2W", "P1M15D", "PT48H", "P1DT12H"]


@given(
    st.datetimes(
        min_value=datetime(1990, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)
    ),
    st.sampled_from(ZONES),
    st.sampled_from(TEXTS),
)
def test_after_is_the_local_calendar_step_relativedelta_takes(
    moment: datetime, zone: ZoneInfo, text: str
) -> None:
    duration = parse_duration(text)
    expected = (moment.astimezone(zone) + duration.calendar).astimezone(UTC) + duration.clock
    assert duration.after(moment, zone) == expected


def test_the_second_of_two_equal_wall_clock_hours_counts_as_the_first() -> None:
    # 01:30 EST on 2026-11-01 (the repeated hour): the calendar step works on the wall
    # clock, which names the first 01:30 (EDT), as adding a relativedelta always did.
    zone = ZoneInfo("America/New_York")
    second = datetime(2026, 11, 1, 6, 30, tzinfo=UTC)
    assert parse_duration("PT0S").after(second, zone) == second - timedelta(hours=1)


@given(
    st.datetimes(
        min_value=datetime(1990, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)
    ),
    st.sampled_from(ZONES),
    st.sampled_from([p for p in Period if p is not Period.LIFETIME]),
)
def test_a_calendar_period_ends_one_step_after_its_local_start(
    moment: datetime, zone: ZoneInfo, period: Period
) -> None:
    start, end = period.bounds(moment.astimezone(zone))
    local_start = start.astimezone(zone).replace(tzinfo=None)
    step = {
        Period.DAY: relativedelta(days=1),
        Period.WEEK: relativedelta(weeks=1),
        Period.MONTH: relativedelta(months=1),
        Period.QUARTER: relativedelta(months=3),
        Period.YEAR: relativedelta(years=1),
    }[period]
    assert end == (local_start + step).replace(tzinfo=zone).astimezone(UTC)
