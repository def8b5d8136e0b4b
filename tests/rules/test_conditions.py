"""Built-in conditions, rule windows, limits and caps, written the way users write them: YAML."""

from __future__ import annotations

import textwrap
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from support import earn_program, item, usd

from loyalrules import (
    Activity,
    Ledger,
    LineItem,
    Member,
    Program,
    ProgramError,
    Purchase,
)

NEW_YORK = ZoneInfo("America/New_York")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
TOKYO = ZoneInfo("Asia/Tokyo")

MEMBER = Member(id="m-1", joined_at=datetime(2025, 1, 1, tzinfo=UTC))


def load(earn: str, *, zone: str = "America/New_York", settings: str = "") -> Program:
    return earn_program(earn, zone=zone, settings=settings)


def probe(when: str, *, rule: str = "", zone: str = "America/New_York") -> Program:
    """A program whose only rule, ``r``, gives a 10-point bonus when ``when`` holds."""
    body = textwrap.indent(textwrap.dedent(when).strip(), "    ")
    extra = textwrap.indent(textwrap.dedent(rule).strip(), "  ") + "\n" if rule else ""
    return load(
        f"- id: r\n  when:\n{body}\n{extra}  effect: {{type: bonus, points: 10}}\n", zone=zone
    )


_ORDERS = iter(range(1, 1_000_000))


def buy(at: datetime, *lines: LineItem, **kwargs: object) -> Purchase:
    return Purchase(
        id=str(kwargs.pop("id", f"o-{next(_ORDERS)}")),
        member_id="m-1",
        occurred_at=at,
        lines=lines or (item(),),
        **kwargs,  # type: ignore[arg-type]
    )


def points(
    program: Program,
    event: Purchase | Activity,
    *,
    member: Member = MEMBER,
    ledger: Ledger | None = None,
) -> int:
    return program.process(event, member=member, ledger=ledger or Ledger()).points


def fires(program: Program, event: Purchase | Activity, **kwargs: object) -> bool:
    earned = points(program, event, **kwargs)  # type: ignore[arg-type]
    assert earned in (0, 10), f"the probe rule gives 10 or nothing, not {earned}"
    return earned == 10


def history(program: Program, *events: Purchase | Activity, member: Member = MEMBER) -> Ledger:
    """The ledger after processing ``events`` in order."""
    ledger = Ledger()
    for event in events:
        ledger = ledger.append(program.process(event, member=member, ledger=ledger).entries)
    return ledger


def ny(month: int, day: int, hour: int = 12, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=NEW_YORK)


NOON = ny(12, 2)


# --- min_spend ---------------------------------------------------------------------------


def test_min_spend_holds_at_exactly_the_amount() -> None:
    program = probe("min_spend: 20")
    assert fires(program, buy(NOON, item(price="20.00")))


def test_min_spend_fails_a_cent_below() -> None:
    program = probe("min_spend: 20")
    assert not fires(program, buy(NOON, item(price="19.99")))


def test_min_spend_counts_all_lines() -> None:
    # 12.00 + 8.00 = 20.00
    program = probe('min_spend: "20.00"')
    assert fires(program, buy(NOON, item("A", "12.00"), item("B", "8.00")))


def test_min_spend_counts_spend_after_discounts() -> None:
    # 20.00 less a 0.01 line discount is 19.99
    program = probe("min_spend: 20")
    assert not fires(program, buy(NOON, item(price="20.00", discount=usd("0.01"))))


def test_min_spend_mapping_form_counts_only_the_given_lines() -> None:
    program = probe("min_spend: {amount: 15, lines: {categories: [beans]}}")
    # beans 14.00 (+ 10.00 of drinks, which do not count) -> not enough
    assert not fires(program, buy(NOON, item("B", "14.00", "beans"), item("D", "10.00")))
    assert fires(program, buy(NOON, item("B", "15.00", "beans"), item("D", "1.00")))


