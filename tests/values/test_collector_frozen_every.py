"""``collector_frozen_every``: the collector policy of a batch loop (decision 0097)."""

from __future__ import annotations

import gc
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from support import earn_program, item

from loyalrules import Ledger, Member, Program, Purchase, ValidationError, load_program
from loyalrules.values.collector import collector_frozen_every


@pytest.fixture(autouse=True)
def _nothing_frozen() -> None:
    # Other tests run the simulate command in this process, which freezes and keeps.
    gc.unfreeze()


def test_every_count_calls_freeze_what_is_alive() -> None:
    with collector_frozen_every(3) as done:
        done()
        done()
        assert gc.get_freeze_count() == 0
        kept = [[n] for n in range(10)]
        done()
        assert gc.get_freeze_count() >= len(kept)
    assert gc.get_freeze_count() == 0


def test_what_the_host_froze_before_stays_frozen() -> None:
    gc.freeze()
    try:
        before = gc.get_freeze_count()
        with collector_frozen_every(1) as done:
            done()
        assert gc.get_freeze_count() >= before > 0
    finally:
        gc.unfreeze()


def test_the_objects_are_given_back_after_an_error() -> None:
    def batch() -> None:
        with collector_frozen_every(1) as done:
            done()
            raise RuntimeError("stop")

    with pytest.raises(RuntimeError, match="stop"):
        batch()
    assert gc.get_freeze_count() == 0


def test_a_count_below_one_is_refused() -> None:
    with pytest.raises(ValidationError, match="1 or more"), collector_frozen_every(0):
        pass


SIMPLE = earn_program(
    "- {id: base, name: 1 point per $1, effect: {type: points_per_spend, points: 1}}"
)
SHOP = load_program(Path(__file__).resolve().parents[2] / "examples" / "shop" / "program.yaml")


@pytest.mark.parametrize("program", [SIMPLE, SHOP], ids=["one-rule", "shop-with-tiers"])
def test_ledgers_and_outcomes_hold_no_reference_cycles(program: Program) -> None:
    # Frozen objects are freed by reference counting only: the policy is safe because
    # what an evaluation builds and keeps has no cycles for the collector to find.
    start = datetime(2026, 1, 1, tzinfo=UTC)
    member = Member(id="m-1", joined_at=start)
    gc.collect()
    gc.disable()
    try:
        ledger = Ledger()
        for n in range(40):  # past Gold's $500: a tier change and its bonus
            purchase = Purchase(
                id=f"p-{n}",
                member_id="m-1",
                occurred_at=start + timedelta(days=n),
                lines=[item(price="25.00")],
            )
            outcome = program.process(purchase, member=member, ledger=ledger)
            ledger = ledger.append(outcome.entries)
        expired = program.expire(member=member, ledger=ledger, at=start + timedelta(days=30))
        ledger = ledger.append(expired.entries)
        assert ledger.balance(at=start + timedelta(days=30)).available > 0
        del ledger, outcome, purchase, expired
        assert gc.collect() == 0
    finally:
        gc.enable()
