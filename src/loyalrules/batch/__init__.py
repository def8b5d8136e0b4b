"""Jobs over a whole population of members, partitioned by member, on a backend: in this
process (the default), a local process pool, or a Dask cluster (the ``dask`` extra).

See ``docs/hosting.md`` for the nightly run and re-derivation, and
``benchmarks/batch.py`` for what they cost.

May import: ``storage`` and every layer under it; ``economics``, ``testing`` and ``cli``
sit above it.
"""

from loyalrules.batch.backends import Backend, Dask, InProcess, ProcessPool
from loyalrules.batch.jobs import (
    Applied,
    MemberJob,
    NightlyExpiry,
    NightlyRun,
    PeriodClose,
    Report,
    TierReview,
    apply_results,
    run_jobs,
)
from loyalrules.batch.partitions import (
    load_partition,
    partition_of,
    read_jsonl,
    records_from_store,
    split,
    write_jsonl,
    write_partitions,
)
from loyalrules.batch.rederive import RederivationReport, rederive, write_rederived

__all__ = [
    "Applied",
    "Backend",
    "Dask",
    "InProcess",
    "MemberJob",
    "NightlyExpiry",
    "NightlyRun",
    "PeriodClose",
    "ProcessPool",
    "RederivationReport",
    "Report",
    "TierReview",
    "apply_results",
    "load_partition",
    "partition_of",
    "read_jsonl",
    "records_from_store",
    "rederive",
    "run_jobs",
    "split",
    "write_jsonl",
    "write_partitions",
    "write_rederived",
]
