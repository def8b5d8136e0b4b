"""What counts as activity for inactivity expiry, and deadlines on a calendar grain."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
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
    Program,
    ProgramError,
    Purchase,
    entry_from_dict,
    loads_program,
)

NY = ZoneInfo("America/New_York")
MEMBER = Member(id="m-1", joined_at=datetime(2025, 1, 1, tzinfo=UTC))
TICK = timedelta(microseconds=1)


def shop(expiry: str) -> Program:
    return loads_program(
        "program: shop\ncurrency: USD\ntimezone: America/New_York\n"
        f"expiry: {expiry}\n"
        "earn:\n"
        "  - {id: base, effect: {type: points_per_spend, points: 1}}\n"
        "  - {id: review, activity: review, effect: {type: bonus, points: 5}}\n"
    )


def buy(ledger: Ledger, program: Program, when: datetime, n: int = 1) -> Ledger:
    purchase = Purchase(
        id=f"o-{n}", member_id=MEMBER.id, occurred_at=when, lines=[item(price="100.00")]
    )
    return ledger.apply(program.process(purchase, member=MEMBER, ledger=ledger))


def act(ledger: Ledger, program: Program, when: datetime, kind: str, n: int = 1) -> Ledger:
    activity = Activity(id=f"a-{n}", member_id=MEMBER.id, kind=kind, occurred_at=when)
    return ledger.apply(program.process(activity, member=MEMBER, ledger=ledger))


def redeem_some(ledger: Ledger, program: Program, when: datetime) -> Ledger:
    outcome = program.adjust(
        member=MEMBER, ledger=ledger, points=-10, reason="spent", actor="pos", at=when, key="d"
    )
    return ledger.apply(outcome)


def available(ledger: Ledger, when: datetime) -> int:
    return ledger.balance(when).available


BOUGHT = datetime(2026, 3, 10, 14, 0, tzinfo=NY)


def test_by_default_an_adjustment_restarts_the_clock() -> None:
    program = shop("{inactivity: P6M}")
    ledger = redeem_some(buy(Ledger(), program, BOUGHT), program, datetime(2026, 5, 1, tzinfo=NY))
    # Six months from the debit, not from the purchase.
    assert available(ledger, datetime(2026, 9, 30, tzinfo=NY)) == 90
    assert available(ledger, datetime(2026, 11, 1, tzinfo=NY)) == 0


def test_when_only_purchases_count_a_debit_does_not_restart_the_clock() -> None:
    program = shop("{inactivity: P6M, inactivity_counts: [purchases]}")
    ledger = redeem_some(buy(Ledger(), program, BOUGHT), program, datetime(2026, 5, 1, tzinfo=NY))
    deadline = datetime(2026, 9, 10, 14, 0, tzinfo=NY)  # six months after the purchase
    assert available(ledger, deadline - TICK) == 90
    assert available(ledger, deadline) == 0
    assert ledger.history.expiry_of(ledger.history.open_lots("points")[0]) == deadline


def test_a_purchase_restarts_a_purchases_only_clock() -> None:
    program = shop("{inactivity: P6M, inactivity_counts: [purchases]}")
    ledger = buy(Ledger(), program, BOUGHT)
    ledger = buy(ledger, program, datetime(2026, 9, 10, 13, 59, tzinfo=NY), n=2)  # a minute early
    assert available(ledger, datetime(2027, 3, 10, 13, 58, tzinfo=NY)) == 200


def test_only_the_named_activity_kinds_count() -> None:
    program = shop("{inactivity: P6M, inactivity_activities: [review]}")
    ledger = buy(Ledger(), program, BOUGHT)
    ledger = act(ledger, program, datetime(2026, 8, 1, tzinfo=NY), "app_login")
    assert available(ledger, datetime(2026, 9, 10, 14, 0, tzinfo=NY)) == 0
    ledger = act(ledger, program, datetime(2026, 8, 2, tzinfo=NY), "review", n=2)
    # A review (which earned 5 points) restarted the clock for every lot.
    assert available(ledger, datetime(2026, 9, 10, 14, 0, tzinfo=NY)) == 105
    assert available(ledger, datetime(2027, 2, 2, tzinfo=NY)) == 0


def test_counted_to_the_end_of_the_month_in_the_programs_zone() -> None:
    program = shop("{inactivity: P24M, inactivity_to_end_of: month}")
    ledger = buy(Ledger(), program, BOUGHT)
    end = datetime(2028, 4, 1, 0, 0, tzinfo=NY)  # 2028-03-10 14:00 + nothing: end of March
    assert available(ledger, end - TICK) == 100
    assert available(ledger, end) == 0
    # In UTC, the last instant of March in New York is already April 1.
    assert (end - TICK).astimezone(UTC).date().isoformat() == "2028-04-01"


def test_counted_to_the_end_of_the_day() -> None:
    program = shop("{inactivity: P6M, inactivity_to_end_of: day}")
    ledger = buy(Ledger(), program, datetime(2026, 3, 10, 23, 30, tzinfo=NY))
    end = datetime(2026, 9, 11, 0, 0, tzinfo=NY)
    assert available(ledger, end - TICK) == 100
    assert available(ledger, end) == 0


def test_the_lot_carries_its_inactivity_terms_through_storage() -> None:
    program = shop("{inactivity: P6M, inactivity_counts: [purchases, redemptions]}")
    ledger = buy(Ledger(), program, BOUGHT)
    (lot,) = [e for e in ledger.entries if isinstance(e, Earned)]
    assert lot.inactivity is not None
    assert lot.inactivity.counts == ("purchases", "redemptions")
    assert entry_from_dict(lot.to_dict()) == lot


def test_a_checkpoint_keeps_what_each_kind_of_activity_last_did() -> None:
    program = shop("{inactivity: P6M, inactivity_counts: [purchases]}")
    ledger = buy(Ledger(), program, BOUGHT)
    ledger = redeem_some(ledger, program, datetime(2026, 5, 1, tzinfo=NY))
    compact = ledger.compact(datetime(2026, 6, 1, tzinfo=NY))
    for moment in (datetime(2026, 9, 10, 13, tzinfo=NY), datetime(2026, 9, 10, 15, tzinfo=NY)):
        assert available(compact, moment) == available(ledger, moment)


def test_the_default_clock_is_unchanged_by_naming_every_kind() -> None:
    every = "[purchases, activities, earning, redemptions, transfers_in, transfers_out, "
    every += "adjustments, memberships]"
    default, named = (
        shop("{inactivity: P6M}"),
        shop(f"{{inactivity: P6M, inactivity_counts: {every}}}"),
    )
    for program in (default, named):
        ledger = redeem_some(
            buy(Ledger(), program, BOUGHT), program, datetime(2026, 5, 1, tzinfo=NY)
        )
        assert available(ledger, datetime(2026, 10, 31, 23, tzinfo=NY)) == 90


@settings(max_examples=40, deadline=None)
@given(
    days=st.lists(st.integers(min_value=0, max_value=500), min_size=1, max_size=5),
    grain=st.sampled_from(["day", "month"]),
)
def test_a_grain_only_ever_moves_a_deadline_later(days: list[int], grain: str) -> None:
    exact = shop("{inactivity: P3M}")
    rounded = shop(f"{{inactivity: P3M, inactivity_to_end_of: {grain}}}")
    start = datetime(2026, 1, 1, 9, tzinfo=NY)
    ledgers = [Ledger(), Ledger()]
    for n, day in enumerate(sorted(days)):
        for i, program in enumerate((exact, rounded)):
            ledgers[i] = buy(ledgers[i], program, start + timedelta(days=day), n)
    lot_exact = ledgers[0].history.open_lots("points")[0]
    lot_rounded = ledgers[1].history.open_lots("points")[0]
    when_exact = ledgers[0].history.expiry_of(lot_exact)
    when_rounded = ledgers[1].history.expiry_of(lot_rounded)
    assert when_exact <= when_rounded
    local = when_rounded.astimezone(NY)
    assert (local.hour, local.minute) == (0, 0)
    if grain == "month":
        assert local.day == 1


@pytest.mark.parametrize(
    ("expiry", "message"),
    [
        ("{after: P12M, inactivity_counts: [purchases]}", "give 'inactivity' too"),
        ("{inactivity: P6M, inactivity_counts: [purchase]}", "inactivity_counts"),
        (
            "{inactivity: P6M, inactivity_counts: [activities], inactivity_activities: [review]}",
            "leave 'activities' out",
        ),
        ("{inactivity: P6M, inactivity_to_end_of: week}", "inactivity_to_end_of"),
    ],
)
def test_inactivity_terms_that_make_no_sense_are_refused(expiry: str, message: str) -> None:
    with pytest.raises(ProgramError, match=message):
        shop(expiry)


def test_a_checkpoint_opens_no_gap_the_default_clock_never_had() -> None:
    # An adjustment long before, then purchases that keep the points alive: after
    # compaction the adjustment's instant must not join the default clock (it would
    # open a three-month gap ending before the next purchase).
    program = shop("{inactivity: P3M}")
    ledger = Ledger().apply(
        program.adjust(
            member=MEMBER, ledger=Ledger(), points=1, reason="r", actor="a",
            at=datetime(2026, 1, 1, 1, tzinfo=UTC), key="k",
        )
    )  # fmt: skip
    ledger = buy(ledger, program, datetime(2026, 1, 21, 3, tzinfo=UTC), n=1)
    ledger = buy(ledger, program, datetime(2026, 4, 1, 1, tzinfo=UTC), n=2)
    compact = ledger.compact(datetime(2026, 4, 1, 2, tzinfo=UTC))
    moment = datetime(2026, 5, 11, tzinfo=UTC)
    assert available(compact, moment) == available(ledger, moment) == 201
