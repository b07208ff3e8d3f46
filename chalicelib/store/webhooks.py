"""The webhooks and their delivery log in DynamoDB: key-based reads, and each change one conditional write.

- Creating or deleting a webhook moves the seller's count in the same TransactWriteItems, on condition that
  it stays at most MAX_WEBHOOKS_PER_SELLER (W2): two racing creates cannot make an eleventh.
- Rotating and enabling put the webhook whole, on condition of the version they were decided from.
- The delivery engine's own marks (a failure streak begun or ended, a webhook disabled) are single
  conditional UpdateItems: they touch one item and must not undo a delete.
"""

from datetime import datetime, timedelta
from typing import Any

import msgspec
from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from ..domain.clock import iso, parse_iso
from ..domain.limits import MAX_WEBHOOKS_PER_SELLER
from ..domain.webhooks import (
    Attempt,
    AttemptOutcome,
    DeliveryStatus,
    DisabledReason,
    Webhook,
    WebhookStatus,
    attempt_outcome,
)
from . import idempotency as stored_answers
from .contention import CONDITION_FAILED, contention, failed_items
from .idempotency import IdempotencyKeyTaken, IdempotencyRecord
from .mapping import Raw
from .transactions import StaleState, connection
from .webhook_models import ATTEMPT_PREFIX, COUNT_KEY, DELIVERY_PREFIX, DeliveryItem, WebhookItem
from .webhook_models import WEBHOOK_PREFIX as WEBHOOK_PREFIX  # re-exported: the service mints webhook ids with it

Key = dict[str, str]
LOG_RETENTION = timedelta(days=30)


class LimitReached(Exception):
    """The seller has MAX_WEBHOOKS_PER_SELLER webhooks already."""


class Gone(Exception):
    """The webhook is not there (any more)."""


class Page(msgspec.Struct, frozen=True):
    items: list[Any]
    last_key: Key | None


# --- items --------------------------------------------------------------------------------------------


def _s(raw: Raw, name: str) -> str | None:
    value = raw.get(name)
    return value["S"] if value and "S" in value else None


def _time(raw: Raw, name: str) -> datetime | None:
    text = _s(raw, name)
    return parse_iso(text) if text else None


def webhook_from_raw(raw: Raw) -> Webhook:
    reason = _s(raw, "disabled_reason")
    return Webhook(
        seller_id=raw["seller_id"]["S"], webhook_id=raw["webhook_id"]["S"], url=raw["url"]["S"],
        event_types=tuple(v["S"] for v in raw["event_types"]["L"]), description=_s(raw, "description"),
        status=WebhookStatus(raw["status"]["S"]), disabled_reason=DisabledReason(reason) if reason else None,
        secret=raw["secret"]["S"], previous_secret=_s(raw, "previous_secret"),
        previous_secret_until=_time(raw, "previous_secret_until"), failing_since=_time(raw, "failing_since"),
        created_at=parse_iso(raw["created_at"]["S"]), updated_at=parse_iso(raw["updated_at"]["S"]),
        version=int(raw["version"]["N"]),
    )


def _item(webhook: Webhook) -> WebhookItem:
    def at(value: datetime | None) -> str | None:
        return iso(value) if value is not None else None

    return WebhookItem(
        webhook.seller_id, webhook.webhook_id, url=webhook.url, event_types=list(webhook.event_types),
        description=webhook.description, status=webhook.status.value,
        disabled_reason=webhook.disabled_reason.value if webhook.disabled_reason else None, secret=webhook.secret,
        previous_secret=webhook.previous_secret, previous_secret_until=at(webhook.previous_secret_until),
        failing_since=at(webhook.failing_since), created_at=iso(webhook.created_at),
        updated_at=iso(webhook.updated_at), version=webhook.version,
    )


