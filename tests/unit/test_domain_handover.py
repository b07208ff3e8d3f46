"""The handover warning on the seller's order detail, for every order status, with and without a pending
request.

The expectation is written here from product.md ("What the seller sees") and the help article, not read from
`chalicelib.domain.handover`: a parcel goes to logistics only once paid and not yet shipped; never while the
buyer's request waits for the seller's answer; never once cancelled (and the Cancelled tab says so).
"""

from datetime import UTC, datetime
from itertools import product

import pytest
from msgspec.structs import replace

from chalicelib.domain.enums import OrderStatus
from chalicelib.domain.handover import handover
from chalicelib.domain.model import LineItem, Order

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
NO_HANDOVER = "You don't need to hand over this order to logistics."
ANSWER_FIRST = "The buyer asked to cancel this order: answer the request before handing it to logistics."

# Every status sits in exactly one of these; a status added to the enum fails `test_every_status_is_classified`
# until someone decides where its parcel goes.
TO_LOGISTICS = {OrderStatus.AWAITING_SHIPMENT, OrderStatus.AWAITING_COLLECTION}  # paid, not shipped
NOT_YET_PAID = {OrderStatus.UNPAID}
ALREADY_SHIPPED = {OrderStatus.IN_TRANSIT, OrderStatus.DELIVERED, OrderStatus.COMPLETED}
CANCELLED = {OrderStatus.CANCELLED}


def expected(status: OrderStatus, pending: bool) -> tuple[bool, str | None, str | None]:
    if status in CANCELLED:
        return False, NO_HANDOVER, "NO_HANDOVER"
    if status in TO_LOGISTICS:
        return (False, ANSWER_FIRST, "PENDING_REQUEST") if pending else (True, None, None)
    assert status in NOT_YET_PAID | ALREADY_SHIPPED, status
    return False, None, None  # nothing to hand over yet, or already handed over


def order(status: OrderStatus, pending: bool) -> Order:
    base = Order("O1", "S1", "B1", (LineItem("SKU", 1, 500),), "IDR", status, placed_at=T0)
    return replace(base, pending_cancel_id="C1" if pending else None, pending_respond_by=T0 if pending else None)


def test_every_status_is_classified():
    classes = (TO_LOGISTICS, NOT_YET_PAID, ALREADY_SHIPPED, CANCELLED)
    assert sorted(s for group in classes for s in group) == sorted(OrderStatus)


@pytest.mark.parametrize(("status", "pending"), list(product(OrderStatus, (True, False))),
                         ids=lambda value: value.value if isinstance(value, OrderStatus) else
                         ("pending" if value else "none"))
def test_handover_for_every_status_with_and_without_a_pending_request(status: OrderStatus, pending: bool):
    got = handover(order(status, pending))
    assert (got.hand_over_to_logistics, got.warning, got.warning_code) == expected(status, pending)
    assert got.cancelled_items == ()


@pytest.mark.parametrize("status", sorted(TO_LOGISTICS))
def test_a_partly_cancelled_order_names_the_items_to_leave_out_in_words_and_as_data(status: OrderStatus):
    items = (LineItem("SKU-A", 2, 500), LineItem("SKU-B", 3, 700, cancelled_quantity=2),
             LineItem("SKU-C", 1, 900, cancelled_quantity=1))
    got = handover(replace(order(status, False), items=items))
    assert (got.hand_over_to_logistics, got.warning_code) == (True, "PARTLY_CANCELLED")
    assert got.warning == "Don't pack the cancelled items: SKU-B \u00d7 2, SKU-C \u00d7 1."
    assert [(line.sku, line.quantity) for line in got.cancelled_items] == [("SKU-B", 2), ("SKU-C", 1)]
