"""Domain values rendered into the answers' shapes: the API answers them, and the events carry them."""

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

import msgspec
from msgspec.structs import asdict

from ..domain import lifecycle
from ..domain.clock import iso
from ..domain.evidence import Evidence, object_key
from ..domain.model import Appeal, Cancellation, HistoryEntry, Offer, Order
from ..domain.policy import Policy
from ..domain.reasons import RejectReason
from . import shapes as s

if TYPE_CHECKING:
    from ..domain.sfcr import Sfcr


def _iso(value: datetime | None) -> str | None:
    return iso(value) if value is not None else None


def _offer(o: Offer | None, currency: str) -> s.OfferOut | None:
    if o is None:
        return None
    return s.OfferOut(kind=o.kind, message=o.message,
                      amount=None if o.amount is None else s.Money(amount=o.amount, currency=currency),
                      ship_by=_iso(o.ship_by), status=o.status, made_at=iso(o.made_at), answer_by=iso(o.answer_by),
                      answered_at=_iso(o.answered_at))


# An evidence file's link, from its object key: given only when answering those who may see the cancellation.
Links = Callable[[str], str]


def cancellation(c: Cancellation, policy: Policy, links: Links | None = None) -> s.CancellationOut:
    """`policy`: the appeal window's, for `appeal_by`; `links`: for those who may see the cancellation's files."""
    from ..domain.appeals import appeal_by  # on first use, off the cold start: every answer with one needs it

    return s.CancellationOut(
        cancel_id=c.cancel_id,
        order_id=c.order_id,
        seller_id=c.seller_id,
        buyer_id=c.buyer_id,
        initiator=c.initiator,
        status=c.status,
        reason=c.reason,
        comment=c.comment,
        requested_at=iso(c.requested_at),
        respond_by=_iso(c.respond_by),
        resolved_at=_iso(c.resolved_at),
        resolved_by=c.resolved_by,
        auto_approve_cause=c.auto_approve_cause,
        auto_approve_rule_id=c.auto_approve_rule_id,
        reject_reason=RejectReason(c.reject_reason) if c.reject_reason else None,
        reject_comment=c.reject_comment,
        fault=c.fault,
        counts_toward_sfcr=c.counts_toward_sfcr,
        acknowledged_at=_iso(c.acknowledged_at),
        line_items=[s.CancelledLineOut(sku=line.sku, quantity=line.quantity,
                                       amount=s.Money(amount=line.amount, currency=c.currency))
                    for line in c.line_items],
        whole_order=c.whole_order,
        refund=None if c.refund_amount is None else s.Money(amount=c.refund_amount, currency=c.currency),
        refund_status=c.refund_status,
        refunded_at=_iso(c.refunded_at),
        refund_reference=c.refund_reference,
        evidence=_evidence(c.seller_id, c.evidence, links),
        offer=_offer(c.offer, c.currency),
        response_seconds_left=c.response_seconds_left,
        withdraw_cause=c.withdraw_cause,
        actor=_actor(c),
        appeal=s.AppealRefOut(appeal_id=c.appeal.appeal_id, status=c.appeal.status) if c.appeal else None,
        appeal_by=_iso(appeal_by(c, policy)),
    )


def _actor(c: Cancellation) -> s.ActorOut:
    acted = c.acted_by
    return s.ActorOut(role=acted.role, id=acted.id, ticket=acted.ticket)


def _evidence(seller_id: str, files: tuple[Evidence, ...], links: Links | None) -> list[s.EvidenceOut]:
    return [s.EvidenceOut(evidence_id=e.evidence_id, content_type=e.content_type, size=e.size,
                          url=links(object_key(seller_id, e.evidence_id)) if links else msgspec.UNSET)
            for e in files]


def _appeal_fields(a: Appeal, links: Links | None) -> dict[str, Any]:
    return {"appeal_id": a.appeal_id, "cancel_id": a.cancel_id, "order_id": a.order_id, "seller_id": a.seller_id,
            "status": a.status, "statement": a.statement, "evidence": _evidence(a.seller_id, a.evidence, links),
            "opened_at": iso(a.opened_at), "decide_by": iso(a.decide_by), "decided_at": _iso(a.decided_at),
            "decided_by": a.decided_by, "decision_note": a.decision_note}


def appeal(a: Appeal, links: Links | None = None) -> s.AppealOut:
    """`links`: for the seller and operators; events carry the files without them."""
    return s.AppealOut(**_appeal_fields(a, links))


