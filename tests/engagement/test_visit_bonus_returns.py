"""A return of *another* order takes back a visits or streak bonus whose count it leaves
short, as it takes back a challenge's reward (decision 0088)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st
from support import item

from loyalrules import Ledger, Member, Purchase, Return, loads_program

NY = ZoneInfo("America/New_York")
MEMBER = Member(id="m-1", joined_at=datetime(2026, 1, 1, tzinfo=NY))
PROGRAM = loads_program(
    """
program: t
currency: USD
timezone: America/New_York
earn:
  - {id: base, effect: {type: points_per_spend, points: 1}}
  - id: regular
    name: Regular
    when: {visits: {at_least: 3, per: month}}
    effect: {type: bonus, points: 50}
  - id: streak
    name: Two weeks running
    when: {streak: {periods: 2, per: week}}
    limit: {per: week}
    effect: {type: bonus, points: 20}
"""
)


def _order(number: int, day: int, hour: int = 9, price: str = "5.00") -> Purchase:
    return Purchase(
        id=f"o-{number}",
        member_id=MEMBER.id,
        occurred_at=datetime(2026, 3, day, hour, tzinfo=NY),
        lines=[item("S", price, id="l-1"), item("T", "1.00", id="l-2")],
    )


def _back(purchase: Purchase, day: int, **lines: int) -> Return:
    at = datetime(2026, 3, day, 20, tzinfo=NY)
    return Return(id=f"r-{purchase.id}", purchase=purchase, occurred_at=at, lines=lines or None)


def _run(*events: Purchase | Return, ledger: Ledger | None = None) -> tuple[Ledger, list[int]]:
    ledger, changes = ledger or Ledger(), []
    for event in events:
        outcome = PROGRAM.process(event, member=MEMBER, ledger=ledger)
        ledger, changes = ledger.apply(outcome), [*changes, outcome.change()]
    return ledger, changes


def _rule_points(ledger: Ledger, rule_id: str) -> int:
    return sum(
        lot.points - lot.reversed for lot in ledger.history.lots("points") if lot.rule_id == rule_id
    )


# March 2 (Mon), 4 (Wed), 11 (Wed): the third visit, and the second week in a row.
ORDERS = (_order(1, 2), _order(2, 4), _order(3, 11))


def test_a_full_return_of_an_earlier_order_takes_the_visits_bonus_back() -> None:
    ledger, changes = _run(*ORDERS)
    assert changes[-1] == 6 + 50 + 20
    ledger, changes = _run(_back(ORDERS[0], 12), ledger=ledger)
    # two visits left in March: "regular" goes; the streak stays (March 4 is in the
    # week before March 11)
    assert changes == [-6 - 50]
    assert _rule_points(ledger, "regular") == 0
    assert _rule_points(ledger, "streak") == 20


def test_the_explanation_names_the_rule_the_return_undoes() -> None:
    ledger, _ = _run(*ORDERS)
    outcome = PROGRAM.process(_back(ORDERS[0], 12), member=MEMBER, ledger=ledger)
    assert "Regular: the return leaves its count short, -50 points" in outcome.render()


def test_a_partial_return_of_an_earlier_order_keeps_the_bonus() -> None:
    ledger, _ = _run(*ORDERS)
    _, changes = _run(_back(ORDERS[0], 12, **{"l-2": 1}), ledger=ledger)
    assert changes == [-1]  # still a visit: only the returned line's point goes


def test_a_return_of_a_later_order_keeps_the_bonus() -> None:
    ledger, _ = _run(*ORDERS, _order(4, 12))
    _, changes = _run(_back(_order(4, 12), 13), ledger=ledger)
    assert changes == [-6 - 50]  # its own bonus only (the streak paid once that week)


def test_a_return_of_an_order_of_the_same_day_keeps_the_later_ones_visit() -> None:
    earlier = _order(4, 11, hour=8)
    ledger, _ = _run(ORDERS[0], ORDERS[1], earlier, ORDERS[2])
    _, changes = _run(_back(earlier, 12), ledger=ledger)
    assert changes == [-6 - 50 - 20]  # March 11 stays a visit with the 9:00 order


def test_a_return_that_breaks_a_streak_takes_the_streak_bonus_back() -> None:
    ledger, _ = _run(*ORDERS)
    _, changes = _run(_back(ORDERS[1], 12), ledger=ledger)
    # March 2 is still in the week before March 11: the streak stays
    assert changes == [-6 - 50]
    ledger, _ = _run(ORDERS[0], ORDERS[2])
    _, changes = _run(_back(ORDERS[0], 12), ledger=ledger)
    assert changes == [-6 - 20]  # the week before March 11 is empty now


def test_a_rule_another_condition_could_have_paid_keeps_its_bonus() -> None:
    program = loads_program(
        """
