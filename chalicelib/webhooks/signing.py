"""Standard Webhooks signing, by the `standardwebhooks` library itself (W5, W7)."""

import base64
import secrets
from datetime import UTC, datetime

from standardwebhooks import Webhook

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32


def new_secret() -> str:
    """A `whsec_` secret: 32 random bytes, base64, as Standard Webhooks receivers expect."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def headers(event_id: str, body: str, timestamp: datetime, signing_secrets: list[str]) -> dict[str, str]:
    """The headers of one attempt: `webhook-signature` holds one `v1,<base64>` per secret, space-separated."""
    at = timestamp.astimezone(UTC)
    signature = " ".join(Webhook(secret).sign(event_id, at, body) for secret in signing_secrets)
    return {
        "webhook-id": event_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signature,
        "content-type": "application/json",
    }
