"""The product rules on plain values: no AWS, no HTTP."""

from datetime import UTC, datetime, timedelta

import pytest
from msgspec.structs import replace

from chalicelib.domain import lifecycle
from chalicelib.domain.enums import Actor, AutoApproveCause, CancellationStatus, Fault, OrderStatus
from chalicelib.domain.errors import Conflict, InvalidRequest
from chalicelib.domain.model import LineItem, Order
from chalicelib.domain.policy import Policy, parse_bands
from chalicelib.domain.reasons import BuyerReason, RejectReason, SellerCancelReason

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
POLICY = Policy(
    response_window=timedelta(hours=48),
    grace_period=timedelta(hours=1),
    sfcr_window_days=7,
    market_timezone="UTC",
    sfcr_target=0.025,
    sfcr_bands=parse_bands("0:GOOD:1,0.025:AT_RISK:1,0.10:RESTRICTED:0.75,0.75:SUSPENDED:0"),
)


def order(status: OrderStatus = OrderStatus.AWAITING_SHIPMENT, **changes) -> Order:
    paid = T0 if status is not OrderStatus.UNPAID else None
    base = Order("O1", "S1", "B1", (LineItem("SKU", 2, 500),), "IDR", status, placed_at=T0, paid_at=paid)
    return replace(base, **changes)


def pending(now: datetime = T0 + timedelta(hours=2)):
    change = lifecycle.request_cancellation(order(), BuyerReason.CHANGED_MIND, None, "C1", now, POLICY)
    return change.cancellation, change.order


# --- buyer requests -----------------------------------------------------------------------------------


def test_unpaid_order_request_is_auto_approved_and_cancels_the_order():
    change = lifecycle.request_cancellation(order(OrderStatus.UNPAID), BuyerReason.CHANGED_MIND, None, "C1", T0,
                                            POLICY)
    assert change.cancellation.status is CancellationStatus.AUTO_APPROVED
    assert change.cancellation.auto_approve_cause is AutoApproveCause.UNPAID_ORDER
    assert change.order.status is OrderStatus.CANCELLED
    assert change.order.awaiting_acknowledgement
    assert change.counters.auto_approved == 1 and change.counters.requested == 0


def test_request_inside_grace_period_is_auto_approved():
    now = T0 + timedelta(minutes=59, seconds=59)
    change = lifecycle.request_cancellation(order(), BuyerReason.ORDERED_BY_MISTAKE, None, "C1", now, POLICY)
    assert change.cancellation.auto_approve_cause is AutoApproveCause.WITHIN_GRACE_PERIOD


def test_request_at_the_end_of_grace_waits_for_the_seller_with_a_deadline():
    now = T0 + timedelta(hours=1)
    change = lifecycle.request_cancellation(order(), BuyerReason.CHANGED_MIND, None, "C1", now, POLICY)
    assert change.cancellation.status is CancellationStatus.REQUESTED
    assert change.cancellation.respond_by == now + timedelta(hours=48)
    assert change.order.pending_cancel_id == "C1" and change.order.status is OrderStatus.AWAITING_SHIPMENT
    assert change.counters.requested == 1


def test_buyer_cancellations_never_count_against_the_seller():
    for status in (OrderStatus.UNPAID, OrderStatus.AWAITING_SHIPMENT):
        change = lifecycle.request_cancellation(order(status), BuyerReason.CHANGED_MIND, None, "C1",
                                                T0 + timedelta(hours=3), POLICY)
        assert change.cancellation.fault is Fault.BUYER and not change.cancellation.counts_toward_sfcr
        assert change.cohort is None


@pytest.mark.parametrize("status", [OrderStatus.IN_TRANSIT, OrderStatus.DELIVERED, OrderStatus.COMPLETED])
def test_request_after_shipping_is_refused(status):
    with pytest.raises(Conflict) as error:
        lifecycle.request_cancellation(order(status), BuyerReason.CHANGED_MIND, None, "C1", T0, POLICY)
    assert error.value.code == "ORDER_ALREADY_SHIPPED"
    assert error.value.details == {"current": {"order_status": status.value}}


