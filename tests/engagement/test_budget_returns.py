"""Returns give budgeted points back: a return's outcome reports them in `budgets_used`
as negative amounts, so the host's budget never counts points no member holds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from support import earn_program, item

from loyalrules import Ledger, Member, Purchase, Return

AT = datetime(2026, 6, 10, 12, tzinfo=UTC)
PROGRAM = earn_program(
    """
    - {id: base, effect: {type: points_per_spend, points: 1}}
    - {id: promo, budget: launch, effect: {type: points_per_spend, points: 2}}
    - {id: launch, budget: launch, effect: {type: bonus, points: 250}}
    """
)
BUDGETED = {"promo", "launch"}


def _member(number: int) -> Member:
    return Member(id=f"m-{number}", joined_at=datetime(2026, 1, 1, tzinfo=UTC))


def _order(member: Member, *prices: str) -> Purchase:
    lines = [item(f"S-{i}", price, id=f"l-{i}") for i, price in enumerate(prices)]
    return Purchase(id="o-1", member_id=member.id, occurred_at=AT, lines=lines)


def _held(ledger: Ledger) -> int:
    """Points the budgeted rules' lots still hold, net of returns."""
    return sum(
        lot.points - lot.reversed
        for lot in ledger.history.lots("points")
        if lot.rule_id in BUDGETED
    )


def test_a_full_return_gives_the_budgeted_points_back_as_a_negative_amount() -> None:
    member = _member(1)
    purchase = _order(member, "10.00")
    bought = PROGRAM.process(purchase, member=member, ledger=Ledger(), budgets={"launch": 1000})
    assert bought.budgets_used == {"launch": 270}
    back = Return(id="r-1", purchase=purchase, occurred_at=AT + timedelta(days=1))
    outcome = PROGRAM.process(back, member=member, ledger=Ledger().apply(bought))
    assert outcome.budgets_used == {"launch": -270}
    assert outcome.points == 0


def test_a_partial_return_gives_back_what_the_rule_no_longer_pays() -> None:
    member = _member(1)
    purchase = _order(member, "10.00", "5.00")
    bought = PROGRAM.process(purchase, member=member, ledger=Ledger(), budgets={"launch": 1000})
    back = Return(id="r-1", purchase=purchase, occurred_at=AT, lines={"l-1": 1})
    outcome = PROGRAM.process(back, member=member, ledger=Ledger().apply(bought))
    assert outcome.budgets_used == {"launch": -10}  # promo: 2 per $1 of the $5.00 line


def test_points_the_budget_never_paid_are_not_given_back() -> None:
    member = _member(1)
    purchase = _order(member, "10.00")
    # 5 points left: promo takes them, the launch bonus gets nothing
    bought = PROGRAM.process(purchase, member=member, ledger=Ledger(), budgets={"launch": 5})
    assert bought.budgets_used == {"launch": 5}
    back = Return(id="r-1", purchase=purchase, occurred_at=AT)
    outcome = PROGRAM.process(back, member=member, ledger=Ledger().apply(bought))
    assert outcome.budgets_used == {"launch": -5}


def test_a_return_of_an_order_without_budgeted_points_reports_nothing() -> None:
    member = _member(1)
    purchase = _order(member, "10.00")
    bought = PROGRAM.process(purchase, member=member, ledger=Ledger(), budgets={"launch": 0})
    back = Return(id="r-1", purchase=purchase, occurred_at=AT)
    outcome = PROGRAM.process(back, member=member, ledger=Ledger().apply(bought))
    assert outcome.budgets_used == {}
    assert outcome.points == 0


STEPS = st.lists(
    st.tuples(
        st.integers(0, 5),  # the member
        st.lists(st.integers(1, 9000), min_size=1, max_size=3),  # line prices in cents
        st.lists(st.booleans(), min_size=3, max_size=3),  # which lines come back
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=30, deadline=None)
@given(start=st.integers(0, 1500), steps=STEPS)
def test_budgets_are_never_overspent_with_returns(start: int, steps: list) -> None:  # type: ignore[type-arg]
    remaining = start
    ledgers: dict[int, Ledger] = {}
    for number, (who, prices, back) in enumerate(steps):
        member = _member(who)
        ledger = ledgers.get(who, Ledger())
        purchase = Purchase(
            id=f"o-{number}",
            member_id=member.id,
            occurred_at=AT + timedelta(minutes=number),
            lines=[item(f"S-{i}", f"{c / 100:.2f}", id=f"l-{i}") for i, c in enumerate(prices)],
        )
        outcome = PROGRAM.process(
            purchase, member=member, ledger=ledger, budgets={"launch": remaining}
        )
        remaining -= outcome.budgets_used.get("launch", 0)
        ledger = ledger.apply(outcome)
        returned = {f"l-{i}": 1 for i in range(len(prices)) if back[i]}
        if returned:
            ret = Return(
                id=f"r-{number}",
                purchase=purchase,
                occurred_at=AT + timedelta(days=1, minutes=number),
                lines=returned,
            )
            outcome = PROGRAM.process(ret, member=member, ledger=ledger)
            remaining -= outcome.budgets_used.get("launch", 0)
            ledger = ledger.apply(outcome)
        ledgers[who] = ledger
        assert 0 <= remaining <= start
        assert start - remaining == sum(_held(each) for each in ledgers.values())


REWARDS = earn_program(
    "- {id: base, effect: {type: points_per_spend, points: 1}}",
    settings="""
rewards:
  - {id: mug, name: Launch mug, cost: 10, budget: mugs, gives: {type: free_item, skus: [MUG]}}
  - {id: tote, name: Tote, cost: 10, gives: {type: free_item, skus: [TOTE]}}
""",
)


def test_a_cancelled_redemption_gives_its_reward_budget_the_redemption_back() -> None:
    member = _member(1)
    bought = REWARDS.process(_order(member, "30.00"), member=member, ledger=Ledger())
    ledger = Ledger().apply(bought)
    later = AT + timedelta(hours=1)
    for key, reward in (("k-1", "mug"), ("k-2", "tote")):
        outcome = REWARDS.redeem(
            reward, member=member, ledger=ledger, at=later, key=key, budgets={"mugs": 5}
        )
        ledger = ledger.apply(outcome)
    mug = REWARDS.cancel_redemption(member=member, ledger=ledger, key="k-1", at=later)
    assert mug.budgets_used == {"mugs": -1}
    tote = REWARDS.cancel_redemption(member=member, ledger=ledger.apply(mug), key="k-2", at=later)
    assert tote.budgets_used == {}
    again = REWARDS.cancel_redemption(member=member, ledger=ledger.apply(mug), key="k-1", at=later)
    assert again.duplicate
    assert again.budgets_used == {}  # a replay gives nothing back twice
