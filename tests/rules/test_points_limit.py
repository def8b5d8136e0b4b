"""A rule's ``limit`` on points: at most so many points per member per period ("5% back
on electronics, up to $25 a month"), less what returns took back in the period the
points were earned in, exact after compaction, and the same in a quote."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loyalrules import Cart, Ledger, LineItem, Member, Money, Purchase, Return, loads_program
from loyalrules.errors import ProgramError

CASHBACK = loads_program("""
program: market
currency: USD
timezone: UTC
accounts: {cashback: {unit: money}}
earn:
  - id: base
    effect: {type: points_per_spend, points: 1}
  - id: electronics
    name: 5% back on electronics
    account: cashback
    lines: {categories: [electronics]}
    limit: {points: 2500, per: month}
    effect: {type: cashback, percent: 5}
  - id: review-bonus
    activity: review
    limit: {points: 120, per: week, times: 5}
    effect: {type: bonus, points: 50}
""")
MEMBER = Member(id="m", joined_at=datetime(2026, 1, 1, tzinfo=UTC))


def _order(order_id: str, amount: str, at: datetime, category: str = "electronics") -> Purchase:
    line = LineItem(sku="X", category=category, unit_price=Money(amount, "USD"))
    return Purchase(id=order_id, member_id="m", occurred_at=at, lines=[line])


def _march(day: int) -> datetime:
    return datetime(2026, 3, day, 12, tzinfo=UTC)


def _processed(*orders: Purchase, ledger: Ledger | None = None) -> tuple[Ledger, list[int]]:
    ledger = Ledger() if ledger is None else ledger
    paid = []
    for order in orders:
        outcome = CASHBACK.process(order, member=MEMBER, ledger=ledger)
        paid.append(outcome.awarded("cashback"))
        ledger = ledger.apply(outcome)
    return ledger, paid


def test_the_rule_gives_what_is_left_of_the_month_then_nothing_until_the_next() -> None:
    orders = [_order(f"o{n}", "300.00", _march(day)) for n, day in enumerate([1, 5, 9])]
    april = _order("o3", "300.00", datetime(2026, 4, 1, 0, 0, tzinfo=UTC))
    ledger, paid = _processed(*orders, april)
    assert paid == [1500, 1000, 0, 1500]
    assert ledger.balance(_march(31), account="cashback").total == 2500


def test_why_says_the_limit_held_the_rule_and_what_it_would_have_given() -> None:
    ledger, _ = _processed(_order("o0", "300.00", _march(1)))
    outcome = CASHBACK.process(_order("o1", "300.00", _march(5)), member=MEMBER, ledger=ledger)
    ledger = ledger.apply(outcome)  # asked after: the reasons are those of the event's ledger
    check = outcome.why("electronics")
    assert check is not None
    (reason,) = check.reasons
    assert (reason.kind, reason.desired, reason.awarded) == ("limit", 1500, 1000)
    assert reason.resets_at == datetime(2026, 4, 1, tzinfo=UTC)
    assert reason.text.startswith("held to its limit: at most $25.00 per month ($15.00 earned)")
    later = CASHBACK.process(_order("o2", "300.00", _march(9)), member=MEMBER, ledger=ledger)
    (stopped,) = later.why("electronics").reasons  # type: ignore[union-attr]
    assert stopped.text.startswith("limit reached: at most $25.00 per month ($25.00 earned)")
    assert later.points == 300  # the other rules earn as ever


def test_a_return_frees_room_in_the_month_the_points_were_earned() -> None:
    first = _order("o0", "300.00", _march(1))
    ledger, _ = _processed(first, _order("o1", "300.00", _march(5)))
    back = Return(id="r", purchase=first, occurred_at=datetime(2026, 4, 2, tzinfo=UTC))
    ledger = ledger.apply(CASHBACK.process(back, member=MEMBER, ledger=ledger))
    assert ledger.balance(datetime(2026, 4, 3, tzinfo=UTC), account="cashback").total == 1000
    # March has room again for a purchase processed late; April's own room is untouched.
    _, paid = _processed(
        _order("late", "300.00", _march(20)),
        _order("o2", "600.00", datetime(2026, 4, 5, tzinfo=UTC)),
        ledger=ledger,
    )
    assert paid == [1500, 2500]


def test_the_same_room_is_left_after_compaction() -> None:
    ledger, _ = _processed(_order("o0", "300.00", _march(1)), _order("o1", "100.00", _march(2)))
    compacted = ledger.compact(_march(3))
    order = _order("o2", "300.00", _march(9))
    whole = CASHBACK.process(order, member=MEMBER, ledger=ledger)
    after = CASHBACK.process(order, member=MEMBER, ledger=compacted)
    assert whole.awarded("cashback") == after.awarded("cashback") == 500


def test_a_quote_is_held_to_the_limit_as_the_purchase_is() -> None:
    ledger, _ = _processed(_order("o0", "400.00", _march(1)))
    cart = Cart(
        lines=[LineItem(sku="X", category="electronics", unit_price=Money("300.00", "USD"))]
    )
    quote = CASHBACK.quote(cart, member=MEMBER, ledger=ledger, at=_march(2))
    outcome = CASHBACK.process(_order("o1", "300.00", _march(2)), member=MEMBER, ledger=ledger)
    assert quote.awarded["cashback"] == outcome.awarded("cashback") == 500
    (page,) = CASHBACK.quote_many([cart], member=MEMBER, ledger=ledger, at=_march(2))
    assert page.awarded["cashback"] == 500


def test_times_and_points_both_hold() -> None:
    from loyalrules import Activity

    ledger, paid = Ledger(), []
    for n in range(4):  # 50 + 50 + 20 (points), then nothing
        at = datetime(2026, 3, 2, 9 + n, tzinfo=UTC)
        review = Activity(id=f"v{n}", member_id="m", kind="review", occurred_at=at)
        outcome = CASHBACK.process(review, member=MEMBER, ledger=ledger)
        paid.append(outcome.points)
        ledger = ledger.apply(outcome)
    assert paid == [50, 50, 20, 0]


@pytest.mark.parametrize(
    ("limit", "problem"),
    [
        ("{points: 0, per: month}", "expected a whole number >= 1"),
        ("{points: 1.5, per: month}", "expected a whole number >= 1"),
        ("{points: 100}", "per"),
    ],
)
def test_a_limit_on_points_must_be_a_whole_number_of_one_or_more(limit: str, problem: str) -> None:
    text = (
        "program: p\ncurrency: USD\ntimezone: UTC\n"
        f"earn: [{{id: r, limit: {limit}, effect: {{type: bonus, points: 5}}}}]\n"
    )
    if problem == "per":  # documented: a limit without 'per' limits nothing
        assert loads_program(text).rules[0].limit is None
        return
    with pytest.raises(ProgramError, match=problem):
        loads_program(text)


AMOUNTS = st.sampled_from(["20.00", "150.00", "300.00", "640.00"])
STEPS = st.lists(
    st.tuples(st.integers(0, 59), AMOUNTS, st.booleans(), st.sampled_from([0, 1, 2])),
    min_size=1,
    max_size=12,
)


@settings(max_examples=60, deadline=None)
@given(STEPS)
def test_no_month_ever_holds_more_than_the_limit_whatever_is_returned(steps: list) -> None:
    """Purchases over two months, some returned in full or in part later: the net
    cashback of each month never goes over $25, and a purchase after the returns still
    finds exactly the room they left."""
    ledger, bought = Ledger(), []
    start = datetime(2026, 3, 1, tzinfo=UTC)
    for n, (day, amount, returned, units) in enumerate(steps):
        at = start + timedelta(days=day, hours=n)
        line = LineItem(
            sku="X", category="electronics", unit_price=Money(amount, "USD"), quantity=units + 1
        )
        order = Purchase(id=f"o{n}", member_id="m", occurred_at=at, lines=[line])
        ledger = ledger.apply(CASHBACK.process(order, member=MEMBER, ledger=ledger))
        bought.append((order, returned, units))
    later = start + timedelta(days=70)
    for n, (order, returned, units) in enumerate(bought):
        if returned:
            back = Return(id=f"r{n}", purchase=order, occurred_at=later, lines={"X": units or 1})
            ledger = ledger.apply(CASHBACK.process(back, member=MEMBER, ledger=ledger))
    for month in (3, 4):
        first = datetime(2026, month, 1, tzinfo=UTC)
        end = datetime(2026, month + 1, 1, tzinfo=UTC)
        net = ledger.facts.rule_points_between("electronics", first, end)
        earned = sum(
            e.points
            for e in ledger.entries
            if getattr(e, "rule_id", None) == "electronics" and first <= e.at < end
        )
        taken = sum(
            part.points
            for e in ledger.entries
            if getattr(e, "kind", None) == "reversed"
            for part in e.reverses
            if part.lot.endswith(":earn:electronics")
            and first <= next(x.at for x in ledger.entries if x.key == part.lot) < end
        )
        assert net == earned - taken <= 2500
        probe = _order("probe", "1000.00", end - timedelta(seconds=1))
        room = CASHBACK.process(probe, member=MEMBER, ledger=ledger).awarded("cashback")
        assert room == 2500 - net
