"""Commits a domain `Change` as exactly one conditional TransactWriteItems.

The order and the cancellation are written whole, each on condition that its version is still the one
the change was decided from; the history entry, the change's event (built by the caller), the counters and the
idempotency record ride along, so either everything happens or nothing does, and counters can never drift from
the items they count.
"""

import random
from datetime import datetime

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from .. import config
from ..domain.model import Change
from . import appeals, evidence, outbox
from . import idempotency as stored_answers
from .contention import CONDITION_FAILED, contention, failed_items
from .idempotency import IdempotencyKeyTaken, IdempotencyRecord
from .mapping import cancellation_to_item, history_to_item, order_to_item
from .models import (
    ACTION_NEEDED_KEY,
    COHORT_PREFIX,
    CancellationItem,
    EventItem,
    HistoryItem,
    OrderItem,
    SellerCounterItem,
    shard_key,
)

_connection: Connection | None = None


def connection() -> Connection:
    global _connection
    if _connection is None:
        # One pooled HTTPS connection per transaction the expiry job runs at once (PynamoDB's default pool
        # holds 10; past that, urllib3 opens and drops a connection, a TLS handshake, per transaction).
        _connection = Connection(max_pool_connections=max(10, config.settings().expiry_concurrency))
    return _connection


def reset() -> None:
    global _connection
    _connection = None


class StaleState(Exception):
    """An item changed after it was read: decide again from fresh state."""


def pick_shard() -> int:
    """The counter shard a change adds to: any one will do (a count is the sum over all of them), and a random
    one makes two concurrent changes of one seller unlikely to meet on an item."""
    return random.randrange(config.settings().counter_shards)


def commit(change: Change, *, event: outbox.Event, now: datetime, idempotency: IdempotencyRecord | None = None,
           counter_shard: int | None = None) -> None:
    """`event`: the change's event, for the outbox. `counter_shard`: the shard the seller's counters move on
    (default: `pick_shard()`); a caller that runs many changes of one seller at once (the expiry job) gives each
    its own."""
    labels: list[str] = []
    try:
        with TransactWrite(connection=connection()) as txn:
            _stage(txn, change, event, now, idempotency, labels,
                   pick_shard() if counter_shard is None else counter_shard)
    except TransactWriteError as error:
        failed = failed_items(error, labels)
        if failed.get("idempotency") == CONDITION_FAILED:
            raise IdempotencyKeyTaken() from error
        if CONDITION_FAILED in failed.values():
            raise StaleState(", ".join(sorted(failed))) from error
        raise contention(error, failed) from error


def _stage(txn: TransactWrite, change: Change, event: outbox.Event, now: datetime,
           idempotency: IdempotencyRecord | None, labels: list[str], shard: int) -> None:
    # PynamoDB sends puts before updates; `labels` follows that order to read cancellation reasons.
    order = change.order
    order_condition: Condition
    if change.order_was is None:
        order_condition = OrderItem.order_id.does_not_exist()
    else:
        order_condition = OrderItem.version == change.order_was
    txn.save(order_to_item(order), condition=order_condition)
    labels.append("order")

    if change.cancellation is not None:
        c_condition: Condition
        if change.cancellation_was is None:
            c_condition = CancellationItem.cancel_id.does_not_exist()
        else:
            c_condition = CancellationItem.version == change.cancellation_was
        txn.save(cancellation_to_item(change.cancellation), condition=c_condition)
        labels.append("cancellation")

    txn.save(history_to_item(order.order_id, order.version, change.history),
             condition=HistoryItem.seq.does_not_exist())
    labels.append("history")

    if change.appeal is not None:
        appeals.stage(txn, change.appeal, change.appeal_was)
        labels.append("appeal")

    # The change's event, in the outbox: it exists if and only if the change committed (docs/events.md).
    txn.save(outbox.item(event), condition=EventItem.position.does_not_exist())
    labels.append("event")

    if idempotency is not None:
        txn.save(stored_answers.item(idempotency), condition=stored_answers.free(now))
        labels.append("idempotency")

    if change.counters:
        actions: list[Action] = []
        if change.counters.requested:
            actions.append(SellerCounterItem.requested.add(change.counters.requested))
        if change.counters.auto_approved:
            actions.append(SellerCounterItem.auto_approved.add(change.counters.auto_approved))
        if change.counters.awaiting_buyer:
            actions.append(SellerCounterItem.awaiting_buyer.add(change.counters.awaiting_buyer))
        if change.counters.appeals_open:
            actions.append(SellerCounterItem.appeals_open.add(change.counters.appeals_open))
        actions.append(SellerCounterItem.seller_id.set(order.seller_id))
        counter = SellerCounterItem(shard_key(order.seller_id, shard), ACTION_NEEDED_KEY, seller_id=order.seller_id)
        txn.update(counter, actions=actions)
        labels.append("counters")

    if change.attaches:
        # Files attach to the appeal the change opens, or else to the cancellation it writes.
        owner = change.appeal.appeal_id if change.appeal is not None else None
        if owner is None:
            assert change.cancellation is not None, "files attach to the cancellation the change writes"
            owner = change.cancellation.cancel_id
        evidence.stage_attach(txn, change.attaches, owner, now)
        labels.extend("evidence" for _ in change.attaches)

    if change.cohort is not None:
        actions = []
        if change.cohort.orders:
            actions.append(SellerCounterItem.orders.add(change.cohort.orders))
        if change.cohort.seller_fault:
            actions.append(SellerCounterItem.seller_fault.add(change.cohort.seller_fault))
        actions.append(SellerCounterItem.seller_id.set(order.seller_id))
        txn.update(SellerCounterItem(shard_key(order.seller_id, shard), COHORT_PREFIX + change.cohort.day,
                                     seller_id=order.seller_id),
                   actions=actions)
        labels.append("cohort")
