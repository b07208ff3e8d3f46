"""The reminders' items in the events table: one reminder's transaction (the request still pending, its mark, its
event), and the job's checkpoint (docs/events.md, EV6).

- A mark is `reminder#<cancel_id>` / `<lead>`, put only if absent: a second run, or a retry, fails on it and
  writes nothing. Marks and the checkpoint carry no `body`, so the events table's stream passes over them.
- The checkpoint (`checkpoint` / `reminders`) holds `through`, the instant up to which every lead has been handled;
  it only moves forward.
"""

from datetime import datetime, timedelta

from pynamodb.exceptions import PutError, TransactWriteError
from pynamodb.transactions import TransactWrite

from .. import config
from ..domain.clock import iso, parse_iso
from ..domain.enums import CancellationStatus
from ..domain.model import Cancellation
from . import transactions
from .contention import CONDITION_FAILED, contention, failed_items
from .models import CancellationItem, EventItem

CHECKPOINT = ("checkpoint", "reminders")

SENT, ALREADY_SENT, NOT_PENDING, FAILED = "sent", "already_sent", "not_pending", "failed"


def mark_key(cancel_id: str, lead: int) -> tuple[str, str]:
    return f"reminder#{cancel_id}", str(lead)


def send(cancellation: Cancellation, lead: int, event: EventItem) -> tuple[str, list[str]]:
    """One TransactWriteItems, committed whole or not at all: a condition check that the request is still
    `REQUESTED` with the deadline it was read with, the mark, and the reminder's `event` item. Returns the outcome
    (SENT, ALREADY_SENT, NOT_PENDING or FAILED) and, when FAILED, the codes DynamoDB gave."""
    assert cancellation.respond_by is not None
    feed, position = mark_key(cancellation.cancel_id, lead)
    keep = cancellation.respond_by + timedelta(days=config.settings().event_retention_days)
    try:
        with TransactWrite(connection=transactions.connection()) as txn:
            txn.condition_check(CancellationItem, cancellation.cancel_id, condition=(
                (CancellationItem.status == CancellationStatus.REQUESTED.value)
                & (CancellationItem.respond_by == iso(cancellation.respond_by))))
            txn.save(EventItem(feed, position, expires_at=keep), condition=EventItem.position.does_not_exist())
            txn.save(event, condition=EventItem.position.does_not_exist())
    except TransactWriteError as error:
        codes = failed_items(error, ("cancellation", "mark", "event"))
        if codes.get("cancellation") == CONDITION_FAILED:
            return NOT_PENDING, []
        if codes.get("mark") == CONDITION_FAILED:
            return ALREADY_SENT, []
        return FAILED, contention(error, codes).codes
    return SENT, []


def checkpoint() -> datetime | None:
    raw = EventItem._get_connection().get_item(*CHECKPOINT, consistent_read=True).get("Item")
    through = (raw or {}).get("through", {}).get("S")
    return parse_iso(through) if through else None


def advance(now: datetime) -> None:
    """`through` only moves forward: of two overlapping runs, the later instant stays."""
    try:
        EventItem(*CHECKPOINT, through=iso(now)).save(
            condition=EventItem.through.does_not_exist() | (EventItem.through < iso(now)))
    except PutError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
