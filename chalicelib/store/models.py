"""The tables, keyed for the access patterns each screen and job needs (no Scan anywhere).

Table names come from the environment when a connection is made, not at import, so one deployed
package serves any stage and tests can point at their own tables.
"""

import zlib

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from .base_models import EvidenceMap, _Meta, _TableName

# Pending requests are spread over this many partitions of the due-time index, so no single key
# carries every pending request; the expiry job queries each shard.
DUE_SHARDS = 4


# --- orders -------------------------------------------------------------------------------------------


class LineItemMap(MapAttribute[str, object]):
    sku = UnicodeAttribute()
    quantity = NumberAttribute()
    unit_price = NumberAttribute()
    cancelled_quantity = NumberAttribute(default=0)


class CancelledLineMap(MapAttribute[str, object]):
    sku = UnicodeAttribute()
    quantity = NumberAttribute()
    amount = NumberAttribute()


class ActorMap(MapAttribute[str, object]):
    """Who pressed the button that made a cancellation (docs/support-desk.md)."""

    role = UnicodeAttribute()
    id = UnicodeAttribute()
    ticket = UnicodeAttribute(null=True)
class AppealRefMap(MapAttribute[str, object]):
    appeal_id = UnicodeAttribute()
    status = UnicodeAttribute()


class OfferMap(MapAttribute[str, object]):
    kind = UnicodeAttribute()
    message = UnicodeAttribute()
    status = UnicodeAttribute()
    made_at = UnicodeAttribute()
    answer_by = UnicodeAttribute()
    amount = NumberAttribute(null=True)
    ship_by = UnicodeAttribute(null=True)
    answered_at = UnicodeAttribute(null=True)


class OrdersBySeller(GlobalSecondaryIndex["OrderItem"]):
    """The All tab: a seller's orders, newest first."""

    class Meta:
        index_name = "by_seller"
        projection = AllProjection()

    seller_id = UnicodeAttribute(hash_key=True)
    placed_key = UnicodeAttribute(range_key=True)


class OrdersBySellerTab(GlobalSecondaryIndex["OrderItem"]):
    """One tab (unpaid, to_ship, ...): `seller_tab` is `<seller_id>#<tab>`."""

    class Meta:
        index_name = "by_seller_tab"
        projection = AllProjection()

    seller_tab = UnicodeAttribute(hash_key=True)
    placed_key = UnicodeAttribute(range_key=True)


class OrdersNeedingAttention(GlobalSecondaryIndex["OrderItem"]):
    """Sparse: the Cancellation filter. `attention_seller` exists only while an order needs the seller."""

    class Meta:
        index_name = "by_seller_attention"
        projection = AllProjection()

    attention_seller = UnicodeAttribute(hash_key=True)
    placed_key = UnicodeAttribute(range_key=True)


class OrderItem(Model):
    class Meta(_Meta):
        table_name = _TableName("ORDERS_TABLE")

    order_id = UnicodeAttribute(hash_key=True)
    seller_id = UnicodeAttribute()
    buyer_id = UnicodeAttribute()
    items = ListAttribute(of=LineItemMap)
    currency = UnicodeAttribute()
    total = NumberAttribute()
    status = UnicodeAttribute()
    placed_at = UnicodeAttribute()
    paid_at = UnicodeAttribute(null=True)
    arranged_at = UnicodeAttribute(null=True)
    shipped_at = UnicodeAttribute(null=True)
    delivered_at = UnicodeAttribute(null=True)
    completed_at = UnicodeAttribute(null=True)
    cancelled_at = UnicodeAttribute(null=True)
    tracking_number = UnicodeAttribute(null=True)
    pending_cancel_id = UnicodeAttribute(null=True)
    pending_respond_by = UnicodeAttribute(null=True)
    cancel_id = UnicodeAttribute(null=True)
    awaiting_acknowledgement = BooleanAttribute(default=False)
    unacknowledged = NumberAttribute(null=True)  # items written before partial cancellations: the flag above
    seller_fault = BooleanAttribute(default=False)
    seller_fault_cancellations = NumberAttribute(null=True)  # items written before appeals: the flag above
    remaining_total = NumberAttribute(null=True)
    buyer_may_request = BooleanAttribute(default=True)
    promised_ship_by = UnicodeAttribute(null=True)
    fingerprint = UnicodeAttribute()
    version = NumberAttribute()
    # index keys, derived from the fields above by the mapping
    placed_key = UnicodeAttribute()
    seller_tab = UnicodeAttribute()
    attention_seller = UnicodeAttribute(null=True)

    by_seller = OrdersBySeller()
    by_seller_tab = OrdersBySellerTab()
    needing_attention = OrdersNeedingAttention()


