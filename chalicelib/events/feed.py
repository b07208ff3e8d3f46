"""A seller's event feed: one page, oldest first, only events that have settled.

No event is ever missed by a client that polls with `next_cursor` (docs/events.md, EV5): a page holds only
events whose position is below the horizon, `now - EVENT_FEED_SETTLE_SECONDS`, and the settle time is longer
than any write takes, so every event below the horizon has committed before the page is read; the reads are
strongly consistent, so they see them all. An event committed later, with an earlier `occurred_at`, still sorts
above the horizon of every page already served. The cursor is the position of the last event served, or the
horizon itself once the page reached it: everything below it has been seen. Reading the events table, shard by
shard, is the store's (`store/event_feed.py`).
"""

from datetime import datetime, timedelta

from .. import config
from ..store.event_feed import FeedPage, read


def horizon(now: datetime) -> str:
    from ..domain.clock import iso

    return iso(now - timedelta(seconds=config.settings().event_feed_settle_seconds))


def page(seller_id: str, *, after: str | None, limit: int, types: frozenset[str] | None, now: datetime) -> FeedPage:
    """The seller's events after `after` and below the horizon, `limit` at most; no call at all when the horizon
    has not passed `after`."""
    top = horizon(now)
    low = after or ""
    if low >= top:
        return FeedPage([], low, None)
    return read(seller_id, low=low, top=top, limit=limit, types=types)
