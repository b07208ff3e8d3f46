"""The events table as the outbox: an event's item, written in the same transaction as its change (or as the
reminder's mark), so the table holds exactly the events of what committed.

The store takes the event already built (chalicelib/events/envelope.py builds it, the service hands it over):
it knows what an event's item holds, not how an event is made.
"""

from datetime import datetime, timedelta
from typing import Protocol

from .. import config
from .models import EventItem, event_feed_key


class Event(Protocol):
    """What the outbox stores of an event: `body` is the envelope's JSON, sent as is."""

    @property
    def event_id(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def seller_id(self) -> str: ...
    @property
    def position(self) -> str: ...
    @property
    def occurred_at(self) -> datetime: ...
    @property
    def body(self) -> bytes: ...


def item(event: Event) -> EventItem:
    keep = timedelta(days=config.settings().event_retention_days)
    return EventItem(event_feed_key(event.seller_id, event.event_id), event.position, event_id=event.event_id,
                     type=event.type, body=event.body.decode(), expires_at=event.occurred_at + keep)
