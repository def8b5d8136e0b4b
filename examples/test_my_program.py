"""A shop's own tests of its loyalty program, run with pytest like any other test file.

examples/crumbs.yaml rounds points up on every order. The property test below is the ten
lines a developer writes to find what that costs: Hypothesis draws histories shaped by
the program (its categories, prices around its thresholds) and the check splits the last
order in two; when the parts earn more than the whole, it fails with the shrunk history.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given

from loyalrules import load_program, loads_program
from loyalrules.testing import (
    CheckFailed,
    check_full_return_nets_zero,
    check_replay_adds_nothing,
    check_reward_rate,
    check_split_never_earns_more,
    from_program,
)

PROGRAM_FILE = Path(__file__).parent / "crumbs.yaml"
program = load_program(PROGRAM_FILE)
shapes = from_program(program)


# The ten-line test that finds the exploit (run as it is, it fails: see below).
@given(shapes.scenarios())
def splitting_an_order_does_not_pay(scenario):
    check_split_never_earns_more(program, scenario)


def test_the_split_exploit_is_found() -> None:
    with pytest.raises(CheckFailed) as found:
        splitting_an_order_does_not_pay()
    report = str(found.value)
    print(report)  # pytest -s shows the shrunk history, the points and the rule lines
    assert "in two earned more points" in report
    assert "5 points per $1: +1 points" in report  # a few cents round up to a point


@given(shapes.scenarios())
def test_replaying_an_order_adds_nothing(scenario) -> None:
    check_replay_adds_nothing(program, scenario)


@given(shapes.scenarios())
def test_a_full_return_nets_zero(scenario) -> None:
    check_full_return_nets_zero(program, scenario)


# The fix: round down. The same checks pass, and the reward rate stays within 5% to 10%
# (pastries earn double) on any history of $20 or more.
fixed = loads_program(PROGRAM_FILE.read_text().replace("mode: ceil", "mode: floor"))


@given(from_program(fixed).scenarios())
def test_the_fixed_program_does_not_pay_for_splits(scenario) -> None:
    check_split_never_earns_more(fixed, scenario)
    check_reward_rate(fixed, scenario, at_least="0.04", at_most="0.10", min_spend=20)
