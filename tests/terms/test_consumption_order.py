"""consumption: which points a debit takes first, per program and per account."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from support import item

from loyalrules import Ledger, Member, Program, Purchase, loads_program

MEMBER = Member(id="m-1", joined_at=datetime(2025, 1, 1, tzinfo=UTC))
FRIEND = Member(id="m-2", joined_at=datetime(2025, 1, 1, tzinfo=UTC))
START = datetime(2026, 1, 1, 12, tzinfo=UTC)


def shop(settings_yaml: str = "") -> Program:
    # Orders tagged "promo" earn promotional points that expire sooner.
    return loads_program(
        "program: shop\ncurrency: USD\ntimezone: UTC\nexpiry: {after: P24M}\n"
        "transfers: {}\n" + settings_yaml + "earn:\n"
        "  - {id: base, lines: {exclude: {tags: promo}}, "
        "effect: {type: points_per_spend, points: 1}}\n"
        "  - {id: promo, lines: {tags: promo}, expiry: {after: P3M}, "
        "effect: {type: points_per_spend, points: 1}}\n"
        "rewards:\n"
        "  - {id: drink, cost: 30, gives: {type: custom, description: a drink}}\n"
    )


def buy(program: Program, ledger: Ledger, n: int, when: datetime, promo: bool = False) -> Ledger:
    line = item(sku=f"S{n}", price="50.00", tags=("promo",) if promo else ())
    purchase = Purchase(id=f"o-{n}", member_id=MEMBER.id, occurred_at=when, lines=[line])
    return ledger.apply(program.process(purchase, member=MEMBER, ledger=ledger))


def two_lots(program: Program) -> Ledger:
    """50 points that live two years, then 50 promotional points that live three months."""
    ledger = buy(program, Ledger(), 1, START)
    return buy(program, ledger, 2, START + timedelta(days=1), promo=True)


def taken(program: Program, ledger: Ledger) -> list[tuple[str, int]]:
    outcome = program.redeem(
        "drink", member=MEMBER, ledger=ledger, at=START + timedelta(days=2), key="r"
    )
    return [(c.lot, c.points) for c in outcome.entries[0].consumed]


def test_by_default_the_soonest_expiring_points_go_first() -> None:
    program = shop()
    assert taken(program, two_lots(program)) == [("purchase:o-2:earn:promo", 30)]


def test_oldest_first_takes_points_in_the_order_earned() -> None:
    program = shop("consumption: oldest_first\n")
    assert taken(program, two_lots(program)) == [("purchase:o-1:earn:base", 30)]


def test_an_account_can_set_its_own_order() -> None:
    program = shop(
        "consumption: oldest_first\naccounts: {points: {consumption: soonest_expiring}}\n"
    )
    assert taken(program, two_lots(program)) == [("purchase:o-2:earn:promo", 30)]


def test_a_debit_that_empties_the_oldest_lot_goes_on_to_the_next() -> None:
    program = shop("consumption: oldest_first\n")
    ledger = two_lots(program)
    outcome = program.adjust(
        member=MEMBER,
        ledger=ledger,
        points=-51,
        reason="x",
        actor="ops",
        at=START + timedelta(days=2),
        key="k",
    )
    consumed = [(c.lot, c.points) for c in outcome.entries[0].consumed]
    assert consumed == [("purchase:o-1:earn:base", 50), ("purchase:o-2:earn:promo", 1)]


def test_a_transfer_sends_the_oldest_points_under_oldest_first() -> None:
    program = shop("consumption: oldest_first\n")
    sent, _ = program.transfer(
        10,
        sender=MEMBER,
        sender_ledger=two_lots(program),
        recipient=FRIEND,
        recipient_ledger=Ledger(),
        at=START + timedelta(days=2),
        key="t",
    )
    assert [(c.lot, c.points) for c in sent.entries[0].consumed] == [("purchase:o-1:earn:base", 10)]


@settings(max_examples=40, deadline=None)
@given(
    promos=st.lists(st.booleans(), min_size=1, max_size=6),
    points=st.integers(min_value=1, max_value=300),
)
def test_oldest_first_never_takes_a_newer_point_before_an_older_one(
    promos: list[bool], points: int
) -> None:
    program = shop("consumption: oldest_first\n")
    ledger = Ledger()
    for n, promo in enumerate(promos):
        ledger = buy(program, ledger, n, START + timedelta(days=n), promo)
    at = START + timedelta(days=len(promos))
    available = ledger.balance(at).available
    debit = min(points, available)
    outcome = program.adjust(
        member=MEMBER, ledger=ledger, points=-debit, reason="x", actor="ops", at=at, key="k"
    )
    consumed = {c.lot: c.points for c in outcome.entries[0].consumed}
    assert sum(consumed.values()) == debit
    lots = sorted(ledger.history.open_lots("points"), key=lambda lot: lot.at)
    # Taken lots form a prefix of the lots by earn time, all emptied but the last.
    taken_flags = [lot.key in consumed for lot in lots]
    assert taken_flags == sorted(taken_flags, reverse=True)
    for lot in lots[: sum(taken_flags) - 1]:
        assert consumed[lot.key] == lot.points