def test_min_spend_mapping_form_without_lines_counts_everything() -> None:
    program = probe("min_spend: {amount: 15}")
    assert fires(program, buy(NOON, item("B", "7.50", "beans"), item("D", "7.50")))


def test_min_spend_is_scoped_by_the_rules_lines() -> None:
    program = probe("min_spend: 15", rule="lines: {categories: [beans]}")
    # the rule sees only beans: 14.00 of beans + 10.00 of drinks is not 15.00 of beans
    assert not fires(program, buy(NOON, item("B", "14.00", "beans"), item("D", "10.00")))
    assert fires(program, buy(NOON, item("B", "15.00", "beans"), item("D", "1.00")))


# --- contains ----------------------------------------------------------------------------


def test_contains_holds_when_a_selected_line_is_in_the_cart() -> None:
    program = probe("contains: {categories: [beans]}")
    assert fires(program, buy(NOON, item(), item("B", "12.00", "beans")))
    assert not fires(program, buy(NOON, item()))


def test_contains_min_quantity_sums_units_over_lines() -> None:
    program = probe("contains: {skus: [LATTE], min_quantity: 3}")
    assert not fires(program, buy(NOON, item(quantity=2)))
    # 2 + 1 units of LATTE on two lines make 3
    two_lines = (item(quantity=2, id="l1"), item(id="l2"))
    assert fires(program, buy(NOON, *two_lines))


def test_contains_by_tag_respects_exclusions() -> None:
    program = probe("contains: {tags: [seasonal], exclude: {categories: [samples]}}")
    assert fires(program, buy(NOON, item(tags=["seasonal"])))
    assert not fires(program, buy(NOON, item("S", "0.00", "samples", tags=["seasonal"])))


def test_contains_ignores_lines_that_never_earn() -> None:
    program = load(
        """
        - id: r
          when: {contains: {categories: [gift_cards]}}
          effect: {type: bonus, points: 10}
        """,
        settings="eligible_spend: {exclude: {categories: [gift_cards]}}\n",
    )
    assert points(program, buy(NOON, item("G", "25.00", "gift_cards"))) == 0


# --- between -------------------------------------------------------------------------------


def test_between_date_until_includes_the_whole_day_in_the_program_zone() -> None:
    program = probe("between: {from: 2026-12-01, until: 2026-12-07}")
    # 23:59 in New York on Dec 7 is already Dec 8 in UTC, and still counts
    assert fires(program, buy(ny(12, 7, 23, 59)))
    assert not fires(program, buy(ny(12, 8, 0, 0)))


def test_between_date_from_starts_at_local_midnight() -> None:
    program = probe("between: {from: 2026-12-01, until: 2026-12-07}")
    # 23:59 Nov 30 in New York is 04:59 UTC Dec 1, but not yet Dec 1 locally
    assert not fires(program, buy(ny(11, 30, 23, 59)))
    assert fires(program, buy(ny(12, 1, 0, 0)))


def test_between_datetime_until_is_excluded() -> None:
    program = probe('between: {from: 2026-12-01, until: "2026-12-07T12:00:00-05:00"}')
    assert fires(program, buy(ny(12, 7, 11, 59)))
    assert not fires(program, buy(ny(12, 7, 12, 0)))


def test_between_naive_datetime_is_read_in_the_program_zone() -> None:
    # 08:00 New York = 13:00 UTC
    program = probe('between: {from: "2026-12-01T08:00:00"}')
    assert not fires(program, buy(datetime(2026, 12, 1, 12, 59, tzinfo=UTC)))
    assert fires(program, buy(datetime(2026, 12, 1, 13, 0, tzinfo=UTC)))


def test_between_with_only_until_is_open_at_the_start() -> None:
    program = probe("between: {until: 2026-12-07}")
    assert fires(program, buy(ny(1, 1, year=2020)))
    assert not fires(program, buy(ny(12, 8, 0, 0)))