# --- cancellations ------------------------------------------------------------------------------------


class CancellationsBySeller(GlobalSecondaryIndex["CancellationItem"]):
    """Every cancellation of a seller, newest first."""

    class Meta:
        index_name = "by_seller"
        projection = AllProjection()

    seller_id = UnicodeAttribute(hash_key=True)
    listed_key = UnicodeAttribute(range_key=True)


class CancellationsBySellerStatus(GlobalSecondaryIndex["CancellationItem"]):
    """One status of a seller: REQUESTED sorted by deadline, the others by when they got there."""

    class Meta:
        index_name = "by_seller_status"
        projection = AllProjection()

    seller_status = UnicodeAttribute(hash_key=True)
    status_key = UnicodeAttribute(range_key=True)


class CancellationsByOrder(GlobalSecondaryIndex["CancellationItem"]):
    class Meta:
        index_name = "by_order"
        projection = AllProjection()

    order_id = UnicodeAttribute(hash_key=True)
    requested_key = UnicodeAttribute(range_key=True)


class PendingByDueTime(GlobalSecondaryIndex["CancellationItem"]):
    """Sparse: only REQUESTED cancellations carry `due_shard`/`due_key`, so the expiry job reads only them."""

    class Meta:
        index_name = "pending_by_due_time"
        projection = AllProjection()

    due_shard = UnicodeAttribute(hash_key=True)
    due_key = UnicodeAttribute(range_key=True)


class CancellationItem(Model):
    class Meta(_Meta):
        table_name = _TableName("CANCELLATIONS_TABLE")

    cancel_id = UnicodeAttribute(hash_key=True)
    order_id = UnicodeAttribute()
    seller_id = UnicodeAttribute()
    buyer_id = UnicodeAttribute()
    initiator = UnicodeAttribute()
    status = UnicodeAttribute()
    reason = UnicodeAttribute()
    comment = UnicodeAttribute(null=True)
    requested_at = UnicodeAttribute()
    respond_by = UnicodeAttribute(null=True)
    resolved_at = UnicodeAttribute(null=True)
    resolved_by = UnicodeAttribute(null=True)
    auto_approve_cause = UnicodeAttribute(null=True)
    auto_approve_rule_id = UnicodeAttribute(null=True)
    reject_reason = UnicodeAttribute(null=True)
    reject_comment = UnicodeAttribute(null=True)
    fault = UnicodeAttribute()
    counts_toward_sfcr = BooleanAttribute()
    acknowledged_at = UnicodeAttribute(null=True)
    # Items written before line items and refunds have none of these: a whole order, refund NONE.
    line_items = ListAttribute(of=CancelledLineMap, null=True)
    whole_order = BooleanAttribute(null=True)
    currency = UnicodeAttribute(null=True)
    refund_status = UnicodeAttribute(null=True)
    refunded_at = UnicodeAttribute(null=True)
    refund_reference = UnicodeAttribute(null=True)
    evidence = ListAttribute(of=EvidenceMap, null=True)
    offer = OfferMap(null=True)
    response_seconds_left = NumberAttribute(null=True)
    withdraw_cause = UnicodeAttribute(null=True)
    actor = ActorMap(null=True)  # absent on items stored before actors were: read as the initiator's
    appeal = AppealRefMap(null=True)
    version = NumberAttribute()
    # index keys
    listed_key = UnicodeAttribute()
    seller_status = UnicodeAttribute()
    status_key = UnicodeAttribute()
    requested_key = UnicodeAttribute()
    due_shard = UnicodeAttribute(null=True)
    due_key = UnicodeAttribute(null=True)

    by_seller = CancellationsBySeller()
    by_seller_status = CancellationsBySellerStatus()
    by_order = CancellationsByOrder()
    pending_by_due_time = PendingByDueTime()


