"""Points kept by a standing: ``keeps_points`` on a tier level or a paid plan, and the
expiry's ``resume``."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loyalrules import (
    Ledger,
    LineItem,
    Member,
    Membership,
    Money,
    Program,
    ProgramError,
    Purchase,
    Return,
    TierChanged,
    loads_program,
)
from loyalrules.ledger.entries import entry_from_dict

NY = ZoneInfo("America/New_York")
MEMBER = Member(id="m-1", joined_at=datetime(2025, 1, 1, tzinfo=NY))
SECOND = timedelta(seconds=1)


def program(
    expiry: str = "{after: P12M}",
    *,
    gold: str = "keeps_points: true",
    plus: str = "keeps_points: true",
) -> Program:
    return loads_program(f"""
program: kept
currency: USD
timezone: America/New_York
expiry: {expiry}
tiers:
  levels:
    - {{id: member, name: Member}}
    - {{id: gold, name: Gold, qualify: 1000, {gold}}}
memberships:
  - {{id: plus, name: Plus, fee: "49.00", period: P1Y, {plus}}}
earn:
  - id: base
    effect: {{type: points_per_spend, points: 1}}
""")


def at(year: int, month: int, day: int, hour: int = 12) -> datetime:
    return datetime(year, month, day, hour, tzinfo=NY)


def buy(number: int, when: datetime, amount: str = "100.00") -> Purchase:
    line = LineItem(sku="X", category="x", unit_price=Money(amount, "USD"))
    return Purchase(id=f"o-{number}", member_id=MEMBER.id, occurred_at=when, lines=[line])


def tier(level: str, when: datetime) -> TierChanged:
    """The tier written down at ``when`` (as a purchase or ``review_tiers`` writes it)."""
    previous = "member" if level == "gold" else "gold"
    key = f"tier:test:{when.isoformat()}:{level}"
    return TierChanged(key=key, at=when, level=level, previous=previous, reason="test")


def plan(number: int, action: str, when: datetime) -> Membership:
    return Membership(
        id=f"e-{number}", member_id=MEMBER.id, plan="plus", action=action, occurred_at=when
    )


def run(loaded: Program, *events: object, ledger: Ledger | None = None) -> Ledger:
    ledger = ledger or Ledger()
    for event in events:
        if isinstance(event, TierChanged):
            ledger = ledger.append([event])
        else:
            ledger = ledger.apply(loaded.process(event, member=MEMBER, ledger=ledger))  # type: ignore[arg-type]
    return ledger


def available(ledger: Ledger, when: datetime) -> int:
    return ledger.balance(at=when).available


DEADLINE = at(2027, 2, 1)  # the lot of February 1, 2026 under {after: P12M}


@pytest.mark.parametrize(
    ("ends", "gone_at"),
    [(DEADLINE - SECOND, DEADLINE), (DEADLINE, DEADLINE), (DEADLINE + SECOND, DEADLINE + SECOND)],
)
def test_from_earning_a_deadline_inside_the_standing_goes_when_it_ends(
    ends: datetime, gone_at: datetime
) -> None:
    loaded = program("{after: P12M, resume: from_earning}")
    ledger = run(loaded, buy(1, at(2026, 2, 1)), tier("gold", at(2026, 6, 1)), tier("member", ends))
    assert available(ledger, gone_at - timedelta(microseconds=1)) == 100
    assert available(ledger, gone_at) == 0
    expired = loaded.expire(member=MEMBER, ledger=ledger, at=gone_at)
    assert [entry.at for entry in expired.entries] == [gone_at]


def test_remaining_the_lot_gets_the_time_the_standing_held_it() -> None:
    loaded = program()
    ledger = run(
        loaded, buy(1, at(2026, 2, 1)), tier("gold", at(2026, 6, 1)), tier("member", at(2026, 9, 1))
    )
    # three months held (June 1 to September 1, 92 days) after the deadline of February 1
    gone = at(2027, 2, 1) + timedelta(days=92)
    assert available(ledger, gone - SECOND) == 100
    assert available(ledger, gone) == 0


def test_restart_counts_a_fresh_period_from_the_end_of_the_standing() -> None:
    loaded = program("{after: P12M, end_of: month, resume: restart}")
    ledger = run(
        loaded, buy(1, at(2026, 2, 1)), tier("gold", at(2026, 6, 1)), tier("member", at(2027, 3, 5))
    )
    # 12 months from March 5, 2027, at the end of that month in New York
    gone = datetime(2028, 4, 1, tzinfo=NY)
    assert available(ledger, gone - SECOND) == 100
    assert available(ledger, gone) == 0


def test_a_standing_that_begins_at_the_deadline_comes_too_late() -> None:
    loaded = program("{after: P12M, resume: from_earning}")
    ledger = run(loaded, buy(1, at(2026, 2, 1)), tier("gold", DEADLINE))
    assert available(ledger, DEADLINE) == 0
    late = run(loaded, buy(1, at(2026, 2, 1)), tier("gold", DEADLINE - SECOND))
    assert available(late, DEADLINE) == 100


def test_points_earned_while_gold_wait_for_gold_to_end() -> None:
    loaded = program()
    ledger = run(loaded, tier("gold", at(2026, 1, 1)), buy(1, at(2026, 3, 1)))
    assert available(ledger, at(2030, 1, 1)) == 100
    assert ledger.balance(at=at(2030, 1, 1)).expiring == ()
    ended = run(loaded, tier("member", at(2030, 1, 1)), ledger=ledger)
    # the whole twelve months start when Gold ends
    assert available(ended, at(2030, 12, 31)) == 100
    assert available(ended, at(2031, 1, 1)) == 0


def test_the_purchase_that_reaches_gold_is_kept_from_its_own_instant() -> None:
    loaded = program()
    ledger = run(loaded, buy(1, at(2026, 2, 1)), buy(2, at(2026, 3, 1), "1000.00"))
    assert [e.key for e in ledger.entries if isinstance(e, TierChanged)] == [
        "tier:purchase:o-2:gold"
    ]
    # Gold lasts to the end of 2027; nothing expires while the ledger says Gold
    assert available(ledger, at(2029, 1, 1)) == 1100
    status = loaded.status(member=MEMBER, ledger=ledger, at=at(2027, 1, 31))
    assert not any("expire" in message for message in status.messages)


def test_a_paid_plan_keeps_points_until_it_lapses() -> None:
    loaded = program()
    ledger = run(loaded, buy(1, at(2026, 2, 1)), plan(1, "subscribe", at(2026, 6, 1)))
    # the plan lasts a year, to June 1, 2027 at noon: the deadline fell meanwhile
    assert available(ledger, at(2027, 3, 1)) == 100
    gone = at(2027, 2, 1) + (at(2027, 6, 1) - at(2026, 6, 1))
    assert available(ledger, gone - SECOND) == 100
    assert available(ledger, gone) == 0
    lapsed = run(
        loaded, buy(1, at(2026, 2, 1)), plan(1, "subscribe", at(2026, 6, 1)),
        plan(2, "cancel", at(2026, 7, 1)),
    )  # fmt: skip
    assert available(lapsed, at(2027, 3, 1, 11)) == 100  # 30 days more, to March 3
    assert available(lapsed, at(2027, 3, 4)) == 0


def test_inactivity_does_not_run_while_the_plan_is_active() -> None:
    loaded = program("{inactivity: P6M, resume: restart}")
    ledger = run(loaded, buy(1, at(2026, 1, 10)), plan(1, "subscribe", at(2026, 5, 1)))
    # no activity after May 1, 2026; the plan ends May 1, 2027 at noon: 6 months from then
    assert available(ledger, at(2027, 11, 1, 11)) == 100
    assert available(ledger, at(2027, 11, 1, 12)) == 0
    plain = run(program("{inactivity: P6M}", gold="", plus=""), buy(1, at(2026, 1, 10)))
    assert available(plain, at(2026, 7, 10, 12)) == 0


def test_the_remaining_time_is_counted_on_the_local_clock_across_daylight_saving() -> None:
    loaded = program()
    # held from a winter noon to a summer noon: the lot moves by whole local days
    ledger = run(
        loaded,
        buy(1, at(2026, 1, 10)),
        tier("gold", at(2026, 2, 1)),
        tier("member", at(2026, 7, 1)),
    )
    days = (datetime(2026, 7, 1) - datetime(2026, 2, 1)).days
    gone = (datetime(2027, 1, 10, 12) + timedelta(days=days)).replace(tzinfo=NY)
    assert gone.hour == 12
    assert available(ledger, gone - SECOND) == 100
    assert available(ledger, gone) == 0


def test_a_return_during_the_standing_takes_its_points_and_keeps_the_rest() -> None:
    loaded = program()
    line = LineItem(sku="X", category="x", unit_price=Money("100.00", "USD"), quantity=3)
    bought = Purchase(id="o-1", member_id=MEMBER.id, occurred_at=at(2026, 2, 1), lines=[line])
    ledger = run(loaded, bought, tier("gold", at(2026, 3, 1)))
    back = Return(id="r-1", purchase=bought, lines={"X": 1}, occurred_at=at(2026, 4, 1))
    ledger = run(loaded, back, ledger=ledger)
    assert available(ledger, at(2030, 1, 1)) == 200


def test_a_compacted_ledger_dates_kept_points_as_the_full_one() -> None:
    loaded = program("{after: P12M, resume: restart}")
    first = (buy(1, at(2026, 2, 1)), tier("gold", at(2026, 3, 1)), tier("member", at(2026, 5, 1)))
    full = run(loaded, *first, tier("gold", at(2026, 8, 1)), buy(2, at(2026, 9, 1)))
    compact = full.compact(at(2026, 10, 1))
    more = (tier("member", at(2027, 3, 1)), buy(3, at(2027, 4, 1)))
    full, compact = run(loaded, *more, ledger=full), run(loaded, *more, ledger=compact)
    for moment in (at(2027, 3, 1), at(2028, 2, 29), at(2028, 3, 1), at(2028, 4, 2)):
        assert compact.balance(at=moment) == full.balance(at=moment)
    rows = [entry.to_dict() for entry in compact.entries]
    replayed = Ledger([entry_from_dict(row) for row in rows])
    assert replayed.balance(at=at(2028, 2, 1)) == compact.balance(at=at(2028, 2, 1))


def test_the_expiry_run_says_which_standing_kept_the_points() -> None:
    loaded = program()
    ledger = run(loaded, buy(1, at(2026, 2, 1)), plan(1, "subscribe", at(2026, 3, 1)))
    outcome = loaded.expire(member=MEMBER, ledger=ledger, at=at(2029, 1, 1))
    assert outcome.messages == (
        "100 points expired on 2028-02-01 at 12:00, kept by Plus until 2027-03-01 12:00",
    )


def test_without_keeps_points_lots_carry_no_exemption() -> None:
    ledger = run(program(gold="", plus=""), buy(1, at(2026, 2, 1)))
    assert all(getattr(entry, "exemption", None) is None for entry in ledger.entries)
    loaded = loads_program(
        "program: p\ncurrency: USD\ntimezone: UTC\nexpiry: {after: P1Y}\nearn: []\n"
    )
    assert loaded.settings.exemption(loaded.settings.account("points").expiry) is None


@pytest.mark.parametrize(
    ("yaml", "message"),
    [
        (
            "tiers:\n  levels:\n    - {id: a, keeps_points: true}\n    - {id: b, qualify: 5}\n",
            "the first level 'a' is everyone's",
        ),
        ("expiry: {on: '12-31', resume: restart}\n", "'resume: restart' counts a fresh"),
        ("expiry: {after: P1Y, resume: later}\n", "later"),
    ],
)
def test_misplaced_terms_are_refused(yaml: str, message: str) -> None:
    with pytest.raises(ProgramError, match=message):
        loads_program(f"program: p\ncurrency: USD\ntimezone: UTC\n{yaml}earn: []\n")


# --- properties -----------------------------------------------------------------------

days = st.integers(min_value=0, max_value=4 * 365)


@settings(max_examples=30, deadline=None)
@given(
    purchases=st.lists(days, min_size=1, max_size=5),
    expiry=st.sampled_from(
        (
            "{after: P6M}",
            "{after: P12M, end_of: month, resume: restart}",
            "{on: '12-31'}",
            "{inactivity: P3M, resume: from_earning}",
        )
    ),
    ask=days,
)
def test_a_member_holding_the_standing_throughout_never_loses_points(
    purchases: list[int], expiry: str, ask: int
) -> None:
    loaded = program(expiry)
    start = at(2026, 1, 1)
    events: list[object] = [plan(0, "subscribe", start - timedelta(days=1))]
    for year in range(1, 6):  # renewed every year, before the year runs out
        events.append(plan(year, "renew", start + timedelta(days=365 * year - 2)))
    events += [buy(n, start + timedelta(days=day)) for n, day in enumerate(sorted(purchases))]
    events.sort(key=lambda event: event.occurred_at)  # type: ignore[attr-defined]
    ledger = run(loaded, *events)
    when = start + timedelta(days=ask)
    balance = ledger.balance(at=when)
    assert balance.lifetime_expired == 0
    assert loaded.expire(member=MEMBER, ledger=ledger, at=when).entries == ()


@settings(max_examples=30, deadline=None)
@given(
    purchases=st.lists(days, min_size=1, max_size=5),
    expiry=st.sampled_from(("{after: P6M}", "{on: '12-31'}", "{inactivity: P3M}")),
    ask=days,
)
def test_a_member_who_never_holds_it_expires_as_without_the_term(
    purchases: list[int], expiry: str, ask: int
) -> None:
    events = [
        buy(n, at(2026, 1, 1) + timedelta(days=day)) for n, day in enumerate(sorted(purchases))
    ]
    kept = run(program(expiry), *events)
    plain = run(program(expiry, gold="", plus=""), *events)
    when = at(2026, 1, 1) + timedelta(days=ask)
    assert kept.balance(at=when) == plain.balance(at=when)


def test_a_manual_tier_keeps_points_once_the_review_writes_it_down() -> None:
    loaded = program("{after: P12M, resume: from_earning}")
    ledger = run(loaded, buy(1, at(2026, 2, 1)))
    match = loaded.assign_tier(
        member=MEMBER, ledger=ledger, level="gold", reason="status match", actor="agent",
        at=at(2026, 12, 1), until=at(2027, 6, 1), key="T-1",
    )  # fmt: skip
    ledger = ledger.apply(match)
    assert available(ledger, DEADLINE) == 0  # not written down yet: not held
    ledger = ledger.apply(loaded.review_tiers(member=MEMBER, ledger=ledger, at=at(2027, 7, 1)))
    changes = [(e.at, e.level) for e in ledger.entries if isinstance(e, TierChanged)]
    assert changes == [(at(2026, 12, 1), "gold"), (at(2027, 6, 1), "member")]
    assert available(ledger, at(2027, 6, 1) - SECOND) == 100
    assert available(ledger, at(2027, 6, 1)) == 0
