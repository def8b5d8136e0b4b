"""Stores under test, and the members and orders the store tests use.

The stores: the stdlib SQLite store, and the SQLAlchemy store on a SQLite file and on
PostgreSQL (``LOYALRULES_TEST_POSTGRES_URL``, set by ``.ci/run``; without it the
PostgreSQL cases skip and say why)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from loyalrules import LineItem, Member, Money, Purchase
from loyalrules.storage import SQLiteStore, Store

ROOT = Path(__file__).resolve().parents[2]
PROGRAM_PATH = ROOT / "examples" / "shop" / "program.yaml"
POSTGRES_URL = os.environ.get("LOYALRULES_TEST_POSTGRES_URL")
NO_POSTGRES = (
    "PostgreSQL is not available: set LOYALRULES_TEST_POSTGRES_URL to a database URL "
    "(.ci/postgres starts a throwaway server and prints one)"
)
JOINED = datetime(2026, 1, 5, tzinfo=UTC)

StoreFactory = Callable[[], Store]


def postgres_url() -> str:
    """A fresh, empty schema on the test server, as a URL (tables are per schema)."""
    if not POSTGRES_URL:
        pytest.skip(NO_POSTGRES)
    import sqlalchemy as sa

    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(POSTGRES_URL)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    except sa.exc.OperationalError as error:
        pytest.skip(f"PostgreSQL at LOYALRULES_TEST_POSTGRES_URL did not answer: {error}")
    finally:
        engine.dispose()
    separator = "&" if "?" in POSTGRES_URL else "?"
    return f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"


def store_url(kind: str, directory: Path) -> str:
    """Where a store of ``kind`` lives: a file path for ``sqlite``, a URL otherwise."""
    if kind == "sqlite":
        return str(directory / "loyalty.db")
    if kind == "sql-sqlite":
        return f"sqlite:///{directory / 'loyalty-sa.db'}"
    return postgres_url()


def open_store(kind: str, where: str) -> Store:
    if kind == "sqlite":
        return SQLiteStore(where)
    from loyalrules.storage.sql import SQLStore

    return SQLStore(where)


def member(member_id: str = "m-1") -> Member:
    return Member(id=member_id, joined_at=JOINED, attributes={"segment": "staff"})


def purchase(
    order_id: str, member_id: str = "m-1", amount: str = "120.00", day: int = 1
) -> Purchase:
    return Purchase(
        id=order_id,
        member_id=member_id,
        occurred_at=datetime(2026, 3, day, 12, tzinfo=UTC),
        lines=[
            LineItem(sku="TEA", category="tea", unit_price=Money(Decimal(amount), "USD")),
        ],
    )
