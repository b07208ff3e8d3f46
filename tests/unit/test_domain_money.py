"""Line items, partial cancellations and refunds on plain values: no AWS, no HTTP.

The expectations are written from docs/money-and-items.md, with the arithmetic done by hand.
"""

from datetime import UTC, datetime, timedelta

import pytest
from msgspec.structs import replace

from chalicelib.domain import lifecycle, money
from chalicelib.domain.enums import CancellationStatus, OrderStatus, RefundStatus
from chalicelib.domain.errors import Conflict, InvalidRequest
from chalicelib.domain.handover import handover
from chalicelib.domain.model import CancelledLine, LineItem, Order
from chalicelib.domain.money import LineRequest
from chalicelib.domain.reasons import BuyerReason, RejectReason, SellerCancelReason
from tests.unit.test_domain_lifecycle import POLICY

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
LATER = T0 + timedelta(hours=2)  # past the grace period: a paid order's request waits for the seller
# Three lines; B and C share a price, so a refund cannot be right by picking the wrong line.
X = "\N{MULTIPLICATION SIGN}"
ITEMS = (LineItem("SKU-A", 2, 1500), LineItem("SKU-B", 1, 7000), LineItem("SKU-C", 3, 7000))


def order(status: OrderStatus = OrderStatus.AWAITING_SHIPMENT, items: tuple[LineItem, ...] = ITEMS,
          **changes) -> Order:
    paid = T0 if status is not OrderStatus.UNPAID else None
    base = Order("O1", "S1", "B1", items, "IDR", status, placed_at=T0, paid_at=paid)
    return replace(base, **changes)


def lines(*pairs: tuple[str, int]) -> list[LineRequest]:
    return [LineRequest(sku, quantity) for sku, quantity in pairs]


def out_of_stock(o: Order, *pairs: tuple[str, int], cancel_id: str = "C1", now: datetime = LATER):
    return lifecycle.seller_cancel(o, SellerCancelReason.OUT_OF_STOCK, None, cancel_id, now, POLICY,
                                   lines(*pairs) if pairs else None)


def refused_line(o: Order, wanted: list[LineRequest]) -> dict:
    with pytest.raises(InvalidRequest) as refused:
        money.lines_to_cancel(o, wanted)
    assert refused.value.code == "INVALID_LINE_ITEMS"
    assert refused.value.details is not None
    return refused.value.details


# --- line items and their arithmetic -------------------------------------------------------------------


def test_a_new_order_has_nothing_cancelled_and_remaining_total_is_its_total():
    o = order()
    assert [i.cancelled_quantity for i in o.items] == [0, 0, 0]
    assert o.total == o.remaining_total == 2 * 1500 + 7000 + 3 * 7000 == 31000


def test_omitted_line_items_cancel_every_remaining_item_and_that_is_the_whole_order():
    o = order()
    cancelled = money.lines_to_cancel(o, None)
    assert cancelled == (CancelledLine("SKU-A", 2, 3000), CancelledLine("SKU-B", 1, 7000),
                         CancelledLine("SKU-C", 3, 21000))
    assert money.is_whole_order(o, cancelled)
    assert money.refund_of(o, cancelled) == 31000


def test_listing_every_remaining_item_is_a_whole_order_cancel():
    o = order()
    listed = money.lines_to_cancel(o, lines(("SKU-C", 3), ("SKU-A", 2), ("SKU-B", 1)))
    assert listed == money.lines_to_cancel(o, None)  # in the order's own order, whatever the request's
    assert money.is_whole_order(o, listed)


def test_two_lines_with_the_same_price_refund_their_own_quantities():
    o = order()
    cancelled = money.lines_to_cancel(o, lines(("SKU-B", 1), ("SKU-C", 2)))
    assert cancelled == (CancelledLine("SKU-B", 1, 7000), CancelledLine("SKU-C", 2, 14000))
    assert money.refund_of(o, cancelled) == 21000
    assert not money.is_whole_order(o, cancelled)


