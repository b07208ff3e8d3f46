"""Key-based reads: every one is a GetItem, one Query page, or one BatchGetItem."""

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any, Generic, TypeVar

import msgspec
from pynamodb.expressions.condition import Condition
from pynamodb.indexes import GlobalSecondaryIndex
from pynamodb.models import Model

from ..domain.clock import iso
from ..domain.enums import CancellationStatus, Tab
from ..domain.model import Cancellation, HistoryEntry, Order
from .mapping import (
    Raw,
    cancellation_from_item,
    cancellation_from_raw,
    history_from_item,
    order_from_item,
    order_from_raw,
)
from .models import (
    ACTION_NEEDED_KEY,
    COHORT_PREFIX,
    DUE_SHARDS,
    CancellationItem,
    HistoryItem,
    OrderItem,
    SellerCounterItem,
)

Key = dict[str, str]
T = TypeVar("T")


def get_order(order_id: str) -> Order | None:
    raw = OrderItem._get_connection().get_item(order_id, consistent_read=True).get("Item")
    return order_from_raw(raw) if raw else None


def get_cancellation(cancel_id: str) -> Cancellation | None:
    raw = CancellationItem._get_connection().get_item(cancel_id, consistent_read=True).get("Item")
    return cancellation_from_raw(raw) if raw else None


def get_orders(order_ids: list[str], *, consistent: bool = False) -> dict[str, Order]:
    """Up to 100 orders in one BatchGetItem (PynamoDB re-asks for unprocessed keys)."""
    return {item.order_id: order_from_item(item)
            for item in OrderItem.batch_get(order_ids, consistent_read=consistent)}


def get_cancellations(cancel_ids: list[str]) -> dict[str, Cancellation]:
    """Up to 100 cancellations in one consistent BatchGetItem: what a bulk answer decides from."""
    return {item.cancel_id: cancellation_from_item(item)
            for item in CancellationItem.batch_get(cancel_ids, consistent_read=True)}


def order_cancellations(order_id: str) -> list[Cancellation]:
    """An order's few cancellations, oldest first, in one Query."""
    items, _ = _query(CancellationItem, CancellationItem.by_order, order_id, limit=None, after=None,
                      newest_first=False)
    return [cancellation_from_raw(raw) for raw in items]


def order_history(order_id: str) -> list[HistoryEntry]:
    return [history_from_item(item) for item in HistoryItem.query(order_id, consistent_read=True)]


class ActionNeeded(msgspec.Struct, frozen=True):
    requested: int
    auto_approved: int
    due_soon: int = 0
    awaiting_buyer: int = 0


def action_needed(seller_id: str) -> ActionNeeded:
    """The sum over the seller's shards, in one Query of the counters' index."""
    requested = auto_approved = awaiting_buyer = 0
    for item in SellerCounterItem.by_seller.query(seller_id, SellerCounterItem.counter_key == ACTION_NEEDED_KEY):
        requested += int(item.requested or 0)
        auto_approved += int(item.auto_approved or 0)
        awaiting_buyer += int(item.awaiting_buyer or 0)
    return ActionNeeded(requested, auto_approved, awaiting_buyer=awaiting_buyer)


def appeals_open(seller_id: str) -> int:
    """The seller's open appeals (docs/appeals.md), summed over the action-needed shards in one Query."""
    return sum(int(item.appeals_open or 0) for item in
               SellerCounterItem.by_seller.query(seller_id, SellerCounterItem.counter_key == ACTION_NEEDED_KEY))


def due_soon(seller_id: str, due_before: datetime) -> int:
    """Pending requests of a seller due before `due_before` (those past it that the job has yet to resolve too),
    counted by one Query of `by_seller_status`, where REQUESTED items sort by `<respond_by>#<cancel_id>` (another
    Query only past 1 MB of them, some thousands)."""
    count, start = 0, None
    while True:
        data = CancellationItem._get_connection().query(
            f"{seller_id}#{CancellationStatus.REQUESTED.value}",
            range_key_condition=CancellationItem.status_key <= f"{iso(due_before)}#~",
            # An open offer sorts among them by its answer_by, but its clock is stopped: not due.
            filter_condition=CancellationItem.respond_by.exists(),
            index_name=CancellationItem.by_seller_status.Meta.index_name, select="COUNT",
            exclusive_start_key=start,
        )
        count += int(data.get("Count", 0))
        start = data.get("LastEvaluatedKey")
        if not start:
            return count


