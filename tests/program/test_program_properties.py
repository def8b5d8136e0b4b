"""Invariants of money, allocation and the engine, checked with Hypothesis.

Each test states one property every program must keep, over carts, purchases and
histories drawn by ``loyalrules.testing``.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from fractions import Fraction
from string import Template

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loyalrules import (
    Activity,
    Cart,
    Earned,
    Ledger,
    LineItem,
    Member,
    Money,
    Outcome,
    Program,
    Purchase,
    allocate,
    loads_program,
)
from loyalrules.testing import (
    activities,
    carts,
    instants,
    line_items,
    members,
    money,
    purchase_histories,
    purchases,
)

MEMBER_ID = "m-1"
FAR_FUTURE = datetime(2100, 1, 1, tzinfo=UTC)
MODES = ("floor", "half_up", "ceil")
STAGES = ("order", "line")
STACKINGS = ("multiply", "add", "best")

# Every earning phase: pro-rata and whole-increment base points, line multipliers (one
# capped), an order multiplier behind a condition, threshold, per-item, first-purchase
# and once-a-month bonuses, and an activity rule.
RICH = Template("""
program: rich
currency: USD
timezone: America/New_York
rounding: {mode: $mode, stage: $stage}
stacking: $stacking
eligible_spend:
  exclude: {categories: [gift_cards]}
earn:
  - id: base
    effect: {type: points_per_spend, points: "1.25", per: "1.00", counting: pro_rata}
  - id: beans-per-ten
    lines: {categories: [beans]}
    effect: {type: points_per_spend, points: 10, per: "10.00", counting: whole}
  - id: beans-2x
    lines: {categories: [beans]}
    max_points: 60
    effect: {type: multiply, factor: 2}
  - id: organic-food
    lines: {categories: [food], tags: [organic]}
    effect: {type: multiply, factor: "1.5"}
  - id: app-orders
    when: {channel: app}
    effect: {type: multiply, factor: "1.25"}
  - id: big-order
    when: {min_spend: "40.00"}
    effect: {type: bonus, points: 25}
  - id: merch-items
    lines: {categories: [merch]}
    effect: {type: points_per_item, points: 5}
  - id: welcome
    when: {first_purchase: true}
    effect: {type: bonus, points: 100}
  - id: monthly-treat
    when: {min_spend: "10.00"}
    limit: {times: 1, per: month}
    effect: {type: bonus, points: 7}
  - id: review
    activity: review
    limit: {times: 2, per: month}
    effect: {type: bonus, points: 10}
""")

# Only pro-rata spend points and multipliers, so the exact value is easy to state.
EXACT = Template("""
program: exact
currency: USD
timezone: America/New_York
rounding: {mode: $mode, stage: $stage}
stacking: $stacking
eligible_spend:
  exclude: {categories: [gift_cards]}
earn:
  - id: base
    effect: {type: points_per_spend, points: "1.25", per: "1.00", counting: pro_rata}
  - id: beans-extra
    lines: {categories: [beans]}
    effect: {type: points_per_spend, points: 3, per: "2.00", counting: pro_rata}
  - id: beans-2x
    lines: {categories: [beans]}
    effect: {type: multiply, factor: 2}
  - id: organic-1.5x
    lines: {tags: [organic]}
    effect: {type: multiply, factor: "1.5"}
  - id: app-1.25x
    when: {channel: app}
    effect: {type: multiply, factor: "1.25"}
""")

# Only spend points (both countings, order-wide) and bonuses behind spend thresholds.
MONOTONE = Template("""
program: monotone
currency: USD
timezone: America/New_York
rounding: {mode: $mode, stage: $stage}
eligible_spend:
  exclude: {categories: [gift_cards]}
earn:
  - id: pro-rata
    effect: {type: points_per_spend, points: "1.5", per: "1.00", counting: pro_rata}
  - id: per-whole-ten
    effect: {type: points_per_spend, points: 10, per: "10.00", counting: whole}
  - id: per-whole-three
    effect: {type: points_per_spend, points: "2.5", per: "3.00", counting: whole}
  - id: big-order
    when: {min_spend: "50.00"}
    effect: {type: bonus, points: 50}
  - id: huge-order
    when: {min_spend: "200.00"}
    effect: {type: bonus, points: 150}
""")
SPEND_RULES = ("pro-rata", "per-whole-ten", "per-whole-three")

# A multiplier with a cap: at most 10 extra points per purchase.
CAPPED = Template("""
program: capped
currency: USD
timezone: America/New_York
rounding: {mode: $mode, stage: $stage}
eligible_spend:
  exclude: {categories: [gift_cards]}
