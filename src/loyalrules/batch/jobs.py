"""Population jobs: nightly expiry, tier review, period-close payouts, re-derivation.

A job runs member by member over partitions (:mod:`loyalrules.batch.partitions`) on any
backend (:mod:`loyalrules.batch.backends`). Workers get the program as YAML text and
members as plain records, compute, and send back plain results; nothing is written until
the host applies them to its store, each under the store's compare-and-set.

For example::

    night = [NightlyExpiry(at), TierReview(at)]
    report = run_jobs(night, program_text, parts, ProcessPool())
    apply_results(store, program, report)
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

import attrs

from loyalrules import (
    Ledger,
    LoyalRulesError,
    Member,
    Outcome,
    Program,
    entry_from_dict,
    loads_program,
)
from loyalrules.batch.backends import Backend, InProcess
from loyalrules.batch.partitions import Partition, Record, error_record, load_partition
from loyalrules.storage import (
    Expire,
    Input,
    ReviewTiers,
    Store,
    StoreConflict,
    input_from_dict,
    input_to_dict,
    member_from_dict,
    run,
)
from loyalrules.values.frozen import value_methods
from loyalrules.values.keywords import instant_of


class MemberJob(Protocol):
    """One step of a nightly run, for one member: the Outcome to store, and the input to
    store with it (so re-derivation replays it; None if it is not to be replayed)."""

    name: ClassVar[str]

    def outcome(self, program: Program, member: Member, ledger: Ledger) -> Outcome: ...

    def input(self) -> Input | None: ...


class _At:
    """The instant of a job, ``at`` (decision 0060); ``as_of`` was its 0.1 name and still
    reads it, with a ``DeprecationWarning``, for one release."""

    __slots__ = ()
    at: datetime

    @property
    def as_of(self) -> datetime:
        warnings.warn(
            f"{type(self).__name__}.as_of is called at now; as_of is deprecated and will "
            "be removed in the next release",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.at


@value_methods
@attrs.frozen(init=False, eq=False, repr=False)
class NightlyExpiry(_At):
    """``Program.expire`` at ``at``: write down the points that expired."""

    at: datetime
    name: ClassVar[str] = "expiry"

    if TYPE_CHECKING:  # type checkers see the new form only (decision 0060)

        def __init__(self, at: datetime) -> None: ...

    else:

        def __init__(self, at=None, *, as_of=None):
            self.__attrs_init__(instant_of(at, as_of, "NightlyExpiry"))

    def outcome(self, program: Program, member: Member, ledger: Ledger) -> Outcome:
        return run(program, member, ledger, Expire(self.at))

    def input(self) -> Input | None:
        return Expire(self.at)


@value_methods
@attrs.frozen(init=False, eq=False, repr=False)
class TierReview(_At):
    """``Program.review_tiers`` at ``at``: write down the tier changes."""

    at: datetime
    name: ClassVar[str] = "tier-review"

    if TYPE_CHECKING:

        def __init__(self, at: datetime) -> None: ...

    else:

        def __init__(self, at=None, *, as_of=None):
            self.__attrs_init__(instant_of(at, as_of, "TierReview"))

    def outcome(self, program: Program, member: Member, ledger: Ledger) -> Outcome:
        return run(program, member, ledger, ReviewTiers(self.at))

    def input(self) -> Input | None:
        return ReviewTiers(self.at)


PeriodCloseOperation = Callable[[Program, Member, Ledger, datetime], Outcome]


@value_methods
@attrs.frozen(init=False, eq=False, repr=False)
class PeriodClose(_At):
    """Period-close payouts (cashback paid out, certificates issued at a period's end):
    the hook. ``operation(program, member, ledger, at)`` computes one member's payout
    as an Outcome; it must be a module-level function so that it pickles. When the
    engine has its own period-close operation, pass it here (or a one-line wrapper)."""

    operation: PeriodCloseOperation
    at: datetime
    name: ClassVar[str] = "period-close"

    if TYPE_CHECKING:

        def __init__(self, operation: PeriodCloseOperation, at: datetime) -> None: ...

    else:

        def __init__(self, operation, at=None, *, as_of=None):
            self.__attrs_init__(operation, instant_of(at, as_of, "PeriodClose"))

    def outcome(self, program: Program, member: Member, ledger: Ledger) -> Outcome:
        return self.operation(program, member, ledger, self.at)

    def input(self) -> Input | None:
        return None


@value_methods
@attrs.frozen(eq=False, repr=False)
class NightlyRun:
    """What a worker runs on one partition: every job, in order, for every member. The
    program travels as its YAML text and is loaded once per partition."""

    program_text: str
    jobs: tuple[MemberJob, ...]

    def __call__(self, partition: Partition) -> dict[str, Any]:
        program = loads_program(self.program_text)
        results: list[Record] = []
        errors: list[Record] = []
        records = load_partition(partition)
        for record in records:
            member = member_from_dict(record["member"])
            ledger = Ledger.from_dicts(record["entries"], accounts=program.accounts)
            try:
                outcomes = _run_member(self.jobs, program, member, ledger)
            except LoyalRulesError as error:
                errors.append(error_record(member.id, error))
                continue
            if outcomes:
                results.append({"member_id": member.id, "outcomes": outcomes})
        return {"members": len(records), "results": results, "errors": errors}


def _run_member(
    jobs: Sequence[MemberJob], program: Program, member: Member, ledger: Ledger
) -> list[Record]:
    outcomes: list[Record] = []
    for job in jobs:
        outcome = job.outcome(program, member, ledger)
        if not outcome.entries:
            continue
        ledger = ledger.append(outcome.entries)
        item = job.input()
        outcomes.append(
            {
                "job": job.name,
                "event_key": outcome.event_key,
                "ledger_version": outcome.ledger_version,
                "entries": [entry.to_dict() for entry in outcome.entries],
                "input": None if item is None else input_to_dict(item),
            }
        )
    return outcomes


@value_methods
@attrs.frozen(eq=False, repr=False)
class Report:
    """What a nightly run computed: ``members`` seen, per-member ``results`` (the
    outcomes to store, as plain data), and ``errors`` (a member the program refused)."""

    members: int
    results: tuple[Record, ...]
    errors: tuple[Record, ...]

    @property
    def entries(self) -> int:
        """How many entries the results would write."""
        return sum(len(o["entries"]) for r in self.results for o in r["outcomes"])


def run_jobs(
    jobs: Sequence[MemberJob],
    program_text: str,
    partitions: Sequence[Partition],
    backend: Backend | None = None,
) -> Report:
    """Run ``jobs`` for every member of ``partitions`` on ``backend`` (default: in this
    process). Nothing is stored: pass the report to :func:`apply_results`."""
    task = NightlyRun(program_text, tuple(jobs))
    parts = (backend or InProcess()).map(task, list(partitions))
    return Report(
        members=sum(part["members"] for part in parts),
        results=tuple(result for part in parts for result in part["results"]),
        errors=tuple(error for part in parts for error in part["errors"]),
    )


@value_methods
@attrs.frozen(eq=False, repr=False)
class Applied:
    """What :func:`apply_results` did: outcomes ``stored`` as computed, ``recomputed``
    because the member's ledger changed since the partitions were read (a checkout
    during the night), ``skipped`` (changed, with no input to recompute from), and
    ``already`` stored (a report applied again): nothing written for those."""

    stored: int = 0
    recomputed: int = 0
    skipped: tuple[str, ...] = ()
    already: int = 0


def apply_results(store: Store, program: Program, report: Report) -> Applied:
    """Store a report's outcomes, each under the store's compare-and-set. An outcome
    whose member changed meanwhile is computed again from its input against the
    current ledger (``store.submit``), so no write is lost and none is stale."""
    stored = recomputed = already = 0
    skipped: list[str] = []
    for result in report.results:
        member_id = result["member_id"]
        for done in result["outcomes"]:
            outcome = Outcome(
                event_key=done["event_key"],
                entries=tuple(entry_from_dict(entry) for entry in done["entries"]),
                explanation=(),
                ledger_version=done["ledger_version"],
            )
            item = None if done["input"] is None else input_from_dict(done["input"])
            try:
                if store.apply(member_id, outcome, input=item).wrote:
                    stored += 1
                else:
                    already += 1
            except StoreConflict:
                if item is None:
                    skipped.append(member_id)
                    continue
                store.submit(program, member_id, item)
                recomputed += 1
    return Applied(stored, recomputed, tuple(skipped), already)


__all__ = [
    "Applied",
    "MemberJob",
    "NightlyExpiry",
    "NightlyRun",
    "PeriodClose",
    "PeriodCloseOperation",
    "Report",
    "TierReview",
    "apply_results",
    "run_jobs",
]