def test_other_reason_needs_a_comment():
    with pytest.raises(InvalidRequest) as error:
        lifecycle.request_cancellation(order(), BuyerReason.OTHER, "  ", "C1", T0, POLICY)
    assert error.value.code == "COMMENT_REQUIRED"
    change = lifecycle.request_cancellation(order(), BuyerReason.OTHER, "gift arrived", "C1", T0, POLICY)
    assert change.cancellation.comment == "gift arrived"


def test_one_pending_request_per_order():
    _, waiting = pending()
    with pytest.raises(Conflict) as error:
        lifecycle.request_cancellation(waiting, BuyerReason.CHANGED_MIND, None, "C2", T0 + timedelta(hours=3), POLICY)
    assert error.value.code == "CANCELLATION_ALREADY_PENDING"


def test_after_a_rejection_the_buyer_cannot_ask_again_but_after_a_withdrawal_it_can():
    cancellation, waiting = pending()
    rejected = lifecycle.reject(cancellation, waiting, RejectReason.DELIVERY_ON_SCHEDULE, None, T0 + timedelta(hours=3))
    with pytest.raises(Conflict) as error:
        lifecycle.request_cancellation(rejected.order, BuyerReason.CHANGED_MIND, None, "C2", T0 + timedelta(hours=4),
                                       POLICY)
    assert error.value.code == "CANCELLATION_REJECTED_BEFORE"

    withdrawn = lifecycle.withdraw(cancellation, waiting, T0 + timedelta(hours=3))
    again = lifecycle.request_cancellation(withdrawn.order, BuyerReason.CHANGED_MIND, None, "C2",
                                           T0 + timedelta(hours=4), POLICY)
    assert again.cancellation.status is CancellationStatus.REQUESTED


# --- seller answers and the deadline ------------------------------------------------------------------


def test_approve_cancels_the_order_and_leaves_fault_with_the_buyer():
    cancellation, waiting = pending()
    change = lifecycle.approve(cancellation, waiting, T0 + timedelta(hours=3))
    assert change.cancellation.status is CancellationStatus.APPROVED
    assert change.cancellation.resolved_by is Actor.SELLER and change.cancellation.fault is Fault.BUYER
    assert change.order.status is OrderStatus.CANCELLED and change.order.pending_cancel_id is None
    assert change.counters.requested == -1


def test_reject_needs_a_seller_reason_and_keeps_the_order_going():
    cancellation, waiting = pending()
    with pytest.raises(InvalidRequest) as error:
        lifecycle.reject(cancellation, waiting, RejectReason.ORDER_SHIPPED, None, T0 + timedelta(hours=3))
    assert error.value.code == "REASON_NOT_ALLOWED"
    assert "ORDER_SHIPPED" not in error.value.details["allowed"]
    change = lifecycle.reject(cancellation, waiting, RejectReason.DELIVERY_ON_SCHEDULE, "ships today",
                              T0 + timedelta(hours=3))
    assert change.order.status is OrderStatus.AWAITING_SHIPMENT
    assert change.cancellation.reject_reason == "DELIVERY_ON_SCHEDULE"
    assert change.cancellation.reject_comment == "ships today"


@pytest.mark.parametrize("answer", ["approve", "reject", "withdraw"])
def test_answers_at_or_after_the_deadline_are_refused_even_before_the_job_runs(answer):
    cancellation, waiting = pending()
    at_deadline = cancellation.respond_by
    with pytest.raises(Conflict) as error:
        if answer == "approve":
            lifecycle.approve(cancellation, waiting, at_deadline)
        elif answer == "reject":
            lifecycle.reject(cancellation, waiting, RejectReason.DELIVERY_ON_SCHEDULE, None, at_deadline)
        else:
            lifecycle.withdraw(cancellation, waiting, at_deadline)
    assert error.value.code == "RESPONSE_DEADLINE_PASSED"


