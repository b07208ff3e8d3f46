"""The webhooks' tables: each seller's webhooks (and their count), and every delivery attempt, by webhook.

Both are read by key only: a seller's webhooks are one partition (at most 10, plus the count item), a
webhook's delivery log another, newest first.
"""

from pynamodb.attributes import ListAttribute, NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.models import Model

from .base_models import _Meta, _TableName

WEBHOOK_PREFIX = "wh_"
COUNT_KEY = "#count"  # the item holding how many webhooks the seller has (W2)
ATTEMPT_PREFIX = "A#"
DELIVERY_PREFIX = "D#"


class WebhookItem(Model):
    """`webhook_id` is the webhook's id, or COUNT_KEY for the seller's count (`webhooks`)."""

    class Meta(_Meta):
        table_name = _TableName("WEBHOOKS_TABLE")

    seller_id = UnicodeAttribute(hash_key=True)
    webhook_id = UnicodeAttribute(range_key=True)
    webhooks = NumberAttribute(null=True)
    url = UnicodeAttribute(null=True)
    event_types = ListAttribute(of=UnicodeAttribute, null=True)
    description = UnicodeAttribute(null=True)
    status = UnicodeAttribute(null=True)
    disabled_reason = UnicodeAttribute(null=True)
    secret = UnicodeAttribute(null=True)
    previous_secret = UnicodeAttribute(null=True)
    previous_secret_until = UnicodeAttribute(null=True)
    failing_since = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute(null=True)
    updated_at = UnicodeAttribute(null=True)
    version = NumberAttribute(null=True)


class DeliveryItem(Model):
    """`entry` is `A#<due>#<delivery_id>#<attempt>` for an attempt (newest first by due time), or
    `D#<delivery_id>` for the delivery itself: the event it carries and its latest state."""

    class Meta(_Meta):
        table_name = _TableName("WEBHOOK_DELIVERIES_TABLE")

    webhook_id = UnicodeAttribute(hash_key=True)
    entry = UnicodeAttribute(range_key=True)
    delivery_id = UnicodeAttribute()
    event_id = UnicodeAttribute()
    event_type = UnicodeAttribute()
    attempt = NumberAttribute()
    outcome = UnicodeAttribute(null=True)  # the attempt's: SUCCEEDED or FAILED (absent on older entries)
    status = UnicodeAttribute()  # the delivery's, as the attempt left it
    response_status = NumberAttribute(null=True)
    error = UnicodeAttribute(null=True)
    attempted_at = UnicodeAttribute(null=True)
    next_attempt_at = UnicodeAttribute(null=True)
    event = UnicodeAttribute(null=True)  # the envelope, on the delivery item only
    expires_at = TTLAttribute()


WEBHOOK_MODELS: tuple[type[Model], ...] = (WebhookItem, DeliveryItem)
