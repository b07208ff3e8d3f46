"""The order and cancellation state machines.

Each function takes the current state and `now`, checks every rule, and returns the `Change` to commit;
it never mutates its inputs, so a caller that loses a race can decide again from fresh state.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from msgspec.structs import replace

from .auto_approve import Rule, matching_rule
from .clock import iso, market_day
from .enums import (
    CANCELLABLE,
    PAID_UNSHIPPED,
    SHIPPED_OR_LATER,
    Actor,
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
from .errors import Conflict, InvalidRequest, reason_not_allowed
from .evidence import EvidenceFile, attached, evidence_required
from .model import Cancellation, Change, CohortDelta, CounterDelta, HistoryEntry, Order
from .money import LineRequest, cancel_lines, ensure_unique_skus, is_whole_order, lines_to_cancel, nothing_remains
from .offers import OfferTerms, check_fields, check_terms, open_offer, restarted, seconds_left
from .policy import Policy
from .reasons import (
    BUYER_FAULT,
    COMMENT_REQUIRED,
    PARTIAL_CANCEL_REASONS,
    SELLER_CANCEL_RULES,
    SELLER_REJECT_REASONS,
    SHIPPING_REJECT_REASON,
    BuyerReason,
    RejectReason,
    SellerCancelReason,
    seller_reasons_for,
)
from .support import SupportAct, acted_by, entry_fields


def _order_conflict(order: Order, message: str, code: str) -> Conflict:
    return Conflict(message, code=code, details={"current": {"order_status": order.status.value}})


def _cancellation_conflict(cancellation: Cancellation, message: str, code: str) -> Conflict:
    return Conflict(message, code=code, details={"current": {"status": cancellation.status.value}})


def _next(order: Order, **changes: Any) -> Order:
    return replace(order, version=order.version + 1, **changes)


def _entry(now: datetime, actor: Actor, actor_id: str, action: HistoryAction, was: Order, now_status: OrderStatus,
           cancel_id: str | None = None, note: str | None = None) -> HistoryEntry:
    return HistoryEntry(now, actor, actor_id, action, was.status, now_status, cancel_id, note)


def _party_entry(now: datetime, party: Actor, party_id: str, support: SupportAct | None, action: HistoryAction,
                 was: Order, now_status: OrderStatus, cancel_id: str, note: str | None) -> HistoryEntry:
    """The entry of a change a party made, or an operator made on its behalf (SD4)."""
    return HistoryEntry(at=now, action=action, from_status=was.status, to_status=now_status, cancel_id=cancel_id,
                        note=note, **entry_fields(party, party_id, support))


def _refund_status(order: Order) -> RefundStatus:
    """A new cancellation's refund: nothing to return on an unpaid order, nothing owed until it is accepted."""
    return RefundStatus.NOT_APPLICABLE if order.paid_at is None else RefundStatus.NONE


def _new_cancellation(order: Order, lines: Sequence[LineRequest] | None, **fields: Any) -> Cancellation:
    cancelled = lines_to_cancel(order, lines)
    return Cancellation(order_id=order.order_id, seller_id=order.seller_id, buyer_id=order.buyer_id,
                        line_items=cancelled, whole_order=is_whole_order(order, cancelled), currency=order.currency,
                        refund_status=_refund_status(order), **fields)


def _accepted(cancellation: Cancellation, order: Order, **changes: Any) -> Cancellation:
    """The cancellation taking effect: its money is owed from now on (if the order was paid)."""
    lines = cancellation.line_items or lines_to_cancel(order, None)  # stored before line items: the whole order
    refund = RefundStatus.PENDING if cancellation.refund_status is RefundStatus.NONE else cancellation.refund_status
    return replace(cancellation, line_items=lines, currency=cancellation.currency or order.currency,
                   refund_status=refund, **changes)


def _take_off(order: Order, cancellation: Cancellation, now: datetime, **changes: Any) -> Order:
    """The order once an accepted cancellation's lines are off it: CANCELLED when nothing remains, otherwise
    going on in its status with what remains (M3)."""
    items = cancel_lines(order.items, cancellation.line_items)
    if nothing_remains(items):
        changes.update(status=OrderStatus.CANCELLED, cancelled_at=now, cancel_id=cancellation.cancel_id)
    return _next(order, items=items, **changes)


