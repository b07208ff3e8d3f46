"""Deciders for every state change: each loads what it needs, checks ownership, and asks the domain.

Each returns a zero-argument function for `executor.execute`, which calls it again on a lost race.
"""

import uuid
from collections.abc import Sequence
from datetime import datetime

from ..domain import lifecycle
from ..domain.errors import Conflict, NotFound
from ..domain.identity import Identity
from ..domain.model import Cancellation, Change, Order
from ..domain.money import LineRequest
from ..domain.offers import OfferTerms
from ..domain.policy import Policy
from ..domain.reasons import BuyerReason, RejectReason, SellerCancelReason
from ..domain.support import SupportAct
from ..store import reads, seller_settings
from . import access, evidence
from .executor import Decider, Decision


def new_cancel_id() -> str:
    return "cxl_" + uuid.uuid4().hex


def _cancellation_outcome(change: Change, *, created: bool = False) -> Decision[Cancellation]:
    if change.cancellation is None:  # every change a cancellation route decides writes its cancellation
        raise TypeError("the change has no cancellation")
    return Decision(change, change.cancellation, created)


# --- platform -----------------------------------------------------------------------------------------


def record_order(identity: Identity, order: Order, policy: Policy) -> Decider[Order]:
    def decide() -> Decision[Order]:
        existing = reads.get_order(order.order_id)
        if existing is not None:
            if existing.fingerprint != order.fingerprint:
                raise Conflict(
                    f"Order {order.order_id} was already recorded with other details.",
                    code="ORDER_ALREADY_RECORDED",
                    details={"current": {"order_status": existing.status.value}},
                )
            return Decision(None, existing)
        change = lifecycle.record_order(order, policy, identity.sub)
        return Decision(change, change.order, created=True)

    return decide


def record_payment(identity: Identity, order_id: str, now: datetime) -> Decider[Order]:
    def decide() -> Decision[Order]:
        change = lifecycle.record_payment(access.order_for(identity, order_id), now, identity.sub)
        return Decision(change, change.order)

    return decide


def record_delivery(identity: Identity, order_id: str, now: datetime) -> Decider[Order]:
    def decide() -> Decision[Order]:
        change = lifecycle.record_delivery(access.order_for(identity, order_id), now, identity.sub)
        return Decision(change, change.order)

    return decide


def record_completion(identity: Identity, order_id: str, now: datetime) -> Decider[Order]:
    def decide() -> Decision[Order]:
        change = lifecycle.record_completion(access.order_for(identity, order_id), now, identity.sub)
        return Decision(change, change.order)

    return decide


def report_refund(identity: Identity, cancel_id: str, reference: str, now: datetime) -> Decider[Cancellation]:
    def decide() -> Decision[Cancellation]:
        cancellation, order = access.cancellation_for(identity, cancel_id)
        change = lifecycle.report_refund(cancellation, order, reference, now, identity.sub)
        return _cancellation_outcome(change) if change else Decision(None, cancellation)

    return decide


# --- buyer --------------------------------------------------------------------------------------------


def request_cancellation(identity: Identity, order_id: str, reason: BuyerReason, comment: str | None,
                         now: datetime, policy: Policy, line_items: list[LineRequest] | None = None,
                         support: SupportAct | None = None) -> Decider[Cancellation]:
    """`support`: an operator asking on the order's buyer's behalf (docs/support-desk.md)."""
    cancel_id = new_cancel_id()

    def decide() -> Decision[Cancellation]:
        order = access.order_for(identity, order_id)
        # The seller's rules decide only a request that would wait for the seller: read them only then (the
        # second of at most two reads).
        waits = lifecycle.request_waits_for_seller(order, now, policy)
        rules = seller_settings.get_rules(order.seller_id).rules if waits else ()
        change = lifecycle.request_cancellation(order, reason, comment, cancel_id, now, policy, line_items,
                                                rules=rules, support=support)
        return _cancellation_outcome(change, created=True)

    return decide


def withdraw(identity: Identity, cancel_id: str, now: datetime) -> Decider[Cancellation]:
    def decide() -> Decision[Cancellation]:
        change = lifecycle.withdraw(*access.cancellation_for(identity, cancel_id), now)
        return _cancellation_outcome(change)

    return decide


def accept_offer(identity: Identity, cancel_id: str, now: datetime) -> Decider[Cancellation]:
    def decide() -> Decision[Cancellation]:
        change = lifecycle.accept_offer(*access.cancellation_for(identity, cancel_id), now)
        return _cancellation_outcome(change)

    return decide


