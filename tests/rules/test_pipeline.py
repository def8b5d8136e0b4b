"""Program.process / Program.quote: entries, keys, idempotency, explanations, extension types."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from fractions import Fraction

import attrs
import pytest
from support import earn_program as load
from support import usd

from loyalrules import (
    Activity,
    BonusEffect,
    Cart,
    Condition,
    Context,
    CurrencyMismatch,
    Earned,
    EligibleLine,
    Ledger,
    LineItem,
    Member,
    Money,
    Outcome,
    Program,
    ProgramError,
    Purchase,
    Recorded,
    SpendEffect,
    ValidationError,
    WrongTypeError,
    loads_program,
    register_condition,
    register_effect,
)
from loyalrules.errors import UnknownAccount
from loyalrules.loader import registry
from loyalrules.values.fingerprint import fingerprint

AT = datetime(2026, 12, 2, 20, tzinfo=UTC)  # a Wednesday, 12:00 in Los Angeles
MEMBER = Member(id="m-1", joined_at=datetime(2025, 1, 1, tzinfo=UTC))

CAFE = """
program: cafe
currency: USD
timezone: America/Los_Angeles
points_name: stars
earn:
  - id: base
    name: 2 stars per $1
    effect: {type: points_per_spend, points: 2, counting: pro_rata}
  - id: beans-2x
    name: 2x on coffee beans
    lines: {categories: [beans]}
    effect: {type: multiply, factor: 2}
  - id: big-order
    name: Big order
    when: {min_spend: 50}
    effect: {type: bonus, points: 100}
  - id: review
    name: Thanks for your review
    activity: review
    effect: {type: bonus, points: 10}
  - id: share
    name: Thanks for sharing
    activity: [photo, video]
    effect: {type: bonus, points: 5}