def test_between_until_before_from_is_a_located_program_error() -> None:
    with pytest.raises(ProgramError) as caught:
        probe("between: {from: 2026-12-07, until: 2026-12-01}")
    (problem,) = caught.value.problems
    assert problem.path == "earn[0].when.between"
    assert "must be after" in problem.message
    assert problem.line == 7  # program, currency, timezone, earn:, "- id: r", "when:", then between


def test_between_without_from_or_until_is_a_program_error() -> None:
    with pytest.raises(ProgramError, match="give 'from', 'until' or both"):
        probe("between: {}")


# --- weekday and time of day --------------------------------------------------------------


def test_weekday_is_the_day_in_the_program_zone() -> None:
    program = probe("weekday: [sat]", zone="Asia/Tokyo")
    # Friday Dec 4 20:00 UTC is Saturday 05:00 in Tokyo
    assert fires(program, buy(datetime(2026, 12, 4, 20, tzinfo=UTC)))
    # Saturday Dec 5 16:00 UTC is Sunday 01:00 in Tokyo
    assert not fires(program, buy(datetime(2026, 12, 5, 16, tzinfo=UTC)))


def test_weekday_accepts_one_day_or_several() -> None:
    weekend = probe("weekday: [sat, sun]")
    tuesday = probe("weekday: tue")
    assert fires(weekend, buy(ny(12, 6)))  # Sunday
    assert not fires(weekend, buy(ny(12, 7)))  # Monday
    assert fires(tuesday, buy(ny(12, 1)))  # Tuesday


def test_time_of_day_is_read_in_the_program_zone() -> None:
    program = probe('time_of_day: {from: "06:00", until: "09:00"}', zone="America/Los_Angeles")
    # 15:00 UTC in December is 07:00 in Los Angeles (UTC-8)
    assert fires(program, buy(datetime(2026, 12, 2, 15, tzinfo=UTC)))
    # 08:00 UTC is midnight in Los Angeles
    assert not fires(program, buy(datetime(2026, 12, 2, 8, tzinfo=UTC)))


@pytest.mark.parametrize(
    ("hour", "minute", "inside"),
    [(5, 59, False), (6, 0, True), (8, 59, True), (9, 0, False)],
)
def test_time_of_day_includes_from_and_excludes_until(hour: int, minute: int, inside: bool) -> None:
    program = probe('time_of_day: {from: "06:00", until: "09:00"}', zone="America/Los_Angeles")
    at = datetime(2026, 12, 2, hour, minute, tzinfo=LOS_ANGELES)
    assert fires(program, buy(at)) is inside


@pytest.mark.parametrize(
    ("hour", "minute", "inside"),
    [(21, 59, False), (22, 0, True), (23, 30, True), (0, 0, True), (1, 59, True), (2, 0, False)],
)
def test_time_of_day_window_wraps_past_midnight(hour: int, minute: int, inside: bool) -> None:
    program = probe("time_of_day: {from: 22:00, until: 02:00}")
    assert fires(program, buy(ny(12, 2, hour, minute))) is inside


# --- member, event, channel, payment ------------------------------------------------------


def member(**attributes: object) -> Member:
    return Member(id="m-1", joined_at=datetime(2025, 1, 1, tzinfo=UTC), attributes=attributes)


def test_member_attribute_must_equal_the_value() -> None:
    program = probe("member: {segment: reserve}")
    assert fires(program, buy(NOON), member=member(segment="reserve"))
    assert not fires(program, buy(NOON), member=member(segment="gold"))
    assert not fires(program, buy(NOON), member=member())


def test_member_attribute_list_means_any_of_them() -> None:
    program = probe("member: {segment: [gold, reserve]}")
    assert fires(program, buy(NOON), member=member(segment="gold"))
    assert fires(program, buy(NOON), member=member(segment="reserve"))
    assert not fires(program, buy(NOON), member=member(segment="silver"))


