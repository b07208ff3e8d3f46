"""Whether the parcel goes to logistics, and the warning the seller sees."""


import msgspec

from .enums import PAID_UNSHIPPED, OrderStatus
from .model import Order
from .money import describe

NO_HANDOVER_WARNING = "You don't need to hand over this order to logistics."
PENDING_REQUEST_WARNING = "The buyer asked to cancel this order: answer the request before handing it to logistics."
PARTLY_CANCELLED_WARNING = "Don't pack the cancelled items: {items}."


class Handover(msgspec.Struct, frozen=True):
    hand_over_to_logistics: bool
    warning: str | None


def handover(order: Order) -> Handover:
    if order.status is OrderStatus.CANCELLED:
        # Every order cancelled before it shipped: the parcel must not go out.
        return Handover(False, NO_HANDOVER_WARNING)
    if order.status in PAID_UNSHIPPED:
        if order.pending_cancel_id:
            return Handover(False, PENDING_REQUEST_WARNING)
        cancelled = describe(order.items)
        if cancelled:
            # Partly cancelled: what remains goes out, and the seller must leave the rest out (M5).
            return Handover(True, PARTLY_CANCELLED_WARNING.format(items=cancelled))
        return Handover(True, None)
    return Handover(False, None)