"""


@pytest.fixture(scope="module")
def cafe() -> Program:
    return loads_program(CAFE)


def beans(price: str = "18.00") -> LineItem:
    return LineItem(sku="BEANS-ETH", category="beans", unit_price=usd(price))


def latte(price: str = "4.50") -> LineItem:
    return LineItem(sku="LATTE", category="drinks", unit_price=usd(price))


def buy(*lines: LineItem, order: str = "o-1", **cart: object) -> Purchase:
    return Purchase(id=order, member_id="m-1", occurred_at=AT, lines=lines, **cart)  # type: ignore[arg-type]


def activity(kind: str, event_id: str = "a-1", **attributes: object) -> Activity:
    return Activity(id=event_id, member_id="m-1", kind=kind, occurred_at=AT, attributes=attributes)


def run(program: Program, event: Purchase | Activity, ledger: Ledger | None = None) -> Outcome:
    return program.process(event, member=MEMBER, ledger=ledger or Ledger())


def texts(outcome: Outcome) -> list[str]:
    return [line.text for line in outcome.explanation]


# --- entries and keys -----------------------------------------------------------------------


def test_a_purchase_gives_one_recorded_and_one_earned_per_rule(cafe: Program) -> None:
    # $18.00 of beans at 2 stars/$ = 36; beans 2x adds 36
    outcome = run(cafe, buy(beans()))
    assert outcome.entries == (
        Recorded(
            key="purchase:o-1",
            at=AT,
            event_type="purchase",
            event_id="o-1",
            spend=usd("18.00"),
            fingerprint=fingerprint(buy(beans())),
            categories=(("beans", Decimal("18.00")),),
        ),
        Earned(
            key="purchase:o-1:earn:base",
            at=AT,
            points=36,
            rule_id="base",
            source="purchase:o-1",
        ),
        Earned(
            key="purchase:o-1:earn:beans-2x",
            at=AT,
            points=36,
            rule_id="beans-2x",
            source="purchase:o-1",
        ),
    )


def test_a_purchase_that_earns_nothing_is_still_recorded() -> None:
    program = load("- id: big\n  when: {min_spend: 100}\n  effect: {type: bonus, points: 5}")
    outcome = run(program, buy(latte()))
    assert [type(e) for e in outcome.entries] == [Recorded]
    assert outcome.event_key == "purchase:o-1"


def test_a_rule_that_applies_but_earns_zero_gets_no_entry() -> None:
    # best-of stacking: the 2x loses to the 3x and earns nothing
    program = load(
        "- id: base\n  effect: {type: points_per_spend, points: 1}\n"
        "- id: double\n  effect: {type: multiply, factor: 2}\n"
        "- id: triple\n  effect: {type: multiply, factor: 3}\n",
        settings="stacking: best\n",
    )
    outcome = run(program, buy(latte("10.00")))
    keys = [e.key for e in outcome.entries]
    assert keys == ["purchase:o-1", "purchase:o-1:earn:base", "purchase:o-1:earn:triple"]
    assert "double: +0 points" in texts(outcome)


def test_an_activity_is_recorded_with_its_kind_and_earns(cafe: Program) -> None:
    outcome = run(cafe, activity("review", "r-7"))
    assert outcome.event_key == "activity:review:r-7"
    assert outcome.entries == (
        Recorded(
            key="activity:review:r-7",
            at=AT,
            event_type="activity",
            event_id="r-7",
            activity="review",
        ),
        Earned(
            key="activity:review:r-7:earn:review",
            at=AT,
            points=10,
            rule_id="review",
            source="activity:review:r-7",
        ),
    )


def test_activity_keys_include_the_kind(cafe: Program) -> None:
    # the same id under two kinds is two events
    ledger = Ledger().append(run(cafe, activity("photo", "x-1")).entries)
    outcome = run(cafe, activity("video", "x-1"), ledger)
    assert not outcome.duplicate
    assert outcome.points == 5


def test_outcome_entries_append_to_the_ledger(cafe: Program) -> None:
    outcome = run(cafe, buy(beans()))
    ledger = Ledger().append(outcome.entries)
    assert ledger.balance(AT).available == 72  # 36 + 36


# --- idempotency -----------------------------------------------------------------------------


def test_replaying_a_purchase_gives_an_empty_duplicate_outcome(cafe: Program) -> None:
    ledger = Ledger().append(run(cafe, buy(beans())).entries)
    replay = run(cafe, buy(beans()), ledger)
    assert replay == Outcome(
        event_key="purchase:o-1",
        entries=(),
        explanation=(),
        ledger_version=3,  # Recorded + two Earned
        duplicate=True,
    )
    assert replay.points == 0


def test_replaying_an_activity_gives_an_empty_duplicate_outcome(cafe: Program) -> None:
    ledger = Ledger().append(run(cafe, activity("review", "r-1")).entries)
    replay = run(cafe, activity("review", "r-1"), ledger)
    assert replay.duplicate
    assert replay.entries == ()


def test_a_first_run_is_not_a_duplicate(cafe: Program) -> None:
    assert run(cafe, buy(beans())).duplicate is False


def test_ledger_version_is_the_length_of_the_ledger_used(cafe: Program) -> None:
    ledger = Ledger().append(run(cafe, buy(beans(), order="o-1")).entries)
    ledger = ledger.append(run(cafe, activity("review"), ledger).entries)
    # 3 entries from the purchase, 2 from the review
    assert run(cafe, buy(latte(), order="o-2"), ledger).ledger_version == 5
    assert run(cafe, buy(latte(), order="o-2")).ledger_version == 0


# --- quote -----------------------------------------------------------------------------------


def test_quote_gives_the_same_points_and_explanation_as_process(cafe: Program) -> None:
    lines = (beans("16.50"), latte("4.75"))
    cart = Cart(lines=lines)
    quote = cafe.quote(cart, member=MEMBER, ledger=Ledger(), at=AT)
    outcome = run(cafe, buy(*lines))
    # 21.25 * 2 = 42.5, beans 2x adds 33: 75.5 -> 75
    assert quote.points == outcome.points == 75
    assert quote.explanation == outcome.explanation
    assert quote.eligible_spend == usd("21.25")


def test_quote_needs_an_aware_time(cafe: Program) -> None:
    with pytest.raises(ValidationError, match="no time zone"):
        cafe.quote(Cart(lines=[beans()]), member=MEMBER, ledger=Ledger(), at=datetime(2026, 1, 1))


# --- explanations ------------------------------------------------------------------------------


def test_explanation_has_one_applied_line_per_rule(cafe: Program) -> None:
    outcome = run(cafe, buy(beans()))
    assert texts(outcome)[:2] == ["2 stars per $1: +36 stars", "2x on coffee beans: +36 stars"]
    assert [(e.rule_id, e.status, e.points) for e in outcome.explanation[:2]] == [
        ("base", "applied", 36),
        ("beans-2x", "applied", 36),
    ]


def test_a_rule_name_with_braces_is_explained_as_written() -> None:
    program = load(
        '- id: promo\n  name: "Promo {x} {}"\n  when: {min_spend: 50}\n'
        "  effect: {type: bonus, points: 5}"
    )
    assert texts(run(program, buy(latte("60.00")))) == ["Promo {x} {}: +5 points"]
    assert texts(run(program, buy(latte("40.00"), order="o-2"))) == [
        "Spend $10.00 more to get +5 bonus points (Promo {x} {})"
    ]


def test_a_just_missed_threshold_gives_a_near_miss_line() -> None:
    program = load(
        "- id: big\n  name: Big order\n  when: {min_spend: 50}\n"
        "  effect: {type: bonus, points: 100}"
    )
    # $42.00 is $8.00 short of $50
    outcome = run(program, buy(latte("42.00")))
    assert texts(outcome) == ["Spend $8.00 more to get +100 bonus points (Big order)"]
    (line,) = outcome.explanation
    assert (line.rule_id, line.status, line.points) == ("big", "missed", 0)


def test_a_shortfall_under_a_cent_is_shown_as_a_whole_cent() -> None:
    program = load(
        "- id: big\n  name: Big order\n  when: {min_spend: 50}\n"
        "  effect: {type: bonus, points: 100}"
    )
    # a $49.999 line (priced in tenths of a cent) is $0.001 short: the customer must be
    # told to spend a cent, never "$0.00 more"
    outcome = run(program, buy(latte("49.999")))
    assert texts(outcome) == ["Spend $0.01 more to get +100 bonus points (Big order)"]


def test_near_miss_lines_come_in_program_order(cafe: Program) -> None:
    # $18.00 of beans is $32.00 short of the $50 big order
    assert texts(run(cafe, buy(beans()))) == [
        "2 stars per $1: +36 stars",
        "2x on coffee beans: +36 stars",
        "Spend $32.00 more to get +100 bonus stars (Big order)",
    ]


def test_no_near_miss_when_another_condition_also_fails() -> None:
    program = load(
        "- id: big\n  name: Big app order\n  when: {min_spend: 50, channel: app}\n"
        "  effect: {type: bonus, points: 100}"
    )
    assert run(program, buy(latte("42.00"), channel="web")).explanation == ()


def test_near_miss_when_every_failing_condition_can_be_fixed_in_the_cart() -> None:
    program = load(
        "- id: combo\n  name: Beans combo\n"
        "  when: {min_spend: 50, contains: {categories: [beans], min_quantity: 2}}\n"
        "  effect: {type: bonus, points: 100}"
    )
    # $42.00 of drinks and no beans: both parts are missing
    assert texts(run(program, buy(latte("42.00")))) == [
        "Spend $8.00 more and add 2 more beans to get +100 bonus points (Beans combo)"
    ]


def test_near_miss_for_a_multiplier_promises_the_factor() -> None:
    program = load(
        "- id: base\n  effect: {type: points_per_spend, points: 1}\n"
        "- id: double\n  name: Double over $20\n  when: {min_spend: 20}\n"
        "  effect: {type: multiply, factor: 2}"
    )
    outcome = run(program, buy(latte("15.00")))
    assert texts(outcome)[1] == "Spend $5.00 more to get 2x points (Double over $20)"


def test_no_near_miss_for_a_rule_outside_its_active_window() -> None:
    program = load(
        "- id: big\n  active: {from: 2027-01-01}\n  when: {min_spend: 50}\n"
        "  effect: {type: bonus, points: 100}"
    )
    assert run(program, buy(latte("42.00"))).explanation == ()


def test_no_near_miss_once_the_limit_is_reached() -> None:
    program = load(
        "- id: big\n  limit: {per: day}\n  when: {min_spend: 50}\n"
        "  effect: {type: bonus, points: 100}"
    )
    ledger = Ledger().append(run(program, buy(latte("60.00"), order="o-1")).entries)
    assert run(program, buy(latte("42.00"), order="o-2"), ledger).explanation == ()


def test_a_line_scoped_rule_with_no_matching_line_does_not_appear(cafe: Program) -> None:
    # a latte only: beans-2x is not mentioned at all
    outcome = run(cafe, buy(latte()))
    assert [e.rule_id for e in outcome.explanation] == ["base", "big-order"]


def test_a_line_scoped_bonus_with_no_matching_line_gives_nothing() -> None:
    program = load(
        "- id: beans-bonus\n  lines: {categories: [beans]}\n  effect: {type: bonus, points: 20}"
    )
    outcome = run(program, buy(latte()))
    assert outcome.explanation == ()
    assert outcome.points == 0


def test_str_of_an_outcome_is_its_explanation_lines(cafe: Program) -> None:
    outcome = run(cafe, buy(beans()))
    assert str(outcome) == "\n".join(texts(outcome))


def test_rule_name_defaults_to_its_id() -> None:
    program = load("- id: welcome\n  effect: {type: bonus, points: 5}")
    assert texts(run(program, buy(latte()))) == ["welcome: +5 points"]


# --- messages and awarded ------------------------------------------------------------------------


def test_messages_keep_earning_lines_and_near_misses_but_not_zero_lines() -> None:
    program = load(
        "- id: base\n  name: Base\n  effect: {type: points_per_spend, points: 1}\n"
        "- id: double\n  name: Double\n  effect: {type: multiply, factor: 2}\n"
        "- id: triple\n  name: Triple\n  effect: {type: multiply, factor: 3}\n"
        "- id: big\n  name: Big\n  when: {min_spend: 50}\n  effect: {type: bonus, points: 100}",
        settings="stacking: best\n",
    )
    # $10.00: base 10, best multiplier 3x adds 20, the 2x earns 0; $40.00 short of Big
    outcome = run(program, buy(latte("10.00")))
    assert outcome.messages == (
        "Base: +10 points",
        "Triple: +20 points",
        "Spend $40.00 more to get +100 bonus points (Big)",
    )
    assert "Double: +0 points" in texts(outcome)


def test_awarded_sums_the_points_of_an_account(cafe: Program) -> None:
    outcome = run(cafe, buy(beans()))
    assert outcome.awarded() == outcome.awarded("points") == outcome.points == 72
    with pytest.raises(UnknownAccount):  # the cafe declares no cashback account
        outcome.awarded("cashback")


# --- activities ---------------------------------------------------------------------------------


def test_activity_rules_fire_only_for_their_kinds(cafe: Program) -> None:
    assert run(cafe, activity("review")).points == 10
    assert run(cafe, activity("photo")).points == 5
    assert run(cafe, activity("video")).points == 5


def test_an_activity_without_rules_is_only_recorded(cafe: Program) -> None:
    outcome = run(cafe, activity("newsletter"))
    assert [type(e) for e in outcome.entries] == [Recorded]
    assert [line.status for line in outcome.explanation] == ["unmatched"]


def test_purchases_do_not_fire_activity_rules(cafe: Program) -> None:
    outcome = run(cafe, buy(latte()))
    assert {e.rule_id for e in outcome.explanation}.isdisjoint({"review", "share"})


def test_activities_do_not_fire_purchase_rules(cafe: Program) -> None:
    outcome = run(cafe, activity("review"))
    assert [e.rule_id for e in outcome.explanation] == ["review"]


def test_an_activity_rule_can_only_give_fixed_points() -> None:
    with pytest.raises(ProgramError, match="only give fixed points"):
        load("- id: r\n  activity: review\n  effect: {type: multiply, factor: 2}")


def test_an_activity_rule_respects_its_limit() -> None:
    program = load(
        "- id: review\n  activity: review\n  limit: {times: 2, per: month}\n"
        "  effect: {type: bonus, points: 10}"
    )
    ledger = Ledger()
    for event_id in ("r-1", "r-2"):
        ledger = ledger.append(run(program, activity("review", event_id), ledger).entries)
    assert ledger.balance(AT).available == 20
    assert run(program, activity("review", "r-3"), ledger).points == 0


# --- argument checks ------------------------------------------------------------------------------


def test_process_refuses_another_members_event(cafe: Program) -> None:
    other = Member(id="m-2", joined_at=datetime(2025, 1, 1, tzinfo=UTC))
    with pytest.raises(ValidationError, match="'m-1'"):
        cafe.process(buy(latte()), member=other, ledger=Ledger())


def test_process_refuses_a_cart_that_is_not_a_purchase(cafe: Program) -> None:
    with pytest.raises(WrongTypeError, match="Cart"):
        cafe.process(Cart(lines=[latte()]), member=MEMBER, ledger=Ledger())  # type: ignore[arg-type]


def test_process_refuses_a_purchase_in_another_currency(cafe: Program) -> None:
    euro = LineItem(sku="LATTE", category="drinks", unit_price=Money("4.50", "EUR"))
    with pytest.raises(CurrencyMismatch, match="EUR"):
        run(cafe, buy(euro))


# --- host-defined conditions and effects ----------------------------------------------------------


@pytest.fixture
def own_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """Registrations made in a test stay in that test."""
    monkeypatch.setattr(registry, "_CONDITIONS", dict(registry._CONDITIONS))
    monkeypatch.setattr(registry, "_EFFECTS", dict(registry._EFFECTS))


@attrs.frozen
class MinItems(Condition):
    """At least ``count`` units in the cart, with a near-miss hint."""

    count: int

    def _units(self, ctx: Context) -> int:
        return sum(el.line.quantity for el in ctx.lines)

    def __call__(self, ctx: Context) -> bool:
        return self._units(ctx) >= self.count

    def describe(self) -> str:
        return f"at least {self.count} items"

    def missing(self, ctx: Context) -> str | None:
        return f"add {self.count - self._units(ctx)} more items"


@attrs.frozen
class PerCategory(BonusEffect):
    """``amount`` points for each distinct category among the rule's lines."""

    amount: int

    def points(self, ctx: Context, lines: Sequence[EligibleLine]) -> int:
        return self.amount * len({el.line.category for el in lines})

    def promise(self, unit: str) -> str:
        return f"+{self.amount} {unit} per category"


