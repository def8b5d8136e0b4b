"""``Program.quote_many`` quotes a page of carts exactly as ``Program.quote`` quotes each."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loyalrules import Cart, Ledger, Member, Program, Purchase, WrongTypeError, loads_program
from loyalrules.testing import carts, instants, members, purchase_histories

# Tiers (reached during the history or by the quoted cart), a first-purchase bonus, a
# category multiplier and a spend threshold: what depends on the member's history and
# tier, which quote_many works out once for the page.
PROGRAM = loads_program("""
program: page
currency: USD
timezone: America/New_York
tiers:
  qualify_on: spend
  window: calendar_year
  levels:
    - {id: member, name: Member}
    - {id: gold, name: Gold, qualify: 150, multiplier: "1.5"}
earn:
  - {id: base, name: 1 point per $1, effect: {type: points_per_spend, points: 1}}
  - id: welcome
    name: Welcome bonus
    when: {first_purchase: true}
    effect: {type: bonus, points: 50}
  - id: beans-2x
    lines: {categories: [beans]}
    effect: {type: multiply, factor: 2}
  - id: big-basket
    when: {min_spend: "50.00"}
    effect: {type: bonus, points: 20}
""")
START = datetime(2025, 6, 1, tzinfo=UTC)


def _ledger(program: Program, member: Member, history: tuple[Purchase, ...]) -> Ledger:
    ledger = Ledger()
    for purchase in history:
        outcome = program.process(purchase, member=member, ledger=ledger)
        ledger = ledger.append(outcome.entries)
    return ledger


@settings(max_examples=100)
@given(
    member=members(id="m-1", joined_end=START),
    history=purchase_histories(member_id="m-1", max_size=5, start=START),
    page=st.lists(carts(currency="USD"), max_size=6),
    at=instants(start=START),
)
def test_quote_many_equals_quote_per_cart(
    member: Member, history: tuple[Purchase, ...], page: list[Cart], at: datetime
) -> None:
    ledger = _ledger(PROGRAM, member, history)
    each = [PROGRAM.quote(cart, member=member, ledger=ledger, at=at) for cart in page]
    assert list(PROGRAM.quote_many(iter(page), member=member, ledger=ledger, at=at)) == each


def test_a_page_that_is_not_carts_is_a_typed_error() -> None:
    member = Member(id="m-1", joined_at=START)
    with pytest.raises(WrongTypeError, match="cart"):
        PROGRAM.quote_many(["SENCHA"], member=member, ledger=Ledger(), at=START)  # type: ignore[list-item]


def test_an_empty_page_has_no_quotes() -> None:
    member = Member(id="m-1", joined_at=START)
    assert PROGRAM.quote_many([], member=member, ledger=Ledger(), at=START) == ()