earn:
  - id: base
    effect: {type: points_per_spend, points: 1, per: "1.00", counting: pro_rata}
  - id: double
    max_points: 10
    effect: {type: multiply, factor: 2}
""")


def _programs(template: Template, stackings: Sequence[str]) -> dict[tuple[str, ...], Program]:
    return {
        (mode, stage, stacking): loads_program(
            template.substitute(mode=mode, stage=stage, stacking=stacking)
        )
        for mode, stage, stacking in itertools.product(MODES, STAGES, stackings)
    }


RICH_PROGRAMS = _programs(RICH, STACKINGS)
EXACT_PROGRAMS = _programs(EXACT, STACKINGS)
MONOTONE_PROGRAMS = {key[:2]: program for key, program in _programs(MONOTONE, ("-",)).items()}
CAPPED_PROGRAMS = {key[:2]: program for key, program in _programs(CAPPED, ("-",)).items()}
rich_programs = st.sampled_from(sorted(RICH_PROGRAMS)).map(RICH_PROGRAMS.__getitem__)

MEMBER = Member(id=MEMBER_ID, joined_at=datetime(2025, 6, 1, tzinfo=UTC))
the_member = members(id=MEMBER_ID)
events = st.lists(
    st.one_of(purchases(member_id=MEMBER_ID), activities(member_id=MEMBER_ID, kinds=["review"])),
    max_size=6,
    unique_by=lambda event: (type(event), event.id),
)


def _run(program: Program, member: Member, history: Sequence[Purchase | Activity]) -> Ledger:
    """The ledger after processing ``history`` in the given order."""
    ledger = Ledger()
    for event in history:
        ledger = ledger.append(program.process(event, member=member, ledger=ledger).entries)
    return ledger


def _per_rule(outcome: Outcome) -> dict[str, int]:
    return {e.rule_id: e.points for e in outcome.entries if isinstance(e, Earned)}


def _cart_of(purchase: Purchase) -> Cart:
    return Cart(**{field.name: getattr(purchase, field.name) for field in attrs.fields(Cart)})


# --- allocation -------------------------------------------------------------------------


@given(carts(max_lines=6))
def test_order_discount_shares_sum_to_the_discount(cart: Cart) -> None:
    shares = cart.order_discount_shares()
    expected = cart.order_discount.amount if cart.order_discount is not None else Decimal(0)
    assert sum(share.amount for share in shares) == expected
    assert len(shares) == len(cart.lines)


@given(carts(max_lines=6))
def test_order_discount_never_makes_a_line_negative(cart: Cart) -> None:
    for line, share in zip(cart.lines, cart.order_discount_shares(), strict=True):
        assert Decimal(0) <= share.amount <= line.net.amount


@st.composite
def _sub_cent_carts(draw: st.DrawFn) -> Cart:
    """Carts priced to the tenth of a cent (fuel at $3.999 is valid Money), with an order
    discount up to the whole subtotal in cents (a "this order is free" coupon)."""
    lines = line_items(places=3, max_price="0.5", discounts=False)
    cart = draw(carts(lines=lines, max_lines=4, order_discounts=False))
    top = int(cart.subtotal.amount * 100)
    cents = draw(st.just(top) | st.integers(0, top))
    return attrs.evolve(cart, order_discount=Money(Decimal(cents).scaleb(-2), "USD"))


@given(_sub_cent_carts())
def test_order_discount_never_makes_a_sub_cent_priced_line_negative(cart: Cart) -> None:
    shares = cart.order_discount_shares()
    assert cart.order_discount is not None
    assert sum(share.amount for share in shares) == cart.order_discount.amount
    for line, share in zip(cart.lines, shares, strict=True):
        assert share.amount <= line.net.amount


@st.composite
def _allocations(draw: st.DrawFn) -> tuple[Money, list[Money], list[str]]:
    weights = draw(st.lists(money(max_value="100", places=draw(st.integers(0, 3))), min_size=1))
    if not any(weights):
        weights[0] = Money("1", "USD")
    keys = draw(st.lists(st.text(min_size=1, max_size=3), min_size=len(weights), unique=True))
    total = draw(money(max_value="300"))
    return total, weights, keys[: len(weights)]


@given(_allocations(), st.data())
def test_allocation_does_not_depend_on_the_order_of_weights(
    allocation: tuple[Money, list[Money], list[str]], data: st.DataObject
) -> None:
    total, weights, keys = allocation
    order = data.draw(st.permutations(range(len(weights))))
    before = dict(zip(keys, allocate(total, weights, keys), strict=True))
    permuted = allocate(total, [weights[i] for i in order], [keys[i] for i in order])
    after = dict(zip([keys[i] for i in order], permuted, strict=True))
    assert after == before
    assert sum(part.amount for part in permuted) == total.amount


# --- money ------------------------------------------------------------------------------

amounts = st.integers(0, 3).flatmap(
    lambda places: money(min_value="-1000", max_value="1000", places=places)
)


@given(amounts, amounts, amounts)
def test_money_addition_is_associative_and_commutative(a: Money, b: Money, c: Money) -> None:
    assert (a + b) + c == a + (b + c)
    assert a + b == b + a


@given(amounts)
def test_zero_is_the_identity_of_money_addition(a: Money) -> None:
    zero = Money.zero("USD")
    assert a + zero == a
    assert zero + a == a


@given(amounts, amounts)
def test_subtracting_then_adding_back_gives_the_same_money(a: Money, b: Money) -> None:
    assert a - b + b == a


@given(amounts, st.integers(0, 25))
def test_multiplying_money_by_an_int_is_repeated_addition(a: Money, n: int) -> None:
    repeated = Money.zero("USD")
    for _ in range(n):
        repeated = repeated + a
    assert a * n == repeated
    assert n * a == repeated


@given(st.sampled_from(["USD", "JPY", "KWD", "EUR"]).flatmap(lambda c: money(currency=c)))
def test_money_round_trips_through_its_dict_form_and_json(a: Money) -> None:
    restored = Money.from_dict(json.loads(json.dumps(a.to_dict())))
    assert restored == a
    assert restored.currency == a.currency
    assert restored.amount.as_tuple() == a.amount.as_tuple()  # same digits, same scale


# --- points -----------------------------------------------------------------------------


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize("stacking", STACKINGS)
@settings(max_examples=40)
@given(
    mode=st.sampled_from(MODES),
    purchase=purchases(member_id=MEMBER_ID),
    data=st.data(),
)
def test_points_do_not_depend_on_line_order(
    stacking: str, stage: str, mode: str, purchase: Purchase, data: st.DataObject
) -> None:
    program = RICH_PROGRAMS[mode, stage, stacking]
    shuffled = attrs.evolve(purchase, lines=data.draw(st.permutations(purchase.lines)))
    first = program.process(purchase, member=MEMBER, ledger=Ledger())
    second = program.process(shuffled, member=MEMBER, ledger=Ledger())
    assert second.points == first.points
    assert _per_rule(second) == _per_rule(first)


def _stack(factors: Sequence[Fraction], stacking: str) -> Fraction:
    if not factors:
        return Fraction(1)
    if stacking == "multiply":
        return math.prod(factors, start=Fraction(1))
    if stacking == "add":
        return 1 + sum((f - 1 for f in factors), Fraction(0))
    return max(factors)


def _exact_per_line(cart: Cart, stacking: str) -> list[Fraction]:
    """Exact points of each line under the EXACT program, computed from its YAML."""
    exact = []
    for line, share in zip(cart.lines, cart.order_discount_shares(), strict=True):
        if line.category == "gift_cards":
            exact.append(Fraction(0))
            continue
        spend = Fraction(line.net.amount - share.amount)
        rate = Fraction(5, 4) + (Fraction(3, 2) if line.category == "beans" else 0)
        factors = []
        if line.category == "beans":
            factors.append(Fraction(2))
        if "organic" in line.tags:
            factors.append(Fraction(3, 2))
        if cart.channel == "app":
            factors.append(Fraction(5, 4))
        exact.append(spend * rate * _stack(factors, stacking))
    return exact


ROUND: dict[str, Callable[[Fraction], int]] = {
    "floor": math.floor,
    "ceil": math.ceil,
    "half_up": lambda value: math.floor(value + Fraction(1, 2)),
}


@pytest.mark.parametrize("mode", MODES)
@settings(max_examples=100)
@given(stacking=st.sampled_from(STACKINGS), purchase=purchases(member_id=MEMBER_ID))
def test_order_rounding_stays_within_one_point_of_the_exact_value(
    mode: str, stacking: str, purchase: Purchase
) -> None:
    program = EXACT_PROGRAMS[mode, "order", stacking]
    exact = sum(_exact_per_line(purchase, stacking), Fraction(0))
    points = program.process(purchase, member=MEMBER, ledger=Ledger()).points
    if mode == "floor":
        assert points <= exact < points + 1
    elif mode == "ceil":
        assert points - 1 < exact <= points
    else:
        assert abs(points - exact) <= Fraction(1, 2)
    assert points == ROUND[mode](exact)


@pytest.mark.parametrize("mode", MODES)
@settings(max_examples=100)
@given(stacking=st.sampled_from(STACKINGS), purchase=purchases(member_id=MEMBER_ID))
def test_line_rounding_rounds_each_line_on_its_own(
    mode: str, stacking: str, purchase: Purchase
) -> None:
    program = EXACT_PROGRAMS[mode, "line", stacking]
    per_line = _exact_per_line(purchase, stacking)
    points = program.process(purchase, member=MEMBER, ledger=Ledger()).points
    assert points == sum(ROUND[mode](value) for value in per_line)
    if mode == "floor":
        assert points <= sum(per_line)
    elif mode == "ceil":
        assert points >= sum(per_line)


@settings(max_examples=150)
@given(program=rich_programs, member=the_member, history=events, purchase=purchases())
def test_points_per_rule_add_up_to_the_outcome(
    program: Program, member: Member, history: list[Purchase | Activity], purchase: Purchase
) -> None:
    ledger = _run(program, member, history)
    outcome = program.process(purchase, member=member, ledger=ledger)
    earned = [e for e in outcome.entries if isinstance(e, Earned)]
    assert all(e.points > 0 for e in earned)
    assert sum(e.points for e in earned) == outcome.points
    applied = {x.rule_id: x.points for x in outcome.explanation if x.status == "applied"}
    assert sum(applied.values()) == outcome.points
    assert {rule: points for rule, points in applied.items() if points} == _per_rule(outcome)


def _eligible_spend(cart: Cart) -> Fraction:
    """Spend that earns under the programs above: everything but gift cards, net of
    line discounts and of each line's share of the order discount."""
    shares = cart.order_discount_shares()
    return sum(
        (
            Fraction(line.net.amount - share.amount)
            for line, share in zip(cart.lines, shares, strict=True)
            if line.category != "gift_cards"
        ),
        Fraction(0),
    )


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize("mode", MODES)
@settings(max_examples=100)
@given(purchase=purchases(member_id=MEMBER_ID))
def test_a_capped_multiplier_respects_its_cap_and_the_rounding_mode(
    mode: str, stage: str, purchase: Purchase
) -> None:
    program = CAPPED_PROGRAMS[mode, stage]
    spend = _eligible_spend(purchase)
    exact = spend + min(spend, Fraction(10))  # 1 point per $1, doubled up to +10 points
    outcome = program.process(purchase, member=MEMBER, ledger=Ledger())
    assert _per_rule(outcome).get("double", 0) <= 10
    if mode == "floor":
        assert outcome.points <= exact
    elif mode == "ceil":
        assert outcome.points >= exact
    elif stage == "order":
        assert abs(outcome.points - exact) <= Fraction(1, 2)


