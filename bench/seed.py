"""Pending cancellation requests in bulk, written straight into the tables.

Each request is made by the real rules (`lifecycle.record_order` then `lifecycle.request_cancellation`) and
stored through the real mapping, so its items are exactly what the API would have written; only the
transport differs: `batch` writes through PynamoDB's BatchWriteItem (any DynamoDB, moto included), `moto`
puts the items into moto's in-memory backend directly (for 100,000 requests in seconds).
"""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import count, islice
from typing import Any, Literal

from pynamodb.models import Model

from chalicelib import config
from chalicelib.domain import lifecycle
from chalicelib.domain.enums import OrderStatus
from chalicelib.domain.model import Change, LineItem, Order
from chalicelib.domain.reasons import BuyerReason
from chalicelib.store.mapping import cancellation_to_item, due_shard, history_to_item, order_to_item
from chalicelib.store.models import ACTION_NEEDED_KEY, COHORT_PREFIX, OrderItem, counter_item


@dataclass(frozen=True, slots=True)
class Seeded:
    cancel_ids: list[str]
    order_ids: list[str]
    respond_by: list[datetime]  # of each request, in seeding order
    sellers: list[str]

    def due_at(self, now: datetime) -> list[str]:
        return [c for c, due in zip(self.cancel_ids, self.respond_by, strict=True) if due <= now]


def pending_request(index: int, seller_id: str, respond_by: datetime, *, prefix: str = "P") -> tuple[Change, Change]:
    """(recorded, requested): an order paid well before its request, then the buyer's pending request."""
    policy = config.policy()
    requested_at = respond_by - policy.response_window
    placed = requested_at - timedelta(hours=3)
    order = Order(
        order_id=f"{prefix}{index:06d}", seller_id=seller_id, buyer_id=f"B{index % 977}",
        items=(LineItem("SKU-1", 1, 150000),), currency="IDR", status=OrderStatus.AWAITING_SHIPMENT,
        placed_at=placed, paid_at=placed, fingerprint=f"seed-{index}",
    )
    recorded = lifecycle.record_order(order, policy, "seed")
    requested = lifecycle.request_cancellation(recorded.order, BuyerReason.CHANGED_MIND, None,
                                               cancel_id(index, prefix), requested_at, policy)
    return recorded, requested


def cancel_id(index: int, prefix: str = "P") -> str:
    return f"cxl_{prefix.lower()}{index:06d}"


def _indices(total: int, prefix: str, shard: int | None) -> Iterator[int]:
    """0, 1, 2, ...; or, for one shard of the due-time index, the first `total` indices that land in it."""
    candidates = count()
    if shard is not None:
        candidates = (i for i in candidates if due_shard(cancel_id(i, prefix)) == str(shard))
    return islice(candidates, total)


def _items(total: int, first_due: datetime, spacing: timedelta, sellers: int, prefix: str, shard: int | None,
           with_history: bool, seeded: Seeded, counters: Counter, cohorts: Counter) -> Iterator[Model]:
    for n, i in enumerate(_indices(total, prefix, shard)):
        seller = f"S{n % sellers + 1}"
        respond_by = first_due + spacing * n
        recorded, requested = pending_request(i, seller, respond_by, prefix=prefix)
        assert requested.cancellation is not None
        seeded.cancel_ids.append(requested.cancellation.cancel_id)
        seeded.order_ids.append(requested.order.order_id)
        seeded.respond_by.append(respond_by)
        counters[seller] += 1
        assert recorded.cohort is not None
        cohorts[(seller, recorded.cohort.day)] += 1
        yield order_to_item(requested.order)
        yield cancellation_to_item(requested.cancellation)
        if with_history:
            yield history_to_item(recorded.order.order_id, recorded.order.version, recorded.history)
            yield history_to_item(requested.order.order_id, requested.order.version, requested.history)


def seed_pending(total: int, *, first_due: datetime, spacing: timedelta = timedelta(seconds=1), sellers: int = 3,
                 prefix: str = "P", shard: int | None = None, with_history: bool = True,
                 via: Literal["batch", "moto"] = "batch") -> Seeded:
    """`total` pending requests, the n-th due at `first_due + n * spacing`, spread over `sellers` sellers
    (and all in one `shard` of the due-time index if given); with each seller's action-needed and cohort
    counters matching what is stored."""
    seeded = Seeded([], [], [], [f"S{n + 1}" for n in range(min(sellers, total))])
    counters: Counter = Counter()
    cohorts: Counter = Counter()
    items = _items(total, first_due, spacing, sellers, prefix, shard, with_history, seeded, counters, cohorts)
    if via == "moto":
        _put_moto(items)
    else:
        _put_batches(items)
    counter_items: list[Model] = [
        counter_item(seller, ACTION_NEEDED_KEY, requested=n, auto_approved=0) for seller, n in counters.items()
    ]
    counter_items += [counter_item(seller, COHORT_PREFIX + day, orders=n, seller_fault=0)
                      for (seller, day), n in cohorts.items()]
    _put_batches(iter(counter_items))
    return seeded


def _put_batches(items: Iterator[Model]) -> None:
    batches: dict[type[Model], Any] = {}
    try:
        for item in items:
            model = type(item)
            if model not in batches:
                batches[model] = model.batch_write()
                batches[model].__enter__()
            batches[model].save(item)
    finally:
        for batch in batches.values():
            batch.__exit__(None, None, None)


def _put_moto(items: Iterator[Model]) -> None:
    """Into moto's tables without its per-attribute size check, which is quadratic in an item's attributes
    (~1 ms an item here); the items are small and made by the app's own mapping."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends
    from moto.dynamodb.models.dynamo_type import DynamoType, Item, LimitedSizeDict

    backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][OrderItem._get_connection().connection.client.meta.region_name]
    tables: dict[type[Model], Any] = {}
    for item in items:
        model = type(item)
        if model not in tables:
            tables[model] = backend.get_table(model.Meta.table_name)
        table = tables[model]
        attrs = item.serialize()
        stored = Item.__new__(Item)
        stored.hash_key = DynamoType(attrs[table.hash_key_attr])
        stored.range_key = DynamoType(attrs[table.range_key_attr]) if table.range_key_attr else None
        stored.attrs = LimitedSizeDict({name: DynamoType(value) for name, value in attrs.items()})  # no per-key check
        if stored.range_key is not None:
            table.items[stored.hash_key][stored.range_key] = stored
        else:
            table.items[stored.hash_key] = stored