@attrs.frozen
class ThreePerDollar(SpendEffect):
    def earn(self, part: Decimal, whole: Decimal) -> Fraction:
        return Fraction(part) * 3

    def promise(self, unit: str) -> str:
        return f"3 {unit} per $1"


def test_a_registered_condition_is_usable_from_yaml(own_registry: None) -> None:
    register_condition("test_engine_min_items", lambda value, env: MinItems(int(value)))
    program = load(
        "- id: r\n  when: {test_engine_min_items: 3}\n  effect: {type: bonus, points: 10}"
    )
    assert run(program, buy(latte(), beans())).points == 0
    three = LineItem(sku="LATTE", category="drinks", unit_price=usd("4.50"), quantity=3)
    assert run(program, buy(three)).points == 10


def test_a_registered_condition_can_give_a_near_miss(own_registry: None) -> None:
    register_condition("test_engine_min_items", lambda value, env: MinItems(int(value)))
    program = load(
        "- id: r\n  name: Trio\n  when: {test_engine_min_items: 3}\n"
        "  effect: {type: bonus, points: 10}"
    )
    assert texts(run(program, buy(latte()))) == ["Add 2 more items to get +10 bonus points (Trio)"]


def test_a_registered_bonus_effect_is_usable_from_yaml(own_registry: None) -> None:
    register_effect("test_engine_per_category", lambda v, env: PerCategory(int(v["points"])))
    program = load("- id: r\n  effect: {type: test_engine_per_category, points: 3}")
    # two distinct categories (beans, drinks) at 3 points
    assert run(program, buy(latte(), beans())).points == 6


