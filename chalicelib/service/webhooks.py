"""The seller's webhooks: register, read, rotate, enable, delete, test and retry (docs/webhooks.md).

A seller reaches only webhooks under its own key: another seller's webhook or delivery is as absent as a
missing one (404).
"""

import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Any

from ..domain.errors import Conflict, NotFound
from ..domain.identity import Identity
from ..domain.webhooks import (
    TEST_TYPE,
    Webhook,
    WebhookStatus,
    check_event_types,
    enabled,
    rotated,
)
from ..store import webhooks as store
from ..store.idempotency import IdempotencyRecord
from ..store.transactions import StaleState
from .executor import decide_and_retry


def webhook_not_found(webhook_id: str) -> NotFound:
    return NotFound(f"Webhook {webhook_id} was not found.", code="WEBHOOK_NOT_FOUND")


def _seller(identity: Identity) -> str:
    assert identity.seller_id is not None, "the gate lets sellers only"
    return identity.seller_id


def webhook_for(identity: Identity, webhook_id: str) -> Webhook:
    webhook = store.get_webhook(_seller(identity), webhook_id)
    if webhook is None:
        raise webhook_not_found(webhook_id)
    return webhook


def check_url(url: str) -> None:
    """W4 at registration: the form, and every address the host resolves to now."""
    from ..webhooks.sender import checked_target  # on first use: only registration resolves names

    checked_target(url)


def create(identity: Identity, url: str, event_types: list[str], description: str | None, now: datetime,
           seal: Any = None) -> Webhook:
    """`seal(webhook)` gives the idempotency record to commit with it, if the request has a key."""
    from ..webhooks.signing import new_secret

    types = check_event_types(event_types)
    check_url(url)
    webhook = Webhook(seller_id=_seller(identity), webhook_id=store.WEBHOOK_PREFIX + secrets.token_hex(10), url=url,
                      event_types=types, description=description, status=WebhookStatus.ENABLED,
                      disabled_reason=None, secret=new_secret(), previous_secret=None, previous_secret_until=None,
                      failing_since=None, created_at=now, updated_at=now, version=1)
    try:
        store.create(webhook, seal(webhook) if seal else None, now)
    except store.LimitReached as error:
        from ..domain.limits import MAX_WEBHOOKS_PER_SELLER

        raise Conflict(f"A seller may have at most {MAX_WEBHOOKS_PER_SELLER} webhooks; delete one first.",
                       code="WEBHOOK_LIMIT_REACHED", details={"limit": MAX_WEBHOOKS_PER_SELLER}) from error
    return webhook


def _change(identity: Identity, webhook_id: str, decide: Callable[[Webhook], Webhook | None], now: datetime,
            seal: Any) -> tuple[Webhook, bool]:
    """Decides from a fresh read and puts the webhook whole on condition of its version; again after a lost
    race. `decide(webhook)` returns the new webhook, or None when nothing changes; so does the answer's flag."""
    def attempt(_: int) -> tuple[Webhook, bool] | None:
        webhook = webhook_for(identity, webhook_id)
        changed = decide(webhook)
        if changed is None:
            return webhook, False
        record: IdempotencyRecord | None = seal(changed) if seal else None
        try:
            store.replace(changed, webhook.version, record, now)
        except StaleState:
            return None
        return changed, True

    return decide_and_retry(attempt, lambda: Conflict("The webhook kept changing; retry.", code="CONCURRENT_UPDATE"))


def rotate(identity: Identity, webhook_id: str, now: datetime, seal: Any = None) -> Webhook:
    from ..webhooks.signing import new_secret

    secret = new_secret()
    return _change(identity, webhook_id, lambda w: rotated(w, secret, now), now, seal)[0]


def enable(identity: Identity, webhook_id: str, now: datetime, seal: Any = None) -> tuple[Webhook, bool]:
    return _change(identity, webhook_id, lambda w: enabled(w, now), now, seal)


def delete(identity: Identity, webhook_id: str) -> None:
    webhook_for(identity, webhook_id)  # read first: a refused delete writes nothing
    try:
        store.delete(_seller(identity), webhook_id)
    except store.Gone as error:
        raise webhook_not_found(webhook_id) from error


def webhooks(identity: Identity, limit: int, after: store.Key | None) -> store.Page:
    return store.seller_webhooks(_seller(identity), limit, after)


def deliveries(identity: Identity, webhook_id: str, limit: int, after: store.Key | None) -> store.Page:
    webhook_for(identity, webhook_id)
    return store.attempts(webhook_id, limit, after)


class Queued:
    def __init__(self, delivery_id: str, event: dict[str, Any]) -> None:
        self.delivery_id = delivery_id
        self.event = event


def test(identity: Identity, webhook_id: str, now: datetime) -> Queued:
    """One `webhook.test` event, to this webhook only, whatever its status."""
    from ..domain.clock import iso
    from ..webhooks import delivery, queues

    webhook = webhook_for(identity, webhook_id)
    event = {"id": "evt_" + secrets.token_hex(12), "type": TEST_TYPE, "occurred_at": iso(now),
             "seller_id": webhook.seller_id,
             "data": {"webhook_id": webhook.webhook_id, "message": "A test event from the cancellation desk."}}
    message = delivery.first_message(webhook, event, now, manual=True, delivery=delivery.manual_delivery_id())
    queues.send_one(queues.delivery_queue(), message)
    return Queued(message.delivery_id, event)


def retry(identity: Identity, webhook_id: str, delivery_id: str, now: datetime) -> Queued:
    """The delivery's event once more, now, as its next attempt."""
    from ..webhooks import delivery, queues

    webhook = webhook_for(identity, webhook_id)
    stored = store.get_delivery(webhook_id, delivery_id)
    if stored is None:
        raise NotFound(f"Delivery {delivery_id} was not found.", code="DELIVERY_NOT_FOUND")
    message = delivery.first_message(webhook, stored.event, now, manual=True, delivery=delivery_id,
                                     attempt=stored.attempt + 1)
    queues.send_one(queues.delivery_queue(), message)
    return Queued(delivery_id, stored.event)

