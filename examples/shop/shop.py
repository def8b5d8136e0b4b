"""A small checkout service: quotes, orders, redemptions and returns over HTTP and JSON,
stored in the reference SQLite store. Every request runs in its own thread
(``ThreadingHTTPServer``); the store's compare-and-set keeps concurrent requests for one
member safe.

    python examples/shop/shop.py            # a demo: starts the service, calls it, stops
    python examples/shop/shop.py serve 8000 # serves on 127.0.0.1:8000 until Ctrl-C

Endpoints (request and response bodies are JSON; money as strings, times ISO 8601):

    POST /members              {"id", "joined_at"}
    POST /quote                {"member_id", "at", "lines": [{"sku", "category", "price",
                                "quantity"}]}                     -> points, messages
    POST /orders               {"member_id", "order_id", "at", "lines"} -> points, balance
    POST /redemptions          {"member_id", "reward_id", "key", "at"}  -> grant, balance
    POST /returns              {"member_id", "order_id", "return_id", "at",
                                "lines": {"SKU": quantity} | null}   -> points, balance
    GET  /members/<id>?as_of=  -> balance, tier, points expiring next

The standard library's server keeps the example free of dependencies (decision 0031); it
is not hardened for the open internet: put ``Shop`` behind a production server.
"""

from __future__ import annotations

import json
import sys
import tempfile
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from loyalrules import (
    Cart,
    InsufficientPoints,
    LineItem,
    LoyalRulesError,
    Member,
    Money,
    NotAllowed,
    Program,
    Purchase,
    Return,
    load_program,
)
from loyalrules.storage import Redeem, SQLiteStore, StoreError

HERE = Path(__file__).resolve().parent
Body = dict[str, Any]


class Shop:
    """The service's logic, apart from HTTP: one method per endpoint."""

    def __init__(self, program: Program, store: SQLiteStore) -> None:
        self.program = program
        self.store = store

    def lines(self, body: Body) -> list[LineItem]:
        currency = self.program.settings.currency
        return [
            LineItem(
                sku=line["sku"],
                category=line["category"],
                unit_price=Money(line["price"], currency),
                quantity=line.get("quantity", 1),
            )
            for line in body["lines"]
        ]

    def balance(self, member_id: str, at: datetime) -> int:
        return self.store.load(member_id).balance(at=at).available

    def add_member(self, body: Body) -> Body:
        member = Member(id=body["id"], joined_at=datetime.fromisoformat(body["joined_at"]))
        self.store.put_member(member)
        return {"id": member.id}

    def quote(self, body: Body) -> Body:
        member_id, at = body["member_id"], datetime.fromisoformat(body["at"])
        result = self.program.quote(
            Cart(lines=self.lines(body)),
            member=self.store.member(member_id),
            ledger=self.store.load(member_id),
            at=at,
        )
        return {"points": result.points, "messages": list(result.messages)}

    def order(self, body: Body) -> Body:
        member_id, at = body["member_id"], datetime.fromisoformat(body["at"])
        order = Purchase(
            id=body["order_id"], member_id=member_id, occurred_at=at, lines=self.lines(body)
        )
        outcome = self.store.submit(self.program, member_id, order)
        return {
            "points": outcome.points,
            "duplicate": outcome.duplicate,
            "messages": list(outcome.messages),
            "balance": self.balance(member_id, at),
        }

    def redeem(self, body: Body) -> Body:
        member_id, at = body["member_id"], datetime.fromisoformat(body["at"])
        item = Redeem(reward_id=body["reward_id"], key=body["key"], at=at)
        outcome = self.store.submit(self.program, member_id, item)
        grant = outcome.grant.description if outcome.grant is not None else None
        return {
            "grant": grant,
            "duplicate": outcome.duplicate,
            "balance": self.balance(member_id, at),
        }

    def return_items(self, body: Body) -> Body:
        member_id, at = body["member_id"], datetime.fromisoformat(body["at"])
        # The return carries the original order: it is one of the member's stored inputs.
        orders = [
            item
            for item in self.store.inputs(member_id)
            if isinstance(item, Purchase) and item.id == body["order_id"]
        ]
        if not orders:
            raise NotAllowed(f"member {member_id!r} has no order {body['order_id']!r}")
        ret = Return(
            id=body["return_id"], purchase=orders[0], occurred_at=at, lines=body.get("lines")
        )
        outcome = self.store.submit(self.program, member_id, ret)
        return {"points": outcome.change(), "balance": self.balance(member_id, at)}

    def status(self, member_id: str, as_of: datetime) -> Body:
        status = self.program.status(
            member=self.store.member(member_id), ledger=self.store.load(member_id), at=as_of
        )
        points = status.account().balance
        return {
            "member_id": member_id,
            "available": points.available,
            "tier": status.tier.level.name if status.tier is not None else None,
            "expiring": [[when.isoformat(), n] for when, n in points.expiring[:3]],
        }