# --- seller counters ----------------------------------------------------------------------------------

ACTION_NEEDED_KEY = "ACTION"
COHORT_PREFIX = "DAY#"


def shard_key(seller_id: str, shard: int) -> str:
    return f"{seller_id}#{shard}"


class CountersBySeller(GlobalSecondaryIndex["SellerCounterItem"]):
    """Every shard of a seller's counters in one Query: what the reads sum."""

    class Meta:
        index_name = "by_seller"
        projection = AllProjection()

    seller_id = UnicodeAttribute(hash_key=True)
    counter_key = UnicodeAttribute(range_key=True)


class SellerCounterItem(Model):
    """A seller's counts, spread over shards (`<seller>#<n>`) so that no single item, and no single partition,
    takes every write of a busy seller: DynamoDB cancels one of two transactions in flight on one item
    (TransactionConflict), and a partition takes at most 1,000 write units a second. Each change adds to one
    shard; a count is the sum over the shards, read in one Query of `by_seller`.

    `ACTION`: the action-needed counts. `DAY#<yyyy-mm-dd>`: that market day's SFCR cohort.
    """

    class Meta(_Meta):
        table_name = _TableName("COUNTERS_TABLE")

    shard_key = UnicodeAttribute(hash_key=True)
    counter_key = UnicodeAttribute(range_key=True)
    seller_id = UnicodeAttribute()
    by_seller = CountersBySeller()
    requested = NumberAttribute(null=True)
    auto_approved = NumberAttribute(null=True)
    awaiting_buyer = NumberAttribute(null=True)
    appeals_open = NumberAttribute(null=True)
    orders = NumberAttribute(null=True)
    seller_fault = NumberAttribute(null=True)


def counter_item(seller_id: str, counter_key: str, shard: int = 0, *, requested: int | None = None,
                 auto_approved: int | None = None, orders: int | None = None,
                 seller_fault: int | None = None) -> SellerCounterItem:
    """One shard's item of a seller counter, e.g. for seeding a shop."""
    return SellerCounterItem(shard_key(seller_id, shard), counter_key, seller_id=seller_id, requested=requested,
                             auto_approved=auto_approved, orders=orders, seller_fault=seller_fault)


# --- order history ------------------------------------------------------------------------------------


class HistoryItem(Model):
    """Append-only; `seq` is the order's version after the change, so entries are gapless and ordered."""

    class Meta(_Meta):
        table_name = _TableName("HISTORY_TABLE")

    order_id = UnicodeAttribute(hash_key=True)
    seq = NumberAttribute(range_key=True)
    at = UnicodeAttribute()
    actor = UnicodeAttribute()
    actor_id = UnicodeAttribute()
    action = UnicodeAttribute()
    from_status = UnicodeAttribute(null=True)
    to_status = UnicodeAttribute()
    cancel_id = UnicodeAttribute(null=True)
    note = UnicodeAttribute(null=True)
    # An operator's entry only (docs/support-desk.md).
    ticket = UnicodeAttribute(null=True)
    on_behalf_of = UnicodeAttribute(null=True)
    operator_note = UnicodeAttribute(null=True)


# --- seller settings ----------------------------------------------------------------------------------


