"""The cancel preview on plain values: the cancellation's own decision, and the SFCR before and after it at
every boundary of the standing bands."""

from datetime import UTC, datetime, timedelta

import pytest
from msgspec.structs import replace

from chalicelib.config import DEFAULT_SFCR_BANDS
from chalicelib.domain import cancel_preview, lifecycle
from chalicelib.domain.enums import OrderStatus
from chalicelib.domain.errors import DomainError
from chalicelib.domain.model import LineItem, Order
from chalicelib.domain.policy import Policy, parse_bands
from chalicelib.domain.reasons import SellerCancelReason

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
POLICY = Policy(timedelta(hours=48), timedelta(hours=1), 7, "UTC", 0.025, parse_bands(DEFAULT_SFCR_BANDS))
OUT_OF_STOCK = SellerCancelReason.OUT_OF_STOCK


def order(status: OrderStatus = OrderStatus.AWAITING_SHIPMENT, **changes) -> Order:
    placed = NOW - timedelta(hours=3)
    paid = placed if status is not OrderStatus.UNPAID else None
    base = Order("O1", "S1", "B1", (LineItem("SKU", 2, 75000),), "IDR", status, placed_at=placed, paid_at=paid)
    return replace(base, **changes)


# (orders, seller-fault cancellations before): one more seller-fault cancellation lands exactly on a boundary.
BOUNDARIES = [
    (40, 0, ("GOOD", 1.0), ("AT_RISK", 1.0)),  # 0% -> 2.5%
    (10, 0, ("AT_RISK", 1.0), ("RESTRICTED", 0.75)),  # 0% is GOOD: see the next line for AT_RISK -> RESTRICTED
    (20, 1, ("AT_RISK", 1.0), ("RESTRICTED", 0.75)),  # 5% -> 10%
    (10, 2, ("RESTRICTED", 0.75), ("RESTRICTED", 0.5)),  # 20% -> 30%: same standing, lower cap
    (10, 4, ("RESTRICTED", 0.5), ("RESTRICTED", 0.25)),  # 40% -> 50%
    (4, 2, ("RESTRICTED", 0.25), ("SUSPENDED", 0.0)),  # 50% -> 75%
]


@pytest.mark.parametrize(("orders", "faults", "before", "after"), BOUNDARIES,
                         ids=[f"{f}-of-{o}-to-{a[0]}-{a[1]:.0%}" for o, f, _, a in BOUNDARIES])
def test_one_more_seller_fault_cancellation_onto_each_boundary_warns(orders, faults, before, after):
    if orders == 10 and faults == 0:
        before = ("GOOD", 1.0)  # 0 of 10 is 0%: GOOD, and one more is 10%: two bands at once
    result = cancel_preview.preview(order(), OUT_OF_STOCK, None, NOW, POLICY, orders, faults)
    assert result.allowed and result.problem is None
    assert (result.sfcr_now.orders, result.sfcr_now.seller_fault_cancellations) == (orders, faults)
    assert (result.sfcr_after.orders, result.sfcr_after.seller_fault_cancellations) == (orders, faults + 1)
    assert result.sfcr_after.rate == (faults + 1) / orders
    assert (result.sfcr_now.standing, result.sfcr_now.order_volume_cap) == before
    assert (result.sfcr_after.standing, result.sfcr_after.order_volume_cap) == after
    assert result.warning is not None and result.warning_code == "SFCR_BAND_WORSENS"
    stays = f"your standing stays {after[0]}"
    assert (stays if before[0] == after[0] else f"from {before[0]} to {after[0]}") in result.warning
    assert (f"cap drops from {before[1]:.0%} to {after[1]:.0%}" in result.warning) == (after[1] < before[1])


JUST_BELOW = [(41, 0, "GOOD"), (21, 1, "AT_RISK"), (11, 2, "RESTRICTED"), (11, 4, "RESTRICTED"), (10, 5, "RESTRICTED")]


@pytest.mark.parametrize(("orders", "faults", "standing"), JUST_BELOW,
                         ids=[f"{f}-of-{o}" for o, f, _ in JUST_BELOW])
def test_one_more_just_below_a_boundary_moves_the_rate_but_does_not_warn(orders, faults, standing):
    result = cancel_preview.preview(order(), OUT_OF_STOCK, None, NOW, POLICY, orders, faults)
    assert result.sfcr_after.rate == (faults + 1) / orders > result.sfcr_now.rate
    assert POLICY.band_for(result.sfcr_after.rate) == POLICY.band_for(result.sfcr_now.rate)
    assert result.sfcr_after.standing == standing
    assert result.warning is None and result.warning_code is None