# --- replay and quotes ------------------------------------------------------------------


@settings(max_examples=100)
@given(program=rich_programs, member=the_member, purchase=purchases())
def test_processing_a_purchase_twice_adds_nothing(
    program: Program, member: Member, purchase: Purchase
) -> None:
    first = program.process(purchase, member=member, ledger=Ledger())
    ledger = Ledger().append(first.entries)
    again = program.process(purchase, member=member, ledger=ledger)
    assert not first.duplicate
    assert again.duplicate
    assert again.entries == ()
    assert ledger.append(again.entries).balance(FAR_FUTURE) == ledger.balance(FAR_FUTURE)


@settings(max_examples=100)
@given(program=rich_programs, member=the_member, history=events, data=st.data())
def test_replaying_a_whole_history_adds_nothing(
    program: Program, member: Member, history: list[Purchase | Activity], data: st.DataObject
) -> None:
    ledger = _run(program, member, history)
    for event in data.draw(st.permutations(history)):
        again = program.process(event, member=member, ledger=ledger)
        assert again.duplicate
        assert again.entries == ()
    assert len(ledger) >= len(history)  # every event left at least its Recorded entry


@settings(max_examples=150)
@given(
    program=rich_programs,
    member=the_member,
    history=events,
    purchase=purchases(ids=st.integers(1, 99).map("q-{}".format)),
)
def test_quote_equals_process(
    program: Program, member: Member, history: list[Purchase | Activity], purchase: Purchase
) -> None:
    ledger = _run(program, member, history)
    at = purchase.occurred_at
    quote = program.quote(_cart_of(purchase), member=member, ledger=ledger, at=at)
    outcome = program.process(purchase, member=member, ledger=ledger)
    assert quote.points == outcome.points
    assert quote.explanation == outcome.explanation


