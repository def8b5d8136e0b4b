"""Every public value, ledger, program and outcome survives ``pickle`` unchanged, so a
process pool or a cluster can carry them.

The values are collected from the runnable examples: every argument given to a
``Program`` method and every result it returned, and everything inside them.
"""

from __future__ import annotations

import contextlib
import functools
import io
import pickle
import runpy
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

import attrs
import pytest

import loyalrules
from loyalrules import (
    Adjusted,
    Balance,
    Checkpoint,
    Earned,
    Inactivity,
    InsufficientPoints,
    Ledger,
    Problem,
    Program,
    ProgramError,
    TierAssigned,
    TransferredIn,
    TransferredOut,
    ValidationError,
    loads_program,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _inside(value: object, depth: int = 0) -> Iterator[object]:
    """``value`` and the loyalrules values inside it."""
    if depth > 8:
        return
    kind = type(value)
    if kind.__module__.startswith("loyalrules"):
        yield value
    if attrs.has(kind):
        for field in attrs.fields(kind):
            yield from _inside(getattr(value, field.name), depth + 1)
    elif isinstance(value, tuple | list | Ledger):
        for item in value:
            yield from _inside(item, depth + 1)
    elif isinstance(value, dict | MappingProxyType):
        for item in value.values():
            yield from _inside(item, depth + 1)


@functools.cache
def _example_values() -> dict[str, list[object]]:
    """Public values by type name, from running every example with its Program methods
    watched."""
    found: dict[str, list[object]] = {}

    def note(value: object) -> None:
        for item in _inside(value):
            found.setdefault(type(item).__name__, []).append(item)

    def watched(method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def call(self: Program, *args: Any, **kwargs: Any) -> Any:
            result = method(self, *args, **kwargs)
            for value in (self, result, *args, *kwargs.values()):
                note(value)
            return result

        return call

    names = [n for n in dir(Program) if not n.startswith("_") and callable(getattr(Program, n))]
    with pytest.MonkeyPatch.context() as patch:
        for name in names:
            patch.setattr(Program, name, watched(getattr(Program, name)))
        for path in sorted(EXAMPLES.glob("*.py")):
            with contextlib.redirect_stdout(io.StringIO()):
                runpy.run_path(str(path), run_name="__main__")
    return found


# Public classes the examples show; the rest (abstract bases, errors, builders) below.
SHOWN = [
    "AccountStatus",
    "Activated",
    "Activation",
    "Activity",
    "Balance",
    "Cart",
    "Consumption",
    "Earned",
    "Expired",
    "Explanation",
    "Grant",
    "Ledger",
    "Level",
    "LineItem",
    "Member",
    "Membership",
    "MembershipChanged",
    "MembershipValue",
    "Money",
    "Outcome",
    "Plan",
    "PointsPayment",
    "Program",
    "Purchase",
    "Quote",
    "Recorded",
    "Redeemed",
    "Restored",
    "Return",
    "Reversed",
    "Reward",
    "RewardOption",
    "Rule",
    "Status",
    "TierChanged",
    "TierState",
    "TierStatus",
    "Tiers",
]


def _round_trip(value: object) -> object:
    return pickle.loads(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


@pytest.mark.parametrize("name", SHOWN)
def test_every_value_of_the_examples_survives_pickle(name: str) -> None:
    values = _example_values().get(name)
    assert values, f"no example shows a {name}"
    assert name in loyalrules.__all__
    for value in values[:20]:
        copy = _round_trip(value)
        assert type(copy) is type(value)
        if name == "Program":  # compiled rules compare by identity: compare behaviour
            assert isinstance(copy, Program)
            assert isinstance(value, Program)
            assert copy.id == value.id
            assert [r.id for r in copy.rules] == [r.id for r in value.rules]
        else:
            assert copy == value


def test_a_pickled_program_evaluates_like_the_original() -> None:
    program = loyalrules.load_program(EXAMPLES / "coffee_club.yaml")
    copy = _round_trip(program)
    assert isinstance(copy, Program)
    calls = _example_calls("Purchase")
    assert calls
    for purchase, member, ledger in calls:
        original = program.process(purchase, member=member, ledger=ledger)
        again = copy.process(purchase, member=member, ledger=ledger)
        assert again.entries == original.entries
        assert again.explanation == original.explanation


def _example_calls(kind: str) -> list[tuple[Any, Any, Ledger]]:
    values = _example_values()
    members = {m.id: m for m in values["Member"]}  # type: ignore[attr-defined]
    return [
        (event, members[event.member_id], Ledger())  # type: ignore[attr-defined]
        for event in values[kind]
        if event.member_id in members  # type: ignore[attr-defined]
        and event.currency == "USD"  # type: ignore[attr-defined]
    ][:10]


def test_a_ledger_keeps_its_entries_and_answers_after_pickle() -> None:
    ledgers = [v for v in _example_values()["Ledger"] if isinstance(v, Ledger) and len(v) > 3]
    assert ledgers
    for ledger in ledgers[:10]:
        copy = _round_trip(ledger)
        assert isinstance(copy, Ledger)
        assert copy.entries == ledger.entries
        assert copy.version == ledger.version
        moment = max(entry.at for entry in ledger)
        assert copy.balance(moment) == ledger.balance(moment)


def test_a_compacted_ledger_and_its_checkpoint_survive_pickle() -> None:
    ledgers = [v for v in _example_values()["Ledger"] if isinstance(v, Ledger) and len(v) > 10]
    compacted = []
    for ledger in ledgers:
        for moment in sorted({entry.at for entry in ledger}, reverse=True):
            try:
                compact = ledger.compact(moment)
            except ValidationError:  # an expiry not written yet: try an earlier instant
                continue
            if compact is not ledger:
                compacted.append(compact)
                break
    assert compacted, "no example ledger could be compacted"
    for compact in compacted:
        copy = _round_trip(compact)
        assert copy == compact
        assert isinstance(copy, Ledger)
        assert isinstance(copy.entries[0], Checkpoint)
        assert copy.checkpoint == compact.checkpoint
        assert copy.version == compact.version


def test_a_read_only_mapping_stays_read_only_after_pickle() -> None:
    member = _round_trip(_example_values()["Member"][0])
    with pytest.raises(TypeError):
        member.attributes["segment"] = "gold"  # type: ignore[attr-defined]


def test_a_program_error_survives_pickle() -> None:
    with pytest.raises(ProgramError) as caught:
        loads_program("program: p\ncurrency: USD\n")
    copy = _round_trip(caught.value)
    assert isinstance(copy, ProgramError)
    assert str(copy) == str(caught.value)
    assert all(isinstance(problem, Problem) for problem in copy.problems)


AT = datetime(2026, 3, 1, 12, tzinfo=UTC)
BUILT = [
    Adjusted(key="a-1", at=AT, points=50, reason="goodwill", actor="staff-1"),
    Adjusted(key="a-2", at=AT, points=-20, reason="fix", actor="staff-1", deficit=20),
    TransferredIn(key="t-1", at=AT, points=10, transfer_id="t", from_member="m-2"),
    TransferredOut(key="t-2", at=AT, points=10, transfer_id="t", to_member="m-2", deficit=10),
    Earned(
        key="e-1",
        at=AT,
        points=5,
        rule_id="base",
        source="o-1",
        inactivity=Inactivity(period="P12M", timezone="Europe/Paris"),
    ),
    Balance("points", 10, 5, 0, ((AT, 10),), {"earned": 15}, {"redeemed": 0}),
    TierAssigned(key="tier-1", at=AT, level="gold", reason="vip", actor="staff-1"),
    InsufficientPoints(500, 120, "stars"),
]


@pytest.mark.parametrize("value", BUILT, ids=lambda v: type(v).__name__)
def test_values_no_example_shows_survive_pickle(value: object) -> None:
    copy = _round_trip(value)
    assert type(copy) is type(value)
    if isinstance(value, Exception):
        assert isinstance(copy, Exception)
        assert str(copy) == str(value)
        assert copy.args == value.args
    else:
        assert copy == value
