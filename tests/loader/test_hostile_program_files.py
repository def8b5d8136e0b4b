"""Hostile and unusual program files (issue 16, defects 2, 3, 6, 7, 8): each ends in a
located ``ProgramError``, fast, under libyaml's composer and the pure-Python one."""

from __future__ import annotations

import time
import tracemalloc

import pytest
import yaml

from loyalrules import Problem, ProgramError, loads_program
from loyalrules.loader import yaml_source

HEAD = "program: demo\ncurrency: USD\ntimezone: UTC\n"
RULE = "earn:\n  - id: base\n    effect: {type: points_per_spend, points: 1}\n"


@pytest.fixture(
    autouse=True,
    params=["libyaml", "python"],
    ids=["libyaml", "python"],
)
def composer(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test runs with libyaml's composer (when PyYAML has it) and with Python's."""
    if request.param == "libyaml":
        if not getattr(yaml, "__with_libyaml__", False):
            pytest.skip("this PyYAML was built without libyaml")
        monkeypatch.setattr(yaml_source, "_Loader", yaml.CSafeLoader)
    else:
        monkeypatch.setattr(yaml_source, "_Loader", yaml.SafeLoader)
    return str(request.param)


def when(condition: str) -> str:
    """The usual program whose rule has ``when: <condition>`` (on line 6)."""
    return HEAD + RULE.replace("    effect", f"    when: {condition}\n    effect")


def problems_of(text: str) -> tuple[Problem, ...]:
    with pytest.raises(ProgramError) as caught:
        loads_program(text, source="p.yaml")
    return caught.value.problems


def only(text: str) -> Problem:
    problems = problems_of(text)
    assert len(problems) == 1, problems
    return problems[0]


def custom(payload: str) -> str:
    return (
        HEAD
        + RULE
        + "rewards:\n  - id: gift\n    cost: 10\n"
        + f"    gives: {{type: custom, description: d, payload: {payload}}}\n"
    )


# --- defect 2: values that crashed the loader ------------------------------------------


@pytest.mark.parametrize("payload", ["5", "hello", "[1, 2]", "!!set {a, b}", "!!omap [a: 1]"])
def test_a_payload_that_is_not_a_mapping_is_located(payload: str) -> None:
    problem = only(custom(payload))
    assert (problem.line, problem.path) == (10, "rewards[0].gives.payload")
    assert "expected a mapping" in problem.message


@pytest.mark.parametrize(
    ("payload", "words", "column"),
    [
        ("!!python/object:os.system {}", "python/object:os.system", 52),
        ("{a: 2026-02-30}", "day is out of range", 56),
        ("{a: !!float abc}", "could not convert", 56),
        ("{a: 1, b: [x, " + "9" * 5000 + "]}", "cannot read this value", 66),
    ],
)
def test_a_payload_value_yaml_cannot_build_is_located(
    payload: str, words: str, column: int
) -> None:
    problem = only(custom(payload))
    assert (problem.line, problem.column) == (10, column)
    assert words in problem.message
    assert problem.path == "rewards[0].gives.payload"


def test_a_payload_mapping_of_plain_yaml_is_handed_over() -> None:
    program = loads_program(custom("{event: gala, seats: 2, tags: [a, b]}"))
    gift = program.rewards[0].gift
    assert dict(gift.payload) == {"event": "gala", "seats": 2, "tags": ["a", "b"]}  # type: ignore[attr-defined]


def test_a_five_thousand_digit_number_is_too_large_not_a_crash() -> None:
    problem = only(HEAD + RULE.replace("points: 1", "points: " + "9" * 5000))
    assert (problem.line, problem.path) == (6, "earn[0].effect.points")
    assert "too large" in problem.message


def test_an_amount_of_a_hundred_digits_is_refused_at_load() -> None:
    text = HEAD + RULE.replace("    effect", f'    when: {{min_spend: "1{"0" * 100}"}}\n    effect')
    problem = only(text)
    assert problem.path == "earn[0].when.min_spend"
    assert "at most 1,000,000,000,000" in problem.message


@pytest.mark.parametrize(
    "name",
    [
        "A" * 300,
        "../../../../etc/passwd",
        "/etc/localtime",
        "EST5EDT,M3.2.0,M11.1.0",
        "EST5",
        "UTC+3",
    ],
)
def test_a_time_zone_must_be_an_iana_name(name: str) -> None:
    problem = only(HEAD.replace("UTC", f'"{name}"') + RULE)
    assert (problem.line, problem.path) == (3, "timezone")
    assert "unknown time zone" in problem.message


def test_a_misspelt_time_zone_gets_the_closest_name() -> None:
    problem = only(HEAD.replace("UTC", "America/Los_Angles") + RULE)
    assert "did you mean 'America/Los_Angeles'?" in problem.message


# --- defect 3: the merge-key bomb --------------------------------------------------------


def merge_bomb(levels: int, width: int) -> str:
    rows = ["x-a0: &a0 {x: 1, y: 2}"]
    for level in range(1, levels):
        refs = ", ".join([f"*a{level - 1}"] * width)
        rows.append(f"x-a{level}: &a{level} {{<<: [{refs}]}}")
    return "\n".join(rows) + "\n" + HEAD + RULE


def test_a_merge_key_bomb_is_refused_fast_and_small() -> None:
    text = merge_bomb(10, 9)  # merged naively: 2 x 9**9 (about 775 million) pairs
    assert len(text) < 700
    tracemalloc.start()
    start = time.perf_counter()
    problem = only(text)
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert "merge keys ('<<') expand the document" in problem.message
    assert seconds < 1.0
    assert peak < 100 * 2**20


def test_merge_keys_still_merge_with_own_keys_winning() -> None:
    text = (
        "x-base: &base {type: points_per_spend, points: 1}\n"
        + HEAD
        + "earn:\n  - id: r\n    effect: {<<: *base, points: 3}\n"
    )
    program = loads_program(text)
    assert program.rules[0].effect.points == 3  # type: ignore[attr-defined]


def test_a_merge_of_a_scalar_is_located() -> None:
    problem = only("x-x: &x 5\n" + HEAD + "earn:\n  - id: r\n    effect: {<<: *x}\n")
    assert "merge key" in problem.message
    assert problem.line == 1


# --- defect 6: values compared with host attributes ---------------------------------------


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("NO", "NO reads as the boolean False"),
        ("yes", "yes reads as the boolean True"),
        ("off", "off reads as the boolean False"),
        ("1.10", "1.10 reads as the number 1.1"),
        ("007", "007 reads as the number 7"),
    ],
)
def test_a_yaml_11_boolean_or_number_compared_with_an_attribute_is_refused(
    value: str, words: str
) -> None:
    text = when(f"{{member: {{country: {value}}}}}")
    problem = only(text)
    assert (problem.line, problem.path) == (6, "earn[0].when.member.country")
    assert words in problem.message
    assert f"quote it to compare text: '{value}'" in problem.hint  # type: ignore[operator]


@pytest.mark.parametrize(("value", "kept"), [("'NO'", "NO"), ("true", True), ("1.1", "1.1")])
def test_quoted_text_and_canonical_values_are_kept(value: str, kept: object) -> None:
    text = when(f"{{member: {{country: {value}}}}}")
    condition = loads_program(text).rules[0].condition
    assert condition is not None
    assert {str(v) if not isinstance(v, bool) else v for v in condition.values} == {kept}  # type: ignore[attr-defined]


# --- defect 7: honest size limits -----------------------------------------------------------


def rules(count: int) -> str:
    return (
        HEAD
        + "earn:\n"
        + "".join(
            f"  - id: r{n}\n    when: {{min_spend: '{n % 90 + 10}.00'}}\n"
            f"    effect: {{type: bonus, points: {n % 50 + 1}}}\n"
            for n in range(count)
        )
    )


def test_an_ordinary_five_thousand_rule_program_loads(composer: str) -> None:
    count = 5000 if composer == "libyaml" else 1000  # the Python parser takes 10 s for 5,000
    assert len(loads_program(rules(count)).rules) == count


def test_a_text_past_the_size_limit_is_refused_before_parsing() -> None:
    text = rules(1) + "# " + "x" * yaml_source.MAX_TEXT_CHARS + "\n"
    start = time.perf_counter()
    problem = only(text)
    assert time.perf_counter() - start < 0.5
    assert "characters long; at most 2,000,000 are read" in problem.message


def test_too_many_values_is_its_own_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yaml_source, "MAX_NODES", 1000)
    problem = only(rules(100))
    assert "it has more than 1,000 values" in problem.message
    assert "aliases" not in problem.message


# --- defect 8: every problem at once, each once ----------------------------------------------


def test_problems_in_when_and_effect_are_reported_beside_a_bad_max_points() -> None:
    text = HEAD + "earn:\n  - id: r\n    max_points: 0\n    when: {min_spendd: 5}\n"
    text += "    effect: {type: bonnus}\n"
    paths = [problem.path for problem in problems_of(text)]
    assert paths == ["earn[0].max_points", "earn[0].when.min_spendd", "earn[0].effect.type"]


def test_a_list_used_as_a_key_is_reported_once() -> None:
    problem = only(HEAD + RULE + "? [a, b]\n: 1\n")
    assert "keys must be plain names" in problem.message
