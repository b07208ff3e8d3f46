"""Auto-approves every pending request whose seller left it unanswered past its deadline (rule 5), and ends
every offer the buyer left unanswered past its answer_by (docs/offers.md): both sit in one due-time index.

Reads only due requests: a Query per shard of the sparse due-time index (earliest first, a page at a time),
then their orders in one BatchGetItem per 100 requests. Each request is resolved in its own conditional
transaction, up to `EXPIRY_CONCURRENCY` at a time while the next page is read, one seller's as well as many
sellers': each worker moves the counters on a shard of its own, so the job's transactions never meet on a
counter item (DynamoDB cancels one of two concurrent transactions on an item: TransactionConflict).

A request the seller answered meanwhile loses its condition and is skipped (logged). Throttling and
transaction conflicts are retried with jittered exponential backoff while the others proceed. The run stops
starting work once the Lambda's remaining time drops under `EXPIRY_SAFETY_MARGIN_MS`, lets what is in flight
finish, and reports what it left; everything left is still pending, untouched, for the next run. Running
twice on the same event does nothing twice: a resolved request has left the index and fails its condition.
"""

import logging
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from queue import SimpleQueue
from typing import Any

import msgspec
from msgspec.structs import asdict

from .. import config, obs
from ..domain.enums import HistoryAction
from ..domain.errors import DomainError
from ..domain.model import Cancellation, Order
from ..service import commands
from ..service.executor import execute
from ..store import reads
from ..store.contention import Contention, backoff, is_transient

PAGE_SIZE = 100  # one Query page, and the most keys one BatchGetItem takes
RETRIES = 4
BASE_BACKOFF_SECONDS = 0.05
# The executor's answer when other writers kept winning: the request is still pending, try again later.
STILL_CONTENDED = "CONCURRENT_UPDATE"

Due = tuple[Cancellation, Order | None]


class Report(msgspec.Struct):
    due_seen: int = 0  # due requests read from the index
    auto_approved: int = 0
    offers_lapsed: int = 0  # open offers past answer_by: ended EXPIRED, the seller's clock restarted
    skipped: int = 0  # answered, withdrawn or shipped since they were read
    failed: int = 0  # still contended after every retry: left pending for the next run
    retries: int = 0
    stopped_early: bool = False  # out of time: stopped starting work
    left: int = 0  # read but not started because time ran out (still pending)
    unread: bool = False  # stopped before reading every page: more due requests may be waiting

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _due_batches(now: datetime) -> Iterator[list[Due]]:
    """Due requests with their orders, up to PAGE_SIZE at a time; reads a page only when asked for more."""
    batch: list[Cancellation] = []
    for shard in reads.SHARDS:
        for cancellation in reads.due_requests(now, shard, PAGE_SIZE):
            batch.append(cancellation)
            if len(batch) == PAGE_SIZE:
                yield _with_orders(batch)
                batch = []
    if batch:
        yield _with_orders(batch)


def _with_orders(batch: list[Cancellation]) -> list[Due]:
    orders = reads.get_orders(sorted({c.order_id for c in batch}))
    return [(c, orders.get(c.order_id)) for c in batch]


def _resolve(cancellation: Cancellation, order: Order | None, now: datetime, shard: int,
             sleep: Callable[[float], None], out_of_time: Callable[[], bool]) -> tuple[str, int]:
    """(outcome, retries) for one due request: one conditional transaction, retried while contended."""
    retries = 0
    while True:
        try:
            # On a lost race `execute` decides again from fresh reads (then the domain says why not).
            done = execute(commands.expire(cancellation, order, now), now, counter_shard=shard)
            lapsed = done.change is not None and done.change.history.action is HistoryAction.OFFER_EXPIRED
            return ("offers_lapsed" if lapsed else "auto_approved"), retries
        except Contention as error:
            codes = error.codes
        except DomainError as error:
            if error.code != STILL_CONTENDED:
                obs.event("expiry.skipped", cancel_id=cancellation.cancel_id, code=error.code)
                return "skipped", retries
            codes = [error.code]
        # What was read is still the right basis: the transaction's conditions guard it.
        if not (is_transient(codes) or codes == [STILL_CONTENDED]) or retries == RETRIES or out_of_time():
            obs.event("expiry.failed", logging.WARNING, cancel_id=cancellation.cancel_id, codes=codes,
                      attempts=retries + 1)
            return "failed", retries
        retries += 1
        sleep(backoff(retries - 1, BASE_BACKOFF_SECONDS))


def run(now: datetime, *, time_left_ms: Callable[[], int] | None = None, concurrency: int | None = None,
        sleep: Callable[[float], None] = time.sleep) -> Report:
    """Resolves what is due at `now`; `time_left_ms` is the Lambda's remaining time."""
    current = config.settings()
    workers = max(1, concurrency or current.expiry_concurrency)
    margin = current.expiry_safety_margin_ms
    report = Report()

    def out_of_time() -> bool:
        return time_left_ms is not None and time_left_ms() < margin

    batches = _due_batches(now)
    waiting: deque[Due] = deque()
    # Worker shards: distinct while the workers do not outnumber the counter shards.
    free_shards = deque(range(workers))
    running: dict[Future[tuple[str, int]], int] = {}
    read: Future[list[Due] | None] | None = None
    exhausted = False
    finished: SimpleQueue[Future[Any]] = SimpleQueue()  # completions, in the order they happen
    try:
        with ThreadPoolExecutor(workers, thread_name_prefix="expiry") as pool, \
                ThreadPoolExecutor(1, thread_name_prefix="expiry-read") as reader:
            while True:
                if not report.stopped_early and out_of_time():
                    report.stopped_early = True
                if not report.stopped_early:
                    # Read ahead while the workers write, keeping about a page in hand.
                    if read is None and not exhausted and len(waiting) < max(PAGE_SIZE, workers):
                        read = reader.submit(next, batches, None)
                        read.add_done_callback(finished.put)
                    while len(running) < workers and waiting:
                        due = waiting.popleft()
                        shard = free_shards.popleft() % current.counter_shards
                        work = pool.submit(_resolve, due[0], due[1], now, shard, sleep, out_of_time)
                        running[work] = shard
                        work.add_done_callback(finished.put)
                if not running and read is None:
                    break
                future = finished.get()
                if read is not None and future is read:
                    read = None
                    batch: list[Due] | None = future.result()
                    if batch is None:
                        exhausted = True
                    else:
                        report.due_seen += len(batch)
                        waiting.extend(batch)
                    continue
                free_shards.append(running.pop(future))
                outcome, retries = future.result()
                setattr(report, outcome, getattr(report, outcome) + 1)
                report.retries += retries
    except BaseException:
        obs.event("expiry.crashed", logging.ERROR, **report.as_dict())
        raise
    report.left = len(waiting)
    report.unread = not exhausted
    if report.due_seen or report.stopped_early:  # an empty run, every few minutes, is not news
        obs.event("expiry.run", **report.as_dict())
    return report
