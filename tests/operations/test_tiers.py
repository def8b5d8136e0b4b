"""Tiers: qualification at every boundary, retention, downgrades, grace, returns, manual
tiers, the crossing purchase, status; and their invariants, checked with Hypothesis."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loyalrules import (
    Earned,
    Ledger,
    LineItem,
    Member,
    Money,
    Program,
    ProgramError,
    Purchase,
    Return,
    TierChanged,
    loads_program,
)

NY = ZoneInfo("America/New_York")
MEMBER = Member(id="m-1", joined_at=datetime(2025, 6, 15, tzinfo=NY))

BEAUTY = """
program: beauty
currency: USD
timezone: America/New_York
tiers:
  qualify_on: spend
  window: calendar_year
  {extra}
  levels:
    - {{id: insider, name: Insider}}
    - {{id: vib, name: VIB, qualify: "350.00", multiplier: "1.25", upgrade_bonus: 100}}
    - {{id: rouge, name: Rouge, qualify: "1000.00", keep: "900.00", multiplier: "1.5"}}
earn:
  - id: base
    effect: {{type: points_per_spend, points: 1, counting: pro_rata}}
"""


def beauty(extra: str = "") -> Program:
    return loads_program(BEAUTY.format(extra=extra))


def at(year: int, month: int, day: int, hour: int = 12) -> datetime:
    return datetime(year, month, day, hour, tzinfo=NY)


def buy(n: int, when: datetime, amount: str) -> Purchase:
    return Purchase(
        id=f"o-{n}",
        member_id=MEMBER.id,
        occurred_at=when,
        lines=[LineItem(sku="X", category="x", unit_price=Money(amount, "USD"))],
    )


def history(prog: Program, *orders: tuple[datetime, str]) -> Ledger:
    ledger = Ledger()
    for n, (when, amount) in enumerate(orders):
        ledger = ledger.apply(prog.process(buy(n, when, amount), member=MEMBER, ledger=ledger))
    return ledger


# --- qualification at the boundaries --------------------------------------------------------


def test_exactly_at_the_threshold_qualifies() -> None:
    prog = beauty()
    ledger = history(prog, (at(2026, 3, 1), "350.00"))
    assert prog.tier(member=MEMBER, ledger=ledger, at=at(2026, 3, 1)).level.id == "vib"


def test_one_cent_under_the_threshold_does_not() -> None:
    prog = beauty()
    ledger = history(prog, (at(2026, 3, 1), "349.99"))
    assert prog.tier(member=MEMBER, ledger=ledger, at=at(2026, 3, 1)).level.id == "insider"


def test_the_purchase_that_crosses_upgrades_and_earns_at_the_old_rate_by_default() -> None:
    prog = beauty()
    ledger = history(prog, (at(2026, 3, 1), "300.00"))
    outcome = prog.process(buy(9, at(2026, 3, 2), "100.00"), member=MEMBER, ledger=ledger)
    assert outcome.messages == (
        "base: +100 points",
        "Welcome to VIB!",
        "VIB upgrade bonus: +100 points",
    )
    (change,) = [e for e in outcome.entries if isinstance(e, TierChanged)]
    assert (change.level, change.previous, change.reason) == (
        "vib",
        "insider",
        "qualified with $400.00 this period",
    )
    later = prog.process(
        buy(10, at(2026, 3, 3), "100.00"), member=MEMBER, ledger=ledger.apply(outcome)
    )
    assert later.points == 125  # now at 1.25x


def test_the_crossing_purchase_at_the_new_rate() -> None:
    prog = beauty("crossing_purchase: new_rate")
    ledger = history(prog, (at(2026, 3, 1), "300.00"))
    outcome = prog.process(buy(9, at(2026, 3, 2), "100.00"), member=MEMBER, ledger=ledger)
    assert outcome.points == 125 + 100  # 1.25x on all of it, and the bonus


def test_the_crossing_purchase_split_at_the_threshold() -> None:
    # $300 before; $100 now crosses $350: the $50 beyond it earns the extra 0.25x.
    prog = beauty("crossing_purchase: split")
    ledger = history(prog, (at(2026, 3, 1), "300.00"))
    outcome = prog.process(buy(9, at(2026, 3, 2), "100.00"), member=MEMBER, ledger=ledger)
    assert outcome.points == 100 + 12 + 100  # base, half of the 25 extra (floor), bonus


def test_a_tier_gated_bonus_on_a_split_crossing_is_paid_whole_at_the_tier_reached() -> None:
    """A fixed bonus has no share of the order to split: the crossing order pays the VIB
    gift in full (not 250 x 50/100), and its limit counts that one payment."""
    text = BEAUTY.format(extra="crossing_purchase: split") + (
        "  - {id: gift, when: {tier: vib}, limit: {per: year},\n"
        "     effect: {type: bonus, points: 250}}\n"
    )
    prog = loads_program(text)
    ledger = history(prog, (at(2026, 3, 1), "300.00"))
    outcome = prog.process(buy(9, at(2026, 3, 2), "100.00"), member=MEMBER, ledger=ledger)
    paid = {e.rule_id: e.points for e in outcome.entries if isinstance(e, Earned)}
    assert paid["gift"] == 250
    assert outcome.points == 100 + 12 + 100 + 250  # the rate still splits: half of the extra 25


def test_the_last_day_of_the_window_counts_in_the_program_time_zone() -> None:
    # 23:30 on Dec 31 in New York is already Jan 1 in UTC: it still counts for 2026.
    prog = beauty()
    ledger = history(prog, (at(2026, 6, 1), "300.00"), (at(2026, 12, 31, 23), "50.00"))
    assert prog.tier(member=MEMBER, ledger=ledger, at=at(2026, 12, 31, 23)).level.id == "vib"
    ledger = history(
        prog, (at(2026, 6, 1), "300.00"), (datetime(2027, 1, 1, 0, tzinfo=NY), "50.00")
    )
    assert (
        prog.tier(member=MEMBER, ledger=ledger, at=datetime(2027, 1, 1, 0, tzinfo=NY)).level.id
        == "insider"
    )


# --- retention, keep, downgrade, grace -------------------------------------------------------


def test_a_tier_reached_is_kept_through_the_next_year_then_re_evaluated() -> None:
    prog = beauty()
    ledger = history(prog, (at(2026, 6, 1), "1000.00"))
    assert prog.tier(member=MEMBER, ledger=ledger, at=at(2027, 12, 31)).level.id == "rouge"
    assert prog.tier(member=MEMBER, ledger=ledger, at=at(2028, 1, 1, 0)).level.id == "insider"


def test_the_keep_threshold_keeps_a_tier_that_would_no_longer_qualify() -> None:
    prog = beauty()
    ledger = history(prog, (at(2026, 6, 1), "1000.00"), (at(2027, 6, 1), "900.00"))
    assert (
        prog.tier(member=MEMBER, ledger=ledger, at=at(2028, 6, 1)).level.id == "rouge"
    )  # 900 >= keep
    ledger = history(prog, (at(2026, 6, 1), "1000.00"), (at(2027, 6, 1), "899.99"))
    assert prog.tier(member=MEMBER, ledger=ledger, at=at(2028, 6, 1)).level.id == "vib"


def test_one_level_at_a_time() -> None:
    prog = beauty("downgrade: one_level")
    ledger = history(prog, (at(2026, 6, 1), "1000.00"), (at(2027, 6, 1), "10.00"))
    assert prog.tier(member=MEMBER, ledger=ledger, at=at(2028, 6, 1)).level.id == "vib"


def test_a_grace_period_delays_the_downgrade() -> None:
    prog = beauty("grace: P1M")
    ledger = history(prog, (at(2026, 6, 1), "1000.00"))
    assert prog.tier(member=MEMBER, ledger=ledger, at=at(2028, 1, 31)).level.id == "rouge"
    assert (
        prog.tier(member=MEMBER, ledger=ledger, at=datetime(2028, 2, 1, tzinfo=NY)).level.id
        == "insider"
    )


def test_a_return_after_the_upgrade_can_cost_the_tier() -> None:
    prog = beauty()
    bought = buy(0, at(2026, 3, 1), "400.00")
    ledger = Ledger().apply(prog.process(bought, member=MEMBER, ledger=Ledger()))
    assert prog.tier(member=MEMBER, ledger=ledger, at=at(2026, 3, 2)).level.id == "vib"
    returned = Return(id="r", purchase=bought, occurred_at=at(2026, 3, 5))
    ledger = ledger.apply(prog.process(returned, member=MEMBER, ledger=ledger))
    assert prog.tier(member=MEMBER, ledger=ledger, at=at(2026, 3, 5)).level.id == "insider"
    review = prog.review_tiers(member=MEMBER, ledger=ledger, at=at(2026, 4, 1))
    (change,) = review.entries
    assert isinstance(change, TierChanged)
    assert (change.at, change.level) == (at(2026, 3, 5), "insider")


def test_returns_need_not_count() -> None:
    prog = beauty("returns_count: false")
    bought = buy(0, at(2026, 3, 1), "400.00")
    ledger = Ledger().apply(prog.process(bought, member=MEMBER, ledger=Ledger()))
    returned = Return(id="r", purchase=bought, occurred_at=at(2026, 3, 5))
    ledger = ledger.apply(prog.process(returned, member=MEMBER, ledger=ledger))
    assert prog.tier(member=MEMBER, ledger=ledger, at=at(2026, 3, 5)).level.id == "vib"


def test_a_manual_tier_is_a_floor_until_its_end() -> None:
    prog = beauty()
    ledger = history(prog, (at(2026, 3, 1), "10.00"))
    assigned = prog.assign_tier(
        member=MEMBER, ledger=ledger, level="rouge", until=at(2026, 9, 1),
        reason="status match", actor="ops", at=at(2026, 3, 2), key="t-1",
    )  # fmt: skip
    ledger = ledger.apply(assigned)
    assert prog.tier(member=MEMBER, ledger=ledger, at=at(2026, 8, 31)).level.id == "rouge"
    assert prog.tier(member=MEMBER, ledger=ledger, at=at(2026, 9, 1)).level.id == "insider"


@pytest.mark.parametrize("bought", [False, True])
def test_a_late_review_writes_a_manual_tier_given_before_any_purchase_at_its_dates(
    bought: bool,
) -> None:
    """A status match before the member's first purchase (or with none at all), reviewed
    once after it ended: the review writes it up and down, each when it happened."""
    prog = beauty()
    ledger = Ledger().apply(
        prog.assign_tier(
            member=MEMBER, ledger=Ledger(), level="rouge", until=at(2026, 6, 1),
            reason="status match", actor="ops", at=at(2026, 3, 2), key="t-1",
        )
    )  # fmt: skip
    if bought:
        later = buy(1, at(2026, 3, 3), "10.00")
        ledger = ledger.apply(prog.process(later, member=MEMBER, ledger=ledger))
    review = prog.review_tiers(member=MEMBER, ledger=ledger, at=at(2026, 7, 1))
    written = [(e.at, e.previous, e.level) for e in review.entries if isinstance(e, TierChanged)]
    assert written == [(at(2026, 3, 2), "insider", "rouge"), (at(2026, 6, 1), "rouge", "insider")]
    again = ledger.apply(review)
    assert prog.review_tiers(member=MEMBER, ledger=again, at=at(2026, 7, 1)).entries == ()


def test_anniversary_years_start_on_the_join_date() -> None:
    prog = loads_program(BEAUTY.format(extra="").replace("calendar_year", "anniversary_year"))
    ledger = history(prog, (at(2026, 6, 14), "200.00"), (at(2026, 6, 15), "200.00"))
    # June 14 is in the year that began 2025-06-15; June 15 starts a new one.
    assert prog.tier(member=MEMBER, ledger=ledger, at=at(2026, 6, 15)).level.id == "insider"


def test_an_anniversary_year_starts_at_local_midnight_of_the_join_date() -> None:
    """Joined at 18:00: the year still turns at midnight, as a membership_year limit does,
    so a purchase in the morning of the anniversary counts in the new year."""
    prog = loads_program(BEAUTY.format(extra="").replace("calendar_year", "anniversary_year"))
    evening = Member(id=MEMBER.id, joined_at=datetime(2025, 6, 15, 18, tzinfo=NY))
    ledger = Ledger()
    for n, (when, amount) in enumerate(
        [(at(2026, 6, 14), "200.00"), (at(2026, 6, 15, 9), "200.00")]
    ):
        ledger = ledger.apply(prog.process(buy(n, when, amount), member=evening, ledger=ledger))
    state = prog.tier(member=evening, ledger=ledger, at=at(2026, 6, 15, 10))
    assert state.level.id == "insider"
    assert state.window_start == datetime(2026, 6, 15, tzinfo=NY)


def test_a_rolling_window_with_retention() -> None:
    prog = loads_program(
        BEAUTY.format(extra="retention: P6M")
        .replace("window: calendar_year", "window: {rolling: P12M}")
        .replace(', keep: "900.00"', "")
    )
    ledger = history(prog, (at(2026, 3, 1), "400.00"))
    assert prog.tier(member=MEMBER, ledger=ledger, at=at(2027, 2, 28)).level.id == "vib"
    assert (
        prog.tier(member=MEMBER, ledger=ledger, at=at(2027, 3, 2)).level.id == "vib"
    )  # out of the window, kept
    assert prog.tier(member=MEMBER, ledger=ledger, at=at(2027, 9, 2)).level.id == "insider"


def test_a_rolling_retention_is_counted_on_the_local_calendar() -> None:
    """Held to 2027-01-15 12:00 EST by the window, then kept P6M: to 12:00 EDT on July 15,
    the same wall-clock time, not 13:00 (six months on the UTC calendar)."""
    prog = loads_program(
        BEAUTY.format(extra="retention: P6M")
        .replace("window: calendar_year", "window: {rolling: P12M}")
        .replace(', keep: "900.00"', "")
    )
    ledger = history(prog, (at(2026, 1, 15), "400.00"))
    assert prog.tier(member=MEMBER, ledger=ledger, at=at(2027, 7, 15, 12)).level.id == "vib"
    after = at(2027, 7, 15, 12) + timedelta(minutes=30)
    assert prog.tier(member=MEMBER, ledger=ledger, at=after).level.id == "insider"


def test_tiers_on_a_qualifying_account() -> None:
    prog = loads_program("""
