"""The events table read as a seller's feed: the stored envelopes (wire JSON, served as is) between two positions,
merged oldest first from every shard the seller's events are spread over (`models.event_feed_keys`)."""

import msgspec
from pynamodb.expressions.condition import Condition

from .models import EventItem, event_feed_keys


class FeedPage(msgspec.Struct, frozen=True):
    bodies: list[str]  # the envelopes as stored, oldest first
    after: str  # the position to poll from next
    newest: str | None  # occurred_at of the newest event served, for the lag metric


def read(seller_id: str, *, low: str, top: str, limit: int, types: frozenset[str] | None) -> FeedPage:
    """One strongly consistent Query per shard, each for `limit` items above `low` and below `top` (fewer served
    with `types`: the filter applies to what was read, so the cursor still moves over it).

    A shard that has more stops at its last item read; below the lowest such stop every shard has been read
    whole, so the page serves only that far, and the next page resumes there: nothing is skipped, whichever shard
    the next event is in."""
    condition: Condition = EventItem.position.between(low + "\x00", top) if low else EventItem.position < top
    kept = EventItem.type.is_in(*sorted(types)) if types else None
    connection = EventItem._get_connection()
    found: list[tuple[str, str]] = []  # (position, body)
    read_to = top
    for key in event_feed_keys(seller_id):
        data = connection.query(key, range_key_condition=condition, consistent_read=True, limit=limit,
                                scan_index_forward=True, filter_condition=kept)
        found += [(item["position"]["S"], item["body"]["S"]) for item in data.get("Items", [])]
        last = data.get("LastEvaluatedKey")
        if last:
            read_to = min(read_to, last["position"]["S"])
    served = sorted(entry for entry in found if entry[0] <= read_to)
    if len(served) > limit:
        served = served[:limit]
        read_to = served[-1][0]
    newest = served[-1][0].split("#", 1)[0] if served else None
    return FeedPage([body for _, body in served], read_to, newest)
