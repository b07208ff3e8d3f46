"""One seller's flash sale in the write model (bench/write_model.py), against the same load over many sellers.

- Load: `n` clients record orders (POST /platform/orders) while `n` clients ask to cancel pre-recorded paid
  orders past their grace period (POST /buyer/orders/{id}/cancellation-requests), each client one request
  after another, for a few seconds of virtual time. The requests go through the Lambda handler `app(event,
  context)` with events built by Chalice's local gateway, its authorizer included, as in bench/warm.py.
  "One seller": every client works for one shop. "Many sellers": client i works for shop i.
- Target: the issue's figure as an open load, 500 orders and 200 buyer requests a second arriving for one
  shop, each arrival its own invocation.
- Expiry: the scheduled job as it runs (chalicelib/jobs/schedule.py): the expiry job over a backlog of due
  requests of one seller, and of the same number spread over many sellers, then the reminders job, with requests
  of the same sellers whose reminders are due (every lead: two each).

After each run the stored items are recounted (loadtest/invariants.py): the counters against what they
count, and the orders and requests stored against the answers the clients got (201 exactly once each).
"""

import itertools
import json
import random
import time
import uuid
from collections import Counter, deque
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

from chalice.local import LambdaContext
from chalice.test import Client

from bench.seed import pending_request
from bench.sim import Sim, SimExecutor, SimQueue
from bench.write_model import Limits, Tally, WriteModel, describe
from chalicelib import config
from chalicelib.domain import lifecycle
from chalicelib.domain.clock import utc_now
from chalicelib.domain.enums import CancellationStatus, OrderStatus
from chalicelib.domain.model import LineItem, Order
from chalicelib.jobs import expiry, reminders
from chalicelib.service import executor, writes
from chalicelib.store.models import CancellationItem, OrderItem
from devtools import tokens
from loadtest import invariants

