"""Due requests resolved per second: one at a time against several at once, against a 10 ms DynamoDB.

The job's calls go to the stand-in DynamoDB (bench/fake_dynamo.py), which answers each after 10 ms, the
network and DynamoDB's own time: what is measured is the job, not an emulator. The due requests belong to
many sellers, as in a marketplace; one row shows a single seller's backlog, which the job resolves one at a
time (its transactions would all update that seller's counters item and conflict).
"""

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bench.fake_dynamo import FakeDynamo
from bench.seed import pending_request
from chalicelib import config
from chalicelib.jobs import expiry
from chalicelib.store import models, transactions
from chalicelib.store.mapping import cancellation_to_item, order_to_item

LATENCY = 0.010
FIRST_DUE = datetime(2026, 11, 20, tzinfo=UTC)


@dataclass(slots=True)
class Row:
    label: str
    concurrency: int
    due: int
    resolved: int
    seconds: float
    cpu_ms_per_request: float
    calls: dict[str, int]

    @property
    def rate(self) -> float:
        return self.resolved / self.seconds

    @property
    def ok(self) -> bool:
        return self.resolved == self.due and self.calls.get("TransactWriteItems") == self.due


def default_concurrency() -> int:
    return config.settings().expiry_concurrency


def _store(due: int, sellers: int) -> FakeDynamo:
    fake = FakeDynamo(latency=LATENCY)
    items = []
    for n in range(due):
        _, requested = pending_request(n, f"S{n % sellers + 1}", FIRST_DUE + timedelta(seconds=n), prefix="T")
        assert requested.cancellation is not None
        items += [order_to_item(requested.order), cancellation_to_item(requested.cancellation)]
    fake.put(items)
    return fake


def _run(fake: FakeDynamo, label: str, due: int, concurrency: int) -> Row:
    fake.calls.clear()
    now = FIRST_DUE + timedelta(seconds=due)
    cpu, wall = time.process_time(), time.perf_counter()
    report = expiry.run(now, concurrency=concurrency)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return Row(label, concurrency, due, report.auto_approved, wall, cpu * 1000 / max(1, report.auto_approved),
               dict(fake.calls))


def measure(due: int, levels: list[int], single_seller_due: int = 0) -> list[Row]:
    models.reset_connections()
    transactions.reset()
    rows = []
    fake = _store(due, sellers=200)
    with fake:
        _run(fake, "warm-up", min(due, 50), levels[-1])
        for concurrency in levels:
            label = "one at a time" if concurrency == 1 else f"{concurrency} at once"
            if concurrency == default_concurrency():
                label += " (default)"
            rows.append(_run(fake, label, due, concurrency))
    if single_seller_due:
        single = _store(single_seller_due, sellers=1)
        with single:
            rows.append(_run(single, "one seller's backlog", single_seller_due, default_concurrency()))
    models.reset_connections()
    transactions.reset()
    return rows
