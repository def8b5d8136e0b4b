"""The earn benchmark's hand-written function and the engine agree (no timing here)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from loyalrules import Ledger

BENCHMARK = Path(__file__).resolve().parents[2] / "benchmarks" / "earn.py"


@pytest.fixture(scope="module")
def earn() -> ModuleType:
    spec = importlib.util.spec_from_file_location("loyalrules_benchmark_earn", BENCHMARK)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


def test_engine_and_hand_written_function_agree_on_a_seeded_sample(earn: ModuleType) -> None:
    workload = earn.generate(300, seed=earn.DEFAULT_SEED)
    assert earn.first_disagreement(earn.load(), workload) is None


def test_sample_exercises_every_rule(earn: ModuleType) -> None:
    # Agreement means little unless each rule both applies and gives points somewhere.
    program = earn.load()
    workload = earn.generate(300, seed=earn.DEFAULT_SEED)
    ledger = Ledger()
    earned: set[str] = set()
    for purchase in workload.purchases:
        member = workload.members[purchase.member_id]
        outcome = program.process(purchase, member=member, ledger=ledger)
        earned.update(line.rule_id for line in outcome.explanation if line.points > 0)
    assert earned == {rule.id for rule in program.rules}


def test_same_seed_gives_the_same_purchases(earn: ModuleType) -> None:
    first, second = earn.generate(50, seed=7), earn.generate(50, seed=7)
    assert first.orders == second.orders
    assert first.purchases == second.purchases
    assert first.orders != earn.generate(50, seed=8).orders


def test_a_wrong_baseline_is_caught(earn: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    right = earn.points_by_hand
    monkeypatch.setattr(earn, "points_by_hand", lambda order: right(order) + 1)
    found = earn.first_disagreement(earn.load(), earn.generate(20, seed=1))
    assert found is not None
    assert found.position == 0
    assert found.baseline == found.engine + 1