program: air
currency: USD
timezone: UTC
accounts:
  tier_credits: {unit: points}
tiers:
  qualify_on: {points: tier_credits}
  levels:
    - {id: member}
    - {id: silver, qualify: 25000}
earn:
  - id: miles
    effect: {type: points_per_spend, points: 5}
  - id: credits
    account: tier_credits
    effect: {type: points_per_spend, points: 50}
""")
    ledger = history(prog, (at(2026, 3, 1), "500.00"))
    assert (
        prog.tier(member=MEMBER, ledger=ledger, at=at(2026, 3, 2)).level.id == "silver"
    )  # 25,000 credits


# --- status and loading ----------------------------------------------------------------------


def test_status_shows_progress_to_the_next_tier_and_what_keeps_this_one() -> None:
    prog = beauty()
    ledger = history(prog, (at(2026, 6, 1), "1000.00"), (at(2027, 2, 1), "100.00"))
    status = prog.status(member=MEMBER, ledger=ledger, at=at(2027, 3, 1))
    assert status.tier is not None
    assert status.messages[:2] == (
        "Rouge since 2026-06-01, until the end of 2027-12-31",
        "Spend $800.00 more by the end of 2027-12-31 to keep Rouge",
    )
    early = prog.status(
        member=MEMBER, ledger=history(prog, (at(2026, 2, 1), "230.00")), at=at(2026, 3, 1)
    )
    assert early.messages[:2] == ("Insider", "Spend $120.00 more by the end of 2026-12-31 for VIB")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ('qualify: "350.00"', "needs 'qualify'"),
        ('qualify: "1000.00", keep: "900.00"', "must need more than the level before"),
    ],
)
def test_bad_tier_definitions_are_refused(change: str, message: str) -> None:
    text = BEAUTY.format(extra="")
    if change.startswith('qualify: "350'):
        text = text.replace(', qualify: "350.00"', "")
    else:
        text = text.replace('qualify: "1000.00", keep: "900.00"', 'qualify: "300.00"')
    with pytest.raises(ProgramError, match=message):
        loads_program(text)


def test_an_unknown_tier_in_a_condition_is_refused() -> None:
    text = (
        BEAUTY.format(extra="")
        + "  - id: gold-only\n    when: {tier: gold}\n    effect: {type: bonus, points: 5}\n"
    )
    with pytest.raises(ProgramError, match="no tier 'gold'; tiers: insider, vib, rouge"):
        loads_program(text)


# --- properties ------------------------------------------------------------------------------

amounts = st.integers(min_value=1, max_value=60_000).map(
    lambda cents: f"{cents // 100}.{cents % 100:02d}"
)


@settings(max_examples=60, deadline=None)
@given(st.lists(amounts, min_size=1, max_size=8), amounts)
def test_more_spend_in_the_window_never_means_a_lower_tier(spends: list[str], extra: str) -> None:
    prog = beauty()
    orders = [(at(2026, 1 + n, 10), amount) for n, amount in enumerate(spends)]
    ledger = history(prog, *orders)
    more = history(prog, *orders, (at(2026, 12, 1), extra))
    moment = at(2026, 12, 2)
    assert (
        prog.tier(member=MEMBER, ledger=more, at=moment).level.rank
        >= prog.tier(member=MEMBER, ledger=ledger, at=moment).level.rank
    )


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 24 * 900), amounts), min_size=1, max_size=8),
    st.sampled_from(["", "downgrade: one_level", "grace: P1M"]),
)
def test_the_tier_written_down_equals_the_tier_derived(
    orders: list[tuple[int, str]], extra: str
) -> None:
    prog = beauty(extra)
    start = at(2026, 1, 1)
    timeline = sorted((start + timedelta(hours=h), amount) for h, amount in orders)
    ledger = Ledger()
    for n, (when, amount) in enumerate(timeline):
        ledger = ledger.apply(
            prog.review_tiers(member=MEMBER, ledger=ledger, at=when - timedelta(microseconds=1))
        )
        ledger = ledger.apply(prog.process(buy(n, when, amount), member=MEMBER, ledger=ledger))
    end = start + timedelta(days=1200)
    ledger = ledger.apply(prog.review_tiers(member=MEMBER, ledger=ledger, at=end))
    changes = [e for e in ledger.entries if isinstance(e, TierChanged)]
    moments = [when for when, _ in timeline] + [c.at for c in changes] + [end]
    for moment in moments:
        written = "insider"
        for change in changes:
            if change.at <= moment:
                written = change.level
        assert written == prog.tier(member=MEMBER, ledger=ledger, at=moment).level.id, moment
    assert prog.review_tiers(member=MEMBER, ledger=ledger, at=end).entries == ()
    assert ledger.verify() == ()
    _ = Decimal  # amounts are Decimal strings


def test_compaction_keeps_tier_decisions_and_survives_a_json_round_trip() -> None:
    import json

    from loyalrules import Membership

    prog = loads_program(
        BEAUTY.format(extra="")
        + "memberships:\n  - {id: plus, fee: '10.00', period: P1Y, multiplier: 2}\n"
    )
    ledger = history(prog, (at(2026, 3, 1), "1000.00"), (at(2027, 2, 1), "100.00"))
    joined = Membership(
        id="s", member_id=MEMBER.id, plan="plus", action="subscribe", occurred_at=at(2027, 2, 2)
    )
    ledger = ledger.apply(prog.process(joined, member=MEMBER, ledger=ledger))
    compact = ledger.compact(at(2027, 3, 1))
    back = type(compact).from_dicts(json.loads(json.dumps(compact.to_dicts())))
    assert back == compact
    for moment in (at(2027, 3, 1), at(2027, 12, 31), at(2028, 6, 1)):
        assert prog.tier(member=MEMBER, ledger=back, at=moment) == prog.tier(
            member=MEMBER, ledger=ledger, at=moment
        )
    later = buy(9, at(2027, 4, 1), "50.00")
    assert (
        prog.process(later, member=MEMBER, ledger=back).entries
        == prog.process(later, member=MEMBER, ledger=ledger).entries
    )


# --- fixes found by reading the docs against the code ---------------------------------------


def test_reaching_a_tier_again_after_a_return_gives_no_second_bonus() -> None:
    prog = beauty()
    ledger = Ledger()
    for n in range(3):
        bought = buy(n, at(2026, 3, 1 + 2 * n), "400.00")
        ledger = ledger.apply(prog.process(bought, member=MEMBER, ledger=ledger))
        back = Return(id=f"r-{n}", purchase=bought, occurred_at=at(2026, 3, 2 + 2 * n))
        ledger = ledger.apply(prog.process(back, member=MEMBER, ledger=ledger))
    assert ledger.balance(at(2026, 3, 10)).available == 100  # one bonus, the points returned


def test_split_keeps_the_old_tier_rules_fading_out() -> None:
    # $400 spent (VIB, 1.25x); a $700 order reaches Rouge (1.5x) with $100 beyond $1,000:
    # base 700; VIB's extra 175 fades to 175 * 6/7 = 150; Rouge's 350 counts 1/7: 50.
    prog = beauty("crossing_purchase: split")
    ledger = history(prog, (at(2026, 3, 1), "400.00"))
    outcome = prog.process(buy(9, at(2026, 3, 2), "700.00"), member=MEMBER, ledger=ledger)
    assert outcome.points == 700 + 150 + 50


def test_a_quote_shows_the_upgrade_the_cart_would_bring() -> None:
    prog = beauty("crossing_purchase: new_rate")
    ledger = history(prog, (at(2026, 3, 1), "300.00"))
    cart = buy(9, at(2026, 3, 2), "100.00")
    quote = prog.quote(cart, member=MEMBER, ledger=ledger, at=at(2026, 3, 2))
    assert quote.points == prog.process(cart, member=MEMBER, ledger=ledger).points == 225
    assert "Welcome to VIB!" in quote.messages


def test_review_dates_a_rolling_drop_when_it_happens() -> None:
    prog = loads_program(
        BEAUTY.format(extra="")
        .replace("window: calendar_year", "window: {rolling: P12M}")
        .replace(', keep: "900.00"', "")
    )
    ledger = history(prog, (at(2026, 5, 10), "400.00"))
    (change,) = prog.review_tiers(member=MEMBER, ledger=ledger, at=at(2028, 1, 1)).entries
    assert isinstance(change, TierChanged)
    assert change.at == at(2027, 5, 10) + timedelta(microseconds=1)
    assert prog.tier(member=MEMBER, ledger=ledger, at=change.at).level.id == "insider"
    assert (
        prog.tier(member=MEMBER, ledger=ledger, at=change.at - timedelta(microseconds=1)).level.id
        == "vib"
    )


def test_a_sign_up_bonus_never_counts_towards_a_tier() -> None:
    from loyalrules import Membership

    prog = loads_program("""
