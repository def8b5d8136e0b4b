"""Defects 9 and 10: no silent zeros for unknown activity kinds, the program's name for
points in status messages, ``Program.process``'s annotation, the README's taste runs."""

from __future__ import annotations

import contextlib
import io
import os
import re
import typing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from loyalrules import (
    Activation,
    Activity,
    Ledger,
    LineItem,
    Member,
    Membership,
    Money,
    Program,
    Purchase,
    Return,
    loads_program,
)

ROOT = Path(__file__).resolve().parents[2]
MEMBER = Member(id="m", joined_at=datetime(2025, 1, 1, tzinfo=UTC))
AT = datetime(2026, 3, 1, tzinfo=UTC)


def test_the_readme_taste_runs_from_the_repository_root_and_prints_its_comments(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    taste = text[text.index("## A taste") :]
    code = re.search(r"```python\n(.+?)```", taste, re.S)
    assert code is not None
    expected = [line[2:] for line in code.group(1).splitlines() if line.startswith("# ")]
    monkeypatch.chdir(ROOT)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code.group(1), "README.md", "exec"), {})
    assert out.getvalue().splitlines() == expected
    assert os.getcwd() == str(ROOT)


def test_process_is_annotated_with_every_event_it_takes() -> None:
    hints = typing.get_type_hints(Program.process)
    assert set(typing.get_args(hints["event"])) == {
        Purchase,
        Activity,
        Return,
        Activation,
        Membership,
    }


def test_tier_progress_uses_the_programs_name_for_points() -> None:
    program = loads_program(
        "program: cafe\ncurrency: USD\ntimezone: UTC\npoints_name: stars\n"
        "earn:\n  - id: base\n    effect: {type: points_per_spend, points: 1}\n"
        "tiers:\n  qualify_on: {points: points}\n  window: lifetime\n  levels:\n"
        "    - {id: green}\n    - {id: gold, qualify: 500}\n"
    )
    purchase = Purchase(
        id="o",
        member_id="m",
        occurred_at=AT,
        lines=[LineItem(sku="x", category="x", unit_price=Money("100.00", "USD"))],
    )
    ledger = Ledger().apply(program.process(purchase, member=MEMBER, ledger=Ledger()))
    messages = program.status(MEMBER, ledger, AT + timedelta(days=1)).messages
    assert any("Earn 400 more stars" in message for message in messages), messages
    assert not any("more points" in message for message in messages), messages


def test_an_activity_no_rule_names_says_so_in_its_explanation() -> None:
    program = loads_program(
        "program: cafe\ncurrency: USD\ntimezone: UTC\npoints_name: stars\nearn:\n"
        "  - id: review\n    activity: [review]\n    effect: {type: bonus, points: 50}\n"
    )
    misspelt = Activity(id="a-1", member_id="m", kind="reveiw", occurred_at=AT)
    outcome = program.process(misspelt, member=MEMBER, ledger=Ledger())
    assert outcome.points == 0
    (line,) = outcome.explanation
    assert line.status == "unmatched"
    assert str(outcome) == (
        "No rule earns on activity 'reveiw' (recorded, 0 stars); "
        "the program's activity kinds: review"
    )
    known = Activity(id="a-2", member_id="m", kind="review", occurred_at=AT)
    assert program.process(known, member=MEMBER, ledger=Ledger()).points == 50
