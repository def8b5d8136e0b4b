"""The ``Exemption`` a lot carries: how standing periods postpone its deadlines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loyalrules import ValidationError
from loyalrules.ledger.entries import Earned, entry_from_dict
from loyalrules.ledger.exemption import NEVER, Exemption, merged, tier_periods

JAN, FEB, MAR, APR, MAY = (datetime(2026, month, 1, tzinfo=UTC) for month in range(1, 6))
SECOND = timedelta(seconds=1)


def rule(resume: str, period: str | None = None) -> Exemption:
    return Exemption(tiers=("gold",), resume=resume, timezone="UTC", period=period)


@pytest.mark.parametrize(
    ("end", "expires"),
    [(MAR - SECOND, MAR), (MAR, MAR), (MAR + SECOND, MAR + SECOND)],
)
def test_from_earning_expires_when_a_standing_held_over_the_deadline_ends(
    end: datetime, expires: datetime
) -> None:
    assert rule("from_earning").postpone(JAN, MAR, [(FEB, end)]) == expires


def test_remaining_adds_the_time_held_after_earning() -> None:
    assert rule("remaining").postpone(JAN, MAR, [(FEB, FEB + timedelta(days=3))]) == MAR + (
        timedelta(days=3)
    )
    # held since before the lot was earned: only the time after earning counts
    held_at_earning = [(JAN - timedelta(days=9), JAN + timedelta(days=2))]
    assert rule("remaining").postpone(JAN, MAR, held_at_earning) == MAR + timedelta(days=2)


def test_remaining_reaches_a_standing_that_starts_after_the_first_deadline() -> None:
    # the first pause moves the deadline into the second standing, which pauses it again
    held = [(FEB, FEB + timedelta(days=30)), (MAR + timedelta(days=10), APR)]
    moved = MAR + timedelta(days=30) + (APR - (MAR + timedelta(days=10)))
    assert rule("remaining").postpone(JAN, MAR, held) == moved


def test_restart_counts_a_fresh_period_from_the_end_of_the_standing() -> None:
    assert rule("restart", "P1M").postpone(JAN, MAR, [(FEB, APR)]) == MAY
    assert rule("restart", "P1M").postpone(JAN, MAR, [(MAR, APR)]) == MAR  # ended before


def test_standings_before_earning_or_from_the_deadline_on_change_nothing() -> None:
    # a standing that begins at the very instant the lot expires comes too late
    for resume in ("remaining", "restart", "from_earning"):
        held = [(JAN - timedelta(days=20), JAN), (MAR, APR)]
        assert rule(resume, "P1M").postpone(JAN, MAR, held) == MAR


def test_an_open_ended_standing_keeps_the_lot() -> None:
    for resume in ("remaining", "restart", "from_earning"):
        assert rule(resume, "P1M").postpone(JAN, MAR, [(FEB, NEVER)]) == NEVER


def test_inactivity_gaps_under_each_resume() -> None:
    def month_later(moment: datetime) -> datetime:
        return moment + timedelta(days=30)

    held = [(JAN + timedelta(days=20), FEB + timedelta(days=10))]
    check, expires = rule("from_earning").gap_end(month_later, held)(JAN)
    assert (check, expires) == (JAN + timedelta(days=30), FEB + timedelta(days=10))
    check, expires = rule("remaining").gap_end(month_later, held)(JAN)
    assert check == expires == JAN + timedelta(days=30 + 21)
    check, expires = rule("restart").gap_end(month_later, held)(JAN)
    assert check == expires == FEB + timedelta(days=40)


def test_periods_touching_or_overlapping_merge() -> None:
    assert merged([(MAR, APR), (JAN, FEB), (FEB, MAR), (APR, APR)]) == ((JAN, APR),)
    assert tier_periods([(FEB, "gold"), (JAN, "silver"), (MAR, "silver")], ("gold",)) == [
        (FEB, MAR)
    ]


def test_an_exemption_round_trips_on_a_lot_and_is_left_out_when_absent() -> None:
    plain = Earned(key="k", at=JAN, points=5, rule_id="r", source="s", expires_at=MAR)
    assert "exemption" not in plain.to_dict()
    kept = Earned(
        key="k", at=JAN, points=5, rule_id="r", source="s", expires_at=MAR,
        exemption=Exemption(plans=("plus",), resume="restart", timezone="UTC", period="P1M"),
    )  # fmt: skip
    assert entry_from_dict(kept.to_dict()) == kept


def test_an_exemption_names_a_standing_and_a_known_resume() -> None:
    with pytest.raises(ValidationError, match="at least one tier level or plan"):
        Exemption(resume="remaining")
    with pytest.raises(ValidationError, match="resume must be one of"):
        Exemption(tiers=("gold",), resume="later")


moments = st.integers(min_value=0, max_value=400 * 24).map(
    lambda hours: JAN + timedelta(hours=hours)
)


@given(
    start=moments,
    length=st.integers(min_value=1, max_value=500 * 24),
    periods=st.lists(st.tuples(moments, moments), max_size=4),
    resume=st.sampled_from(("remaining", "restart", "from_earning")),
)
def test_postponing_never_brings_a_deadline_forward(
    start: datetime,
    length: int,
    periods: list[tuple[datetime, datetime]],
    resume: str,
) -> None:
    deadline = start + timedelta(hours=length)
    held = merged((min(a, b), max(a, b)) for a, b in periods)
    moved = rule(resume, "PT1H").postpone(start, deadline, held)
    assert moved >= deadline
    # a deadline inside a held period is always moved out of it
    assert not any(begin <= moved < end for begin, end in held if begin < moved)