def test_a_reason_that_does_not_count_leaves_the_rate_and_never_warns():
    result = cancel_preview.preview(order(), SellerCancelReason.ADDRESS_NOT_DELIVERABLE, None, NOW, POLICY, 40, 0)
    assert result.allowed
    assert (result.fault, result.counts_toward_sfcr) == ("NONE", False)
    assert result.sfcr_after == result.sfcr_now and result.warning is None and result.warning_code is None


def test_an_order_placed_before_the_window_leaves_the_rate():
    old = order(placed_at=NOW - timedelta(days=7), paid_at=NOW - timedelta(days=7))
    result = cancel_preview.preview(old, OUT_OF_STOCK, None, NOW, POLICY, 40, 0)
    assert result.allowed and result.counts_toward_sfcr
    assert result.sfcr_after == result.sfcr_now


def test_totals_that_lag_the_order_still_give_a_rate_of_at_most_one():
    result = cancel_preview.preview(order(), OUT_OF_STOCK, None, NOW, POLICY, 0, 0)
    after = result.sfcr_after
    assert (after.orders, after.seller_fault_cancellations, after.rate) == (1, 1, 1.0)
    assert result.sfcr_after.standing == "SUSPENDED"


CASES = [
    (order(), OUT_OF_STOCK),
    (order(OrderStatus.UNPAID), SellerCancelReason.ADDRESS_NOT_DELIVERABLE),  # not allowed while unpaid
    (order(OrderStatus.UNPAID), SellerCancelReason.BUYER_NOT_PAID_IN_TIME),
    (order(), SellerCancelReason.BUYER_NOT_PAID_IN_TIME),  # not allowed once paid
    (order(OrderStatus.IN_TRANSIT), OUT_OF_STOCK),
    (order(OrderStatus.CANCELLED), OUT_OF_STOCK),
    (order(pending_cancel_id="C1", pending_respond_by=NOW + timedelta(hours=1)), OUT_OF_STOCK),
    (order(pending_cancel_id="C1", pending_respond_by=NOW), OUT_OF_STOCK),  # rule 5: past the deadline
]


@pytest.mark.parametrize(("subject", "reason"), CASES, ids=lambda value: getattr(value, "value", None))
def test_the_preview_and_the_cancel_never_disagree(subject, reason):
    result = cancel_preview.preview(subject, reason, None, NOW, POLICY, 40, 0)
    try:
        change = lifecycle.seller_cancel(subject, reason, None, "C9", NOW, POLICY)
    except DomainError as error:
        assert result.problem == cancel_preview.Problem(error.code, error.message, error.details)
        assert not result.allowed and result.sfcr_after == result.sfcr_now and result.warning is None
        return
    assert result.allowed
    assert change.cancellation is not None
    assert (result.fault, result.counts_toward_sfcr) == (change.cancellation.fault.value,
                                                         change.cancellation.counts_toward_sfcr)
    assert result.sfcr_after.seller_fault_cancellations == 0 + (change.cohort.seller_fault if change.cohort else 0)


def test_the_refund_is_the_paid_orders_total_and_none_for_an_unpaid_one():
    assert cancel_preview.preview(order(), OUT_OF_STOCK, None, NOW, POLICY, 1, 0).refund == 150000
    unpaid = cancel_preview.preview(order(OrderStatus.UNPAID), OUT_OF_STOCK, None, NOW, POLICY, 1, 0)
    assert unpaid.allowed and unpaid.refund is None


def test_a_partial_cancel_refunds_its_lines_and_an_order_already_at_fault_counts_once():
    from chalicelib.domain.money import LineRequest

    two_lines = order(items=(LineItem("SKU-A", 1, 50000), LineItem("SKU-B", 2, 75000)))
    partial = cancel_preview.preview(two_lines, OUT_OF_STOCK, None, NOW, POLICY, 10, 0, [LineRequest("SKU-B", 1)])
    assert partial.allowed and partial.refund == 75000
    assert partial.sfcr_after.seller_fault_cancellations == 1
    already = cancel_preview.preview(replace(two_lines, seller_fault=True), OUT_OF_STOCK, None, NOW, POLICY, 10, 1)
    assert already.allowed and already.refund == 200000
    assert already.sfcr_after == already.sfcr_now and already.warning is None
    wrong = cancel_preview.preview(two_lines, SellerCancelReason.WRONG_PRICE, None, NOW, POLICY, 10, 0,
                                   [LineRequest("SKU-B", 1)])
    assert wrong.problem is not None and wrong.problem.code == "PARTIAL_CANCEL_NOT_ALLOWED"