ROOT = Path(__file__).resolve().parent.parent
ONE_SELLER = "FLASH"
BUYER = "BFLASH"
FIRST_DUE = datetime(2026, 11, 20, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Plan:
    levels: tuple[int, ...]
    seconds: float  # virtual time each load runs
    expiry_due: int
    expiry_sellers: int  # the many-seller backlog is spread over this many
    reminding: int  # pending requests beside the backlog whose every reminder is due
    target_orders: float = 500.0  # per second, the figure
    target_requests: float = 200.0


QUICK = Plan(levels=(1, 4), seconds=0.5, expiry_due=200, expiry_sellers=20, reminding=20)
FULL = Plan(levels=(1, 4, 16, 64), seconds=2.0, expiry_due=10_000, expiry_sellers=1_000, reminding=500)


@dataclass(slots=True)
class LoadRow:
    load: str  # "one seller", "many sellers", "target"
    clients: str
    seconds: float  # virtual
    orders: Counter[int]  # answers by status
    requests: Counter[int]
    order_calls: Tally
    request_calls: Tally
    busiest: str
    wall: float = 0.0  # this machine's seconds for the run and its recount
    problems: list[str] = field(default_factory=list)  # lost or double counts, broken invariants

    @property
    def orders_per_second(self) -> float:
        return self.orders[201] / self.seconds

    @property
    def requests_per_second(self) -> float:
        return self.requests[201] / self.seconds

    def share_503(self, answers: Counter[int]) -> float:
        return answers[503] / max(1, sum(answers.values()))

    @staticmethod
    def retries_per_success(tally: Tally) -> float:
        return tally.conflicts / max(1, tally.committed)

    @property
    def throttled(self) -> int:
        return self.order_calls.throttled + self.request_calls.throttled + self.order_calls.single_throttled + \
            self.request_calls.single_throttled

    @property
    def exact(self) -> bool:
        return not self.problems


@dataclass(slots=True)
class ExpiryRow:
    backlog: str
    due: int
    resolved: int
    seconds: float  # virtual, the expiry job's
    calls: Tally
    report: dict[str, Any]
    busiest: str
    reminded: int = 0  # reminders sent by the run after it
    reminder_seconds: float = 0.0  # virtual
    wall: float = 0.0
    problems: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.resolved / self.seconds if self.seconds else 0.0

    @property
    def retries_per_success(self) -> float:
        return self.calls.conflicts / max(1, self.calls.committed)

    @property
    def exact(self) -> bool:
        return not self.problems


@dataclass(slots=True)
class Figures:
    limits: Limits
    loads: list[LoadRow]
    expiry: list[ExpiryRow]

    @property
    def problems(self) -> list[str]:
        return [f"{r.load} x{r.clients}: {p}" for r in self.loads for p in r.problems] + \
            [f"expiry, {r.backlog}: {p}" for r in self.expiry for p in r.problems]


# --- the app's own waiting, in virtual time -------------------------------------------------------------------


@contextmanager
def _virtual_app(sim: Sim) -> Iterator[None]:
    """The executor's conflict pause and the expiry job's pool, queue and backoff wait on the model's clock; random
    choices repeat from run to run."""
    with ExitStack() as stack:
        stack.enter_context(mock.patch.object(executor, "pause", sim.sleep))
        stack.enter_context(mock.patch.object(
            expiry, "ThreadPoolExecutor",
            lambda workers, thread_name_prefix="": SimExecutor(sim, workers, thread_name_prefix)))
        stack.enter_context(mock.patch.object(expiry, "SimpleQueue", lambda: SimQueue(sim)))
        random.seed(14)  # jittered backoffs, the same every run
        ids = random.Random(14)  # and new ids (a cancel_id picks its due-time shard)
        stack.enter_context(mock.patch.object(uuid, "uuid4", lambda: uuid.UUID(int=ids.getrandbits(128), version=4)))
        yield


class _Api:
    """Calls the Lambda handler as API Gateway would, authorizer first."""

    def __init__(self, client: Client):
        from app import app

        self.app = app
        self.gateway = client.http._local_gateway
        self.context = LambdaContext("api_handler", memory_size=1024, max_runtime_ms=30_000)

    def post(self, path: str, token: str, body: dict[str, Any]) -> int:
        headers = {"content-type": "application/json", "authorization": f"Bearer {token}"}
        event = self.gateway._generate_lambda_event("POST", path, headers, json.dumps(body).encode())
        event, _ = self.gateway._authorizer.authorize(path, event, self.context)
        status: int = self.app(event, self.context)["statusCode"]
        return status


# --- stores ---------------------------------------------------------------------------------------------------


def _paid_orders(seller: str, count: int, now: datetime) -> list[str]:
    """Orders paid three hours ago (past the buyer's grace period), recorded through the store's own commit."""
    policy = config.policy()
    placed = now - timedelta(hours=3)
    ids = []
    for n in range(count):
        order = Order(order_id=f"{seller}-P{n:05d}", seller_id=seller, buyer_id=BUYER,
                      items=(LineItem("SKU-1", 1, 150000),), currency="IDR", status=OrderStatus.AWAITING_SHIPMENT,
                      placed_at=placed, paid_at=placed, fingerprint=f"pool-{seller}-{n}")
        writes.commit(lifecycle.record_order(order, policy, "seed"), now=now)
        ids.append(order.order_id)
    return ids


def _recount() -> list[str]:
    found = invariants.check()
    return [f"{name}: {len(details)} ({details[0]})" for name, details in found.violations.items() if details]


def _stored(prefix: str) -> tuple[int, int]:
    """(orders whose id starts with `prefix`, cancellations REQUESTED on pool orders)."""
    orders = sum(1 for o in OrderItem.scan() if o.order_id.startswith(prefix))
    requested = sum(1 for c in CancellationItem.scan() if c.status == CancellationStatus.REQUESTED.value)
    return orders, requested


# --- loads ----------------------------------------------------------------------------------------------------


class _Load:
    def __init__(self, model: WriteModel, api: _Api, pools: dict[str, list[str]]):
        self.model, self.api, self.pools = model, api, pools
        self.platform = tokens.mint("platform", "order-source")
        self.buyer = tokens.mint("buyer", "buyer-flash", buyer_id=BUYER)
        self.snapshot = model.snapshot()
        self.runs = 0

    def _order_body(self, order_id: str, seller: str) -> dict[str, Any]:
        return {"order_id": order_id, "seller_id": seller, "buyer_id": BUYER, "currency": "IDR",
                "status": "AWAITING_SHIPMENT", "items": [{"sku": "SKU-1", "quantity": 1, "unit_price": 150000}]}

    def run(self, load: str, clients: str, body: Callable[["_Run"], None], window: float | None = None) -> LoadRow:
        """`window`: an open load's arrival time, over which its rates count (a closed one counts until its last
        answer)."""
        started = time.perf_counter()
        self.model.restore(self.snapshot)
        self.model.reset_figures()
        self.runs += 1
        run = _Run(self, Sim(), f"R{self.runs}-")
        with self.model.simulate(run.sim), _virtual_app(run.sim), run.sim.running("setup"):
            body(run)
        seconds = window or run.sim.now
        row = LoadRow(load, clients, seconds, run.orders, run.requests, self.model.total(["orders"]),
                      self.model.total(["requests"]), _busiest(self.model))
        stored_orders, stored_requests = _stored(run.prefix)
        if stored_orders != run.orders[201]:
            row.problems.append(f"{stored_orders} orders stored for {run.orders[201]} answered 201")
        if stored_requests != run.requests[201]:
            row.problems.append(f"{stored_requests} requests stored for {run.requests[201]} answered 201")
        if run.ran_dry:
            row.problems.append(f"the pool of paid orders ran dry ({run.ran_dry} times)")
        unexpected = {s: n for answers in (run.orders, run.requests) for s, n in answers.items()
                      if s not in (201, 503)}
        if unexpected:
            row.problems.append(f"answers other than 201 and 503: {unexpected}")
        row.problems += _recount()
        row.wall = time.perf_counter() - started
        return row


class _Run:
    def __init__(self, load: _Load, sim: Sim, prefix: str):
        self.load, self.sim, self.prefix = load, sim, prefix
        self.orders: Counter[int] = Counter()
        self.requests: Counter[int] = Counter()
        self.pools = {seller: deque(ids) for seller, ids in load.pools.items()}
        self.numbers = itertools.count()
        self.ran_dry = 0

    def record_order(self, seller: str) -> None:
        order_id = f"{self.prefix}{seller}-{next(self.numbers):06d}"
        status = self.load.api.post("/platform/orders", self.load.platform, self.load._order_body(order_id, seller))
        self.orders[status] += 1

    def request_cancellation(self, seller: str) -> bool:
        pool = self.pools[seller]
        if not pool:
            self.ran_dry += 1
            return False
        order_id = pool.popleft()
        status = self.load.api.post(f"/buyer/orders/{order_id}/cancellation-requests", self.load.buyer,
                                    {"reason": "CHANGED_MIND"})
        self.requests[status] += 1
        if status == 503:  # refused whole: the order is still paid and may be asked about again
            pool.append(order_id)
        return True

    def clients(self, sellers: list[str], seconds: float) -> None:
        """One order client and one buyer client per seller in `sellers`, each one request after another."""
        def orders(seller: str) -> None:
            while self.sim.now < seconds:
                self.record_order(seller)

        def requests(seller: str) -> None:
            while self.sim.now < seconds and self.request_cancellation(seller):
                pass

        for n, seller in enumerate(sellers):
            self.sim.spawn(lambda s=seller: orders(s), name=f"orders-{n}", label="orders")  # type: ignore[misc]
            self.sim.spawn(lambda s=seller: requests(s), name=f"requests-{n}", label="requests")  # type: ignore[misc]

    def arrivals(self, seller: str, orders_per_second: float, requests_per_second: float, seconds: float) -> None:
        """Open load: each order and each request arrives on its own, at fixed rates."""
        def every(rate: float, label: str, arrive: Callable[[], object]) -> None:
            start = self.sim.now
            for n in range(round(rate * seconds)):  # the n-th at n / rate, exactly
                self.sim.sleep(start + n / rate - self.sim.now)
                self.sim.spawn(arrive, name=f"{label}-{n}", label=label)

        self.sim.spawn(lambda: every(orders_per_second, "orders", lambda: self.record_order(seller)),
                       name="order-arrivals")
        self.sim.spawn(lambda: every(requests_per_second, "requests", lambda: self.request_cancellation(seller)),
                       name="request-arrivals")


def _busiest(model: WriteModel) -> str:
    hot = model.hottest(1)
    if not hot:
        return "-"
    partition, use = hot[0]
    throttled = f", {use.throttled:,} throttled" if use.throttled else ""
    return f"{describe(partition)} {use.peak:,.0f} WU/s{throttled}"


def measure_loads(model: WriteModel, plan: Plan, limits: Limits) -> list[LoadRow]:
    now = utc_now()
    most = max(plan.levels, default=0)  # no levels: the target row alone
    per_client = int(plan.seconds / (limits.call_seconds + limits.transaction_seconds)) + 2
    many = [f"M{n:03d}" for n in range(1, most + 1)]
    pools = {ONE_SELLER: _paid_orders(ONE_SELLER, max(most * per_client, int(plan.target_requests * plan.seconds) + 2),
                                      now)}
    for seller in many:
        pools[seller] = _paid_orders(seller, per_client, now)
    rows = []
    with Client(_app(), stage_name="test", project_dir=str(ROOT)) as client:
        load = _Load(model, _Api(client), pools)
        def closed(sellers: list[str]) -> Callable[[_Run], None]:
            return lambda run: run.clients(sellers, plan.seconds)

        for shape in ("one seller", "many sellers"):
            for n in plan.levels:
                rows.append(load.run(shape, str(n), closed([ONE_SELLER] * n if shape == "one seller" else many[:n])))
        offered = f"{plan.target_orders:.0f} + {plan.target_requests:.0f}/s offered"
        rows.append(load.run("target", offered, lambda run: run.arrivals(
            ONE_SELLER, plan.target_orders, plan.target_requests, plan.seconds), window=plan.seconds))
    return rows


def _app() -> Any:
    from app import app

    return app


# --- the expiry job -------------------------------------------------------------------------------------------


def _backlog(due: int, sellers: int, reminding: int) -> datetime:
    """`due` pending requests over `sellers` sellers, the n-th due n seconds after FIRST_DUE, and `reminding` more
    due an hour after the last (inside every reminder lead); returns when the first `due` are due."""
    end = FIRST_DUE + timedelta(seconds=due)
    for n in range(due + reminding):
        respond_by = FIRST_DUE + timedelta(seconds=n) if n < due else end + timedelta(hours=1, seconds=n - due)
        recorded, requested = pending_request(n, f"X{n % sellers + 1:04d}", respond_by, prefix="E")
        writes.commit(recorded, now=recorded.order.placed_at)
        writes.commit(requested, now=recorded.order.placed_at)
    return end


def measure_expiry(model: WriteModel, plan: Plan) -> list[ExpiryRow]:
    rows = []
    for label, sellers in (("one seller", 1), (f"{plan.expiry_sellers:,} sellers", plan.expiry_sellers)):
        model.clear()
        started = time.perf_counter()
        now = _backlog(plan.expiry_due, sellers, plan.reminding)
        model.reset_figures()
        sim = Sim()
        with model.simulate(sim), _virtual_app(sim), sim.running("expiry"):
            report = expiry.run(now, sleep=sim.sleep)
            expired_at = sim.now
            sent = reminders.run(now)  # as the schedule runs them: one clock
        row = ExpiryRow(label, plan.expiry_due, report.auto_approved, expired_at, model.total(["expiry"]),
                        report.as_dict(), _busiest(model), sent.sent, sim.now - expired_at)
        if sent.sent != 2 * plan.reminding:
            row.problems.append(f"{sent.sent} reminders sent for {2 * plan.reminding} due ({sent.as_dict()})")
        approved = sum(1 for c in CancellationItem.scan() if c.status == CancellationStatus.AUTO_APPROVED.value)
        if approved != report.auto_approved:
            row.problems.append(f"{approved} stored AUTO_APPROVED for {report.auto_approved} reported")
        still = sum(1 for c in CancellationItem.scan() if c.status == CancellationStatus.REQUESTED.value)
        if still != plan.expiry_due - report.auto_approved + plan.reminding:
            # What the job could not resolve (throttled past its retries) stays pending for the next run.
            row.problems.append(f"{still - plan.reminding} still pending for "
                                f"{plan.expiry_due - report.auto_approved} not resolved")
        row.problems += _recount()
        row.wall = time.perf_counter() - started
        rows.append(row)
    return rows


def measure(plan: Plan, limits: Limits | None = None) -> Figures:
    limits = limits or Limits()
    with WriteModel(limits) as model:
        loads = measure_loads(model, plan, limits)
        model.clear()
        backlog = measure_expiry(model, plan)
    return Figures(limits, loads, backlog)


# --- reporting ------------------------------------------------------------------------------------------------


def _lost_or_double(problems: list[str]) -> str:
    return "0" if not problems else f"{len(problems)} problems"


def render_figures(figures: Figures) -> str:
    from bench.table import render

    limits = figures.limits
    out = [f"## Flash sale in the write model: a transaction holds its items {limits.transaction_seconds * 1000:g} ms, "
           f"other calls {limits.call_seconds * 1000:g} ms, {limits.partition_write_units:,.0f} write units per "
           f"partition per second\n"]
    out.append(render(
        ["load", "clients", "model s", "orders/s", "buyer requests/s", "503 orders / requests",
         "conflict retries per success (orders / requests)", "throttled", "lost or double", "busiest partition"],
        [[r.load, r.clients, r.seconds, r.orders_per_second, r.requests_per_second,
          f"{r.share_503(r.orders):.0%} / {r.share_503(r.requests):.0%}",
          f"{r.retries_per_success(r.order_calls):.2f} / {r.retries_per_success(r.request_calls):.2f}",
          r.throttled, _lost_or_double(r.problems), r.busiest] for r in figures.loads]))
    one = figures.expiry[0]
    out.append("")
    out.append(render(
        ["expiry backlog", "due", "resolved", "model s", "resolved/s", "vs one seller", "conflict retries per success",
         "reminders sent (model s)", "throttled", "lost or double", "busiest partition"],
        [[r.backlog, r.due, r.resolved, r.seconds, r.rate, f"{r.rate / one.rate:.1f}x" if one.rate else "-",
          f"{r.retries_per_success:.2f}", f"{r.reminded:,} ({r.reminder_seconds:.2f})", r.calls.throttled,
          _lost_or_double(r.problems), r.busiest]
         for r in figures.expiry]))
    target = next(r for r in figures.loads if r.load == "target")
    met = {
        ">= 500 orders/s": target.orders_per_second >= 500,
        ">= 200 buyer requests/s": target.requests_per_second >= 200,
        "0 answered 503": target.orders[503] + target.requests[503] == 0,
        "conflict retries <= 0.05 per success": max(target.retries_per_success(target.order_calls),
                                                    target.retries_per_success(target.request_calls)) <= 0.05,
        "0 lost or double": all(r.exact for r in figures.loads + figures.expiry),
    }
    out.append("\nOne seller at the issue's figures (the target row): "
               + "; ".join(f"{name} {'yes' if ok else 'NO'}" for name, ok in met.items())
               + f". Expiry of one seller's backlog: {one.rate:,.0f}/s.")
    out.append(f"(this machine: {sum(r.wall for r in figures.loads + figures.expiry):.0f} s)\n")
    return "\n".join(out)


def report(figures: Figures) -> dict[str, Any]:
    def tally(t: Tally) -> dict[str, Any]:
        return {"calls": dict(t.calls), "transactions": t.transactions, "committed": t.committed,
                "conflicts": t.conflicts, "throttled": t.throttled + t.single_throttled}

    limits = figures.limits
    return {
        "limits": {"transaction_ms": limits.transaction_seconds * 1000, "call_ms": limits.call_seconds * 1000,
                   "partition_write_units": limits.partition_write_units},
        "loads": [{"load": r.load, "clients": r.clients, "model_seconds": r.seconds,
                   "orders_per_second": r.orders_per_second, "requests_per_second": r.requests_per_second,
                   "orders": {str(k): v for k, v in r.orders.items()},
                   "requests": {str(k): v for k, v in r.requests.items()},
                   "share_503_orders": r.share_503(r.orders), "share_503_requests": r.share_503(r.requests),
                   "conflict_retries_per_success_orders": r.retries_per_success(r.order_calls),
                   "conflict_retries_per_success_requests": r.retries_per_success(r.request_calls),
                   "order_calls": tally(r.order_calls), "request_calls": tally(r.request_calls),
                   "busiest": r.busiest, "problems": r.problems, "wall_seconds": r.wall} for r in figures.loads],
        "expiry": [{"backlog": r.backlog, "due": r.due, "resolved": r.resolved, "model_seconds": r.seconds,
                    "per_second": r.rate, "conflict_retries_per_success": r.retries_per_success,
                    "calls": tally(r.calls), "report": r.report, "reminders_sent": r.reminded,
                    "reminders_model_seconds": r.reminder_seconds, "busiest": r.busiest, "problems": r.problems,
                    "wall_seconds": r.wall} for r in figures.expiry],
    }