def test_a_registered_spend_effect_is_multiplied_like_a_built_in_one(own_registry: None) -> None:
    register_effect("test_engine_three_per_dollar", lambda v, env: ThreePerDollar())
    program = load(
        "- id: r\n  effect: {type: test_engine_three_per_dollar}\n"
        "- id: double\n  effect: {type: multiply, factor: 2}"
    )
    # $4.50 at 3 per $1 = 13.5, doubled adds 13.5: 27 in all; floors 13 + 13 leave one
    # point, and the tied remainder goes to the rule written first
    outcome = run(program, buy(latte()))
    assert {e.rule_id: e.points for e in outcome.entries if isinstance(e, Earned)} == {
        "r": 14,
        "double": 13,
    }


@pytest.mark.parametrize(
    ("amount", "error", "shown"),
    [(-5, ValidationError, "-10"), (Fraction(1, 2), WrongTypeError, "Fraction(1, 1)")],
)
def test_an_effect_that_gives_negative_or_broken_points_is_refused(
    own_registry: None, amount: object, error: type[Exception], shown: str
) -> None:
    register_effect("test_engine_per_category", lambda v, env: PerCategory(amount))  # type: ignore[arg-type]
    program = load("- id: fee\n  effect: {type: test_engine_per_category}")
    message = f"rule 'fee': its effect \\(PerCategory\\) gave {re.escape(shown)} points"
    with pytest.raises(error, match=message):
        run(program, buy(latte(), beans()))
    with pytest.raises(error, match=message):
        program.quote(Cart(lines=[latte(), beans()]), member=MEMBER, ledger=Ledger(), at=AT)