def test_one_second_before_the_deadline_the_seller_may_still_answer():
    cancellation, waiting = pending()
    change = lifecycle.approve(cancellation, waiting, cancellation.respond_by - timedelta(seconds=1))
    assert change.cancellation.status is CancellationStatus.APPROVED


def test_expiry_auto_approves_only_when_due():
    cancellation, waiting = pending()
    assert not lifecycle.is_due(cancellation, cancellation.respond_by - timedelta(seconds=1))
    with pytest.raises(Conflict):
        lifecycle.expire(cancellation, waiting, cancellation.respond_by - timedelta(seconds=1))
    change = lifecycle.expire(cancellation, waiting, cancellation.respond_by)
    assert change.cancellation.status is CancellationStatus.AUTO_APPROVED
    assert change.cancellation.auto_approve_cause is AutoApproveCause.SELLER_RESPONSE_TIMEOUT
    assert change.cancellation.resolved_by is Actor.SYSTEM
    assert change.order.status is OrderStatus.CANCELLED and change.order.awaiting_acknowledgement
    assert (change.counters.requested, change.counters.auto_approved) == (-1, 1)


def test_acknowledging_again_changes_nothing():
    cancellation, waiting = pending()
    expired = lifecycle.expire(cancellation, waiting, cancellation.respond_by)
    seen = lifecycle.acknowledge(expired.cancellation, expired.order, cancellation.respond_by + timedelta(hours=1))
    assert seen is not None and seen.counters.auto_approved == -1
    assert not seen.order.needs_attention
    assert lifecycle.acknowledge(seen.cancellation, seen.order, cancellation.respond_by + timedelta(hours=2)) is None


def test_only_auto_approved_cancellations_are_acknowledged():
    cancellation, waiting = pending()
    with pytest.raises(Conflict) as error:
        lifecycle.acknowledge(cancellation, waiting, T0 + timedelta(hours=3))
    assert error.value.code == "CANCELLATION_NOT_AUTO_APPROVED"


# --- seller cancellation ------------------------------------------------------------------------------


@pytest.mark.parametrize(("status", "reason", "fault"), [
    (OrderStatus.UNPAID, SellerCancelReason.OUT_OF_STOCK, Fault.SELLER),
    (OrderStatus.UNPAID, SellerCancelReason.WRONG_PRICE, Fault.SELLER),
    (OrderStatus.UNPAID, SellerCancelReason.BUYER_NOT_PAID_IN_TIME, Fault.BUYER),
    (OrderStatus.AWAITING_SHIPMENT, SellerCancelReason.OUT_OF_STOCK, Fault.SELLER),
    (OrderStatus.AWAITING_COLLECTION, SellerCancelReason.WRONG_PRICE, Fault.SELLER),
    (OrderStatus.AWAITING_SHIPMENT, SellerCancelReason.ADDRESS_NOT_DELIVERABLE, Fault.NONE),
])
def test_seller_cancel_reasons_by_status_set_fault_and_sfcr(status, reason, fault):
    change = lifecycle.seller_cancel(order(status), reason, None, "C9", T0, POLICY)
    assert change.cancellation.status is CancellationStatus.SELLER_CANCELLED
    assert change.cancellation.fault is fault
    assert change.cancellation.counts_toward_sfcr is (fault is Fault.SELLER)
    assert (change.cohort is not None and change.cohort.seller_fault == 1) is (fault is Fault.SELLER)
    assert change.order.status is OrderStatus.CANCELLED


