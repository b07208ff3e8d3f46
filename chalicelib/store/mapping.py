"""Domain values to items and back, including the derived index keys."""

import zlib
from datetime import datetime

from ..domain.clock import iso, parse_iso
from ..domain.enums import (
    TAB_OF_STATUS,
    Actor,
    AutoApproveCause,
    CancellationStatus,
    Fault,
    OrderStatus,
)
from ..domain.model import Cancellation, HistoryEntry, LineItem, Order
from .models import DUE_SHARDS, CancellationItem, HistoryItem, LineItemMap, OrderItem


def _iso(value: datetime | None) -> str | None:
    return iso(value) if value is not None else None


def _dt(value: str | None) -> datetime | None:
    return parse_iso(value) if value else None


def due_shard(cancel_id: str) -> str:
    return str(zlib.crc32(cancel_id.encode()) % DUE_SHARDS)


def order_to_item(order: Order) -> OrderItem:
    placed = iso(order.placed_at)
    return OrderItem(
        order.order_id,
        seller_id=order.seller_id,
        buyer_id=order.buyer_id,
        items=[LineItemMap(sku=i.sku, quantity=i.quantity, unit_price=i.unit_price) for i in order.items],
        currency=order.currency,
        total=order.total,
        status=order.status.value,
        placed_at=placed,
        paid_at=_iso(order.paid_at),
        arranged_at=_iso(order.arranged_at),
        shipped_at=_iso(order.shipped_at),
        delivered_at=_iso(order.delivered_at),
        completed_at=_iso(order.completed_at),
        cancelled_at=_iso(order.cancelled_at),
        tracking_number=order.tracking_number,
        pending_cancel_id=order.pending_cancel_id,
        pending_respond_by=_iso(order.pending_respond_by),
        cancel_id=order.cancel_id,
        awaiting_acknowledgement=order.awaiting_acknowledgement,
        buyer_may_request=order.buyer_may_request,
        fingerprint=order.fingerprint,
        version=order.version,
        placed_key=f"{placed}#{order.order_id}",
        seller_tab=f"{order.seller_id}#{TAB_OF_STATUS[order.status].value}",
        attention_seller=order.seller_id if order.needs_attention else None,
    )


def order_from_item(item: OrderItem) -> Order:
    return Order(
        order_id=item.order_id,
        seller_id=item.seller_id,
        buyer_id=item.buyer_id,
        items=tuple(LineItem(i.sku, int(i.quantity), int(i.unit_price)) for i in item.items),
        currency=item.currency,
        status=OrderStatus(item.status),
        placed_at=parse_iso(item.placed_at),
        paid_at=_dt(item.paid_at),
        arranged_at=_dt(item.arranged_at),
        shipped_at=_dt(item.shipped_at),
        delivered_at=_dt(item.delivered_at),
        completed_at=_dt(item.completed_at),
        cancelled_at=_dt(item.cancelled_at),
        tracking_number=item.tracking_number,
        pending_cancel_id=item.pending_cancel_id,
        pending_respond_by=_dt(item.pending_respond_by),
        cancel_id=item.cancel_id,
        awaiting_acknowledgement=bool(item.awaiting_acknowledgement),
        buyer_may_request=bool(item.buyer_may_request),
        fingerprint=item.fingerprint,
        version=int(item.version),
    )


def cancellation_to_item(c: Cancellation) -> CancellationItem:
    listed = f"{iso(c.listed_at)}#{c.cancel_id}"
    pending = c.status is CancellationStatus.REQUESTED and c.respond_by is not None
    due_key = f"{iso(c.respond_by)}#{c.cancel_id}" if pending and c.respond_by else None
    return CancellationItem(
        c.cancel_id,
        order_id=c.order_id,
        seller_id=c.seller_id,
        buyer_id=c.buyer_id,
        initiator=c.initiator.value,
        status=c.status.value,
        reason=c.reason,
        comment=c.comment,
        requested_at=iso(c.requested_at),
        respond_by=_iso(c.respond_by),
        resolved_at=_iso(c.resolved_at),
        resolved_by=c.resolved_by.value if c.resolved_by else None,
        auto_approve_cause=c.auto_approve_cause.value if c.auto_approve_cause else None,
        reject_reason=c.reject_reason,
        reject_comment=c.reject_comment,
        fault=c.fault.value,
        counts_toward_sfcr=c.counts_toward_sfcr,
        acknowledged_at=_iso(c.acknowledged_at),
        version=c.version,
        listed_key=listed,
        seller_status=f"{c.seller_id}#{c.status.value}",
        status_key=due_key or listed,
        requested_key=f"{iso(c.requested_at)}#{c.cancel_id}",
        due_shard=due_shard(c.cancel_id) if due_key else None,
        due_key=due_key,
    )


def cancellation_from_item(item: CancellationItem) -> Cancellation:
    return Cancellation(
        cancel_id=item.cancel_id,
        order_id=item.order_id,
        seller_id=item.seller_id,
        buyer_id=item.buyer_id,
        initiator=Actor(item.initiator),
        status=CancellationStatus(item.status),
        reason=item.reason,
        comment=item.comment,
        requested_at=parse_iso(item.requested_at),
        respond_by=_dt(item.respond_by),
        resolved_at=_dt(item.resolved_at),
        resolved_by=Actor(item.resolved_by) if item.resolved_by else None,
        auto_approve_cause=AutoApproveCause(item.auto_approve_cause) if item.auto_approve_cause else None,
        reject_reason=item.reject_reason,
        reject_comment=item.reject_comment,
        fault=Fault(item.fault),
        counts_toward_sfcr=bool(item.counts_toward_sfcr),
        acknowledged_at=_dt(item.acknowledged_at),
        version=int(item.version),
    )


def history_to_item(order_id: str, seq: int, entry: HistoryEntry) -> HistoryItem:
    return HistoryItem(
        order_id,
        seq,
        at=iso(entry.at),
        actor=entry.actor.value,
        actor_id=entry.actor_id,
        action=entry.action,
        from_status=entry.from_status.value if entry.from_status else None,
        to_status=entry.to_status.value,
        cancel_id=entry.cancel_id,
        note=entry.note,
    )


def history_from_item(item: HistoryItem) -> HistoryEntry:
    return HistoryEntry(
        at=parse_iso(item.at),
        actor=Actor(item.actor),
        actor_id=item.actor_id,
        action=item.action,
        from_status=OrderStatus(item.from_status) if item.from_status else None,
        to_status=OrderStatus(item.to_status),
        cancel_id=item.cancel_id,
        note=item.note,
    )