def test_registering_a_taken_name_needs_replace(own_registry: None) -> None:
    with pytest.raises(ValidationError, match="already registered"):
        register_condition("min_spend", lambda value, env: MinItems(1))
    register_condition("min_spend", lambda value, env: MinItems(int(value)), replace=True)
    program = load("- id: r\n  when: {min_spend: 2}\n  effect: {type: bonus, points: 10}")
    # min_spend now counts items: two lattes are enough although they cost $9.00
    two = LineItem(sku="LATTE", category="drinks", unit_price=usd("4.50"), quantity=2)
    assert run(program, buy(two)).points == 10


def test_registered_names_must_be_lower_snake_case(own_registry: None) -> None:
    with pytest.raises(ValidationError, match="lower_snake_case"):
        register_effect("PerCategory", lambda v, env: PerCategory(1))


def test_an_unregistered_name_is_a_program_error() -> None:
    with pytest.raises(ProgramError, match="unknown condition 'test_engine_never_registered'"):
        load(
            "- id: r\n  when: {test_engine_never_registered: 1}\n  effect: {type: bonus, points: 1}"
        )


def _must_be_even(value: object, env: object) -> Condition:
    if not isinstance(value, int) or value % 2:
        raise ValueError(f"expected an even number, got {value!r}")
    return MinItems(value)