def _ensure_not_shipped(order: Order) -> None:
    if order.status in SHIPPED_OR_LATER:
        raise _order_conflict(order, "The order has already shipped.", "ORDER_ALREADY_SHIPPED")
    if order.status is OrderStatus.CANCELLED:
        raise _order_conflict(order, "The order is already cancelled.", "ORDER_ALREADY_CANCELLED")


def _ensure_no_overdue_request(order: Order, now: datetime) -> None:
    """A request past its deadline is already auto-approved in effect (rule 5), even before the job runs."""
    if order.pending_cancel_id and order.pending_respond_by and now >= order.pending_respond_by:
        raise Conflict(
            "A cancellation request on this order passed its deadline and is being auto-approved.",
            code="RESPONSE_DEADLINE_PASSED",
            details={"current": {"order_status": order.status.value, "cancel_id": order.pending_cancel_id}},
        )


# --- platform -----------------------------------------------------------------------------------------


def record_order(order: Order, policy: Policy, actor_id: str) -> Change:
    if order.status not in (OrderStatus.UNPAID, OrderStatus.AWAITING_SHIPMENT):
        raise InvalidRequest("A new order is UNPAID or AWAITING_SHIPMENT.", code="INVALID_STATUS")
    if order.status is OrderStatus.UNPAID and order.paid_at is not None:
        raise InvalidRequest("An UNPAID order has no paid_at.", code="INVALID_PAID_AT")
    if order.paid_at is not None and order.paid_at < order.placed_at:
        raise InvalidRequest("paid_at is before placed_at.", code="INVALID_PAID_AT")
    ensure_unique_skus(order.items)
    day = market_day(order.placed_at, policy.market_timezone).isoformat()
    entry = HistoryEntry(order.placed_at, Actor.PLATFORM, actor_id, HistoryAction.ORDER_RECORDED, None, order.status)
    return Change(order=order, order_was=None, history=entry, cohort=CohortDelta(day, orders=1))


def record_payment(order: Order, now: datetime, actor_id: str) -> Change:
    if order.status is not OrderStatus.UNPAID:
        raise _order_conflict(order, "Only an UNPAID order can be paid.", "ORDER_NOT_UNPAID")
    new = _next(order, status=OrderStatus.AWAITING_SHIPMENT, paid_at=now)
    return Change(order=new, order_was=order.version,
                  history=_entry(now, Actor.PLATFORM, actor_id, HistoryAction.PAYMENT_RECORDED, order, new.status))


def record_delivery(order: Order, now: datetime, actor_id: str) -> Change:
    if order.status is not OrderStatus.IN_TRANSIT:
        raise _order_conflict(order, "Only an IN_TRANSIT order can be delivered.", "ORDER_NOT_IN_TRANSIT")
    new = _next(order, status=OrderStatus.DELIVERED, delivered_at=now)
    return Change(order=new, order_was=order.version,
                  history=_entry(now, Actor.PLATFORM, actor_id, HistoryAction.DELIVERED, order, new.status))


def record_completion(order: Order, now: datetime, actor_id: str) -> Change:
    if order.status is not OrderStatus.DELIVERED:
        raise _order_conflict(order, "Only a DELIVERED order can be completed.", "ORDER_NOT_DELIVERED")
    new = _next(order, status=OrderStatus.COMPLETED, completed_at=now)
    return Change(order=new, order_was=order.version,
                  history=_entry(now, Actor.PLATFORM, actor_id, HistoryAction.COMPLETED, order, new.status))


# --- buyer --------------------------------------------------------------------------------------------


def buyer_request_refusal(order: Order) -> Conflict | None:
    """Why the buyer may not ask to cancel this order now, or None if it may (rules 1 and 7): the one test
    behind both the request itself and the buyer's `may_request_cancellation`."""
    if order.status in SHIPPED_OR_LATER:
        return _order_conflict(
            order, "The order has shipped: ask for a return or refund instead.", "ORDER_ALREADY_SHIPPED"
        )
    if order.status not in CANCELLABLE:
        return _order_conflict(order, "The order is already cancelled.", "ORDER_ALREADY_CANCELLED")
    if order.pending_cancel_id:
        return Conflict(
            "A cancellation request for this order is already pending.",
            code="CANCELLATION_ALREADY_PENDING",
            details={"current": {"order_status": order.status.value, "cancel_id": order.pending_cancel_id}},
        )
    if not order.buyer_may_request:
        return _order_conflict(
            order, "The seller rejected a cancellation request for this order.", "CANCELLATION_REJECTED_BEFORE"
        )
    return None