def test_every_member_attribute_named_must_hold() -> None:
    program = probe("member: {segment: gold, country: US}")
    assert fires(program, buy(NOON), member=member(segment="gold", country="US"))
    assert not fires(program, buy(NOON), member=member(segment="gold", country="CA"))


def test_member_values_keep_their_yaml_type() -> None:
    program = probe('member: {visits: 3, code: "3", opted_in: true}')
    assert fires(program, buy(NOON), member=member(visits=3, code="3", opted_in=True))
    assert not fires(program, buy(NOON), member=member(visits="3", code="3", opted_in=True))
    assert not fires(program, buy(NOON), member=member(visits=3, code=3, opted_in=True))


def test_a_yaml_number_does_not_match_a_boolean_attribute() -> None:
    # true and 1 are different facts, as "3" and 3 are (True == 1 in Python must not leak)
    program = probe("member: {visits: 1}")
    assert fires(program, buy(NOON), member=member(visits=1))
    assert not fires(program, buy(NOON), member=member(visits=True))


def test_event_attribute_of_an_activity() -> None:
    program = load(
        """
        - id: r
          activity: review
          when: {event: {stars: 5}}
          effect: {type: bonus, points: 10}
        """
    )

    def review(stars: int) -> Activity:
        return Activity(
            id=f"r-{stars}",
            member_id="m-1",
            kind="review",
            occurred_at=NOON,
            attributes={"stars": stars},
        )

    assert fires(program, review(5))
    assert not fires(program, review(4))


def test_event_attribute_of_a_purchase() -> None:
    program = probe("event: {store: [SF-1, SF-2]}")
    assert fires(program, buy(NOON, attributes={"store": "SF-2"}))
    assert not fires(program, buy(NOON, attributes={"store": "NY-1"}))
    assert not fires(program, buy(NOON))


def test_channel_must_be_one_of_the_names() -> None:
    program = probe("channel: [app, kiosk]")
    assert fires(program, buy(NOON, channel="app"))
    assert fires(program, buy(NOON, channel="kiosk"))
    assert not fires(program, buy(NOON, channel="web"))
    assert not fires(program, buy(NOON))


def test_payment_must_be_one_of_the_methods() -> None:
    program = probe("payment: visa")
    assert fires(program, buy(NOON, payment="visa"))
    assert not fires(program, buy(NOON, payment="cash"))
    assert not fires(program, buy(NOON))


# --- birthday month ------------------------------------------------------------------------


def born(birthday: date | None) -> Member:
    return Member(id="m-1", joined_at=datetime(2025, 1, 1, tzinfo=UTC), birthday=birthday)


DECEMBER_BABY = born(date(1990, 12, 9))


def test_birthday_month_true_holds_in_the_birthday_month() -> None:
    program = probe("birthday_month: true")
    assert fires(program, buy(ny(12, 20)), member=DECEMBER_BABY)
    assert not fires(program, buy(ny(11, 20)), member=DECEMBER_BABY)


def test_birthday_month_is_the_month_in_the_program_zone() -> None:
    program = probe("birthday_month: true", zone="America/Los_Angeles")
    # Dec 1 03:00 UTC is still Nov 30 in Los Angeles; Dec 1 09:00 UTC is Dec 1 there
    assert not fires(program, buy(datetime(2026, 12, 1, 3, tzinfo=UTC)), member=DECEMBER_BABY)
    assert fires(program, buy(datetime(2026, 12, 1, 9, tzinfo=UTC)), member=DECEMBER_BABY)


def test_birthday_month_false_holds_outside_the_birthday_month() -> None:
    program = probe("birthday_month: false")
    assert fires(program, buy(ny(11, 20)), member=DECEMBER_BABY)
    assert not fires(program, buy(ny(12, 20)), member=DECEMBER_BABY)


def test_a_member_without_a_birthday_is_never_in_the_birthday_month() -> None:
    assert not fires(probe("birthday_month: true"), buy(NOON), member=born(None))
    assert fires(probe("birthday_month: false"), buy(NOON), member=born(None))