def queued_appeal(a: Appeal, now: datetime, links: Links | None = None) -> s.QueuedAppealOut:
    from ..domain.appeals import overdue

    return s.QueuedAppealOut(**_appeal_fields(a, links), overdue=overdue(a, now))


def _order_fields(o: Order) -> dict[str, Any]:
    return {
        "order_id": o.order_id,
        "seller_id": o.seller_id,
        "buyer_id": o.buyer_id,
        "status": o.status,
        "items": [s.LineItemOut(sku=i.sku, quantity=i.quantity, unit_price=s.Money(amount=i.unit_price,
                                                                                  currency=o.currency),
                                cancelled_quantity=i.cancelled_quantity)
                  for i in o.items],
        "total": s.Money(amount=o.total, currency=o.currency),
        "remaining_total": s.Money(amount=o.remaining_total, currency=o.currency),
        "placed_at": iso(o.placed_at),
        "paid_at": _iso(o.paid_at),
        "arranged_at": _iso(o.arranged_at),
        "shipped_at": _iso(o.shipped_at),
        "delivered_at": _iso(o.delivered_at),
        "completed_at": _iso(o.completed_at),
        "cancelled_at": _iso(o.cancelled_at),
        "tracking_number": o.tracking_number,
        "pending_cancel_id": o.pending_cancel_id,
        "cancel_id": o.cancel_id,
        "needs_attention": o.needs_attention,
        "promised_ship_by": _iso(o.promised_ship_by),
    }


def order(o: Order) -> s.OrderOut:
    return s.OrderOut(**_order_fields(o))


def buyer_order(o: Order, cancellations: list[Cancellation], policy: Policy,
                links: Links | None = None) -> s.BuyerOrderOut:
    may_request = lifecycle.buyer_request_refusal(o) is None
    return s.BuyerOrderOut(**_order_fields(o), cancellations=[cancellation(c, policy, links) for c in cancellations],
                           may_request_cancellation=may_request)


def history(entry: HistoryEntry) -> s.HistoryOut:
    return s.HistoryOut(at=iso(entry.at), actor=entry.actor, actor_id=entry.actor_id, action=entry.action,
                        from_status=entry.from_status, to_status=entry.to_status, cancel_id=entry.cancel_id,
                        note=entry.note, ticket=entry.ticket, on_behalf_of=entry.on_behalf_of,
                        operator_note=entry.operator_note)


def handover(o: Order) -> s.HandoverOut:
    from ..domain.handover import handover  # on first use: only the seller's order answers need it

    h = handover(o)
    return s.HandoverOut(hand_over_to_logistics=h.hand_over_to_logistics, warning=h.warning,
                         warning_code=h.warning_code,
                         cancelled_items=[s.CountedLineOut(sku=line.sku, quantity=line.quantity)
                                          for line in h.cancelled_items])


def seller_listed_order(o: Order) -> s.SellerListedOrderOut:
    return s.SellerListedOrderOut(**_order_fields(o), handover=handover(o))


def seller_order(o: Order, cancellations: list[Cancellation], entries: list[HistoryEntry], policy: Policy,
                 links: Links | None = None) -> s.SellerOrderOut:
    return s.SellerOrderOut(
        **_order_fields(o),
        cancellations=[cancellation(c, policy, links) for c in cancellations],
        history=[history(e) for e in entries],
        handover=handover(o),
    )


def action_needed(requested: int, auto_approved: int, due_soon: int, awaiting_buyer: int = 0) -> s.ActionNeededOut:
    return s.ActionNeededOut(cancellation=s.CancellationCounts(
        total=requested + auto_approved,
        cancellation_requested=requested,
        auto_approved=auto_approved,
        due_soon=due_soon,
        awaiting_buyer=awaiting_buyer,
    ))


def seller_sfcr(result: "Sfcr", appeals_open: int) -> s.SellerSfcrOut:
    return s.SellerSfcrOut(**asdict(sfcr(result)), appeals_open=appeals_open)


def sfcr(result: "Sfcr") -> s.SfcrOut:
    return s.SfcrOut(
        window=s.WindowOut(from_=iso(result.window.start), to=iso(result.window.end)),
        orders=result.orders,
        seller_fault_cancellations=result.seller_fault_cancellations,
        rate=result.rate,
        target=result.target,
        standing=result.standing,
        order_volume_cap=result.order_volume_cap,
    )
