"""Worked examples of the points lifecycle: pending, expiry, returns, deficits,
adjustments, transfers, accounts, checkpoints."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from support import usd

from loyalrules import (
    Activation,
    Consumption,
    Earned,
    Expired,
    InsufficientPoints,
    Ledger,
    LineItem,
    Member,
    NotAllowed,
    Outcome,
    Program,
    ProgramError,
    Purchase,
    Return,
    Reversed,
    TransferredOut,
    ValidationError,
    loads_program,
)

NEW_YORK = ZoneInfo("America/New_York")
MEMBER = Member(id="m-1", joined_at=datetime(2025, 1, 1, tzinfo=UTC))
FRIEND = Member(id="m-2", joined_at=datetime(2025, 1, 1, tzinfo=UTC))


def at(month: int, day: int, hour: int = 12, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, tzinfo=NEW_YORK)


def program(extra: str = "", rules: str = "") -> Program:
    """1 point per whole $1, +100 at $50, gift cards excluded; ``extra`` top-level keys."""
    return loads_program(
        "program: shop\ncurrency: USD\ntimezone: America/New_York\n"
        "eligible_spend: {exclude: {categories: [gift_cards]}}\n" + extra + "\nearn:\n"
        "  - id: base\n"
        "    effect: {type: points_per_spend, points: 1}\n"
        "  - id: big\n"
        "    when: {min_spend: '50.00'}\n"
        "    effect: {type: bonus, points: 100}\n" + rules
    )


def order(order_id: str, when: datetime, *lines: tuple[str, str, str, int]) -> Purchase:
    """Lines as (sku, category, unit price, quantity)."""
    return Purchase(
        id=order_id,
        member_id=MEMBER.id,
        occurred_at=when,
        lines=[
            LineItem(sku=sku, category=category, unit_price=usd(price), quantity=quantity)
            for sku, category, price, quantity in lines
        ],
    )


def run(prog: Program, ledger: Ledger, *events: object) -> tuple[Ledger, list[Outcome]]:
    outcomes = []
    for event in events:
        outcome = prog.process(event, member=MEMBER, ledger=ledger)  # type: ignore[arg-type]
        ledger = ledger.append(outcome.entries)
        outcomes.append(outcome)
    return ledger, outcomes


SHOES = ("SHOES", "shoes", "30.00", 2)  # $60.00
SOCKS = ("SOCKS", "socks", "10.00", 1)
GIFT = ("GIFT", "gift_cards", "25.00", 1)


# --- pending ---------------------------------------------------------------------------------


def test_pending_points_become_available_after_the_period_on_the_local_calendar() -> None:
    # March 1 noon EST + 14 days = March 15 noon EDT (DST began March 8): 16:00 UTC.
    prog = program("pending: P14D")
    ledger, (outcome,) = run(prog, Ledger(), order("o-1", at(3, 1), SOCKS))
    (lot,) = [e for e in outcome.entries if isinstance(e, Earned)]
    assert lot.available_at == datetime(2026, 3, 15, 16, tzinfo=UTC)
    assert ledger.balance(at(3, 15) - timedelta(seconds=1)).pending == 10
    balance = ledger.balance(at(3, 15))
    assert (balance.available, balance.pending) == (10, 0)


def test_a_rule_can_have_its_own_pending_period() -> None:
    prog = program("pending: P30D", rules="    pending: none\n")  # the bonus rule
    ledger, _ = run(prog, Ledger(), order("o-1", at(3, 1), SHOES))
    balance = ledger.balance(at(3, 2))
    assert (balance.available, balance.pending) == (100, 60)


def test_points_pending_until_activated_wait_for_the_activation() -> None:
    prog = program("pending: {until: activated}")
    ledger, _ = run(prog, Ledger(), order("o-1", at(3, 1), SHOES))
    assert ledger.balance(at(12, 31)).pending == 160
    ledger, (activated,) = run(
        prog, ledger, Activation(purchase_id="o-1", member_id=MEMBER.id, occurred_at=at(3, 5))
    )
    assert activated.explanation[0].points == 160
    assert ledger.balance(at(3, 5) - timedelta(seconds=1)).available == 0
    assert ledger.balance(at(3, 5)).available == 160


def test_an_activation_that_arrives_first_makes_the_points_available_when_earned() -> None:
    prog = program("pending: {until: activated}")
    activation = Activation(purchase_id="o-1", member_id=MEMBER.id, occurred_at=at(3, 1, 9))
    ledger, _ = run(prog, Ledger(), activation, order("o-1", at(3, 1), SOCKS))
    assert ledger.balance(at(3, 1)).available == 10


def test_an_activation_of_an_order_returned_in_full_says_nothing_was_waiting() -> None:
    prog = program("pending: {until: activated}")
    bought = order("o-1", at(3, 1), SHOES, SOCKS)
    back = Return(id="r", purchase=bought, occurred_at=at(3, 2))
    activation = Activation(purchase_id="o-1", member_id=MEMBER.id, occurred_at=at(3, 5))
    _, (_, _, activated) = run(prog, Ledger(), bought, back, activation)
    assert str(activated) == "Order o-1 activated: no points were waiting for it (yet)"
    assert activated.explanation[0].points == 0


def test_an_activation_twice_adds_nothing() -> None:
    prog = program("pending: {until: activated}")
    activation = Activation(purchase_id="o-1", member_id=MEMBER.id, occurred_at=at(3, 2))
    ledger, _ = run(prog, Ledger(), order("o-1", at(3, 1), SOCKS), activation)
    assert prog.process(activation, member=MEMBER, ledger=ledger).duplicate


# --- expiry ----------------------------------------------------------------------------------


def lot_expiry(prog: Program, when: datetime) -> datetime | None:
    _, (outcome,) = run(prog, Ledger(), order("o-1", when, SOCKS))
    (lot,) = [e for e in outcome.entries if isinstance(e, Earned)]
    return lot.expires_at


@pytest.mark.parametrize(
    ("expiry", "expected"),
    [
        # 12 months after 2026-03-15 noon New York
        ("{after: P12M}", at(3, 15, year=2027)),
        # ... rounded to the end of that month / quarter / year, local midnight
        ("{after: P12M, end_of: month}", datetime(2027, 4, 1, tzinfo=NEW_YORK)),
        ("{after: P12M, end_of: quarter}", datetime(2027, 4, 1, tzinfo=NEW_YORK)),
        ("{after: P12M, end_of: year}", datetime(2028, 1, 1, tzinfo=NEW_YORK)),
        # the end of the next December 31, and of the one a year later
        ("{on: '12-31'}", datetime(2027, 1, 1, tzinfo=NEW_YORK)),
        ("{on: '12-31', years_later: 1}", datetime(2028, 1, 1, tzinfo=NEW_YORK)),
        # the next March 1 is in 2027
        ("{on: '03-01'}", datetime(2027, 3, 2, tzinfo=NEW_YORK)),
        # a fixed day
        ("{on: 2026-06-30}", datetime(2026, 7, 1, tzinfo=NEW_YORK)),
        ("never", None),
    ],
)
def test_expiry_policies_date_the_lot_in_the_program_time_zone(
    expiry: str, expected: datetime | None
) -> None:
    assert lot_expiry(program(f"expiry: {expiry}"), at(3, 15)) == expected


def test_a_yearly_expiry_on_the_earning_day_itself_is_that_day() -> None:
    assert lot_expiry(program("expiry: {on: '03-15'}"), at(3, 15)) == datetime(
        2026, 3, 16, tzinfo=NEW_YORK
    )


def test_promo_points_can_expire_sooner_than_the_program_default() -> None:
    prog = program("expiry: {after: P24M}", rules="    expiry: {after: P1M}\n")
    _, (outcome,) = run(prog, Ledger(), order("o-1", at(3, 15), SHOES))
    expiries = {e.rule_id: e.expires_at for e in outcome.entries if isinstance(e, Earned)}
    assert expiries == {"base": at(3, 15, year=2028), "big": at(4, 15)}


def test_an_expired_lot_leaves_the_balance_at_exactly_its_expiry() -> None:
    prog = program("expiry: {after: P12M}")
    ledger, _ = run(prog, Ledger(), order("o-1", at(3, 15), SOCKS))
    expiry = at(3, 15, year=2027)
    assert ledger.balance(expiry - timedelta(microseconds=1)).available == 10
    balance = ledger.balance(expiry)
    assert (balance.available, balance.lifetime_expired) == (0, 10)


def test_expire_writes_what_was_left_of_each_expired_lot_once() -> None:
    # 160 earned; 60 spent by a manual debit; the 100 left of the two lots expire.
    prog = program("expiry: {after: P12M}")
    ledger, _ = run(prog, Ledger(), order("o-1", at(3, 15), SHOES))
    debit = prog.adjust(
        member=MEMBER,
        ledger=ledger,
        points=-60,
        reason="fraud",
        actor="ops",
        at=at(4, 1),
        key="t-1",
    ).entries
    ledger = ledger.append(debit)
    before = ledger.balance(at(6, 1, year=2027))
    outcome = prog.expire(member=MEMBER, ledger=ledger, at=at(6, 1, year=2027))
    expired = [e for e in outcome.entries if isinstance(e, Expired)]
    assert sum(e.points for e in expired) == 100
    assert {e.at for e in expired} == {at(3, 15, year=2027)}
    ledger = ledger.append(outcome.entries)
    assert ledger.balance(at(6, 1, year=2027)) == before
    assert prog.expire(member=MEMBER, ledger=ledger, at=at(6, 1, year=2027)).entries == ()


def test_expire_before_the_expiry_writes_nothing() -> None:
    prog = program("expiry: {after: P12M}")
    ledger, _ = run(prog, Ledger(), order("o-1", at(3, 15), SOCKS))
    assert prog.expire(member=MEMBER, ledger=ledger, at=at(3, 14, year=2027)).entries == ()


def test_status_shows_the_points_expiring_next_in_local_time() -> None:
    prog = program("expiry: {after: P12M, end_of: month}")
    ledger, _ = run(prog, Ledger(), order("o-1", at(3, 15), SOCKS), order("o-2", at(5, 2), SOCKS))
    status = prog.status(member=MEMBER, ledger=ledger, at=at(6, 1))
    assert status.expiring_next == (datetime(2027, 4, 1, tzinfo=NEW_YORK), 10)
    assert status.balance.expiring_by(datetime(2027, 6, 1, tzinfo=NEW_YORK)) == 20
    assert "10 points expire at the end of 2027-03-31" in status.messages


def test_inactivity_keeps_points_while_the_member_stays_active() -> None:
    prog = program("expiry: {inactivity: P6M}")
    events = [order(f"o-{n}", at(n, 1), SOCKS) for n in range(1, 12)]  # monthly
    ledger, _ = run(prog, Ledger(), *events)
    assert ledger.balance(at(11, 30)).available == 110


def test_inactivity_expires_every_point_at_once_after_the_gap() -> None:
    # Active Jan 1 and Mar 1; nothing for six months after Mar 1: all 20 go on Sep 1.
    prog = program("expiry: {inactivity: P6M}")
    ledger, _ = run(prog, Ledger(), order("o-1", at(1, 1), SOCKS), order("o-2", at(3, 1), SOCKS))
    assert ledger.balance(at(9, 1) - timedelta(seconds=1)).available == 20
    assert ledger.balance(at(9, 1)).available == 0
    assert prog.status(member=MEMBER, ledger=ledger, at=at(8, 1)).expiring_next == (at(9, 1), 20)
    # A purchase after the gap starts again from zero, and the old points stay gone.
    ledger, _ = run(prog, ledger, order("o-3", at(10, 1), SOCKS))
    assert ledger.balance(at(10, 2)).available == 10
    expired = prog.expire(member=MEMBER, ledger=ledger, at=at(10, 2)).entries
    assert sorted(e.points for e in expired) == [10, 10]


def test_inactivity_and_a_fixed_expiry_take_whichever_comes_first() -> None:
    prog = program("expiry: {after: P3M, inactivity: P6M}")
    ledger, _ = run(prog, Ledger(), order("o-1", at(1, 10), SOCKS))
    assert ledger.balance(at(4, 10)).available == 0


# --- consumption order and deficits ----------------------------------------------------------


def test_debits_take_the_soonest_expiring_points_first_and_never_expiring_last() -> None:
    # o-1 (Mar 1): base 10, never expires. o-2 (Mar 2): base 60 never, bonus 100 by Apr 2.
    # The newer bonus goes first; then the never-expiring lots, older first.
    prog = program("expiry: never", rules="    expiry: {after: P1M}\n")
    ledger, _ = run(prog, Ledger(), order("o-1", at(3, 1), SOCKS), order("o-2", at(3, 2), SHOES))
    adjusted = prog.adjust(
        member=MEMBER, ledger=ledger, points=-115, reason="x", actor="ops", at=at(3, 3), key="k"
    )
    (entry,) = adjusted.entries
    assert entry.consumed == (  # type: ignore[attr-defined]
        Consumption("purchase:o-2:earn:big", 100),
        Consumption("purchase:o-1:earn:base", 10),
        Consumption("purchase:o-2:earn:base", 5),
    )


def test_a_debit_beyond_the_balance_leaves_a_deficit_the_next_credit_pays() -> None:
    prog = program("negative_balance: allow")
    ledger, _ = run(prog, Ledger(), order("o-1", at(3, 1), SOCKS))  # 10
    debit = prog.adjust(
        member=MEMBER, ledger=ledger, points=-25, reason="x", actor="ops", at=at(3, 2), key="k"
    )
    ledger = ledger.append(debit.entries)
    balance = ledger.balance(at(3, 2))
    assert (balance.available, balance.deficit) == (-15, 15)
    ledger, _ = run(prog, ledger, order("o-2", at(3, 3), SHOES))  # 160 pays 15 first
    balance = ledger.balance(at(3, 3))
    assert (balance.available, balance.deficit) == (145, 0)


def test_a_clamped_account_refuses_a_manual_debit_beyond_the_balance() -> None:
    prog = program("negative_balance: clamp")
    ledger, _ = run(prog, Ledger(), order("o-1", at(3, 1), SOCKS))
    with pytest.raises(InsufficientPoints) as caught:
        prog.adjust(
            member=MEMBER, ledger=ledger, points=-25, reason="x", actor="ops", at=at(3, 2), key="k"
        )
    assert (caught.value.needed, caught.value.available) == (25, 10)


def test_a_credit_adjustment_is_a_lot_under_the_account_expiry() -> None:
    prog = program("expiry: {after: P6M}")
    outcome = prog.adjust(
        member=MEMBER,
        ledger=Ledger(),
        points=50,
        reason="late delivery",
        actor="agent-7",
        at=at(3, 1),
        key="t-9",
    )
    ledger = Ledger().append(outcome.entries)
    assert outcome.change() == 50
    assert str(outcome) == "Adjusted by agent-7 (late delivery): +50 points"
    assert ledger.balance(at(9, 1) - timedelta(seconds=1)).available == 50
    assert ledger.balance(at(9, 1)).available == 0
    again = prog.adjust(
        member=MEMBER, ledger=ledger, points=50, reason="x", actor="y", at=at(3, 1), key="t-9"
    )
    assert again.duplicate


# --- returns ---------------------------------------------------------------------------------


def test_a_partial_return_also_reverses_the_threshold_bonus_it_loses() -> None:
    # $70 earns 70 + 100. Returning one shoe leaves $40: 40 points, no bonus: reverse 130.
    prog = program()
    bought = order("o-1", at(3, 1), SHOES, SOCKS)
    ledger, _ = run(prog, Ledger(), bought)
    ledger, (outcome,) = run(
        prog, ledger, Return(id="r-1", purchase=bought, occurred_at=at(3, 5), lines={"SHOES": 1})
    )
    assert outcome.change() == -130
    assert outcome.messages == ("Returned 1 x SHOES from order o-1: -130 points",)
    assert ledger.balance(at(3, 5)).available == 40
    assert ledger.history.lifetime_spend == usd("40.00")


def test_partial_returns_add_up_to_the_whole_purchase() -> None:
    prog = program()
    bought = order("o-1", at(3, 1), SHOES, SOCKS)
    ledger, _ = run(prog, Ledger(), bought)
    ledger, outcomes = run(
        prog,
        ledger,
        Return(id="r-1", purchase=bought, occurred_at=at(3, 5), lines={"SOCKS": 1}),
        Return(id="r-2", purchase=bought, occurred_at=at(3, 6), lines={"SHOES": 1}),
        Return(id="r-3", purchase=bought, occurred_at=at(3, 7), lines={"SHOES": 1}),
    )
    # $60 left keeps the bonus (-10), $30 loses it (-130), nothing left (-30)
    assert [o.change() for o in outcomes] == [-10, -130, -30]
    assert ledger.balance(at(3, 8)).available == 0
    assert ledger.history.lifetime_spend == usd("0.00")


def test_a_return_without_lines_cancels_everything_not_yet_returned() -> None:
    prog = program()
    bought = order("o-1", at(3, 1), SHOES, SOCKS)
    ledger, _ = run(prog, Ledger(), bought)
    ledger, outcomes = run(
        prog,
        ledger,
        Return(id="r-1", purchase=bought, occurred_at=at(3, 2), lines={"SHOES": 1}),
        Return(id="cancel", purchase=bought, occurred_at=at(3, 3)),
    )
    assert sum(o.change() for o in outcomes) == -170
    with pytest.raises(ValidationError, match="every unit of purchase 'o-1' was returned"):
        prog.process(
            Return(id="again", purchase=bought, occurred_at=at(3, 4)), member=MEMBER, ledger=ledger
        )


def test_returning_an_excluded_line_reverses_nothing() -> None:
    prog = program()
    bought = order("o-1", at(3, 1), SOCKS, GIFT)
    ledger, _ = run(prog, Ledger(), bought)
    _, (outcome,) = run(
        prog, ledger, Return(id="r-1", purchase=bought, occurred_at=at(3, 2), lines={"GIFT": 1})
    )
    assert outcome.change() == 0
    assert [type(e).__name__ for e in outcome.entries] == ["Recorded"]


def test_returning_more_than_is_left_is_refused_and_changes_nothing() -> None:
    prog = program()
    bought = order("o-1", at(3, 1), SHOES)
    ledger, _ = run(
        prog,
        Ledger(),
        bought,
        Return(id="r-1", purchase=bought, occurred_at=at(3, 2), lines={"SHOES": 1}),
    )
    with pytest.raises(ValidationError, match="only 1 of the 2 bought are left to return"):
        prog.process(
            Return(id="r-2", purchase=bought, occurred_at=at(3, 3), lines={"SHOES": 2}),
            member=MEMBER,
            ledger=ledger,
        )
    with pytest.raises(ValidationError, match="3 of line 'SHOES' returned but only 2 bought"):
        Return(id="r-3", purchase=bought, occurred_at=at(3, 3), lines={"SHOES": 3})


def test_a_return_of_a_purchase_not_in_the_ledger_is_refused() -> None:
    bought = order("o-1", at(3, 1), SHOES)
    with pytest.raises(ValidationError, match="process the purchase before its return"):
        program().process(
            Return(id="r-1", purchase=bought, occurred_at=at(3, 2)), member=MEMBER, ledger=Ledger()
        )


def test_the_same_return_twice_adds_nothing() -> None:
    prog = program()
    bought = order("o-1", at(3, 1), SHOES)
    returned = Return(id="r-1", purchase=bought, occurred_at=at(3, 2), lines={"SHOES": 1})
    ledger, _ = run(prog, Ledger(), bought, returned)
    assert prog.process(returned, member=MEMBER, ledger=ledger).duplicate


def test_a_return_takes_the_pending_points_of_its_purchase_first() -> None:
    # o-1's 10 points are available; o-2's 160 are pending. Returning o-2 takes its own.
    prog = program("pending: P30D")
    first = order("o-1", datetime(2026, 1, 1, 12, tzinfo=NEW_YORK), SOCKS)
    bought = order("o-2", at(3, 1), SHOES)
    ledger, _ = run(prog, Ledger(), first, bought)
    _, (outcome,) = run(prog, ledger, Return(id="r", purchase=bought, occurred_at=at(3, 2)))
    (reversed_,) = [e for e in outcome.entries if isinstance(e, Reversed)]
    assert {c.lot for c in reversed_.consumed} == {
        "purchase:o-2:earn:base",
        "purchase:o-2:earn:big",
    }


def test_a_return_after_the_points_were_spent_leaves_a_deficit_when_allowed() -> None:
    prog = program("negative_balance: allow")
    bought = order("o-1", at(3, 1), SHOES)
    ledger, _ = run(prog, Ledger(), bought)
    spent = prog.adjust(
        member=MEMBER, ledger=ledger, points=-150, reason="x", actor="ops", at=at(3, 2), key="k"
    )
    ledger = ledger.append(spent.entries)
    ledger, (outcome,) = run(prog, ledger, Return(id="r", purchase=bought, occurred_at=at(3, 3)))
    (reversed_,) = [e for e in outcome.entries if isinstance(e, Reversed)]
    assert (reversed_.points, reversed_.deficit, reversed_.written_off) == (160, 150, 0)
    assert ledger.balance(at(3, 3)).available == -150


def test_a_return_after_the_points_were_spent_is_written_off_when_clamped() -> None:
    prog = program("negative_balance: clamp")
    bought = order("o-1", at(3, 1), SHOES)
    ledger, _ = run(prog, Ledger(), bought)
    spent = prog.adjust(
        member=MEMBER, ledger=ledger, points=-150, reason="x", actor="ops", at=at(3, 2), key="k"
    )
    ledger = ledger.append(spent.entries)
    ledger, (outcome,) = run(prog, ledger, Return(id="r", purchase=bought, occurred_at=at(3, 3)))
    (reversed_,) = [e for e in outcome.entries if isinstance(e, Reversed)]
    assert (reversed_.points, reversed_.deficit, reversed_.written_off) == (160, 0, 150)
    balance = ledger.balance(at(3, 3))
    assert (balance.available, balance.written_off) == (0, 150)


def test_a_return_re_evaluates_against_the_ledger_before_the_purchase() -> None:
    # The first purchase earned the welcome bonus; returning half of it keeps the bonus
    # because what is left is still the member's first purchase.
    prog = program(
        rules="  - id: welcome\n    when: {first_purchase: true}\n"
        "    effect: {type: bonus, points: 500}\n"
    )
    bought = order("o-1", at(3, 1), SHOES)
    ledger, _ = run(prog, Ledger(), bought, order("o-2", at(3, 2), SOCKS))
    _, (outcome,) = run(
        prog, ledger, Return(id="r", purchase=bought, occurred_at=at(3, 3), lines={"SHOES": 1})
    )
    assert outcome.change() == -130  # 30 base + the $50 bonus; the welcome bonus stays


def test_returned_units_take_their_share_of_the_discounts() -> None:
    # 3 x $10 with $3 off the line and $6.00 off the order: $21 eligible, 21 points.
    # Returning 1 unit takes $1 of line and $2 of order discount: $14 left, 14 points.
    prog = program()
    bought = Purchase(
        id="o-1",
        member_id=MEMBER.id,
        occurred_at=at(3, 1),
        lines=[
            LineItem(
                sku="CUP", category="x", unit_price=usd("10.00"), quantity=3, discount=usd("3.00")
            )
        ],
        order_discount=usd("6.00"),
    )
    ledger, _ = run(prog, Ledger(), bought)
    ledger, (outcome,) = run(
        prog, ledger, Return(id="r", purchase=bought, occurred_at=at(3, 2), lines={"CUP": 1})
    )
    assert outcome.change() == -7
    assert ledger.history.lifetime_spend == usd("14.00")


# --- accounts ---------------------------------------------------------------------------------


CASHBACK = """
accounts:
  cashback: {unit: money, pending: P30D}
