"""The events table as the outbox: the item of an event, written in the same transaction as its change (or as the
reminder's mark), so the table holds exactly the events of what committed."""

from datetime import timedelta

from .. import config
from ..store.models import EventItem, event_feed_key
from .envelope import Outgoing


def item(event: Outgoing) -> EventItem:
    keep = timedelta(days=config.settings().event_retention_days)
    return EventItem(event_feed_key(event.seller_id, event.event_id), event.position, event_id=event.event_id,
                     type=event.type, body=event.body.decode(), expires_at=event.occurred_at + keep)
