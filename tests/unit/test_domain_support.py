"""The support desk's domain (docs/support-desk.md): an operator's cancel is the party's own change, with the party's
rules, reasons and fault; only the record of who pressed the button differs."""

from datetime import timedelta

import pytest
from msgspec.structs import replace

from chalicelib.domain import lifecycle
from chalicelib.domain.enums import Actor, ActorRole, CancellationStatus, Fault, HistoryAction, OrderStatus
from chalicelib.domain.errors import InvalidRequest
from chalicelib.domain.reasons import BuyerReason, SellerCancelReason
from chalicelib.domain.support import ActedBy, SupportAct, buyer_reason, derived, seller_reason
from tests.unit.test_domain_lifecycle import POLICY, T0, order

LATER = T0 + timedelta(hours=3)
ACT = SupportAct("OP1", "T-123", "The seller phoned")


def test_an_operators_seller_cancel_is_the_sellers_change_with_the_operator_on_record():
    own = lifecycle.seller_cancel(order(), SellerCancelReason.OUT_OF_STOCK, None, "C1", LATER, POLICY)
    by_support = lifecycle.seller_cancel(order(), SellerCancelReason.OUT_OF_STOCK, None, "C1", LATER, POLICY,
                                         support=ACT)
    # The same change in every respect but who pressed the button: order, counters, cohort, fault.
    assert by_support.order == own.order and by_support.cohort == own.cohort and by_support.counters == own.counters
    assert replace(by_support.cancellation, actor=None) == replace(own.cancellation, actor=None)
    assert by_support.cancellation.fault is Fault.SELLER and by_support.cancellation.counts_toward_sfcr
    assert by_support.cancellation.initiator is Actor.SELLER and by_support.cancellation.resolved_by is Actor.SELLER
    assert own.cancellation.actor == ActedBy(ActorRole.SELLER, "S1")
    assert by_support.cancellation.actor == ActedBy(ActorRole.OPERATOR, "OP1", "T-123")
    entry = by_support.history
    assert (entry.actor, entry.actor_id, entry.action, entry.ticket, entry.on_behalf_of, entry.operator_note) == (
        Actor.OPERATOR, "OP1", HistoryAction.SELLER_CANCELLED, "T-123", Actor.SELLER, "The seller phoned")
    assert (own.history.actor, own.history.ticket, own.history.on_behalf_of) == (Actor.SELLER, None, None)


@pytest.mark.parametrize(("paid_ago", "status", "action"), [
    (timedelta(minutes=10), CancellationStatus.AUTO_APPROVED, HistoryAction.CANCELLATION_AUTO_APPROVED),
    (timedelta(hours=3), CancellationStatus.REQUESTED, HistoryAction.CANCELLATION_REQUESTED)])
def test_an_operators_request_is_the_buyers_own(paid_ago, status, action):
    paid = order(paid_at=LATER - paid_ago)
    change = lifecycle.request_cancellation(paid, BuyerReason.CHANGED_MIND, None, "C2", LATER, POLICY, support=ACT)
    c = change.cancellation
    assert c.status is status and c.initiator is Actor.BUYER and c.buyer_id == "B1"
    assert c.fault is Fault.BUYER and not c.counts_toward_sfcr
    assert c.actor == ActedBy(ActorRole.OPERATOR, "OP1", "T-123")
    assert (change.history.actor, change.history.action, change.history.on_behalf_of) == (
        Actor.OPERATOR, action, Actor.BUYER)


def test_the_party_rules_hold_for_an_operator():
    with pytest.raises(InvalidRequest) as refused:
        lifecycle.request_cancellation(order(), BuyerReason.OTHER, None, "C3", LATER, POLICY, support=ACT)
    assert refused.value.code == "COMMENT_REQUIRED"
    with pytest.raises(InvalidRequest) as refused:
        lifecycle.seller_cancel(order(), SellerCancelReason.BUYER_NOT_PAID_IN_TIME, None, "C4", LATER, POLICY,
                                support=ACT)
    assert refused.value.code == "REASON_NOT_ALLOWED"


def test_a_reason_is_the_partys_own_or_refused_with_the_partys_list():
    assert seller_reason("WRONG_PRICE") is SellerCancelReason.WRONG_PRICE
    assert buyer_reason("OTHER") is BuyerReason.OTHER
    with pytest.raises(InvalidRequest) as refused:
        seller_reason("CHANGED_MIND")
    assert refused.value.code == "REASON_NOT_ALLOWED"
    assert refused.value.details == {"reason": "CHANGED_MIND", "allowed": [r.value for r in SellerCancelReason]}
    with pytest.raises(InvalidRequest) as refused:
        buyer_reason("OUT_OF_STOCK")
    assert refused.value.details == {"reason": "OUT_OF_STOCK", "allowed": [r.value for r in BuyerReason]}


def test_an_item_from_before_actors_reads_as_its_initiators():
    assert derived(Actor.BUYER, "S1", "B1") == ActedBy(ActorRole.BUYER, "B1")
    assert derived(Actor.SELLER, "S1", "B1") == ActedBy(ActorRole.SELLER, "S1")
    assert derived(Actor.SYSTEM, "S1", "B1") == ActedBy(ActorRole.SYSTEM, "system")
    asked = lifecycle.request_cancellation(order(OrderStatus.UNPAID), BuyerReason.CHANGED_MIND, None, "C5", LATER,
                                           POLICY).cancellation
    assert replace(asked, actor=None).acted_by == asked.acted_by == ActedBy(ActorRole.BUYER, "B1")
