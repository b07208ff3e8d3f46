"""Webhook test support: names that resolve without DNS, and events as the bus delivers them to the queue."""

import json
from datetime import datetime
from typing import Any

from chalicelib.domain.clock import iso
from chalicelib.events import envelope as envelopes
from chalicelib.webhooks import queues, sender

# Test names and what they resolve to; anything else goes to the real resolver (literal addresses too).
FAKE_DNS = {
    "hooks.example.com": ["93.184.215.14"],
    "private.example.com": ["10.1.2.3"],
    "rebinding.example.com": ["93.184.215.14"],
    "mixed.example.com": ["93.184.215.14", "169.254.169.254"],
}


def fake_resolve(host: str, port: int) -> list[str]:
    if host in FAKE_DNS:
        return list(FAKE_DNS[host])
    return sender.resolve(host, port)


def envelope(event_type: str = "cancellation.requested", *, seller_id: str = "S1", order_id: str = "O1",
             sequence: int = 2, event_id: str | None = None, at: datetime | None = None) -> dict[str, Any]:
    """An event envelope as events.md shows it (data abridged to what a consumer reads first)."""
    return {"id": event_id or envelopes.event_id(order_id, str(sequence)), "type": event_type,
            "occurred_at": iso(at) if at else "2026-11-23T09:00:00Z", "seller_id": seller_id, "order_id": order_id,
            "sequence": sequence,
            "data": {"order": {"order_id": order_id, "seller_id": seller_id, "status": "AWAITING_SHIPMENT"},
                     "cancellation": {"cancel_id": "cxl_1", "status": "REQUESTED"}}}


def put_on_bus_queue(*events: dict[str, Any]) -> None:
    """What the bus's rule delivers to the webhook events queue: the EventBridge event, `detail` the envelope."""
    for event in events:  # the bus's own call: not one the product makes
        queues.client().send_message(QueueUrl=queues.events_queue(), MessageBody=json.dumps({
            "version": "0", "id": "eb-" + str(event["id"]), "detail-type": event["type"], "source": "cancel-desk",
            "account": "123456789012", "time": event["occurred_at"], "region": "us-east-1", "resources": [],
            "detail": event}))
