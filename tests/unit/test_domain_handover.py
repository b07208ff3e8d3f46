"""Whether the parcel goes to logistics, and the warning the seller sees (product.md V6)."""

from datetime import UTC, datetime

import pytest
from msgspec.structs import replace

from chalicelib.domain.enums import OrderStatus
from chalicelib.domain.handover import NO_HANDOVER_WARNING, PENDING_REQUEST_WARNING, Handover, handover
from chalicelib.domain.model import LineItem, Order

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
ORDER = Order("O1", "S1", "B1", (LineItem("SKU", 1, 100),), "IDR", OrderStatus.AWAITING_SHIPMENT, placed_at=T0)


def test_a_cancelled_order_is_not_handed_over_and_says_so() -> None:
    assert handover(replace(ORDER, status=OrderStatus.CANCELLED)) == Handover(False, NO_HANDOVER_WARNING)
    assert NO_HANDOVER_WARNING == "You don't need to hand over this order to logistics."


@pytest.mark.parametrize("status", [OrderStatus.AWAITING_SHIPMENT, OrderStatus.AWAITING_COLLECTION])
def test_a_paid_order_waits_while_a_request_is_pending_then_goes(status: OrderStatus) -> None:
    waiting = replace(ORDER, status=status, pending_cancel_id="C1")
    assert handover(waiting) == Handover(False, PENDING_REQUEST_WARNING)
    assert handover(replace(waiting, pending_cancel_id=None)) == Handover(True, None)


@pytest.mark.parametrize("status", [OrderStatus.UNPAID, OrderStatus.IN_TRANSIT, OrderStatus.DELIVERED,
                                    OrderStatus.COMPLETED])
def test_unpaid_and_shipped_orders_have_nothing_to_hand_over(status: OrderStatus) -> None:
    assert handover(replace(ORDER, status=status)) == Handover(False, None)
