"""Debits dated before entries already written (decision 0057).

A redemption dated before an expiry run already written spends the points the expiry
took (they had not expired then), and the expiry is read as taking only what was left.
A debit dated before a later-dated debit already written takes what that one left, and
is refused with ``InsufficientPoints`` when that is too little. In any order of writing
the same dated redemptions and expiry runs: no balance is ever negative under ``clamp``,
``verify`` finds nothing, every account holds what was credited less what was debited,
and expiry runs change nothing by being written before or after the redemptions.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loyalrules import (
    InsufficientPoints,
    Ledger,
    LineItem,
    LoyalRulesError,
    Member,
    Money,
    Outcome,
    Purchase,
    loads_program,
)

PROGRAM = loads_program(
    """
program: shop
currency: USD
timezone: UTC
negative_balance: clamp
expiry: {after: P12M}
earn:
  - id: base
    effect: {type: points_per_spend, points: 1}
rewards:
  - id: five-off
    cost: 50
    gives: {type: amount_off, amount: "5.00"}
  - id: coffee
    cost: 20
    gives: {type: free_item, categories: [coffee]}
"""
)
MEMBER = Member(id="m-1", joined_at=datetime(2026, 1, 1, tzinfo=UTC))
BOUGHT = datetime(2026, 1, 12, tzinfo=UTC)
EXPIRES = datetime(2027, 1, 12, tzinfo=UTC)
LATE_EXPIRY_RUN = datetime(2027, 5, 1, tzinfo=UTC)
BEFORE_EXPIRY = datetime(2026, 12, 31, tzinfo=UTC)


def purchase(order_id: str, at: datetime, amount: str) -> Purchase:
    return Purchase(
        id=order_id,
        member_id="m-1",
        occurred_at=at,
        lines=[LineItem(sku="s", category="c", unit_price=Money(amount, "USD"))],
    )


def _expired_ledger() -> Ledger:
    bought = purchase("o-1", BOUGHT, "82.99")
    ledger = Ledger().apply(PROGRAM.process(bought, member=MEMBER, ledger=Ledger()))
    return ledger.apply(PROGRAM.expire(member=MEMBER, ledger=ledger, at=LATE_EXPIRY_RUN))


def test_a_redemption_dated_before_a_written_expiry_spends_the_points_it_took() -> None:
    ledger = _expired_ledger()
    assert ledger.balance(at=LATE_EXPIRY_RUN).lifetime_expired == 82
    outcome = PROGRAM.redeem("five-off", member=MEMBER, ledger=ledger, at=BEFORE_EXPIRY, key="r")
    ledger = ledger.apply(outcome)
    assert ledger.verify() == ()
    before, after = ledger.balance(at=BEFORE_EXPIRY), ledger.balance(at=LATE_EXPIRY_RUN)
    assert (before.available, before.lifetime_redeemed) == (32, 50)
    # the expiry now took what the redemption left
    assert (after.available, after.lifetime_expired, after.lifetime_redeemed) == (0, 32, 50)


def test_written_in_either_order_the_expiry_and_the_redemption_agree() -> None:
    bought = purchase("o-1", BOUGHT, "82.99")
    start = Ledger().apply(PROGRAM.process(bought, member=MEMBER, ledger=Ledger()))
    expire_first = _expired_ledger()
    expire_first = expire_first.apply(
        PROGRAM.redeem("five-off", member=MEMBER, ledger=expire_first, at=BEFORE_EXPIRY, key="r")
    )
    redeem_first = start.apply(
        PROGRAM.redeem("five-off", member=MEMBER, ledger=start, at=BEFORE_EXPIRY, key="r")
    )
    redeem_first = redeem_first.apply(
        PROGRAM.expire(member=MEMBER, ledger=redeem_first, at=LATE_EXPIRY_RUN)
    )
    for when in (BEFORE_EXPIRY, EXPIRES, LATE_EXPIRY_RUN):
        assert expire_first.balance(when) == redeem_first.balance(when)


def test_a_cancellation_dated_before_a_written_expiry_gives_back_points_that_then_expire() -> None:
    bought = purchase("o-1", BOUGHT, "82.00")
    start = Ledger().apply(PROGRAM.process(bought, member=MEMBER, ledger=Ledger()))
    day = BOUGHT + timedelta(days=30)
    start = start.apply(PROGRAM.redeem("five-off", member=MEMBER, ledger=start, at=day, key="r"))

    def cancel(ledger: Ledger) -> Ledger:
        return ledger.apply(
            PROGRAM.cancel_redemption(member=MEMBER, ledger=ledger, key="r", at=BEFORE_EXPIRY)
        )

    def expire(ledger: Ledger) -> Ledger:
        return ledger.apply(PROGRAM.expire(member=MEMBER, ledger=ledger, at=LATE_EXPIRY_RUN))

    expiry_first, cancel_first = cancel(expire(start)), expire(cancel(start))
    for ledger in (expiry_first, cancel_first):
        assert ledger.verify() == ()
        balance = ledger.balance(LATE_EXPIRY_RUN)
        assert (balance.available, balance.lifetime_expired) == (0, 82)
        assert balance.total == sum(balance.credited.values()) - sum(balance.debited.values())
    for when in (day, BEFORE_EXPIRY, EXPIRES, LATE_EXPIRY_RUN):
        assert expiry_first.balance(when) == cancel_first.balance(when)


def test_after_the_expiry_the_points_are_simply_gone() -> None:
    ledger = _expired_ledger()
    with pytest.raises(InsufficientPoints):
        PROGRAM.redeem("five-off", member=MEMBER, ledger=ledger, at=LATE_EXPIRY_RUN, key="r")


def test_a_backdated_redemption_takes_only_what_later_ones_left() -> None:
    bought = purchase("o-1", BOUGHT, "60.00")
    ledger = Ledger().apply(PROGRAM.process(bought, member=MEMBER, ledger=Ledger()))
    later = BOUGHT + timedelta(days=60)
    ledger = ledger.apply(
        PROGRAM.redeem("five-off", member=MEMBER, ledger=ledger, at=later, key="r-2")
    )
    earlier = BOUGHT + timedelta(days=30)
    assert ledger.balance(earlier).available == 60  # the later one had not happened then
    with pytest.raises(InsufficientPoints, match="only 10 are available"):
        PROGRAM.redeem("coffee", member=MEMBER, ledger=ledger, at=earlier, key="r-1")
    options = PROGRAM.rewards_for(member=MEMBER, ledger=ledger, at=earlier)
    assert [(o.reward_id, o.affordable, o.points_needed) for o in options] == [
        ("five-off", False, 40),
        ("coffee", False, 10),
    ]


def test_a_backdated_debit_does_not_spend_points_given_back_later() -> None:
    bought = purchase("o-1", BOUGHT, "50.00")
    ledger = Ledger().apply(PROGRAM.process(bought, member=MEMBER, ledger=Ledger()))
    day = BOUGHT + timedelta(days=1)
    ledger = ledger.apply(PROGRAM.redeem("five-off", member=MEMBER, ledger=ledger, at=day, key="r"))
    ledger = ledger.apply(
        PROGRAM.cancel_redemption(member=MEMBER, ledger=ledger, key="r", at=day + timedelta(9))
    )
    # On day 5 the 50 points were spent: given back on day 10, they were not there.
    with pytest.raises(InsufficientPoints, match="only 0 are available"):
        PROGRAM.redeem("coffee", member=MEMBER, ledger=ledger, at=day + timedelta(4), key="c")


# --- any order of writing the same dated debits ----------------------------------------

DAY = timedelta(days=1)
START = datetime(2026, 3, 1, tzinfo=UTC)
SHORT = loads_program(
    """
