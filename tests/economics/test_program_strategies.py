"""Strategies shaped by a program reach its rules; the program's shape is read right."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from loyalrules import (
    Ledger,
    Member,
    Purchase,
    Return,
    ValidationError,
    WrongTypeError,
    load_program,
)
from loyalrules.economics.shape import OTHER_CATEGORY, shape_of
from loyalrules.storage import Expire, Redeem
from loyalrules.testing import Scenario, from_program, play

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
COFFEE = load_program(EXAMPLES / "coffee_club.yaml")
TIERS = load_program(EXAMPLES / "tiers.yaml")
REWARDS = load_program(EXAMPLES / "rewards.yaml")
MEMBER = Member(id="m-1", joined_at=datetime(2025, 1, 1, tzinfo=UTC))


def test_the_shape_names_what_the_rules_test() -> None:
    shape = shape_of(COFFEE)
    assert shape.categories == ("beans", "gift_cards", OTHER_CATEGORY)
    assert shape.thresholds == (Decimal("25.00"),)
    # Double Star Week: Dec 1 to Dec 7 inclusive, Los Angeles time.
    assert shape.instants == (
        datetime(2026, 12, 1, 8, tzinfo=UTC),
        datetime(2026, 12, 8, 8, tzinfo=UTC),
    )
    assert shape.activity_kinds == ("review",)
    assert shape.channels == ("app",)
    assert dict(shape.member_attributes) == {"segment": ("reserve",)}


def test_spend_tiers_are_thresholds_and_rewards_are_listed() -> None:
    shape = shape_of(TIERS)
    assert shape.thresholds == tuple(Decimal(v) for v in ("200", "250", "600", "750"))
    assert shape.rewards == ("five-off", "author-evening")


def _points_by_rule(purchase: Purchase) -> set[str]:
    outcome = COFFEE.process(purchase, member=MEMBER, ledger=Ledger())
    return {line.rule_id for line in outcome.explanation if line.points}


def test_generated_purchases_reach_the_line_window_and_threshold_rules() -> None:
    reached: set[str] = set()

    @settings(max_examples=300, derandomize=True, database=None, deadline=None)
    @given(from_program(COFFEE).purchases())
    def collect(purchase: Purchase) -> None:
        reached.update(_points_by_rule(purchase))

    collect()
    assert {"beans-2x", "double-star-week", "big-order", "morning-app"} <= reached


def test_events_fall_between_start_and_end() -> None:
    shapes = from_program(COFFEE)
    assert shapes.start == datetime(2026, 11, 1, 8, tzinfo=UTC)
    assert shapes.end == datetime(2027, 1, 7, 8, tzinfo=UTC)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(from_program(REWARDS).scenarios())
def test_scenarios_are_ordered_and_play(scenario: Scenario) -> None:
    times = [getattr(s, "occurred_at", None) or s.at for s in scenario.steps]  # type: ignore[union-attr]
    assert times == sorted(times)
    for step in scenario.steps:
        if isinstance(step, Return):
            assert step.purchase in scenario.steps[: scenario.steps.index(step)]
    playback = play(REWARDS, scenario)
    assert len(playback.played) == len(scenario.steps)
    assert not playback.ledger.verify()


def test_a_refused_redemption_changes_nothing() -> None:
    at = datetime(2026, 3, 1, tzinfo=UTC)
    scenario = Scenario(MEMBER, (Redeem("ten-off", at, "k-1"), Expire(at)))
    playback = play(REWARDS, scenario)
    assert playback.played[0].outcome is None
    assert "needs: spend at least $25.00" in str(playback.played[0].refused)
    assert len(playback.ledger) == 0


def test_the_hypothesis_plugin_registers_the_strategies_on_its_own() -> None:
    code = (
        "from hypothesis import strategies as st\n"
        "from loyalrules import Purchase\n"
        "assert isinstance(st.from_type(Purchase).example(), Purchase)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    "first", ["loyalrules.testing", "loyalrules.testing.strategies", "loyalrules.testing.checks"]
)
def test_the_testing_package_imports_before_hypothesis_has_started(first: str) -> None:
    # Its modules import Hypothesis, which runs the plugin while the package is half-imported.
    code = (
        f"import {first}\n"
        "from hypothesis import strategies as st\n"
        "from loyalrules import Money\n"
        "assert isinstance(st.from_type(Money).example(), Money)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ({"start": datetime(2027, 1, 1, tzinfo=UTC), "end": datetime(2026, 1, 1, tzinfo=UTC)},
         ValidationError, "is before start"),
        ({"max_price": -5}, ValidationError, "max_price must be above 0"),
        ({"max_price": "abc"}, ValidationError, "max_price 'abc' is not a number"),
        ({"start": datetime(2026, 1, 1)}, ValidationError, "has no time zone"),
    ],
)  # fmt: skip
def test_bad_arguments_are_loyalrules_errors(
    arguments: dict[str, object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        from_program(COFFEE, **arguments)  # type: ignore[arg-type]
    with pytest.raises(WrongTypeError, match="from_program takes a Program, not str"):
        from_program("crumbs.yaml")  # type: ignore[arg-type]
