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
    from ..domain.cancel_preview import Preview
    from ..domain.money import LineRequest
    from ..domain.reasons import SellerCancelReason
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


def appeals_open(identity: Identity) -> int:
    """The seller's open appeals (docs/appeals.md): one Query of its action-needed counter shards."""
    assert identity.seller_id is not None
    return reads.appeals_open(identity.seller_id)


def cancel_preview(identity: Identity, order_id: str, reason: "SellerCancelReason", comment: str | None,
                   now: datetime, policy: Policy, line_items: "list[LineRequest] | None" = None) -> "Preview":
    """The order (one consistent GetItem) and the seller's SFCR totals (one Query): what the cancel decides from."""
    from ..domain import cancel_preview, sfcr  # on first use, as for the SFCR

    order = access.order_for(identity, order_id)
    win = sfcr.window(now, policy)
    orders_placed, faults = reads.cohort_totals(order.seller_id, win.first_day, win.last_day)
    return cancel_preview.preview(order, reason, comment, now, policy, orders_placed, faults, line_items)
