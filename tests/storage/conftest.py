"""Fixtures of the store tests: a store of each kind (see store_cases.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from store_cases import PROGRAM_PATH, open_store, store_url

from loyalrules import Program, load_program
from loyalrules.storage import Store


@pytest.fixture(params=["sqlite", "sql-sqlite", "postgresql"])
def store_kind(request: pytest.FixtureRequest) -> str:
    kind: str = request.param
    return kind


@pytest.fixture
def store_where(store_kind: str, tmp_path: Path) -> str:
    return store_url(store_kind, tmp_path)


@pytest.fixture
def store(store_kind: str, store_where: str) -> Iterator[Store]:
    opened = open_store(store_kind, store_where)
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def program() -> Program:
    return load_program(PROGRAM_PATH)
