"""Program-wide budgets: the host passes what is left in, the outcome says what it took."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import earn_program, item

from loyalrules import (
    Activation,
    Activity,
    Cart,
    Ledger,
    LimitReached,
    Member,
    NotAllowed,
    Purchase,
    ValidationError,
    WrongTypeError,
)

MEMBER = Member(id="m-1", joined_at=datetime(2026, 1, 1, tzinfo=UTC))
AT = datetime(2026, 6, 10, 12, tzinfo=UTC)
PROGRAM = earn_program(
    """
    - {id: base, effect: {type: points_per_spend, points: 1}}
    - {id: launch, budget: launch, effect: {type: bonus, points: 250}}
    - {id: extra, budget: launch, effect: {type: bonus, points: 100}}
    - {id: review, activity: review, budget: reviews, effect: {type: bonus, points: 40}}
    """
)


def _order(order_id: str = "o-1") -> Purchase:
    return Purchase(id=order_id, member_id=MEMBER.id, occurred_at=AT, lines=[item("CAP", "10.00")])


@pytest.mark.parametrize(
    ("left", "launch", "extra"), [(1000, 250, 100), (300, 250, 50), (250, 250, 0), (0, 0, 0)]
)
def test_budgeted_rules_pay_what_is_left_in_file_order(left: int, launch: int, extra: int) -> None:
    outcome = PROGRAM.process(_order(), member=MEMBER, ledger=Ledger(), budgets={"launch": left})
    assert outcome.points == 10 + launch + extra
    assert outcome.budgets_used == {"launch": launch + extra}


def test_a_rule_the_budget_cut_says_why() -> None:
    outcome = PROGRAM.process(_order(), member=MEMBER, ledger=Ledger(), budgets={"launch": 300})
    check = outcome.why("extra")
    assert check is not None
    (reason,) = check.reasons
    assert (reason.kind, reason.desired, reason.awarded) == ("budget", 100, 50)
    assert "extra: +50 points" in str(outcome)


def test_a_missing_or_wrong_budget_is_refused_with_a_hint() -> None:
    with pytest.raises(
        NotAllowed,
        match=r"'launch' draws on budget 'launch': pass budgets=\{'launch': <what is left>\}",
    ):
        PROGRAM.process(_order(), member=MEMBER, ledger=Ledger())
    with pytest.raises(ValidationError, match="has -1 left: pass 0 or more"):
        PROGRAM.process(_order(), member=MEMBER, ledger=Ledger(), budgets={"launch": -1})
    with pytest.raises(WrongTypeError, match="whole number"):
        PROGRAM.process(_order(), member=MEMBER, ledger=Ledger(), budgets={"launch": "1"})
    activation = Activation(member_id=MEMBER.id, purchase_id="o-1", occurred_at=AT)
    with pytest.raises(NotAllowed, match="purchases and activities"):
        PROGRAM.process(activation, member=MEMBER, ledger=Ledger(), budgets={})


def test_activities_and_quotes_draw_on_budgets_too() -> None:
    review = Activity(id="r-1", member_id=MEMBER.id, kind="review", occurred_at=AT)
    outcome = PROGRAM.process(review, member=MEMBER, ledger=Ledger(), budgets={"reviews": 15})
    assert (outcome.points, dict(outcome.budgets_used)) == (15, {"reviews": 15})
    quote = PROGRAM.quote(
        Cart(lines=[item("CAP", "10.00")]),
        member=MEMBER,
        ledger=Ledger(),
        at=AT,
        budgets={"launch": 260},
    )
    assert quote.points == 10 + 260


def test_a_replay_takes_nothing_and_the_outcome_pickles() -> None:
    first = PROGRAM.process(_order(), member=MEMBER, ledger=Ledger(), budgets={"launch": 500})
    again = PROGRAM.process(
        _order(), member=MEMBER, ledger=Ledger().apply(first), budgets={"launch": 150}
    )
    assert again.duplicate
    assert again.budgets_used == {}
    assert pickle.loads(pickle.dumps(first)) == first


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.integers(min_value=1, max_value=40), min_size=1, max_size=30), st.integers(0, 3000)
)
def test_a_budget_is_never_overspent_across_members(orders: list[int], budget: int) -> None:
    left = budget
    for number, _ in enumerate(orders):
        member = Member(id=f"m-{number}", joined_at=MEMBER.joined_at)
        order = Purchase(id="o", member_id=member.id, occurred_at=AT, lines=[item("CAP", "10.00")])
        outcome = PROGRAM.process(order, member=member, ledger=Ledger(), budgets={"launch": left})
        used = outcome.budgets_used.get("launch", 0)
        assert outcome.points - 10 == used
        left -= used
        assert left >= 0
    assert left == max(0, budget - 350 * len(orders))


REWARDS = earn_program(
    "- {id: base, effect: {type: points_per_spend, points: 1}}",
    settings="""
rewards:
  - {id: mug, name: Launch mug, cost: 10, budget: mugs, gives: {type: free_item, skus: [MUG]}}
  - {id: tote, name: Tote, cost: 10, gives: {type: free_item, skus: [TOTE]}}
""",
)


def test_a_reward_budget_counts_redemptions_across_members() -> None:
    order = Purchase(id="o-1", member_id=MEMBER.id, occurred_at=AT, lines=[item("CAP", "30.00")])
    ledger = Ledger().apply(REWARDS.process(order, member=MEMBER, ledger=Ledger()))
    later = AT.replace(hour=13)
    mug = REWARDS.redeem(
        "mug", member=MEMBER, ledger=ledger, at=later, key="k-1", budgets={"mugs": 1}
    )
    assert mug.budgets_used == {"mugs": 1}
    with pytest.raises(LimitReached, match="budget 'mugs' has no redemption left"):
        REWARDS.redeem(
            "mug", member=MEMBER, ledger=ledger, at=later, key="k-2", budgets={"mugs": 0}
        )
    with pytest.raises(NotAllowed, match="'mug' draws on budget 'mugs'"):
        REWARDS.redeem("mug", member=MEMBER, ledger=ledger, at=later, key="k-3")
    tote = REWARDS.redeem("tote", member=MEMBER, ledger=ledger, at=later, key="k-4")
    assert tote.budgets_used == {}