def cohort_totals(seller_id: str, first_day: date, last_day: date) -> tuple[int, int]:
    """(orders placed, seller-fault cancellations) over the cohort days and every shard, in one Query."""
    orders = faults = 0
    for item in SellerCounterItem.by_seller.query(
        seller_id,
        SellerCounterItem.counter_key.between(COHORT_PREFIX + first_day.isoformat(),
                                              COHORT_PREFIX + last_day.isoformat()),
    ):
        orders += int(item.orders or 0)
        faults += int(item.seller_fault or 0)
    return orders, faults


# --- pages --------------------------------------------------------------------------------------------


class Page(msgspec.Struct, Generic[T], frozen=True):
    items: list[T]
    last_key: Key | None


def _query(model: type[Model], index: GlobalSecondaryIndex[Any], hash_value: str, *, limit: int | None,
           after: Key | None, newest_first: bool) -> tuple[list[Raw], Key | None]:
    """One Query call on an index, items as DynamoDB returns them."""
    data = model._get_connection().query(
        hash_value,
        index_name=index.Meta.index_name,
        scan_index_forward=not newest_first,
        limit=limit,
        exclusive_start_key={k: {"S": v} for k, v in after.items()} if after else None,
    )
    last = data.get("LastEvaluatedKey")
    return data.get("Items", []), ({k: v["S"] for k, v in last.items()} if last else None)


def _page(model: type[Model], index: GlobalSecondaryIndex[Any], hash_value: str, key_attrs: tuple[str, ...],
          limit: int, after: Key | None, newest_first: bool) -> tuple[list[Raw], Key | None]:
    # Ask for one more than the page so `last_key` is set only when another page really exists.
    items, _ = _query(model, index, hash_value, limit=limit + 1, after=after, newest_first=newest_first)
    if len(items) <= limit:
        return items, None
    items = items[:limit]
    return items, {attr: items[-1][attr]["S"] for attr in key_attrs}


def seller_orders(seller_id: str, tab: Tab, attention_only: bool, limit: int, after: Key | None) -> Page[Order]:
    """One page of a tab, newest first; `attention_only` (the Cancellation filter) reads the sparse index."""
    index: GlobalSecondaryIndex[OrderItem]
    if attention_only:
        index, hash_value, attr = OrderItem.needing_attention, seller_id, "attention_seller"
    elif tab is Tab.ALL:
        index, hash_value, attr = OrderItem.by_seller, seller_id, "seller_id"
    else:
        index, hash_value, attr = OrderItem.by_seller_tab, f"{seller_id}#{tab.value}", "seller_tab"
    items, last = _page(OrderItem, index, hash_value, ("order_id", attr, "placed_key"), limit, after,
                        newest_first=True)
    return Page([order_from_raw(raw) for raw in items], last)


def seller_cancellations(seller_id: str, status: CancellationStatus | None, limit: int,
                         after: Key | None) -> Page[Cancellation]:
    if status is None:
        items, last = _page(CancellationItem, CancellationItem.by_seller, seller_id,
                            ("cancel_id", "seller_id", "listed_key"), limit, after, newest_first=True)
    else:
        # Pending requests: most urgent (earliest deadline) first; every other status newest first.
        items, last = _page(CancellationItem, CancellationItem.by_seller_status, f"{seller_id}#{status.value}",
                            ("cancel_id", "seller_status", "status_key"), limit, after,
                            newest_first=status is not CancellationStatus.REQUESTED)
    return Page([cancellation_from_raw(raw) for raw in items], last)


def due_requests(now: datetime, shard: int, page_size: int = 100, *,
                 after: datetime | None = None) -> Iterator[Cancellation]:
    """Pending requests of one shard whose deadline has passed by `now` (and not by `after`, if given), earliest
    first, lazily paged."""
    condition: Condition = CancellationItem.due_key <= f"{iso(now)}#~"
    if after is not None:
        condition = CancellationItem.due_key.between(f"{iso(after)}#~", f"{iso(now)}#~")
    results = CancellationItem.pending_by_due_time.query(str(shard), condition, page_size=page_size)
    for item in results:
        yield cancellation_from_item(item)


SHARDS = range(DUE_SHARDS)