def test_a_line_cancelled_in_two_steps_down_to_exactly_its_remainder():
    o = order()
    first = out_of_stock(o, ("SKU-C", 1))
    o1 = first.order
    assert [i.cancelled_quantity for i in o1.items] == [0, 0, 1]
    assert o1.remaining_total == 31000 - 7000 and o1.status is OrderStatus.AWAITING_SHIPMENT
    assert refused_line(o1, lines(("SKU-C", 3))) == {"line": 0, "sku": "SKU-C", "remaining": 2}
    second = out_of_stock(o1, ("SKU-C", 2), cancel_id="C2")  # exactly what remains of the line
    o2 = second.order
    assert [i.cancelled_quantity for i in o2.items] == [0, 0, 3]
    assert o2.remaining_total == 3000 + 7000 and o2.status is OrderStatus.AWAITING_SHIPMENT
    assert second.cancellation.line_items == (CancelledLine("SKU-C", 2, 14000),)
    assert refused_line(o2, lines(("SKU-C", 1)))["remaining"] == 0
    # Every remaining item now means A and B only: C has nothing left to cancel.
    assert money.lines_to_cancel(o2, None) == (CancelledLine("SKU-A", 2, 3000), CancelledLine("SKU-B", 1, 7000))


def test_bad_lines_are_refused_naming_the_line():
    o = order()
    assert refused_line(o, lines(("SKU-A", 1), ("SKU-Z", 1))) == {"line": 1, "sku": "SKU-Z"}
    assert refused_line(o, lines(("SKU-A", 0))) == {"line": 0, "sku": "SKU-A"}
    assert refused_line(o, lines(("SKU-A", -1))) == {"line": 0, "sku": "SKU-A"}
    assert refused_line(o, lines(("SKU-A", 3))) == {"line": 0, "sku": "SKU-A", "remaining": 2}
    assert refused_line(o, lines(("SKU-A", 10**30))) == {"line": 0, "sku": "SKU-A", "remaining": 2}
    assert refused_line(o, lines(("SKU-A", 1), ("SKU-A", 1))) == {"line": 1, "sku": "SKU-A"}
    assert refused_line(o, [LineRequest("SKU-A", True)]) == {"line": 0, "sku": "SKU-A"}  # type: ignore[arg-type]
    assert refused_line(o, [LineRequest("SKU-A", 1.0)]) == {"line": 0, "sku": "SKU-A"}  # type: ignore[arg-type]
    assert refused_line(o, []) == {"line": None}
    assert refused_line(o, lines(*[("SKU-A", 1)] * 101)) == {"line": None, "max_lines": 100}


def test_amounts_are_exact_integers_far_beyond_floating_point():
    price = 10**15 - 1  # the largest unit price an order may carry
    o = order(items=(LineItem("SKU-A", 10_000, price), LineItem("SKU-B", 10_000, price)))
    cancelled = money.lines_to_cancel(o, lines(("SKU-A", 9_999)))
    assert cancelled[0].amount == 9_999 * price == 9_998_999_999_999_990_001
    assert float(cancelled[0].amount) != cancelled[0].amount  # a float could not hold it
    assert o.remaining_total - cancelled[0].amount == 10_001 * price


def test_an_order_with_a_repeated_sku_is_refused():
    o = order(items=(LineItem("SKU-A", 1, 100), LineItem("SKU-B", 1, 100), LineItem("SKU-A", 2, 100)))
    with pytest.raises(InvalidRequest) as refused:
        lifecycle.record_order(o, POLICY, "platform")
    assert refused.value.code == "DUPLICATE_SKU"
    assert refused.value.details == {"path": "$.items[2].sku", "sku": "SKU-A"}


# --- partial cancellations through the lifecycle --------------------------------------------------------


