"""Delivery attempts: one SQS message is one attempt of one event to one webhook.

The message is deleted only once the attempt is recorded and, if it failed, the next one is on the retry
queue; a process that dies before that leaves the message to come back (at least once, W11). A retry due
later than SQS can delay a message (15 minutes) is held back on arrival with its visibility timeout (up to 12
hours, more than any gap of the schedule) and handled when due: each wait costs one extra receive.
"""

import hashlib
import math
import secrets
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

import msgspec

from .. import config, obs
from ..domain.clock import iso, parse_iso, utc_now
from ..domain.webhooks import (
    Attempt,
    AttemptResult,
    DeliveryStatus,
    Webhook,
    WebhookStatus,
    after_attempt,
    attempt_outcome,
    outcome_of,
)
from ..store import webhooks as store
from . import queues, sender, signing

SLOW_SECONDS = 2.0  # an attempt unanswered this long marks its webhook failing for routing (W12)


class DeliveryMessage(msgspec.Struct, frozen=True, kw_only=True):
    delivery_id: str
    seller_id: str
    webhook_id: str
    event: dict[str, Any]
    attempt: int = 1
    first_attempt_at: str
    due_at: str
    manual: bool = False  # a test or a retry by hand: one attempt, whatever the webhook's status
    lane: str = "delivery"  # the queue it is on: "delivery" (receivers that answer) or "retry"


def delivery_id(event_id: str, webhook_id: str) -> str:
    """The same for every fan-out of one event to one webhook, so a redelivered event rewrites its log."""
    return "dlv_" + hashlib.sha256(f"{event_id}|{webhook_id}".encode()).hexdigest()[:32]


def manual_delivery_id() -> str:
    return "dlv_" + secrets.token_hex(16)


def first_message(webhook: Webhook, event: dict[str, Any], now: datetime, *, manual: bool = False,
                  delivery: str | None = None, attempt: int = 1, lane: str = "delivery") -> DeliveryMessage:
    return DeliveryMessage(delivery_id=delivery or delivery_id(str(event["id"]), webhook.webhook_id),
                           seller_id=webhook.seller_id, webhook_id=webhook.webhook_id, event=event, attempt=attempt,
                           first_attempt_at=iso(now), due_at=iso(now), manual=manual, lane=lane)


class Handled(msgspec.Struct, frozen=True):
    """`hold`: seconds the message must wait before it is due (it stays on its queue); 0 when it was handled."""

    hold: int = 0
    outcome: str = ""


Post = Callable[[str, bytes, dict[str, str]], sender.Reply]


def _post(url: str, body: bytes, headers: dict[str, str]) -> sender.Reply:
    return sender.post(url, body, headers)