# --- first and nth purchase ----------------------------------------------------------------


def test_first_purchase_true_holds_with_an_empty_ledger() -> None:
    assert fires(probe("first_purchase: true"), buy(NOON))


def test_first_purchase_true_fails_when_the_ledger_holds_a_purchase() -> None:
    program = probe("first_purchase: true")
    ledger = history(program, buy(ny(11, 1)))
    assert not fires(program, buy(NOON), ledger=ledger)


def test_first_purchase_false_holds_only_after_an_earlier_purchase() -> None:
    program = probe("first_purchase: false")
    assert not fires(program, buy(NOON))
    assert fires(program, buy(NOON), ledger=history(program, buy(ny(11, 1))))


def test_an_activity_is_not_a_purchase_for_first_purchase() -> None:
    program = probe("first_purchase: true")
    signup = Activity(id="s-1", member_id="m-1", kind="newsletter", occurred_at=ny(11, 1))
    assert fires(program, buy(NOON), ledger=history(program, signup))


@pytest.mark.parametrize(("earlier", "inside"), [(1, False), (2, True), (3, False)])
def test_nth_purchase_counts_purchases_in_the_ledger(earlier: int, inside: bool) -> None:
    program = probe("nth_purchase: 3")
    ledger = history(program, *(buy(ny(11, d)) for d in range(1, earlier + 1)))
    assert fires(program, buy(NOON), ledger=ledger) is inside


# --- all / any / not --------------------------------------------------------------------------

NESTED = """
any:
  - channel: app
  - all:
      - payment: visa
      - not: {weekday: sun}
"""


@pytest.mark.parametrize(
    ("channel", "payment", "day", "inside"),
    [
        ("app", "cash", 6, True),  # app, on a Sunday: the first branch holds
        ("web", "visa", 7, True),  # visa on a Monday: the second branch holds
        ("web", "visa", 6, False),  # visa but on a Sunday
        ("web", "cash", 7, False),  # neither branch
    ],
)
def test_any_all_and_not_nest(channel: str, payment: str, day: int, inside: bool) -> None:
    program = probe(NESTED)
    assert fires(program, buy(ny(12, day), channel=channel, payment=payment)) is inside


def test_several_conditions_in_one_when_must_all_hold() -> None:
    program = probe("channel: app\npayment: visa")
    assert fires(program, buy(NOON, channel="app", payment="visa"))
    assert not fires(program, buy(NOON, channel="app", payment="cash"))


def test_not_inverts_its_condition() -> None:
    program = probe("not: {channel: app}")
    assert fires(program, buy(NOON, channel="web"))
    assert not fires(program, buy(NOON, channel="app"))


# --- active window ---------------------------------------------------------------------------


def active_bonus(window: str) -> Program:
    return load(f"- id: r\n  active: {window}\n  effect: {{type: bonus, points: 10}}\n")


def test_active_window_includes_the_whole_last_day() -> None:
    program = active_bonus("{from: 2026-12-01, until: 2026-12-07}")
    assert fires(program, buy(ny(12, 7, 23, 0)))
    assert not fires(program, buy(ny(12, 8, 0, 30)))


def test_rule_is_inactive_before_its_window() -> None:
    program = active_bonus("{from: 2026-12-01, until: 2026-12-07}")
    assert not fires(program, buy(ny(11, 30, 23, 0)))
    assert fires(program, buy(ny(12, 1, 0, 0)))


# --- limit ------------------------------------------------------------------------------------


def limited(limit: str, zone: str = "America/New_York") -> Program:
    return load(f"- id: r\n  limit: {limit}\n  effect: {{type: bonus, points: 10}}\n", zone=zone)