# --- ledger storage ---------------------------------------------------------------------


@settings(max_examples=100)
@given(program=rich_programs, member=the_member, history=events, as_of=instants())
def test_ledger_round_trips_through_dicts_and_json(
    program: Program, member: Member, history: list[Purchase | Activity], as_of: datetime
) -> None:
    ledger = _run(program, member, history)
    restored = Ledger.from_dicts(ledger.to_dicts())
    from_json = Ledger.from_dicts(json.loads(json.dumps(ledger.to_dicts())))
    for copy in (restored, from_json):
        assert copy.entries == ledger.entries
        assert copy.to_dicts() == ledger.to_dicts()
        for moment in (as_of, FAR_FUTURE):
            assert copy.balance(moment) == ledger.balance(moment)


# --- monotonicity -----------------------------------------------------------------------


@st.composite
def _bigger(draw: st.DrawFn, purchase: Purchase) -> Purchase:
    """The same purchase with more spend: one more line, or more units of one line."""
    lines = list(purchase.lines)
    if draw(st.booleans()):
        extra = draw(line_items(min_price="0.01", categories=["drinks", "food", "beans"]))
        lines.append(attrs.evolve(extra, id="extra"))
    else:
        index = draw(st.integers(0, len(lines) - 1))
        lines[index] = attrs.evolve(lines[index], quantity=lines[index].quantity + 1)
    return attrs.evolve(purchase, lines=lines)