@pytest.mark.parametrize(("status", "reason", "allowed"), [
    (OrderStatus.AWAITING_SHIPMENT, SellerCancelReason.BUYER_NOT_PAID_IN_TIME,
     ["OUT_OF_STOCK", "WRONG_PRICE", "ADDRESS_NOT_DELIVERABLE"]),
    (OrderStatus.UNPAID, SellerCancelReason.ADDRESS_NOT_DELIVERABLE,
     ["OUT_OF_STOCK", "WRONG_PRICE", "BUYER_NOT_PAID_IN_TIME"]),
], ids=["not paid in time, on a paid order", "address not deliverable, on an unpaid order"])
def test_seller_cancel_reason_not_allowed_lists_the_allowed_ones(status, reason, allowed):
    with pytest.raises(InvalidRequest) as error:
        lifecycle.seller_cancel(order(status), reason, None, "C9", T0, POLICY)
    assert error.value.code == "REASON_NOT_ALLOWED"
    assert error.value.details["allowed"] == allowed


def test_seller_cannot_cancel_while_a_buyer_request_is_pending_or_after_shipping():
    _, waiting = pending()
    with pytest.raises(Conflict) as error:
        lifecycle.seller_cancel(waiting, SellerCancelReason.OUT_OF_STOCK, None, "C9", T0 + timedelta(hours=3), POLICY)
    assert error.value.code == "CANCELLATION_REQUEST_PENDING"
    with pytest.raises(Conflict) as error:
        lifecycle.seller_cancel(order(OrderStatus.IN_TRANSIT), SellerCancelReason.OUT_OF_STOCK, None, "C9", T0, POLICY)
    assert error.value.code == "ORDER_ALREADY_SHIPPED"


def test_sfcr_cohort_is_the_day_the_order_was_placed_in_the_market_zone():
    late_evening_utc = datetime(2026, 11, 22, 18, 30, tzinfo=UTC)  # 01:30 on the 23rd in Jakarta
    jakarta = replace(POLICY, market_timezone="Asia/Jakarta")
    change = lifecycle.seller_cancel(order(placed_at=late_evening_utc), SellerCancelReason.OUT_OF_STOCK, None, "C9",
                                     T0, jakarta)
    assert change.cohort.day == "2026-11-23"
    assert lifecycle.record_order(order(placed_at=late_evening_utc, paid_at=None, status=OrderStatus.UNPAID), POLICY,
                                  "platform").cohort.day == "2026-11-22"


# --- shipping -----------------------------------------------------------------------------------------


def test_shipping_rejects_a_pending_request_with_order_shipped():
    cancellation, waiting = pending()
    change = lifecycle.ship(waiting, cancellation, "TRK1", T0 + timedelta(hours=3))
    assert change.order.status is OrderStatus.IN_TRANSIT and change.order.pending_cancel_id is None
    assert change.cancellation.status is CancellationStatus.REJECTED
    assert change.cancellation.reject_reason == "ORDER_SHIPPED" and change.cancellation.resolved_by is Actor.SYSTEM
    assert change.counters.requested == -1


def test_shipping_with_an_overdue_request_is_refused():
    cancellation, waiting = pending()
    with pytest.raises(Conflict) as error:
        lifecycle.ship(waiting, cancellation, "TRK1", cancellation.respond_by)
    assert error.value.code == "RESPONSE_DEADLINE_PASSED"


def test_arranging_is_optional_and_only_from_awaiting_shipment():
    arranged = lifecycle.arrange_shipment(order(), T0).order
    assert arranged.status is OrderStatus.AWAITING_COLLECTION
    with pytest.raises(Conflict):
        lifecycle.arrange_shipment(arranged, T0)
    assert lifecycle.ship(order(), None, "TRK", T0).order.status is OrderStatus.IN_TRANSIT
    assert lifecycle.ship(arranged, None, "TRK", T0).order.status is OrderStatus.IN_TRANSIT
    with pytest.raises(Conflict) as error:
        lifecycle.ship(order(OrderStatus.UNPAID), None, "TRK", T0)
    assert error.value.code == "ORDER_NOT_PAID"


def test_every_change_moves_the_order_version_by_one():
    cancellation, waiting = pending()
    assert waiting.version == 2
    assert lifecycle.approve(cancellation, waiting, T0 + timedelta(hours=3)).order.version == 3