# What each error means to a client: the program said no (409: nothing stored), or the
# request was wrong (400). Anything else is a bug: 500, and the traceback in the log.
_STATUS: tuple[tuple[type[Exception], HTTPStatus], ...] = (
    (InsufficientPoints, HTTPStatus.CONFLICT),
    (NotAllowed, HTTPStatus.CONFLICT),
    (StoreError, HTTPStatus.NOT_FOUND),
    (LoyalRulesError, HTTPStatus.BAD_REQUEST),
    (KeyError, HTTPStatus.BAD_REQUEST),
    (ValueError, HTTPStatus.BAD_REQUEST),
)


def handler_for(shop: Shop) -> type[BaseHTTPRequestHandler]:
    routes: dict[str, Callable[[Body], Body]] = {
        "/members": shop.add_member,
        "/quote": shop.quote,
        "/orders": shop.order,
        "/redemptions": shop.redeem,
        "/returns": shop.return_items,
    }

    class Handler(BaseHTTPRequestHandler):
        def answer(self, status: HTTPStatus, body: Body) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def run(self, call: Callable[[], Body]) -> None:
            try:
                self.answer(HTTPStatus.OK, call())
            except Exception as error:
                for kind, status in _STATUS:
                    if isinstance(error, kind):
                        self.answer(status, {"error": type(error).__name__, "message": str(error)})
                        return
                raise

        def do_POST(self) -> None:
            route = routes.get(self.path)
            if route is None:
                self.answer(HTTPStatus.NOT_FOUND, {"error": f"no endpoint {self.path}"})
                return
            length = int(self.headers.get("Content-Length", 0))
            body = json.loads(self.rfile.read(length) or b"{}")
            self.run(lambda: route(body))

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            member_id = url.path.removeprefix("/members/")
            as_of = parse_qs(url.query).get("as_of", [""])[0]
            self.run(lambda: shop.status(member_id, datetime.fromisoformat(as_of)))

        def log_message(self, format: str, *args: Any) -> None:
            pass  # quiet: the demo prints what matters

    return Handler


def serve(database: Path, port: int = 0) -> ThreadingHTTPServer:
    """The service on 127.0.0.1:``port`` (0: any free port), running in a thread."""
    shop = Shop(load_program(HERE / "program.yaml"), SQLiteStore(database))
    server = ThreadingHTTPServer(("127.0.0.1", port), handler_for(shop))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def call(server: ThreadingHTTPServer, path: str, body: Body | None = None) -> tuple[int, Body]:
    """A request to the service: ``(HTTP status, JSON body)``."""
    url = f"http://127.0.0.1:{server.server_address[1]}{path}"
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def demo() -> None:
    with tempfile.TemporaryDirectory() as directory:
        server = serve(Path(directory) / "shop.db")
        tea = [{"sku": "SENCHA", "category": "tea", "price": "42.00", "quantity": 2}]
        call(server, "/members", {"id": "ana", "joined_at": "2026-01-05T10:00:00+00:00"})
        at = "2026-03-10T15:00:00+00:00"
        print("quote:", call(server, "/quote", {"member_id": "ana", "at": at, "lines": tea})[1])
        order = {"member_id": "ana", "order_id": "A-1", "at": at, "lines": tea}
        print("order:", call(server, "/orders", order)[1])
        print("again:", call(server, "/orders", order)[1])
        redeem = {"member_id": "ana", "reward_id": "five-off", "at": "2026-03-11T09:00:00+00:00"}
        print("redeem:", call(server, "/redemptions", {**redeem, "key": "ck-1"})[1])
        print("redeem:", call(server, "/redemptions", {**redeem, "key": "ck-2"}))
        back = {"member_id": "ana", "order_id": "A-1", "return_id": "R-1", "lines": {"SENCHA": 1}}
        print("return:", call(server, "/returns", {**back, "at": "2026-03-12T10:00:00+00:00"})[1])
        print("status:", call(server, "/members/ana?as_of=2026-03-13T00:00:00%2B00:00")[1])
        server.shutdown()
        server.server_close()


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:
        port = int(sys.argv[2]) if len(sys.argv) > 2 else 8000
        serve(Path("shop.db"), port).serve_forever()
    else:
        demo()