def attempt_from_raw(raw: Raw) -> Attempt:
    status = raw.get("response_status")
    delivery_status = DeliveryStatus(raw["status"]["S"])
    return Attempt(
        webhook_id=raw["webhook_id"]["S"], delivery_id=raw["delivery_id"]["S"], event_id=raw["event_id"]["S"],
        event_type=raw["event_type"]["S"], attempt=int(raw["attempt"]["N"]),
        # Entries written before attempts carried an outcome: their delivery's state tells it.
        outcome=AttemptOutcome(raw["outcome"]["S"]) if "outcome" in raw else attempt_outcome(delivery_status),
        status=delivery_status,
        response_status=int(status["N"]) if status and "N" in status else None, error=_s(raw, "error"),
        attempted_at=parse_iso(raw["attempted_at"]["S"]), next_attempt_at=_time(raw, "next_attempt_at"),
        due_at=parse_iso(raw["entry"]["S"].split("#")[1]),
    )


# --- reads --------------------------------------------------------------------------------------------


def get_webhook(seller_id: str, webhook_id: str) -> Webhook | None:
    """One consistent GetItem; a webhook of another seller is simply not under this seller's key."""
    if not webhook_id.startswith(WEBHOOK_PREFIX):
        return None
    raw = WebhookItem._get_connection().get_item(seller_id, webhook_id, consistent_read=True).get("Item")
    return webhook_from_raw(raw) if raw else None


def _query(model: type[WebhookItem] | type[DeliveryItem], hash_value: str, range_attr: str, prefix: str, *,
           limit: int | None, after: Key | None, newest_first: bool, consistent: bool) -> tuple[list[Raw], bool]:
    data = model._get_connection().query(
        hash_value, getattr(model, range_attr).startswith(prefix), scan_index_forward=not newest_first,
        limit=None if limit is None else limit + 1, consistent_read=consistent,
        exclusive_start_key={k: {"S": v} for k, v in after.items()} if after else None,
    )
    items: list[Raw] = data.get("Items", [])
    if limit is not None and len(items) > limit:
        return items[:limit], True
    return items, False


def seller_webhooks(seller_id: str, limit: int | None = None, after: Key | None = None,
                    consistent: bool = False) -> Page:
    """A page of the seller's webhooks, oldest id first, in one Query (all of them with no limit: at most 10)."""
    items, more = _query(WebhookItem, seller_id, "webhook_id", WEBHOOK_PREFIX, limit=limit, after=after,
                         newest_first=False, consistent=consistent)
    last = {"seller_id": seller_id, "webhook_id": items[-1]["webhook_id"]["S"]} if more else None
    return Page([webhook_from_raw(raw) for raw in items], last)


def attempts(webhook_id: str, limit: int, after: Key | None) -> Page:
    """A page of a webhook's delivery attempts, newest first, in one Query."""
    items, more = _query(DeliveryItem, webhook_id, "entry", ATTEMPT_PREFIX, limit=limit, after=after,
                         newest_first=True, consistent=False)
    last = {"webhook_id": webhook_id, "entry": items[-1]["entry"]["S"]} if more else None
    return Page([attempt_from_raw(raw) for raw in items], last)


class StoredDelivery(msgspec.Struct, frozen=True):
    delivery_id: str
    event: dict[str, Any]
    attempt: int


def get_delivery(webhook_id: str, delivery_id: str) -> StoredDelivery | None:
    raw = DeliveryItem._get_connection().get_item(webhook_id, DELIVERY_PREFIX + delivery_id,
                                                  consistent_read=True).get("Item")
    if not raw:
        return None
    return StoredDelivery(delivery_id, msgspec.json.decode(raw["event"]["S"]), int(raw["attempt"]["N"]))


# --- the routes' changes ------------------------------------------------------------------------------


def _commit(stage: Any, labels: list[str]) -> None:
    """Runs one TransactWriteItems; a failed condition is named by the label of its item."""
    try:
        with TransactWrite(connection=connection()) as txn:
            stage(txn)
    except TransactWriteError as error:
        failed = failed_items(error, labels)
        if failed.get("idempotency") == CONDITION_FAILED:
            raise IdempotencyKeyTaken() from error
        if failed.get("count") == CONDITION_FAILED:
            raise LimitReached() from error
        if failed.get("webhook") == CONDITION_FAILED:
            raise StaleState("webhook") from error
        raise contention(error, failed) from error


