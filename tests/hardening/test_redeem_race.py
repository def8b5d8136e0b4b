"""Defect 1: a redemption computed while another writer appends to the same ledger
object ends in ``StaleOutcome``, never a bare ``AssertionError``; and no ``assert``
guards behaviour anywhere in the package (``python -O`` strips them)."""

from __future__ import annotations

import ast
import sys
import threading
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from loyalrules import (
    InsufficientPoints,
    Ledger,
    LineItem,
    Member,
    Money,
    Program,
    Purchase,
    StaleOutcome,
    loads_program,
)
from loyalrules.ledger.entries import Consumption
from loyalrules.ledger.lots import LotState
from loyalrules.operations import redemption

SRC = Path(__file__).resolve().parents[2] / "src" / "loyalrules"
MEMBER = Member(id="m", joined_at=datetime(2025, 1, 1, tzinfo=UTC))
AT = datetime(2026, 1, 2, tzinfo=UTC)
PROGRAM = """
program: shop
currency: USD
timezone: UTC
earn:
  - id: base
    effect: {type: points_per_spend, points: 10}
rewards:
  - id: one
    cost: 1
    gives: {type: donation, cause: food bank}
  - id: ten
    cost: 10
    gives: {type: donation, cause: food bank}
"""


@pytest.fixture(scope="module")
def shop() -> Program:
    return loads_program(PROGRAM)


def funded(shop: Program, dollars: str) -> Ledger:
    purchase = Purchase(
        id="o",
        member_id="m",
        occurred_at=datetime(2026, 1, 1, tzinfo=UTC),
        lines=[LineItem(sku="x", category="x", unit_price=Money(dollars, "USD"))],
    )
    return Ledger().apply(shop.process(purchase, member=MEMBER, ledger=Ledger()))


def test_no_assert_statement_guards_behaviour_in_the_package() -> None:
    found = [
        f"{path.relative_to(SRC)}:{node.lineno}"
        for path in sorted(SRC.rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Assert)
    ]
    assert found == []


def test_a_writer_appending_mid_redemption_makes_it_stale(
    shop: Program, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The interleaving the threads hit, made deterministic: after this redemption
    read the lots it takes (10 points), another writer spends them on the same ledger."""
    ledger = funded(shop, "1.00")
    rival = shop.redeem("ten", member=MEMBER, ledger=ledger, at=AT, key="rival")
    read_lots = redemption.take_first

    def lots_then_rival(
        lots: Iterable[tuple[LotState, datetime]], points: int, at: datetime
    ) -> tuple[list[Consumption], int]:
        taken = read_lots(lots, points, at)
        ledger.apply(rival)
        return taken

    monkeypatch.setattr(redemption, "take_first", lots_then_rival)
    with pytest.raises(StaleOutcome, match="another writer"):
        shop.redeem("ten", member=MEMBER, ledger=ledger, at=AT, key="mine")


def test_eight_threads_redeeming_on_one_ledger_spend_each_point_once(shop: Program) -> None:
    state = {"ledger": funded(shop, "60.00")}  # 600 points, 1 point per redemption
    lock = threading.Lock()
    unexpected: list[BaseException] = []
    stored = [0]

    def writer(number: int) -> None:
        for attempt in range(200):
            while True:
                seen = state["ledger"]
                try:
                    outcome = shop.redeem(
                        "one", member=MEMBER, ledger=seen, at=AT, key=f"{number}-{attempt}"
                    )
                except InsufficientPoints:
                    return
                except StaleOutcome:
                    continue
                except Exception as error:  # the defect: an AssertionError escaped
                    unexpected.append(error)
                    return
                with lock:
                    try:
                        state["ledger"] = state["ledger"].apply(outcome)
                    except StaleOutcome:
                        continue
                    stored[0] += 1
                    break

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads often, so the race shows within a second
    try:
        threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert unexpected == []
    final = state["ledger"]
    assert stored[0] == 600
    assert final.balance(AT).available == 0
    assert final.verify() == ()
