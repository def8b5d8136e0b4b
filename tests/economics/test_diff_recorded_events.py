"""``loyalrules diff --events``: two programs over a store's recorded inputs, read from the
batch JSON Lines format."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from loyalrules import (
    InsufficientPoints,
    LineItem,
    Member,
    Money,
    NotAllowed,
    Purchase,
    load_program,
)
from loyalrules.batch import read_jsonl, records_from_store, write_jsonl, write_partitions
from loyalrules.cli import main
from loyalrules.economics import diff_recorded, scenario_from_record
from loyalrules.storage import Expire, Redeem, SQLiteStore

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
OLD = EXAMPLES / "rewards.yaml"


def _store(tmp_path: Path) -> SQLiteStore:
    program = load_program(OLD)
    store = SQLiteStore(str(tmp_path / "shop.db"))
    for n in range(1, 6):
        member_id = f"m-{n}"
        store.put_member(Member(id=member_id, joined_at=datetime(2026, 1, 2, tzinfo=UTC)))
        for week in range(2 * n):
            at = datetime(2026, 1, 5, 15, tzinfo=UTC) + timedelta(weeks=week)
            line = LineItem(sku="SERUM", category="skincare", unit_price=Money("24.00", "USD"))
            order = Purchase(id=f"{member_id}-o{week}", member_id=member_id, occurred_at=at,
                             lines=[line] * 1)  # fmt: skip
            store.submit(program, member_id, order)
        at = datetime(2026, 3, 20, tzinfo=UTC)
        with contextlib.suppress(NotAllowed, InsufficientPoints):  # too few points: nothing stored
            store.submit(program, member_id, Redeem("sample-trio", at, f"{member_id}-r"))
        store.submit(program, member_id, Expire(datetime(2026, 3, 31, tzinfo=UTC)))
    return store


@pytest.fixture
def events(tmp_path: Path) -> tuple[SQLiteStore, Path]:
    store = _store(tmp_path)
    return store, write_jsonl(tmp_path / "events.jsonl", records_from_store(store, True))


def test_replaying_a_stores_inputs_through_its_program_gives_its_ledgers(
    events: tuple[SQLiteStore, Path],
) -> None:
    store, path = events
    program = load_program(OLD)
    scenarios = [scenario_from_record(record) for record in read_jsonl(path)]
    assert any(isinstance(step, Redeem) for s in scenarios for step in s.steps)
    diff = diff_recorded(program, program, scenarios)
    assert [m.period for m in diff.old.months] == ["2026-01", "2026-02", "2026-03"]
    assert diff.old.total.issued == sum(
        entry.points
        for s in scenarios
        for entry in store.load(s.member.id).entries
        if type(entry).__name__ == "Earned"
    )
    assert diff.points.up == diff.points.down == 0
    assert diff.old.total.to_dict() == diff.new.total.to_dict()


def test_the_cli_diffs_recorded_events(
    events: tuple[SQLiteStore, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, path = events
    richer = tmp_path / "richer.yaml"
    richer.write_text(
        OLD.read_text(encoding="utf-8").replace(
            "points_per_spend, points: 1}", "points_per_spend, points: 2}"
        )
    )
    assert richer.read_text() != OLD.read_text()
    assert main(["diff", str(OLD), str(richer), "--events", str(path)]) == 0
    out = capsys.readouterr().out
    assert "5 members' recorded events, 3 months from 2026-01" in out
    assert "5 get more, 0 fewer" in out


def test_partitions_are_read_as_one_file(
    events: tuple[SQLiteStore, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store, path = events
    parts = write_partitions(tmp_path / "parts", records_from_store(store, True), 3)
    main(["diff", str(OLD), str(OLD), "--events", str(path), "--json"])
    whole = json.loads(capsys.readouterr().out)
    main(["diff", str(OLD), str(OLD), *[a for p in parts for a in ("--events", p)], "--json"])
    parted = json.loads(capsys.readouterr().out)
    assert "seed" not in whole
    assert parted["old"]["total"] == whole["old"]["total"]


def test_a_partition_given_twice_is_refused(
    events: tuple[SQLiteStore, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, path = events
    assert main(["diff", str(OLD), str(OLD), "--events", str(path), "--events", str(path)]) == 1
    assert f"--events {path} is given twice: give each partition once" in capsys.readouterr().err


def test_a_record_without_inputs_is_refused_with_its_line(
    events: tuple[SQLiteStore, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store, _ = events
    bare = write_jsonl(tmp_path / "bare.jsonl", records_from_store(store))
    assert main(["diff", str(OLD), str(OLD), "--events", str(bare)]) == 1
    err = capsys.readouterr().err
    assert "bare.jsonl:1: not a member record with inputs" in err
    assert "with_inputs=True" in err
    (tmp_path / "junk.jsonl").write_text("\n{not json\n", encoding="utf-8")
    assert main(["diff", str(OLD), str(OLD), "--events", str(tmp_path / "junk.jsonl")]) == 1
    assert "junk.jsonl:2:" in capsys.readouterr().err


def test_no_recorded_member_is_an_error() -> None:
    program = load_program(OLD)
    with pytest.raises(NotAllowed, match="at least one member"):
        diff_recorded(program, program, [])
