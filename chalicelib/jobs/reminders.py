"""`cancellation.response_due_soon` at each lead of `REMINDER_LEAD_SECONDS` before a pending request's deadline.

Exactly once per request and lead, never for a request no longer pending, whatever retries or overlapping runs:
each reminder is one transaction of three items, committed whole or not at all (`store/reminders.py`):
- a condition check of the cancellation: still `REQUESTED`, with the deadline it was read with;
- the mark `reminder#<cancel_id>` / `<lead>` in the events table, put only if absent: a second run, or a retry,
  fails here and writes nothing;
- the event itself, in the outbox, so it reaches the bus and the feed like every other event.

Cost ∝ reminders due: a checkpoint (`through`, the instant up to which every lead has been handled) bounds each
run's reads to the requests whose lead moment fell since the last run, a key range of the sparse due-time index
per lead and shard (`respond_by` in `(through + lead, now + lead]`), read a page at a time, with their orders in
one BatchGetItem per page. The checkpoint moves only when a run handled everything it read; a run that did not
leaves it, and the next run reads that range again (the marks make that harmless). A lead moment that came before
the request did (a lead longer than the window left) gets no reminder.
"""

import logging
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import msgspec
from msgspec.structs import asdict

from .. import config, obs
from ..domain.clock import iso
from ..domain.model import Cancellation, Order
from ..events import envelope
from ..store import outbox, reads
from ..store import reminders as stored

PAGE_SIZE = 100


class Report(msgspec.Struct):
    due_seen: int = 0
    sent: int = 0
    already_sent: int = 0  # the mark was there: another run or an earlier try sent it
    not_pending: int = 0  # answered, withdrawn or resolved since it was read
    before_request: int = 0  # the lead moment came before the request
    failed: int = 0  # contended or throttled: the checkpoint stays, the next run tries again
    stopped_early: bool = False
    through: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _pages(through: datetime | None, now: datetime, leads: tuple[int, ...]) -> Iterator[list[tuple[Cancellation, int]]]:
    batch: list[tuple[Cancellation, int]] = []
    for lead in leads:
        span = timedelta(seconds=lead)
        for shard in reads.SHARDS:
            low = through + span if through else None
            for cancellation in reads.due_requests(now + span, shard, PAGE_SIZE, after=low):
                batch.append((cancellation, lead))
                if len(batch) == PAGE_SIZE:
                    yield batch
                    batch = []
    if batch:
        yield batch


def _send(cancellation: Cancellation, order: Order, lead: int, now: datetime) -> str:
    """One reminder's transaction: its outcome (a Report field)."""
    event = envelope.reminder(cancellation, order, lead, now)
    outcome, codes = stored.send(cancellation, lead, outbox.item(event))
    if outcome == stored.FAILED:
        obs.event("reminders.failed", logging.WARNING, cancel_id=cancellation.cancel_id, lead_seconds=lead,
                  codes=codes)
    return outcome


def run(now: datetime, *, out_of_time: Callable[[], bool] = lambda: False) -> Report:
    report = Report()
    leads = config.reminder_leads()
    through = stored.checkpoint()
    if through is not None and through >= now:  # another run got here first: nothing can be due since
        return report
    for batch in _pages(through, now, leads):
        report.due_seen += len(batch)
        orders = reads.get_orders(sorted({c.order_id for c, _ in batch}))
        for cancellation, lead in batch:
            if out_of_time():
                report.stopped_early = True
                break
            order = orders.get(cancellation.order_id)
            if cancellation.respond_by is None:  # an open offer stopped the seller's clock: nothing is due
                report.not_pending += 1
                continue
            if cancellation.respond_by - timedelta(seconds=lead) < cancellation.requested_at:
                report.before_request += 1
                continue
            if order is None or now >= cancellation.respond_by:
                report.not_pending += 1
                continue
            outcome = _send(cancellation, order, lead, now)
            setattr(report, outcome, getattr(report, outcome) + 1)
        if report.stopped_early:
            break
    if not report.failed and not report.stopped_early:
        stored.advance(now)
        report.through = iso(now)
    if report.sent:
        obs.metrics("reminders.sent", {"RemindersSent": (report.sent, "Count")})
    if report.due_seen or report.stopped_early:
        obs.event("reminders.run", **report.as_dict())
    return report
