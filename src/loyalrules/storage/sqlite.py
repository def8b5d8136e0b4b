"""The reference store on the standard library's ``sqlite3``, in WAL mode.

One database file holds every member. Any number of threads and processes may use it at
once: each thread opens its own connection, a write transaction starts with
``BEGIN IMMEDIATE`` (it takes SQLite's single write lock before reading the version, so
the compare-and-set cannot interleave), and readers never wait for writers (WAL).

>>> store = SQLiteStore(":memory:")
>>> store.member_ids()
[]
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from loyalrules.storage.base import Store, Transaction, chunks

SCHEMA = """
CREATE TABLE IF NOT EXISTS members (
    id TEXT PRIMARY KEY,
    version INTEGER NOT NULL DEFAULT 0,
    body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS entries (
    member_id TEXT NOT NULL REFERENCES members (id),
    position INTEGER NOT NULL,
    key TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (member_id, position),
    UNIQUE (member_id, key)
);
CREATE TABLE IF NOT EXISTS inputs (
    member_id TEXT NOT NULL REFERENCES members (id),
    position INTEGER NOT NULL,
    key TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (member_id, position)
);
"""


class _SQLiteTransaction:
    """The statements of :class:`Transaction` in SQLite's SQL."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def member_row(self, member_id: str) -> tuple[int, str] | None:
        row = self.db.execute(
            "SELECT version, body FROM members WHERE id = ?", (member_id,)
        ).fetchone()
        return None if row is None else (row[0], row[1])

    def insert_member(self, member_id: str, body: str) -> None:
        self.db.execute("INSERT INTO members (id, body) VALUES (?, ?)", (member_id, body))

    def update_member(self, member_id: str, body: str) -> None:
        self.db.execute("UPDATE members SET body = ? WHERE id = ?", (body, member_id))

    def set_version(self, member_id: str, expected: int, new: int) -> bool:
        cursor = self.db.execute(
            "UPDATE members SET version = ? WHERE id = ? AND version = ?",
            (new, member_id, expected),
        )
        return cursor.rowcount == 1

    def entry_rows(self, member_id: str) -> list[tuple[int, str]]:
        return self.db.execute(
            "SELECT position, body FROM entries WHERE member_id = ? ORDER BY position",
            (member_id,),
        ).fetchall()

    def present_keys(self, member_id: str, keys: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for part in chunks(keys):
            marks = ", ".join("?" * len(part))
            rows = self.db.execute(
                f"SELECT key FROM entries WHERE member_id = ? AND key IN ({marks})",
                (member_id, *part),
            )
            found.update(key for (key,) in rows)
        return found

    def insert_entries(self, member_id: str, rows: Sequence[tuple[int, str, str]]) -> None:
        self.db.executemany(
            "INSERT INTO entries (member_id, position, key, body) VALUES (?, ?, ?, ?)",
            [(member_id, *row) for row in rows],
        )

    def delete_entries(self, member_id: str, positions: Sequence[int]) -> None:
        self.db.executemany(
            "DELETE FROM entries WHERE member_id = ? AND position = ?",
            [(member_id, position) for position in positions],
        )

    def insert_input(self, member_id: str, position: int, key: str, body: str) -> None:
        self.db.execute(
            "INSERT INTO inputs (member_id, position, key, body) VALUES (?, ?, ?, ?)",
            (member_id, position, key, body),
        )

    def input_rows(self, member_id: str) -> list[str]:
        rows = self.db.execute(
            "SELECT body FROM inputs WHERE member_id = ? ORDER BY position", (member_id,)
        )
        return [body for (body,) in rows]

    def member_ids(self) -> list[str]:
        return [member_id for (member_id,) in self.db.execute("SELECT id FROM members ORDER BY id")]


class SQLiteStore(Store):
    """Members, entries and inputs in one SQLite file (``":memory:"`` for one thread).

    ``timeout`` is how long a writer waits for another's lock before giving up with
    ``sqlite3.OperationalError`` ("database is locked").
    """

    def __init__(self, path: str | os.PathLike[str], timeout: float = 30.0) -> None:
        self.path = str(Path(path)) if str(path) != ":memory:" else ":memory:"
        self.timeout = timeout
        self._local = threading.local()
        self._connection().executescript(SCHEMA)  # idempotent: IF NOT EXISTS

    def _connection(self) -> sqlite3.Connection:
        # One connection per thread and per process: sqlite3 connections must not be
        # shared across threads, nor survive a fork.
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None or self._local.pid != os.getpid():
            db = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
            db.execute("PRAGMA journal_mode = WAL")
            # NORMAL: a killed process loses no committed transaction; a power cut may
            # lose the last ones, never corrupt the file (SQLite's WAL guarantee).
            db.execute("PRAGMA synchronous = NORMAL")
            db.execute("PRAGMA foreign_keys = ON")
            self._local.db, self._local.pid = db, os.getpid()
        return db

    @contextmanager
    def transaction(self, write: bool) -> Iterator[Transaction]:
        db = self._connection()
        db.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        try:
            yield _SQLiteTransaction(db)
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def close(self) -> None:
        """Close this thread's connection (others close when their thread ends)."""
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None


__all__ = ["SCHEMA", "SQLiteStore"]
