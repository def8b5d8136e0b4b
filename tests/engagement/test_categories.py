"""Categories in the ledger: a purchase records its eligible spend per category, returns
take it back, the member's top category of the previous period scopes a rule, and
challenge goals count a category's spend, its purchases or distinct categories."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import item

from loyalrules import (
    Ledger,
    Member,
    Money,
    Outcome,
    Program,
    ProgramError,
    Purchase,
    Recorded,
    Return,
    RuleCheck,
    ValidationError,
    entry_from_dict,
    loads_program,
)
from loyalrules.ledger import categories

LA = ZoneInfo("America/Los_Angeles")
MEMBER = Member(id="m-1", joined_at=datetime(2026, 1, 1, tzinfo=LA))
HEAD = "program: t\ncurrency: USD\ntimezone: America/Los_Angeles\n"
TOP = loads_program(
    HEAD
    + """
eligible_spend: {exclude: {categories: [gift-cards]}}
earn:
  - {id: base, effect: {type: points_per_spend, points: 1}}
  - id: top
    name: Your favourite, 2x
    lines: {top_category: month}
    effect: {type: multiply, factor: 2}
"""
)


def order(number: int, at: datetime, *lines: tuple[str, str]) -> Purchase:
    return Purchase(
        id=f"o-{number}",
        member_id=MEMBER.id,
        occurred_at=at,
        lines=[item(f"SKU-{i}", price, category) for i, (category, price) in enumerate(lines)],
    )


def run(program: Program, ledger: Ledger, event: Purchase | Return) -> tuple[Ledger, Outcome]:
    outcome = program.process(event, member=MEMBER, ledger=ledger)
    return ledger.apply(outcome), outcome


def _top(outcome: Outcome) -> RuleCheck:
    check = outcome.why("top")
    assert check is not None
    return check


def march(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=LA)


# --- what the ledger records ------------------------------------------------------------


def test_a_purchase_records_eligible_spend_per_category_sorted_by_name() -> None:
    _, outcome = run(
        TOP,
        Ledger(),
        order(
            1,
            march(2),
            ("tea", "4.00"),
            ("beans", "12.00"),
            ("tea", "3.50"),
            ("gift-cards", "25.00"),
        ),
    )
    recorded = outcome.entries[0]
    assert isinstance(recorded, Recorded)
    # gift cards earn nothing, so they buy no category
    assert recorded.categories == (("beans", Decimal("12.00")), ("tea", Decimal("7.50")))


def test_categories_round_trip_through_json_and_old_rows_still_read() -> None:
    _, outcome = run(TOP, Ledger(), order(1, march(2), ("beans", "12.00")))
    recorded = outcome.entries[0]
    row = json.loads(json.dumps(recorded.to_dict()))
    assert row["categories"] == [["beans", "12.00"]]
    assert entry_from_dict(row) == recorded
    del row["categories"]  # a row stored before categories were kept
    old = entry_from_dict(row)
    assert isinstance(old, Recorded)
    assert old.categories == ()
    assert categories.known(Ledger([old]).history.series) == []


def test_a_category_listed_twice_is_refused() -> None:
    with pytest.raises(ValidationError, match="each category once"):
        Recorded(
            key="k",
            at=march(2),
            event_type="purchase",
            event_id="o-1",
            categories=(("tea", Decimal(1)), ("tea", Decimal(2))),
        )


# --- the top category of the previous period ----------------------------------------------


def test_the_top_category_of_last_month_earns_double_this_month() -> None:
    ledger, _ = run(TOP, Ledger(), order(1, datetime(2026, 2, 3, tzinfo=LA), ("beans", "30.00")))
    ledger, _ = run(TOP, ledger, order(2, datetime(2026, 2, 9, tzinfo=LA), ("tea", "20.00")))
    ledger, outcome = run(TOP, ledger, order(3, march(2), ("beans", "10.00"), ("tea", "10.00")))
    # base 20, and beans (February's top) 2x: +10
    assert outcome.points == 30
    assert _top(outcome).points == 10


def test_the_top_category_is_the_previous_calendar_month_in_the_program_time_zone() -> None:
    # 1 March 01:00 in Los Angeles is still February there: February's purchase is
    # this month's, and January has none.
    ledger, _ = run(TOP, Ledger(), order(1, datetime(2026, 3, 1, 1, tzinfo=LA), ("beans", "30.00")))
    ledger, outcome = run(TOP, ledger, order(2, march(20), ("beans", "10.00")))
    assert _top(outcome).points == 0
    _, april = run(
        TOP, ledger, order(3, datetime(2026, 4, 1, 0, 30, tzinfo=LA), ("beans", "10.00"))
    )
    assert _top(april).points == 10


def test_equal_spend_is_won_by_the_first_category_by_name() -> None:
    ledger, _ = run(TOP, Ledger(), order(1, datetime(2026, 2, 3, tzinfo=LA), ("tea", "15.00")))
    ledger, _ = run(TOP, ledger, order(2, datetime(2026, 2, 4, tzinfo=LA), ("beans", "15.00")))
    _, outcome = run(TOP, ledger, order(3, march(2), ("beans", "5.00"), ("tea", "5.00")))
    assert _top(outcome).points == 5
    assert categories.top(ledger.history.series, *_february()) == "beans"


def _february() -> tuple[datetime, datetime]:
    return datetime(2026, 2, 1, tzinfo=LA), datetime(2026, 3, 1, tzinfo=LA)


def test_a_return_in_the_period_changes_its_top_category() -> None:
    beans = order(1, datetime(2026, 2, 3, tzinfo=LA), ("beans", "30.00"))
    ledger, _ = run(TOP, Ledger(), beans)
    ledger, _ = run(TOP, ledger, order(2, datetime(2026, 2, 9, tzinfo=LA), ("tea", "20.00")))
    back = Return(id="r-1", purchase=beans, occurred_at=datetime(2026, 2, 20, tzinfo=LA))
    ledger, _ = run(TOP, ledger, back)
    _, outcome = run(TOP, ledger, order(3, march(2), ("beans", "10.00"), ("tea", "10.00")))
    assert _top(outcome).points == 10
    assert categories.top(ledger.history.series, *_february()) == "tea"


def test_no_purchase_last_month_means_no_top_category_and_the_rule_says_why() -> None:
    _, outcome = run(TOP, Ledger(), order(1, march(2), ("beans", "10.00")))
    check = _top(outcome)
    assert check.points == 0
    assert check.reasons[0].kind == "lines"
    assert check.reasons[0].text == (
        "the cart has no line of the top category of the previous month "
        "(nothing bought in the previous month)"
    )


def test_a_cart_without_the_top_category_says_which_it_was() -> None:
    ledger, _ = run(TOP, Ledger(), order(1, datetime(2026, 2, 3, tzinfo=LA), ("tea", "5.00")))
    _, outcome = run(TOP, ledger, order(2, march(2), ("beans", "10.00")))
    reason = _top(outcome).reasons[0]
    assert (reason.kind, reason.seen) == ("lines", "tea was the top")


def test_top_category_is_refused_outside_a_rule_s_lines() -> None:
    with pytest.raises(ProgramError, match="top_category"):
        loads_program(HEAD + "eligible_spend: {exclude: {top_category: month}}\nearn: []\n")


# --- challenge goals over categories ------------------------------------------------------

CHALLENGES = loads_program(
    HEAD
    + """