def decline_offer(identity: Identity, cancel_id: str, now: datetime) -> Decider[Cancellation]:
    def decide() -> Decision[Cancellation]:
        change = lifecycle.decline_offer(*access.cancellation_for(identity, cancel_id), now)
        return _cancellation_outcome(change)

    return decide


# --- seller -------------------------------------------------------------------------------------------


def approve(identity: Identity, cancel_id: str, now: datetime,
            load: access.Loader = access.cancellation_for) -> Decider[Cancellation]:
    """`load`: how the request and its order are read (a bulk answer gives what it read in one batch)."""
    def decide() -> Decision[Cancellation]:
        change = lifecycle.approve(*load(identity, cancel_id), now)
        return _cancellation_outcome(change)

    return decide


def reject(identity: Identity, cancel_id: str, reason: RejectReason, comment: str | None,
           now: datetime, load: access.Loader = access.cancellation_for,
           evidence_ids: Sequence[str] = ()) -> Decider[Cancellation]:
    """`evidence_ids`: files to attach, checked only once the request may be rejected at all."""
    def decide() -> Decision[Cancellation]:
        cancellation, order = load(identity, cancel_id)
        lifecycle.ensure_may_reject(cancellation, order, reason, now, len(evidence_ids))
        files = evidence.attachable(identity, evidence_ids)
        change = lifecycle.reject(cancellation, order, reason, comment, now, files)
        evidence.mark_attached(files)
        return _cancellation_outcome(change)

    return decide


def make_offer(identity: Identity, cancel_id: str, terms: OfferTerms, now: datetime,
               policy: Policy) -> Decider[Cancellation]:
    def decide() -> Decision[Cancellation]:
        cancellation, order = access.cancellation_for(identity, cancel_id)
        change = lifecycle.make_offer(cancellation, order, terms, now, policy)
        return _cancellation_outcome(change)

    return decide


def acknowledge(identity: Identity, cancel_id: str, now: datetime) -> Decider[Cancellation]:
    def decide() -> Decision[Cancellation]:
        cancellation, order = access.cancellation_for(identity, cancel_id)
        change = lifecycle.acknowledge(cancellation, order, now)
        return _cancellation_outcome(change) if change else Decision(None, cancellation)

    return decide


def seller_cancel(identity: Identity, order_id: str, reason: SellerCancelReason, comment: str | None,
                  now: datetime, policy: Policy, line_items: list[LineRequest] | None = None,
                  support: SupportAct | None = None) -> Decider[Cancellation]:
    """`support`: an operator cancelling on the order's seller's behalf (docs/support-desk.md)."""
    cancel_id = new_cancel_id()

    def decide() -> Decision[Cancellation]:
        order = access.order_for(identity, order_id)
        change = lifecycle.seller_cancel(order, reason, comment, cancel_id, now, policy, line_items, support)
        return _cancellation_outcome(change, created=True)

    return decide


def arrange_shipment(identity: Identity, order_id: str, now: datetime) -> Decider[Order]:
    def decide() -> Decision[Order]:
        change = lifecycle.arrange_shipment(access.order_for(identity, order_id), now)
        return Decision(change, change.order)

    return decide


def ship(identity: Identity, order_id: str, tracking_number: str, now: datetime) -> Decider[Order]:
    def decide() -> Decision[Order]:
        order = access.order_for(identity, order_id)
        pending = reads.get_cancellation(order.pending_cancel_id) if order.pending_cancel_id else None
        change = lifecycle.ship(order, pending, tracking_number, now)
        return Decision(change, change.order)

    return decide


# --- system -------------------------------------------------------------------------------------------


def expire(cancellation: Cancellation, order: Order | None, now: datetime) -> Decider[Cancellation]:
    """Settles one due item of the index: auto-approves a request past its deadline, or ends a lapsed offer.
    The first attempt uses what the job already read; a retry after a lost race reads both items afresh."""
    first = [(cancellation, order)]

    def decide() -> Decision[Cancellation]:
        c: Cancellation | None
        if first:
            c, o = first.pop()
        else:
            c, o = reads.get_cancellation(cancellation.cancel_id), None
        if o is None and c is not None:
            o = reads.get_order(c.order_id)
        if c is None or o is None:
            raise NotFound(f"Cancellation {cancellation.cancel_id} vanished.", code="CANCELLATION_NOT_FOUND")
        change = lifecycle.settle_due(c, o, now)
        return _cancellation_outcome(change)

    return decide
