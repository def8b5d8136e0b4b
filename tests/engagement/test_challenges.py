"""Challenges: a goal over a period, an opt-in, progress in status, paid once a period,
taken back by a return that undoes completion."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import item

from loyalrules import (
    Activity,
    Earned,
    Ledger,
    Member,
    NotAllowed,
    ProgramError,
    Purchase,
    Return,
    loads_program,
)
from loyalrules.values.timeutil import Period

NY = ZoneInfo("America/New_York")
MEMBER = Member(id="m-1", joined_at=datetime(2026, 1, 1, tzinfo=NY))
HEAD = "program: t\ncurrency: USD\ntimezone: America/New_York\n"
PROGRAM = loads_program(
    HEAD
    + """
earn:
  - {id: base, effect: {type: points_per_spend, points: 1}}
challenges:
  - id: visits
    name: 3 visits
    goal: {visits: 3}
    per: week
    opt_in: true
    points: 300
  - id: spend
    name: Spend $100
    goal: {spend: "100.00"}
    per: month
    points: 100
  - id: orders
    goal: {purchases: 2}
    per: day
    active: {from: 2026-03-01, until: 2026-03-31}
    points: 20
  - id: reviews
    goal: {activities: 2, kind: review}
    per: month
    points: 50
"""
)
MONDAY = datetime(2026, 3, 2, 9, tzinfo=NY)


def _order(number: int, at: datetime, price: str = "10.00") -> Purchase:
    return Purchase(
        id=f"o-{number}", member_id=MEMBER.id, occurred_at=at, lines=[item("CAP", price)]
    )


def _paid(ledger: Ledger, event: object) -> tuple[Ledger, dict[str, int]]:
    outcome = PROGRAM.process(event, member=MEMBER, ledger=ledger)  # type: ignore[arg-type]
    paid = {e.rule_id: e.points for e in outcome.entries if isinstance(e, Earned)}
    return ledger.apply(outcome), paid


def _joined(at: datetime = MONDAY) -> Ledger:
    return Ledger().apply(PROGRAM.opt_in("visits", member=MEMBER, ledger=Ledger(), at=at))


def test_an_opt_in_challenge_pays_only_members_who_joined() -> None:
    for ledger, expected in ((Ledger(), False), (_joined(), True)):
        paid: dict[str, int] = {}
        for day in range(3):
            ledger, paid = _paid(ledger, _order(day, MONDAY + timedelta(days=day)))
        assert ("visits" in paid) is expected


def test_joining_twice_adds_nothing_and_an_unknown_challenge_is_refused() -> None:
    ledger = _joined()
    again = PROGRAM.opt_in("visits", member=MEMBER, ledger=ledger, at=MONDAY)
    assert again.duplicate
    with pytest.raises(NotAllowed, match="no challenge 'vistis'"):
        PROGRAM.opt_in("vistis", member=MEMBER, ledger=ledger, at=MONDAY)


def test_the_goal_reached_pays_once_and_why_not_says_so() -> None:
    ledger = _joined()
    for day in range(5):
        ledger, paid = _paid(ledger, _order(day, MONDAY + timedelta(days=day)))
        assert ("visits" in paid) is (day == 2)
    outcome = PROGRAM.process(_order(9, MONDAY + timedelta(days=5)), member=MEMBER, ledger=ledger)
    check = outcome.why("visits")
    assert check is not None
    assert check.reasons[0].kind == "limit"


def test_spend_counts_across_orders_and_the_order_reaching_it_pays() -> None:
    ledger = Ledger()
    paid_by = []
    for number, price in enumerate(("40.00", "40.00", "25.00")):
        ledger, paid = _paid(ledger, _order(number, MONDAY + timedelta(days=number), price))
        paid_by.append(paid.get("spend", 0))
    assert paid_by == [0, 0, 100]


def test_a_return_that_undoes_completion_takes_the_reward_back() -> None:
    ledger, orders = Ledger(), []
    for number, price in enumerate(("60.00", "45.00")):
        orders.append(_order(number, MONDAY + timedelta(days=number), price))
        ledger, _ = _paid(ledger, orders[-1])
    back = Return(id="r-1", purchase=orders[1], occurred_at=MONDAY + timedelta(days=3))
    ledger, _ = _paid(ledger, back)
    assert ledger.balance(MONDAY + timedelta(days=4)).available == 60


@pytest.mark.parametrize("price", ["100.00", "120.00"])
def test_a_return_counts_in_the_period_of_its_purchase_not_again_in_the_next(
    price: str,
) -> None:
    """$100 in March completes March's challenge; returned in April, March's reward goes
    back, and April's own $100 still completes April's: the return is not counted twice."""
    march = _order(1, datetime(2026, 3, 20, 12, tzinfo=NY), price)
    ledger, paid = _paid(Ledger(), march)
    assert paid["spend"] == 100
    back = Return(id="r-1", purchase=march, occurred_at=datetime(2026, 4, 2, 12, tzinfo=NY))
    ledger, _ = _paid(ledger, back)
    assert ledger.balance(datetime(2026, 4, 3, tzinfo=NY)).available == 0
    april = _order(2, datetime(2026, 4, 10, 12, tzinfo=NY), "100.00")
    ledger, paid = _paid(ledger, april)
    assert paid["spend"] == 100
    status = PROGRAM.status(member=MEMBER, ledger=ledger, at=datetime(2026, 4, 11, tzinfo=NY))
    (april_spend,) = [c for c in status.challenges if c.challenge.id == "spend"]
    assert april_spend.completed


@pytest.mark.parametrize(("returned", "balance"), [("PIN", 50 + 45), ("CAP", 10 + 45)])
def test_a_return_of_an_earlier_order_that_undoes_completion_takes_the_reward_back(
    returned: str, balance: int
) -> None:
    early = Purchase(
        id="o-0",
        member_id=MEMBER.id,
        occurred_at=MONDAY,
        lines=[item("CAP", "50.00"), item("PIN", "10.00", category="pins")],
    )
    ledger, _ = _paid(Ledger(), early)
    ledger, paid = _paid(ledger, _order(1, MONDAY + timedelta(days=1), "45.00"))
    assert paid["spend"] == 100
    # Either line back leaves the month short of $100, even returned after the month.
    back = Return(
        id="r-1", purchase=early, lines={returned: 1}, occurred_at=MONDAY + timedelta(days=40)
    )
    outcome = PROGRAM.process(back, member=MEMBER, ledger=ledger)
    ledger = ledger.apply(outcome)
    assert "Spend $100: the return undoes it, -100 points" in str(outcome)
    assert ledger.balance(MONDAY + timedelta(days=41)).available == balance
    assert PROGRAM.process(back, member=MEMBER, ledger=ledger).duplicate


def test_a_return_of_an_earlier_order_that_keeps_the_goal_keeps_the_reward() -> None:
    ledger, _ = _paid(Ledger(), _order(0, MONDAY, "70.00"))
    ledger, _ = _paid(ledger, _order(1, MONDAY + timedelta(days=1), "20.00"))
    ledger, paid = _paid(ledger, _order(2, MONDAY + timedelta(days=2), "30.00"))
    assert paid["spend"] == 100
    back = Return(
        id="r-1",
        purchase=_order(1, MONDAY + timedelta(days=1), "20.00"),
        occurred_at=MONDAY + timedelta(days=3),
    )
    outcome = PROGRAM.process(back, member=MEMBER, ledger=ledger)
    assert "undoes" not in str(outcome)  # $70 + $30 still make $100


def test_a_partial_return_that_keeps_the_goal_keeps_the_reward() -> None:
    two = Purchase(
        id="o-1",
        member_id=MEMBER.id,
        occurred_at=MONDAY,
        lines=[item("CAP", "100.00"), item("PIN", "20.00", category="pins")],
    )
    ledger, paid = _paid(Ledger(), two)
    assert paid["spend"] == 100
    back = Return(id="r-1", purchase=two, lines={"PIN": 1}, occurred_at=MONDAY + timedelta(hours=1))
    ledger, _ = _paid(ledger, back)
    assert ledger.balance(MONDAY + timedelta(hours=2)).available == 100 + 100


def test_an_activity_goal_counts_activities_of_its_kind() -> None:
    ledger, paid_by = Ledger(), []
    for number, kind in enumerate(("review", "follow", "review", "review")):
        event = Activity(id=f"a-{number}", member_id=MEMBER.id, kind=kind, occurred_at=MONDAY)
        ledger, paid = _paid(ledger, event)
        paid_by.append(paid.get("reviews", 0))
    assert paid_by == [0, 0, 50, 0]


def test_status_shows_progress_and_what_is_left_by_when() -> None:
    ledger = _joined()
    ledger, _ = _paid(ledger, _order(0, MONDAY))
    status = PROGRAM.status(member=MEMBER, ledger=ledger, at=MONDAY)
    assert status.messages[-4:] == (
        "3 visits: 2 more visits by the end of 2026-03-08",
        "Spend $100: spend $90.00 more by the end of 2026-03-31",
        "orders: 1 more purchase by the end of 2026-03-02",
        "reviews: 2 more review activities by the end of 2026-03-31",
    )
    progress = {p.challenge.id: p for p in status.challenges}
    assert progress["visits"].joined
    assert progress["spend"].done == 10


def test_a_challenge_outside_its_dates_is_not_shown() -> None:
    april = datetime(2026, 4, 2, tzinfo=NY)
    status = PROGRAM.status(member=MEMBER, ledger=Ledger(), at=april)
    assert [p.challenge.id for p in status.challenges] == ["visits", "spend", "reviews"]


@pytest.mark.parametrize(
    ("challenge", "problem"),
    [
        ("{id: c, goal: {}, points: 1}", "give exactly one of"),
        ("{id: c, goal: {visits: 2, spend: '5.00'}, points: 1}", "give exactly one of"),
        ("{id: c, goal: {activities: 2}, points: 1}", "'kind'"),
        ("{id: base, goal: {visits: 2}, points: 1}", "already the id of a rule"),
    ],
)
def test_a_bad_challenge_is_a_located_error(challenge: str, problem: str) -> None:
    text = HEAD + "earn: [{id: base, effect: {type: bonus, points: 1}}]\n"
    with pytest.raises(ProgramError, match=problem) as caught:
        loads_program(text + f"challenges:\n  - {challenge}\n")
    assert "challenges[0]" in str(caught.value)


@settings(max_examples=40, deadline=None)
@given(
    hours=st.lists(st.integers(min_value=0, max_value=24 * 62), min_size=1, max_size=20),
    prices=st.lists(st.sampled_from(["5.00", "30.00", "60.00"]), min_size=20, max_size=20),
    shuffle=st.randoms(use_true_random=False),
)
def test_a_challenge_pays_at_most_once_per_period(
    hours: list[int], prices: list[str], shuffle: object
) -> None:
    events = [
        _order(n, datetime(2026, 3, 1, tzinfo=NY) + timedelta(hours=h), prices[n])
        for n, h in enumerate(hours)
    ]
    shuffle.shuffle(events)  # type: ignore[attr-defined]
    ledger = _joined(datetime(2026, 2, 1, tzinfo=NY))
    for event in events:
        ledger, _ = _paid(ledger, event)
    lots = [e for e in ledger if isinstance(e, Earned)]
    for challenge, period in (
        ("visits", Period.WEEK),
        ("spend", Period.MONTH),
        ("orders", Period.DAY),
    ):
        per_period = Counter(
            period.bounds(e.at.astimezone(NY))[0] for e in lots if e.rule_id == challenge
        )
        assert max(per_period.values(), default=0) <= 1
