"""The behaviour model's seasonality, points paid at checkout and goodwill credits: seeded,
recorded as storable steps, the same on every backend, and counted by the metrics."""

from __future__ import annotations

from pathlib import Path

import pytest

from loyalrules import Adjusted, Redeemed, ValidationError, load_program
from loyalrules.batch import InProcess
from loyalrules.economics import behaviour_from_yaml, diff_programs, measure, simulate
from loyalrules.economics.render import diff_text, simulation_text
from loyalrules.economics.scenario import play_ledger
from loyalrules.storage import Adjust, PayWithPoints, input_from_dict, input_to_dict

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
REWARDS = load_program(EXAMPLES / "rewards.yaml")  # takes points as payment
MODEL = behaviour_from_yaml(
    "pay_with_points: {chance: 0.5}\n"
    "adjustments: {per_month: 0.2, points: 150}\n"
    "redemption: {propensity: 0.5}\n"
)


def _rows(population: object) -> list[list[dict[str, object]]]:
    return [ledger.to_dicts() for ledger in population.ledgers]  # type: ignore[attr-defined]


def test_a_month_named_in_seasonality_has_that_many_more_visits() -> None:
    flat = behaviour_from_yaml("churn: {monthly: 0}")
    peak = behaviour_from_yaml("churn: {monthly: 0}\nseasonality: {2: 3}")
    months = simulate(REWARDS, members=1, months=2, seed=9).months
    runs = [
        measure(REWARDS, simulate(REWARDS, members=150, months=2, seed=9, model=m).ledgers, months)
        for m in (flat, peak)
    ]
    (flat_jan, flat_feb), (peak_jan, peak_feb) = runs[0].months, runs[1].months
    assert peak_jan.spend == flat_jan.spend  # January is not named: the same draws
    assert 2.5 < peak_feb.spend / flat_feb.spend < 3.5


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("seasonality: {13: 2}", "not a month number"),
        ("seasonality: {12: -1}", "at least 0"),
        ("seasonality: [1.6]", "mapping of month number"),
        ("pay_with_points: {chance: 2}", "between 0 and 1"),
        ("adjustments: {points: 0}", "at least 1"),
        ("adjustments: {per_moth: 0.1}", "did you mean 'per_month'"),
    ],
)
def test_a_wrong_behaviour_key_says_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        behaviour_from_yaml(text)


def test_members_pay_with_points_and_get_goodwill_credits_as_recorded_steps() -> None:
    population = simulate(REWARDS, members=40, months=4, seed=5, model=MODEL, record=True)
    steps = [step for scenario in population.scenarios for step in scenario.steps]
    assert any(isinstance(step, PayWithPoints) for step in steps)
    assert any(isinstance(step, Adjust) for step in steps)
    for step in steps:
        assert input_from_dict(input_to_dict(step)) == step
    for scenario, ledger in zip(population.scenarios, population.ledgers, strict=True):
        assert play_ledger(REWARDS, scenario).entries == ledger.entries
        assert not ledger.verify()


def test_the_metrics_count_points_paid_at_checkout_and_adjustments() -> None:
    population = simulate(REWARDS, members=40, months=4, seed=5, model=MODEL)
    report = measure(REWARDS, population.ledgers, population.months)
    entries = [entry for ledger in population.ledgers for entry in ledger.entries]
    credits = [e.points for e in entries if isinstance(e, Adjusted)]
    paid = [e for e in entries if isinstance(e, Redeemed) and e.reward_id == "pay_with_points"]
    assert report.total.adjusted == sum(credits) == 150 * len(credits) > 0
    assert 0 < report.total.paid_with_points <= sum(e.points for e in paid)
    assert report.total.paid_with_points <= report.total.redeemed
    before = 0
    for month in report.months:
        now = month.outstanding + month.pending
        flows = month.issued + month.adjusted - month.redeemed - month.expired - month.reversed
        assert now - before == flows
        before = now
    text = simulation_text(report, "rewards")
    assert "Paid with points at checkout: " in text
    assert f"Manual adjustments: {report.total.adjusted:,} points" in text


def test_the_same_seed_gives_the_same_population_on_a_backend() -> None:
    alone = simulate(REWARDS, members=12, months=3, seed=2, model=MODEL)
    parted = simulate(
        REWARDS, members=12, months=3, seed=2, model=MODEL, backend=InProcess(), partition_size=5
    )
    assert _rows(parted) == _rows(alone)


def test_a_program_that_does_not_take_points_draws_nothing_for_it() -> None:
    coffee = load_program(EXAMPLES / "coffee_club.yaml")
    default = simulate(coffee, members=10, months=2, seed=4)
    eager = simulate(
        coffee,
        members=10,
        months=2,
        seed=4,
        model=behaviour_from_yaml("pay_with_points: {chance: 1}"),
    )
    assert _rows(eager) == _rows(default)


def test_the_diff_shows_points_paid_at_checkout() -> None:
    change = diff_programs(REWARDS, REWARDS, members=20, months=2, seed=1, model=MODEL)
    assert "paid with points" in diff_text(change, "same")
    assert change.new.total.paid_with_points == change.old.total.paid_with_points > 0