def test_a_partial_cancel_leaves_the_order_going_on_and_the_last_item_cancels_it():
    first = out_of_stock(order(), ("SKU-A", 2), ("SKU-C", 3))
    assert first.order.status is OrderStatus.AWAITING_SHIPMENT and first.order.cancel_id is None
    assert first.order.cancelled_at is None and not first.cancellation.whole_order
    assert first.order.remaining_total == 7000
    last = out_of_stock(first.order, ("SKU-B", 1), cancel_id="C2")  # what remains, listed: the whole order
    assert last.cancellation.whole_order
    assert last.order.status is OrderStatus.CANCELLED and last.order.cancel_id == "C2"
    assert last.order.cancelled_at == LATER and last.order.remaining_total == 0
    assert [i.remaining for i in last.order.items] == [0, 0, 0]
    assert handover(last.order).hand_over_to_logistics is False


def test_partial_seller_cancels_only_for_out_of_stock():
    o = order()
    for reason in (SellerCancelReason.WRONG_PRICE, SellerCancelReason.ADDRESS_NOT_DELIVERABLE):
        with pytest.raises(InvalidRequest) as refused:
            lifecycle.seller_cancel(o, reason, None, "C1", LATER, POLICY, lines(("SKU-A", 1)))
        assert refused.value.code == "PARTIAL_CANCEL_NOT_ALLOWED"
        assert refused.value.details == {"reason": reason.value, "allowed_reasons": ["OUT_OF_STOCK"]}
        # Listing every remaining item is the whole order, which any reason allowed for the status may cancel.
        whole = lifecycle.seller_cancel(o, reason, None, "C1", LATER, POLICY,
                                        lines(("SKU-A", 2), ("SKU-B", 1), ("SKU-C", 3)))
        assert whole.order.status is OrderStatus.CANCELLED


def test_sfcr_counts_an_order_once_whatever_mix_of_seller_fault_cancellations():
    first = out_of_stock(order(), ("SKU-A", 1))
    assert first.cohort is not None and first.cohort.seller_fault == 1 and first.order.seller_fault
    second = out_of_stock(first.order, ("SKU-B", 1), cancel_id="C2")
    assert second.cohort is None
    whole = lifecycle.seller_cancel(second.order, SellerCancelReason.WRONG_PRICE, None, "C3", LATER, POLICY)
    assert whole.cohort is None and whole.order.status is OrderStatus.CANCELLED
    assert whole.cancellation.counts_toward_sfcr  # the reason's nature; the order still counts once


def test_a_seller_fault_whole_cancel_after_a_buyer_partial_counts_once():
    o = order()
    buyer = lifecycle.request_cancellation(o, BuyerReason.CHANGED_MIND, None, "C1", T0 + timedelta(minutes=5),
                                           POLICY, lines(("SKU-A", 1)))
    assert buyer.cancellation.status is CancellationStatus.AUTO_APPROVED and buyer.cohort is None
    seller = lifecycle.seller_cancel(buyer.order, SellerCancelReason.WRONG_PRICE, None, "C2", LATER, POLICY)
    assert seller.cohort is not None and seller.cohort.seller_fault == 1
    assert seller.cancellation.line_items == (CancelledLine("SKU-A", 1, 1500), CancelledLine("SKU-B", 1, 7000),
                                              CancelledLine("SKU-C", 3, 21000))


