"""Re-derivation: replay every member's stored inputs through a new version of the
program, report how their ledgers would differ, and write the new ledgers only when
asked.

For example::

    report = rederive(new_program_text, partitions, at=now)
    [d["member_id"] for d in report.differences]
    write_rederived(store, report)  # only after reading the report
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import attrs

from loyalrules import Ledger, LoyalRulesError, loads_program
from loyalrules.batch.backends import Backend, InProcess
from loyalrules.batch.partitions import Partition, Record, error_record, load_partition
from loyalrules.storage import Store, StoreConflict, input_from_dict, member_from_dict, replay
from loyalrules.values.frozen import value_methods
from loyalrules.values.keywords import instant_of


def _summary(ledger: Ledger, at: datetime) -> dict[str, int]:
    balance = ledger.balance(at=at)
    return {
        "available": balance.available,
        "pending": balance.pending,
        "earned": balance.lifetime_earned,
        "entries": len(ledger),
    }


@value_methods
@attrs.frozen(eq=False, repr=False)
class Rederivation:
    """What a worker runs on one partition: each member's inputs replayed through the
    program given as YAML text, compared with their stored ledger at ``at``."""

    program_text: str
    at: datetime

    def __call__(self, partition: Partition) -> dict[str, Any]:
        program = loads_program(self.program_text)
        differences: list[Record] = []
        errors: list[Record] = []
        records = load_partition(partition)
        for record in records:
            member = member_from_dict(record["member"])
            stored = Ledger.from_dicts(record["entries"], accounts=program.accounts)
            try:
                new = replay(program, member, (input_from_dict(i) for i in record["inputs"]))
                before, after = _summary(stored, self.at), _summary(new, self.at)
            except LoyalRulesError as error:
                errors.append(error_record(member.id, error))
                continue
            old_keys = {entry.key for entry in stored}
            new_keys = {entry.key for entry in new}
            if before == after and old_keys == new_keys:
                continue
            differences.append(
                {
                    "member_id": member.id,
                    "version": record["version"],
                    "before": before,
                    "after": after,
                    "added": sorted(new_keys - old_keys),
                    "removed": sorted(old_keys - new_keys),
                    "entries": new.to_dicts(),
                }
            )
        return {"members": len(records), "differences": differences, "errors": errors}


@value_methods
@attrs.frozen(eq=False, repr=False)
class RederivationReport:
    """Members whose ledger the new program changes (``differences``: balances
    ``before`` and ``after``, entry keys ``added`` and ``removed``), and those whose
    inputs it refuses (``errors``)."""

    members: int
    differences: tuple[Record, ...]
    errors: tuple[Record, ...]


def rederive(
    program_text: str,
    partitions: Sequence[Partition],
    at: datetime | None = None,
    backend: Backend | None = None,
    *,
    as_of: datetime | None = None,
) -> RederivationReport:
    """Replay every member of ``partitions`` (records with their ``inputs``) through the
    program ``program_text``, comparing balances at ``at``; nothing is written.
    ``as_of=`` is the 0.1 spelling of ``at=``, deprecated."""
    when = instant_of(at, as_of, "rederive")
    parts = (backend or InProcess()).map(Rederivation(program_text, when), list(partitions))
    return RederivationReport(
        members=sum(part["members"] for part in parts),
        differences=tuple(d for part in parts for d in part["differences"]),
        errors=tuple(e for part in parts for e in part["errors"]),
    )


def write_rederived(store: Store, report: RederivationReport) -> tuple[str, ...]:
    """Replace each changed member's ledger by the re-derived one (``Store.replace``),
    unless it changed since the partitions were read. Returns those members: run the
    re-derivation again for them."""
    changed: list[str] = []
    for difference in report.differences:
        ledger = Ledger.from_dicts(difference["entries"])
        try:
            store.replace(difference["member_id"], ledger, difference["version"])
        except StoreConflict:
            changed.append(difference["member_id"])
    return tuple(changed)


__all__ = ["Rederivation", "RederivationReport", "rederive", "write_rederived"]
