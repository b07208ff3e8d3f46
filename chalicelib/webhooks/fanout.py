"""Fan-out: each event from the bus becomes one delivery message per matching enabled webhook of its seller.

The seller's webhooks are one consistent Query of one partition (at most 10 items: never a Scan), and the
messages one SendMessageBatch per lane. A webhook in a failure streak gets its messages on the retry lane, so
the delivery lane holds only receivers that answer (W12).
"""

from datetime import datetime
from typing import Any

import msgspec

from .. import obs
from ..domain.clock import utc_now
from ..domain.webhooks import TEST_TYPE, WebhookStatus, subscribes
from ..store import webhooks as store
from . import queues
from .delivery import Record, first_message


class BadEvent(ValueError):
    pass


def envelope_of(body: str) -> dict[str, Any]:
    """The envelope, from an EventBridge event as the rule's queue target gets it (`detail`), or bare."""
    try:
        decoded = msgspec.json.decode(body)
    except msgspec.DecodeError as error:
        raise BadEvent("not JSON") from error
    if isinstance(decoded, dict) and isinstance(decoded.get("detail"), dict) and "source" in decoded:
        decoded = decoded["detail"]
    if not (isinstance(decoded, dict) and all(isinstance(decoded.get(k), str) for k in ("id", "type", "seller_id"))):
        raise BadEvent("no envelope with id, type and seller_id")
    return decoded


def fan_out(event: dict[str, Any], now: datetime | None = None) -> int:
    """Queues the event for every matching enabled webhook; returns how many."""
    now = now or utc_now()
    if event["type"] == TEST_TYPE:
        return 0
    hooks = store.seller_webhooks(str(event["seller_id"]), consistent=True).items
    matching = [w for w in hooks if w.status is WebhookStatus.ENABLED and subscribes(w.event_types, event["type"])]
    lanes: dict[bool, list[tuple[str, msgspec.Struct | dict[str, Any], int]]] = {False: [], True: []}
    for webhook in matching:
        failing = webhook.failing_since is not None
        message = first_message(webhook, event, now, lane="retry" if failing else "delivery")
        lanes[failing].append((webhook.webhook_id, message, 0))
    if lanes[False]:
        queues.send(queues.delivery_queue(), lanes[False])
    if lanes[True]:
        queues.send(queues.retry_queue(), lanes[True])
    if matching:
        obs.event("webhook.fan_out", event_id=event["id"], event_type=event["type"], seller_id=event["seller_id"],
                  webhooks=len(matching), retry_lane=len(lanes[True]))
    return len(matching)


def handle_batch(records: list[Record]) -> list[str]:
    """The ids of the messages to leave on the queue: a poison message among them goes to the dead-letter
    queue after its receives, without holding the others back."""
    failed: list[str] = []
    for record in records:
        try:
            fan_out(envelope_of(record.body))
        except Exception as error:
            obs.event("webhook.fan_out_failed", message_id=record.message_id, error=error.__class__.__name__,
                      detail=str(error)[:300])
            failed.append(record.message_id)
    return failed
