"""Domain values to items and back, including the derived index keys."""

import zlib
from datetime import datetime
from typing import Any

from ..domain.clock import iso, parse_iso
from ..domain.enums import (
    TAB_OF_STATUS,
    Actor,
    ActorRole,
    AppealStatus,
    AutoApproveCause,
    CancellationStatus,
    Fault,
    HistoryAction,
    OfferKind,
    OfferStatus,
    OrderStatus,
    RefundStatus,
    WithdrawCause,
)
from ..domain.evidence import ContentType, Evidence
from ..domain.model import AppealRef, Cancellation, CancelledLine, HistoryEntry, LineItem, Offer, Order
from ..domain.support import ActedBy
from .base_models import EvidenceMap
from .models import (
    DUE_SHARDS,
    ActorMap,
    AppealRefMap,
    CancellationItem,
    CancelledLineMap,
    HistoryItem,
    LineItemMap,
    OfferMap,
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
        seller_fault_cancellations=order.seller_fault_cancellations,
        buyer_may_request=order.buyer_may_request,
        promised_ship_by=_iso(order.promised_ship_by),
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
        seller_fault_cancellations=_n(raw, "seller_fault_cancellations", int(_flag(raw, "seller_fault", False))),
        buyer_may_request=_flag(raw, "buyer_may_request", True),
        promised_ship_by=_at(raw, "promised_ship_by"),
        fingerprint=raw["fingerprint"]["S"],
        version=int(raw["version"]["N"]),
    )


def order_from_item(item: OrderItem) -> Order:
    return order_from_raw(item.serialize())


def due_at(c: Cancellation) -> datetime | None:
    """When the expiry job must act on a pending request: its deadline, or while the seller's clock is stopped,
    the buyer's answer_by (the lapse). One index serves both, so the job's cost stays ∝ what is due."""
    if c.status is not CancellationStatus.REQUESTED:
        return None
    if c.offer is not None and c.offer.is_open:
        return c.offer.answer_by
    return c.respond_by


def _offer_to_map(offer: Offer | None) -> OfferMap | None:
    if offer is None:
        return None
    return OfferMap(kind=offer.kind.value, message=offer.message, status=offer.status.value,
                    made_at=iso(offer.made_at), answer_by=iso(offer.answer_by), amount=offer.amount,
                    ship_by=_iso(offer.ship_by), answered_at=_iso(offer.answered_at))


def _offer_from_raw(raw: Raw) -> Offer | None:
    value = raw.get("offer")
    if not value or "M" not in value:
        return None
    m: Raw = value["M"]
    amount = m.get("amount")
    return Offer(kind=OfferKind(m["kind"]["S"]), message=m["message"]["S"], made_at=parse_iso(m["made_at"]["S"]),
                 answer_by=parse_iso(m["answer_by"]["S"]), status=OfferStatus(m["status"]["S"]),
                 amount=int(amount["N"]) if amount and "N" in amount else None, ship_by=_at(m, "ship_by"),
                 answered_at=_at(m, "answered_at"))


def _actor_to_map(actor: ActedBy | None) -> ActorMap | None:
    if actor is None:
        return None
    return ActorMap(role=actor.role.value, id=actor.id, ticket=actor.ticket)


def _actor_from_raw(raw: Raw) -> ActedBy | None:
    value = raw.get("actor")
    if not value or "M" not in value:
        return None  # stored before actors were: Cancellation.acted_by derives it
    m: Raw = value["M"]
    return ActedBy(ActorRole(m["role"]["S"]), m["id"]["S"], _s(m, "ticket"))
def _appeal_ref_from_raw(raw: Raw) -> AppealRef | None:
    value = raw.get("appeal")
    if not value or "M" not in value:
        return None
    return AppealRef(value["M"]["appeal_id"]["S"], AppealStatus(value["M"]["status"]["S"]))


def cancellation_to_item(c: Cancellation) -> CancellationItem:
    listed = f"{iso(c.listed_at)}#{c.cancel_id}"
    due = due_at(c)
    due_key = f"{iso(due)}#{c.cancel_id}" if due else None
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
        offer=_offer_to_map(c.offer),
        response_seconds_left=c.response_seconds_left,
        withdraw_cause=c.withdraw_cause.value if c.withdraw_cause else None,
        actor=_actor_to_map(c.actor),
        appeal=AppealRefMap(appeal_id=c.appeal.appeal_id, status=c.appeal.status.value) if c.appeal else None,
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
    refund, cause_of_withdrawal = _s(raw, "refund_status"), _s(raw, "withdraw_cause")
    seconds_left = raw.get("response_seconds_left")
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
        offer=_offer_from_raw(raw),
        response_seconds_left=int(seconds_left["N"]) if seconds_left and "N" in seconds_left else None,
        withdraw_cause=WithdrawCause(cause_of_withdrawal) if cause_of_withdrawal else None,
        actor=_actor_from_raw(raw),
        appeal=_appeal_ref_from_raw(raw),
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
        ticket=entry.ticket,
        on_behalf_of=entry.on_behalf_of.value if entry.on_behalf_of else None,
        operator_note=entry.operator_note,
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
        ticket=item.ticket,
        on_behalf_of=Actor(item.on_behalf_of) if item.on_behalf_of else None,
        operator_note=item.operator_note,
    )