class SellerSettingsItem(Model):
    """One item per seller: its auto-approve rules (a JSON list, read whole by a buyer's request that would
    wait for the seller) and `version`, which counts the replacements of the set."""

    class Meta(_Meta):
        table_name = _TableName("SELLER_SETTINGS_TABLE")

    seller_id = UnicodeAttribute(hash_key=True)
    auto_approve_rules = UnicodeAttribute()
    version = NumberAttribute()


# --- idempotency --------------------------------------------------------------------------------------


class IdempotencyItem(Model):
    """The first answer to an `Idempotency-Key`, kept until `expires_at` (a DynamoDB TTL)."""

    class Meta(_Meta):
        table_name = _TableName("IDEMPOTENCY_TABLE")

    key = UnicodeAttribute(hash_key=True)
    body_hash = UnicodeAttribute()
    status_code = NumberAttribute()
    response = UnicodeAttribute()
    created_at = UnicodeAttribute()
    expires_at = TTLAttribute()


# --- events -------------------------------------------------------------------------------------------

# A seller's events are spread over this many partition keys, so one seller's flash sale does not meet the
# 1,000 write units a second of one partition (every change writes its event, 1-2 KB, twice over in its
# transaction). The feed reads every shard, so the count is fixed here rather than a setting: a shard dropped
# later would hide its events.
EVENT_SHARDS = 4


def event_feed_key(seller_id: str, event_id: str) -> str:
    """The shard an event is stored under, from its id alone (a retry lands on the same item). Shard 0 is the
    bare seller id, where every event was stored before the shards, so the feed still serves those."""
    shard = zlib.crc32(event_id.encode()) % EVENT_SHARDS
    return seller_id if shard == 0 else f"{seller_id}#{shard}"


def event_feed_keys(seller_id: str) -> list[str]:
    return [seller_id, *(f"{seller_id}#{shard}" for shard in range(1, EVENT_SHARDS))]


class EventItem(Model):
    """The outbox and the feed (docs/events.md): one item per event, written in the transaction of the change it
    is of, read by the table's stream (which publishes it) and by the seller's feed (`feed` = the seller's shard
    `event_feed_key`, `position` = `<occurred_at>#<order_id>#<sequence>`), kept `EVENT_RETENTION_DAYS` (a
    DynamoDB TTL).

    The reminders' marks share the table under `feed` = `reminder#<cancel_id>`, `position` = the lead, and their
    checkpoint under `feed` = `checkpoint`: they carry no `body`, so the stream passes over them.
    """

    class Meta(_Meta):
        table_name = _TableName("EVENTS_TABLE")
        stream_view_type = "NEW_IMAGE"

    feed = UnicodeAttribute(hash_key=True)
    position = UnicodeAttribute(range_key=True)
    event_id = UnicodeAttribute(null=True)
    type = UnicodeAttribute(null=True)
    body = UnicodeAttribute(null=True)
    through = UnicodeAttribute(null=True)  # the reminders' checkpoint: every lead handled up to this instant
    expires_at = TTLAttribute(null=True)


MODELS: tuple[type[Model], ...] = (OrderItem, CancellationItem, SellerCounterItem, HistoryItem, IdempotencyItem,
                                   SellerSettingsItem, EventItem)


def create_tables() -> None:
    """Creates any missing table (tests and the local runner; the cloud stack declares its own)."""
    for model in MODELS:
        if not model.exists():
            model.create_table(wait=True)


def reset_connections() -> None:
    """Drops cached connections, e.g. after the endpoint or credentials changed."""
    for model in MODELS:
        model._connection = None


# Every table the stack declares is in MODELS, the webhooks', evidence files' and appeals' too.
from .appeal_models import APPEAL_MODELS  # noqa: E402
from .evidence_models import EVIDENCE_MODELS  # noqa: E402
from .webhook_models import WEBHOOK_MODELS  # noqa: E402

MODELS = (*MODELS, *WEBHOOK_MODELS, *EVIDENCE_MODELS, *APPEAL_MODELS)