def platform_cause(order: Order, now: datetime, policy: Policy) -> AutoApproveCause | None:
    """Why the platform approves a buyer's request on the spot (rule 2), or None: it waits for the seller."""
    if order.status is OrderStatus.UNPAID:
        return AutoApproveCause.UNPAID_ORDER
    if order.paid_at is not None and now < order.paid_at + policy.grace_period:
        return AutoApproveCause.WITHIN_GRACE_PERIOD
    if order.promised_ship_by is not None and now >= order.promised_ship_by:
        return AutoApproveCause.PROMISE_MISSED
    return None


def request_waits_for_seller(order: Order, now: datetime, policy: Policy) -> bool:
    """Whether a buyer's request on this order, asked now, would wait for the seller (rule 3): the only
    requests the seller's auto-approve rules decide (T7), so the only ones their read is needed for."""
    return buyer_request_refusal(order) is None and platform_cause(order, now, policy) is None


def request_cancellation(order: Order, reason: BuyerReason, comment: str | None, cancel_id: str,
                         now: datetime, policy: Policy, line_items: Sequence[LineRequest] | None = None,
                         rules: Sequence[Rule] = (), support: SupportAct | None = None) -> Change:
    """A buyer's request for the whole order, or for `line_items` of it: every rule applies to both (M2).
    `rules`: the seller's auto-approve rules, for a request that would wait for the seller (T6, T7).
    `support`: an operator asking on the buyer's behalf, under the same rules (SD2)."""
    if reason in COMMENT_REQUIRED and not (comment and comment.strip()):
        raise InvalidRequest(f"Reason {reason.value} needs a comment.", code="COMMENT_REQUIRED")
    refusal = buyer_request_refusal(order)
    if refusal is not None:
        raise refusal

    cancellation = _new_cancellation(
        order, line_items, cancel_id=cancel_id, initiator=Actor.BUYER, status=CancellationStatus.REQUESTED,
        reason=reason.value, comment=comment, requested_at=now, fault=BUYER_FAULT, counts_toward_sfcr=False,
        actor=acted_by(Actor.BUYER, order.buyer_id, support),
    )
    cause = platform_cause(order, now, policy)
    rule = matching_rule(rules, order, cancellation) if cause is None else None
    if rule is not None:
        cause = AutoApproveCause.SELLER_RULE
        cancellation = replace(cancellation, auto_approve_rule_id=rule.rule_id)

    if cause is not None:
        # A broken ship-by promise is the seller's fault, whatever the buyer's reason (docs/offers.md).
        broken = cause is AutoApproveCause.PROMISE_MISSED
        if broken:
            cancellation = replace(cancellation, fault=Fault.SELLER, counts_toward_sfcr=True)
        cancellation = _accepted(cancellation, order, status=CancellationStatus.AUTO_APPROVED,
                                 auto_approve_cause=cause, resolved_at=now, resolved_by=Actor.SYSTEM)
        new = _take_off(order, cancellation, now, unacknowledged=order.unacknowledged + 1,
                        seller_fault=order.seller_fault or broken,
                        seller_fault_cancellations=order.seller_fault_cancellations + int(broken))
        entry = _party_entry(now, Actor.BUYER, order.buyer_id, support, HistoryAction.CANCELLATION_AUTO_APPROVED,
                             order, new.status, cancel_id, cause.value)
        cohort = None
        if broken and not order.seller_fault:  # an order counts once as seller-fault (M4)
            cohort = CohortDelta(market_day(order.placed_at, policy.market_timezone).isoformat(), seller_fault=1)
        return Change(order=new, order_was=order.version, history=entry, cancellation=cancellation,
                      counters=CounterDelta(auto_approved=1), cohort=cohort)

    respond_by = now + policy.response_window
    cancellation = replace(cancellation, respond_by=respond_by)
    new = _next(order, pending_cancel_id=cancel_id, pending_respond_by=respond_by)
    entry = _party_entry(now, Actor.BUYER, order.buyer_id, support, HistoryAction.CANCELLATION_REQUESTED, order,
                         new.status, cancel_id, f"respond by {iso(respond_by)}")
    return Change(order=new, order_was=order.version, history=entry, cancellation=cancellation,
                  counters=CounterDelta(requested=1))


