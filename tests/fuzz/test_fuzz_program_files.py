"""Generated program documents, valid, mutated and hostile: loading ends in a Program or
a ``ProgramError``, never another exception; what loads also evaluates a purchase."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from fuzzing import fuzz_settings, library_call
from hypothesis import given
from hypothesis import strategies as st
from schema_documents import documents, text_of

from loyalrules import (
    Ledger,
    LineItem,
    Member,
    Money,
    Program,
    ProgramError,
    Purchase,
    loads_program,
)

MEMBER = Member(id="m", joined_at=datetime(2025, 1, 1, tzinfo=UTC))
PURCHASE = Purchase(
    id="o",
    member_id="m",
    occurred_at=datetime(2026, 6, 1, 12, tzinfo=UTC),
    lines=[
        LineItem(sku="b", category="beans", unit_price=Money("18.00", "USD"), quantity=2),
        LineItem(sku="g", category="gift_cards", unit_price=Money("25.00", "USD")),
    ],
)

numbers = st.integers(min_value=1, max_value=1000).map(str)
amounts = st.decimals(min_value=0, max_value=500, places=2).map(lambda d: f'"{d}"')
categories = st.sampled_from(["beans", "drinks", "gift_cards", "merch"])
conditions = st.one_of(
    amounts.map(lambda a: f"{{min_spend: {a}}}"),
    categories.map(lambda c: f"{{contains: {{categories: [{c}]}}}}"),
    st.sampled_from(["mon", "tue", "sat"]).map(lambda d: f"{{weekday: [{d}]}}"),
    st.just("{first_purchase: true}"),
    st.sampled_from(["gold", "'NO'", "1.5", "true"]).map(lambda v: f"{{member: {{tier: {v}}}}}"),
    st.just("{between: {from: 2026-01-01, until: 2026-12-31}}"),
)
effects = st.one_of(
    numbers.map(lambda n: f"{{type: bonus, points: {n}}}"),
    st.tuples(numbers, st.sampled_from(['"1.00"', '"10.00"'])).map(
        lambda t: f"{{type: points_per_spend, points: {t[0]}, per: {t[1]}}}"
    ),
    st.sampled_from(['"1.5"', "2", "3"]).map(lambda f: f"{{type: multiply, factor: {f}}}"),
)
extras = st.sampled_from(
    [
        "",
        "    max_points: 500\n",
        "    limit: {times: 1, per: month}\n",
        "    lines: {categories: [beans]}\n",
        "    expiry: {after: P3M}\n",
        "    active: {from: 2026-03-01, until: 2026-09-30}\n",
    ]
)


@st.composite
def valid_programs(draw: st.DrawFn) -> str:
    """A program every key of which is valid."""
    rules = []
    for number in range(draw(st.integers(min_value=1, max_value=6))):
        rule = f"  - id: r{number}\n"
        if draw(st.booleans()):
            rule += f"    when: {draw(conditions)}\n"
        rule += draw(extras) + f"    effect: {draw(effects)}\n"
        rules.append(rule)
    head = (
        "program: fuzz\ncurrency: USD\n"
        f"timezone: {draw(st.sampled_from(['UTC', 'America/New_York', 'Asia/Tokyo']))}\n"
        f"rounding: {{mode: {draw(st.sampled_from(['floor', 'half_up', 'ceil']))}}}\n"
        "eligible_spend: {exclude: {categories: [gift_cards]}}\n"
    )
    rewards = (
        "rewards:\n  - id: gift\n    cost: 100\n"
        "    gives: {type: custom, description: a gift, payload: {event: gala, seats: 2}}\n"
    )
    return head + "earn:\n" + "".join(rules) + (rewards if draw(st.booleans()) else "")


HOSTILE_SCALARS = [
    "NO",
    "yes",
    "1.10",
    "007",
    "9" * 5000,
    "-1",
    "0",
    "1e400",
    "!!python/object:os.system {}",
    "!!float abc",
    "2026-02-30",
    "P9000Y",
    "*nowhere",
    "&a x",
    "{<<: *a}",
    "~",
    "''",
    "[",
    "{",
    "'",
    "\t",
    "../../etc/passwd",
    "A" * 300,
    "EST5EDT,M3.2.0,M11.1.0",
    "America/Los_Angles",
    '"1' + "0" * 100 + '"',
    "[a, [b, [c]]]",
    "{a: {b: {c: d}}}",
    "!!binary aGVsbG8=",
    "!!set {a, b}",
    "!!omap [a: 1]",
    "? [a]\n  : b",
]


@st.composite
def mutated_programs(draw: st.DrawFn) -> str:
    """A valid program (or one drawn from the schema) with a few lines cut, doubled,
    swapped or given a hostile value."""
    if draw(st.integers(0, 3)):  # one in four from the schema: they are larger, slower
        lines = draw(valid_programs()).splitlines()
    else:
        lines = draw(documents().map(text_of)).splitlines()
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        at = draw(st.integers(min_value=0, max_value=len(lines) - 1))
        action = draw(st.sampled_from(["cut", "double", "value", "key", "indent", "swap"]))
        line = lines[at]
        if action == "cut" and len(lines) > 1:
            del lines[at]
        elif action == "double":
            lines.insert(at, line)
        elif action == "value" and ":" in line:
            key = line.rsplit(":", 1)[0]
            lines[at] = f"{key}: {draw(st.sampled_from(HOSTILE_SCALARS))}"
        elif action == "key":
            lines[at] = line.replace(":", "x:", 1)
        elif action == "indent":
            lines[at] = " " * draw(st.integers(0, 6)) + line.lstrip()
        elif action == "swap":
            other = draw(st.integers(min_value=0, max_value=len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
    return "\n".join(lines) + "\n"


def bomb(kind: str, size: int) -> str:
    if kind == "aliases":
        rows = ["x-0: &a0 [x, x]"]
        rows += [f"x-{n}: &a{n} [{', '.join([f'*a{n - 1}'] * size)}]" for n in range(1, 12)]
    elif kind == "merges":
        rows = ["x-0: &a0 {k: 1, j: 2}"]
        rows += [f"x-{n}: &a{n} {{<<: [{', '.join([f'*a{n - 1}'] * size)}]}}" for n in range(1, 12)]
    elif kind == "deep":
        rows = ["x-deep: " + "[" * (size * 40) + "]" * (size * 40)]
    else:  # a recursive anchor
        rows = ["x-self: &s {a: *s}"]
    return "\n".join(rows) + "\nprogram: p\ncurrency: USD\ntimezone: UTC\nearn: []\n"


def check_loads(text: str) -> Program | None:
    result = library_call(loads_program, text)
    if isinstance(result, Program):
        library_call(result.process, PURCHASE, member=MEMBER, ledger=Ledger())
        return result
    assert isinstance(result, ProgramError), result
    assert result.problems, "a ProgramError names at least one problem"
    return None


# Where a hostile value does the most damage: (a line's start, the text before its value).
TARGETS = [
    ("timezone:", "timezone: "),
    ("    effect: {type: bonus", "    effect: {type: bonus, points: "),
    ("    gives: {type: custom", "    gives: {type: custom, description: d, payload: "),
    ("    when: {member:", "    when: {member: {tier: "),
    ("    when: {min_spend:", "    when: {min_spend: "),
    ("    expiry:", "    expiry: {after: "),
    ("rounding:", "rounding: {mode: "),
]


@st.composite
def hostile_values(draw: st.DrawFn) -> str:
    """A valid program with one value that matters replaced by a hostile one."""
    lines = draw(valid_programs()).splitlines()
    candidates = [
        (number, prefix)
        for number, line in enumerate(lines)
        for start, prefix in TARGETS
        if line.startswith(start)
    ]
    number, prefix = draw(st.sampled_from(candidates))
    value = draw(st.sampled_from(HOSTILE_SCALARS))
    closing = "}" * prefix.count("{")
    lines[number] = f"{prefix}{value}{closing}"
    return "\n".join(lines) + "\n"


@fuzz_settings(quick=150, long=15_000)
@given(valid_programs())
def test_a_valid_generated_program_loads_and_evaluates(text: str) -> None:
    program = check_loads(text)
    assert program is not None, text


@fuzz_settings(quick=300, long=20_000)
@given(st.one_of(mutated_programs(), hostile_values()))
def test_a_mutated_program_loads_or_is_a_located_program_error(text: str) -> None:
    check_loads(text)


@fuzz_settings(quick=40, long=5_000)
@given(
    st.sampled_from(["aliases", "merges", "deep", "recursive"]),
    st.integers(min_value=2, max_value=12),
)
def test_a_hostile_document_is_refused_fast(kind: str, size: int) -> None:
    text = bomb(kind, size)
    start = time.perf_counter()
    result = library_call(loads_program, text)
    assert time.perf_counter() - start < 2.0
    if kind == "deep" and size * 40 <= 64 - 2:
        return  # shallow enough to be a program
    if not isinstance(result, Program):
        assert isinstance(result, ProgramError)


@fuzz_settings(quick=100, long=10_000)
@given(st.text(max_size=300))
def test_arbitrary_text_is_a_program_error(text: str) -> None:
    result = library_call(loads_program, text)
    assert isinstance(result, ProgramError | Program)
