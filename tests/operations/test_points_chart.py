"""redemption_chart: redeem an amount of points by a chart of steps."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import item, usd

from loyalrules import (
    Cart,
    InsufficientPoints,
    Ledger,
    Member,
    NotAllowed,
    Program,
    ProgramError,
    loads_program,
)
from loyalrules.terms.chart import Chart, Pick, Step

MEMBER = Member(id="m-1", joined_at=datetime(2026, 1, 1, tzinfo=UTC))
AT = datetime(2026, 3, 1, tzinfo=UTC)


def program(pick: str = "best_value", steps: str = "") -> Program:
    steps = steps or "[{points: 100, amount: '2.00'}, {points: 500, amount: '17.50'}]"
    return loads_program(
        "program: shop\ncurrency: USD\ntimezone: UTC\nearn: []\n"
        f"redemption_chart: {{pick: {pick}, steps: {steps}}}\n"
    )


def funded(prog: Program, points: int = 10_000) -> Ledger:
    credit = prog.adjust(
        member=MEMBER, ledger=Ledger(), points=points, reason="t", actor="t", at=AT, key="f"
    )
    return Ledger().apply(credit)


def redeem(prog: Program, points: int, ledger: Ledger | None = None, **kw: object):  # type: ignore[no-untyped-def]
    ledger = ledger if ledger is not None else funded(prog)
    return prog.redeem_points(points, member=MEMBER, ledger=ledger, at=AT, key="r", **kw)  # type: ignore[arg-type]


def test_600_points_by_the_chart() -> None:
    outcome = redeem(program(), 600)
    assert outcome.change() == -600
    assert outcome.grant.amount == usd("19.50")
    assert str(outcome) == "Redeemed 600 points for $19.50 off: 1 × 500 ($17.50) + 1 × 100 ($2.00)"


def test_the_request_is_rounded_down_and_the_rest_stays() -> None:
    outcome = redeem(program(), 699)
    assert outcome.change() == -600
    assert "99 of the 699 asked stay in the account" in str(outcome)


def test_exactly_the_smallest_step_and_one_point_under() -> None:
    assert redeem(program(), 100).grant.amount == usd("2.00")
    with pytest.raises(NotAllowed, match="99 points is less than the chart's smallest step, 100"):
        redeem(program(), 99)


def test_best_value_and_largest_first_differ_when_the_chart_is_uneven() -> None:
    steps = "[{points: 300, amount: 10}, {points: 400, amount: 14}, {points: 500, amount: 15}]"
    assert redeem(program("best_value", steps), 800).grant.amount == usd("28")
    assert redeem(program("largest_first", steps), 800).grant.amount == usd("25")


def test_too_few_points_in_the_account() -> None:
    prog = program()
    with pytest.raises(InsufficientPoints):
        redeem(prog, 600, funded(prog, 599))


def test_a_cart_too_small_for_the_amount_is_refused() -> None:
    cart = Cart(lines=[item(price="19.49")], tax=usd("5.00"))
    with pytest.raises(NotAllowed, match=r"worth \$19.50, more than this cart's merchandise"):
        redeem(program(), 600, cart=cart)
    assert redeem(program(), 600, cart=Cart(lines=[item(price="19.50")])).grant.amount == usd(
        "19.50"
    )


def test_a_chart_redemption_is_replayed_once_and_can_be_cancelled() -> None:
    prog = program()
    ledger = funded(prog)
    ledger = ledger.apply(redeem(prog, 600, ledger))
    assert redeem(prog, 600, ledger).duplicate
    back = prog.cancel_redemption(member=MEMBER, ledger=ledger, key="r", at=AT + timedelta(days=1))
    assert back.change() == 600


def test_a_program_without_a_chart_says_so() -> None:
    prog = loads_program("program: p\ncurrency: USD\ntimezone: UTC\nearn: []\n")
    with pytest.raises(NotAllowed, match="no 'redemption_chart'"):
        redeem(prog, 600)


def test_steps_must_differ() -> None:
    with pytest.raises(ProgramError, match="each step needs its own number of points"):
        program(steps="[{points: 100, amount: 2}, {points: 100, amount: 3}]")


def _brute(steps: tuple[Step, ...], points: int) -> tuple[Decimal, int, int]:
    """The best (amount, -points, -steps) of every combination: the most money, then the
    fewest points, then the fewest steps."""
    best = (Decimal(0), 0, 0)
    ranges = [range(points // s.points + 1) for s in steps]
    for counts in itertools.product(*ranges):
        used = sum(s.points * n for s, n in zip(steps, counts, strict=True))
        if used <= points:
            amount = sum((s.amount * n for s, n in zip(steps, counts, strict=True)), Decimal(0))
            best = max(best, (amount, -used, -sum(counts)))
    return best


@settings(max_examples=80, deadline=None)
@given(
    raw=st.lists(
        st.tuples(st.integers(1, 12), st.integers(1, 50)),
        min_size=1,
        max_size=3,
        unique_by=lambda t: t[0],
    ),
    points=st.integers(0, 60),
)
def test_best_value_is_the_best_combination_and_never_worse_than_largest_first(
    raw: list[tuple[int, int]], points: int
) -> None:
    steps = tuple(Step(p * 10, Decimal(a)) for p, a in raw)
    best = Chart(steps=steps).pick(points * 10)
    greedy = Chart(steps=steps, pick_by=Pick.LARGEST_FIRST).pick(points * 10)

    def value(picked: tuple[tuple[Step, int], ...]) -> Decimal:
        return sum((s.amount * n for s, n in picked), Decimal(0))

    used, pieces = sum(s.points * n for s, n in best), sum(n for _, n in best)
    assert used <= points * 10
    assert (value(best), -used, -pieces) == _brute(steps, points * 10)
    assert value(best) >= value(greedy)


def test_between_equal_combinations_the_fewest_steps_win() -> None:
    chart = Chart(steps=(Step(200, Decimal(2)), Step(1000, Decimal(10))))
    assert [(s.points, n) for s, n in chart.pick(1350) if n] == [(1000, 1), (200, 1)]


def test_a_huge_request_is_solved_without_a_huge_table() -> None:
    chart = Chart(steps=(Step(300, Decimal(10)), Step(400, Decimal(14)), Step(500, Decimal(15))))
    picked = {s.points: n for s, n in chart.pick(10**9)}
    assert picked == {400: 2_500_000}


def test_the_explanation_writes_amounts_in_the_programs_locale() -> None:
    prog = loads_program(
        "program: shop\ncurrency: EUR\ntimezone: Europe/Berlin\nlocale: de_DE\nearn: []\n"
        "redemption_chart: {steps: [{points: 100, amount: '2.50'}]}\n"
    )
    outcome = redeem(prog, 100)
    assert str(outcome) == "Redeemed 100 points for 2,50\xa0€ off: 1 × 100 (2,50\xa0€)"