program: t
currency: USD
timezone: America/New_York
earn:
  - id: regular-or-big
    when: {any: [{visits: {at_least: 3, per: month}}, {min_spend: 100}]}
    effect: {type: bonus, points: 7}
"""
    )
    ledger = Ledger()
    for event in (*ORDERS, _back(ORDERS[0], 12)):
        outcome = program.process(event, member=MEMBER, ledger=ledger)
        ledger = ledger.apply(outcome)
    # the order's spend is not in the ledger to re-read: the "any" keeps what it paid
    assert outcome.change() == 0
    assert ledger.balance(outcome.entries[0].at).available == 7


def test_replaying_the_return_takes_nothing_more() -> None:
    ledger, _ = _run(*ORDERS, _back(ORDERS[0], 12))
    _, changes = _run(_back(ORDERS[0], 12), ledger=ledger)
    assert changes == [0]


@st.composite
def _histories(draw: st.DrawFn) -> tuple[list[Purchase], list[Return]]:
    days = sorted(draw(st.sets(st.integers(1, 31), min_size=1, max_size=8)))
    orders = [_order(n, day) for n, day in enumerate(days, start=1)]
    back = draw(st.lists(st.sampled_from(orders), unique_by=lambda o: o.id))
    late = [draw(st.integers(0, 40)) for _ in back]
    returns = [
        Return(id=f"r-{o.id}", purchase=o, occurred_at=o.occurred_at + timedelta(hours=1 + h))
        for o, h in zip(back, late, strict=True)
    ]
    return orders, returns


UNLIMITED = loads_program(
    """
program: t
currency: USD
timezone: America/New_York
earn:
  - {id: base, effect: {type: points_per_spend, points: 1}}
  - {id: regular, when: {visits: {at_least: 3, per: month}}, effect: {type: bonus, points: 50}}
  - {id: streak, when: {streak: {periods: 2, per: week}}, effect: {type: bonus, points: 20}}
"""
)


def _points(events: list[Purchase | Return]) -> int:
    ledger = Ledger()
    for event in events:
        ledger = ledger.apply(UNLIMITED.process(event, member=MEMBER, ledger=ledger))
    return ledger.balance(datetime(2026, 6, 1, tzinfo=NY)).available


# Rules without a ``limit``: with one, a purchase the limit stopped is not evaluated
# again when a return frees the limit, whichever order was returned (docs/semantics.md).
@given(_histories(), st.randoms(use_true_random=False))
def test_any_order_of_purchases_and_full_returns_ends_with_the_same_points(
    history: tuple[list[Purchase], list[Return]], rng: object
) -> None:
    orders, returns = history
    in_time = sorted([*orders, *returns], key=lambda e: e.occurred_at)
    # the same events, each return at any place after its purchase
    shuffled: list[Purchase | Return] = list(orders)
    for ret in returns:
        after = shuffled.index(ret.purchase) + 1
        shuffled.insert(rng.randint(after, len(shuffled)), ret)  # type: ignore[attr-defined]
    assert _points(in_time) == _points(shuffled) == _points([*orders, *returns])


def test_a_return_from_the_month_before_leaves_this_months_count_alone() -> None:
    february = Purchase(
        id="o-feb",
        member_id=MEMBER.id,
        occurred_at=datetime(2026, 2, 28, 23, 30, tzinfo=NY),  # local time: still February
        lines=[item("S", "5.00", id="l-1")],
    )
    ledger, _ = _run(february, *ORDERS)
    _, changes = _run(_back(february, 12), ledger=ledger)
    # its own point, and the streak of March 2 (whose week before it held): March 11
    # keeps its third visit, and its streak (the weeks of March 2 and 9)
    assert changes == [-5 - 20]


def test_a_return_older_than_the_streak_leaves_it_alone() -> None:
    # March 2, 11 and 18: the streak of March 18 reads the weeks of March 9 and 16 only,
    # that of March 11 the weeks of March 2 and 9
    ledger, changes = _run(*ORDERS[::2], _order(4, 18))
    assert changes[-1] == 6 + 50 + 20
    ledger, changes = _run(_back(ORDERS[0], 19), ledger=ledger)
    # March 18 loses its third visit and keeps its streak; March 11 loses its streak
    assert changes == [-6 - 50 - 20]
    kept = [
        lot.at.astimezone(NY).day
        for lot in ledger.history.lots("points")
        if lot.rule_id == "streak" and lot.points > lot.reversed
    ]
    assert kept == [18]