def _ensure_pending(cancellation: Cancellation, order: Order, now: datetime, action: str, *,
                    offer_may_be_open: bool = False) -> None:
    """A pending request before its deadline. While an offer is open the deadline is stopped: the buyer may
    still withdraw (`offer_may_be_open`), the seller may not answer (OFFER_OPEN)."""
    if cancellation.status is not CancellationStatus.REQUESTED or order.pending_cancel_id != cancellation.cancel_id:
        raise _cancellation_conflict(
            cancellation, f"Only a pending request can be {action}.", "CANCELLATION_NOT_PENDING"
        )
    if cancellation.offer is not None and cancellation.offer.is_open:
        if offer_may_be_open:
            return
        raise Conflict(
            "An offer to the buyer is open: the request is answered once the buyer declines it or lets it lapse.",
            code="OFFER_OPEN",
            details={"current": {"status": cancellation.status.value,
                                 "offer": {"status": cancellation.offer.status.value,
                                           "answer_by": iso(cancellation.offer.answer_by)}}},
        )
    assert cancellation.respond_by is not None
    if now >= cancellation.respond_by:
        raise Conflict(
            "The response deadline has passed: the request is auto-approved.",
            code="RESPONSE_DEADLINE_PASSED",
            details={"current": {"status": cancellation.status.value, "respond_by": iso(cancellation.respond_by)}},
        )


def _close_request(order: Order, **changes: Any) -> Order:
    return _next(order, pending_cancel_id=None, pending_respond_by=None, **changes)


def _end_offer(cancellation: Cancellation, status: OfferStatus, answered_at: datetime | None) -> dict[str, Any]:
    """The fields that end an open offer as the request is resolved: its status, and no stopped clock."""
    assert cancellation.offer is not None
    return {"offer": replace(cancellation.offer, status=status, answered_at=answered_at),
            "response_seconds_left": None}


def _leaves_pending(cancellation: Cancellation) -> CounterDelta:
    """What resolving a pending request takes off the counts: an open offer counts as awaiting the buyer."""
    return CounterDelta(awaiting_buyer=-1) if cancellation.offer_open else CounterDelta(requested=-1)


def withdraw(cancellation: Cancellation, order: Order, now: datetime) -> Change:
    """The buyer takes its request back; an open offer ends DECLINED with it."""
    _ensure_pending(cancellation, order, now, "withdrawn", offer_may_be_open=True)
    offer = _end_offer(cancellation, OfferStatus.DECLINED, now) if cancellation.offer_open else {}
    done = replace(cancellation, status=CancellationStatus.WITHDRAWN, resolved_at=now, resolved_by=Actor.BUYER,
                   withdraw_cause=WithdrawCause.BUYER, version=cancellation.version + 1, **offer)
    new = _close_request(order)
    entry = _entry(now, Actor.BUYER, order.buyer_id, HistoryAction.CANCELLATION_WITHDRAWN, order, new.status,
                   cancellation.cancel_id)
    return Change(order=new, order_was=order.version, history=entry, cancellation=done,
                  cancellation_was=cancellation.version, counters=_leaves_pending(cancellation))


# --- seller -------------------------------------------------------------------------------------------


def approve(cancellation: Cancellation, order: Order, now: datetime) -> Change:
    _ensure_pending(cancellation, order, now, "approved")
    done = _accepted(cancellation, order, status=CancellationStatus.APPROVED, resolved_at=now,
                     resolved_by=Actor.SELLER, version=cancellation.version + 1)
    new = _take_off(order, done, now, pending_cancel_id=None, pending_respond_by=None)
    entry = _entry(now, Actor.SELLER, order.seller_id, HistoryAction.CANCELLATION_APPROVED, order, new.status,
                   cancellation.cancel_id)
    return Change(order=new, order_was=order.version, history=entry, cancellation=done,
                  cancellation_was=cancellation.version, counters=CounterDelta(requested=-1))


def ensure_seller_reject_reason(reason: RejectReason) -> None:
    """R2: `ORDER_SHIPPED` is the system's alone. Checked before anything about the request, so a bulk
    rejection refuses it once for the whole call."""
    if reason not in SELLER_REJECT_REASONS:
        raise reason_not_allowed(reason.value, [r.value for r in SELLER_REJECT_REASONS], "for a seller rejection")


