"""The seller's webhooks: register, list, read, delete, rotate the secret, test, enable, the delivery log and
a retry by hand (docs/webhooks.md). Another seller's webhook or delivery is a 404.

Only the declarations load at cold start (Chalice registers routes at import): each view's work is in
webhook_views and its schemas in webhook_schemas, named here by "module:Name", both loaded by the first webhook
request. A request that uses no webhook never loads them, nor the webhooks' service and store."""

from typing import TYPE_CHECKING, Any

from chalice.app import Blueprint, Response

from ..domain.identity import Role
from .routing import PAGE_PARAMS, Ctx, endpoint

if TYPE_CHECKING:
    from . import webhook_schemas as ws

webhooks = Blueprint(__name__)
TAG = "webhooks"


def _schema(name: str) -> str:
    """A webhook schema by name, resolved by routing on first use."""
    return f"{__package__}.webhook_schemas:{name}"


@endpoint(webhooks, "/seller/webhooks", "POST", role=Role.SELLER, body=_schema("WebhookIn"), status=201,
          response=_schema("WebhookWithSecretOut"), errors=(400, 409), tag=TAG,
          summary="Register a webhook: 201 with its signing secret (shown only here and on rotation)")
def create_webhook(ctx: Ctx["ws.WebhookIn"]) -> Response:
    """Registers an https URL for the seller's events (event_types, or ["*"] for all), at most {MAX_WEBHOOKS_PER_SELLER}
    per seller (409 WEBHOOK_LIMIT_REACHED). The URL must not be, or resolve to, a loopback, private, link-local,
    multicast or reserved address (400 INVALID_WEBHOOK_URL with details.reason). The answer carries the whsec_ secret
    that signs every delivery (Standard Webhooks); no other answer shows it."""
    from . import webhook_views as views  # the webhooks' work loads on first use

    return views.create(ctx)


@endpoint(webhooks, "/seller/webhooks", "GET", role=Role.SELLER, response=_schema("WebhookPage"), errors=(400,),
          tag=TAG, summary="The seller's webhooks, without their secrets", query=PAGE_PARAMS)
def list_webhooks(ctx: Ctx[None]) -> Response:
    """The seller's webhooks, a page at a time (pass next_cursor back as cursor). Secrets are never shown."""
    from . import webhook_views as views  # the webhooks' work loads on first use

    return views.list_all(ctx)


@endpoint(webhooks, "/seller/webhooks/{webhook_id}", "GET", role=Role.SELLER, response=_schema("WebhookOut"),
          errors=(404,), tag=TAG, summary="One webhook, without its secret")
def get_webhook(ctx: Ctx[None], webhook_id: str) -> Response:
    """One of the seller's webhooks. Another seller's is 404 WEBHOOK_NOT_FOUND."""
    from . import webhook_views as views  # the webhooks' work loads on first use

    return views.get(ctx, webhook_id)


@endpoint(webhooks, "/seller/webhooks/{webhook_id}", "DELETE", role=Role.SELLER, response=None, status=204,
          errors=(404,), tag=TAG, summary="Delete a webhook: nothing more is delivered to it")
def delete_webhook(ctx: Ctx[None], webhook_id: str) -> Response:
    """Deletes one of the seller's webhooks; deliveries waiting for it are dropped when they come due."""
    from . import webhook_views as views  # the webhooks' work loads on first use

    return views.delete(ctx, webhook_id)


@endpoint(webhooks, "/seller/webhooks/{webhook_id}/rotate-secret", "POST", role=Role.SELLER,
          response=_schema("WebhookWithSecretOut"), errors=(404,), tag=TAG,
          summary="A new signing secret; for {ROTATION_OVERLAP} deliveries carry both signatures")
def rotate_webhook_secret(ctx: Ctx[Any], webhook_id: str) -> Response:
    """Replaces the webhook's secret and answers with the new one. For {ROTATION_OVERLAP} every delivery is signed with
    both the new and the old secret (two v1 signatures), so the receiver can switch without losing any."""
    from . import webhook_views as views  # the webhooks' work loads on first use

    return views.rotate_secret(ctx, webhook_id)


@endpoint(webhooks, "/seller/webhooks/{webhook_id}/test", "POST", role=Role.SELLER,
          response=_schema("DeliveryAcceptedOut"), status=202, errors=(404,), tag=TAG,
          summary="Deliver one webhook.test event to this webhook")
def test_webhook(ctx: Ctx[Any], webhook_id: str) -> Response:
    """Queues one signed webhook.test event for this webhook only (a disabled one too, to check the endpoint
    before enabling it); its attempt shows in the delivery log."""
    from . import webhook_views as views  # the webhooks' work loads on first use

    return views.send_test(ctx, webhook_id)


@endpoint(webhooks, "/seller/webhooks/{webhook_id}/enable", "POST", role=Role.SELLER, response=_schema("WebhookOut"),
          errors=(404,), tag=TAG, summary="A DISABLED webhook ENABLED again; an enabled one: 200, no change")
def enable_webhook(ctx: Ctx[Any], webhook_id: str) -> Response:
    """Turns a webhook the desk disabled ({GONE_STATUS} Gone, or failing for {WEBHOOK_DISABLE_AFTER}) back on; later
    events are delivered to it again. Deliveries that failed meanwhile can be retried by hand."""
    from . import webhook_views as views  # the webhooks' work loads on first use

    return views.enable(ctx, webhook_id)


@endpoint(webhooks, "/seller/webhooks/{webhook_id}/deliveries", "GET", role=Role.SELLER,
          response=_schema("DeliveryPage"), errors=(400, 404), tag=TAG, query=PAGE_PARAMS,
          summary="The webhook's delivery attempts, newest first")
def list_deliveries(ctx: Ctx[None], webhook_id: str) -> Response:
    """Every attempt (kept {DELIVERY_LOG_KEPT}): the event, the attempt number, PENDING (another attempt is due at
    next_attempt_at), SUCCEEDED or FAILED (none left: retry by hand), the receiver's status and the error."""
    from . import webhook_views as views  # the webhooks' work loads on first use

    return views.deliveries(ctx, webhook_id)


@endpoint(webhooks, "/seller/webhooks/{webhook_id}/deliveries/{delivery_id}/retry", "POST", role=Role.SELLER,
          response=_schema("DeliveryAcceptedOut"), status=202, errors=(404,), tag=TAG,
          summary="Deliver that delivery's event again, now")
def retry_delivery(ctx: Ctx[Any], webhook_id: str, delivery_id: str) -> Response:
    """Queues one more attempt of the delivery's event now, as its next attempt number; it is not retried on
    the schedule if it fails (retry by hand again)."""
    from . import webhook_views as views  # the webhooks' work loads on first use

    return views.retry(ctx, webhook_id, delivery_id)
