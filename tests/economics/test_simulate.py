"""The simulator is deterministic for a seed, its recorded steps replay exactly, and the
metrics add up."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from loyalrules import (
    Ledger,
    LineItem,
    Member,
    Money,
    Purchase,
    ValidationError,
    load_program,
    loads_program,
)
from loyalrules.economics.behaviour import behaviour_from_yaml
from loyalrules.economics.calendar import months_from
from loyalrules.economics.metrics import measure
from loyalrules.economics.population import log_logistic
from loyalrules.economics.scenario import Scenario, play, play_ledger
from loyalrules.economics.simulate import simulate
from loyalrules.storage import Redeem

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NAMES = ["coffee_club", "lifecycle", "membership", "rewards", "tiers"]


def _rows(ledgers: tuple[Ledger, ...]) -> list[list[dict[str, object]]]:
    return [ledger.to_dicts() for ledger in ledgers]


def test_a_seed_gives_the_same_population_and_another_seed_another() -> None:
    program = load_program(EXAMPLES / "rewards.yaml")
    first = simulate(program, members=20, months=3, seed=11)
    again = simulate(program, members=20, months=3, seed=11)
    other = simulate(program, members=20, months=3, seed=12)
    assert _rows(first.ledgers) == _rows(again.ledgers)
    assert _rows(first.ledgers) != _rows(other.ledgers)


def test_a_member_does_not_depend_on_how_many_others_there_are() -> None:
    program = load_program(EXAMPLES / "coffee_club.yaml")
    few = simulate(program, members=5, months=2, seed=3)
    many = simulate(program, members=12, months=2, seed=3)
    assert _rows(few.ledgers) == _rows(many.ledgers[:5])
    assert few.members == many.members[:5]


@pytest.mark.parametrize("name", NAMES)
def test_recorded_steps_replay_to_the_same_ledgers(name: str) -> None:
    program = load_program(EXAMPLES / f"{name}.yaml")
    population = simulate(program, members=15, months=4, seed=5, record=True)
    for scenario, ledger in zip(population.scenarios, population.ledgers, strict=True):
        assert play_ledger(program, scenario).entries == ledger.entries
        assert not ledger.verify()


@pytest.mark.parametrize("name", NAMES)
def test_monthly_flows_explain_the_change_of_the_outstanding_points(name: str) -> None:
    program = load_program(EXAMPLES / f"{name}.yaml")
    population = simulate(program, members=40, months=12, seed=2)
    report = measure(program, population.ledgers, population.months, point_value="0.01")
    before = 0
    for month in report.months:
        now = month.outstanding + month.pending
        flows = month.issued + month.adjusted - month.redeemed - month.expired - month.reversed
        assert now - before == flows
        before = now
    total = report.total
    assert total.issued == sum(m.issued for m in report.months) > 0
    assert total.spend == sum(m.spend for m in report.months) > 0
    assert (total.outstanding, total.pending) == (
        report.months[-1].outstanding,
        report.months[-1].pending,
    )


def test_the_behaviour_model_changes_what_members_do() -> None:
    program = load_program(EXAMPLES / "coffee_club.yaml")
    quiet = behaviour_from_yaml("visits: {per_month: 0.5}\nchurn: {monthly: 0.5}")
    busy = behaviour_from_yaml("visits: {per_month: 6}\nchurn: {monthly: 0}")
    months = 6
    a = simulate(program, members=30, months=months, seed=1, model=quiet)
    b = simulate(program, members=30, months=months, seed=1, model=busy)
    spend = [measure(program, p.ledgers, p.months, point_value="0.01").total.spend for p in (a, b)]
    assert spend[0] * 4 < spend[1]


def test_a_misspelt_model_key_is_refused_with_a_suggestion() -> None:
    with pytest.raises(
        ValidationError, match=r"redemption\.propensty: unknown key; did you mean 'propensity'"
    ):
        behaviour_from_yaml("redemption: {propensty: 0.5}")


def test_log_logistic_tables_keep_their_median_and_are_exact() -> None:
    values = log_logistic(Decimal("12.00"), Decimal("0.6"), size=4)
    assert values[1] < Decimal(12) < values[2]
    assert values[0] * values[3] == pytest.approx(Decimal(144))  # symmetric in logs
    assert values == log_logistic(Decimal("12.00"), Decimal("0.6"), size=4)


SHOP = loads_program("""
program: shop
currency: USD
timezone: UTC
point_value: "0.01"
earn:
  - {id: base, name: 1 point per $1, effect: {type: points_per_spend, points: 1}}
  - {id: review, name: Review, activity: review, effect: {type: bonus, points: 5}}
rewards:
  - {id: five-off, name: $5 off, cost: 50, gives: {type: amount_off, amount: 5}}
""")


def test_the_figures_of_a_small_history() -> None:
    from loyalrules import Activity, Return

    member = Member(id="m-1", joined_at=datetime(2025, 1, 1, tzinfo=UTC))
    order = Purchase(
        id="o-1",
        member_id="m-1",
        occurred_at=datetime(2026, 1, 10, tzinfo=UTC),
        lines=[LineItem(sku="A", category="x", unit_price=Money("80.00", "USD"), quantity=2)],
    )
    steps = (
        order,
        Activity(
            id="a-1", member_id="m-1", kind="review", occurred_at=datetime(2026, 1, 11, tzinfo=UTC)
        ),
        Redeem("five-off", datetime(2026, 2, 1, tzinfo=UTC), "k-1"),
        Return(
            id="r-1", purchase=order, occurred_at=datetime(2026, 2, 2, tzinfo=UTC), lines={"A": 1}
        ),
    )
    ledger = play(SHOP, Scenario(member, steps)).ledger
    report = measure(SHOP, [ledger], months_from(date(2026, 1, 1), 2, UTC))
    january, february = report.months
    assert (january.issued, january.engagement, january.spend) == (165, 5, Decimal("160.00"))
    assert (january.outstanding, january.reward_rate) == (165, Decimal("0.0103"))
    assert (february.redeemed, february.reversed, february.spend) == (50, 80, Decimal("-80.00"))
    assert february.outstanding == 165 - 50 - 80
    assert february.liability == Decimal("0.35")
    total = report.total
    # 85 points kept, worth $0.85, on $80 kept: 1.06%; $0.50 redeemed on $80: 0.63%.
    assert (total.reward_rate, total.cost_rate) == (Decimal("0.0106"), Decimal("0.0063"))
    assert total.active_members == 1


def test_day_counts_are_binomial() -> None:
    import random

    from loyalrules.economics.population import DayCounts

    counts, rng = DayCounts(), random.Random(1)
    draws = [counts.draw(rng, 30, 0.1) for _ in range(20_000)]
    mean = sum(len(days) for days in draws) / len(draws)
    assert mean == pytest.approx(3.0, abs=0.05)  # 30 days x 0.1
    assert all(days == sorted(set(days)) and all(0 <= d < 30 for d in days) for days in draws)
    assert counts.draw(rng, 28, 1.0) == list(range(28))
    assert counts.draw(rng, 28, 0.0) == []