program: short
currency: USD
timezone: UTC
negative_balance: clamp
expiry: {after: P30D}
earn:
  - id: base
    effect: {type: points_per_spend, points: 1}
rewards:
  - {id: r10, cost: 10, gives: {type: donation, cause: a}}
  - {id: r25, cost: 25, gives: {type: donation, cause: a}}
  - {id: r40, cost: 40, gives: {type: donation, cause: a}}
"""
)

earnings = st.lists(
    st.tuples(st.integers(0, 20), st.integers(5, 60)), min_size=1, max_size=4
)  # (day, dollars)
debits = st.lists(
    st.one_of(
        st.tuples(st.just("redeem"), st.integers(0, 80), st.sampled_from(["r10", "r25", "r40"])),
        st.tuples(st.just("expire"), st.integers(0, 80), st.just("")),
    ),
    min_size=1,
    max_size=6,
)


def write(ledger: Ledger, number: int, debit: tuple[str, int, str]) -> tuple[Ledger, bool]:
    kind, day, reward = debit
    at = START + day * DAY
    try:
        outcome: Outcome
        if kind == "redeem":
            outcome = SHORT.redeem(reward, member=MEMBER, ledger=ledger, at=at, key=f"d{number}")
        else:
            outcome = SHORT.expire(member=MEMBER, ledger=ledger, at=at)
    except InsufficientPoints:
        return ledger, False
    return ledger.apply(outcome), True


def check(ledger: Ledger) -> list[tuple[int, int, int]]:
    """The invariants, and the balance on every day (available, redeemed, expired)."""
    assert ledger.verify() == ()
    days = []
    for day in range(0, 120):
        balance = ledger.balance(START + day * DAY + timedelta(hours=12))
        assert balance.available >= 0  # clamp: never negative, at any instant
        held = balance.available + balance.pending
        credited, debited = sum(balance.credited.values()), sum(balance.debited.values())
        assert held == credited - debited + balance.written_off
        days.append((balance.available, balance.lifetime_redeemed, balance.lifetime_expired))
    return days


def earned(bought: list[tuple[int, int]]) -> Ledger:
    ledger = Ledger()
    for number, (day, dollars) in enumerate(sorted(bought)):
        event = purchase(f"o-{number}", START + day * DAY, f"{dollars}.00")
        ledger = ledger.apply(SHORT.process(event, member=MEMBER, ledger=ledger))
    return ledger


Written = tuple[list[tuple[int, bool]], list[tuple[int, int, int]]]


def written_in(
    sequence: list[tuple[int, tuple[str, int, str]]], bought: list[tuple[int, int]]
) -> Written:
    """Which debits of ``sequence`` the ledger accepted, and its balance on every day."""
    ledger, accepted = earned(bought), []
    for number, debit in sequence:
        try:
            ledger, ok = write(ledger, number, debit)
        except LoyalRulesError as error:  # only InsufficientPoints may refuse a debit
            raise AssertionError(f"{debit} was refused with {error!r}") from error
        accepted.append((number, ok))
    return sorted(accepted), check(ledger)


@settings(max_examples=150, deadline=None)
@given(earnings, debits, st.randoms(use_true_random=False))
def test_any_order_of_writing_keeps_every_invariant_and_the_same_balances(
    bought: list[tuple[int, int]], written: list[tuple[str, int, str]], random: object
) -> None:
    numbered = list(enumerate(written))
    shuffled = numbered[:]
    random.shuffle(shuffled)  # type: ignore[attr-defined]
    by_date = sorted(numbered, key=lambda item: (item[1][1], item[1][0]))
    accepted, balances = written_in(shuffled, bought)
    accepted_by_date, balances_by_date = written_in(by_date, bought)
    # A debit dated before one already written takes only what that one left, so it
    # may be refused where date order would accept it (decision 0057); when the same
    # debits are accepted, every balance on every day is the same.
    if accepted == accepted_by_date:
        assert balances == balances_by_date


@settings(max_examples=150, deadline=None)
@given(earnings, debits, st.randoms(use_true_random=False))
def test_expiry_runs_give_the_same_balances_written_before_or_after(
    bought: list[tuple[int, int]], written: list[tuple[str, int, str]], random: object
) -> None:
    redemptions = sorted(
        ((n, d) for n, d in enumerate(written) if d[0] == "redeem"), key=lambda item: item[1][1]
    )
    runs = [(n, d) for n, d in enumerate(written) if d[0] == "expire"]
    # the redemptions in date order, the expiry runs anywhere among them
    shuffled = redemptions + runs
    random.shuffle(shuffled)  # type: ignore[attr-defined]
    mixed = [item for item in shuffled if item[1][0] == "expire"]
    order = []
    for item in redemptions:
        order.append(item)
        if mixed and random.random() < 0.5:  # type: ignore[attr-defined]
            order.append(mixed.pop())
    order = mixed + order  # the rest first: before every redemption
    in_date_order = sorted(redemptions + runs, key=lambda item: (item[1][1], item[1][0]))
    assert written_in(in_date_order, bought) == written_in(order, bought)