def test_limit_per_day_counts_the_day_in_the_program_zone() -> None:
    program = limited("{times: 1, per: day}")
    # earned at 23:30 Dec 1 New York (04:30 UTC Dec 2)
    ledger = history(program, buy(ny(12, 1, 23, 30)))
    # 00:30 Dec 2 New York is a new local day, though the same UTC day as the first
    assert fires(program, buy(ny(12, 2, 0, 30)), ledger=ledger)
    # 23:50 Dec 1 New York is the same local day
    assert not fires(program, buy(ny(12, 1, 23, 50)), ledger=ledger)


def test_limit_allows_the_given_number_of_times() -> None:
    program = limited("{times: 2, per: day}")
    ledger = history(program, buy(ny(12, 2, 9)))
    assert fires(program, buy(ny(12, 2, 10)), ledger=ledger)
    ledger = history(program, buy(ny(12, 2, 9)), buy(ny(12, 2, 10)))
    assert not fires(program, buy(ny(12, 2, 11)), ledger=ledger)


@pytest.mark.parametrize(
    ("per", "first", "second", "allowed"),
    [
        ("week", ny(12, 6, 23), ny(12, 7, 1), True),  # Sunday then Monday: weeks start Monday
        ("week", ny(12, 7, 1), ny(12, 13, 23), False),  # Monday then Sunday: same week
        ("month", ny(11, 30, 23, 30), ny(12, 1, 0, 30), True),
        ("month", ny(12, 1, 0, 30), ny(12, 31, 23, 30), False),
        ("quarter", ny(9, 30, 23), ny(10, 1, 1), True),  # Q3 then Q4
        ("quarter", ny(10, 1, 1), ny(12, 31, 23), False),  # both in Q4
        ("year", ny(12, 31, 23, 30), ny(1, 1, 0, 30, year=2027), True),
        ("year", ny(1, 1, 0, 30), ny(12, 31, 23, 30), False),
        ("lifetime", ny(1, 1, year=2020), ny(12, 31), False),
    ],
)
def test_limit_periods_are_calendar_periods_in_the_program_zone(
    per: str, first: datetime, second: datetime, allowed: bool
) -> None:
    program = limited(f"{{per: {per}}}")
    ledger = history(program, buy(first))
    assert fires(program, buy(second), ledger=ledger) is allowed


def test_limit_counts_only_the_rules_own_earnings() -> None:
    program = load(
        """
        - id: r
          limit: {per: day}
          effect: {type: bonus, points: 10}
        """
    )
    other = load(
        """
        - id: other
          effect: {type: bonus, points: 10}
        """
    )
    ledger = history(other, buy(ny(12, 2, 9)))
    assert fires(program, buy(ny(12, 2, 10)), ledger=ledger)


def test_limit_counts_earnings_recorded_in_the_ledger_not_events_seen() -> None:
    # the first purchase earned nothing from "r" (it needed the app), so it does not count
    program = load(
        """
        - id: r
          when: {channel: app}
          limit: {per: day}
          effect: {type: bonus, points: 10}
        """
    )
    ledger = history(program, buy(ny(12, 2, 9), channel="web"))
    assert fires(program, buy(ny(12, 2, 10), channel="app"), ledger=ledger)


# --- max_points --------------------------------------------------------------------------------


def test_max_points_caps_a_bonus() -> None:
    program = load("- id: r\n  max_points: 40\n  effect: {type: bonus, points: 100}\n")
    assert points(program, buy(NOON)) == 40


def test_max_points_caps_spend_points() -> None:
    # 1 point per $1 on $80.00 would be 80; the cap is 50
    program = load("- id: r\n  max_points: 50\n  effect: {type: points_per_spend, points: 1}\n")
    assert points(program, buy(NOON, item(price="80.00"))) == 50


def test_max_points_leaves_smaller_awards_alone() -> None:
    # 1 point per $1 on $30.00 is 30, under the cap of 50
    program = load("- id: r\n  max_points: 50\n  effect: {type: points_per_spend, points: 1}\n")
    assert points(program, buy(NOON, item(price="30.00"))) == 30
