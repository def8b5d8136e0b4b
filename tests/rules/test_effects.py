"""Effects and the earning pipeline: spend points, rounding, multipliers, bonuses, spend policy."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from support import earn_program as load
from support import item, usd

from loyalrules import (
    Earned,
    Ledger,
    LineItem,
    Member,
    Outcome,
    Program,
    Purchase,
)

MEMBER = Member(id="m-1", joined_at=datetime(2025, 1, 1, tzinfo=UTC))
AT = datetime(2026, 12, 2, 17, tzinfo=UTC)


def process(program: Program, *lines: LineItem, **cart: object) -> Outcome:
    purchase = Purchase(id="o-1", member_id="m-1", occurred_at=AT, lines=lines, **cart)  # type: ignore[arg-type]
    return program.process(purchase, member=MEMBER, ledger=Ledger())


def per_rule(outcome: Outcome) -> dict[str, int]:
    return {e.rule_id: e.points for e in outcome.entries if isinstance(e, Earned)}


BASE_PRO_RATA = "- id: base\n  effect: {type: points_per_spend, points: 1, counting: pro_rata}\n"


# --- points per spend ------------------------------------------------------------------------


def test_whole_increments_ignore_the_remainder() -> None:
    # 10 points per whole $10: $59.99 holds 5 whole $10 -> 50
    program = load("- id: base\n  effect: {type: points_per_spend, points: 10, per: 10}")
    assert process(program, item(price="59.99")).points == 50


def test_pro_rata_earns_on_every_cent_then_rounds() -> None:
    # 1.25 points per $1 on $33.00 = 41.25 -> floor 41
    program = load(
        "- id: base\n  effect: {type: points_per_spend, points: '1.25', per: 1, counting: pro_rata}"
    )
    assert process(program, item(price="33.00")).points == 41


def test_counting_defaults_to_whole_dollars() -> None:
    # 1 point per whole $1 on $9.99 -> 9
    program = load("- id: base\n  effect: {type: points_per_spend, points: 1}")
    assert process(program, item(price="9.99")).points == 9


def test_whole_increments_are_counted_over_the_order_by_default() -> None:
    # $5.50 + $5.50 = $11.00 holds one whole $10 -> 10 points
    program = load("- id: base\n  effect: {type: points_per_spend, points: 10, per: 10}")
    assert process(program, item("A", "5.50"), item("B", "5.50")).points == 10


def test_whole_increments_are_counted_per_line_when_rounding_per_line() -> None:
    # each $5.50 line holds no whole $10 -> 0 + 0
    program = load(
        "- id: base\n  effect: {type: points_per_spend, points: 10, per: 10}",
        settings="rounding: {stage: line}\n",
    )
    assert process(program, item("A", "5.50"), item("B", "5.50")).points == 0


def test_a_spend_rule_with_lines_earns_only_on_those_lines() -> None:
    # 1 point per $1 on the $10.00 of beans; the $5.00 latte earns nothing
    program = load(
        "- id: beans\n  lines: {categories: [beans]}\n  effect: {type: points_per_spend, points: 1}"
    )
    assert process(program, item("B", "10.00", "beans"), item()).points == 10


def test_two_spend_rules_add_up() -> None:
    # base 1/$ on $15.00 = 15; beans extra 2/$ on $10.00 = 20 -> 35
    program = load(
        BASE_PRO_RATA + "- id: beans-extra\n  lines: {categories: [beans]}\n"
        "  effect: {type: points_per_spend, points: 2}"
    )
    outcome = process(program, item("B", "10.00", "beans"), item())
    assert per_rule(outcome) == {"base": 15, "beans-extra": 20}


# --- rounding mode and stage -------------------------------------------------------------------

THREE_LINES = (item("A", "1.40"), item("B", "1.40"), item("C", "1.40"))


@pytest.mark.parametrize(
    ("mode", "stage", "expected"),
    [
        ("floor", "order", 4),  # 1.40 * 3 = 4.20 -> 4
        ("half_up", "order", 4),  # 4.20 -> 4
        ("ceil", "order", 5),  # 4.20 -> 5
        ("floor", "line", 3),  # 1.40 -> 1, three times
        ("half_up", "line", 3),  # 1.40 -> 1, three times
        ("ceil", "line", 6),  # 1.40 -> 2, three times
    ],
)
def test_rounding_mode_and_stage(mode: str, stage: str, expected: int) -> None:
    program = load(BASE_PRO_RATA, settings=f"rounding: {{mode: {mode}, stage: {stage}}}\n")
    assert process(program, *THREE_LINES).points == expected


@pytest.mark.parametrize(
    ("mode", "price", "expected"),
    [
        ("half_up", "2.50", 3),  # a half goes up (not to the even 2)
        ("half_up", "2.49", 2),
        ("half_up", "3.50", 4),
        ("floor", "2.99", 2),
        ("ceil", "2.01", 3),
        ("ceil", "2.00", 2),  # a whole number stays
    ],
)
def test_rounding_modes_on_one_value(mode: str, price: str, expected: int) -> None:
    program = load(BASE_PRO_RATA, settings=f"rounding: {{mode: {mode}}}\n")
    assert process(program, item(price=price)).points == expected


def test_rounding_defaults_to_floor_per_order() -> None:
    # 4.20 -> 4 (floor, once per order); per line it would be 3
    program = load(BASE_PRO_RATA)
    assert process(program, *THREE_LINES).points == 4


# --- multipliers ---------------------------------------------------------------------------------


def test_a_line_multiplier_multiplies_only_its_lines() -> None:
    # base 1/$: beans 10 + drinks 5 = 15; beans 2x adds 10 -> 25
    program = load(
        BASE_PRO_RATA + "- id: beans-2x\n  lines: {categories: [beans]}\n"
        "  effect: {type: multiply, factor: 2}"
    )
    outcome = process(program, item("B", "10.00", "beans"), item())
    assert per_rule(outcome) == {"base": 15, "beans-2x": 10}


def test_an_order_multiplier_multiplies_every_line() -> None:
    # base 15; 2x on the order adds 15 -> 30
    program = load(BASE_PRO_RATA + "- id: double\n  effect: {type: multiply, factor: 2}")
    outcome = process(program, item("B", "10.00", "beans"), item())
    assert per_rule(outcome) == {"base": 15, "double": 15}


def test_a_fractional_factor_is_exact() -> None:
    # base 2/$ on $9.40 = 18.8; 1.5x adds 9.4; 28.2 -> 28, shared 19 + 9 (largest remainder)
    program = load(
        "- id: base\n  effect: {type: points_per_spend, points: 2, counting: pro_rata}\n"
        "- id: reserve\n  effect: {type: multiply, factor: '1.5'}"
    )
    outcome = process(program, item(price="9.40"))
    assert per_rule(outcome) == {"base": 19, "reserve": 9}


def test_a_multiplier_shares_whole_increments_by_spend() -> None:
    # 10 per whole $10 on $15 beans + $10 drinks: $25 -> 20 base points, of which the beans'
    # share is 20 * 15/25 = 12; beans 2x adds 12 -> 32
    program = load(
        "- id: base\n  effect: {type: points_per_spend, points: 10, per: 10}\n"
        "- id: beans-2x\n  lines: {categories: [beans]}\n  effect: {type: multiply, factor: 2}"
    )
    outcome = process(program, item("B", "15.00", "beans"), item(price="10.00"))
    assert per_rule(outcome) == {"base": 20, "beans-2x": 12}


TWO_MULTIPLIERS = (
    BASE_PRO_RATA + "- id: double\n  effect: {type: multiply, factor: 2}\n"
    "- id: triple\n  effect: {type: multiply, factor: 3}\n"
)


@pytest.mark.parametrize(
    ("stacking", "expected"),
    [
        # base 10 on $10.00; 2x adds 10 (to 20), then 3x triples 20 -> adds 40: 60 = 6x
        ("multiply", {"base": 10, "double": 10, "triple": 40}),
        # 2x adds 1x, 3x adds 2x: 10 + 10 + 20 = 40 = 4x
        ("add", {"base": 10, "double": 10, "triple": 20}),
        # only the best (3x) counts: 10 + 20 = 30 = 3x
        ("best", {"base": 10, "triple": 20}),
    ],
)
def test_stacking_two_multipliers_on_the_same_line(stacking: str, expected: dict[str, int]) -> None:
    program = load(TWO_MULTIPLIERS, settings=f"stacking: {stacking}\n")
    outcome = process(program, item(price="10.00"))
    assert per_rule(outcome) == expected
    assert outcome.points == sum(expected.values())


def test_stacking_defaults_to_multiply() -> None:
    # 10 x 2 x 3 = 60
    assert process(load(TWO_MULTIPLIERS), item(price="10.00")).points == 60


def test_best_of_equal_multipliers_goes_to_the_rule_written_first() -> None:
    program = load(
        BASE_PRO_RATA + "- id: first\n  effect: {type: multiply, factor: 2}\n"
        "- id: second\n  effect: {type: multiply, factor: 2}\n",
        settings="stacking: best\n",
    )
    assert per_rule(process(program, item(price="10.00"))) == {"base": 10, "first": 10}


def test_multipliers_stack_only_where_their_lines_overlap() -> None:
    # beans $10: base 10, 2x -> +10 (20), 3x -> +40 (60 = 6x)
    # drinks $10: base 10, 3x -> +20 (30 = 3x); total 90
    program = load(
        BASE_PRO_RATA + "- id: beans-2x\n  lines: {categories: [beans]}\n"
        "  effect: {type: multiply, factor: 2}\n"
        "- id: triple\n  effect: {type: multiply, factor: 3}\n"
    )
    outcome = process(program, item("B", "10.00", "beans"), item(price="10.00"))
    assert per_rule(outcome) == {"base": 20, "beans-2x": 10, "triple": 60}


# --- bonuses -------------------------------------------------------------------------------------


def test_a_bonus_is_not_multiplied() -> None:
    # base 10 on $10.00, 2x adds 10, bonus 100 stays 100 -> 120
    program = load(
        BASE_PRO_RATA + "- id: double\n  effect: {type: multiply, factor: 2}\n"
        "- id: welcome\n  effect: {type: bonus, points: 100}\n"
    )
    outcome = process(program, item(price="10.00"))
    assert per_rule(outcome) == {"base": 10, "double": 10, "welcome": 100}


def test_points_per_item_counts_units_of_the_rules_lines() -> None:
    # 5 points for each of the 3 bags of beans; the 2 lattes do not count -> 15
    program = load(
        "- id: bags\n  lines: {categories: [beans]}\n  effect: {type: points_per_item, points: 5}"
    )
    assert process(program, item("B", "12.00", "beans", quantity=3), item(quantity=2)).points == 15


def test_points_per_item_without_lines_counts_every_unit() -> None:
    # 3 + 2 units at 5 points -> 25
    program = load("- id: items\n  effect: {type: points_per_item, points: 5}")
    assert process(program, item("B", "12.00", "beans", quantity=3), item(quantity=2)).points == 25


def test_points_per_item_skips_excluded_lines() -> None:
    # the 4 gift cards never earn; 2 lattes at 5 points -> 10
    program = load(
        "- id: items\n  effect: {type: points_per_item, points: 5}",
        settings="eligible_spend: {exclude: {categories: [gift_cards]}}\n",
    )
    lines = (item("G", "25.00", "gift_cards", quantity=4), item(quantity=2))
    assert process(program, *lines).points == 10


# --- eligible spend -------------------------------------------------------------------------------

GIFT_CARDS_EXCLUDED = "eligible_spend: {exclude: {categories: [gift_cards]}}\n"


def test_excluded_categories_earn_nothing() -> None:
    # only the $5.00 latte earns: 5 points
    program = load(BASE_PRO_RATA, settings=GIFT_CARDS_EXCLUDED)
    assert process(program, item("G", "25.00", "gift_cards"), item()).points == 5


def test_excluded_categories_do_not_count_toward_min_spend() -> None:
    # $25 gift card + $5 latte: eligible spend is $5.00, short of $20
    program = load(
        "- id: big\n  when: {min_spend: 20}\n  effect: {type: bonus, points: 25}",
        settings=GIFT_CARDS_EXCLUDED,
    )
    assert process(program, item("G", "25.00", "gift_cards"), item()).points == 0


def test_recorded_spend_is_the_eligible_spend() -> None:
    program = load(BASE_PRO_RATA, settings=GIFT_CARDS_EXCLUDED)
    recorded = process(program, item("G", "25.00", "gift_cards"), item()).entries[0]
    assert recorded.spend == usd("5.00")  # type: ignore[attr-defined]


def test_line_discounts_reduce_spend_by_default() -> None:
    # $10.00 less $2.00 -> 8 points
    program = load(BASE_PRO_RATA)
    assert process(program, item(price="10.00", discount=usd("2.00"))).points == 8


def test_order_discount_reduces_spend_by_default() -> None:
    # $10 + $20 less $3.00 = $27.00 -> 27 points
    program = load(BASE_PRO_RATA)
    outcome = process(program, item("A", "10.00"), item("B", "20.00"), order_discount=usd("3.00"))
    assert outcome.points == 27


def test_order_discount_share_reduces_the_spend_of_each_line() -> None:
    # $3.00 off $10 + $20 is shared 1.00 / 2.00: beans (A) earn on 9.00, so 2x adds 9
    program = load(
        BASE_PRO_RATA + "- id: beans-2x\n  lines: {categories: [beans]}\n"
        "  effect: {type: multiply, factor: 2}"
    )
    outcome = process(
        program, item("A", "10.00", "beans"), item("B", "20.00"), order_discount=usd("3.00")
    )
    assert per_rule(outcome) == {"base": 27, "beans-2x": 9}


def test_excluded_lines_take_their_share_of_an_order_discount() -> None:
    # $5.00 off $25 gift card + $25 latte is shared 2.50 / 2.50: the latte earns on 22.50
    program = load(BASE_PRO_RATA, settings=GIFT_CARDS_EXCLUDED)
    outcome = process(
        program, item("G", "25.00", "gift_cards"), item(price="25.00"), order_discount=usd("5.00")
    )
    assert outcome.points == 22


def test_discounts_do_not_reduce_spend_when_told_not_to() -> None:
    # $10 (with $2 off) + $20, $3 off the order: full $30.00 earns -> 30
    program = load(BASE_PRO_RATA, settings="eligible_spend: {discounts_reduce: false}\n")
    outcome = process(
        program,
        item("A", "10.00", discount=usd("2.00")),
        item("B", "20.00"),
        order_discount=usd("3.00"),
    )
    assert outcome.points == 30


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ("", 10),  # $10.00 of goods only
        ("eligible_spend: {include_tax: true}\n", 11),  # + $1.00 tax
        ("eligible_spend: {include_shipping: true}\n", 15),  # + $5.00 shipping
        ("eligible_spend: {include_tax: true, include_shipping: true}\n", 16),
    ],
)
def test_tax_and_shipping_earn_only_when_included(settings: str, expected: int) -> None:
    program = load(BASE_PRO_RATA, settings=settings)
    outcome = process(program, item(price="10.00"), tax=usd("1.00"), shipping=usd("5.00"))
    assert outcome.points == expected


def test_included_shipping_counts_toward_min_spend() -> None:
    # $18.00 of goods + $5.00 shipping = $23.00 >= $20
    program = load(
        "- id: big\n  when: {min_spend: 20}\n  effect: {type: bonus, points: 25}",
        settings="eligible_spend: {include_shipping: true}\n",
    )
    assert process(program, item(price="18.00"), shipping=usd("5.00")).points == 25


# --- apportioning ---------------------------------------------------------------------------


def test_per_rule_points_add_up_to_the_rounded_total() -> None:
    # base 1/$ on $1.50 = 1.5, 2x adds 1.5: exact 3.0 -> 3. Flooring each rule alone would
    # give 1 + 1 = 2; apportioning gives the tied remainder to the rule written first: 2 + 1
    program = load(BASE_PRO_RATA + "- id: double\n  effect: {type: multiply, factor: 2}")
    outcome = process(program, item(price="1.50"))
    assert per_rule(outcome) == {"base": 2, "double": 1}
    assert outcome.points == 3


def test_ceil_rounding_gives_the_extra_point_to_a_rule() -> None:
    # 1/$ pro rata on $10.20 = 10.2 -> ceil 11, all from the base rule
    program = load(BASE_PRO_RATA, settings="rounding: {mode: ceil}\n")
    assert per_rule(process(program, item(price="10.20"))) == {"base": 11}


@pytest.mark.parametrize("stage", ["order", "line"])
@pytest.mark.parametrize("mode", ["floor", "half_up", "ceil"])
@pytest.mark.parametrize("stacking", ["multiply", "add", "best"])
def test_per_rule_points_always_sum_to_the_outcome(stage: str, mode: str, stacking: str) -> None:
    program = load(
        BASE_PRO_RATA + "- id: beans-2x\n  lines: {categories: [beans]}\n"
        "  effect: {type: multiply, factor: '2.5'}\n"
        "- id: third\n  effect: {type: multiply, factor: '1.3'}\n"
        "- id: bonus\n  effect: {type: bonus, points: 7}\n",
        settings=f"rounding: {{mode: {mode}, stage: {stage}}}\nstacking: {stacking}\n",
    )
    lines = (item("B", "3.33", "beans"), item("C", "7.77"), item("D", "0.19", "beans"))
    outcome = process(program, *lines)
    earned = [e.points for e in outcome.entries if isinstance(e, Earned)]
    assert sum(earned) == outcome.points
    assert sum(line.points for line in outcome.explanation) == outcome.points
    assert outcome.points > 7  # the bonus plus at least the base
