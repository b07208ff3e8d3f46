"""The seller's webhooks: register, list, read, delete, rotate the secret, test, enable, the delivery log and
a retry by hand (docs/webhooks.md). Another seller's webhook or delivery is a 404."""

from collections.abc import Callable
from typing import Any

import msgspec
from chalice.app import Blueprint, Response

from ..domain.clock import iso
from ..domain.errors import DomainError
from ..domain.identity import Role
from ..domain.webhooks import Attempt, Webhook
from ..service import webhooks as service
from ..service.idempotency import Answer, Idempotency, keyed
from ..store.idempotency import IdempotencyRecord
from . import cursors, idempotency
from . import webhook_schemas as ws
from .errors import error_body, status_of
from .parsing import limit_param
from .routing import Ctx, endpoint, ok
from .seller import PAGE_PARAMS

webhooks = Blueprint(__name__)
TAG = "webhooks"


def _out(webhook: Webhook) -> ws.WebhookOut:
    return ws.WebhookOut(**_fields(webhook))


def _fields(webhook: Webhook) -> dict[str, Any]:
    previous_until = webhook.previous_secret_until
    return {
        "webhook_id": webhook.webhook_id, "url": webhook.url, "event_types": list(webhook.event_types),
        "description": webhook.description, "status": webhook.status, "disabled_reason": webhook.disabled_reason,
        "created_at": iso(webhook.created_at), "updated_at": iso(webhook.updated_at),
        "previous_secret_expires_at": iso(previous_until) if previous_until and webhook.previous_secret else None,
    }


def _with_secret(webhook: Webhook) -> ws.WebhookWithSecretOut:
    return ws.WebhookWithSecretOut(**_fields(webhook), secret=webhook.secret)


def _delivery(attempt: Attempt) -> ws.DeliveryOut:
    return ws.DeliveryOut(delivery_id=attempt.delivery_id, event_id=attempt.event_id, event_type=attempt.event_type,
                          attempt=attempt.attempt, outcome=attempt.outcome,
                          status=attempt.status, response_status=attempt.response_status,
                          error=attempt.error, attempted_at=iso(attempt.attempted_at),
                          next_attempt_at=iso(attempt.next_attempt_at) if attempt.next_attempt_at else None)


def _caller(ctx: Ctx[Any]) -> str:
    return f"{ctx.caller.sub}|{ctx.caller.seller_id}"


def _answer(status: int, payload: msgspec.Struct) -> Answer:
    return Answer(status, msgspec.json.encode(payload).decode())


Sealer = Callable[[Webhook], IdempotencyRecord] | None
Act = Callable[[Sealer], tuple[Answer, bool]]


def _keyed(ctx: Ctx[Any], path: str, act: Act, answer_of: Callable[[Webhook], Answer] | None = None) -> Response:
    """A POST with its Idempotency-Key: a kept answer is replayed; a change seals its answer in its own
    transaction (`act` gets the sealer and says whether it used it); any other answer is kept after it."""
    canonical = msgspec.json.encode(ctx.body, order="sorted")
    idem: Idempotency | None = idempotency.from_request(ctx.request.headers.get(idempotency.HEADER), ctx.caller,
                                                        "POST", path, canonical, ctx.now)
    def act_sealing(sealing: Idempotency | None) -> tuple[Answer, bool]:
        if sealing is None or answer_of is None:
            return act(None)

        def sealer(webhook: Webhook) -> IdempotencyRecord:
            assert answer_of is not None
            answer = answer_of(webhook)
            return sealing.seal(answer.status, answer.body)

        return act(sealer)

    def refuse(error: DomainError) -> Answer:
        return Answer(status_of(error), error_body(error.code, error.message, error.details))

    return idempotency.response(keyed(idem, act_sealing, refuse, replay_first=True))


@endpoint(webhooks, "/seller/webhooks", "POST", role=Role.SELLER, body=ws.WebhookIn, status=201,
          response=ws.WebhookWithSecretOut, errors=(400, 409), tag=TAG,
          summary="Register a webhook: 201 with its signing secret (shown only here and on rotation)")
def create_webhook(ctx: Ctx[ws.WebhookIn]) -> Response:
    """Registers an https URL for the seller's events (event_types, or ["*"] for all), at most 10 per seller
    (409 WEBHOOK_LIMIT_REACHED). The URL must not be, or resolve to, a loopback, private, link-local, multicast
    or reserved address (400 INVALID_WEBHOOK_URL with details.reason). The answer carries the whsec_ secret
    that signs every delivery (Standard Webhooks); no other answer shows it."""
    body = ctx.body

    def answer_of(webhook: Webhook) -> Answer:
        return _answer(201, _with_secret(webhook))

    def act(seal: Sealer) -> tuple[Answer, bool]:
        webhook = service.create(ctx.caller, body.url, body.event_types, body.description, ctx.now, seal)
        return answer_of(webhook), seal is not None

    return _keyed(ctx, "/seller/webhooks", act, answer_of)


@endpoint(webhooks, "/seller/webhooks", "GET", role=Role.SELLER, response=ws.WebhookPage, errors=(400,), tag=TAG,
          summary="The seller's webhooks, without their secrets", query=PAGE_PARAMS)
def list_webhooks(ctx: Ctx[None]) -> Response:
    """The seller's webhooks, a page at a time (pass next_cursor back as cursor). Secrets are never shown."""
    limit = limit_param(ctx.query)
    after = cursors.decode(ctx.query.get("cursor"), caller=_caller(ctx), query="webhooks")
    page = service.webhooks(ctx.caller, limit, after)
    return ok(ws.WebhookPage(items=[_out(w) for w in page.items],
                             next_cursor=cursors.encode(page.last_key, caller=_caller(ctx), query="webhooks")))