def reject(cancellation: Cancellation, order: Order, reason: RejectReason, comment: str | None,
           now: datetime, files: Sequence[EvidenceFile] = ()) -> Change:
    """`files`: the evidence to attach, already checked one by one (`evidence.problem`)."""
    ensure_may_reject(cancellation, order, reason, now, len(files))
    done = replace(cancellation, status=CancellationStatus.REJECTED, resolved_at=now, resolved_by=Actor.SELLER,
                   reject_reason=reason.value, reject_comment=comment, evidence=attached(files),
                   version=cancellation.version + 1)
    new = _close_request(order, buyer_may_request=False)
    entry = _entry(now, Actor.SELLER, order.seller_id, HistoryAction.CANCELLATION_REJECTED, order, new.status,
                   cancellation.cancel_id, reason.value)
    return Change(order=new, order_was=order.version, history=entry, cancellation=done,
                  cancellation_was=cancellation.version, counters=CounterDelta(requested=-1), attaches=tuple(files))


def ensure_may_reject(cancellation: Cancellation, order: Order, reason: RejectReason, now: datetime,
                      file_count: int) -> None:
    """Every rule of a reject but the files' own checks, which need reads: a caller checks this first, so a
    request no longer pending is 409 whatever its files. EVIDENCE_REQUIRED comes before anything about the
    request, so a bulk rejection (which takes no files) refuses every item alike and changes nothing."""
    ensure_seller_reject_reason(reason)
    refusal = evidence_required(reason.value, file_count)
    if refusal is not None:
        raise refusal
    _ensure_pending(cancellation, order, now, "rejected")


def acknowledge(cancellation: Cancellation, order: Order, now: datetime) -> Change | None:
    """Marks an auto-approved cancellation seen; None when it already was (nothing to write)."""
    if cancellation.status is not CancellationStatus.AUTO_APPROVED:
        raise _cancellation_conflict(
            cancellation, "Only an auto-approved cancellation can be acknowledged.", "CANCELLATION_NOT_AUTO_APPROVED"
        )
    if cancellation.acknowledged_at is not None:
        return None
    done = replace(cancellation, acknowledged_at=now, version=cancellation.version + 1)
    new = _next(order, unacknowledged=max(order.unacknowledged - 1, 0))
    entry = _entry(now, Actor.SELLER, order.seller_id, HistoryAction.CANCELLATION_ACKNOWLEDGED, order, new.status,
                   cancellation.cancel_id)
    return Change(order=new, order_was=order.version, history=entry, cancellation=done,
                  cancellation_was=cancellation.version, counters=CounterDelta(auto_approved=-1))


def seller_cancel(order: Order, reason: SellerCancelReason, comment: str | None, cancel_id: str,
                  now: datetime, policy: Policy, line_items: Sequence[LineRequest] | None = None,
                  support: SupportAct | None = None) -> Change:
    """The seller cancels the whole order, or (out of stock only) some of its items (S1-S3, M2). `support`: an
    operator cancelling on the seller's behalf, with the same rules and the reason's fault (docs/support-desk.md)."""
    _ensure_not_shipped(order)
    _ensure_no_overdue_request(order, now)
    if order.pending_cancel_id:
        raise Conflict(
            "The buyer asked to cancel this order: answer that request instead.",
            code="CANCELLATION_REQUEST_PENDING",
            details={"current": {"order_status": order.status.value, "cancel_id": order.pending_cancel_id}},
        )
    rule = SELLER_CANCEL_RULES[reason]
    if order.status not in rule.allowed_statuses:
        allowed = [r.value for r in seller_reasons_for(order.status)]
        raise reason_not_allowed(reason.value, allowed, f"for an order in status {order.status.value}")

    cancellation = _new_cancellation(
        order, line_items, cancel_id=cancel_id, initiator=Actor.SELLER, status=CancellationStatus.SELLER_CANCELLED,
        reason=reason.value, comment=comment, requested_at=now, resolved_at=now, resolved_by=Actor.SELLER,
        fault=rule.fault, counts_toward_sfcr=rule.counts_toward_sfcr,
        actor=acted_by(Actor.SELLER, order.seller_id, support),
    )
    if not cancellation.whole_order and reason not in PARTIAL_CANCEL_REASONS:
        allowed = sorted(r.value for r in PARTIAL_CANCEL_REASONS)
        raise InvalidRequest(f"Only {', '.join(allowed)} cancels some items of an order; {reason.value} cancels "
                             "the whole order (leave line_items out).", code="PARTIAL_CANCEL_NOT_ALLOWED",
                             details={"reason": reason.value, "allowed_reasons": allowed})
    cancellation = _accepted(cancellation, order)
    # An order counts once as seller-fault, whatever mix of partial and whole cancellations it has (M4).
    first_fault = rule.counts_toward_sfcr and not order.seller_fault
    new = _take_off(order, cancellation, now, seller_fault=order.seller_fault or rule.counts_toward_sfcr,
                    seller_fault_cancellations=order.seller_fault_cancellations + int(rule.counts_toward_sfcr))
    entry = _party_entry(now, Actor.SELLER, order.seller_id, support, HistoryAction.SELLER_CANCELLED, order,
                         new.status, cancel_id, reason.value)
    cohort = None
    if first_fault:
        cohort = CohortDelta(market_day(order.placed_at, policy.market_timezone).isoformat(), seller_fault=1)
    return Change(order=new, order_was=order.version, history=entry, cancellation=cancellation, cohort=cohort)