def _count(txn: TransactWrite, seller_id: str, by: int) -> None:
    condition = (WebhookItem.webhooks.does_not_exist() | (WebhookItem.webhooks < MAX_WEBHOOKS_PER_SELLER)
                 if by > 0 else None)
    txn.update(WebhookItem(seller_id, COUNT_KEY), actions=[WebhookItem.webhooks.add(by)], condition=condition)


def create(webhook: Webhook, idempotency: IdempotencyRecord | None, now: datetime) -> None:
    """W2: the webhook and the count in one transaction (puts come before updates in it)."""
    def stage(txn: TransactWrite) -> None:
        txn.save(_item(webhook), condition=WebhookItem.webhook_id.does_not_exist())
        if idempotency is not None:
            txn.save(stored_answers.item(idempotency), condition=stored_answers.free(now))
        _count(txn, webhook.seller_id, 1)

    _commit(stage, ["webhook", *(["idempotency"] if idempotency else []), "count"])


def replace(webhook: Webhook, was_version: int, idempotency: IdempotencyRecord | None, now: datetime) -> None:
    """The webhook put whole, if it is still the version it was decided from."""
    def stage(txn: TransactWrite) -> None:
        txn.save(_item(webhook), condition=WebhookItem.version == was_version)
        if idempotency is not None:
            txn.save(stored_answers.item(idempotency), condition=stored_answers.free(now))

    _commit(stage, ["webhook", *(["idempotency"] if idempotency else [])])


def delete(seller_id: str, webhook_id: str) -> None:
    """W6: the webhook goes and the count drops, together; raises Gone if it was not there."""
    def stage(txn: TransactWrite) -> None:
        txn.delete(WebhookItem(seller_id, webhook_id), condition=WebhookItem.webhook_id.exists())
        _count(txn, seller_id, -1)

    try:
        _commit(stage, ["webhook", "count"])
    except StaleState as error:
        raise Gone() from error


# --- the delivery engine's marks ----------------------------------------------------------------------


def mark(webhook: Webhook, *, failing_since: datetime | None, disable: DisabledReason | None,
         now: datetime) -> None:
    """Records a failure streak begun or ended, or the webhook disabled; on condition that the webhook is
    still there (a delete wins) and, to disable, still ENABLED. One UpdateItem."""
    actions: list[Action] = [WebhookItem.updated_at.set(iso(now))]
    if failing_since is None:
        actions.append(WebhookItem.failing_since.remove())
    else:
        actions.append(WebhookItem.failing_since.set(iso(failing_since)))
    condition = WebhookItem.webhook_id.exists()
    if disable is not None:
        actions += [WebhookItem.status.set(WebhookStatus.DISABLED.value),
                    WebhookItem.disabled_reason.set(disable.value), WebhookItem.version.add(1)]
        condition &= WebhookItem.status == WebhookStatus.ENABLED.value
    try:
        WebhookItem(webhook.seller_id, webhook.webhook_id).update(actions=actions, condition=condition)
    except UpdateError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
        # Deleted, or disabled by another attempt or by hand: nothing left to mark.


def record_attempt(attempt: Attempt, event: dict[str, Any], now: datetime) -> None:
    """The attempt's log entry and the delivery's latest state (with its event, for a retry by hand) in one
    BatchWriteItem. Both are keyed by what the attempt is, so a redelivered message rewrites them."""
    expires = now + LOG_RETENTION
    common: dict[str, Any] = {
        "delivery_id": attempt.delivery_id, "event_id": attempt.event_id, "event_type": attempt.event_type,
        "attempt": attempt.attempt, "outcome": attempt.outcome.value, "status": attempt.status.value,
        "response_status": attempt.response_status,
        "error": attempt.error, "attempted_at": iso(attempt.attempted_at),
        "next_attempt_at": iso(attempt.next_attempt_at) if attempt.next_attempt_at else None,
        "expires_at": expires,
    }
    entry = f"{ATTEMPT_PREFIX}{iso(attempt.due_at)}#{attempt.delivery_id}#{attempt.attempt:03d}"
    with DeliveryItem.batch_write() as batch:
        batch.save(DeliveryItem(attempt.webhook_id, entry, **common))
        batch.save(DeliveryItem(attempt.webhook_id, DELIVERY_PREFIX + attempt.delivery_id,
                                event=msgspec.json.encode(event).decode(), **common))
