"""Drives the local service with many concurrent sellers, buyers and the platform, then checks the stored data.

    python -m loadtest.run --seconds 30

It starts the whole local stage in-process (embedded DynamoDB, the API on a free loopback port, the expiry
schedule), runs worker threads for a fixed time or request cap, stops the schedule, Scans the tables and checks
the invariants in `loadtest.invariants`. A short response window and grace period make requests fall due during
the run, so the expiry job races sellers answering them.

Every answer is sorted: 2xx; expected refusals (409 from races and stale views, 400 REASON_NOT_ALLOWED when a
seller picked a reason for a status that just changed); everything else is unexpected and fails the run.
A share of POSTs is sent twice with one Idempotency-Key: the second answer must repeat the first.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import logging
import random
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from devtools import tokens
from devtools.local_environment import HOST
from devtools.local_stage import LocalStage

from . import invariants

EXPECTED_400 = frozenset({"REASON_NOT_ALLOWED"})
CANCELLABLE = frozenset({"UNPAID", "AWAITING_SHIPMENT", "AWAITING_COLLECTION"})
BUYER_REASONS = ("CHANGED_MIND", "ORDERED_BY_MISTAKE", "FOUND_BETTER_PRICE", "NEED_TO_CHANGE_ADDRESS",
                 "DELIVERY_TOO_SLOW", "PAYMENT_ISSUE", "OTHER")
# Without files: the reasons that need evidence (PRODUCT_PACKED, AGREED_WITH_BUYER) would only be refused.
REJECT_REASONS = ("DELIVERY_ON_SCHEDULE", "INVALID_REASON")
SELLER_REASONS = {"UNPAID": ("OUT_OF_STOCK", "WRONG_PRICE", "BUYER_NOT_PAID_IN_TIME"),
                  "PAID": ("OUT_OF_STOCK", "WRONG_PRICE", "ADDRESS_NOT_DELIVERABLE")}
ACCEPTED = frozenset({"AUTO_APPROVED", "APPROVED", "SELLER_CANCELLED"})


@dataclass(frozen=True)
class Settings:
    seconds: float = 30.0
    max_requests: int = 100_000
    workers: int = 12
    sellers: int = 6
    buyers: int = 20
    response_window_seconds: int = 2
    grace_period_seconds: int = 1
    schedule_seconds: float = 0.25
    replay_share: float = 0.1
    seed: int = 7


class StopLoad(Exception):
    """The time or the request cap ran out."""


# --- what the run measured ------------------------------------------------------------------------------


@dataclass
class Stats:
    deadline: float
    cap: int
    requests: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    by_route: dict[str, list[float]] = field(default_factory=dict)
    outcomes: Counter[str] = field(default_factory=Counter)
    expected: Counter[str] = field(default_factory=Counter)
    unexpected: Counter[str] = field(default_factory=Counter)
    samples: list[str] = field(default_factory=list)
    replays: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self) -> None:
        with self.lock:
            if self.requests >= self.cap or time.monotonic() >= self.deadline:
                raise StopLoad()
            self.requests += 1

    def record(self, route: str, status: int, code: str | None, ms: float) -> None:
        with self.lock:
            self.latencies_ms.append(ms)
            self.by_route.setdefault(route, []).append(ms)
            self.outcomes[str(status)] += 1
            if status < 300:
                return
            kind = f"{status} {code}"
            if status == 409 or (status == 400 and code in EXPECTED_400):
                self.expected[kind] += 1
            else:
                self.unexpected[kind] += 1
                if len(self.samples) < 20:
                    self.samples.append(f"{route}: {kind}")

    def problem(self, kind: str, detail: str) -> None:
        with self.lock:
            self.unexpected[kind] += 1
            if len(self.samples) < 20:
                self.samples.append(f"{kind}: {detail}")


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


# --- what the clients know (a stale view, as real clients have) -----------------------------------------


@dataclass
class OrderView:
    seller: str
    buyer: str
    status: str


class World:
    def __init__(self, sellers: list[str], buyers: list[str]):
        self.sellers = sellers
        self.buyers = buyers
        self.orders: dict[str, OrderView] = {}
        self.all_ids: list[str] = []
        self.of_seller: dict[str, list[str]] = {s: [] for s in sellers}
        self.of_buyer: dict[str, list[str]] = {b: [] for b in buyers}
        self.pending: dict[str, set[str]] = {b: set() for b in buyers}  # buyer -> cancel ids it believes pending
        self.numbers = itertools.count(1)
        self.lock = threading.Lock()

    def add(self, order: dict) -> None:
        with self.lock:
            self.orders[order["order_id"]] = OrderView(order["seller_id"], order["buyer_id"], order["status"])
            self.all_ids.append(order["order_id"])
            self.of_seller[order["seller_id"]].append(order["order_id"])
            self.of_buyer[order["buyer_id"]].append(order["order_id"])

    def saw(self, order_id: str, status: str) -> None:
        with self.lock:
            if order_id in self.orders:
                self.orders[order_id].status = status

    def status(self, order_id: str) -> str:
        with self.lock:
            return self.orders[order_id].status

    def pick(self, rng: random.Random, ids: list[str], statuses: frozenset[str] | None = None) -> str | None:
        with self.lock:
            recent = ids[-40:]  # act mostly on recent orders, where the races are
            fitting = [oid for oid in recent if statuses is None or self.orders[oid].status in statuses]
            return rng.choice(fitting) if fitting else None


# --- one client connection per worker ---------------------------------------------------------------------


class Client:
    def __init__(self, port: int, stats: Stats, rng: random.Random, replay_share: float):
        self.port = port
        self.stats = stats
        self.rng = rng
        self.replay_share = replay_share
        self.conn = http.client.HTTPConnection(HOST, port, timeout=30)

    def _send(self, method: str, path: str, token: str, body: Any, headers: dict[str, str]) -> tuple[int, bytes]:
        payload = json.dumps(body).encode() if body is not None else None
        all_headers = {"Authorization": f"Bearer {token}", **headers}
        if payload is not None:
            all_headers["Content-Type"] = "application/json"
        try:
            self.conn.request(method, path, body=payload, headers=all_headers)
            response = self.conn.getresponse()
            return response.status, response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
            raise

    def call(self, route: str, method: str, path: str, token: str, body: Any = None) -> tuple[int, Any]:
        replay = method == "POST" and self.rng.random() < self.replay_share
        headers = {"Idempotency-Key": uuid.uuid4().hex} if replay else {}
        status, raw = self._timed(route, method, path, token, body, headers)
        if replay:
            again, raw_again = self._timed(route, method, path, token, body, headers)
            with self.stats.lock:
                self.stats.replays += 1
            if (again, _json(raw_again)) != (status, _json(raw)):
                self.stats.problem("idempotent replay differs", f"{route}: {status} then {again}")
        return status, _json(raw)

    def _timed(self, route: str, method: str, path: str, token: str, body: Any,
               headers: dict[str, str]) -> tuple[int, bytes]:
        self.stats.take()
        started = time.perf_counter()
        try:
            status, raw = self._send(method, path, token, body, headers)
        except (OSError, http.client.HTTPException) as error:
            self.stats.problem(f"transport {type(error).__name__}", f"{route}: {error}")
            return 599, b""
        payload = _json(raw)
        code = payload.get("error", {}).get("code") if isinstance(payload, dict) else None
        self.stats.record(route, status, code, (time.perf_counter() - started) * 1000)
        return status, raw

    def close(self) -> None:
        self.conn.close()


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None


# --- the flows ------------------------------------------------------------------------------------------


@dataclass
class Actors:
    platform: str
    sellers: dict[str, str]  # seller_id -> token
    buyers: dict[str, str]  # buyer_id -> token
    grace: timedelta


def _iso(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def record_order(c: Client, w: World, a: Actors) -> None:
    seller, buyer = c.rng.choice(w.sellers), c.rng.choice(w.buyers)
    now = datetime.now(UTC)
    body: dict[str, Any] = {
        "order_id": f"L{next(w.numbers):06d}-{uuid.uuid4().hex[:6]}", "seller_id": seller, "buyer_id": buyer,
        "items": [{"sku": f"SKU-{c.rng.randint(1, 50)}", "quantity": c.rng.randint(1, 3),
                   "unit_price": c.rng.randint(1, 500) * 1000}],
        "currency": "IDR", "status": "UNPAID",
    }
    if c.rng.random() < 0.7:  # paid: inside the grace period, or long enough ago that requests wait for the seller
        paid = now - (timedelta(0) if c.rng.random() < 0.3 else a.grace + timedelta(seconds=30))
        body.update(status="AWAITING_SHIPMENT", placed_at=_iso(paid - timedelta(minutes=5)), paid_at=_iso(paid))
    status, order = c.call("record order", "POST", "/platform/orders", a.platform, body)
    if status == 201:
        w.add(order)


def pay(c: Client, w: World, a: Actors) -> None:
    order_id = w.pick(c.rng, w.all_ids, frozenset({"UNPAID"}))
    if order_id:
        status, order = c.call("payment", "POST", f"/platform/orders/{order_id}/payment", a.platform)
        if status == 200:
            w.saw(order_id, order["status"])


def deliver(c: Client, w: World, a: Actors) -> None:
    order_id = w.pick(c.rng, w.all_ids, frozenset({"IN_TRANSIT"}))
    if order_id:
        status, order = c.call("delivery", "POST", f"/platform/orders/{order_id}/delivery", a.platform)
        if status == 200:
            w.saw(order_id, order["status"])


def buyer_request(c: Client, w: World, a: Actors) -> None:
    buyer = c.rng.choice(w.buyers)
    order_id = w.pick(c.rng, w.of_buyer[buyer], CANCELLABLE)
    if not order_id:
        return
    reason = c.rng.choice(BUYER_REASONS)
    body = {"reason": reason, **({"comment": "Something else came up"} if reason == "OTHER" else {})}
    status, cancellation = c.call("buyer request", "POST", f"/buyer/orders/{order_id}/cancellation-requests",
                                  a.buyers[buyer], body)
    if status == 201:
        if cancellation["status"] == "REQUESTED":
            with w.lock:
                w.pending[buyer].add(cancellation["cancel_id"])
        else:
            w.saw(order_id, "CANCELLED")


def buyer_withdraw(c: Client, w: World, a: Actors) -> None:
    buyer = c.rng.choice(w.buyers)
    with w.lock:
        pending = sorted(w.pending[buyer])
        cancel_id = c.rng.choice(pending) if pending else None
        if cancel_id:
            w.pending[buyer].discard(cancel_id)
    if cancel_id:
        c.call("withdraw", "POST", f"/buyer/cancellations/{cancel_id}/withdraw", a.buyers[buyer])


def buyer_view(c: Client, w: World, a: Actors) -> None:
    buyer = c.rng.choice(w.buyers)
    order_id = w.pick(c.rng, w.of_buyer[buyer])
    if order_id:
        status, order = c.call("buyer order", "GET", f"/buyer/orders/{order_id}", a.buyers[buyer])
        if status == 200:
            w.saw(order_id, order["status"])


def seller_answer(c: Client, w: World, a: Actors) -> None:
    seller = c.rng.choice(w.sellers)
    status, page = c.call("list pending", "GET", "/seller/cancellations?status=REQUESTED&limit=10", a.sellers[seller])
    if status != 200 or not page["items"]:
        return
    target = c.rng.choice(page["items"])
    if c.rng.random() < 0.5:
        status, _ = c.call("approve", "POST", f"/seller/cancellations/{target['cancel_id']}/approve",
                              a.sellers[seller])
        if status == 200:
            w.saw(target["order_id"], "CANCELLED")
    else:
        body = {"reason": c.rng.choice(REJECT_REASONS), "comment": "Already on its way"}
        c.call("reject", "POST", f"/seller/cancellations/{target['cancel_id']}/reject", a.sellers[seller], body)


def seller_acknowledge(c: Client, w: World, a: Actors) -> None:
    seller = c.rng.choice(w.sellers)
    status, page = c.call("list auto-approved", "GET", "/seller/cancellations?status=AUTO_APPROVED&limit=10",
                          a.sellers[seller])
    if status == 200 and page["items"]:
        target = c.rng.choice(page["items"])
        c.call("acknowledge", "POST", f"/seller/cancellations/{target['cancel_id']}/acknowledge", a.sellers[seller])


def seller_cancel(c: Client, w: World, a: Actors) -> None:
    seller = c.rng.choice(w.sellers)
    order_id = w.pick(c.rng, w.of_seller[seller], CANCELLABLE)
    if not order_id:
        return
    known = w.status(order_id)
    reason = c.rng.choice(SELLER_REASONS["UNPAID" if known == "UNPAID" else "PAID"])
    status, _ = c.call("seller cancel", "POST", f"/seller/orders/{order_id}/cancel", a.sellers[seller],
                       {"reason": reason})
    if status == 201:
        w.saw(order_id, "CANCELLED")


def arrange(c: Client, w: World, a: Actors) -> None:
    seller = c.rng.choice(w.sellers)
    order_id = w.pick(c.rng, w.of_seller[seller], frozenset({"AWAITING_SHIPMENT"}))
    if order_id:
        status, order = c.call("arrange shipment", "POST", f"/seller/orders/{order_id}/arrange-shipment",
                               a.sellers[seller])
        if status == 200:
            w.saw(order_id, order["status"])


def ship(c: Client, w: World, a: Actors) -> None:
    seller = c.rng.choice(w.sellers)
    order_id = w.pick(c.rng, w.of_seller[seller], frozenset({"AWAITING_SHIPMENT", "AWAITING_COLLECTION"}))
    if order_id:
        status, order = c.call("ship", "POST", f"/seller/orders/{order_id}/ship", a.sellers[seller],
                               {"tracking_number": f"JNE-{uuid.uuid4().hex[:10]}"})
        if status == 200:
            w.saw(order_id, order["status"])


def seller_reads(c: Client, w: World, a: Actors) -> None:
    seller = c.rng.choice(w.sellers)
    token = a.sellers[seller]
    choice = c.rng.randrange(4)
    if choice == 0:
        c.call("action needed", "GET", "/seller/action-needed", token)
    elif choice == 1:
        tab = c.rng.choice(("all", "unpaid", "to_ship", "shipped", "cancelled"))
        c.call("orders tab", "GET", f"/seller/orders?tab={tab}&limit=20", token)
    elif choice == 2:
        order_id = w.pick(c.rng, w.of_seller[seller])
        if order_id:
            status, order = c.call("order detail", "GET", f"/seller/orders/{order_id}", token)
            if status == 200:
                w.saw(order_id, order["status"])
    else:
        c.call("sfcr", "GET", "/seller/metrics/sfcr", token)


FLOWS: tuple[tuple[Callable[[Client, World, Actors], None], int], ...] = (
    (record_order, 14), (pay, 3), (deliver, 2),
    (buyer_request, 16), (buyer_withdraw, 3), (buyer_view, 4),
    # Sellers answer a little slower than buyers ask, so some requests run past their deadline.
    (seller_answer, 6), (seller_acknowledge, 4), (seller_cancel, 4), (arrange, 4), (ship, 5), (seller_reads, 12),
)


def _worker(port: int, world: World, actors: Actors, stats: Stats, seed: int, replay_share: float) -> None:
    rng = random.Random(seed)
    client = Client(port, stats, rng, replay_share)
    flows, weights = zip(*FLOWS, strict=True)
    try:
        while True:
            rng.choices(flows, weights)[0](client, world, actors)
    except StopLoad:
        pass
    except Exception as error:  # a bug in the load script itself must show, not hang the run
        stats.problem(f"client {type(error).__name__}", repr(error))
    finally:
        client.close()


# --- the run ----------------------------------------------------------------------------------------------


@dataclass
class Result:
    settings: Settings
    seconds: float
    requests: int
    replays: int
    p50_ms: float
    p99_ms: float
    outcomes: Counter[str]
    expected: Counter[str]
    unexpected: Counter[str]
    samples: list[str]
    expiry: Counter[str]
    findings: invariants.Findings
    api_mismatches: list[str]

    @property
    def ok(self) -> bool:
        return not self.unexpected and self.findings.ok and not self.api_mismatches

    def lines(self) -> list[str]:
        s = self.settings
        out = [
            f"load: {self.seconds:.1f}s, {s.workers} workers, {s.sellers} sellers, {s.buyers} buyers, response "
            f"window {s.response_window_seconds}s, grace {s.grace_period_seconds}s, schedule every "
            f"{s.schedule_seconds:g}s",
            f"  requests {self.requests} ({self.requests / max(self.seconds, 1e-9):.0f}/s, {self.replays} idempotent "
            f"replays), latency p50 {self.p50_ms:.1f} ms, p99 {self.p99_ms:.1f} ms",
            f"  statuses {dict(sorted(self.outcomes.items()))}",
            f"  expected refusals {sum(self.expected.values())}: {dict(self.expected.most_common())}",
            f"  unexpected {sum(self.unexpected.values())}: {dict(self.unexpected.most_common())}",
            *[f"    {sample}" for sample in self.samples[:10]],
            f"  expiry job: {self.expiry.get('runs', 0)} runs, {self.expiry.get('due_seen', 0)} due, "
            f"{self.expiry.get('auto_approved', 0)} auto-approved, {self.expiry.get('skipped', 0)} skipped, "
            f"{self.expiry.get('failed', 0)} failed",
            *[f"  {line}" for line in self.findings.lines()],
            f"  action-needed over the API equals the recount: {'yes' if not self.api_mismatches else 'NO'}",
            *[f"    {m}" for m in self.api_mismatches[:5]],
        ]
        return out


def run(settings: Settings | None = None, announce: Callable[[str], None] = lambda line: None) -> Result:
    from chalicelib import obs

    settings = settings or Settings()
    app_log = obs.logger()
    level = app_log.level
    app_log.setLevel(logging.WARNING)  # an access line per request would swamp the run
    environment = {"SELLER_RESPONSE_WINDOW_SECONDS": str(settings.response_window_seconds),
                   "BUYER_GRACE_PERIOD_SECONDS": str(settings.grace_period_seconds)}
    stack = LocalStage(port=0, schedule_seconds=settings.schedule_seconds, load_demo=False, environment=environment,
                       announce=lambda line: None)
    try:
        stack.start()
        announce(f"local service on {stack.base_url}; loading for {settings.seconds:g}s "
                 f"(at most {settings.max_requests} requests)")
        return _drive(stack, settings)
    finally:
        stack.stop()
        app_log.setLevel(level)


def _drive(stack: LocalStage, settings: Settings) -> Result:
    sellers = [f"LS{n:02d}" for n in range(1, settings.sellers + 1)]
    buyers = [f"LB{n:02d}" for n in range(1, settings.buyers + 1)]
    actors = Actors(
        platform=tokens.mint("platform", "load-platform", ttl_seconds=3600),
        sellers={s: tokens.mint("seller", f"user-{s}", seller_id=s, ttl_seconds=3600) for s in sellers},
        buyers={b: tokens.mint("buyer", f"user-{b}", buyer_id=b, ttl_seconds=3600) for b in buyers},
        grace=timedelta(seconds=settings.grace_period_seconds),
    )
    world = World(sellers, buyers)
    started = time.monotonic()
    stats = Stats(deadline=started + settings.seconds, cap=settings.max_requests)
    threads = [threading.Thread(target=_worker, name=f"load-{n}", daemon=True,
                                args=(stack.port, world, actors, stats, settings.seed * 1000 + n,
                                      settings.replay_share))
               for n in range(settings.workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=settings.seconds + 60)
    if any(thread.is_alive() for thread in threads):
        stats.problem("worker hung", "a worker did not stop within 60 s of the deadline")
    elapsed = time.monotonic() - started

    assert stack.scheduler is not None
    stack.scheduler.stop()  # nothing writes while the tables are recounted
    findings = invariants.check()
    api_mismatches = _api_action_needed_mismatches(stack, actors)
    return Result(settings, elapsed, stats.requests, stats.replays, percentile(stats.latencies_ms, 0.50),
                  percentile(stats.latencies_ms, 0.99), stats.outcomes, stats.expected, stats.unexpected,
                  stats.samples, Counter(stack.scheduler.totals), findings, api_mismatches)


def _api_action_needed_mismatches(stack: LocalStage, actors: Actors) -> list[str]:
    """The counts sellers see over the API (one GetItem on the counters) against a recount of the items."""
    from chalicelib import config
    from chalicelib.domain.clock import utc_now

    soon = timedelta(seconds=config.settings().due_soon_seconds)
    # due_soon depends on when the API answers: it lies between the recounts before and after the calls.
    low = invariants.action_needed_recount(utc_now() + soon)
    zero = {"total": 0, "cancellation_requested": 0, "auto_approved": 0, "awaiting_buyer": 0, "due_soon": 0}
    conn = http.client.HTTPConnection(HOST, stack.port, timeout=30)
    seen: dict[str, dict[str, int]] = {}
    try:
        for seller, token in actors.sellers.items():
            conn.request("GET", "/seller/action-needed", headers={"Authorization": f"Bearer {token}"})
            seen[seller] = json.loads(conn.getresponse().read())["cancellation"]
    finally:
        conn.close()
    high = invariants.action_needed_recount(utc_now() + timedelta(seconds=1) + soon)
    mismatches = []
    for seller, counts in seen.items():
        lo, hi = low.get(seller, zero), high.get(seller, zero)
        exact = {k: v for k, v in counts.items() if k != "due_soon"}
        if exact != {k: v for k, v in lo.items() if k != "due_soon"} or \
                not lo["due_soon"] <= counts.get("due_soon", -1) <= hi["due_soon"]:
            mismatches.append(f"{seller}: API {counts}, recount {lo} .. {hi}")
    return mismatches


def main(argv: list[str] | None = None) -> int:
    defaults = Settings()
    parser = argparse.ArgumentParser(prog="python -m loadtest.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=defaults.seconds, help="how long to load")
    parser.add_argument("--max-requests", type=int, default=defaults.max_requests, help="stop after this many")
    parser.add_argument("--workers", type=int, default=defaults.workers, help="concurrent client threads")
    parser.add_argument("--sellers", type=int, default=defaults.sellers)
    parser.add_argument("--buyers", type=int, default=defaults.buyers)
    parser.add_argument("--window", type=int, default=defaults.response_window_seconds,
                        help="SELLER_RESPONSE_WINDOW_SECONDS for the run")
    parser.add_argument("--grace", type=int, default=defaults.grace_period_seconds,
                        help="BUYER_GRACE_PERIOD_SECONDS for the run")
    parser.add_argument("--seed", type=int, default=defaults.seed)
    args = parser.parse_args(argv)
    if args.seconds <= 0 or args.max_requests <= 0 or args.workers <= 0:
        parser.error("--seconds, --max-requests and --workers must be above 0")
    settings = Settings(seconds=args.seconds, max_requests=args.max_requests, workers=args.workers,
                        sellers=args.sellers, buyers=args.buyers, response_window_seconds=args.window,
                        grace_period_seconds=args.grace, seed=args.seed)
    result = run(settings, announce=lambda line: print(line, flush=True))
    print("\n".join(result.lines()), flush=True)
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
