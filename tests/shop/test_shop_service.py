"""The checkout service of examples/shop: its demo runs, and concurrent HTTP requests for
one member neither spend points twice nor store an order twice."""

from __future__ import annotations

import importlib.util
import runpy
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from loyalrules.storage import SQLiteStore

SHOP = Path(__file__).resolve().parents[2] / "examples" / "shop" / "shop.py"


def _shop_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("shop_example", SHOP)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


shop = _shop_module()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Any]:
    running = shop.serve(tmp_path / "shop.db")
    yield running
    running.shutdown()
    running.server_close()


def test_the_demo_prints_the_worked_numbers(capsys: pytest.CaptureFixture[str]) -> None:
    runpy.run_path(str(SHOP), run_name="__main__")
    out = capsys.readouterr().out
    # 2 x $42.00 = $84.00: 84 points, and 50 for the first order.
    assert "order: {'points': 134, 'duplicate': False" in out
    assert "again: {'points': 0, 'duplicate': True" in out
    assert "redeem: {'grant': '$5.00 off', 'duplicate': False, 'balance': 34}" in out
    assert "redeem: (409, {'error': 'InsufficientPoints'" in out
    # One tin back: its 42 points go, though 100 were spent: the balance owes 8.
    assert "return: {'points': -42, 'balance': -8}" in out


def _post(server: Any, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    status, answer = shop.call(server, path, body)
    return int(status), answer


def test_concurrent_redemptions_spend_each_point_once(server: Any, tmp_path: Path) -> None:
    _post(server, "/members", {"id": "bo", "joined_at": "2026-01-05T10:00:00+00:00"})
    lines = [{"sku": "KETTLE", "category": "ware", "price": "500.00"}]
    order = {"member_id": "bo", "order_id": "B-1", "at": "2026-03-01T10:00:00+00:00"}
    assert _post(server, "/orders", {**order, "lines": lines})[1]["points"] == 550
    redeem = {"member_id": "bo", "reward_id": "five-off", "at": "2026-03-02T10:00:00+00:00"}
    later = {"member_id": "bo", "at": "2026-04-01T10:00:00+00:00", "lines": lines}
    requests = [("/redemptions", {**redeem, "key": f"ck-{n}"}) for n in range(16)]
    requests += [("/orders", {**later, "order_id": f"B-{n}"}) for n in range(2, 8)]
    requests += [("/orders", {**later, "order_id": "B-2"}) for _ in range(4)]  # retried
    with ThreadPoolExecutor(12) as pool:
        answers = list(pool.map(lambda request: _post(server, *request), requests))
    paths = [path for path, _ in requests]
    redeemed = [a for a, path in zip(answers, paths, strict=True) if path == "/redemptions"]
    refused = [body for (status, body) in answers if status == 409]
    # 550 points on March 2 pay for five $5 rewards; the later orders cannot help.
    assert sum(status == 200 for status, _ in redeemed) == 5
    assert len(refused) == 11
    assert all(body["error"] == "InsufficientPoints" for body in refused)
    orders = [body for (_, body), path in zip(answers, paths, strict=True) if path == "/orders"]
    assert sum(not body["duplicate"] for body in orders) == 6  # B-2 to B-7, once each
    store = SQLiteStore(tmp_path / "shop.db")
    ledger = store.load("bo")
    assert ledger.verify() == ()
    assert sum(entry.key.startswith("redeem:") for entry in ledger) == 5
    balance = ledger.balance(at=datetime(2026, 5, 1, tzinfo=UTC))
    assert balance.debited == {"redeemed": 500}
    assert balance.available == balance.credited["earned"] - 500