def test_a_partial_request_follows_every_buyer_rule():
    o = order()
    asked = lifecycle.request_cancellation(o, BuyerReason.CHANGED_MIND, None, "C1", LATER, POLICY,
                                           lines(("SKU-B", 1)))
    c = asked.cancellation
    assert c.status is CancellationStatus.REQUESTED and c.respond_by == LATER + timedelta(hours=48)
    assert c.line_items == (CancelledLine("SKU-B", 1, 7000),) and c.refund_status is RefundStatus.NONE
    assert asked.order.items == o.items  # nothing is cancelled before the request is accepted
    # One pending request per order, whole or partial; the seller answers it rather than cancelling.
    with pytest.raises(Conflict) as again:
        lifecycle.request_cancellation(asked.order, BuyerReason.CHANGED_MIND, None, "C2", LATER, POLICY,
                                       lines(("SKU-A", 1)))
    assert again.value.code == "CANCELLATION_ALREADY_PENDING"
    with pytest.raises(Conflict):
        out_of_stock(asked.order, ("SKU-A", 1), cancel_id="C2")
    approved = lifecycle.approve(c, asked.order, LATER + timedelta(hours=1))
    assert approved.order.status is OrderStatus.AWAITING_SHIPMENT and approved.order.pending_cancel_id is None
    assert [i.cancelled_quantity for i in approved.order.items] == [0, 1, 0]
    assert approved.cancellation.refund_status is RefundStatus.PENDING
    assert approved.cancellation.refund_amount == 7000
    assert approved.counters.requested == -1
    # The order goes on: the buyer may ask again, for the rest of it.
    rest = lifecycle.request_cancellation(approved.order, BuyerReason.CHANGED_MIND, None, "C2",
                                          LATER + timedelta(hours=2), POLICY)
    assert rest.cancellation.line_items == (CancelledLine("SKU-A", 2, 3000), CancelledLine("SKU-C", 3, 21000))
    assert rest.cancellation.whole_order


def test_a_partial_request_at_its_deadline_is_auto_approved_and_shipping_rejects_one_before():
    asked = lifecycle.request_cancellation(order(), BuyerReason.CHANGED_MIND, None, "C1", LATER, POLICY,
                                           lines(("SKU-C", 2)))
    deadline = asked.cancellation.respond_by
    assert deadline is not None
    expired = lifecycle.expire(asked.cancellation, asked.order, deadline)
    assert expired.order.status is OrderStatus.AWAITING_SHIPMENT and expired.order.unacknowledged == 1
    assert [i.cancelled_quantity for i in expired.order.items] == [0, 0, 2]
    assert expired.cancellation.refund_status is RefundStatus.PENDING
    shipped = lifecycle.ship(asked.order, asked.cancellation, "TRK-1", deadline - timedelta(seconds=1))
    assert shipped.cancellation is not None and shipped.cancellation.status is CancellationStatus.REJECTED
    assert shipped.cancellation.refund_status is RefundStatus.NONE and shipped.order.items == ITEMS


def test_a_rejected_or_withdrawn_partial_request_owes_nothing():
    asked = lifecycle.request_cancellation(order(), BuyerReason.CHANGED_MIND, None, "C1", LATER, POLICY,
                                           lines(("SKU-A", 1)))
    withdrawn = lifecycle.withdraw(asked.cancellation, asked.order, LATER)
    assert withdrawn.cancellation.refund_status is RefundStatus.NONE and withdrawn.order.items == ITEMS
    assert withdrawn.cancellation.refund_amount == 1500  # what it would have returned; nothing is owed
    again = lifecycle.request_cancellation(withdrawn.order, BuyerReason.CHANGED_MIND, None, "C2", LATER, POLICY,
                                           lines(("SKU-A", 1)))
    rejected = lifecycle.reject(again.cancellation, again.order, RejectReason.DELIVERY_ON_SCHEDULE, None, LATER)
    assert rejected.cancellation.refund_status is RefundStatus.NONE and not rejected.order.buyer_may_request


def test_two_unacknowledged_partial_auto_approvals_need_two_acknowledgements():
    inside = T0 + timedelta(minutes=10)
    first = lifecycle.request_cancellation(order(), BuyerReason.CHANGED_MIND, None, "C1", inside, POLICY,
                                           lines(("SKU-A", 1)))
    second = lifecycle.request_cancellation(first.order, BuyerReason.CHANGED_MIND, None, "C2", inside, POLICY,
                                            lines(("SKU-B", 1)))
    assert second.order.unacknowledged == 2 and second.order.needs_attention
    seen = lifecycle.acknowledge(first.cancellation, second.order, inside)
    assert seen is not None and seen.order.needs_attention and seen.order.unacknowledged == 1
    both = lifecycle.acknowledge(second.cancellation, seen.order, inside)
    assert both is not None and not both.order.needs_attention


