"""The work of the webhook routes that chalicelib/api/webhooks.py declares, one function per route, with the
webhooks' service and in webhook_schemas' shapes. Loaded on the first webhook request, so that a function
instance that serves none never loads the webhooks' service, store or schemas."""

from collections.abc import Callable
from typing import Any

import msgspec
from chalice.app import Response

from ..domain.clock import iso
from ..domain.errors import DomainError
from ..domain.webhooks import Attempt, Webhook
from ..service import webhooks as service
from ..service.idempotency import Answer, Idempotency, keyed
from ..store.idempotency import IdempotencyRecord
from . import cursors, idempotency
from . import webhook_schemas as ws
from .errors import error_body, status_of
from .parsing import limit_param
from .routing import Ctx, ok


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


def create(ctx: Ctx[ws.WebhookIn]) -> Response:
    body = ctx.body

    def answer_of(webhook: Webhook) -> Answer:
        return _answer(201, _with_secret(webhook))

    def act(seal: Sealer) -> tuple[Answer, bool]:
        webhook = service.create(ctx.caller, body.url, body.event_types, body.description, ctx.now, seal)
        return answer_of(webhook), seal is not None

    return _keyed(ctx, "/seller/webhooks", act, answer_of)


def list_all(ctx: Ctx[None]) -> Response:
    limit = limit_param(ctx.query)
    after = cursors.decode(ctx.query.get("cursor"), caller=_caller(ctx), query="webhooks")
    page = service.webhooks(ctx.caller, limit, after)
    return ok(ws.WebhookPage(items=[_out(w) for w in page.items],
                             next_cursor=cursors.encode(page.last_key, caller=_caller(ctx), query="webhooks")))


def get(ctx: Ctx[None], webhook_id: str) -> Response:
    return ok(_out(service.webhook_for(ctx.caller, webhook_id)))


def delete(ctx: Ctx[None], webhook_id: str) -> Response:
    service.delete(ctx.caller, webhook_id)
    return Response(body="", status_code=204)


def rotate_secret(ctx: Ctx[Any], webhook_id: str) -> Response:
    def answer_of(webhook: Webhook) -> Answer:
        return _answer(200, _with_secret(webhook))

    def act(seal: Sealer) -> tuple[Answer, bool]:
        return answer_of(service.rotate(ctx.caller, webhook_id, ctx.now, seal)), seal is not None

    return _keyed(ctx, f"/seller/webhooks/{webhook_id}/rotate-secret", act, answer_of)


def send_test(ctx: Ctx[Any], webhook_id: str) -> Response:
    def act(seal: Sealer) -> tuple[Answer, bool]:
        queued = service.test(ctx.caller, webhook_id, ctx.now)
        return _answer(202, ws.DeliveryAcceptedOut(delivery_id=queued.delivery_id, event_id=queued.event["id"],
                                                   event_type=queued.event["type"])), False

    return _keyed(ctx, f"/seller/webhooks/{webhook_id}/test", act)


def enable(ctx: Ctx[Any], webhook_id: str) -> Response:
    def answer_of(webhook: Webhook) -> Answer:
        return _answer(200, _out(webhook))

    def act(seal: Sealer) -> tuple[Answer, bool]:
        webhook, changed = service.enable(ctx.caller, webhook_id, ctx.now, seal)
        return answer_of(webhook), seal is not None and changed

    return _keyed(ctx, f"/seller/webhooks/{webhook_id}/enable", act, answer_of)


def deliveries(ctx: Ctx[None], webhook_id: str) -> Response:
    limit = limit_param(ctx.query)
    query = f"deliveries|{webhook_id}"
    after = cursors.decode(ctx.query.get("cursor"), caller=_caller(ctx), query=query)
    page = service.deliveries(ctx.caller, webhook_id, limit, after)
    return ok(ws.DeliveryPage(items=[_delivery(a) for a in page.items],
                              next_cursor=cursors.encode(page.last_key, caller=_caller(ctx), query=query)))


def retry(ctx: Ctx[Any], webhook_id: str, delivery_id: str) -> Response:
    def act(seal: Sealer) -> tuple[Answer, bool]:
        queued = service.retry(ctx.caller, webhook_id, delivery_id, ctx.now)
        return _answer(202, ws.DeliveryAcceptedOut(delivery_id=queued.delivery_id, event_id=queued.event["id"],
                                                   event_type=queued.event["type"])), False

    return _keyed(ctx, f"/seller/webhooks/{webhook_id}/deliveries/{delivery_id}/retry", act)
