"""redemption_limits: limits across the whole rewards catalog."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from support import item

from loyalrules import Cart, Ledger, LimitReached, Member, Program, ProgramError, loads_program

NY = ZoneInfo("America/New_York")
MEMBER = Member(id="m-1", joined_at=datetime(2026, 1, 1, tzinfo=NY))
DAY = datetime(2026, 3, 10, 9, 0, tzinfo=NY)
TICK = timedelta(microseconds=1)
CART = Cart(lines=[item(price="50.00")])


def program(limits: str) -> Program:
    return loads_program(
        "program: shop\ncurrency: USD\ntimezone: America/New_York\n"
        "pay_with_points: {rate: {points: 100, value: '1.00'}}\n"
        f"redemption_limits: {limits}\n"
        "earn: []\nrewards:\n"
        "  - {id: drink, cost: 10, gives: {type: custom, description: a drink}}\n"
        "  - {id: snack, cost: 10, gives: {type: custom, description: a snack}}\n"
        "  - {id: five-off, cost: 10, gives: {type: amount_off, amount: 5}}\n"
    )


def funded(prog: Program) -> Ledger:
    credit = prog.adjust(
        member=MEMBER,
        ledger=Ledger(),
        points=10_000,
        reason="t",
        actor="t",
        at=DAY - timedelta(days=1),
        key="f",
    )
    return Ledger().apply(credit)


def redeem(
    prog: Program, ledger: Ledger, reward: str, at: datetime, n: int, order: str | None = None
) -> Ledger:
    outcome = prog.redeem(
        reward,
        member=MEMBER,
        ledger=ledger,
        at=at,
        key=f"r{n}",
        cart=CART if order else None,
        order_id=order,
    )
    return ledger.apply(outcome)


def test_one_reward_per_order_whatever_the_reward() -> None:
    prog = program("{per_order: 1}")
    ledger = redeem(prog, funded(prog), "five-off", DAY, 1, order="o-1")
    with pytest.raises(LimitReached, match="at most one reward per order"):
        redeem(prog, ledger, "drink", DAY, 2, order="o-1")
    redeem(prog, ledger, "drink", DAY, 2, order="o-2")  # another order is fine


def test_points_paid_towards_the_order_are_not_a_reward() -> None:
    prog = program("{per_order: 1}")
    ledger = funded(prog)
    paid = prog.pay_with_points(
        CART, member=MEMBER, ledger=ledger, at=DAY, key="p", order_id="o-1", points=100
    )
    ledger = ledger.apply(paid)
    redeem(prog, ledger, "five-off", DAY, 1, order="o-1")


def test_n_redemptions_per_day_across_rewards_in_the_programs_zone() -> None:
    prog = program("{limit: {times: 2, per: day}}")
    ledger = redeem(prog, funded(prog), "drink", DAY, 1)
    ledger = redeem(prog, ledger, "snack", DAY, 2)
    end_of_day = datetime(2026, 3, 11, 0, 0, tzinfo=NY)
    with pytest.raises(LimitReached, match="at most 2 rewards per day"):
        redeem(prog, ledger, "five-off", end_of_day - TICK, 3)
    redeem(prog, ledger, "five-off", end_of_day, 3)


def test_a_cancelled_redemption_frees_its_place() -> None:
    prog = program("{limit: {times: 1, per: day}}")
    ledger = redeem(prog, funded(prog), "drink", DAY, 1)
    ledger = ledger.apply(
        prog.cancel_redemption(member=MEMBER, ledger=ledger, key="r1", at=DAY + timedelta(hours=1))
    )
    redeem(prog, ledger, "snack", DAY + timedelta(hours=2), 2)


def test_the_listing_says_the_limit_is_reached() -> None:
    prog = program("{limit: {times: 1, per: week}}")
    ledger = redeem(prog, funded(prog), "drink", DAY, 1)
    options = prog.rewards_for(member=MEMBER, ledger=ledger, at=DAY + timedelta(hours=1))
    assert {o.reward_id: o.reason for o in options} == dict.fromkeys(
        ("drink", "snack", "five-off"), "at most one reward per week"
    )


def test_empty_limits_are_refused() -> None:
    with pytest.raises(ProgramError, match="give 'per_order', 'limit' or both"):
        program("{}")
