"""Members as partitions of JSON Lines: one member a line, with their entries (and
inputs), split by a stable hash of the member id (decision 0032).

A record is a plain dict, so it pickles and crosses process and machine boundaries::

    {"member": {...}, "version": 12, "entries": [{...}, ...], "inputs": [{...}, ...]}

>>> partition_of("m-1", 8) == partition_of("m-1", 8)
True
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from loyalrules.storage import Store, input_to_dict, member_to_dict

Record = dict[str, Any]
Partition = list[Record] | str  # the records themselves, or the path of a JSON Lines file


def partition_of(member_id: str, count: int) -> int:
    """Which of ``count`` partitions holds ``member_id``: the same on every machine and
    in every run (CRC-32, not Python's salted ``hash``)."""
    return zlib.crc32(member_id.encode()) % count


def split(records: Iterable[Record], count: int) -> list[list[Record]]:
    """``records`` in ``count`` partitions by member id."""
    parts: list[list[Record]] = [[] for _ in range(count)]
    for record in records:
        parts[partition_of(record["member"]["id"], count)].append(record)
    return parts


def records_from_store(store: Store, with_inputs: bool = False) -> Iterator[Record]:
    """Every member of ``store`` as a record (with their inputs when asked: re-derivation
    needs them, the nightly jobs do not)."""
    for member_id in store.member_ids():
        ledger = store.load(member_id)
        record: Record = {
            "member": member_to_dict(store.member(member_id)),
            "version": ledger.version,
            "entries": ledger.to_dicts(),
        }
        if with_inputs:
            record["inputs"] = [input_to_dict(item) for item in store.inputs(member_id)]
        yield record


def write_jsonl(path: str | Path, rows: Iterable[Record]) -> Path:
    """Write ``rows``, one JSON object a line."""
    path = Path(path)
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, separators=(",", ":")))
            out.write("\n")
    return path


def read_jsonl(path: str | Path) -> list[Record]:
    """The rows of a JSON Lines file."""
    with Path(path).open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def write_partitions(directory: str | Path, records: Iterable[Record], count: int) -> list[str]:
    """``records`` split into ``count`` files ``members-00000.jsonl``... in ``directory``;
    returns their paths, the partitions to give a job."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    return [
        str(write_jsonl(directory / f"members-{index:05d}.jsonl", part))
        for index, part in enumerate(split(records, count))
    ]


def error_record(member_id: str, error: Exception) -> Record:
    """How a job reports a member the program refused, and goes on with the others."""
    return {"member_id": member_id, "error": f"{type(error).__name__}: {error}"}


def load_partition(partition: Partition) -> list[Record]:
    """The records of a partition given as records or as a file path."""
    return read_jsonl(partition) if isinstance(partition, str) else partition


__all__ = [
    "Partition",
    "Record",
    "error_record",
    "load_partition",
    "partition_of",
    "read_jsonl",
    "records_from_store",
    "split",
    "write_jsonl",
    "write_partitions",
]