def arrange_shipment(order: Order, now: datetime) -> Change:
    _ensure_no_overdue_request(order, now)
    if order.status is not OrderStatus.AWAITING_SHIPMENT:
        raise _order_conflict(order, "Only an order AWAITING_SHIPMENT can have shipment arranged.",
                              "ORDER_NOT_AWAITING_SHIPMENT")
    new = _next(order, status=OrderStatus.AWAITING_COLLECTION, arranged_at=now)
    entry = _entry(now, Actor.SELLER, order.seller_id, HistoryAction.SHIPMENT_ARRANGED, order, new.status)
    return Change(order=new, order_was=order.version, history=entry)


def ship(order: Order, pending: Cancellation | None, tracking_number: str, now: datetime) -> Change:
    """Ships the order; a pending buyer request is rejected with ORDER_SHIPPED (rule 6)."""
    _ensure_not_shipped(order)
    if order.status not in PAID_UNSHIPPED:
        raise _order_conflict(order, "An unpaid order cannot ship.", "ORDER_NOT_PAID")
    _ensure_no_overdue_request(order, now)
    new = _close_request(order, status=OrderStatus.IN_TRANSIT, shipped_at=now, tracking_number=tracking_number)
    entry = _entry(now, Actor.SELLER, order.seller_id, HistoryAction.SHIPPED, order, new.status,
                   order.pending_cancel_id, f"tracking {tracking_number}")
    if not order.pending_cancel_id:
        return Change(order=new, order_was=order.version, history=entry)
    if pending is None or pending.cancel_id != order.pending_cancel_id:
        raise ValueError("ship() needs the pending cancellation the order points to")
    # An open offer ends EXPIRED: the change is the rejection, and its event is the rejection's.
    offer = _end_offer(pending, OfferStatus.EXPIRED, None) if pending.offer_open else {}
    rejected = replace(pending, status=CancellationStatus.REJECTED, resolved_at=now, resolved_by=Actor.SYSTEM,
                       reject_reason=SHIPPING_REJECT_REASON.value, version=pending.version + 1, **offer)
    return Change(order=new, order_was=order.version, history=entry, cancellation=rejected,
                  cancellation_was=pending.version, counters=_leaves_pending(pending))


# --- system -------------------------------------------------------------------------------------------


def is_due(cancellation: Cancellation, now: datetime) -> bool:
    return (cancellation.status is CancellationStatus.REQUESTED and cancellation.respond_by is not None
            and now >= cancellation.respond_by)


