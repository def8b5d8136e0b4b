"""The store contract on SQLAlchemy Core (the ``sql`` extra): PostgreSQL, SQLite, others.

The same tables and the same compare-and-set as :class:`~loyalrules.storage.SQLiteStore`.
A write transaction locks the member's row (``SELECT ... FOR UPDATE``) before it reads
the version, so two writers of one member take turns and the second sees the first's
version; writers of different members do not wait for each other. On SQLite, which has
no row locks, a write transaction starts with ``BEGIN IMMEDIATE`` instead. For example::

    store = SQLStore("postgresql+psycopg://shop@localhost/loyalty")
    store = SQLStore("sqlite:///loyalty.db")
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

try:
    import sqlalchemy as sa
except ImportError as error:  # pragma: no cover - depends on the installed extras
    raise ImportError(
        "loyalrules.storage.sql needs SQLAlchemy: pip install 'loyalrules[sql]'"
    ) from error

from loyalrules.storage.base import Store, Transaction, chunks

metadata = sa.MetaData()

members = sa.Table(
    "members",
    metadata,
    sa.Column("id", sa.String, primary_key=True),
    sa.Column("version", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("body", sa.Text, nullable=False),
)


def _rows_table(name: str, *constraints: sa.Constraint) -> sa.Table:
    return sa.Table(
        name,
        metadata,
        sa.Column("member_id", sa.String, sa.ForeignKey("members.id"), primary_key=True),
        sa.Column("position", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("key", sa.String, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        *constraints,
    )


entries = _rows_table("entries", sa.UniqueConstraint("member_id", "key"))
# An input's key is its outcome's event key, which repeats (two expiry runs as of the
# same day each write what was due then); its position, where its entries start, does not.
inputs = _rows_table("inputs")


class _SQLTransaction:
    """The statements of :class:`Transaction` as SQLAlchemy Core expressions."""

    def __init__(self, conn: sa.Connection, lock: bool) -> None:
        self.conn = conn
        self.lock = lock

    def member_row(self, member_id: str) -> tuple[int, str] | None:
        query = sa.select(members.c.version, members.c.body).where(members.c.id == member_id)
        if self.lock:
            query = query.with_for_update()
        row = self.conn.execute(query).first()
        return None if row is None else (int(row[0]), str(row[1]))

    def insert_member(self, member_id: str, body: str) -> None:
        self.conn.execute(members.insert().values(id=member_id, body=body))

    def update_member(self, member_id: str, body: str) -> None:
        self.conn.execute(members.update().where(members.c.id == member_id).values(body=body))

    def set_version(self, member_id: str, expected: int, new: int) -> bool:
        result = self.conn.execute(
            members.update()
            .where(members.c.id == member_id, members.c.version == expected)
            .values(version=new)
        )
        return result.rowcount == 1

    def entry_rows(self, member_id: str) -> list[tuple[int, str]]:
        query = (
            sa.select(entries.c.position, entries.c.body)
            .where(entries.c.member_id == member_id)
            .order_by(entries.c.position)
        )
        return [(int(position), str(body)) for position, body in self.conn.execute(query)]

    def present_keys(self, member_id: str, keys: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for part in chunks(keys):
            query = sa.select(entries.c.key).where(
                entries.c.member_id == member_id, entries.c.key.in_(part)
            )
            found.update(str(key) for (key,) in self.conn.execute(query))
        return found

    def insert_entries(self, member_id: str, rows: Sequence[tuple[int, str, str]]) -> None:
        self.conn.execute(
            entries.insert(),
            [
                {"member_id": member_id, "position": position, "key": key, "body": body}
                for position, key, body in rows
            ],
        )

    def delete_entries(self, member_id: str, positions: Sequence[int]) -> None:
        for part in chunks(positions):
            self.conn.execute(
                entries.delete().where(
                    entries.c.member_id == member_id, entries.c.position.in_(part)
                )
            )

    def insert_input(self, member_id: str, position: int, key: str, body: str) -> None:
        self.conn.execute(
            inputs.insert().values(member_id=member_id, position=position, key=key, body=body)
        )

    def input_rows(self, member_id: str) -> list[str]:
        query = (
            sa.select(inputs.c.body)
            .where(inputs.c.member_id == member_id)
            .order_by(inputs.c.position)
        )
        return [str(body) for (body,) in self.conn.execute(query)]

    def member_ids(self) -> list[str]:
        return [str(i) for (i,) in self.conn.execute(sa.select(members.c.id).order_by("id"))]


def _sqlite_begin(conn: sa.Connection) -> None:
    # pysqlite's own transaction handling is off (below): take the write lock up front
    # in a write transaction, as SQLiteStore does.
    write = conn.get_execution_options().get("loyalrules_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _sqlite_connect(dbapi_connection: Any, _: Any) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


class SQLStore(Store):
    """The store on the database at ``url`` (or an ``Engine``); creates its tables.

    >>> store = SQLStore("sqlite://")
    >>> store.member_ids()
    []
    """

    def __init__(self, url: str | sa.Engine, **engine_options: Any) -> None:
        engine = sa.create_engine(url, **engine_options) if isinstance(url, str) else url
        if engine.dialect.name == "sqlite":
            sa.event.listen(engine, "connect", _sqlite_connect)
            sa.event.listen(engine, "begin", _sqlite_begin)
        self.engine = engine
        self._pid = os.getpid()
        metadata.create_all(engine)

    @contextmanager
    def transaction(self, write: bool) -> Iterator[Transaction]:
        if os.getpid() != self._pid:  # a forked child must not share its parent's sockets
            self.engine.dispose(close=False)
            self._pid = os.getpid()
        lock = write and self.engine.dialect.name != "sqlite"
        with self.engine.connect() as conn:
            conn.execution_options(loyalrules_write=write)
            with conn.begin():
                yield _SQLTransaction(conn, lock)

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


__all__ = ["SQLStore", "entries", "inputs", "members", "metadata"]
