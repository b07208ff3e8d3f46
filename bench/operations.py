"""Per operation: the DynamoDB calls each route makes (moto behind the real app), items, capacity, floor.

Every route is called through `chalice.test.Client` exactly as a client would call it, over a shop with a
few dozen orders so list pages are full (20 items). The floor is docs/architecture.md's budget for the operation.
"""

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import time_machine
from chalice.test import Client
from moto import mock_aws

from bench.capacity import Usage, usage
from bench.seed import seed_pending
from chalicelib.store import models, transactions
from devtools import tokens
from devtools.dynamo_calls import READS, DynamoCalls

ROOT = Path(__file__).resolve().parent.parent
START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Floor:
    text: str
    holds: Callable[[Counter[str]], bool]


def _reads(counts: Counter[str]) -> int:
    return sum(n for op, n in counts.items() if op in READS)


KEY_LOOKUP = Floor("1 GetItem", lambda c: c == {"GetItem": 1})
# The counts are the sum of the seller's counter shards, gathered by one index Query (docs/architecture.md).
COUNTS = Floor("2 Query (the counter shards; the due-soon count)", lambda c: c == {"Query": 2})
ONE_PAGE = Floor("1 Query (+1 BatchGetItem)", lambda c: c["Query"] == 1 and c["BatchGetItem"] <= 1 and
                 set(c) <= {"Query", "BatchGetItem"})
DETAIL = Floor("<= 3 reads", lambda c: _reads(c) <= 3 and _reads(c) == sum(c.values()))
# The cohort's days, then the action-needed shards for appeals_open (docs/appeals.md).
SFCR = Floor("1 Query or 1 BatchGetItem; + 1 Query for appeals_open",
             lambda c: c in ({"Query": 2}, {"BatchGetItem": 1, "Query": 1}))
CHANGE = Floor("<= 2 reads + 1 TransactWriteItems",
               lambda c: _reads(c) <= 2 and c["TransactWriteItems"] == 1 and _reads(c) + 1 == sum(c.values()))
NO_WRITE = Floor("<= 3 reads, no write", lambda c: _reads(c) <= 3 and _reads(c) == sum(c.values()))
REFUSED_KEPT = Floor("<= 3 reads + 1 PutItem", lambda c: _reads(c) <= 3 and c["PutItem"] == 1 and
                     _reads(c) + 1 == sum(c.values()))


@dataclass(slots=True)
class Row:
    operation: str
    status: int
    counts: Counter[str]
    usage: Usage
    floor: Floor

    @property
    def ok(self) -> bool:
        return self.floor.holds(self.counts)

    @property
    def calls(self) -> str:
        return " + ".join(f"{n} {op}" for op, n in sorted(self.counts.items())) or "none"


class _Api:
    def __init__(self, client: Client):
        self.client = client

    def call(self, method: str, path: str, token: str | None, body: dict | None = None,
             headers: dict | None = None):
        all_headers = {"Content-Type": "application/json", **(headers or {})}
        if token:
            all_headers["Authorization"] = f"Bearer {token}"
        payload = json.dumps(body).encode() if body is not None else b""
        response = self.client.http.request(method, path, headers=all_headers, body=payload)
        response.json = json.loads(response.body) if response.body else None
        return response


def _order(order_id: str, status: str = "AWAITING_SHIPMENT", seller_id: str = "S1") -> dict:
    return {"order_id": order_id, "seller_id": seller_id, "buyer_id": "B1", "currency": "IDR", "status": status,
            "items": [{"sku": "SKU-1", "quantity": 2, "unit_price": 75000}]}