"""
CASHBACK_RULES = """\
  - id: back
    account: cashback
    effect: {type: cashback, percent: "2.5"}
  - id: double
    effect: {type: multiply, factor: 2}
"""


def test_cashback_is_credited_in_cents_and_not_multiplied_by_points_multipliers() -> None:
    # $70: 2.5% = $1.75 = 175 cents; the 2x doubles points only (70 -> 140, +100 bonus).
    prog = program(CASHBACK, CASHBACK_RULES)
    ledger, (outcome,) = run(prog, Ledger(), order("o-1", at(3, 1), SHOES, SOCKS))
    assert outcome.change("cashback") == 175
    assert outcome.change() == 240
    assert "back: +$1.75" in outcome.messages
    status = prog.status(member=MEMBER, ledger=ledger, at=at(3, 2))
    assert status.account("cashback").balance.pending == 175
    assert "$1.75 pending" in str(status)


def test_a_full_return_takes_back_points_and_cashback() -> None:
    prog = program(CASHBACK, CASHBACK_RULES)
    bought = order("o-1", at(3, 1), SHOES, SOCKS)
    ledger, _ = run(prog, Ledger(), bought)
    _, (outcome,) = run(prog, ledger, Return(id="r", purchase=bought, occurred_at=at(3, 2)))
    assert (outcome.change(), outcome.change("cashback")) == (-240, -175)


def test_cashback_rounds_down_to_the_cent() -> None:
    # $9.99 x 2.5% = 24.975 cents -> 24
    prog = program(CASHBACK, CASHBACK_RULES)
    _, (outcome,) = run(prog, Ledger(), order("o-1", at(3, 1), ("X", "x", "9.99", 1)))
    assert outcome.change("cashback") == 24


# --- transfers --------------------------------------------------------------------------------


TRANSFERS = "transfers: {min_points: 50, max_points: 500, limit: {points: 600, per: year}}\n"


def funded(prog: Program) -> Ledger:
    ledger, _ = run(prog, Ledger(), order("o-1", at(3, 1), SHOES), order("o-2", at(3, 2), SHOES))
    return ledger  # 320 points


def test_a_transfer_moves_points_and_keeps_their_expiry() -> None:
    prog = program(TRANSFERS + "expiry: {after: P12M}")
    sender = funded(prog)
    out, into = prog.transfer(
        200,
        sender=MEMBER,
        sender_ledger=sender,
        recipient=FRIEND,
        recipient_ledger=Ledger(),
        at=at(4, 1),
        key="gift-1",
    )
    assert out.change() == -200
    assert into.change() == 200
    received = Ledger().append(into.entries)
    # 160 of o-1 (expiring 2027-03-01) and 40 of o-2 (2027-03-02) keep their dates
    assert received.balance(at(4, 1)).expiring == (
        (at(3, 1, year=2027), 160),
        (at(3, 2, year=2027), 40),
    )
    assert sender.append(out.entries).balance(at(4, 1)).available == 120


def test_transfers_are_refused_when_the_program_has_none() -> None:
    prog = program()
    with pytest.raises(NotAllowed, match="does not allow transfers"):
        prog.transfer(
            100,
            sender=MEMBER,
            sender_ledger=funded(prog),
            recipient=FRIEND,
            recipient_ledger=Ledger(),
            at=at(4, 1),
            key="g",
        )


@pytest.mark.parametrize(
    ("points", "message"),
    [(40, "at least 50 points and at most 500"), (501, "at least 50 points and at most 500")],
)
def test_a_transfer_outside_its_bounds_is_refused(points: int, message: str) -> None:
    prog = program(TRANSFERS)
    with pytest.raises(NotAllowed, match=message):
        prog.transfer(
            points,
            sender=MEMBER,
            sender_ledger=funded(prog),
            recipient=FRIEND,
            recipient_ledger=Ledger(),
            at=at(4, 1),
            key="g",
        )


def test_transfers_beyond_the_yearly_limit_are_refused() -> None:
    prog = program(TRANSFERS)
    sender = funded(prog)
    out, _ = prog.transfer(
        300,
        sender=MEMBER,
        sender_ledger=sender,
        recipient=FRIEND,
        recipient_ledger=Ledger(),
        at=at(4, 1),
        key="g-1",
    )
    sender = sender.append(out.entries)
    with pytest.raises(NotAllowed, match="300 sent already"):
        prog.transfer(
            301,
            sender=MEMBER,
            sender_ledger=sender,
            recipient=FRIEND,
            recipient_ledger=Ledger(),
            at=at(5, 1),
            key="g-2",
        )


def test_a_transfer_of_more_than_is_available_is_refused() -> None:
    prog = program(TRANSFERS)
    with pytest.raises(InsufficientPoints, match="needs 400 points but only 320"):
        prog.transfer(
            400,
            sender=MEMBER,
            sender_ledger=funded(prog),
            recipient=FRIEND,
            recipient_ledger=Ledger(),
            at=at(4, 1),
            key="g",
        )


def test_the_same_transfer_twice_adds_nothing() -> None:
    prog = program(TRANSFERS)
    sender = funded(prog)
    kwargs = {"sender": MEMBER, "recipient": FRIEND, "at": at(4, 1), "key": "g"}
    out, into = prog.transfer(100, sender_ledger=sender, recipient_ledger=Ledger(), **kwargs)
    again = prog.transfer(
        100,
        sender_ledger=sender.append(out.entries),
        recipient_ledger=Ledger().append(into.entries),
        **kwargs,
    )
    assert again[0].duplicate
    assert again[1].duplicate
    assert isinstance(out.entries[0], TransferredOut)


# --- checkpoints and verify ---------------------------------------------------------------------


def test_compaction_keeps_balances_and_rule_decisions() -> None:
    prog = program(
        "expiry: {after: P12M}",
        rules="  - id: yearly\n    limit: {times: 1, per: year}\n"
        "    effect: {type: bonus, points: 5}\n"
        "  - id: welcome\n    when: {first_purchase: true}\n"
        "    effect: {type: bonus, points: 500}\n",
    )
    ledger, _ = run(prog, Ledger(), order("o-1", at(1, 5), SHOES), order("o-2", at(2, 5), SOCKS))
    spent = prog.adjust(
        member=MEMBER, ledger=ledger, points=-100, reason="x", actor="y", at=at(2, 6), key="k"
    )
    ledger = ledger.append(spent.entries)
    compact = ledger.compact(at(3, 1))
    assert len(compact) == 1
    for moment in (at(3, 1), at(1, 5, year=2027), at(2, 6, year=2027)):
        assert compact.balance(moment) == ledger.balance(moment)
    later = order("o-3", at(3, 2), SOCKS)  # no welcome bonus, no second yearly bonus
    assert (
        prog.process(later, member=MEMBER, ledger=compact).entries
        == prog.process(later, member=MEMBER, ledger=ledger).entries
    )
    assert compact.verify() == ()
    assert Ledger.from_dicts(compact.to_dicts()) == compact


def test_events_before_a_checkpoint_are_refused() -> None:
    prog = program()
    ledger, _ = run(prog, Ledger(), order("o-1", at(1, 5), SOCKS))
    compact = ledger.compact(at(3, 1))
    with pytest.raises(ValidationError, match="before the ledger's checkpoint"):
        compact.balance(at(2, 1))
    with pytest.raises(ValidationError, match="before the ledger's checkpoint"):
        prog.adjust(
            member=MEMBER, ledger=compact, points=5, reason="x", actor="y", at=at(2, 1), key="k"
        )


def test_verify_reports_a_lot_taken_beyond_its_points_and_an_unknown_lot() -> None:
    lot = Earned(key="lot", at=at(3, 1), points=10, rule_id="r", source="s")
    from loyalrules import Adjusted

    ledger = Ledger(
        [
            lot,
            Adjusted(
                key="a",
                at=at(3, 2),
                points=-15,
                reason="x",
                actor="y",
                consumed=(Consumption("lot", 15),),
            ),
            Adjusted(
                key="b",
                at=at(3, 2),
                points=-5,
                reason="x",
                actor="y",
                consumed=(Consumption("ghost", 5),),
            ),
        ]
    )
    assert [str(p) for p in ledger.verify()] == [
        "b: takes from 'ghost', not a lot here",
        "lot: lot taken beyond its 10 points",
    ]


def test_verify_reports_a_lot_taken_while_pending() -> None:
    from loyalrules import Adjusted

    ledger = Ledger(
        [
            Earned(
                key="lot", at=at(3, 1), points=10, rule_id="r", source="s", available_at=at(3, 10)
            ),
            Adjusted(
                key="a",
                at=at(3, 2),
                points=-5,
                reason="x",
                actor="y",
                consumed=(Consumption("lot", 5),),
            ),
        ]
    )
    assert [str(p) for p in ledger.verify()] == ["a: takes from 'lot' while it is pending"]


def test_a_return_does_not_take_again_points_of_the_purchase_that_expired() -> None:
    # o-1 earns 60 base (never expire) + 100 bonus (expire after a month). The bonus
    # expires unused; returning everything takes back the 60 and records the 100 as
    # already expired instead of taking them from o-2's points.
    prog = program("expiry: never", rules="    expiry: {after: P1M}\n")
    bought = order("o-1", at(3, 1), SHOES)
    ledger, _ = run(prog, Ledger(), bought, order("o-2", at(3, 2), SHOES))
    ledger, (outcome,) = run(prog, ledger, Return(id="r", purchase=bought, occurred_at=at(5, 1)))
    (reversed_,) = [e for e in outcome.entries if isinstance(e, Reversed)]
    assert reversed_.points == 160
    assert reversed_.expired == (Consumption("purchase:o-1:earn:big", 100),)
    assert reversed_.consumed == (Consumption("purchase:o-1:earn:base", 60),)
    assert outcome.change() == -60
    assert outcome.messages == (
        "Returned everything from order o-1: -60 points (100 points of it had expired already)",
    )
    assert ledger.balance(at(5, 1)).available == 60  # o-2's base 60; its bonus expired too


def test_a_return_after_the_purchase_points_were_spent_takes_them_elsewhere() -> None:
    # o-1's 160 were spent on a debit; returning o-1 takes its 160 from o-2's lots.
    prog = program()
    bought = order("o-1", at(3, 1), SHOES)
    ledger, _ = run(prog, Ledger(), bought)
    spent = prog.adjust(
        member=MEMBER, ledger=ledger, points=-160, reason="x", actor="y", at=at(3, 2), key="k"
    )
    ledger, _ = run(prog, ledger.append(spent.entries), order("o-2", at(3, 3), SHOES))
    _, (outcome,) = run(prog, ledger, Return(id="r", purchase=bought, occurred_at=at(3, 4)))
    (reversed_,) = [e for e in outcome.entries if isinstance(e, Reversed)]
    assert {c.lot for c in reversed_.consumed} == {
        "purchase:o-2:earn:base",
        "purchase:o-2:earn:big",
    }
    assert outcome.change() == -160


# --- fixes found by reading the docs against the code ---------------------------------------


def test_a_return_does_not_reset_the_inactivity_clock() -> None:
    prog = program("expiry: {inactivity: P6M}")
    bought = order("o-2", at(3, 1), SOCKS)
    ledger, _ = run(prog, Ledger(), order("o-1", at(1, 1), SOCKS), bought)
    deadline = at(9, 1)
    assert prog.status(member=MEMBER, ledger=ledger, at=at(4, 1)).expiring_next == (deadline, 20)
    ledger, _ = run(prog, ledger, Return(id="r", purchase=bought, occurred_at=at(5, 1)))
    assert prog.status(member=MEMBER, ledger=ledger, at=at(5, 2)).expiring_next == (deadline, 10)


def test_a_quote_counts_points_and_cashback_apart() -> None:
    prog = program(CASHBACK, CASHBACK_RULES)
    cart = order("o-1", at(3, 1), SHOES, SOCKS)
    quote = prog.quote(cart, member=MEMBER, ledger=Ledger(), at=at(3, 1))
    assert (quote.points, dict(quote.awarded)) == (240, {"points": 240, "cashback": 175})


def test_a_rule_whose_points_expire_on_a_fixed_day_stops_after_that_day() -> None:
    prog = program(rules="    expiry: {on: 2026-03-31}\n")  # the $50 bonus
    _, (before,) = run(prog, Ledger(), order("o-1", at(3, 31, 23), SHOES))
    _, (after,) = run(prog, Ledger(), order("o-1", at(4, 1, 0), SHOES))
    assert (before.points, after.points) == (160, 60)


def test_events_dated_before_a_checkpoint_are_refused() -> None:
    prog = program()
    ledger, _ = run(prog, Ledger(), order("o-1", at(1, 5), SOCKS))
    compact = ledger.compact(at(3, 1))
    with pytest.raises(ValidationError, match=r"the event .* is before the ledger.s checkpoint"):
        prog.process(order("late", at(2, 1), SOCKS), member=MEMBER, ledger=compact)


def test_transfer_limits_survive_compaction() -> None:
    prog = program(TRANSFERS)
    sender = funded(prog)
    out, _ = prog.transfer(
        300, sender=MEMBER, sender_ledger=sender, recipient=FRIEND,
        recipient_ledger=Ledger(), at=at(4, 1), key="g-1",
    )  # fmt: skip
    compact = sender.append(out.entries).compact(at(5, 1))
    with pytest.raises(NotAllowed, match="300 sent already"):
        prog.transfer(
            301, sender=MEMBER, sender_ledger=compact, recipient=FRIEND,
            recipient_ledger=Ledger(), at=at(6, 1), key="g-2",
        )  # fmt: skip


def test_a_write_off_counts_from_its_own_date() -> None:
    prog = program("negative_balance: clamp")
    bought = order("o-1", at(3, 1), SHOES)
    ledger, _ = run(prog, Ledger(), bought)
    spent = prog.adjust(
        member=MEMBER, ledger=ledger, points=-150, reason="x", actor="ops", at=at(3, 2), key="k"
    )
    ledger, _ = run(
        prog, ledger.append(spent.entries), Return(id="r", purchase=bought, occurred_at=at(3, 5))
    )
    assert (ledger.balance(at(3, 4)).written_off, ledger.balance(at(3, 5)).written_off) == (0, 150)


def test_money_accounts_are_explained_in_currency_by_every_operation() -> None:
    prog = program(CASHBACK + "pending: {until: activated}\n", CASHBACK_RULES)
    bought = order("o-1", at(3, 1), SHOES, SOCKS)
    ledger, _ = run(prog, Ledger(), bought)
    ledger, (activated,) = run(
        prog, ledger, Activation(purchase_id="o-1", member_id=MEMBER.id, occurred_at=at(3, 3))
    )
    assert str(activated) == "Order o-1 activated: 240 points now available"  # cashback: P30D
    adjusted = prog.adjust(
        member=MEMBER,
        ledger=ledger,
        points=500,
        reason="goodwill",
        actor="ops",
        at=at(3, 4),
        key="k",
        account="cashback",
    )
    assert str(adjusted) == "Adjusted by ops (goodwill): +$5.00"
    _, (returned,) = run(
        prog, ledger, Return(id="r", purchase=bought, occurred_at=at(3, 5), lines={"SOCKS": 1})
    )
    assert "Returned 1 x SOCKS from order o-1: -$0.25" in returned.messages


def test_the_points_account_cannot_count_money() -> None:
    with pytest.raises(ProgramError, match="the points account counts points"):
        program("accounts:\n  points: {unit: money}\n")


def test_an_unknown_transfer_account_is_located_under_transfers() -> None:
    with pytest.raises(ProgramError) as caught:
        program("transfers: {account: miles}\n")
    (problem,) = caught.value.problems
    assert (problem.path, problem.line, problem.message) == (
        "transfers.account",
        5,
        "no account 'miles' in this program",
    )


def test_verify_reports_an_expiry_dated_away_from_its_lot_expiry() -> None:
    prog = program("expiry: {after: P12M}")
    ledger, _ = run(prog, Ledger(), order("o-1", at(3, 1), SOCKS))
    forged = Expired(
        key="expired:x",
        at=at(6, 1),
        points=10,
        consumed=(Consumption("purchase:o-1:earn:base", 10),),
        lot="purchase:o-1:earn:base",
    )
    (problem,) = ledger.append([forged]).verify()
    assert problem.key == "expired:x"
    assert "the lot expires 2027-03-01" in problem.message


def test_a_checkpoint_with_transfers_survives_a_json_round_trip() -> None:
    import json

    prog = program(TRANSFERS)
    sender = funded(prog)
    out, _ = prog.transfer(
        100, sender=MEMBER, sender_ledger=sender, recipient=FRIEND,
        recipient_ledger=Ledger(), at=at(4, 1), key="g",
    )  # fmt: skip
    compact = sender.append(out.entries).compact(at(5, 1))
    assert compact.checkpoint is not None
    assert compact.checkpoint.sent == (("points", at(4, 1), 100),)
    assert Ledger.from_dicts(json.loads(json.dumps(compact.to_dicts()))) == compact
