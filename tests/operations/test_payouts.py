"""payouts: credit accrued across purchases, issued once a period by close_periods."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import item, usd

from loyalrules import (
    Earned,
    Ledger,
    Member,
    Program,
    ProgramError,
    Purchase,
    Return,
    loads_program,
)

NY = ZoneInfo("America/New_York")
MEMBER = Member(id="m-1", joined_at=datetime(2025, 1, 1, tzinfo=NY))
TICK = timedelta(microseconds=1)
NEW_YEAR = datetime(2027, 1, 1, 0, 0, tzinfo=NY)


def program(extra: str = "") -> Program:
    return loads_program(
        "program: coop\ncurrency: USD\ntimezone: America/New_York\n"
        "accounts: {dividend: {unit: money}}\n"
        "payouts:\n"
        "  - id: dividend\n    name: Member dividend\n    percent: 2\n    period: year\n"
        "    account: dividend\n" + extra + "earn: []\n"
    )


def buy(prog: Program, ledger: Ledger, n: int, when: datetime, price: str) -> Ledger:
    purchase = Purchase(
        id=f"o-{n}", member_id=MEMBER.id, occurred_at=when, lines=[item(price=price)]
    )
    return ledger.apply(prog.process(purchase, member=MEMBER, ledger=ledger))


def issued(prog: Program, ledger: Ledger, at: datetime = NEW_YEAR) -> list[tuple[str, int]]:
    outcome = prog.close_periods(member=MEMBER, ledger=ledger, at=at)
    return [(e.key, e.points) for e in outcome.entries if isinstance(e, Earned)]


def test_two_percent_of_the_years_spend_rounded_once_at_the_end() -> None:
    prog = program()
    ledger = Ledger()
    for n, price in enumerate(("10.33", "10.33", "10.33")):  # 0.2066 each: 0.6198 in all
        ledger = buy(prog, ledger, n, datetime(2026, 3 + n, 1, tzinfo=NY), price)
    assert issued(prog, ledger) == [("payout:dividend:2026-01-01", 61)]  # not 3 x 20


def test_nothing_is_issued_before_the_period_ends() -> None:
    prog = program()
    ledger = buy(prog, Ledger(), 1, datetime(2026, 6, 1, tzinfo=NY), "100.00")
    assert issued(prog, ledger, NEW_YEAR - TICK) == []
    assert issued(prog, ledger, NEW_YEAR) == [("payout:dividend:2026-01-01", 200)]


def test_the_last_instant_of_the_year_in_the_programs_zone_counts() -> None:
    prog = program()
    ledger = buy(prog, Ledger(), 1, NEW_YEAR - TICK, "100.00")  # 05:00 on Jan 1 in UTC
    ledger = buy(prog, ledger, 2, NEW_YEAR, "50.00")  # the next year's
    assert issued(prog, ledger, NEW_YEAR) == [("payout:dividend:2026-01-01", 200)]


def test_a_replayed_close_adds_nothing_and_the_lot_is_dated_at_the_periods_end() -> None:
    prog = program()
    ledger = buy(prog, Ledger(), 1, datetime(2026, 6, 1, tzinfo=NY), "100.00")
    outcome = prog.close_periods(member=MEMBER, ledger=ledger, at=NEW_YEAR + timedelta(days=3))
    (lot,) = outcome.entries
    assert lot.at == NEW_YEAR
    ledger = ledger.apply(outcome)
    assert (
        prog.close_periods(member=MEMBER, ledger=ledger, at=NEW_YEAR + timedelta(days=4)).entries
        == ()
    )
    assert ledger.balance(NEW_YEAR, "dividend").available == 200


def test_exactly_the_minimum_and_one_cent_under() -> None:
    prog = program("    min: '0.50'\n")
    assert issued(prog, buy(prog, Ledger(), 1, datetime(2026, 6, 1, tzinfo=NY), "25.00")) == [
        ("payout:dividend:2026-01-01", 50)
    ]
    assert issued(prog, buy(prog, Ledger(), 1, datetime(2026, 6, 1, tzinfo=NY), "24.99")) == []


def test_a_step_a_cap_and_a_rounding_mode() -> None:
    step = program("    step: '0.50'\n    rounding: half_up\n    max: '5.00'\n")
    assert issued(step, buy(step, Ledger(), 1, datetime(2026, 6, 1, tzinfo=NY), "187.50")) == [
        ("payout:dividend:2026-01-01", 400)  # 3.75 -> 4.00 (half up, whole 0.50s)
    ]
    assert issued(step, buy(step, Ledger(), 1, datetime(2026, 6, 1, tzinfo=NY), "900.00")) == [
        ("payout:dividend:2026-01-01", 500)  # 18.00 capped
    ]


def test_net_purchases_in_the_year_must_reach_the_condition() -> None:
    prog = program("    min_net_spend: '10.00'\n")
    bought = Purchase(
        id="o-1", member_id=MEMBER.id, occurred_at=datetime(2026, 6, 1, tzinfo=NY),
        lines=[item(sku="A", price="8.00"), item(sku="B", price="4.00")],
    )  # fmt: skip
    ledger = Ledger().apply(prog.process(bought, member=MEMBER, ledger=Ledger()))
    assert issued(prog, ledger) == [("payout:dividend:2026-01-01", 24)]
    back = Return(
        id="r", purchase=bought, occurred_at=datetime(2026, 7, 1, tzinfo=NY), lines={"B": 1}
    )
    ledger = ledger.apply(prog.process(back, member=MEMBER, ledger=ledger))
    assert issued(prog, ledger) == []  # 8.00 net is under 10.00


def test_every_closed_period_is_issued_once() -> None:
    quarterly = loads_program(
        "program: coop\ncurrency: USD\ntimezone: America/New_York\n"
        "accounts: {cash: {unit: money}}\n"
        "payouts: [{id: q, percent: 1, period: quarter, account: cash}]\nearn: []\n"
    )
    ledger = Ledger()
    for n, month in enumerate((1, 5, 11)):
        ledger = buy(quarterly, ledger, n, datetime(2026, month, 2, tzinfo=NY), "100.00")
    keys = [key for key, _ in issued(quarterly, ledger)]
    assert keys == ["payout:q:2026-01-01", "payout:q:2026-04-01", "payout:q:2026-10-01"]


def test_status_shows_what_has_accrued_and_when_it_is_issued() -> None:
    prog = program()
    ledger = buy(prog, Ledger(), 1, datetime(2026, 6, 1, tzinfo=NY), "160.47")
    status = prog.status(member=MEMBER, ledger=ledger, at=datetime(2026, 6, 2, tzinfo=NY))
    (payout,) = status.payouts
    assert (payout.accrued, payout.to_issue, payout.issues_at) == (
        usd("3.20"),
        usd("3.20"),
        NEW_YEAR,
    )
    assert "Member dividend: $3.20 accrued, issued at the end of 2026-12-31" in status.messages


def test_the_account_must_hold_money() -> None:
    with pytest.raises(ProgramError, match="a payout needs 'unit: money'"):
        loads_program(
            "program: p\ncurrency: USD\ntimezone: UTC\n"
            "payouts: [{id: q, percent: 1, period: year, account: points}]\nearn: []\n"
        )


@settings(max_examples=40, deadline=None)
@given(cents=st.lists(st.integers(1, 100_000), min_size=1, max_size=6))
def test_the_issue_is_the_rounded_total_never_the_sum_of_rounded_parts(cents: list[int]) -> None:
    prog = program()
    ledger = Ledger()
    for n, amount in enumerate(cents):
        ledger = buy(
            prog,
            ledger,
            n,
            datetime(2026, 2, 1, tzinfo=NY) + timedelta(days=n),
            str(Decimal(amount) / 100),
        )
    total = Decimal(sum(cents)) / 100
    expected = int((total * 2).to_integral_value(rounding="ROUND_FLOOR"))  # cents of 2%
    got = issued(prog, ledger)
    assert got == ([("payout:dividend:2026-01-01", expected)] if expected else [])


def _in(currency: str, step: str = "") -> Program:
    return loads_program(
        f"program: souq\ncurrency: {currency}\ntimezone: Asia/Kuwait\n"
        "accounts: {cash: {unit: money}}\n"
        "payouts:\n"
        f"  - {{id: back, percent: 2, period: quarter, account: cash{step}}}\n"
        "earn: []\n"
    )


@pytest.mark.parametrize(
    ("currency", "step", "fils"),
    [
        ("KWD", "", 246),  # 2% of 12.345 is 0.2469: whole fils, rounded down
        ("KWD", ', step: "0.001"', 246),
        ("KWD", ', step: "0.005"', 245),
        ("BHD", "", 246),
        ("JPY", "", 0),  # 2% of 12 yen is 0.24: no whole yen
    ],
)
def test_a_payout_is_issued_in_whole_minor_units_of_its_currency(
    currency: str, step: str, fils: int
) -> None:
    from loyalrules import LineItem, Money

    kuwait = ZoneInfo("Asia/Kuwait")
    prog = _in(currency, step)
    member = Member(id="m-1", joined_at=datetime(2026, 1, 1, tzinfo=kuwait))
    price = "12" if currency == "JPY" else "12.345"
    order = Purchase(
        id="o-1", member_id="m-1", occurred_at=datetime(2026, 1, 10, tzinfo=kuwait),
        lines=[LineItem(sku="a", category="c", unit_price=Money(price, currency))],
    )  # fmt: skip
    ledger = Ledger().apply(prog.process(order, member=member, ledger=Ledger()))
    status = prog.status(member=member, ledger=ledger, at=datetime(2026, 3, 1, tzinfo=kuwait))
    closed = prog.close_periods(
        member=member, ledger=ledger, at=datetime(2026, 4, 2, tzinfo=kuwait)
    )
    assert closed.awarded("cash") == fils
    assert status.payouts[0].to_issue.amount * 10 ** (0 if currency == "JPY" else 3) == fils


def test_a_payout_step_in_parts_of_a_minor_unit_is_refused() -> None:
    with pytest.raises(ProgramError, match=r"'step' 0\.005 is not whole USD minor units \(0\.01\)"):
        _in("USD", ', step: "0.005"')
