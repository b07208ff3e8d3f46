"""A bulk approve of one seller's pending requests in the write model (bench/write_model.py): how its items in
flight meet on the seller's counter items, by the shard each item moves.

- "as built": each item in flight holds a counter shard of its own (chalicelib/service/bulk.py);
- "one shard": every item on the same counter item, what a single counter per seller would do;
- "random shard": each item on a shard drawn at random, like independent single approves.

Every run approves the same 50 requests (`bulk.IN_FLIGHT` at once) through `bulk.run`, the route's own code
below the HTTP layer; a transaction DynamoDB cancels for a conflict is retried by the executor after its
jittered pause. After each run the stored items are recounted (loadtest/invariants.py).
"""

import json
import random
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from unittest import mock

from bench.flashsale import FIRST_DUE, _recount, _virtual_app
from bench.seed import pending_request
from bench.sim import Sim, SimExecutor, SimQueue
from bench.write_model import Limits, WriteModel
from chalicelib import config
from chalicelib.answers import render
from chalicelib.domain.errors import DomainError
from chalicelib.domain.identity import Identity, Role
from chalicelib.domain.model import Cancellation
from chalicelib.service import access, bulk, commands, writes
from chalicelib.service.executor import Decider, Decision
from chalicelib.service.idempotency import Answer
from chalicelib.store import transactions

SELLER = "BULK"
BUSY = Answer(503, json.dumps({"error": {"code": "SERVICE_BUSY", "message": "busy"}}))
STRATEGIES = ("as built", "one shard", "random shard")


@dataclass(slots=True)
class BulkRow:
    strategy: str
    items: int
    approved: int
    seconds: float  # model time of the call
    transactions: int
    conflicts: int  # transactions DynamoDB cancelled for meeting another in flight
    unanswered: list[str] = field(default_factory=list)  # codes of the items not approved (SERVICE_BUSY)
    problems: list[str] = field(default_factory=list)

    @property
    def retries_per_item(self) -> float:
        return self.conflicts / self.items if self.items else 0.0


def _seed(items: int) -> list[str]:
    ids = []
    for n in range(items):
        recorded, requested = pending_request(n, SELLER, FIRST_DUE + timedelta(days=30), prefix="K")
        writes.commit(recorded, now=recorded.order.placed_at)
        writes.commit(requested, now=recorded.order.placed_at)
        assert requested.cancellation is not None
        ids.append(requested.cancellation.cancel_id)
    return ids


@contextmanager
def _shards(strategy: str) -> Iterator[None]:
    """The counter shard each item moves, by strategy; "as built" leaves bulk.run's own choice."""
    if strategy == "as built":
        yield
        return
    real = bulk.execute

    def execute(*args: Any, **kwargs: Any) -> Any:
        kwargs["counter_shard"] = 0 if strategy == "one shard" else transactions.pick_shard()
        return real(*args, **kwargs)

    with mock.patch.object(bulk, "execute", execute):
        yield


def _pool(sim: Sim) -> Any:
    """bulk.run's pool, its workers fibers on the model's clock."""
    return lambda workers, thread_name_prefix="": SimExecutor(sim, workers, thread_name_prefix)


def _queue(sim: Sim) -> Any:
    return lambda: SimQueue(sim)


def _refuse(error: DomainError) -> Answer:
    return Answer(409, json.dumps({"error": {"code": error.code, "message": error.message}}))


def _answer(outcome: Decision[Cancellation]) -> tuple[int, Any]:
    return 200, render.cancellation(outcome.subject, config.policy())


def measure(items: int = 50, limits: Limits | None = None) -> list[BulkRow]:
    rows = []
    identity = Identity(sub="bench", role=Role.SELLER, seller_id=SELLER)
    with WriteModel(limits or Limits()) as model:
        for strategy in STRATEGIES:
            model.clear()
            ids = _seed(items)
            model.reset_figures()
            now = FIRST_DUE + timedelta(days=1)

            def decider(cancel_id: str, load: access.Loader, now: Any = now) -> Decider[Cancellation]:
                return commands.approve(identity, cancel_id, now, load)

            call = bulk.Bulk(identity=identity, cancel_ids=ids, decider=decider, answer=_answer)
            sim = Sim()
            with ExitStack() as stack:
                stack.enter_context(model.simulate(sim))
                stack.enter_context(_virtual_app(sim))
                stack.enter_context(mock.patch("concurrent.futures.ThreadPoolExecutor", _pool(sim)))
                stack.enter_context(mock.patch.object(bulk, "SimpleQueue", _queue(sim)))
                stack.enter_context(_shards(strategy))
                stack.enter_context(sim.running("bulk"))
                random.seed(13)
                answer = bulk.run(call, now, None, _refuse, BUSY)
            results = json.loads(answer.body)["results"]
            tally = model.total(["bulk"])
            row = BulkRow(strategy, items, sum(r["status"] == 200 for r in results), sim.now, tally.transactions,
                          tally.conflicts)
            row.unanswered = sorted({r["error"]["code"] for r in results if r["status"] != 200})
            if row.approved + sum(r["status"] == 503 for r in results) != items:
                row.problems.append(f"{row.approved} of {items} approved: {row.unanswered}")
            row.problems += _recount()
            rows.append(row)
    return rows


def render_rows(rows: list[BulkRow]) -> str:
    from bench.table import render as table

    out = [f"## Bulk approve of {rows[0].items} of one seller's requests, {bulk.IN_FLIGHT} in flight, in the "
           "write model\n"]
    out.append(table(["counter shard per item", "approved", "busy (503 items)", "model s", "transactions",
                      "conflicts", "conflict retries per item", "lost or double"],
                     [[r.strategy, r.approved, r.items - r.approved, r.seconds, r.transactions, r.conflicts,
                       f"{r.retries_per_item:.2f}", "0" if not r.problems else f"{len(r.problems)} problems"]
                      for r in rows]))
    return "\n".join(out) + "\n"


def report(rows: list[BulkRow]) -> list[dict[str, Any]]:
    return [{"strategy": r.strategy, "items": r.items, "approved": r.approved, "model_seconds": r.seconds,
             "transactions": r.transactions, "conflicts": r.conflicts, "unanswered": r.unanswered,
             "problems": r.problems} for r in rows]
