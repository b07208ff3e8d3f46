"""A seller's event feed: one Query page of the events table, oldest first, only events that have settled.

No event is ever missed by a client that polls with `next_cursor` (docs/events.md, EV5): a page holds only
events whose position is below the horizon, `now - EVENT_FEED_SETTLE_SECONDS`, and the settle time is longer
than any write takes, so every event below the horizon has committed before the Query runs; the Query is
strongly consistent, so it sees them all. An event committed later, with an earlier `occurred_at`, still sorts
above the horizon of every page already served. The cursor is the position of the last event served, or the
horizon itself once the page reached it: everything below it has been seen.
"""

from datetime import datetime, timedelta

import msgspec
from pynamodb.expressions.condition import Condition

from .. import config
from ..store.models import EventItem


class FeedPage(msgspec.Struct, frozen=True):
    bodies: list[str]  # the envelopes as stored, oldest first
    after: str  # the position to poll from next
    newest: str | None  # occurred_at of the newest event served, for the lag metric


def horizon(now: datetime) -> str:
    from ..domain.clock import iso

    return iso(now - timedelta(seconds=config.settings().event_feed_settle_seconds))


def page(seller_id: str, *, after: str | None, limit: int, types: frozenset[str] | None, now: datetime) -> FeedPage:
    """One Query: the seller's events after `after` and below the horizon, `limit` at most (fewer with `types`:
    the filter applies to the `limit` read, so the cursor still moves over what was read)."""
    top = horizon(now)
    low = after or ""
    if low >= top:
        return FeedPage([], low, None)
    condition: Condition = EventItem.position.between(low + "\x00", top) if low else EventItem.position < top
    data = EventItem._get_connection().query(
        seller_id, range_key_condition=condition, consistent_read=True, limit=limit, scan_index_forward=True,
        filter_condition=EventItem.type.is_in(*sorted(types)) if types else None,
    )
    items = data.get("Items", [])
    last = data.get("LastEvaluatedKey")
    # More below the horizon: resume after the last item read (matched or not); else everything up to the
    # horizon has been read.
    resume = last["position"]["S"] if last else top
    newest = items[-1]["position"]["S"].split("#", 1)[0] if items else None
    return FeedPage([item["body"]["S"] for item in items], resume, newest)