def handle(message: DeliveryMessage, now: datetime | None = None, post: Post = _post) -> Handled:
    """One attempt: W7 (signed POST), W8 (the next one scheduled), W9 (410 and long failure disable)."""
    now = now or utc_now()
    due = parse_iso(message.due_at)
    if due > now:
        return Handled(hold=math.ceil((due - now).total_seconds()))
    webhook = store.get_webhook(message.seller_id, message.webhook_id)
    if webhook is None:  # deleted: nothing more is delivered to it (W6)
        obs.event("webhook.dropped", webhook_id=message.webhook_id, delivery_id=message.delivery_id,
                  why="deleted")
        return Handled(outcome="DROPPED")
    if message.lane == "delivery" and webhook.failing_since is not None and not message.manual:
        # Fanned out before the webhook's first failure was recorded: its receiver does not answer, so the
        # attempt waits its turn on the retry lane rather than hold the delivery lane (W12).
        queues.send_one(queues.retry_queue(), msgspec.structs.replace(message, lane="retry"))
        return Handled(outcome="REROUTED")
    event = message.event
    event_id, event_type = str(event["id"]), str(event["type"])
    settings = config.webhooks()
    marked_slow = False
    if webhook.status is not WebhookStatus.ENABLED and not message.manual:
        reply = sender.Reply(None, "webhook disabled")
        outcome = AttemptResult.FAILURE
        decided = after_attempt(outcome, attempt=message.attempt, first_attempt_at=parse_iso(message.first_attempt_at),
                                now=now, schedule=(), manual=True, failing_since=webhook.failing_since,
                                disable_after=settings.disable_after)
    else:
        body = msgspec.json.encode(event)
        headers = signing.headers(event_id, body.decode(), now, webhook.secrets(now))
        started = time.monotonic()
        slow = _SlowWatch(webhook, now) if webhook.status is WebhookStatus.ENABLED and \
            webhook.failing_since is None else None
        try:
            reply = post(webhook.url, body, headers)
        finally:
            marked_slow = slow.stop() if slow else False
        elapsed_ms = round((time.monotonic() - started) * 1000)
        outcome = outcome_of(reply.status)
        decided = after_attempt(outcome, attempt=message.attempt,
                                first_attempt_at=parse_iso(message.first_attempt_at), now=now,
                                schedule=settings.retry_schedule, manual=message.manual,
                                failing_since=webhook.failing_since, disable_after=settings.disable_after)
        obs.metrics("webhook.attempt", {"WebhookDeliveries": (1, "Count")}, {"Outcome": outcome.value},
                    webhook_id=webhook.webhook_id, seller_id=webhook.seller_id,
                    delivery_id=message.delivery_id, event_id=event_id, event_type=event_type,
                    attempt=message.attempt, outcome=outcome.value, status=decided.status.value,
                    response_status=reply.status, error=reply.error, ms=elapsed_ms)

    store.record_attempt(Attempt(
        webhook_id=webhook.webhook_id, delivery_id=message.delivery_id, event_id=event_id, event_type=event_type,
        attempt=message.attempt, outcome=attempt_outcome(decided.status), status=decided.status,
        response_status=reply.status, error=reply.error,
        attempted_at=now, next_attempt_at=decided.next_attempt_at, due_at=due), event, now)
    known_since = now if marked_slow else webhook.failing_since
    if webhook.status is WebhookStatus.ENABLED and (
            decided.disable is not None or decided.failing_since != known_since):
        store.mark(webhook, failing_since=decided.failing_since, disable=decided.disable, now=now)
        if decided.disable is not None:
            obs.event("webhook.disabled", webhook_id=webhook.webhook_id, seller_id=webhook.seller_id,
                      reason=decided.disable.value)
    if decided.status is DeliveryStatus.PENDING and decided.next_attempt_at is not None:
        following = msgspec.structs.replace(message, attempt=message.attempt + 1, lane="retry",
                                            due_at=iso(decided.next_attempt_at))
        delay = math.ceil((decided.next_attempt_at - now).total_seconds())
        queues.send_one(queues.retry_queue(), following, delay)
    return Handled(outcome=decided.status.value)


class _SlowWatch:
    """Marks the webhook failing once an attempt has gone SLOW_SECONDS without an answer, so the deliveries
    behind it go to the retry lane while it waits out its timeout (W12); the attempt's outcome then keeps or
    clears the mark."""

    def __init__(self, webhook: Webhook, now: datetime) -> None:
        self._fired = threading.Event()
        self._timer = threading.Timer(SLOW_SECONDS, self._mark, args=(webhook, now))
        self._timer.daemon = True
        self._timer.start()

    def _mark(self, webhook: Webhook, now: datetime) -> None:
        store.mark(webhook, failing_since=now, disable=None, now=now)
        self._fired.set()

    def stop(self) -> bool:
        """Whether the mark was made (waits for a mark in progress, so the outcome comes after it)."""
        self._timer.cancel()
        if self._timer.is_alive():
            self._timer.join()
        return self._fired.is_set()


# --- a batch, as the Lambda gets it -------------------------------------------------------------------


class Record(msgspec.Struct, frozen=True):
    message_id: str
    body: str
    receipt_handle: str


def handle_batch(records: list[Record], post: Post = _post, now: Callable[[], datetime] = utc_now) -> list[str]:
    """Every record at once (one thread each), so a slow receiver holds only its own attempt; returns the
    message ids to leave on the queue: those held until due, and those that failed to be handled (they
    come back after the visibility timeout, and after too many receives go to the dead-letter queue)."""
    def one(record: Record) -> str | None:
        try:
            message = msgspec.json.decode(record.body, type=DeliveryMessage)
            handled = handle(message, now(), post)
            if handled.hold:
                queues.hold(queues.retry_queue(), record.receipt_handle, handled.hold)
                return record.message_id
            return None
        except Exception as error:  # the message comes back: the attempt is retried, never lost
            obs.event("webhook.attempt_failed", message_id=record.message_id, error=error.__class__.__name__,
                      detail=str(error)[:300])
            return record.message_id

    if len(records) == 1:
        result = one(records[0])
        return [result] if result else []
    with ThreadPoolExecutor(max_workers=len(records), thread_name_prefix="webhook-attempt") as pool:
        return [failed for failed in pool.map(one, records) if failed]

