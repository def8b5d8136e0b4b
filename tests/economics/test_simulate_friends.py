"""Friends in the simulation: referred members whose first qualifying order pays their
referrer, and points members give them, replayed exactly and the same on every backend."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from loyalrules import Activity, TransferredIn, ValidationError, load_program, loads_program
from loyalrules.batch import InProcess
from loyalrules.cli import main
from loyalrules.economics import (
    behaviour_from_yaml,
    diff_programs,
    measure,
    play_ledger,
    play_ledgers,
    simulate,
)
from loyalrules.economics.render import diff_text, simulation_text
from loyalrules.economics.simulate import Population
from loyalrules.values.inputs import Transfer

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ENGAGEMENT = (EXAMPLES / "engagement.yaml").read_text(encoding="utf-8")
SHARING = loads_program(ENGAGEMENT + "\ntransfers: {min_points: 10}\n")  # referrals, transfers
MODEL = behaviour_from_yaml("referrals: {per_month: 0.3}\ntransfers: {per_month: 0.5}")


def _rows(population: Population) -> list[list[dict[str, object]]]:
    return [ledger.to_dicts() for ledger in population.ledgers]


@pytest.fixture(scope="module")
def population() -> Population:
    return simulate(SHARING, members=20, months=4, seed=1, model=MODEL, record=True)


def test_members_bring_referred_friends_who_pay_their_referrer(population: Population) -> None:
    friends = [m for m in population.members if "-f" in m.id]
    assert friends
    assert len(population.members) == 20 + len(friends)
    assert all(m.attributes["referred_by"] == m.id.split("-f")[0] for m in friends)
    referrals = [
        step
        for scenario in population.scenarios
        for step in scenario.steps
        if isinstance(step, Activity) and "referee" in step.attributes
    ]
    assert referrals
    assert {r.id for r in referrals} <= {m.id for m in friends}
    assert {r.kind for r in referrals} == {"referral"}
    report = measure(SHARING, population.ledgers, population.months, point_value="0.01")
    assert report.total.referrals > 0
    assert "Referral rewards: " in simulation_text(report, "harbor")


def test_points_given_to_friends_add_up_and_replay_exactly(population: Population) -> None:
    report = measure(SHARING, population.ledgers, population.months, point_value="0.01")
    received = sum(
        e.points for ledger in population.ledgers for e in ledger.entries
        if isinstance(e, TransferredIn)
    )  # fmt: skip
    assert report.total.transferred == received > 0
    before = 0
    for month in report.months:  # transfers move points between members: none appear
        now = month.outstanding + month.pending
        assert (
            now - before
            == month.issued + month.adjusted - month.redeemed - month.expired - month.reversed
        )
        before = now
    again = play_ledgers(SHARING, population.scenarios)
    assert [a.to_dicts() for a in again] == _rows(population)
    giver = next(s for s in population.scenarios if any(isinstance(t, Transfer) for t in s.steps))
    with pytest.raises(ValidationError, match="two members"):
        play_ledger(SHARING, giver)


def test_friends_come_with_their_member_on_every_backend(population: Population) -> None:
    parted = simulate(SHARING, members=20, months=4, seed=1, model=MODEL, record=True,
                      backend=InProcess(), partition_size=6)  # fmt: skip
    assert _rows(parted) == _rows(population)
    few = simulate(SHARING, members=5, months=4, seed=1, model=MODEL)
    assert few.members == population.members[: len(few.members)]
    assert _rows(few) == _rows(population)[: len(few.members)]


def test_a_program_without_referrals_or_transfers_has_no_friends() -> None:
    rewards = load_program(EXAMPLES / "rewards.yaml")
    eager = behaviour_from_yaml("referrals: {per_month: 1}\ntransfers: {per_month: 1}")
    assert len(simulate(rewards, members=6, months=2, seed=3, model=eager).members) == 6


def test_the_diff_replays_transfers_and_referrals() -> None:
    stingy = loads_program(ENGAGEMENT.replace("points: 300", "points: 100") + "\ntransfers: {}\n")
    change = diff_programs(SHARING, stingy, members=15, months=3, seed=2, model=MODEL,
                           point_value="0.01")  # fmt: skip
    assert change.new.total.referrals < change.old.total.referrals
    # the same gifts are asked for; a giver with fewer points is refused some
    assert 0 < change.new.total.transferred <= change.old.total.transferred
    text = diff_text(change, "stingy")
    assert "referral rewards" in text
    assert "transferred" in text


def test_simulate_says_how_many_friends_joined(capsys: pytest.CaptureFixture[str]) -> None:
    program = str(EXAMPLES / "engagement.yaml")
    args = ["simulate", program, "--members", "60", "--months", "3", "--point-value", "0.01"]
    assert main(args) == 0
    title = capsys.readouterr().out.splitlines()[0]
    assert re.search(r": 60 members and \d+ friends who joined, 3 months from 2026-01", title)