def _spend_points(outcome: Outcome) -> int:
    return sum(points for rule, points in _per_rule(outcome).items() if rule in SPEND_RULES)


@pytest.mark.parametrize("mode", MODES)
@settings(max_examples=100)
@given(purchase=purchases(member_id=MEMBER_ID), data=st.data())
def test_more_spend_never_earns_fewer_points_with_order_rounding(
    mode: str, purchase: Purchase, data: st.DataObject
) -> None:
    program = MONOTONE_PROGRAMS[mode, "order"]
    bigger = data.draw(_bigger(purchase))
    small = program.process(purchase, member=MEMBER, ledger=Ledger())
    large = program.process(bigger, member=MEMBER, ledger=Ledger())
    assert _spend_points(large) >= _spend_points(small)
    assert large.points >= small.points


@pytest.mark.parametrize("mode", MODES)
@settings(max_examples=100)
@given(purchase=purchases(member_id=MEMBER_ID, cart=carts(order_discounts=False)), data=st.data())
def test_more_spend_never_earns_fewer_points_with_line_rounding(
    mode: str, purchase: Purchase, data: st.DataObject
) -> None:
    # Without an order discount, adding to one line leaves every other line's spend as is.
    program = MONOTONE_PROGRAMS[mode, "line"]
    bigger = data.draw(_bigger(purchase))
    small = program.process(purchase, member=MEMBER, ledger=Ledger())
    large = program.process(bigger, member=MEMBER, ledger=Ledger())
    assert _spend_points(large) >= _spend_points(small)
    assert large.points >= small.points


# --- the strategies themselves ----------------------------------------------------------


@given(st.from_type(Purchase))
def test_generated_purchases_keep_their_promises(purchase: Purchase) -> None:
    assert purchase.occurred_at.utcoffset() is not None
    assert len({line.id for line in purchase.lines}) == len(purchase.lines)
    if purchase.order_discount is not None:
        assert purchase.order_discount <= purchase.subtotal


@given(st.from_type(LineItem), st.from_type(Member))
def test_from_type_builds_valid_lines_and_members(line: LineItem, member: Member) -> None:
    assert line.net.amount >= 0
    assert member.joined_at.utcoffset() is not None


@given(purchase_histories(member_id=MEMBER_ID, max_size=5))
def test_purchase_histories_are_oldest_first_with_distinct_ids(
    history: tuple[Purchase, ...],
) -> None:
    assert [p.occurred_at for p in history] == sorted(p.occurred_at for p in history)
    assert len({p.id for p in history}) == len(history)
