"""Stores under test, and the members and orders the store tests use.

The stores: the stdlib SQLite store, and the SQLAlchemy store on a SQLite file and on
PostgreSQL (``LOYALRULES_TEST_POSTGRES_URL``, set by ``.ci/run``; without it the
PostgreSQL cases skip and say why)."""

from __future__ import annotations

import os
import random
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from loyalrules import InsufficientPoints, LineItem, Member, Money, Program, Purchase, Return
from loyalrules.storage import Expire, Input, Redeem, SQLiteStore, Store, replay

ROOT = Path(__file__).resolve().parents[2]
PROGRAM_PATH = ROOT / "examples" / "shop" / "program.yaml"
POSTGRES_URL = os.environ.get("LOYALRULES_TEST_POSTGRES_URL")
NO_POSTGRES = (
    "PostgreSQL is not available: set LOYALRULES_TEST_POSTGRES_URL to a database URL "
    "(.ci/postgres starts a throwaway server and prints one)"
)
JOINED = datetime(2026, 1, 5, tzinfo=UTC)
DAY = timedelta(days=1)

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


OPERATIONS = ("purchase", "purchase", "purchase", "redeem", "redeem", "return", "expire")
# Redemptions are dated after the expiry runs, as they are in a shop: a redemption dated
# before expiries already written down is out of scope here (the engine's own tests).
EXPIRE_AS_OF = datetime(2027, 5, 1, tzinfo=UTC)
REDEEM_AT = datetime(2027, 5, 2, 12, tzinfo=UTC)


def random_operations(
    store: Store, program: Program, seed: int, member_ids: list[str], prefix: str, count: int
) -> dict[str, list[str]]:
    """Checkouts, redemptions, returns and expiry runs for ``member_ids``, in a random
    order fixed by ``seed``, each through ``store.submit``. Returns the event keys that
    were stored and those the program refused (too few points), by operation."""
    rng = random.Random(seed)
    bought: dict[str, list[Purchase]] = {member_id: [] for member_id in member_ids}
    done: dict[str, list[str]] = {"stored": [], "refused": []}
    for i in range(count):
        member_id = rng.choice(member_ids)
        operation = rng.choice(OPERATIONS)
        item: Input
        if operation == "return" and bought[member_id]:
            order = bought[member_id].pop(rng.randrange(len(bought[member_id])))
            item = Return(
                id=f"{prefix}-ret{i}", purchase=order, occurred_at=order.occurred_at + DAY
            )
        elif operation == "redeem":
            item = Redeem(reward_id="five-off", key=f"{prefix}-r{i}", at=REDEEM_AT)
        elif operation == "expire":
            item = Expire(at=EXPIRE_AS_OF)
        else:
            amount = f"{rng.randint(5, 150)}.{rng.randint(0, 99):02d}"
            day = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=rng.randrange(500_000))
            item = Purchase(
                id=f"{prefix}-o{i}",
                member_id=member_id,
                occurred_at=day,
                lines=[LineItem(sku="TEA", category="tea", unit_price=Money(amount, "USD"))],
            )
            bought[member_id].append(item)
        try:
            outcome = store.submit(program, member_id, item)
        except InsufficientPoints:
            done["refused"].append(f"{member_id} {type(item).__name__}")
            continue
        done["stored"].append(f"{member_id} {outcome.event_key}")
    return done


def check_consistent(store: Store, program: Program, member_ids: list[str]) -> None:
    """What every store must guarantee, whatever ran against it."""
    for member_id in member_ids:
        ledger = store.load(member_id)
        # verify() finds any lot taken beyond its points: points spent twice. (A balance
        # may still go below zero: a return after a redemption leaves a deficit.)
        assert ledger.verify() == (), f"{member_id}: {ledger.verify()}"
        assert store.version(member_id) == ledger.version
        # The entries are exactly what the stored inputs give, in order: none lost, none
        # twice, none of a refused or unfinished write.
        rebuilt = replay(program, store.member(member_id), store.inputs(member_id))
        assert rebuilt == ledger
