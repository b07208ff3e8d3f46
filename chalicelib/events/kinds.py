"""Which event a change yields: the history kind its transaction writes -> the event type (docs/events.md).

One row per kind. A kind whose change may also resolve a pending request names the type it then has instead
(shipping rejects a pending request: `cancellation.rejected`, with `reject_reason` `ORDER_SHIPPED`), so a
change still yields exactly one event.
"""

from typing import NamedTuple


class Kind(NamedTuple):
    type: str
    with_cancellation: str | None = None  # the type when the entry names a cancellation


KINDS: dict[str, Kind] = {
    "ORDER_RECORDED": Kind("order.recorded"),
    "PAYMENT_RECORDED": Kind("order.paid"),
    "SHIPMENT_ARRANGED": Kind("order.shipment_arranged"),
    "SHIPPED": Kind("order.shipped", with_cancellation="cancellation.rejected"),
    "DELIVERED": Kind("order.delivered"),
    "COMPLETED": Kind("order.completed"),
    "CANCELLATION_REQUESTED": Kind("cancellation.requested"),
    "CANCELLATION_AUTO_APPROVED": Kind("cancellation.auto_approved"),
    "CANCELLATION_APPROVED": Kind("cancellation.approved"),
    "CANCELLATION_REJECTED": Kind("cancellation.rejected"),
    "CANCELLATION_WITHDRAWN": Kind("cancellation.withdrawn"),
    "SELLER_CANCELLED": Kind("cancellation.seller_cancelled"),
    "CANCELLATION_ACKNOWLEDGED": Kind("cancellation.acknowledged"),
    "REFUNDED": Kind("cancellation.refunded"),
}

# Not a change: the scheduled job's reminder while a request waits for the seller.
RESPONSE_DUE_SOON = "cancellation.response_due_soon"

TYPES: tuple[str, ...] = tuple(sorted({t for kind in KINDS.values() for t in kind if t} | {RESPONSE_DUE_SOON}))


class UnknownKind(KeyError):
    """A change wrote a history kind with no event type: add its row to KINDS."""


def event_type(action: str, names_cancellation: bool) -> str:
    kind = KINDS.get(action)
    if kind is None:
        raise UnknownKind(action)
    return (kind.with_cancellation or kind.type) if names_cancellation else kind.type
