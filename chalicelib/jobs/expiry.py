"""Auto-approves every pending request whose seller left it unanswered past its deadline (rule 5).

Reads only due requests (a Query per shard of the sparse due-time index, earliest first), fetches their
orders with one BatchGetItem per page, and resolves each in its own conditional transaction, a bounded
number at a time. A request the seller answered meanwhile loses its condition and is skipped; throttling
and transaction conflicts are retried with backoff; the run stops before the Lambda's time runs out and
leaves the rest, untouched, for the next run. Running twice on the same event does nothing twice.
"""

import logging
import random
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass
from datetime import datetime
from itertools import islice

from .. import config, obs
from ..domain.errors import DomainError
from ..domain.model import Cancellation, Order
from ..service import commands
from ..service.executor import execute
from ..store import reads
from ..store.transactions import Contention

PAGE_SIZE = 100
RETRIES = 4
BASE_BACKOFF_SECONDS = 0.05


@dataclass(slots=True)
class Report:
    due_seen: int = 0
    auto_approved: int = 0
    skipped: int = 0
    failed: int = 0
    stopped_early: bool = False

    def as_dict(self) -> dict:
        return asdict(self)


def _chunks(items: Iterable[Cancellation], size: int) -> Iterator[list[Cancellation]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _resolve(cancellation: Cancellation, order: Order | None, now: datetime,
             sleep: Callable[[float], None]) -> str:
    for attempt in range(RETRIES + 1):
        try:
            execute(commands.expire(cancellation, order, now), now)
            return "auto_approved"
        except DomainError as error:
            # Answered, withdrawn or shipped since it was read: nothing left to do.
            obs.event("expiry.skipped", cancel_id=cancellation.cancel_id, code=error.code)
            return "skipped"
        except Contention as error:
            if attempt == RETRIES:
                obs.event("expiry.failed", logging.WARNING, cancel_id=cancellation.cancel_id, codes=error.codes)
                return "failed"
            order = None  # read afresh on the next attempt
            sleep(BASE_BACKOFF_SECONDS * (2 ** attempt) * (0.5 + random.random()))
    return "failed"


def run(now: datetime, *, time_left_ms: Callable[[], int] | None = None, concurrency: int | None = None,
        sleep: Callable[[float], None] = time.sleep) -> Report:
    """Resolves what is due at `now`; `time_left_ms` is the Lambda's remaining time."""
    workers = concurrency or int(config.env("EXPIRY_CONCURRENCY"))
    margin = int(config.env("EXPIRY_SAFETY_MARGIN_MS"))
    report = Report()

    def out_of_time() -> bool:
        return time_left_ms is not None and time_left_ms() < margin

    def tally(future: Future) -> None:
        setattr(report, future.result(), getattr(report, future.result()) + 1)

    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="expiry") as pool:
        in_flight: set[Future] = set()
        for shard in reads.SHARDS:
            for page in _chunks(reads.due_requests(now, shard, PAGE_SIZE), PAGE_SIZE):
                if out_of_time():
                    report.stopped_early = True
                    break
                orders = reads.get_orders(sorted({c.order_id for c in page}))
                for cancellation in page:
                    if out_of_time():
                        report.stopped_early = True
                        break
                    report.due_seen += 1
                    while len(in_flight) >= workers:
                        done, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
                        for future in done:
                            tally(future)
                    in_flight.add(pool.submit(_resolve, cancellation, orders.get(cancellation.order_id), now, sleep))
                if report.stopped_early:
                    break
            if report.stopped_early:
                break
        for future in in_flight:
            tally(future)
    obs.event("expiry.run", **report.as_dict())
    return report
