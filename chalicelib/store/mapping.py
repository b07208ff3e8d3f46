"""Domain values to items and back, including the derived index keys."""

import zlib
from datetime import datetime
from typing import Any

from ..domain.clock import iso, parse_iso
from ..domain.enums import (
    TAB_OF_STATUS,
    Actor,
    AutoApproveCause,
    CancellationStatus,
    Fault,
    HistoryAction,
    OrderStatus,
    RefundStatus,
)
from ..domain.evidence import ContentType, Evidence
from ..domain.model import Cancellation, CancelledLine, HistoryEntry, LineItem, Order
from .models import (
    DUE_SHARDS,
    CancellationItem,
    CancelledLineMap,
    EvidenceMap,
    HistoryItem,
    LineItemMap,
    OrderItem,
)


def _iso(value: datetime | None) -> str | None:
    return iso(value) if value is not None else None


def due_shard(cancel_id: str) -> str:
    return str(zlib.crc32(cancel_id.encode()) % DUE_SHARDS)


def order_to_item(order: Order) -> OrderItem:
    placed = iso(order.placed_at)
    return OrderItem(
        order.order_id,
        seller_id=order.seller_id,
        buyer_id=order.buyer_id,
        items=[LineItemMap(sku=i.sku, quantity=i.quantity, unit_price=i.unit_price,
                           cancelled_quantity=i.cancelled_quantity) for i in order.items],
        currency=order.currency,
        total=order.total,
        remaining_total=order.remaining_total,
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
        unacknowledged=order.unacknowledged,
        seller_fault=order.seller_fault,
        buyer_may_request=order.buyer_may_request,
        fingerprint=order.fingerprint,
        version=order.version,
        placed_key=f"{placed}#{order.order_id}",
        seller_tab=f"{order.seller_id}#{TAB_OF_STATUS[order.status].value}",
        attention_seller=order.seller_id if order.needs_attention else None,
    )


# Reads map DynamoDB's raw attribute values straight to domain values: building PynamoDB model objects
# first doubled the time of a 20-order page (PynamoDB's deserializer walks every attribute generically).
Raw = dict[str, dict[str, Any]]


def _s(raw: Raw, name: str) -> str | None:
    value = raw.get(name)
    return value.get("S") if value else None


def _at(raw: Raw, name: str) -> datetime | None:
    value = _s(raw, name)
    return parse_iso(value) if value else None


def _flag(raw: Raw, name: str, default: bool) -> bool:
    value = raw.get(name)
    return bool(value["BOOL"]) if value and "BOOL" in value else default


def _n(raw: Raw, name: str, default: int) -> int:
    value = raw.get(name)
    return int(value["N"]) if value and "N" in value else default


def order_from_raw(raw: Raw) -> Order:
    lines = (entry["M"] for entry in raw["items"]["L"])
    return Order(
        order_id=raw["order_id"]["S"],
        seller_id=raw["seller_id"]["S"],
        buyer_id=raw["buyer_id"]["S"],
        items=tuple(LineItem(m["sku"]["S"], int(m["quantity"]["N"]), int(m["unit_price"]["N"]),
                             _n(m, "cancelled_quantity", 0)) for m in lines),
        currency=raw["currency"]["S"],
        status=OrderStatus(raw["status"]["S"]),
        placed_at=parse_iso(raw["placed_at"]["S"]),
        paid_at=_at(raw, "paid_at"),
        arranged_at=_at(raw, "arranged_at"),
        shipped_at=_at(raw, "shipped_at"),
        delivered_at=_at(raw, "delivered_at"),
        completed_at=_at(raw, "completed_at"),
        cancelled_at=_at(raw, "cancelled_at"),
        tracking_number=_s(raw, "tracking_number"),
        pending_cancel_id=_s(raw, "pending_cancel_id"),
        pending_respond_by=_at(raw, "pending_respond_by"),
        cancel_id=_s(raw, "cancel_id"),
        unacknowledged=_n(raw, "unacknowledged", int(_flag(raw, "awaiting_acknowledgement", False))),
        seller_fault=_flag(raw, "seller_fault", False),
        buyer_may_request=_flag(raw, "buyer_may_request", True),
        fingerprint=raw["fingerprint"]["S"],
        version=int(raw["version"]["N"]),
    )