def test_an_unpaid_order_owes_no_refund_and_its_remaining_total_is_what_is_paid_later():
    unpaid = order(OrderStatus.UNPAID)
    cancelled = out_of_stock(unpaid, ("SKU-C", 3))
    assert cancelled.cancellation.refund_status is RefundStatus.NOT_APPLICABLE
    assert cancelled.cancellation.refund_amount is None
    assert money.refund_of(unpaid, cancelled.cancellation.line_items) is None
    assert cancelled.order.status is OrderStatus.UNPAID and cancelled.order.remaining_total == 10000
    with pytest.raises(Conflict) as refused:
        lifecycle.report_refund(cancelled.cancellation, cancelled.order, "REF-1", LATER, "payments")
    assert refused.value.code == "REFUND_NOT_PENDING"


# --- refunds ----------------------------------------------------------------------------------------------


def test_the_platform_reports_a_refund_once_and_the_same_reference_again_changes_nothing():
    cancelled = out_of_stock(order(), ("SKU-A", 1))
    c = cancelled.cancellation
    assert c.refund_status is RefundStatus.PENDING and c.refund_amount == 1500 and c.currency == "IDR"
    refunded = lifecycle.report_refund(c, cancelled.order, "PAY-1", LATER + timedelta(minutes=1), "payments")
    assert refunded is not None and refunded.cancellation is not None
    done = refunded.cancellation
    assert done.refund_status is RefundStatus.REFUNDED and done.refund_reference == "PAY-1"
    assert done.refunded_at == LATER + timedelta(minutes=1) and done.version == c.version + 1
    assert refunded.history.action == "REFUNDED" and refunded.history.cancel_id == c.cancel_id
    assert refunded.order.version == cancelled.order.version + 1 and refunded.order.items == cancelled.order.items
    assert lifecycle.report_refund(done, refunded.order, "PAY-1", LATER + timedelta(hours=1), "payments") is None
    with pytest.raises(Conflict) as other:
        lifecycle.report_refund(done, refunded.order, "PAY-2", LATER, "payments")
    assert other.value.code == "REFUND_ALREADY_REPORTED"
    assert other.value.details == {"current": {"refund_status": "REFUNDED", "refund_reference": "PAY-1"}}


def test_a_refund_not_yet_owed_cannot_be_reported():
    asked = lifecycle.request_cancellation(order(), BuyerReason.CHANGED_MIND, None, "C1", LATER, POLICY)
    with pytest.raises(Conflict) as refused:
        lifecycle.report_refund(asked.cancellation, asked.order, "PAY-1", LATER, "payments")
    assert refused.value.code == "REFUND_NOT_PENDING"
    assert refused.value.details == {"current": {"status": "REQUESTED", "refund_status": "NONE"}}


# --- handover ---------------------------------------------------------------------------------------------


def test_a_partly_cancelled_order_to_ship_names_what_not_to_pack():
    first = out_of_stock(order(), ("SKU-C", 1))
    assert handover(first.order).hand_over_to_logistics is True
    assert handover(first.order).warning == f"Don't pack the cancelled items: SKU-C {X} 1."
    second = out_of_stock(first.order, ("SKU-A", 2), ("SKU-C", 1), cancel_id="C2")
    assert handover(second.order).warning == f"Don't pack the cancelled items: SKU-A {X} 2, SKU-C {X} 2."
    arranged = lifecycle.arrange_shipment(second.order, LATER)
    assert handover(arranged.order).warning == f"Don't pack the cancelled items: SKU-A {X} 2, SKU-C {X} 2."
    shipped = lifecycle.ship(arranged.order, None, "TRK-1", LATER)
    assert handover(shipped.order).warning is None  # handed over: nothing left to warn about
    unpaid = out_of_stock(order(OrderStatus.UNPAID), ("SKU-A", 1)).order
    assert handover(unpaid).hand_over_to_logistics is False and handover(unpaid).warning is None