def _no_effect(values: dict[str, object], env: object) -> PerCategory:
    raise ValueError("this effect is never right")


def test_a_build_value_error_becomes_located_program_errors(own_registry: None) -> None:
    register_condition("test_engine_even", _must_be_even)
    register_effect("test_engine_broken", _no_effect)
    text = (
        "program: t\n"  # line 1
        "currency: USD\n"
        "timezone: UTC\n"
        "earn:\n"
        "  - id: r\n"  # line 5
        "    when: {test_engine_even: 3}\n"  # line 6: the value 3
        "    effect:\n"  # line 7
        "      type: test_engine_broken\n"  # line 8: the effect mapping starts here
    )
    with pytest.raises(ProgramError) as caught:
        loads_program(text, source="cafe.yaml")
    first, second = caught.value.problems
    value_column = "    when: {test_engine_even: 3}".index("3") + 1
    assert (first.source, first.line, first.column) == ("cafe.yaml", 6, value_column)
    assert first.path == "earn[0].when.test_engine_even"
    assert first.message == "expected an even number, got 3"
    assert (second.line, second.column, second.path) == (8, 7, "earn[0].effect")
    assert second.message == "this effect is never right"
    assert f"cafe.yaml:6:{value_column}: earn[0].when.test_engine_even" in str(caught.value)
