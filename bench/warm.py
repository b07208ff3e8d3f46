"""Warm path: the app's own time per request in-process, with DynamoDB answered instantly from memory.

For each main route the API Gateway event is built once (Chalice's local gateway turns the request into the
Lambda proxy event and runs the built-in authorizer to fill in its context, as API Gateway does), then the
Lambda handler `app(event, context)` is timed on a fresh copy of it, many times: routing, auth gate, body
parsing, the decision, PynamoDB and botocore building and parsing every DynamoDB call, rendering, the access
log line. The authorizer is a Lambda invocation of its own (API Gateway calls it before the handler; with a
TTL it is cached per token), so its JWT check is timed on its own row.
"""

import copy
import statistics
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from chalice.local import LambdaContext
from chalice.test import Client

from bench.fake_dynamo import FakeDynamo
from bench.seed import pending_request
from chalicelib import config
from chalicelib.domain import lifecycle
from chalicelib.domain.clock import utc_now
from chalicelib.domain.enums import OrderStatus
from chalicelib.domain.model import LineItem, Order
from chalicelib.store import models, transactions
from chalicelib.store.mapping import cancellation_to_item, history_to_item, order_to_item
from chalicelib.store.models import ACTION_NEEDED_KEY, COHORT_PREFIX, counter_item
from devtools import tokens

ROOT = Path(__file__).resolve().parent.parent


@dataclass(slots=True)
class Row:
    route: str
    status: int
    calls: int
    p50_ms: float
    p99_ms: float


def _shop(fake: FakeDynamo) -> str:
    """30 orders of seller S1 to ship, one with a buyer's request waiting; returns that cancel_id."""
    policy = config.policy()
    now = utc_now()
    items = []
    for n in range(30):
        placed = now - timedelta(hours=3, minutes=n)
        order = Order(order_id=f"W{n:02d}", seller_id="S1", buyer_id="B99", items=(LineItem("SKU-1", 2, 75000),),
                      currency="IDR", status=OrderStatus.AWAITING_SHIPMENT, placed_at=placed, paid_at=placed,
                      fingerprint=f"w{n}")
        recorded = lifecycle.record_order(order, policy, "bench")
        items += [order_to_item(recorded.order), history_to_item(order.order_id, 1, recorded.history)]
    recorded, requested = pending_request(99, "S1", now + timedelta(days=1), prefix="W")
    assert requested.cancellation is not None
    items += [order_to_item(requested.order), cancellation_to_item(requested.cancellation),
              history_to_item(requested.order.order_id, 1, recorded.history),
              history_to_item(requested.order.order_id, 2, requested.history),
              counter_item("S1", ACTION_NEEDED_KEY, requested=1, auto_approved=0)]
    day = now.date()
    items += [counter_item("S1", COHORT_PREFIX + (day - timedelta(days=d)).isoformat(), shard=d, orders=5,
                           seller_fault=0) for d in range(7)]
    fake.put(items)
    return requested.cancellation.cancel_id


def measure(iterations: int) -> list[Row]:
    from app import app

    models.reset_connections()
    transactions.reset()
    fake = FakeDynamo(latency=0.0)
    cancel_id = _shop(fake)
    seller = tokens.mint("seller", "seller-user-1", seller_id="S1")
    buyer = tokens.mint("buyer", "buyer-user-99", buyer_id="B99")  # the buyer of the request in _shop
    platform = tokens.mint("platform", "order-source")
    order = {"order_id": "NEW1", "seller_id": "S1", "buyer_id": "B1", "currency": "IDR", "status": "UNPAID",
             "items": [{"sku": "SKU-1", "quantity": 2, "unit_price": 75000}]}
    routes = [
        ("GET /seller/action-needed", "GET", "/seller/action-needed", seller, None),
        ("GET /seller/orders (20 orders)", "GET", "/seller/orders", seller, None),
        ("GET /seller/orders?filter=cancellation", "GET", "/seller/orders?filter=cancellation", seller, None),
        ("GET /seller/orders/{id} (detail)", "GET", "/seller/orders/W000099", seller, None),
        ("GET /seller/cancellations?status=REQUESTED", "GET", "/seller/cancellations?status=REQUESTED", seller,
         None),
        ("GET /seller/metrics/sfcr", "GET", "/seller/metrics/sfcr", seller, None),
        ("GET /buyer/orders/{id}", "GET", "/buyer/orders/W000099", buyer, None),
        ("POST /platform/orders", "POST", "/platform/orders", platform, order),
        ("POST /buyer/orders/{id}/cancellation-requests", "POST", "/buyer/orders/W05/cancellation-requests", buyer,
         {"reason": "CHANGED_MIND"}),
        ("POST /seller/cancellations/{id}/approve", "POST", f"/seller/cancellations/{cancel_id}/approve", seller,
         None),
        ("POST /seller/orders/{id}/ship", "POST", "/seller/orders/W07/ship", seller, {"tracking_number": "JNE-1"}),
    ]
    import json

    rows = []
    with fake, Client(app, stage_name="test", project_dir=str(ROOT)) as client:
        gateway = client.http._local_gateway
        context = LambdaContext("api_handler", memory_size=1024, max_runtime_ms=30_000)
        for label, method, path, token, body in routes:
            raw = json.dumps(body).encode() if body is not None else b""
            headers = {"content-type": "application/json", "authorization": f"Bearer {token}"}
            event = gateway._generate_lambda_event(method, path, headers, raw)
            event, _ = gateway._authorizer.authorize(path, event, context)
            samples, status, calls = [], 0, 0
            for n in range(iterations + iterations // 10):
                fresh = copy.deepcopy(event)
                before = sum(fake.calls.values())
                started = time.perf_counter_ns()
                response = app(fresh, context)
                elapsed = time.perf_counter_ns() - started
                if n >= iterations // 10:  # the first tenth warms caches up
                    samples.append(elapsed / 1e6)
                status, calls = response["statusCode"], sum(fake.calls.values()) - before
            assert status < 300, (label, status, response.get("body"))
            rows.append(Row(label, status, calls, *_p50_p99(samples)))
        # The authorizer's own invocation: the JWT check.
        event = gateway._generate_lambda_event("GET", "/seller/action-needed",
                                               {"authorization": f"Bearer {seller}"}, b"")
        samples = []
        for _ in range(iterations):
            fresh = copy.deepcopy(event)
            started = time.perf_counter_ns()
            gateway._authorizer.authorize("/seller/action-needed", fresh, context)
            samples.append((time.perf_counter_ns() - started) / 1e6)
        rows.append(Row("authorizer (JWT check, its own invocation)", 200, 0, *_p50_p99(samples)))
    models.reset_connections()
    transactions.reset()
    return rows


def _p50_p99(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
