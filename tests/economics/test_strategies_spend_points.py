"""``from_program(...).scenarios()`` draws paying with points (where the program takes
points at checkout) and manual adjustments, and the checks hold over them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings

from loyalrules import (
    LineItem,
    Member,
    Money,
    Program,
    Purchase,
    load_program,
    loads_program,
)
from loyalrules.storage import Adjust, PayWithPoints
from loyalrules.testing import (
    Scenario,
    check_conservation,
    check_full_return_nets_zero,
    check_no_negative_balance,
    check_replay_adds_nothing,
    from_program,
    play,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
COFFEE = load_program(EXAMPLES / "coffee_club.yaml")
REWARDS = load_program(EXAMPLES / "rewards.yaml")  # 500 points pay $10.00, 100 at a time
MANY = settings(max_examples=150, derandomize=True, database=None, deadline=None)


def _collect(program: Program, seen: list[Scenario]) -> None:
    @MANY
    @given(from_program(program).scenarios())
    def collect(scenario: Scenario) -> None:
        seen.append(scenario)

    collect()


def test_points_paid_at_checkout_are_drawn_and_reach_the_order() -> None:
    scenarios: list[Scenario] = []
    _collect(REWARDS, scenarios)
    paid = made = cheaper = 0
    for scenario in scenarios:
        playback = play(REWARDS, scenario)
        for index, played in enumerate(playback.played):
            step = played.step
            if not isinstance(step, PayWithPoints):
                continue
            paid += 1
            order = scenario.steps[index + 1]  # the order comes right after
            assert isinstance(order, Purchase)
            assert order.id == step.order_id
            assert step.points is not None
            assert step.points >= 500
            assert step.points % 100 == 0
            assert order.points_payment is not None
            assert order.points_payment.amount == step.points * 10 / 500
            if played.outcome is not None:  # the member had the points
                made += 1
                assert played.outcome.grant is not None
                assert played.outcome.grant.amount == order.points_payment
                assert played.outcome.change() == -step.points
                paying, not_paying = _earnings(scenario, index, order)
                assert paying <= not_paying
                cheaper += paying < not_paying
    assert paid >= 10  # whether the member has the points depends on the draws
    assert cheaper <= made


def _earnings(scenario: Scenario, index: int, order: Purchase) -> tuple[int, int]:
    """What ``order`` (step ``index + 1``) earns, and would earn without points."""
    before = play(REWARDS, Scenario(scenario.member, scenario.steps[: index + 1])).ledger
    member = scenario.member
    paid = REWARDS.process(order, member=member, ledger=before).change()
    unpaid = attrs.evolve(order, points_payment=None)
    return paid, REWARDS.process(unpaid, member=member, ledger=before).change()


CLAMPED = loads_program(
    "program: t\ncurrency: USD\ntimezone: UTC\nnegative_balance: clamp\n"
    "earn:\n  - {id: base, effect: {type: points_per_spend, points: 1}}\n"
)


@pytest.mark.parametrize("program", [REWARDS, CLAMPED], ids=["allow", "clamp"])
def test_adjustments_are_drawn_both_ways_and_applied(program: Program) -> None:
    scenarios: list[Scenario] = []
    _collect(program, scenarios)
    credits = debits = 0
    for scenario in scenarios:
        for played in play(program, scenario).played:
            step = played.step
            if not isinstance(step, Adjust):
                continue
            debits += step.points < 0
            if played.outcome is not None:
                assert played.outcome.change(step.account) == step.points
                credits += step.points > 0
            else:
                assert step.points < 0  # only a debit beyond the balance is refused
    assert credits >= 5
    assert debits >= 1


def test_a_program_that_takes_no_points_at_checkout_draws_no_payment() -> None:
    scenarios: list[Scenario] = []
    _collect(COFFEE, scenarios)
    steps = [step for scenario in scenarios for step in scenario.steps]
    assert not any(isinstance(step, PayWithPoints) for step in steps)
    assert not any(isinstance(s, Purchase) and s.points_payment is not None for s in steps)
    assert any(isinstance(step, Adjust) for step in steps)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(from_program(REWARDS).scenarios())
def test_the_checks_hold_over_payments_and_adjustments(scenario: Scenario) -> None:
    check_conservation(REWARDS, scenario)
    check_no_negative_balance(REWARDS, scenario)
    check_replay_adds_nothing(REWARDS, scenario)


LIFECYCLE = load_program(EXAMPLES / "lifecycle.yaml")  # pending P30D, negative_balance: allow


def test_a_debit_while_points_are_pending_lets_a_full_return_net_to_zero() -> None:
    """The debit's deficit is paid from the pending points at once, as a pending credit
    written after it would pay it: a later order's full return then nets to zero."""
    member = Member(id="m-1", joined_at=datetime(2026, 3, 2, tzinfo=UTC))
    april = datetime(2026, 4, 1, tzinfo=UTC)
    lines = [LineItem(sku="S", category="other", unit_price=Money("1.02", "USD"))]
    first = Purchase(id="o-2", member_id="m-1", occurred_at=april, lines=lines)
    debit = Adjust(-1, "correction", "support", "adj-1", april, "points")
    last = Purchase(id="o-1", member_id="m-1", occurred_at=april.replace(month=5), lines=lines)
    check_full_return_nets_zero(LIFECYCLE, Scenario(member, (first, debit, last)))


def test_a_full_return_of_an_order_paid_in_part_with_points_nets_to_before_paying() -> None:
    member = Member(id="m-1", joined_at=datetime(2026, 1, 1, tzinfo=UTC))
    at = datetime(2026, 3, 1, tzinfo=UTC)
    lines = [LineItem(sku="S", category="other", unit_price=Money("30.00", "USD"))]
    pay = PayWithPoints(Purchase(id="o-1", member_id="m-1", occurred_at=at, lines=lines),
                        at, "o-1:pay", "o-1", 500)  # fmt: skip
    order = Purchase(id="o-1", member_id="m-1", occurred_at=at, lines=lines,
                     points_payment=Money("10.00", "USD"))  # fmt: skip
    credit = Adjust(500, "goodwill", "support", "adj-1", at - timedelta(days=1), "points")
    scenario = Scenario(member, (credit, pay, order))
    assert play(REWARDS, scenario).played[1].outcome is not None  # the points paid
    paying, not_paying = _earnings(scenario, 1, order)
    assert paying == 20  # the $10.00 paid with points earns nothing ("earns: false")
    assert not_paying == 30
    check_full_return_nets_zero(REWARDS, scenario)  # +500 back: as before paying
