"""The money a cancellation gives back: the one place the seller tools (the cancel preview's `refund`, the
auto-approve rules' `max_refund`) ask for it."""

from .enums import OrderStatus
from .model import Cancellation, Order


def refund_of(order: Order, cancellation: Cancellation) -> int | None:
    """Minor units of the order's currency; None when the order was not paid (nothing to give back). Every
    cancellation cancels the whole order, so it returns the order's total."""
    del cancellation  # a cancellation is of the whole order
    if order.status is OrderStatus.UNPAID or order.paid_at is None:
        return None
    return order.total