def expire(cancellation: Cancellation, order: Order, now: datetime) -> Change:
    """Auto-approves a request the seller left unanswered past its deadline (rule 5)."""
    if not is_due(cancellation, now) or order.pending_cancel_id != cancellation.cancel_id:
        raise _cancellation_conflict(cancellation, "The request is not pending past its deadline.",
                                     "CANCELLATION_NOT_DUE")
    _ensure_not_shipped(order)
    done = _accepted(cancellation, order, status=CancellationStatus.AUTO_APPROVED,
                     auto_approve_cause=AutoApproveCause.SELLER_RESPONSE_TIMEOUT, resolved_at=now,
                     resolved_by=Actor.SYSTEM, version=cancellation.version + 1)
    new = _take_off(order, done, now, pending_cancel_id=None, pending_respond_by=None,
                    unacknowledged=order.unacknowledged + 1)
    entry = _entry(now, Actor.SYSTEM, "expire_cancellation_requests", HistoryAction.CANCELLATION_AUTO_APPROVED, order,
                   new.status, cancellation.cancel_id, AutoApproveCause.SELLER_RESPONSE_TIMEOUT.value)
    return Change(order=new, order_was=order.version, history=entry, cancellation=done,
                  cancellation_was=cancellation.version, counters=CounterDelta(requested=-1, auto_approved=1))



# --- platform: refunds ----------------------------------------------------------------------------------


def report_refund(cancellation: Cancellation, order: Order, reference: str, now: datetime,
                  actor_id: str) -> Change | None:
    """The payment system returned a cancellation's money: PENDING to REFUNDED (M6). The same reference again
    changes nothing (None); another reference, or a refund that is not owed, is refused."""
    if cancellation.refund_status is RefundStatus.REFUNDED:
        if cancellation.refund_reference == reference:
            return None
        raise Conflict(
            "This refund was already reported with another reference.", code="REFUND_ALREADY_REPORTED",
            details={"current": {"refund_status": cancellation.refund_status.value,
                                 "refund_reference": cancellation.refund_reference}},
        )
    if cancellation.refund_status is not RefundStatus.PENDING:
        raise Conflict(
            f"Only a PENDING refund can be reported; this one is {cancellation.refund_status.value}.",
            code="REFUND_NOT_PENDING",
            details={"current": {"status": cancellation.status.value,
                                 "refund_status": cancellation.refund_status.value}},
        )
    done = replace(cancellation, refund_status=RefundStatus.REFUNDED, refunded_at=now, refund_reference=reference,
                   version=cancellation.version + 1)
    # The order's version moves too: its history numbers every change of the order and its cancellations.
    new = _next(order)
    entry = _entry(now, Actor.PLATFORM, actor_id, HistoryAction.REFUNDED, order, new.status, cancellation.cancel_id,
                   f"reference {reference}")
    return Change(order=new, order_was=order.version, history=entry, cancellation=done,
                  cancellation_was=cancellation.version)


# --- offers (docs/offers.md) ----------------------------------------------------------------------------


def make_offer(cancellation: Cancellation, order: Order, terms: OfferTerms, now: datetime,
               policy: Policy) -> Change:
    """The seller's one offer on a pending request: the seller's clock stops until the buyer answers (OF1-OF3)."""
    check_fields(terms)
    if cancellation.offer is not None:
        raise Conflict(
            "An offer was already made on this request: one offer per request.", code="OFFER_ALREADY_MADE",
            details={"current": {"status": cancellation.status.value,
                                 "offer": {"status": cancellation.offer.status.value}}},
        )
    _ensure_pending(cancellation, order, now, "given an offer")
    check_terms(terms, order, now)
    assert cancellation.respond_by is not None
    offer = open_offer(terms, now, policy.buyer_offer_window)
    done = replace(cancellation, offer=offer, respond_by=None,
                   response_seconds_left=seconds_left(cancellation.respond_by, now),
                   version=cancellation.version + 1)
    # The order's deadline goes with the request's: nothing is overdue while the clock is stopped.
    new = _next(order, pending_respond_by=None)
    entry = _entry(now, Actor.SELLER, order.seller_id, HistoryAction.OFFER_MADE, order, new.status,
                   cancellation.cancel_id, f"{terms.kind.value}, answer by {iso(offer.answer_by)}")
    return Change(order=new, order_was=order.version, history=entry, cancellation=done,
                  cancellation_was=cancellation.version, counters=CounterDelta(requested=-1, awaiting_buyer=1))


def _ensure_offer_open(cancellation: Cancellation, order: Order, now: datetime) -> None:
    """An open offer the buyer may still answer: past answer_by it has lapsed, even before the job has run."""
    offer = cancellation.offer
    if (cancellation.status is not CancellationStatus.REQUESTED or order.pending_cancel_id != cancellation.cancel_id
            or offer is None or not offer.is_open or now >= offer.answer_by):
        current: dict[str, Any] = {"status": cancellation.status.value}
        if offer is not None:
            current["offer"] = {"status": offer.status.value, "answer_by": iso(offer.answer_by)}
        raise Conflict("There is no open offer on this request to answer.", code="OFFER_NOT_OPEN",
                       details={"current": current})


