"""One set of operation records: stores, batch jobs, the simulator and scenarios share it."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from loyalrules import ValidationError, WrongTypeError, load_program
from loyalrules.economics import behaviour_from_yaml, simulate
from loyalrules.storage import (
    CancelRedemption,
    Expire,
    Redeem,
    ReviewTiers,
    input_from_dict,
    input_to_dict,
)
from loyalrules.values import inputs

AT = datetime(2026, 7, 1, tzinfo=UTC)


def test_stored_expiry_runs_written_with_as_of_still_read() -> None:
    stored = {"type": "expire", "as_of": "2026-07-01T00:00:00+00:00"}
    assert input_from_dict(stored) == Expire(AT)
    assert input_from_dict({"type": "review_tiers", "as_of": AT.isoformat()}) == ReviewTiers(AT)


def test_expiry_runs_are_stored_with_at() -> None:
    assert input_to_dict(Expire(AT)) == {"type": "expire", "at": "2026-07-01T00:00:00+00:00"}


@pytest.mark.parametrize("record", [Expire, ReviewTiers])
def test_as_of_keyword_warns_and_means_at(record: type[Expire | ReviewTiers]) -> None:
    with pytest.deprecated_call(match="at= now"):
        old = record(as_of=AT)
    assert old == record(at=AT)
    with pytest.raises(WrongTypeError, match="twice"):
        record(AT, as_of=AT)


@pytest.mark.parametrize(
    ("module", "old", "new"),
    [
        ("loyalrules.testing", "ExpiryRun", Expire),
        ("loyalrules.testing", "TierReview", ReviewTiers),
        ("loyalrules.testing", "Redeem", Redeem),
        ("loyalrules.testing", "CancelRedemption", CancelRedemption),
        ("loyalrules.economics.scenario", "ExpiryRun", Expire),
        ("loyalrules.economics.scenario", "TierReview", ReviewTiers),
    ],
)
def test_old_names_warn_and_give_the_one_record(module: str, old: str, new: type) -> None:
    with pytest.deprecated_call(match="removed in the next release"):
        assert getattr(importlib.import_module(module), old) is new


def test_an_unknown_name_is_still_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="Expiry"):
        importlib.import_module("loyalrules.testing").Expiry  # noqa: B018


def test_records_are_validated_on_construction() -> None:
    with pytest.raises(ValidationError, match="key"):
        Redeem("five-off", AT, "")
    with pytest.raises(ValidationError):
        Expire(datetime(2026, 7, 1))
    with pytest.raises(WrongTypeError, match="points"):
        inputs.Adjust(points=1.5, reason="r", actor="a", key="k", at=AT)  # type: ignore[arg-type]


EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
PROGRAM = load_program(EXAMPLES / "rewards.yaml")
MODEL = behaviour_from_yaml("visits: {per_month: 6}\nredemption: {propensity: 1}")


def test_the_simulators_steps_are_the_stores_inputs() -> None:
    population = simulate(PROGRAM, members=5, months=3, seed=4, model=MODEL, record=True)
    steps = [step for scenario in population.scenarios for step in scenario.steps]
    assert {type(step) for step in steps} >= {Expire, ReviewTiers, Redeem}
    for step in steps:
        assert input_from_dict(input_to_dict(step)) == step


def test_records_describe_themselves_for_a_counterexample() -> None:
    assert str(CancelRedemption("k-1", AT + timedelta(hours=1))) == (
        "2026-07-01 01:00:00+0000 cancel redemption k-1"
    )
