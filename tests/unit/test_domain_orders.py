"""Recording an order (product.md O1) on plain values: which statuses and times a new order may carry."""

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.config import DEFAULT_SFCR_BANDS
from chalicelib.domain import lifecycle
from chalicelib.domain.enums import OrderStatus
from chalicelib.domain.errors import InvalidRequest
from chalicelib.domain.model import LineItem, Order
from chalicelib.domain.policy import Policy, parse_bands

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
POLICY = Policy(timedelta(hours=48), timedelta(hours=1), 7, "UTC", 0.025, parse_bands(DEFAULT_SFCR_BANDS))


def new_order(status: OrderStatus, paid_at: datetime | None) -> Order:
    return Order("O1", "S1", "B1", (LineItem("SKU", 1, 100),), "IDR", status, placed_at=T0, paid_at=paid_at)


@pytest.mark.parametrize("status", [s for s in OrderStatus if s not in (OrderStatus.UNPAID,
                                                                        OrderStatus.AWAITING_SHIPMENT)])
def test_a_new_order_is_unpaid_or_awaiting_shipment(status: OrderStatus) -> None:
    with pytest.raises(InvalidRequest) as error:
        lifecycle.record_order(new_order(status, T0), POLICY, "platform")
    assert error.value.code == "INVALID_STATUS"


def test_paid_at_belongs_to_a_paid_order_and_never_precedes_placed_at() -> None:
    for status, paid_at in ((OrderStatus.UNPAID, T0), (OrderStatus.AWAITING_SHIPMENT, T0 - timedelta(seconds=1))):
        with pytest.raises(InvalidRequest) as error:
            lifecycle.record_order(new_order(status, paid_at), POLICY, "platform")
        assert error.value.code == "INVALID_PAID_AT"
    recorded = lifecycle.record_order(new_order(OrderStatus.AWAITING_SHIPMENT, T0), POLICY, "platform")
    assert recorded.order.paid_at == T0 and recorded.cohort is not None and recorded.cohort.orders == 1
