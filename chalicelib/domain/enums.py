"""The closed vocabularies of orders and cancellations."""

from enum import StrEnum


class OrderStatus(StrEnum):
    UNPAID = "UNPAID"
    AWAITING_SHIPMENT = "AWAITING_SHIPMENT"
    AWAITING_COLLECTION = "AWAITING_COLLECTION"
    IN_TRANSIT = "IN_TRANSIT"
    DELIVERED = "DELIVERED"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"


PAID_UNSHIPPED = frozenset({OrderStatus.AWAITING_SHIPMENT, OrderStatus.AWAITING_COLLECTION})
# Statuses in which an order has not shipped and may still be cancelled: unpaid, or paid and not shipped.
CANCELLABLE = frozenset({OrderStatus.UNPAID}) | PAID_UNSHIPPED
SHIPPED_OR_LATER = frozenset({OrderStatus.IN_TRANSIT, OrderStatus.DELIVERED, OrderStatus.COMPLETED})


class CancellationStatus(StrEnum):
    REQUESTED = "REQUESTED"
    AUTO_APPROVED = "AUTO_APPROVED"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    WITHDRAWN = "WITHDRAWN"
    SELLER_CANCELLED = "SELLER_CANCELLED"


# A cancellation that took effect: what it lists is cancelled (the whole order, or some of its items).
ACCEPTED = frozenset(
    {CancellationStatus.AUTO_APPROVED, CancellationStatus.APPROVED, CancellationStatus.SELLER_CANCELLED}
)


class RefundStatus(StrEnum):
    """Where a cancellation's money stands: nothing to return (unpaid), nothing yet (not accepted, or rejected
    or withdrawn), owed to the buyer, or returned as the payment system reported."""

    NOT_APPLICABLE = "NOT_APPLICABLE"
    NONE = "NONE"
    PENDING = "PENDING"
    REFUNDED = "REFUNDED"


class HandoverWarning(StrEnum):
    """Why the seller is warned about handing a parcel to logistics: a client words each in its own language."""

    NO_HANDOVER = "NO_HANDOVER"
    PENDING_REQUEST = "PENDING_REQUEST"
    PARTLY_CANCELLED = "PARTLY_CANCELLED"


class PreviewWarning(StrEnum):
    """Why the cancel preview warns: the seller would fall into a worse SFCR band (F3)."""

    SFCR_BAND_WORSENS = "SFCR_BAND_WORSENS"


class Actor(StrEnum):
    BUYER = "BUYER"
    SELLER = "SELLER"
    SYSTEM = "SYSTEM"
    PLATFORM = "PLATFORM"
    OPERATOR = "OPERATOR"  # a support agent: acts for a party (docs/support-desk.md), decides appeals (docs/appeals.md)


class ActorRole(StrEnum):
    """Who pressed the button that made a cancellation (docs/support-desk.md): a party, a support operator, or
    the system (a job, the platform)."""

    BUYER = "BUYER"
    SELLER = "SELLER"
    OPERATOR = "OPERATOR"
    SYSTEM = "SYSTEM"


class Fault(StrEnum):
    SELLER = "SELLER"
    BUYER = "BUYER"
    NONE = "NONE"


class AutoApproveCause(StrEnum):
    UNPAID_ORDER = "UNPAID_ORDER"
    WITHIN_GRACE_PERIOD = "WITHIN_GRACE_PERIOD"
    SELLER_RESPONSE_TIMEOUT = "SELLER_RESPONSE_TIMEOUT"
    SELLER_RULE = "SELLER_RULE"  # one of the seller's auto-approve rules matched the request (seller-tools.md)
    PROMISE_MISSED = "PROMISE_MISSED"  # the order passed the ship-by date the seller promised (offers.md)


class OfferKind(StrEnum):
    """What a seller offers the buyer to keep the order (docs/offers.md)."""

    PARTIAL_REFUND = "PARTIAL_REFUND"
    SHIP_BY = "SHIP_BY"
    KEEP_ORDER = "KEEP_ORDER"


class OfferStatus(StrEnum):
    OPEN = "OPEN"
    ACCEPTED = "ACCEPTED"
    DECLINED = "DECLINED"
    EXPIRED = "EXPIRED"


class WithdrawCause(StrEnum):
    """Why a request ended WITHDRAWN: the buyer took it back, or accepted the seller's offer."""

    BUYER = "BUYER"
    OFFER_ACCEPTED = "OFFER_ACCEPTED"


class AppealStatus(StrEnum):
    """Where a seller's appeal of a seller-fault cancellation stands (docs/appeals.md): final once decided."""

    OPEN = "OPEN"
    UPHELD = "UPHELD"
    OVERTURNED = "OVERTURNED"


class AppealDecision(StrEnum):
    """What an operator decides: the fault stands (UPHOLD) or is lifted (OVERTURN)."""

    UPHOLD = "UPHOLD"
    OVERTURN = "OVERTURN"


class HistoryAction(StrEnum):
    """What one history entry records; each yields its event type (event_types.KINDS)."""

    ORDER_RECORDED = "ORDER_RECORDED"
    PAYMENT_RECORDED = "PAYMENT_RECORDED"
    SHIPMENT_ARRANGED = "SHIPMENT_ARRANGED"
    SHIPPED = "SHIPPED"
    DELIVERED = "DELIVERED"
    COMPLETED = "COMPLETED"
    CANCELLATION_REQUESTED = "CANCELLATION_REQUESTED"
    CANCELLATION_AUTO_APPROVED = "CANCELLATION_AUTO_APPROVED"
    CANCELLATION_APPROVED = "CANCELLATION_APPROVED"
    CANCELLATION_REJECTED = "CANCELLATION_REJECTED"
    CANCELLATION_WITHDRAWN = "CANCELLATION_WITHDRAWN"
    SELLER_CANCELLED = "SELLER_CANCELLED"
    CANCELLATION_ACKNOWLEDGED = "CANCELLATION_ACKNOWLEDGED"
    REFUNDED = "REFUNDED"
    OFFER_MADE = "OFFER_MADE"
    OFFER_ACCEPTED = "OFFER_ACCEPTED"
    OFFER_DECLINED = "OFFER_DECLINED"
    OFFER_EXPIRED = "OFFER_EXPIRED"
    APPEAL_OPENED = "APPEAL_OPENED"
    APPEAL_DECIDED = "APPEAL_DECIDED"


class Tab(StrEnum):
    """The seller's Manage Orders tabs; each order sits in exactly one besides `all`."""

    ALL = "all"
    UNPAID = "unpaid"
    TO_SHIP = "to_ship"
    SHIPPED = "shipped"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


TAB_OF_STATUS: dict[OrderStatus, Tab] = {
    OrderStatus.UNPAID: Tab.UNPAID,
    OrderStatus.AWAITING_SHIPMENT: Tab.TO_SHIP,
    OrderStatus.AWAITING_COLLECTION: Tab.TO_SHIP,
    OrderStatus.IN_TRANSIT: Tab.SHIPPED,
    OrderStatus.DELIVERED: Tab.SHIPPED,
    OrderStatus.COMPLETED: Tab.COMPLETED,
    OrderStatus.CANCELLED: Tab.CANCELLED,
}