def order_from_item(item: OrderItem) -> Order:
    return order_from_raw(item.serialize())


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
        auto_approve_rule_id=c.auto_approve_rule_id,
        reject_reason=c.reject_reason,
        reject_comment=c.reject_comment,
        fault=c.fault.value,
        counts_toward_sfcr=c.counts_toward_sfcr,
        acknowledged_at=_iso(c.acknowledged_at),
        line_items=[CancelledLineMap(sku=line.sku, quantity=line.quantity, amount=line.amount)
                    for line in c.line_items],
        whole_order=c.whole_order,
        currency=c.currency,
        refund_status=c.refund_status.value,
        refunded_at=_iso(c.refunded_at),
        refund_reference=c.refund_reference,
        evidence=[EvidenceMap(evidence_id=e.evidence_id, content_type=e.content_type.value, size=e.size)
                  for e in c.evidence] or None,
        version=c.version,
        listed_key=listed,
        seller_status=f"{c.seller_id}#{c.status.value}",
        status_key=due_key or listed,
        requested_key=f"{iso(c.requested_at)}#{c.cancel_id}",
        due_shard=due_shard(c.cancel_id) if due_key else None,
        due_key=due_key,
    )


def cancellation_from_raw(raw: Raw) -> Cancellation:
    resolved_by, cause = _s(raw, "resolved_by"), _s(raw, "auto_approve_cause")
    refund = _s(raw, "refund_status")
    lines = raw.get("line_items", {}).get("L") or []
    return Cancellation(
        cancel_id=raw["cancel_id"]["S"],
        order_id=raw["order_id"]["S"],
        seller_id=raw["seller_id"]["S"],
        buyer_id=raw["buyer_id"]["S"],
        initiator=Actor(raw["initiator"]["S"]),
        status=CancellationStatus(raw["status"]["S"]),
        reason=raw["reason"]["S"],
        comment=_s(raw, "comment"),
        requested_at=parse_iso(raw["requested_at"]["S"]),
        respond_by=_at(raw, "respond_by"),
        resolved_at=_at(raw, "resolved_at"),
        resolved_by=Actor(resolved_by) if resolved_by else None,
        auto_approve_cause=AutoApproveCause(cause) if cause else None,
        auto_approve_rule_id=_s(raw, "auto_approve_rule_id"),
        reject_reason=_s(raw, "reject_reason"),
        reject_comment=_s(raw, "reject_comment"),
        fault=Fault(raw["fault"]["S"]),
        counts_toward_sfcr=_flag(raw, "counts_toward_sfcr", False),
        acknowledged_at=_at(raw, "acknowledged_at"),
        line_items=tuple(CancelledLine(m["M"]["sku"]["S"], int(m["M"]["quantity"]["N"]), int(m["M"]["amount"]["N"]))
                         for m in lines),
        whole_order=_flag(raw, "whole_order", True),
        currency=_s(raw, "currency") or "",
        refund_status=RefundStatus(refund) if refund else RefundStatus.NONE,
        refunded_at=_at(raw, "refunded_at"),
        refund_reference=_s(raw, "refund_reference"),
        evidence=tuple(Evidence(m["M"]["evidence_id"]["S"], ContentType(m["M"]["content_type"]["S"]),
                                int(m["M"]["size"]["N"])) for m in raw.get("evidence", {}).get("L") or ()),
        version=int(raw["version"]["N"]),
    )


def cancellation_from_item(item: CancellationItem) -> Cancellation:
    return cancellation_from_raw(item.serialize())


def history_to_item(order_id: str, seq: int, entry: HistoryEntry) -> HistoryItem:
    return HistoryItem(
        order_id,
        seq,
        at=iso(entry.at),
        actor=entry.actor.value,
        actor_id=entry.actor_id,
        action=entry.action.value,
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
        action=HistoryAction(item.action),
        from_status=OrderStatus(item.from_status) if item.from_status else None,
        to_status=OrderStatus(item.to_status),
        cancel_id=item.cancel_id,
        note=item.note,
    )
