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


def expected(status: OrderStatus, pending: bool) -> tuple[bool, str | None]:
    if status in CANCELLED:
        return False, NO_HANDOVER
    if status in TO_LOGISTICS:
        return (False, ANSWER_FIRST) if pending else (True, None)
    assert status in NOT_YET_PAID | ALREADY_SHIPPED, status
    return False, None  # nothing to hand over yet, or already handed over


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
    assert (got.hand_over_to_logistics, got.warning) == expected(status, pending)