program: p
currency: USD
timezone: UTC
memberships: [{id: plus, fee: "5.00", period: P1Y, signup_bonus: 1000}]
tiers:
  qualify_on: {points: points}
  levels: [{id: base}, {id: gold, qualify: 1000}]
earn:
  - id: base
    effect: {type: points_per_spend, points: 1}
""")
    joined = Membership(
        id="s", member_id=MEMBER.id, plan="plus", action="subscribe", occurred_at=at(2026, 1, 5)
    )
    ledger = Ledger().apply(prog.process(joined, member=MEMBER, ledger=Ledger()))
    assert prog.tier(member=MEMBER, ledger=ledger, at=at(2026, 1, 6)).level.id == "base"


def test_tiers_on_an_unknown_account_are_refused() -> None:
    with pytest.raises(ProgramError, match="qualify_on names the account 'tier_credit'"):
        loads_program(
            BEAUTY.format(extra="").replace(
                "qualify_on: spend", "qualify_on: {points: tier_credit}"
            )
        )


def test_assigning_a_tier_twice_unknown_or_backwards_is_handled() -> None:
    prog = beauty()
    ledger = history(prog, (at(2026, 3, 1), "10.00"))
    kwargs = {
        "until": at(2026, 9, 1),
        "reason": "match",
        "actor": "ops",
        "at": at(2026, 3, 2),
        "key": "t",
    }
    ledger = ledger.apply(prog.assign_tier(member=MEMBER, ledger=ledger, level="rouge", **kwargs))  # type: ignore[arg-type]
    assert prog.assign_tier(member=MEMBER, ledger=ledger, level="rouge", **kwargs).duplicate  # type: ignore[arg-type]
    from loyalrules import ValidationError

    with pytest.raises(ValidationError, match="no tier 'gold'"):
        prog.assign_tier(member=MEMBER, ledger=ledger, level="gold", **{**kwargs, "key": "u"})  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="must be after"):
        prog.assign_tier(
            member=MEMBER,
            ledger=ledger,
            level="vib",
            **{**kwargs, "key": "v", "until": at(2026, 3, 1)},  # type: ignore[arg-type]
        )


def test_a_retention_longer_than_a_period_is_honoured() -> None:
    prog = beauty("retention: P14M")
    ledger = history(prog, (at(2026, 3, 1), "1200.00"))
    # Reached in 2026; kept for 14 months after 2026 ends: until the end of February 2028.
    assert prog.tier(member=MEMBER, ledger=ledger, at=at(2028, 2, 28)).level.id == "rouge"
    assert (
        prog.tier(member=MEMBER, ledger=ledger, at=datetime(2028, 3, 1, tzinfo=NY)).level.id
        == "insider"
    )
