"""The order a host lists a purchase's lines in changes nothing: the same entries (the
order's fingerprint included), the same explanation, the same return. An order reloaded
from storage without a fixed order is the order that was processed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from random import Random

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loyalrules import Ledger, Member, Program, Purchase, Return, load_program
from loyalrules.testing import carts, purchases

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
MEMBER = Member(id="m-1", joined_at=datetime(2025, 1, 1, tzinfo=UTC))
ORDERS = purchases(cart=carts(max_lines=6, shipping=True, tax=True))


def _shuffled(purchase: Purchase, random: Random) -> Purchase:
    lines, tenders = list(purchase.lines), list(purchase.tenders)
    random.shuffle(lines)
    random.shuffle(tenders)
    return attrs.evolve(purchase, lines=lines, tenders=tenders)


@pytest.mark.parametrize("name", ["coffee_club", "crumbs", "lifecycle", "rewards", "tiers"])
@settings(max_examples=40, deadline=None)
@given(purchase=ORDERS, random=st.randoms(use_true_random=False))
def test_a_purchase_earns_the_same_in_any_line_order(
    name: str, purchase: Purchase, random: Random
) -> None:
    program: Program = load_program(EXAMPLES / f"{name}.yaml")
    first = program.process(purchase, member=MEMBER, ledger=Ledger())
    again = program.process(_shuffled(purchase, random), member=MEMBER, ledger=Ledger())
    assert again.entries == first.entries
    assert again.explanation == first.explanation


@settings(max_examples=40, deadline=None)
@given(purchase=ORDERS, random=st.randoms(use_true_random=False))
def test_a_return_of_the_order_in_another_line_order_takes_back_the_same(
    purchase: Purchase, random: Random
) -> None:
    program = load_program(EXAMPLES / "lifecycle.yaml")
    ledger = Ledger().apply(program.process(purchase, member=MEMBER, ledger=Ledger()))
    later = purchase.occurred_at + timedelta(days=1)
    first = program.process(
        Return(id="r", purchase=purchase, occurred_at=later), member=MEMBER, ledger=ledger
    )
    again = program.process(
        Return(id="r", purchase=_shuffled(purchase, random), occurred_at=later),
        member=MEMBER,
        ledger=ledger,
    )
    assert again.entries == first.entries
    assert again.explanation == first.explanation