earn:
  - {id: base, effect: {type: points_per_spend, points: 1}}
challenges:
  - id: explorer
    name: Three categories
    goal: {categories: 3}
    per: month
    points: 100
  - id: beans
    name: $50 on coffee beans
    goal: {spend: "50.00", category: beans}
    per: month
    active: {from: 2026-03-01, until: 2026-03-31}
    points: 200
  - id: tea-twice
    name: Tea twice
    goal: {purchases: 2, category: tea}
    per: month
    points: 30
"""
)


def test_three_different_categories_in_a_month_complete_the_challenge() -> None:
    ledger, first = run(
        CHALLENGES, Ledger(), order(1, march(2), ("beans", "5.00"), ("beans", "1.00"))
    )
    assert not first.paid("explorer")
    assert "1 categories so far" in str(first.why("explorer"))
    ledger, second = run(CHALLENGES, ledger, order(2, march(3), ("tea", "5.00")))
    assert not second.paid("explorer")
    ledger, third = run(CHALLENGES, ledger, order(3, march(4), ("tea", "5.00"), ("cups", "5.00")))
    assert third.paid("explorer")
    _, fourth = run(CHALLENGES, ledger, order(4, march(5), ("mugs", "5.00")))
    assert not fourth.paid("explorer")


def test_spend_on_one_category_counts_that_category_only_to_the_cent() -> None:
    ledger, first = run(
        CHALLENGES, Ledger(), order(1, march(2), ("beans", "49.99"), ("tea", "40.00"))
    )
    assert not first.paid("beans")
    status = CHALLENGES.status(member=MEMBER, ledger=ledger, at=march(2))
    assert (
        "$50 on coffee beans: spend $0.01 more on beans by the end of 2026-03-31" in status.messages
    )
    ledger, second = run(CHALLENGES, ledger, order(2, march(9), ("beans", "0.01")))
    assert second.paid("beans")


def test_purchases_of_a_category_count_orders_not_lines() -> None:
    ledger, first = run(CHALLENGES, Ledger(), order(1, march(2), ("tea", "2.00"), ("tea", "2.00")))
    assert not first.paid("tea-twice")
    _, second = run(CHALLENGES, ledger, order(2, march(3), ("tea", "2.00")))
    assert second.paid("tea-twice")


def test_a_return_of_another_order_undoes_a_category_challenge() -> None:
    first = order(1, march(2), ("beans", "30.00"))
    ledger, _ = run(CHALLENGES, Ledger(), first)
    ledger, second = run(CHALLENGES, ledger, order(2, march(3), ("beans", "20.00")))
    assert second.paid("beans")
    back = Return(id="r-1", purchase=first, occurred_at=march(10))
    ledger, outcome = run(CHALLENGES, ledger, back)
    assert "$50 on coffee beans: the return undoes it, -200" in str(outcome)
    assert ledger.balance(march(11)).available == 20


def test_category_is_refused_on_a_visits_goal() -> None:
    text = (
        HEAD + "earn: []\nchallenges:\n  - {id: c, goal: {visits: 2, category: tea}, points: 5}\n"
    )
    with pytest.raises(ProgramError, match="'category'"):
        loads_program(text)


# --- returns take the category spend back exactly -----------------------------------------

LINES = st.lists(
    st.tuples(st.sampled_from(["beans", "tea", "cups"]), st.integers(1, 4), st.integers(1, 4000)),
    min_size=1,
    max_size=4,
)


@settings(max_examples=40, deadline=None)
@given(lines=LINES, discount=st.integers(0, 500), seed=st.randoms(use_true_random=False))
def test_returns_take_back_each_category_exactly_and_never_more(lines, discount, seed) -> None:  # type: ignore[no-untyped-def]
    discount = min(discount, sum(q * cents for _, q, cents in lines) - 1)
    purchase = Purchase(
        id="o-1",
        member_id=MEMBER.id,
        occurred_at=march(2),
        lines=[
            item(f"S-{i}", f"{cents / 100:.2f}", category, quantity=quantity, id=f"l-{i}")
            for i, (category, quantity, cents) in enumerate(lines)
        ],
        order_discount=Money(f"{discount / 100:.2f}", "USD") if discount else None,
    )
    ledger, outcome = run(CHALLENGES, Ledger(), purchase)
    recorded = outcome.entries[0]
    assert isinstance(recorded, Recorded)
    paid = dict(recorded.categories)
    units = [line.id for line in purchase.lines for _ in range(line.quantity)]
    seed.shuffle(units)
    cuts = (
        sorted(seed.sample(range(1, len(units)), min(2, len(units) - 1))) if len(units) > 1 else []
    )
    series = ledger.history.series
    end = datetime(2027, 1, 1, tzinfo=LA)
    for number, part in enumerate(zip([0, *cuts], [*cuts, len(units)], strict=True)):
        back = Counter(units[part[0] : part[1]])
        ret = Return(id=f"r-{number}", purchase=purchase, occurred_at=march(20), lines=dict(back))
        ledger, _ = run(CHALLENGES, ledger, ret)
        series = ledger.history.series
        for name, spend in paid.items():
            left = categories.net_spend(series, name, None, end)
            assert Decimal(0) <= left <= spend
    for name in paid:
        assert categories.net_spend(series, name, None, end) == 0
        assert categories.net_purchases(series, name, None, end) == 0
    assert categories.bought(series, None, end) == set()
    assert ledger.balance(march(21)).available == 0


def test_a_compacted_ledger_keeps_its_categories() -> None:
    ledger, _ = run(TOP, Ledger(), order(1, datetime(2026, 2, 3, tzinfo=LA), ("tea", "30.00")))
    ledger, _ = run(TOP, ledger, order(2, datetime(2026, 2, 9, tzinfo=LA), ("beans", "20.00")))
    compacted = Ledger.from_dicts(
        json.loads(json.dumps(ledger.compact(datetime(2026, 3, 1, tzinfo=LA)).to_dicts()))
    )
    assert len(compacted) == 1
    _, outcome = run(TOP, compacted, order(3, march(2), ("beans", "10.00"), ("tea", "10.00")))
    assert _top(outcome).points == 10
    assert categories.top(compacted.history.series, *_february()) == "tea"


def test_a_return_after_the_period_leaves_its_top_category_as_it_was() -> None:
    beans = order(1, datetime(2026, 2, 3, tzinfo=LA), ("beans", "30.00"))
    ledger, _ = run(TOP, Ledger(), beans)
    ledger, _ = run(TOP, ledger, order(2, datetime(2026, 2, 9, tzinfo=LA), ("tea", "20.00")))
    ledger, _ = run(TOP, ledger, Return(id="r-1", purchase=beans, occurred_at=march(1)))
    _, outcome = run(TOP, ledger, order(3, march(2), ("beans", "10.00"), ("tea", "10.00")))
    assert _top(outcome).points == 10
    assert categories.top(ledger.history.series, *_february()) == "beans"
