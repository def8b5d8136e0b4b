"""``Program.quote_many`` quotes a page of carts exactly as ``Program.quote`` quotes each."""

from __future__ import annotations

from datetime import UTC, datetime

import attrs
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


# Rules whose test reads no cart (member attributes, the birthday, the time, the tier,
# limits, history) are asked once for a page: applying or not, with near-miss hints from
# the parts that read the cart, and ten scoped rules so the page's rules are indexed.
SETTLED = loads_program("""
program: settled
currency: USD
timezone: America/New_York
tiers:
  qualify_on: spend
  window: calendar_year
  levels:
    - {id: member, name: Member}
    - {id: gold, name: Gold, qualify: 150}
earn:
  - {id: base, name: 1 point per $1, effect: {type: points_per_spend, points: 1}}
  - {id: vip, when: {member: {segment: [vip]}}, effect: {type: multiply, factor: 2}}
  - {id: birthday, when: {birthday_month: true}, effect: {type: bonus, points: 25}}
  - {id: weekend, when: {weekday: [sat, sun]}, effect: {type: multiply, factor: "1.5"}}
  - id: evening
    when: {time_of_day: {from: "17:00", until: "23:00"}}
    effect: {type: bonus, points: 3}
  - id: gold-basket
    when: {all: [{tier: gold}, {min_spend: "40.00"}]}
    effect: {type: bonus, points: 40}
  - id: once-a-month
    when: {min_spend: "10.00"}
    limit: {times: 1, per: month}
    effect: {type: bonus, points: 5}
  - id: summer
    active: {from: 2025-06-01, until: 2025-08-31}
    effect: {type: bonus, points: 7}
  - id: not-vip
    when: {not: {member: {segment: [vip]}}}
    effect: {type: bonus, points: 1}
  - {id: c1, lines: {categories: [beans]}, effect: {type: multiply, factor: 2}}
  - {id: c2, lines: {categories: [tea]}, effect: {type: bonus, points: 2}}
  - {id: c3, lines: {categories: [pastry]}, effect: {type: bonus, points: 3}}
  - {id: c4, lines: {categories: [merch]}, effect: {type: bonus, points: 4}}
  - {id: c5, lines: {categories: [drinks]}, effect: {type: bonus, points: 5}}
  - {id: c6, lines: {categories: [food]}, effect: {type: bonus, points: 6}}
  - {id: c7, lines: {categories: [gift_card]}, effect: {type: bonus, points: 7}}
  - {id: c8, lines: {skus: [SKU-1]}, effect: {type: bonus, points: 8}}
  - id: c9
    lines: {skus: [SKU-2]}
    when: {member: {segment: [vip]}}
    effect: {type: bonus, points: 9}
""")


@settings(max_examples=100)
@given(
    member=members(id="m-1", joined_end=START),
    history=purchase_histories(member_id="m-1", max_size=5, start=START),
    page=st.lists(carts(currency="USD"), max_size=6),
    at=instants(start=START),
    segment=st.sampled_from([None, "vip", "regular"]),
)
def test_rules_that_read_no_cart_are_asked_once_a_page(
    member: Member,
    history: tuple[Purchase, ...],
    page: list[Cart],
    at: datetime,
    segment: str | None,
) -> None:
    if segment is not None:
        member = attrs.evolve(member, attributes={"segment": segment})
    ledger = _ledger(SETTLED, member, history)
    each = [SETTLED.quote(cart, member=member, ledger=ledger, at=at) for cart in page]
    many = SETTLED.quote_many(page, member=member, ledger=ledger, at=at)
    assert list(many) == each
    assert [quote.checks for quote in many] == [quote.checks for quote in each]


def test_a_page_that_is_not_carts_is_a_typed_error() -> None:
    member = Member(id="m-1", joined_at=START)
    with pytest.raises(WrongTypeError, match="cart"):
        PROGRAM.quote_many(["SENCHA"], member=member, ledger=Ledger(), at=START)  # type: ignore[list-item]


def test_an_empty_page_has_no_quotes() -> None:
    member = Member(id="m-1", joined_at=START)
    assert PROGRAM.quote_many([], member=member, ledger=Ledger(), at=START) == ()
