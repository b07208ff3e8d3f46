"""Request and response shapes of the seller webhook routes, and the payloads the webhooks deliver."""

from typing import Annotated, Any

import msgspec

from ..answers.shapes import EventOut, Instant, Out
from ..domain.event_types import TYPES
from ..domain.webhooks import (
    ALL_TYPES,
    MAX_DESCRIPTION,
    TEST_TYPE,
    AttemptOutcome,
    DeliveryStatus,
    DisabledReason,
    WebhookStatus,
)
from .schemas import _In

EventTypeIn = Annotated[str, msgspec.Meta(max_length=64, extra_json_schema={"enum": [ALL_TYPES, *TYPES]})]


class WebhookIn(_In):
    url: Annotated[str, msgspec.Meta(description="Absolute https URL, at most 2048 characters, no user info or "
                                                 "fragment, not resolving to a private or reserved address")]
    event_types: Annotated[list[EventTypeIn], msgspec.Meta(min_length=1, max_length=len(TYPES) + 1,
                                                           description='Types to receive, or ["*"] for all')]
    description: Annotated[str, msgspec.Meta(max_length=MAX_DESCRIPTION)] | None = None


class WebhookOut(Out):
    webhook_id: str
    url: str
    event_types: list[str]
    description: str | None
    status: WebhookStatus
    disabled_reason: DisabledReason | None
    created_at: Instant
    updated_at: Instant
    previous_secret_expires_at: Annotated[Instant | None, msgspec.Meta(
        description="Until then, deliveries are signed with the secret before the last rotation too")]


class WebhookWithSecretOut(WebhookOut):
    secret: Annotated[str, msgspec.Meta(description="whsec_…: shown only when created and when rotated")]


class WebhookPage(Out):
    items: list[WebhookOut]
    next_cursor: str | None


class DeliveryOut(Out):
    delivery_id: str
    event_id: str
    event_type: str
    attempt: int
    outcome: Annotated[AttemptOutcome, msgspec.Meta(description="This attempt's: SUCCEEDED or FAILED")]
    status: Annotated[DeliveryStatus, msgspec.Meta(
        description="The delivery's, as this attempt left it: PENDING (another attempt is due at "
                    "next_attempt_at), SUCCEEDED or FAILED (none left)")]
    response_status: int | None
    error: str | None
    attempted_at: Instant
    next_attempt_at: Instant | None


class DeliveryPage(Out):
    items: list[DeliveryOut]
    next_cursor: str | None


class DeliveryAcceptedOut(Out):
    delivery_id: str
    event_id: str
    event_type: str


# --- what a webhook receives (OpenAPI `webhooks`) -----------------------------------------------------


class WebhookEvent(EventOut):
    """The envelope (chalicelib/events/envelope.py), the same bytes as on the bus and in the feed; the body of
    every delivery."""


class WebhookTestData(Out):
    webhook_id: str
    message: str


class WebhookTestEvent(Out):
    id: str
    type: Annotated[str, msgspec.Meta(extra_json_schema={"const": TEST_TYPE})]
    occurred_at: Instant
    seller_id: str
    data: WebhookTestData


WEBHOOK_PAYLOADS: tuple[type, ...] = (WebhookEvent, WebhookTestEvent)

_HEADERS: list[dict[str, Any]] = [
    {"name": "webhook-id", "in": "header", "required": True, "schema": {"type": "string"},
     "description": "The event's id (the same on every retry): deduplicate on it"},
    {"name": "webhook-timestamp", "in": "header", "required": True, "schema": {"type": "string"},
     "description": "Unix seconds of this attempt; refuse one far from your clock"},
    {"name": "webhook-signature", "in": "header", "required": True, "schema": {"type": "string"},
     "description": "Space-separated `v1,<base64>` HMAC-SHA256 of `{id}.{timestamp}.{body}` by each secret in "
                    "force (two for 24 hours after a rotation); verify with a Standard Webhooks library"},
]


def webhooks_section(ref: str) -> dict[str, Any]:
    """OpenAPI 3.1's `webhooks`: what the desk POSTs to a seller's URL."""
    def operation(schema: str, summary: str) -> dict[str, Any]:
        return {"post": {
            "summary": summary, "parameters": _HEADERS,
            "requestBody": {"required": True,
                            "content": {"application/json": {"schema": {"$ref": ref.format(name=schema)}}}},
            "responses": {"2XX": {"description": "Received (any 2xx); 410 disables the webhook; anything else, "
                                                 "or no answer within 10 s, is retried on the schedule"}},
        }}

    return {
        "event": operation("WebhookEvent", "A change of one of the seller's orders or cancellations"),
        "webhook.test": operation("WebhookTestEvent", "The test route's ping"),
    }
