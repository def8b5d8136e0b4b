"""Nightly jobs, period-close hook and re-derivation over a population, on every backend."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from loyalrules import (
    Ledger,
    LineItem,
    Member,
    Money,
    Outcome,
    Program,
    Purchase,
    load_program,
    loads_program,
)
from loyalrules.batch import (
    InProcess,
    NightlyExpiry,
    PeriodClose,
    ProcessPool,
    TierReview,
    apply_results,
    load_partition,
    partition_of,
    records_from_store,
    rederive,
    run_jobs,
    write_partitions,
    write_rederived,
)
from loyalrules.storage import SQLiteStore, replay

PROGRAM_PATH = Path(__file__).resolve().parents[2] / "examples" / "shop" / "program.yaml"
PROGRAM_TEXT = PROGRAM_PATH.read_text(encoding="utf-8")
NIGHT = datetime(2027, 6, 1, tzinfo=UTC)
MEMBERS = 24


@pytest.fixture
def program() -> Program:
    return load_program(PROGRAM_PATH)


@pytest.fixture
def store(tmp_path: Path, program: Program) -> Iterator[SQLiteStore]:
    """Members with a few purchases each in 2026, seeded."""
    shop = SQLiteStore(tmp_path / "shop.db")
    rng = random.Random(15)
    for n in range(MEMBERS):
        member = Member(id=f"m-{n:03d}", joined_at=datetime(2026, 1, 2, tzinfo=UTC))
        shop.put_member(member)
        for k in range(rng.randint(0, 5)):
            at = datetime(2026, 1, 3, tzinfo=UTC) + timedelta(hours=rng.randrange(8000))
            price = Money(f"{rng.randint(10, 300)}.00", "USD")
            line = LineItem(sku="TEA", category="tea", unit_price=price)
            order = Purchase(
                id=f"{member.id}-{k}", member_id=member.id, occurred_at=at, lines=[line]
            )
            shop.submit(program, member.id, order)
    yield shop
    shop.close()


def _partitions(store: SQLiteStore, tmp_path: Path, with_inputs: bool = False) -> list[str]:
    return write_partitions(tmp_path / "parts", records_from_store(store, with_inputs), 4)


def test_partitions_hold_every_member_once_by_a_stable_hash(
    store: SQLiteStore, tmp_path: Path
) -> None:
    parts = _partitions(store, tmp_path)
    seen = [
        (index, record["member"]["id"])
        for index, part in enumerate(parts)
        for record in load_partition(part)
    ]
    assert sorted(member_id for _, member_id in seen) == store.member_ids()
    assert all(partition_of(member_id, 4) == index for index, member_id in seen)


def test_the_nightly_run_writes_what_expire_and_review_would(
    store: SQLiteStore, program: Program, tmp_path: Path
) -> None:
    jobs = [NightlyExpiry(NIGHT), TierReview(NIGHT)]
    report = run_jobs(jobs, PROGRAM_TEXT, _partitions(store, tmp_path))
    assert report.members == MEMBERS
    assert report.errors == ()
    assert report.entries > 0
    applied = apply_results(store, program, report)
    assert applied.stored == sum(len(r["outcomes"]) for r in report.results)
    for member_id in store.member_ids():
        member, ledger = store.member(member_id), store.load(member_id)
        assert ledger.verify() == ()
        # Everything due is written down: running the jobs again adds nothing.
        assert program.expire(member=member, ledger=ledger, at=NIGHT).entries == ()
        assert program.review_tiers(member=member, ledger=ledger, at=NIGHT).entries == ()
    # A second night over the same data finds nothing more to do.
    again = run_jobs(jobs, PROGRAM_TEXT, _partitions(store, tmp_path / "again"))
    assert again.results == ()


def test_a_member_who_changed_during_the_night_is_computed_again(
    store: SQLiteStore, program: Program, tmp_path: Path
) -> None:
    report = run_jobs([NightlyExpiry(NIGHT)], PROGRAM_TEXT, _partitions(store, tmp_path))
    busy = report.results[0]["member_id"]
    late = Purchase(
        id="late",
        member_id=busy,
        occurred_at=datetime(2026, 12, 30, tzinfo=UTC),
        lines=[LineItem(sku="TEA", category="tea", unit_price=Money("20.00", "USD"))],
    )
    store.submit(program, busy, late)  # a checkout after the partitions were read
    applied = apply_results(store, program, report)
    assert applied.recomputed == 1
    assert applied.stored == len(report.results) - 1
    ledger = store.load(busy)
    assert ledger.verify() == ()
    assert "purchase:late" in ledger
    assert program.expire(member=store.member(busy), ledger=ledger, at=NIGHT).entries == ()


def test_the_backends_compute_the_same_report(store: SQLiteStore, tmp_path: Path) -> None:
    parts = _partitions(store, tmp_path)
    jobs = [NightlyExpiry(NIGHT), TierReview(NIGHT)]
    reference = run_jobs(jobs, PROGRAM_TEXT, parts, InProcess())
    assert run_jobs(jobs, PROGRAM_TEXT, parts, ProcessPool(2)) == reference


def test_the_dask_backend_on_a_local_cluster_computes_the_same_report(
    store: SQLiteStore, tmp_path: Path
) -> None:
    distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")
    from loyalrules.batch import Dask

    # Records, not paths: on a real cluster the workers may not see this machine's files.
    parts = [load_partition(part) for part in _partitions(store, tmp_path)]
    jobs = [NightlyExpiry(NIGHT), TierReview(NIGHT)]
    reference = run_jobs(jobs, PROGRAM_TEXT, parts)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        backend = Dask(client=client)
        assert backend.cores == 2
        assert run_jobs(jobs, PROGRAM_TEXT, parts, backend) == reference
        assert Dask(address=cluster.scheduler_address).map(len, parts) == [len(p) for p in parts]


def goodwill_payout(program: Program, member: Member, ledger: Ledger, at: datetime) -> Outcome:
    """A stand-in period-close payout: 10 points to every member who bought this year."""
    if not ledger.balance(at=at).lifetime_earned:
        return Outcome(
            event_key="payout", entries=(), explanation=(), ledger_version=ledger.version
        )
    return program.adjust(
        member=member,
        ledger=ledger,
        points=10,
        reason="period close",
        actor="batch",
        at=at,
        key=f"payout:{at.date()}",
    )


def test_a_period_close_payout_plugs_in_as_a_job(
    store: SQLiteStore, program: Program, tmp_path: Path
) -> None:
    close = PeriodClose(goodwill_payout, datetime(2026, 12, 31, 23, tzinfo=UTC))
    report = run_jobs([close], PROGRAM_TEXT, _partitions(store, tmp_path), ProcessPool(2))
    buyers = [m for m in store.member_ids() if len(store.load(m))]
    assert sorted(r["member_id"] for r in report.results) == buyers
    apply_results(store, program, report)
    assert all("adjust:payout:2026-12-31" in store.load(m) for m in buyers)


def test_rederivation_reports_differences_and_writes_only_when_asked(
    store: SQLiteStore, program: Program, tmp_path: Path
) -> None:
    doubled = PROGRAM_TEXT.replace(
        "{type: points_per_spend, points: 1}", "{type: points_per_spend, points: 2}"
    )
    new_program = loads_program(doubled)
    buyers = [m for m in store.member_ids() if len(store.load(m))]
    versions = {m: store.version(m) for m in store.member_ids()}
    report = rederive(doubled, _partitions(store, tmp_path, with_inputs=True), at=NIGHT)
    assert report.errors == ()
    assert sorted(d["member_id"] for d in report.differences) == buyers
    for difference in report.differences:
        assert difference["after"]["earned"] > difference["before"]["earned"]
    assert {m: store.version(m) for m in versions} == versions  # nothing written yet
    assert write_rederived(store, report) == ()
    for member_id in buyers:
        ledger = store.load(member_id)
        assert ledger.version == store.version(member_id) > versions[member_id]
        expected = replay(new_program, store.member(member_id), store.inputs(member_id))
        assert ledger.balance(at=NIGHT) == expected.balance(at=NIGHT)
        assert ledger.verify() == ()
    # The store goes on as before: a nightly run on the re-derived ledgers.
    nightly = run_jobs([NightlyExpiry(NIGHT)], doubled, _partitions(store, tmp_path / "after"))
    assert apply_results(store, new_program, nightly).stored == len(nightly.results)
