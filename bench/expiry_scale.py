"""The expiry job at scale: its DynamoDB work grows with the due requests only, not with the pending ones.

100,000 pending requests are stored in moto (through the app's own rules and mapping), the n-th due n seconds
after a start instant, so one store serves every row: the job runs at the instant at which exactly 0, 1,000
or 10,000 are due. Its reads go to moto, which evaluates the real key conditions on the sparse index; its
transactions are answered by the benchmark (moto copies every table a transaction touches, 100,000 items
each time) and counted, so the store stays as seeded and each row starts from the same state.
"""

import math
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from moto import mock_aws

from bench.capacity import Usage, usage
from bench.seed import seed_pending
from chalicelib.jobs import expiry
from chalicelib.store import models, transactions
from chalicelib.store.mapping import due_shard
from chalicelib.store.models import DUE_SHARDS
from devtools.dynamo_calls import DynamoCalls, ok

FIRST_DUE = datetime(2026, 11, 20, tzinfo=UTC)


@dataclass(slots=True)
class Row:
    pending: int
    due: int
    counts: Counter[str]
    usage: Usage
    expected: Counter[str]
    resolved: int
    seconds: float

    @property
    def ok(self) -> bool:
        return self.counts == self.expected and self.resolved == self.due and self.usage.items_read == 2 * self.due


def expected_calls(due_ids: list[str], pending: int) -> Counter[str]:
    """A Query page per 100 due per shard (plus the empty last page a full one leaves open, while not-due
    requests follow in that shard), one BatchGetItem per 100 due, one TransactWriteItems per due."""
    per_shard = Counter(due_shard(c) for c in due_ids)
    queries = sum(per_shard[str(s)] // expiry.PAGE_SIZE + 1 for s in range(DUE_SHARDS))
    expected = Counter({"Query": queries, "BatchGetItem": math.ceil(len(due_ids) / expiry.PAGE_SIZE),
                        "TransactWriteItems": len(due_ids)})
    return +expected  # drops zero counts


def measure(pending: int, dues: list[int], sellers: int = 1000) -> tuple[list[Row], float]:
    """Rows for each due count, and the seconds the seeding took."""
    rows = []
    models.reset_connections()
    transactions.reset()
    with mock_aws():
        models.create_tables()
        started = time.perf_counter()
        seeded = seed_pending(pending, first_due=FIRST_DUE, sellers=sellers, with_history=False, via="moto")
        seeding = time.perf_counter() - started
        for due in dues:
            now = FIRST_DUE + timedelta(seconds=due - 1)
            due_ids = seeded.due_at(now)
            assert len(due_ids) == due
            with DynamoCalls() as calls:
                calls.answer("TransactWriteItems", lambda call: ok({}))
                started = time.perf_counter()
                report = expiry.run(now)
                seconds = time.perf_counter() - started
            recorded = list(calls)
            rows.append(Row(pending, due, Counter(c.operation for c in recorded), usage(recorded),
                            expected_calls(due_ids, pending), report.auto_approved, seconds))
    models.reset_connections()
    transactions.reset()
    return rows, seeding