def accept_offer(cancellation: Cancellation, order: Order, now: datetime) -> Change:
    """The buyer keeps the order on the seller's terms: the request ends WITHDRAWN (OFFER_ACCEPTED); a partial
    refund is owed (reported through the refund route), a ship-by date is promised on the order."""
    _ensure_offer_open(cancellation, order, now)
    offer = cancellation.offer
    assert offer is not None
    refund = cancellation.refund_status
    if offer.kind is OfferKind.PARTIAL_REFUND and refund is RefundStatus.NONE:
        refund = RefundStatus.PENDING
    done = replace(cancellation, status=CancellationStatus.WITHDRAWN, resolved_at=now, resolved_by=Actor.BUYER,
                   withdraw_cause=WithdrawCause.OFFER_ACCEPTED, refund_status=refund,
                   version=cancellation.version + 1, **_end_offer(cancellation, OfferStatus.ACCEPTED, now))
    promise = offer.ship_by if offer.kind is OfferKind.SHIP_BY else order.promised_ship_by
    new = _close_request(order, promised_ship_by=promise)
    entry = _entry(now, Actor.BUYER, order.buyer_id, HistoryAction.OFFER_ACCEPTED, order, new.status,
                   cancellation.cancel_id, offer.kind.value)
    return Change(order=new, order_was=order.version, history=entry, cancellation=done,
                  cancellation_was=cancellation.version, counters=CounterDelta(awaiting_buyer=-1))


def _reopen(cancellation: Cancellation, order: Order, now: datetime, respond_by: datetime, status: OfferStatus,
            entry: HistoryEntry) -> Change:
    """The offer ends and the request waits for the seller again until `respond_by`."""
    offer = cancellation.offer
    assert offer is not None
    done = replace(cancellation, offer=replace(offer, status=status,
                                               answered_at=now if status is OfferStatus.DECLINED else None),
                   respond_by=respond_by, response_seconds_left=None, version=cancellation.version + 1)
    return Change(order=_next(order, pending_respond_by=respond_by), order_was=order.version, history=entry,
                  cancellation=done, cancellation_was=cancellation.version,
                  counters=CounterDelta(requested=1, awaiting_buyer=-1))


def decline_offer(cancellation: Cancellation, order: Order, now: datetime) -> Change:
    """The buyer says no: the seller's clock restarts with what was left, at least an hour."""
    _ensure_offer_open(cancellation, order, now)
    respond_by = restarted(cancellation.response_seconds_left, now)
    entry = _entry(now, Actor.BUYER, order.buyer_id, HistoryAction.OFFER_DECLINED, order, order.status,
                   cancellation.cancel_id, f"respond by {iso(respond_by)}")
    return _reopen(cancellation, order, now, respond_by, OfferStatus.DECLINED, entry)


def offer_lapsed(cancellation: Cancellation, now: datetime) -> bool:
    offer = cancellation.offer
    return (cancellation.status is CancellationStatus.REQUESTED and offer is not None and offer.is_open
            and now >= offer.answer_by)


def lapse_offer(cancellation: Cancellation, order: Order, now: datetime) -> Change:
    """The buyer let the offer pass its answer_by: the expiry job ends it EXPIRED and restarts the clock."""
    if not offer_lapsed(cancellation, now) or order.pending_cancel_id != cancellation.cancel_id:
        raise _cancellation_conflict(cancellation, "The request has no offer past its answer_by.", "OFFER_NOT_DUE")
    respond_by = restarted(cancellation.response_seconds_left, now)
    entry = _entry(now, Actor.SYSTEM, "expire_cancellation_requests", HistoryAction.OFFER_EXPIRED, order,
                   order.status, cancellation.cancel_id, f"respond by {iso(respond_by)}")
    return _reopen(cancellation, order, now, respond_by, OfferStatus.EXPIRED, entry)


def settle_due(cancellation: Cancellation, order: Order, now: datetime) -> Change:
    """What the expiry job does with one item of the due-time index: a lapsed offer ends, a request past its
    deadline is auto-approved."""
    if cancellation.offer_open:
        return lapse_offer(cancellation, order, now)
    return expire(cancellation, order, now)
