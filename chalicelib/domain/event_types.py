"""Every event type the desk emits, derived from the history action each change writes (docs/events.md): the one
list the envelope, the feed's filter, the webhooks' subscriptions and the OpenAPI document read.

One row per action. An action whose change may also resolve a pending request names the type it then has instead
(shipping rejects a pending request: `cancellation.rejected`, with `reject_reason` `ORDER_SHIPPED`), so a change
still yields exactly one event.
"""

from typing import NamedTuple

from .enums import HistoryAction


class Kind(NamedTuple):
    type: str
    with_cancellation: str | None = None  # the type when the entry names a cancellation


KINDS: dict[HistoryAction, Kind] = {
    HistoryAction.ORDER_RECORDED: Kind("order.recorded"),
    HistoryAction.PAYMENT_RECORDED: Kind("order.paid"),
    HistoryAction.SHIPMENT_ARRANGED: Kind("order.shipment_arranged"),
    HistoryAction.SHIPPED: Kind("order.shipped", with_cancellation="cancellation.rejected"),
    HistoryAction.DELIVERED: Kind("order.delivered"),
    HistoryAction.COMPLETED: Kind("order.completed"),
    HistoryAction.CANCELLATION_REQUESTED: Kind("cancellation.requested"),
    HistoryAction.CANCELLATION_AUTO_APPROVED: Kind("cancellation.auto_approved"),
    HistoryAction.CANCELLATION_APPROVED: Kind("cancellation.approved"),
    HistoryAction.CANCELLATION_REJECTED: Kind("cancellation.rejected"),
    HistoryAction.CANCELLATION_WITHDRAWN: Kind("cancellation.withdrawn"),
    HistoryAction.SELLER_CANCELLED: Kind("cancellation.seller_cancelled"),
    HistoryAction.CANCELLATION_ACKNOWLEDGED: Kind("cancellation.acknowledged"),
    HistoryAction.REFUNDED: Kind("cancellation.refunded"),
    HistoryAction.OFFER_MADE: Kind("cancellation.offer_made"),
    HistoryAction.OFFER_ACCEPTED: Kind("cancellation.offer_accepted"),
    HistoryAction.OFFER_DECLINED: Kind("cancellation.offer_declined"),
    HistoryAction.OFFER_EXPIRED: Kind("cancellation.offer_expired"),
    HistoryAction.APPEAL_OPENED: Kind("cancellation.appeal_opened"),
    HistoryAction.APPEAL_DECIDED: Kind("cancellation.appeal_decided"),
}

# Not a change: the scheduled job's reminder while a request waits for the seller.
RESPONSE_DUE_SOON = "cancellation.response_due_soon"

TYPES: tuple[str, ...] = tuple(sorted({t for kind in KINDS.values() for t in kind if t} | {RESPONSE_DUE_SOON}))


class UnknownKind(KeyError):
    """A change wrote a history action with no event type: add its row to KINDS."""


def event_type(action: HistoryAction, names_cancellation: bool) -> str:
    kind = KINDS.get(action)
    if kind is None:
        raise UnknownKind(action)
    return (kind.with_cancellation or kind.type) if names_cancellation else kind.type