def measure() -> list[Row]:
    """Runs every operation once against a fresh moto DynamoDB and returns its row."""
    from app import app

    with mock_aws(), time_machine.travel(START, tick=False) as clock:
        models.reset_connections()
        transactions.reset()
        models.create_tables()
        platform = tokens.mint("platform", "order-source")
        seller = tokens.mint("seller", "seller-user-1", seller_id="S1")
        buyer = tokens.mint("buyer", "buyer-user-1", buyer_id="B1")
        rows: list[Row] = []
        with Client(app, stage_name="test", project_dir=str(ROOT)) as client, DynamoCalls() as calls:
            api = _Api(client)

            def run(name: str, floor: Floor, method: str, path: str, token: str, body: dict | None = None,
                    headers: dict | None = None):
                calls.clear()
                response = api.call(method, path, token, body, headers)
                recorded = list(calls)
                rows.append(Row(name, response.status_code, Counter(c.operation for c in recorded),
                                usage(recorded), floor))
                return response

            def post(path: str, token: str, body: dict | None = None) -> dict:
                response = api.call("POST", path, token, body)
                assert response.status_code in (200, 201), (path, response.json)
                return response.json

            # The shop: 30 orders to ship (full pages), an unpaid one, and requests waiting for the seller.
            for n in range(30):
                post("/platform/orders", platform, _order(f"L{n:02d}"))
            clock.shift(timedelta(hours=2))
            waiting = {n: post(f"/buyer/orders/L{n:02d}/cancellation-requests", buyer,
                               {"reason": "CHANGED_MIND"})["cancel_id"] for n in range(6)}

            run("record order", CHANGE, "POST", "/platform/orders", platform, _order("N1", status="UNPAID"))
            run("payment", CHANGE, "POST", "/platform/orders/N1/payment", platform)
            post("/platform/orders", platform, _order("U1", status="UNPAID"))
            auto = run("buyer request (auto-approved: unpaid)", CHANGE, "POST",
                       "/buyer/orders/U1/cancellation-requests", buyer, {"reason": "CHANGED_MIND"}).json
            run("buyer request (waits for the seller)", CHANGE, "POST", "/buyer/orders/L10/cancellation-requests",
                buyer, {"reason": "CHANGED_MIND"})
            run("action-needed counts", COUNTS, "GET", "/seller/action-needed", seller)
            run("orders page, All tab (20 items)", ONE_PAGE, "GET", "/seller/orders", seller)
            run("orders page, To ship tab (20 items)", ONE_PAGE, "GET", "/seller/orders?tab=to_ship", seller)
            run("orders page, Cancellation filter", ONE_PAGE, "GET", "/seller/orders?filter=cancellation", seller)
            run("cancellations page, REQUESTED by deadline", ONE_PAGE, "GET",
                "/seller/cancellations?status=REQUESTED", seller)
            run("cancellations page, all", ONE_PAGE, "GET", "/seller/cancellations", seller)
            run("order detail (history, handover)", DETAIL, "GET", "/seller/orders/L00", seller)
            run("buyer's order view", DETAIL, "GET", "/buyer/orders/L00", buyer)
            run("one cancellation", KEY_LOOKUP, "GET", f"/seller/cancellations/{waiting[0]}", seller)
            run("SFCR", SFCR, "GET", "/seller/metrics/sfcr", seller)
            run("withdraw", CHANGE, "POST", f"/buyer/cancellations/{waiting[1]}/withdraw", buyer)
            run("approve", CHANGE, "POST", f"/seller/cancellations/{waiting[2]}/approve", seller)
            run("reject", CHANGE, "POST", f"/seller/cancellations/{waiting[3]}/reject", seller,
                {"reason": "DELIVERY_ON_SCHEDULE"})
            run("acknowledge", CHANGE, "POST", f"/seller/cancellations/{auto['cancel_id']}/acknowledge", seller)
            run("seller cancel", CHANGE, "POST", "/seller/orders/L20/cancel", seller, {"reason": "OUT_OF_STOCK"})
            run("arrange shipment", CHANGE, "POST", "/seller/orders/L21/arrange-shipment", seller)
            run("ship", CHANGE, "POST", "/seller/orders/L21/ship", seller, {"tracking_number": "JNE-1"})
            run("ship with a pending request", CHANGE, "POST", "/seller/orders/L04/ship", seller,
                {"tracking_number": "JNE-2"})
            run("delivery", CHANGE, "POST", "/platform/orders/L21/delivery", platform)
            key = {"Idempotency-Key": "bench-1"}
            run("approve with Idempotency-Key (first)", CHANGE, "POST",
                f"/seller/cancellations/{waiting[5]}/approve", seller, headers=key)
            run("approve with Idempotency-Key (replay)", NO_WRITE, "POST",
                f"/seller/cancellations/{waiting[5]}/approve", seller, headers=key)
            run("refused approve with Idempotency-Key", REFUSED_KEPT, "POST",
                f"/seller/cancellations/{waiting[2]}/approve", seller, headers={"Idempotency-Key": "bench-2"})
    rows.append(_expiry_row())
    return rows


def _expiry_row() -> Row:
    """The expiry job over 50 pending requests of which 5 are due (fresh tables)."""
    from chalicelib.jobs import expiry

    models.reset_connections()
    transactions.reset()
    with mock_aws():
        models.create_tables()
        now = START + timedelta(days=10)
        seed_pending(50, first_due=now - timedelta(hours=4), spacing=timedelta(hours=1), prefix="E")
        with DynamoCalls() as calls:
            report = expiry.run(now)
        recorded = list(calls)
    counts = Counter(c.operation for c in recorded)
    floor = Floor("4 Query (1 per shard) + 1 BatchGetItem + 5 TransactWriteItems",
                  lambda c: c == {"Query": 4, "BatchGetItem": 1, "TransactWriteItems": 5})
    models.reset_connections()
    transactions.reset()
    return Row(f"expiry job: 50 pending, 5 due ({report.auto_approved} approved)", 200, counts,
               usage(recorded), floor)
