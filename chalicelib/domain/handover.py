"""Whether the parcel goes to logistics, and the warning the seller sees: a stable code with the data its sentence
needs (a page words it in the seller's language) and the English sentence (for other clients and developers)."""

import msgspec

from .enums import PAID_UNSHIPPED, HandoverWarning, OrderStatus
from .model import Order
from .money import CountedLine, cancelled_counts, describe

NO_HANDOVER_WARNING = "You don't need to hand over this order to logistics."
PENDING_REQUEST_WARNING = "The buyer asked to cancel this order: answer the request before handing it to logistics."
PARTLY_CANCELLED_WARNING = "Don't pack the cancelled items: {items}."


class Handover(msgspec.Struct, frozen=True):
    hand_over_to_logistics: bool
    warning: str | None
    warning_code: HandoverWarning | None = None
    cancelled_items: tuple[CountedLine, ...] = ()  # PARTLY_CANCELLED: what the seller must leave out


def handover(order: Order) -> Handover:
    if order.status is OrderStatus.CANCELLED:
        # Every order cancelled before it shipped: the parcel must not go out.
        return Handover(False, NO_HANDOVER_WARNING, HandoverWarning.NO_HANDOVER)
    if order.status in PAID_UNSHIPPED:
        if order.pending_cancel_id:
            return Handover(False, PENDING_REQUEST_WARNING, HandoverWarning.PENDING_REQUEST)
        cancelled = cancelled_counts(order.items)
        if cancelled:
            # Partly cancelled: what remains goes out, and the seller must leave the rest out (M5).
            return Handover(True, PARTLY_CANCELLED_WARNING.format(items=describe(order.items)),
                            HandoverWarning.PARTLY_CANCELLED, cancelled)
        return Handover(True, None)
    return Handover(False, None)
