"""Deciders for every state change: each loads what it needs, checks ownership, and asks the domain.

Each returns a zero-argument function for `executor.execute`, which calls it again on a lost race.
"""

import uuid
from datetime import datetime

from ..domain import lifecycle
from ..domain.errors import Conflict, NotFound
from ..domain.identity import Identity
from ..domain.model import Cancellation, Order
from ..domain.policy import Policy
from ..domain.reasons import BuyerReason, RejectReason, SellerCancelReason
from ..store import reads
from .executor import Decider, Outcome


def new_cancel_id() -> str:
    return "cxl_" + uuid.uuid4().hex


def _order_for(identity: Identity, order_id: str) -> Order:
    """The caller's own order; another party's order is as absent as a missing one."""
    order = reads.get_order(order_id)
    if order is None or not _may_see(identity, order.seller_id, order.buyer_id):
        raise NotFound(f"Order {order_id} was not found.", code="ORDER_NOT_FOUND")
    return order


def _cancellation_for(identity: Identity, cancel_id: str) -> tuple[Cancellation, Order]:
    cancellation = reads.get_cancellation(cancel_id)
    if cancellation is None or not _may_see(identity, cancellation.seller_id, cancellation.buyer_id):
        raise NotFound(f"Cancellation {cancel_id} was not found.", code="CANCELLATION_NOT_FOUND")
    order = reads.get_order(cancellation.order_id)
    if order is None:  # written in the same transaction as the cancellation, so never expected
        raise NotFound(f"Cancellation {cancel_id} was not found.", code="CANCELLATION_NOT_FOUND")
    return cancellation, order


def _may_see(identity: Identity, seller_id: str, buyer_id: str) -> bool:
    if identity.seller_id is not None:
        return identity.seller_id == seller_id
    if identity.buyer_id is not None:
        return identity.buyer_id == buyer_id
    return identity.role.value == "platform"


# --- platform -----------------------------------------------------------------------------------------


def record_order(identity: Identity, order: Order, policy: Policy) -> Decider:
    def decide() -> Outcome:
        existing = reads.get_order(order.order_id)
        if existing is not None:
            if existing.fingerprint != order.fingerprint:
                raise Conflict(
                    f"Order {order.order_id} was already recorded with other details.",
                    code="ORDER_ALREADY_RECORDED",
                    details={"current": {"order_status": existing.status.value}},
                )
            return Outcome(None, existing)
        change = lifecycle.record_order(order, policy, identity.sub)
        return Outcome(change, change.order, created=True)

    return decide


def record_payment(identity: Identity, order_id: str, now: datetime) -> Decider:
    def decide() -> Outcome:
        change = lifecycle.record_payment(_order_for(identity, order_id), now, identity.sub)
        return Outcome(change, change.order)

    return decide


def record_delivery(identity: Identity, order_id: str, now: datetime) -> Decider:
    def decide() -> Outcome:
        change = lifecycle.record_delivery(_order_for(identity, order_id), now, identity.sub)
        return Outcome(change, change.order)

    return decide


def record_completion(identity: Identity, order_id: str, now: datetime) -> Decider:
    def decide() -> Outcome:
        change = lifecycle.record_completion(_order_for(identity, order_id), now, identity.sub)
        return Outcome(change, change.order)

    return decide


# --- buyer --------------------------------------------------------------------------------------------


def request_cancellation(identity: Identity, order_id: str, reason: BuyerReason, comment: str | None,
                         now: datetime, policy: Policy) -> Decider:
    cancel_id = new_cancel_id()

    def decide() -> Outcome:
        order = _order_for(identity, order_id)
        change = lifecycle.request_cancellation(order, reason, comment, cancel_id, now, policy)
        return Outcome(change, change.cancellation, created=True)

    return decide


def withdraw(identity: Identity, cancel_id: str, now: datetime) -> Decider:
    def decide() -> Outcome:
        change = lifecycle.withdraw(*_cancellation_for(identity, cancel_id), now)
        return Outcome(change, change.cancellation)

    return decide


# --- seller -------------------------------------------------------------------------------------------


def approve(identity: Identity, cancel_id: str, now: datetime) -> Decider:
    def decide() -> Outcome:
        change = lifecycle.approve(*_cancellation_for(identity, cancel_id), now)
        return Outcome(change, change.cancellation)

    return decide


def reject(identity: Identity, cancel_id: str, reason: RejectReason, comment: str | None,
           now: datetime) -> Decider:
    def decide() -> Outcome:
        cancellation, order = _cancellation_for(identity, cancel_id)
        change = lifecycle.reject(cancellation, order, reason, comment, now)
        return Outcome(change, change.cancellation)

    return decide


def acknowledge(identity: Identity, cancel_id: str, now: datetime) -> Decider:
    def decide() -> Outcome:
        cancellation, order = _cancellation_for(identity, cancel_id)
        change = lifecycle.acknowledge(cancellation, order, now)
        return Outcome(change, change.cancellation if change else cancellation)

    return decide


def seller_cancel(identity: Identity, order_id: str, reason: SellerCancelReason, comment: str | None,
                  now: datetime, policy: Policy) -> Decider:
    cancel_id = new_cancel_id()

    def decide() -> Outcome:
        order = _order_for(identity, order_id)
        change = lifecycle.seller_cancel(order, reason, comment, cancel_id, now, policy)
        return Outcome(change, change.cancellation, created=True)

    return decide


def arrange_shipment(identity: Identity, order_id: str, now: datetime) -> Decider:
    def decide() -> Outcome:
        change = lifecycle.arrange_shipment(_order_for(identity, order_id), now)
        return Outcome(change, change.order)

    return decide


def ship(identity: Identity, order_id: str, tracking_number: str, now: datetime) -> Decider:
    def decide() -> Outcome:
        order = _order_for(identity, order_id)
        pending = reads.get_cancellation(order.pending_cancel_id) if order.pending_cancel_id else None
        change = lifecycle.ship(order, pending, tracking_number, now)
        return Outcome(change, change.order)

    return decide


# --- system -------------------------------------------------------------------------------------------


def expire(cancellation: Cancellation, order: Order | None, now: datetime) -> Decider:
    """Auto-approves one due request. The first attempt uses what the job already read; a retry
    after a lost race reads both items afresh."""
    first = [(cancellation, order)]

    def decide() -> Outcome:
        if first:
            c, o = first.pop()
        else:
            c, o = reads.get_cancellation(cancellation.cancel_id), None
        if o is None and c is not None:
            o = reads.get_order(c.order_id)
        if c is None or o is None:
            raise NotFound(f"Cancellation {cancellation.cancel_id} vanished.", code="CANCELLATION_NOT_FOUND")
        change = lifecycle.expire(c, o, now)
        return Outcome(change, change.cancellation)

    return decide