@endpoint(webhooks, "/seller/webhooks/{webhook_id}", "GET", role=Role.SELLER, response=ws.WebhookOut,
          errors=(404,), tag=TAG, summary="One webhook, without its secret")
def get_webhook(ctx: Ctx[None], webhook_id: str) -> Response:
    """One of the seller's webhooks. Another seller's is 404 WEBHOOK_NOT_FOUND."""
    return ok(_out(service.webhook_for(ctx.caller, webhook_id)))


@endpoint(webhooks, "/seller/webhooks/{webhook_id}", "DELETE", role=Role.SELLER, response=None, status=204,
          errors=(404,), tag=TAG, summary="Delete a webhook: nothing more is delivered to it")
def delete_webhook(ctx: Ctx[None], webhook_id: str) -> Response:
    """Deletes one of the seller's webhooks; deliveries waiting for it are dropped when they come due."""
    service.delete(ctx.caller, webhook_id)
    return Response(body="", status_code=204)


@endpoint(webhooks, "/seller/webhooks/{webhook_id}/rotate-secret", "POST", role=Role.SELLER,
          response=ws.WebhookWithSecretOut, errors=(404,), tag=TAG,
          summary="A new signing secret; for 24 hours deliveries carry both signatures")
def rotate_webhook_secret(ctx: Ctx[Any], webhook_id: str) -> Response:
    """Replaces the webhook's secret and answers with the new one. For 24 hours every delivery is signed with
    both the new and the old secret (two v1 signatures), so the receiver can switch without losing any."""
    def answer_of(webhook: Webhook) -> Answer:
        return _answer(200, _with_secret(webhook))

    def act(seal: Sealer) -> tuple[Answer, bool]:
        return answer_of(service.rotate(ctx.caller, webhook_id, ctx.now, seal)), seal is not None

    return _keyed(ctx, f"/seller/webhooks/{webhook_id}/rotate-secret", act, answer_of)


@endpoint(webhooks, "/seller/webhooks/{webhook_id}/test", "POST", role=Role.SELLER,
          response=ws.DeliveryAcceptedOut, status=202, errors=(404,), tag=TAG,
          summary="Deliver one webhook.test event to this webhook")
def test_webhook(ctx: Ctx[Any], webhook_id: str) -> Response:
    """Queues one signed webhook.test event for this webhook only (a disabled one too, to check the endpoint
    before enabling it); its attempt shows in the delivery log."""
    def act(seal: Sealer) -> tuple[Answer, bool]:
        queued = service.test(ctx.caller, webhook_id, ctx.now)
        return _answer(202, ws.DeliveryAcceptedOut(delivery_id=queued.delivery_id, event_id=queued.event["id"],
                                                   event_type=queued.event["type"])), False

    return _keyed(ctx, f"/seller/webhooks/{webhook_id}/test", act)


@endpoint(webhooks, "/seller/webhooks/{webhook_id}/enable", "POST", role=Role.SELLER, response=ws.WebhookOut,
          errors=(404,), tag=TAG, summary="A DISABLED webhook ENABLED again; an enabled one: 200, no change")
def enable_webhook(ctx: Ctx[Any], webhook_id: str) -> Response:
    """Turns a webhook the desk disabled (410 Gone, or failing for 5 days) back on; later events are delivered
    to it again. Deliveries that failed meanwhile can be retried by hand."""
    def answer_of(webhook: Webhook) -> Answer:
        return _answer(200, _out(webhook))

    def act(seal: Sealer) -> tuple[Answer, bool]:
        webhook, changed = service.enable(ctx.caller, webhook_id, ctx.now, seal)
        return answer_of(webhook), seal is not None and changed

    return _keyed(ctx, f"/seller/webhooks/{webhook_id}/enable", act, answer_of)


@endpoint(webhooks, "/seller/webhooks/{webhook_id}/deliveries", "GET", role=Role.SELLER,
          response=ws.DeliveryPage, errors=(400, 404), tag=TAG, query=PAGE_PARAMS,
          summary="The webhook's delivery attempts, newest first")
def list_deliveries(ctx: Ctx[None], webhook_id: str) -> Response:
    """Every attempt (kept 30 days): the event, the attempt number, PENDING (another attempt is due at
    next_attempt_at), SUCCEEDED or FAILED (none left: retry by hand), the receiver's status and the error."""
    limit = limit_param(ctx.query)
    query = f"deliveries|{webhook_id}"
    after = cursors.decode(ctx.query.get("cursor"), caller=_caller(ctx), query=query)
    page = service.deliveries(ctx.caller, webhook_id, limit, after)
    return ok(ws.DeliveryPage(items=[_delivery(a) for a in page.items],
                              next_cursor=cursors.encode(page.last_key, caller=_caller(ctx), query=query)))


@endpoint(webhooks, "/seller/webhooks/{webhook_id}/deliveries/{delivery_id}/retry", "POST", role=Role.SELLER,
          response=ws.DeliveryAcceptedOut, status=202, errors=(404,), tag=TAG,
          summary="Deliver that delivery's event again, now")
def retry_delivery(ctx: Ctx[Any], webhook_id: str, delivery_id: str) -> Response:
    """Queues one more attempt of the delivery's event now, as its next attempt number; it is not retried on
    the schedule if it fails (retry by hand again)."""
    def act(seal: Sealer) -> tuple[Answer, bool]:
        queued = service.retry(ctx.caller, webhook_id, delivery_id, ctx.now)
        return _answer(202, ws.DeliveryAcceptedOut(delivery_id=queued.delivery_id, event_id=queued.event["id"],
                                                   event_type=queued.event["type"])), False

    return _keyed(ctx, f"/seller/webhooks/{webhook_id}/deliveries/{delivery_id}/retry", act)
