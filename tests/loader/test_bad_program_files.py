"""Bad program files: every mistake is a ProgramError that says what, where and how to fix it.

Each test writes a small program whose lines are numbered in comments, so the expected
``line:column`` can be checked by eye. Columns count from 1, as editors show them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from loyalrules import (
    Cart,
    Ledger,
    LineItem,
    LoyalRulesError,
    Member,
    Money,
    Problem,
    ProgramError,
    load_program,
    loads_program,
)
from loyalrules.cli import main as cli_main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

HEAD = ("program: demo", "currency: USD", "timezone: UTC")
"""Lines 1-3 of most programs below; ``earn:`` is then line 4 and the first rule line 5."""


def lines(*rows: str) -> str:
    return "\n".join(rows) + "\n"


def program(*rows: str) -> str:
    """A program with the usual head; ``rows`` start on line 4."""
    return lines(*HEAD, *rows)


def problems_of(text: str) -> tuple[Problem, ...]:
    with pytest.raises(ProgramError) as caught:
        loads_program(text, source="prog.yaml")
    return caught.value.problems


def only_problem(text: str) -> Problem:
    problems = problems_of(text)
    assert len(problems) == 1, problems
    return problems[0]


def where(problem: Problem) -> tuple[str, int | None, int | None, str]:
    return problem.source, problem.line, problem.column, problem.path


# --- YAML itself ---------------------------------------------------------------------------


def test_yaml_syntax_error_is_located_where_the_parser_stopped() -> None:
    problem = only_problem(
        lines(
            "program: demo",
            "currency: USD: EUR",  # 2: the second ':' is at column 14
            "timezone: UTC",
            "earn: []",
        )
    )
    assert where(problem) == ("prog.yaml", 2, 14, "")
    assert problem.message.startswith("invalid YAML")
    assert "mapping values are not allowed" in problem.message
    assert problem.hint is not None
    assert "indentation" in problem.hint


def test_a_tab_used_for_indentation_is_a_located_syntax_error() -> None:
    problem = only_problem(program("earn:", "\t- id: a"))  # 5: the tab
    assert where(problem) == ("prog.yaml", 5, 1, "")
    assert "invalid YAML" in problem.message
    assert "'\\t'" in problem.message


@pytest.mark.parametrize("text", ["", "# only a comment\n", "\n\n"])
def test_an_empty_document_is_refused_with_a_hint_to_start_it(text: str) -> None:
    problem = only_problem(text)
    assert problem.source == "prog.yaml"
    assert "empty" in problem.message
    assert problem.hint is not None
    assert "program:" in problem.hint


def test_a_top_level_list_is_refused_as_not_a_mapping() -> None:
    problem = only_problem(lines("- program: demo", "- currency: USD"))
    assert where(problem) == ("prog.yaml", 1, 1, "")
    assert problem.message == "expected a mapping of program keys, got a list"


def test_a_duplicate_top_level_key_is_refused_with_both_lines() -> None:
    problem = only_problem(
        lines(
            "program: demo",  # 1
            "program: other",  # 2
            "currency: USD",
            "timezone: UTC",
            "earn: []",
        )
    )
    assert "duplicate key 'program'" in problem.message
    assert "line 1" in problem.message
    assert where(problem) == ("prog.yaml", 2, 1, "program")


def test_a_duplicate_key_inside_a_rule_is_refused_with_its_path() -> None:
    problem = only_problem(
        program(
            "earn:",
            "  - id: a",  # 5
            "    effect: {type: bonus, points: 1}",  # 6
            "    effect: {type: bonus, points: 2}",  # 7
        )
    )
    assert "duplicate key 'effect'" in problem.message
    assert "line 6" in problem.message
    assert where(problem) == ("prog.yaml", 7, 5, "earn[0].effect")


BILLION_LAUGHS = lines(
    'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
    "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]",
    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]",
    "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]",
    "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]",
    "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]",
    "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]",
    "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]",
    "i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]",
)


def test_an_alias_bomb_is_refused_without_expanding_it() -> None:
    # Expanded, this document holds about 390 million strings: finishing at all shows
    # it was refused before expansion.
    problem = only_problem(BILLION_LAUGHS)
    assert where(problem) == ("prog.yaml", 1, 1, "")
    assert "aliases expand the document" in problem.message
    assert problem.hint is not None
    assert "alias" in problem.hint


def test_a_recursive_anchor_is_refused() -> None:
    problem = only_problem(
        program(
            "earn: &rules",  # 4
            "  - id: a",
            "    effect: {type: bonus, points: 1}",
            "    name: *rules",  # 7: refers to the list that contains it
        )
    )
    assert problem.source == "prog.yaml"
    assert problem.line is not None
    assert "recursive anchor" in problem.message


def test_a_deeply_nested_document_is_refused_as_a_program_error() -> None:
    depth = 2_000
    problems = problems_of(program("earn: " + "[" * depth + "]" * depth))
    assert problems[0].source == "prog.yaml"
    assert "nested too deeply" in problems[0].message


def test_text_that_is_not_a_str_is_a_program_error() -> None:
    with pytest.raises(ProgramError) as caught:
        loads_program(b"program: demo", source="prog.yaml")  # type: ignore[arg-type]
    (problem,) = caught.value.problems
    assert problem.source == "prog.yaml"
    assert "expected YAML text, not bytes" in problem.message


def test_a_program_error_is_a_loyalrules_error_listing_each_located_problem() -> None:
    with pytest.raises(LoyalRulesError) as caught:
        loads_program(program("earn:", "  - id: a", "    effect: {type: bonus, points: 0}"), "p.y")
    assert str(caught.value) == (
        "1 problem in the program:\n"
        "  p.y:6:35: earn[0].effect.points: expected a whole number >= 1, got '0'"
    )


# --- missing keys --------------------------------------------------------------------------

FULL = {
    "program": "program: demo",
    "currency": "currency: USD",
    "timezone": "timezone: UTC",
    "earn": "earn: []",
}


@pytest.mark.parametrize("key", ["program", "currency", "timezone", "earn"])
def test_a_missing_top_level_key_is_named_with_what_it_is_for(key: str) -> None:
    text = lines(*(row for name, row in FULL.items() if name != key))
    problem = only_problem(text)
    assert where(problem) == ("prog.yaml", 1, 1, "")
    assert problem.message.startswith(f"missing required key '{key}' (")


def test_a_rule_without_an_id_is_refused_at_the_rule() -> None:
    problem = only_problem(
        program(
            "earn:",
            "  - name: Welcome",  # 5: the rule mapping starts at column 5
            "    effect: {type: bonus, points: 1}",
        )
    )
    assert where(problem) == ("prog.yaml", 5, 5, "earn[0]")
    assert "missing required key 'id'" in problem.message


def test_a_rule_without_an_effect_is_refused_at_the_rule() -> None:
    problem = only_problem(
        program(
            "earn:",
            "  - id: a",  # 5
            "    when: {first_purchase: true}",
        )
    )
    assert where(problem) == ("prog.yaml", 5, 5, "earn[0]")
    assert "missing required key 'effect'" in problem.message


def test_an_effect_without_a_type_lists_the_types() -> None:
    problem = only_problem(
        program(
            "earn:",
            "  - id: a",
            "    effect: {points: 1}",  # 6: '{' at column 13
        )
    )
    assert where(problem) == ("prog.yaml", 6, 13, "earn[0].effect")
    assert "missing required key 'type'" in problem.message
    assert problem.hint is not None
    assert "bonus" in problem.hint
    assert "points_per_spend" in problem.hint


def test_an_empty_effect_is_refused_as_not_a_mapping() -> None:
    problem = only_problem(program("earn:", "  - id: a", "    effect:"))  # 6
    assert where(problem) == ("prog.yaml", 6, 12, "earn[0].effect")
    assert "expected a mapping with a 'type' key" in problem.message


# --- unknown and misspelled names ----------------------------------------------------------


def test_an_unknown_top_level_key_suggests_the_close_one() -> None:
    missing, problem = problems_of(
        program(
            "earns:",  # 4
            "  - id: a",
            "    effect: {type: bonus, points: 1}",
        )
    )
    assert missing.message.startswith("missing required key 'earn'")
    assert where(problem) == ("prog.yaml", 4, 1, "earns")
    assert problem.message == "unknown key 'earns'"
    assert problem.hint == "did you mean 'earn'?"


def test_an_unknown_top_level_key_with_no_close_match_lists_the_keys() -> None:
    problem = only_problem(program("owner: marketing", "earn: []"))  # 4
    assert where(problem) == ("prog.yaml", 4, 1, "owner")
    assert problem.hint is not None
    assert problem.hint.startswith("expected one of: program, name")


def test_a_misspelled_rule_key_suggests_the_right_one() -> None:
    problem = only_problem(
        program(
            "earn:",
            "  - id: a",
            "    wehn: {first_purchase: true}",  # 6
            "    effect: {type: bonus, points: 1}",
        )
    )
    assert where(problem) == ("prog.yaml", 6, 5, "earn[0].wehn")
    assert problem.message == "unknown key 'wehn'"
    assert problem.hint == "did you mean 'when'?"


def test_a_misspelled_condition_suggests_the_right_one() -> None:
    problem = only_problem(
        program(
            "earn:",
            "  - id: a",
            "    when: {min_spnd: 10}",  # 6: 'min_spnd' at column 12
            "    effect: {type: bonus, points: 1}",
        )
    )
    assert where(problem) == ("prog.yaml", 6, 12, "earn[0].when.min_spnd")
    assert problem.message == "unknown condition 'min_spnd'"
    assert problem.hint == "did you mean 'min_spend'?"


def test_a_misspelled_effect_type_suggests_the_right_one() -> None:
    problem = only_problem(
        program(
            "earn:",
            "  - id: a",
            "    effect: {type: bonnus, points: 1}",  # 6: 'bonnus' at column 20
        )
    )
    assert where(problem) == ("prog.yaml", 6, 20, "earn[0].effect.type")
    assert "got 'bonnus'" in problem.message
    assert problem.hint == "did you mean 'bonus'?"


def test_a_key_the_effect_type_does_not_take_is_refused() -> None:
    problem = only_problem(
        program(
            "earn:",
            "  - id: a",
            "    effect: {type: bonus, points: 5, factor: 2}",  # 6: 'factor' at column 38
        )
    )
    assert where(problem) == ("prog.yaml", 6, 38, "earn[0].effect.factor")
    assert problem.message == "unknown key 'factor'"
    assert problem.hint == "expected one of: type, points"


def test_a_list_as_a_key_is_refused() -> None:
    problem = only_problem(
        program(
            "earn:",
            "  - id: a",
            "    ? [x]",  # 6: '[' at column 7
            "    : 1",
            "    effect: {type: bonus, points: 1}",
        )
    )
    assert where(problem) == ("prog.yaml", 6, 7, "earn[0]")
    assert "keys must be plain names" in problem.message


# --- settings ------------------------------------------------------------------------------


def test_an_unknown_time_zone_asks_for_an_iana_name() -> None:
    problem = only_problem(
        lines("program: demo", "currency: USD", "timezone: Mars/Olympus", "earn: []")
    )
    assert where(problem) == ("prog.yaml", 3, 11, "timezone")
    assert "unknown time zone 'Mars/Olympus'" in problem.message
    assert "IANA" in problem.message


def test_a_lowercase_currency_is_refused_as_not_an_iso_code() -> None:
    problem = only_problem(lines("program: demo", "currency: usd", "timezone: UTC", "earn: []"))
    assert where(problem) == ("prog.yaml", 2, 11, "currency")
    assert "three-letter ISO 4217 code" in problem.message
    assert "got 'usd'" in problem.message


def test_a_program_id_with_a_space_is_refused() -> None:
    problem = only_problem(
        lines("program: my program", "currency: USD", "timezone: UTC", "earn: []")
    )
    assert where(problem) == ("prog.yaml", 1, 10, "program")
    assert "got 'my program'" in problem.message


def test_an_unknown_rounding_mode_is_refused_with_the_choices() -> None:
    problem = only_problem(program("rounding: {mode: round, stage: order}", "earn: []"))  # 4
    assert where(problem) == ("prog.yaml", 4, 18, "rounding.mode")
    assert problem.message == "expected one of floor, half_up, ceil, got 'round'"


def test_an_unknown_rounding_stage_is_refused_with_the_choices() -> None:
    problem = only_problem(program("rounding: {mode: floor, stage: item}", "earn: []"))  # 4
    assert where(problem) == ("prog.yaml", 4, 32, "rounding.stage")
    assert problem.message == "expected one of order, line, got 'item'"


def test_an_unknown_stacking_mode_is_refused_with_the_choices() -> None:
    problem = only_problem(program("stacking: multiplied", "earn: []"))  # 4
    assert where(problem) == ("prog.yaml", 4, 11, "stacking")
    assert "expected one of multiply, add, best" in problem.message
    assert problem.hint == "did you mean 'multiply'?"


# --- rule contents -------------------------------------------------------------------------


def test_a_negative_min_spend_is_refused_at_its_rule() -> None:
    problem = only_problem(
        program(
            "earn:",
            "  - id: a",
            "    effect: {type: bonus, points: 1}",
            "  - id: b",
            "    effect: {type: bonus, points: 1}",
            "  - id: c",
            "    when: {min_spend: -5}",  # 10: '-5' at column 23
            "    effect: {type: bonus, points: 1}",
        )
    )
    assert where(problem) == ("prog.yaml", 10, 23, "earn[2].when.min_spend")
    assert problem.message == "expected an amount >= 0, got '-5'"


def test_a_min_spend_with_a_currency_sign_is_refused() -> None:
    problem = only_problem(
        program(
            "earn:",
            "  - id: a",
            '    when: {min_spend: "$10"}',  # 6: the quote at column 23
            "    effect: {type: bonus, points: 1}",
        )
    )
    assert where(problem) == ("prog.yaml", 6, 23, "earn[0].when.min_spend")
    assert "got '$10'" in problem.message


def test_fractional_bonus_points_are_refused() -> None:
    problem = only_problem(
        program("earn:", "  - id: a", "    effect: {type: bonus, points: 1.5}")  # 6
    )
    assert where(problem) == ("prog.yaml", 6, 35, "earn[0].effect.points")
    assert problem.message == "expected a whole number >= 1, got '1.5'"


@pytest.mark.parametrize("factor", ["0", "-2"])
def test_a_zero_or_negative_factor_is_refused(factor: str) -> None:
    problem = only_problem(
        program("earn:", "  - id: a", f"    effect: {{type: multiply, factor: {factor}}}")  # 6
    )
    assert where(problem) == ("prog.yaml", 6, 38, "earn[0].effect.factor")
    assert problem.message == f"expected a number >= 1, got '{factor}'"


def test_a_factor_below_one_is_refused() -> None:
    problem = only_problem(
        program("earn:", "  - id: a", "    effect: {type: multiply, factor: 0.5}")  # 6
    )
    assert where(problem) == ("prog.yaml", 6, 38, "earn[0].effect.factor")
    assert problem.message == "expected a number >= 1, got '0.5'"


def test_a_zero_spend_increment_is_refused() -> None:
    problem = only_problem(
        program(
            "earn:",
            "  - id: a",
            "    effect: {type: points_per_spend, points: 1, per: 0}",  # 6: '0' at column 54
        )
    )
    assert where(problem) == ("prog.yaml", 6, 54, "earn[0].effect.per")
    assert problem.message == "expected a number > 0, got '0'"


def test_an_unknown_counting_mode_suggests_the_right_one() -> None:
    problem = only_problem(
        program(
            "earn:",
            "  - id: a",
            "    effect: {type: points_per_spend, points: 1, counting: prorata}",  # 6
        )
    )
    assert where(problem) == ("prog.yaml", 6, 59, "earn[0].effect.counting")
    assert "expected one of whole, pro_rata" in problem.message
    assert problem.hint == "did you mean 'pro_rata'?"


def test_a_bad_weekday_name_is_refused_at_its_list_item() -> None:
    problem = only_problem(
        program(
            "earn:",
            "  - id: a",
            "    when: {weekday: [mon, tues]}",  # 6: 'tues' at column 27
            "    effect: {type: bonus, points: 1}",
        )
    )
    assert where(problem) == ("prog.yaml", 6, 27, "earn[0].when.weekday[1]")
    assert "got 'tues'" in problem.message
    assert problem.hint == "did you mean 'tue'?"


def test_an_impossible_time_of_day_is_refused() -> None:
    problem = only_problem(
        program(
            "earn:",
            "  - id: a",
            "    when:",
            '      time_of_day: {from: "25:00", until: "09:00"}',  # 7: quote at column 27
            "    effect: {type: bonus, points: 1}",
        )
    )
    assert where(problem) == ("prog.yaml", 7, 27, "earn[0].when.time_of_day.from")
    assert problem.message == "expected a time of day like 07:30, got '25:00'"


def test_a_window_that_ends_before_it_starts_is_refused() -> None:
    problem = only_problem(
        program(
            "earn:",
            "  - id: a",
            "    when:",
            "      between: {from: 2026-12-07, until: 2026-12-01}",  # 7: '{' at column 16
            "    effect: {type: bonus, points: 1}",
        )
    )
    assert where(problem) == ("prog.yaml", 7, 16, "earn[0].when.between")
    assert "'until' (2026-12-01) must be after 'from' (2026-12-07)" in problem.message


def test_a_window_with_neither_end_is_refused() -> None:
    problem = only_problem(
        program(
            "earn:",
            "  - id: a",
            "    when:",
            "      between: {}",  # 7
            "    effect: {type: bonus, points: 1}",
        )
    )
    assert where(problem) == ("prog.yaml", 7, 16, "earn[0].when.between")
    assert "give 'from', 'until' or both" in problem.message


def test_an_impossible_date_is_refused() -> None:
    problem = only_problem(
        program(
            "earn:",
            "  - id: a",
            "    active: {from: 2026-13-01}",  # 6: '2026-13-01' at column 20
            "    effect: {type: bonus, points: 1}",
        )
    )
    assert where(problem) == ("prog.yaml", 6, 20, "earn[0].active.from")
    assert "expected a date like 2026-12-01" in problem.message


def test_a_yes_for_a_true_or_false_condition_is_refused() -> None:
    problem = only_problem(
        program(
            "earn:",
            "  - id: a",
            "    when: {first_purchase: yes}",  # 6: 'yes' at column 28
            "    effect: {type: bonus, points: 1}",
        )
    )
    assert where(problem) == ("prog.yaml", 6, 28, "earn[0].when.first_purchase")
    assert problem.message == "expected true or false, got 'yes'"


def test_a_duplicate_rule_id_names_the_first_rule() -> None:
    problem = only_problem(
        program(
            "earn:",
            "  - id: welcome",
            "    effect: {type: bonus, points: 1}",
            "  - id: welcome",  # 7: the id value at column 9
            "    effect: {type: bonus, points: 2}",
        )
    )
    assert where(problem) == ("prog.yaml", 7, 9, "earn[1].id")
    assert problem.message == "rule id 'welcome' is already used by earn[0]"
    assert problem.hint == "give every rule its own id"


def test_an_activity_rule_with_a_spend_effect_is_refused() -> None:
    problem = only_problem(
        program(
            "earn:",
            "  - id: review",
            "    activity: review",
            "    effect: {type: points_per_spend, points: 1}",  # 7: '{' at column 13
        )
    )
    assert where(problem) == ("prog.yaml", 7, 13, "earn[0].effect")
    assert "can only give fixed points" in problem.message
    assert problem.hint is not None
    assert "'bonus'" in problem.hint


def test_an_empty_when_is_refused() -> None:
    problem = only_problem(
        program(
            "earn:",
            "  - id: a",
            "    when: {}",  # 6: '{' at column 11
            "    effect: {type: bonus, points: 1}",
        )
    )
    assert where(problem) == ("prog.yaml", 6, 11, "earn[0].when")
    assert problem.message == "no conditions given"
    assert problem.hint is not None
    assert "remove 'when'" in problem.hint


def test_a_list_where_conditions_are_expected_is_refused() -> None:
    problem = only_problem(
        program(
            "earn:",
            "  - id: a",
            "    when: [first_purchase]",  # 6
            "    effect: {type: bonus, points: 1}",
        )
    )
    assert where(problem) == ("prog.yaml", 6, 11, "earn[0].when")
    assert problem.message == "expected a mapping of conditions, got a list"


def test_a_mapping_where_the_rule_list_is_expected_is_refused() -> None:
    problem = only_problem(program("earn: {id: a}"))  # 4: '{' at column 7
    assert where(problem) == ("prog.yaml", 4, 7, "earn")
    assert problem.message == "expected a list of rules, got a mapping"


def test_a_problem_inside_a_nested_condition_has_the_full_path() -> None:
    problem = only_problem(
        program(
            "earn:",
            "  - id: a",
            "    when:",
            "      any:",
            "        - {first_purchase: true}",
            "        - {channel: app, weekday: funday}",  # 9: 'funday' at column 35
            "    effect: {type: bonus, points: 1}",
        )
    )
    assert where(problem) == ("prog.yaml", 9, 35, "earn[0].when.any[1].weekday")
    assert "got 'funday'" in problem.message


def test_a_misspelled_limit_key_suggests_per() -> None:
    problem = only_problem(
        program(
            "earn:",
            "  - id: a",
            "    limit: {times: 1, pr: month}",  # 6: 'pr' at column 23
            "    effect: {type: bonus, points: 1}",
        )
    )
    assert where(problem) == ("prog.yaml", 6, 23, "earn[0].limit.pr")
    assert problem.message == "unknown key 'pr'"
    assert problem.hint == "did you mean 'per'?"


def test_a_misspelled_limit_period_suggests_the_right_one() -> None:
    problem = only_problem(
        program(
            "earn:",
            "  - id: a",
            "    limit: {times: 1, per: monht}",  # 6: 'monht' at column 28
            "    effect: {type: bonus, points: 1}",
        )
    )
    assert where(problem) == ("prog.yaml", 6, 28, "earn[0].limit.per")
    assert "expected one of day, week, month" in problem.message
    assert problem.hint == "did you mean 'month'?"


def test_a_zero_max_points_is_refused() -> None:
    problem = only_problem(
        program(
            "earn:",
            "  - id: a",
            "    max_points: 0",  # 6: '0' at column 17
            "    effect: {type: bonus, points: 1}",
        )
    )
    assert where(problem) == ("prog.yaml", 6, 17, "earn[0].max_points")
    assert problem.message == "expected a whole number >= 1, got '0'"


# --- many problems at once -----------------------------------------------------------------


def test_every_problem_in_a_file_is_reported_at_once_in_file_order() -> None:
    problems = problems_of(
        lines(
            "program: demo",
            "currency: usd",  # 2:11
            "timezone: UTC",
            "stacking: sum",  # 4:11
            "earn:",
            "  - id: a",
            "    effect: {type: bonnus, points: 1}",  # 7:20
            "  - id: b",
            "    when: {min_spend: -1}",  # 9:23
            "    effect: {type: multiply, factor: 0}",  # 10:38
        )
    )
    assert [(p.line, p.column, p.path) for p in problems] == [
        (2, 11, "currency"),
        (4, 11, "stacking"),
        (7, 20, "earn[0].effect.type"),
        (9, 23, "earn[1].when.min_spend"),
        (10, 38, "earn[1].effect.factor"),
    ]


def test_rules_are_checked_even_when_the_settings_are_broken() -> None:
    problems = problems_of(
        lines(
            "program: demo",
            "currency: USD",
            "timezone: Nowhere/Town",  # 3
            "earn:",
            "  - id: a",
            "    effect: {type: bonus, points: 0}",  # 6
        )
    )
    assert [p.path for p in problems] == ["timezone", "earn[0].effect.points"]


# --- what loads, exactly -------------------------------------------------------------------

NOON = datetime(2026, 3, 2, 12, tzinfo=UTC)
MEMBER = Member(id="m-1", joined_at=datetime(2026, 1, 1, tzinfo=UTC))


def quote_points(text: str, amount: str) -> int:
    loaded = loads_program(text, source="prog.yaml")
    cart = Cart(lines=[LineItem(sku="A", category="c", unit_price=Money(amount, "USD"))])
    return loaded.quote(cart, member=MEMBER, ledger=Ledger(), at=NOON).points


MERGED = program(
    "earn:",
    "  - id: big",
    '    when: {min_spend: &big {amount: "30.00"}}',
    "    effect: &fixed {type: bonus, points: 25}",
    "  - id: bigger",
    "    when:",
    "      min_spend:",
    "        <<: *big",
    '        amount: "50.00"',
    "    effect:",
    "      <<: *fixed",
    "      points: 40",
)


def test_merge_keys_bring_in_the_anchored_values() -> None:
    # $30.00 meets only 'big': the merged effect of 'bigger' needs $50.00.
    assert quote_points(MERGED, "30.00") == 25


def test_merge_keys_let_later_keys_override_merged_ones() -> None:
    assert quote_points(MERGED, "50.00") == 25 + 40


def test_a_whole_rule_can_be_merged_under_a_new_id() -> None:
    loaded = loads_program(
        program(
            "earn:",
            "  - &app-bonus",
            "    id: app",
            "    when: {channel: app}",
            "    effect: {type: bonus, points: 5}",
            "  - <<: *app-bonus",
            "    id: web",
            "    when: {channel: web}",
        ),
        source="prog.yaml",
    )
    assert [rule.id for rule in loaded.rules] == ["app", "web"]


def test_a_quoted_and_an_unquoted_amount_load_to_the_same_exact_decimal() -> None:
    loaded = loads_program(
        program(
            "earn:",
            "  - id: quoted",
            '    when: {min_spend: "12.50"}',
            "    effect: {type: bonus, points: 1}",
            "  - id: plain",
            "    when: {min_spend: 12.50}",
            "    effect: {type: bonus, points: 1}",
        ),
        source="prog.yaml",
    )
    amounts = [loaded.rule(rule_id).condition.amount for rule_id in ("quoted", "plain")]  # type: ignore[union-attr]
    assert all(type(amount) is Decimal for amount in amounts)
    assert [str(amount) for amount in amounts] == ["12.50", "12.50"]


def test_an_unquoted_amount_no_float_can_hold_loads_exactly() -> None:
    loaded = loads_program(
        program("earn:", "  - id: a", "    effect: {type: points_per_spend, points: 1, per: 0.10}"),
        source="prog.yaml",
    )
    assert str(loaded.rule("a").effect.per) == "0.10"  # type: ignore[attr-defined]


# --- files ---------------------------------------------------------------------------------


def test_a_missing_file_is_a_program_error_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"
    with pytest.raises(ProgramError) as caught:
        load_program(path)
    (problem,) = caught.value.problems
    assert problem.source == str(path)
    assert "cannot read the program file" in problem.message
    assert "No such file" in problem.message


def test_a_directory_is_a_program_error_not_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(ProgramError) as caught:
        load_program(tmp_path)
    assert "cannot read the program file" in caught.value.problems[0].message


def test_a_file_that_is_not_utf8_is_a_program_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("program: café\n".encode("latin-1"))
    with pytest.raises(ProgramError) as caught:
        load_program(path)
    (problem,) = caught.value.problems
    assert problem.source == str(path)
    assert "not UTF-8" in problem.message


def test_problems_in_a_file_are_located_in_that_file(tmp_path: Path) -> None:
    path = tmp_path / "club.yaml"
    path.write_text(program("earn:", "  - id: a", "    effect: {type: bonus, points: 1.5}"))
    with pytest.raises(ProgramError) as caught:
        load_program(path)
    (problem,) = caught.value.problems
    assert problem.location == f"{path}:6:35"


def test_a_file_with_a_byte_order_mark_and_crlf_line_ends_is_located_normally(
    tmp_path: Path,
) -> None:
    path = tmp_path / "windows.yaml"
    text = program("earn:", "  - id: a", "    effect: {type: bonus, points: 0}")
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    with pytest.raises(ProgramError) as caught:
        load_program(path)
    (problem,) = caught.value.problems
    assert (problem.line, problem.column, problem.path) == (6, 35, "earn[0].effect.points")


# --- the command line ----------------------------------------------------------------------


def test_cli_validate_accepts_the_coffee_club_example(capsys: pytest.CaptureFixture[str]) -> None:
    code = cli_main(["validate", str(EXAMPLES / "coffee_club.yaml")])
    out, err = capsys.readouterr()
    assert code == 0
    assert "coffee_club.yaml: ok" in out
    assert err == ""


def test_cli_validate_reports_every_located_problem_of_a_broken_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = (EXAMPLES / "coffee_club.yaml").read_text(encoding="utf-8")
    broken = good.replace("currency: USD", "currency: usd").replace(
        "{type: bonus, points: 100}", "{type: bonus, points: 1.5}"
    )
    assert broken.count("usd") == 1
    assert "points: 1.5}" in broken
    path = tmp_path / "broken.yaml"
    path.write_text(broken, encoding="utf-8")
    currency_line = good.splitlines().index("currency: USD") + 1
    bonus_line = next(i for i, row in enumerate(good.splitlines(), 1) if "points: 100}" in row)
    bonus_column = good.splitlines()[bonus_line - 1].index("100") + 1

    code = cli_main(["validate", str(path)])
    out, err = capsys.readouterr()
    assert code == 1
    assert "ok" not in out
    assert "2 problems" in err
    assert f"{path}:{currency_line}:11: currency:" in err
    assert f"{path}:{bonus_line}:{bonus_column}: earn[4].effect.points:" in err


def test_cli_validate_fails_when_one_of_several_files_is_broken(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("", encoding="utf-8")
    code = cli_main(["validate", str(EXAMPLES / "coffee_club.yaml"), str(path)])
    out, err = capsys.readouterr()
    assert code == 1
    assert "coffee_club.yaml: ok" in out
    assert f"{path}: the program is empty" in err


# --- hints for near misses -----------------------------------------------------------------


def test_a_singular_key_suggests_its_plural_over_a_longer_key_that_contains_it() -> None:
    problem = only_problem(
        program(
            "earn:",
            "  - id: r",
            "    lines: {category: [tea]}",
            "    effect: {type: bonus, points: 5}",
        )
    )
    assert problem.hint == "did you mean 'categories'?"


def test_qualifying_on_an_account_by_its_name_says_how_to_write_it() -> None:
    problem = only_problem(
        program(
            "accounts: {nights: {}}",
            "tiers:",
            "  qualify_on: nights",
            "  levels: [{id: member, name: Member}, {id: gold, name: Gold, qualify: 10}]",
            "earn: [{id: base, effect: {type: points_per_spend, points: 1}}]",
        )
    )
    assert problem.message == "expected one of spend, purchases, got 'nights'"
    assert problem.hint == (
        "to qualify on the points earned in an account, write {points: <account>}"
    )


def test_a_bad_top_level_key_does_not_also_make_the_rules_accounts_unknown() -> None:
    problem = only_problem(
        program(
            "expiry: {inactivity: 24M}",
            "accounts: {nights: {}}",
            "earn: [{id: stays, account: nights, effect: {type: points_per_spend, points: 1}}]",
        )
    )
    assert (problem.line, problem.path) == (4, "expiry.inactivity")


def test_a_membership_period_of_no_time_is_refused() -> None:
    problem = only_problem(
        program(
            "memberships: [{id: plus, fee: '9.99', period: P0D}]",
            "earn: [{id: base, effect: {type: points_per_spend, points: 1}}]",
        )
    )
    assert problem.path == "memberships[0].period"
    assert problem.message == "'P0D' is no time at all; give a period such as P1M or P1Y"


def test_validate_checks_a_behaviour_model_beside_its_program(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``validate examples/*.yaml`` meets the simulator's model files too: each is checked
    as a behaviour model, not refused as a program."""
    assert cli_main(["validate", *sorted(str(p) for p in EXAMPLES.glob("*.yaml"))]) == 0
    assert "coffee_club.population.yaml: ok (a behaviour model for simulate)" in (
        capsys.readouterr().out
    )
    bad = tmp_path / "shop.population.yaml"
    bad.write_text("churn: {monthly: 2}\n", encoding="utf-8")
    assert cli_main(["validate", str(bad)]) == 1
    assert "churn.monthly: 2 must be between 0 and 1" in capsys.readouterr().err
