"""Line items and refunds survive the store's mapping both ways, and items written before them read as they
meant: a whole order, nothing cancelled, refund NONE."""

from datetime import UTC, datetime, timedelta

from msgspec.structs import replace

from chalicelib.domain.enums import Actor, CancellationStatus, Fault, OrderStatus, RefundStatus
from chalicelib.domain.model import Cancellation, CancelledLine, LineItem, Order
from chalicelib.store import mapping

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def an_order() -> Order:
    return Order("O1", "S1", "B1", (LineItem("SKU-A", 2, 1500, 1), LineItem("SKU-B", 10_000, 10**15, 9_999)),
                 "IDR", OrderStatus.AWAITING_SHIPMENT, placed_at=T0, paid_at=T0, unacknowledged=2,
                 seller_fault=True, fingerprint="f")


def a_cancellation() -> Cancellation:
    return Cancellation("C1", "O1", "S1", "B1", Actor.SELLER, CancellationStatus.SELLER_CANCELLED, "OUT_OF_STOCK",
                        T0, Fault.SELLER, True, resolved_at=T0, resolved_by=Actor.SELLER,
                        line_items=(CancelledLine("SKU-B", 9_999, 9_999 * 10**15),), whole_order=False,
                        currency="IDR", refund_status=RefundStatus.REFUNDED, refunded_at=T0 + timedelta(hours=1),
                        refund_reference="PAY/2026-11-23.1")


def test_an_order_with_cancelled_quantities_round_trips():
    order = an_order()
    item = mapping.order_to_item(order)
    assert item.remaining_total == 1500 + 10**15
    assert mapping.order_from_raw(item.serialize()) == order


def test_a_cancellation_with_lines_and_a_refund_round_trips():
    c = a_cancellation()
    assert mapping.cancellation_from_raw(mapping.cancellation_to_item(c).serialize()) == c


def test_items_written_before_line_items_read_as_whole_orders_with_nothing_cancelled():
    raw = mapping.order_to_item(replace(an_order(), unacknowledged=1)).serialize()
    for line in raw["items"]["L"]:
        del line["M"]["cancelled_quantity"]
    for name in ("unacknowledged", "seller_fault", "remaining_total"):
        del raw[name]
    old = mapping.order_from_raw(raw)
    assert [i.cancelled_quantity for i in old.items] == [0, 0]
    assert old.unacknowledged == 1 and not old.seller_fault  # the old flag says one is unseen

    raw = mapping.cancellation_to_item(a_cancellation()).serialize()
    for name in ("line_items", "whole_order", "currency", "refund_status", "refunded_at", "refund_reference"):
        raw.pop(name, None)
    old_c = mapping.cancellation_from_raw(raw)
    assert old_c.line_items == () and old_c.whole_order and old_c.refund_status is RefundStatus.NONE
