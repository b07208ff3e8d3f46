"""Read models for the seller's and buyer's screens."""

from datetime import datetime
from typing import TYPE_CHECKING

import msgspec

from ..domain.enums import CancellationStatus, Tab
from ..domain.identity import Identity
from ..domain.model import Cancellation, HistoryEntry, Order
from ..domain.policy import Policy
from ..store import reads
from ..store.reads import ActionNeeded, Key, Page
from . import access

if TYPE_CHECKING:
    from ..domain.sfcr import Sfcr


class OrderDetail(msgspec.Struct, frozen=True):
    order: Order
    cancellations: list[Cancellation]
    history: list[HistoryEntry]


def seller_order(identity: Identity, order_id: str) -> OrderDetail:
    order = access.order_for(identity, order_id)
    return OrderDetail(order, reads.order_cancellations(order_id), reads.order_history(order_id))


def buyer_order(identity: Identity, order_id: str) -> OrderDetail:
    order = access.order_for(identity, order_id)
    return OrderDetail(order, reads.order_cancellations(order_id), [])


def cancellation(identity: Identity, cancel_id: str) -> Cancellation:
    return access.cancellation_only(identity, cancel_id)


def action_needed(identity: Identity, due_before: datetime) -> ActionNeeded:
    assert identity.seller_id is not None
    counts = reads.action_needed(identity.seller_id)
    return msgspec.structs.replace(counts, due_soon=reads.due_soon(identity.seller_id, due_before))


def orders(identity: Identity, tab: Tab, attention_only: bool, limit: int, after: Key | None) -> Page[Order]:
    assert identity.seller_id is not None
    return reads.seller_orders(identity.seller_id, tab, attention_only, limit, after)


def cancellations(identity: Identity, status: CancellationStatus | None, limit: int,
                  after: Key | None) -> Page[Cancellation]:
    assert identity.seller_id is not None
    return reads.seller_cancellations(identity.seller_id, status, limit, after)


def seller_sfcr(identity: Identity, now: datetime, policy: Policy) -> "Sfcr":
    from ..domain import sfcr  # on first use: only the SFCR route needs it (keeps the cold import small)

    assert identity.seller_id is not None
    win = sfcr.window(now, policy)
    orders_placed, faults = reads.cohort_totals(identity.seller_id, win.first_day, win.last_day)
    return sfcr.compute(win, orders_placed, faults, policy)
