"""Offers on plain values (docs/offers.md): the stopped clock, the buyer's answers, the lapse and the promise."""

from datetime import timedelta

import pytest

from chalicelib.domain import lifecycle
from chalicelib.domain.enums import (
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
from chalicelib.domain.errors import Conflict, InvalidRequest
from chalicelib.domain.model import CounterDelta
from chalicelib.domain.offers import OfferTerms
from chalicelib.domain.reasons import BuyerReason, RejectReason
from tests.unit.test_domain_lifecycle import POLICY, T0, pending

ASKED = T0 + timedelta(hours=2)  # the request's time: respond_by is 48 h later
NOW = ASKED + timedelta(hours=10)  # 38 h left
KEEP = OfferTerms(OfferKind.KEEP_ORDER, "We pack it today")


def offered(terms: OfferTerms = KEEP, now=NOW):
    c, o = pending(ASKED)
    change = lifecycle.make_offer(c, o, terms, now, POLICY)
    return change.cancellation, change.order, change


def test_an_offer_stops_the_sellers_clock_and_waits_for_the_buyer():
    c, o, change = offered(OfferTerms(OfferKind.PARTIAL_REFUND, "Keep it for less", amount=200))
    assert c.status is CancellationStatus.REQUESTED and c.respond_by is None
    assert c.response_seconds_left == 38 * 3600
    assert c.offer is not None and c.offer.status is OfferStatus.OPEN and c.offer.amount == 200
    assert c.offer.made_at == NOW and c.offer.answer_by == NOW + timedelta(days=1)
    assert o.pending_cancel_id == c.cancel_id and o.pending_respond_by is None
    assert change.counters == CounterDelta(requested=-1, awaiting_buyer=1)
    assert change.history.action is HistoryAction.OFFER_MADE and change.history.actor is Actor.SELLER
    assert not lifecycle.is_due(c, NOW + timedelta(days=30))  # the job never auto-approves it meanwhile


def test_seconds_left_round_up():
    c, _, _ = offered(now=ASKED + timedelta(hours=47, minutes=59, seconds=59, milliseconds=1))
    assert c.response_seconds_left == 1


def test_one_offer_per_request_whatever_became_of_the_first():
    c, o, _ = offered()
    with pytest.raises(Conflict) as error:
        lifecycle.make_offer(c, o, KEEP, NOW, POLICY)
    assert error.value.code == "OFFER_ALREADY_MADE"
    declined = lifecycle.decline_offer(c, o, NOW)
    with pytest.raises(Conflict) as error:
        lifecycle.make_offer(declined.cancellation, declined.order, KEEP, NOW, POLICY)
    assert error.value.code == "OFFER_ALREADY_MADE"


def test_no_offer_after_the_deadline_nor_on_an_answered_request():
    c, o = pending(ASKED)
    with pytest.raises(Conflict) as error:
        lifecycle.make_offer(c, o, KEEP, ASKED + timedelta(hours=48), POLICY)
    assert error.value.code == "RESPONSE_DEADLINE_PASSED"
    approved = lifecycle.approve(c, o, NOW)
    with pytest.raises(Conflict) as error:
        lifecycle.make_offer(approved.cancellation, approved.order, KEEP, NOW, POLICY)
    assert error.value.code == "CANCELLATION_NOT_PENDING"


@pytest.mark.parametrize(("terms", "field"), [
    (OfferTerms(OfferKind.PARTIAL_REFUND, "x"), "amount"),
    (OfferTerms(OfferKind.PARTIAL_REFUND, "x", amount=100, ship_by=NOW + timedelta(days=1)), "ship_by"),
    (OfferTerms(OfferKind.SHIP_BY, "x"), "ship_by"),
    (OfferTerms(OfferKind.SHIP_BY, "x", amount=1, ship_by=NOW + timedelta(days=1)), "amount"),
    (OfferTerms(OfferKind.KEEP_ORDER, "x", amount=1), "amount"),
    (OfferTerms(OfferKind.KEEP_ORDER, "x", ship_by=NOW + timedelta(days=1)), "ship_by"),
    (OfferTerms(OfferKind.KEEP_ORDER, "   "), "message"),
    (OfferTerms(OfferKind.PARTIAL_REFUND, "x", amount=0), "amount"),
    (OfferTerms(OfferKind.PARTIAL_REFUND, "x", amount=1001), "amount"),  # the order's remaining total is 1000
    (OfferTerms(OfferKind.SHIP_BY, "x", ship_by=NOW), "ship_by"),
    (OfferTerms(OfferKind.SHIP_BY, "x", ship_by=NOW + timedelta(days=5, seconds=1)), "ship_by"),
])
def test_terms_of_another_kind_or_out_of_range_are_refused(terms, field):
    c, o = pending(ASKED)
    with pytest.raises(InvalidRequest) as error:
        lifecycle.make_offer(c, o, terms, NOW, POLICY)
    assert error.value.code == "INVALID_OFFER" and error.value.details["field"] == field


def test_the_edges_of_the_ranges_are_taken():
    for terms in (OfferTerms(OfferKind.PARTIAL_REFUND, "x", amount=1),
                  OfferTerms(OfferKind.PARTIAL_REFUND, "x", amount=1000),
                  OfferTerms(OfferKind.SHIP_BY, "x", ship_by=NOW + timedelta(days=5))):
        assert offered(terms)[0].offer is not None


def test_the_seller_cannot_answer_while_the_offer_is_open():
    c, o, _ = offered()
    for answer in (lambda: lifecycle.approve(c, o, NOW),
                   lambda: lifecycle.reject(c, o, RejectReason.DELIVERY_ON_SCHEDULE, None, NOW)):
        with pytest.raises(Conflict) as error:
            answer()
        assert error.value.code == "OFFER_OPEN"


def test_withdrawing_ends_the_offer_declined():
    c, o, _ = offered()
    change = lifecycle.withdraw(c, o, NOW + timedelta(hours=1))
    assert change.cancellation.status is CancellationStatus.WITHDRAWN
    assert change.cancellation.withdraw_cause is WithdrawCause.BUYER
    assert change.cancellation.offer.status is OfferStatus.DECLINED
    assert change.counters == CounterDelta(awaiting_buyer=-1)
    assert change.order.pending_cancel_id is None


def test_an_ordinary_withdrawal_says_buyer():
    c, o = pending(ASKED)
    change = lifecycle.withdraw(c, o, NOW)
    assert change.cancellation.withdraw_cause is WithdrawCause.BUYER and change.counters == CounterDelta(requested=-1)


def test_shipping_rejects_the_request_and_expires_the_offer():
    c, o, _ = offered()
    change = lifecycle.ship(o, c, "TRK", NOW)
    assert change.cancellation.status is CancellationStatus.REJECTED
    assert change.cancellation.reject_reason == RejectReason.ORDER_SHIPPED.value
    assert change.cancellation.offer.status is OfferStatus.EXPIRED and change.cancellation.offer.answered_at is None
    assert change.history.action is HistoryAction.SHIPPED
    assert change.counters == CounterDelta(awaiting_buyer=-1)


def test_accepting_a_partial_refund_owes_its_amount_and_cancels_nothing():
    c, o, _ = offered(OfferTerms(OfferKind.PARTIAL_REFUND, "Keep it for less", amount=300))
    change = lifecycle.accept_offer(c, o, NOW + timedelta(hours=1))
    done = change.cancellation
    assert done.status is CancellationStatus.WITHDRAWN and done.withdraw_cause is WithdrawCause.OFFER_ACCEPTED
    assert done.offer.status is OfferStatus.ACCEPTED and done.offer.answered_at == NOW + timedelta(hours=1)
    assert done.refund_status is RefundStatus.PENDING and done.refund_amount == 300
    assert done.line_items == c.line_items
    assert change.order.items == o.items and change.order.remaining_total == o.remaining_total
    assert change.order.status is OrderStatus.AWAITING_SHIPMENT and change.order.pending_cancel_id is None
    assert change.counters == CounterDelta(awaiting_buyer=-1)
    refunded = lifecycle.report_refund(done, change.order, "PSP-1", NOW + timedelta(hours=2), "P")
    assert refunded.cancellation.refund_status is RefundStatus.REFUNDED and refunded.cancellation.refund_amount == 300


def test_accepting_a_ship_by_puts_the_promise_on_the_order():
    ship_by = NOW + timedelta(days=2)
    c, o, _ = offered(OfferTerms(OfferKind.SHIP_BY, "Tomorrow", ship_by=ship_by))
    change = lifecycle.accept_offer(c, o, NOW)
    assert change.order.promised_ship_by == ship_by
    assert change.cancellation.refund_status is RefundStatus.NONE


def test_a_broken_promise_auto_approves_the_next_request_as_seller_fault():
    ship_by = NOW + timedelta(days=2)
    c, o, _ = offered(OfferTerms(OfferKind.SHIP_BY, "Tomorrow", ship_by=ship_by))
    kept = lifecycle.accept_offer(c, o, NOW).order
    early = lifecycle.request_cancellation(kept, BuyerReason.CHANGED_MIND, None, "C2", ship_by - timedelta(seconds=1),
                                           POLICY)
    assert early.cancellation.status is CancellationStatus.REQUESTED  # the promise still holds
    late = lifecycle.request_cancellation(kept, BuyerReason.CHANGED_MIND, None, "C2", ship_by, POLICY)
    assert late.cancellation.status is CancellationStatus.AUTO_APPROVED
    assert late.cancellation.auto_approve_cause is AutoApproveCause.PROMISE_MISSED
    assert late.cancellation.fault is Fault.SELLER and late.cancellation.counts_toward_sfcr
    assert late.order.status is OrderStatus.CANCELLED and late.order.seller_fault
    assert late.cohort is not None and late.cohort.seller_fault == 1
    assert late.counters == CounterDelta(auto_approved=1)
    assert not lifecycle.request_waits_for_seller(kept, ship_by, POLICY)  # the seller's rules are not read


@pytest.mark.parametrize(("left_at_offer", "expected"), [
    (timedelta(hours=38), timedelta(hours=38)),
    (timedelta(minutes=10), timedelta(hours=1)),  # at least an hour back
])
def test_declining_restarts_the_clock_with_what_was_left(left_at_offer, expected):
    c, o, _ = offered(now=ASKED + timedelta(hours=48) - left_at_offer)
    later = NOW + timedelta(hours=5)
    change = lifecycle.decline_offer(c, o, later)
    done = change.cancellation
    assert done.status is CancellationStatus.REQUESTED and done.respond_by == later + expected
    assert done.response_seconds_left is None and done.offer.status is OfferStatus.DECLINED
    assert change.order.pending_respond_by == later + expected
    assert change.counters == CounterDelta(requested=1, awaiting_buyer=-1)
    assert change.history.action is HistoryAction.OFFER_DECLINED


def test_the_job_ends_a_lapsed_offer_and_restarts_the_clock():
    c, o, _ = offered()
    answer_by = c.offer.answer_by
    with pytest.raises(Conflict) as error:
        lifecycle.settle_due(c, o, answer_by - timedelta(seconds=1))
    assert error.value.code == "OFFER_NOT_DUE"
    change = lifecycle.settle_due(c, o, answer_by)
    assert change.history.action is HistoryAction.OFFER_EXPIRED and change.history.actor is Actor.SYSTEM
    assert change.cancellation.offer.status is OfferStatus.EXPIRED and change.cancellation.offer.answered_at is None
    assert change.cancellation.respond_by == answer_by + timedelta(hours=38)
    assert change.counters == CounterDelta(requested=1, awaiting_buyer=-1)


def test_the_buyer_answers_only_an_open_offer_before_its_answer_by():
    c, o, _ = offered()
    for answer in (lifecycle.accept_offer, lifecycle.decline_offer):
        with pytest.raises(Conflict) as error:
            answer(c, o, c.offer.answer_by)
        assert error.value.code == "OFFER_NOT_OPEN"
    declined = lifecycle.decline_offer(c, o, NOW)
    with pytest.raises(Conflict) as error:
        lifecycle.accept_offer(declined.cancellation, declined.order, NOW)
    assert error.value.code == "OFFER_NOT_OPEN"
    plain, order_ = pending(ASKED)
    with pytest.raises(Conflict) as error:
        lifecycle.decline_offer(plain, order_, NOW)
    assert error.value.code == "OFFER_NOT_OPEN"
