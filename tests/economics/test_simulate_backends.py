"""The simulator on the batch backends: partitioned by member, the same population."""

from __future__ import annotations

from pathlib import Path

import pytest

from loyalrules import NotAllowed, load_program
from loyalrules.batch import InProcess, ProcessPool
from loyalrules.economics.simulate import Population, simulate

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
PROGRAM = load_program(EXAMPLES / "rewards.yaml")


def _rows(population: Population) -> list[list[dict[str, object]]]:
    return [ledger.to_dicts() for ledger in population.ledgers]


@pytest.fixture(scope="module")
def reference() -> Population:
    return simulate(PROGRAM, members=12, months=2, seed=5, record=True)


def test_partitions_in_process_give_the_same_population(reference: Population) -> None:
    parted = simulate(
        PROGRAM, members=12, months=2, seed=5, record=True, backend=InProcess(), partition_size=5
    )
    assert parted.members == reference.members
    assert _rows(parted) == _rows(reference)
    assert parted.scenarios == reference.scenarios


def test_a_process_pool_gives_the_same_population(reference: Population) -> None:
    pooled = simulate(
        PROGRAM, members=12, months=2, seed=5, backend=ProcessPool(2), partition_size=6
    )
    assert pooled.members == reference.members
    assert _rows(pooled) == _rows(reference)


def test_a_dask_cluster_gives_the_same_population(reference: Population) -> None:
    distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")
    from loyalrules.batch import Dask

    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        on_dask = simulate(
            PROGRAM, members=12, months=2, seed=5, backend=Dask(client=client), partition_size=4
        )
    assert _rows(on_dask) == _rows(reference)


def test_a_partition_of_no_members_is_refused() -> None:
    with pytest.raises(NotAllowed, match="partition_size"):
        simulate(PROGRAM, members=3, months=1, backend=InProcess(), partition_size=0)
