"""The single catalogue of cancellation reasons: validation and `GET /cancellation-reasons` both read it."""

from enum import StrEnum
from typing import Any

import msgspec

from . import labels, limits
from .enums import CANCELLABLE, PAID_UNSHIPPED, Fault, OrderStatus


class BuyerReason(StrEnum):
    CHANGED_MIND = "CHANGED_MIND"
    ORDERED_BY_MISTAKE = "ORDERED_BY_MISTAKE"
    FOUND_BETTER_PRICE = "FOUND_BETTER_PRICE"
    NEED_TO_CHANGE_ADDRESS = "NEED_TO_CHANGE_ADDRESS"
    DELIVERY_TOO_SLOW = "DELIVERY_TOO_SLOW"
    PAYMENT_ISSUE = "PAYMENT_ISSUE"
    OTHER = "OTHER"


# Buyer reasons that say nothing by themselves and so need a comment.
COMMENT_REQUIRED = frozenset({BuyerReason.OTHER})


class SellerCancelReason(StrEnum):
    OUT_OF_STOCK = "OUT_OF_STOCK"
    WRONG_PRICE = "WRONG_PRICE"
    BUYER_NOT_PAID_IN_TIME = "BUYER_NOT_PAID_IN_TIME"
    ADDRESS_NOT_DELIVERABLE = "ADDRESS_NOT_DELIVERABLE"


class RejectReason(StrEnum):
    PRODUCT_PACKED = "PRODUCT_PACKED"
    DELIVERY_ON_SCHEDULE = "DELIVERY_ON_SCHEDULE"
    AGREED_WITH_BUYER = "AGREED_WITH_BUYER"
    INVALID_REASON = "INVALID_REASON"
    ORDER_SHIPPED = "ORDER_SHIPPED"


# The reason a pending request is rejected with when the order ships (rule 6).
SHIPPING_REJECT_REASON = RejectReason.ORDER_SHIPPED
# Reject reasons only the system gives.
SYSTEM_REJECT_REASONS = frozenset({SHIPPING_REJECT_REASON})
SELLER_REJECT_REASONS = tuple(r for r in RejectReason if r not in SYSTEM_REJECT_REASONS)
# Reject reasons that need at least one evidence file: a photo of the packed parcel, the conversation.
EVIDENCE_REQUIRED = frozenset({RejectReason.PRODUCT_PACKED, RejectReason.AGREED_WITH_BUYER})


class SellerCancelRule(msgspec.Struct, frozen=True):
    reason: SellerCancelReason
    allowed_statuses: frozenset[OrderStatus]
    fault: Fault
    # Whether the seller may cancel some items of an order for it, keeping the rest (M2); every other reason
    # cancels the whole order.
    partial_allowed: bool = False

    @property
    def counts_toward_sfcr(self) -> bool:
        return self.fault is Fault.SELLER


_UNPAID = frozenset({OrderStatus.UNPAID})

SELLER_CANCEL_RULES: dict[SellerCancelReason, SellerCancelRule] = {
    rule.reason: rule
    for rule in (
        SellerCancelRule(SellerCancelReason.OUT_OF_STOCK, CANCELLABLE, Fault.SELLER, partial_allowed=True),
        SellerCancelRule(SellerCancelReason.WRONG_PRICE, CANCELLABLE, Fault.SELLER),
        SellerCancelRule(SellerCancelReason.BUYER_NOT_PAID_IN_TIME, _UNPAID, Fault.BUYER),
        SellerCancelRule(SellerCancelReason.ADDRESS_NOT_DELIVERABLE, PAID_UNSHIPPED, Fault.NONE),
    )
}

# The reasons a seller may cancel some items of an order for (M2): the lifecycle's check and the catalogue's
# `partial_allowed` both read the rules above.
PARTIAL_CANCEL_REASONS = frozenset(rule.reason for rule in SELLER_CANCEL_RULES.values() if rule.partial_allowed)

# A buyer-initiated cancellation never counts against the seller, whoever resolved it (rule 8).
BUYER_FAULT = Fault.BUYER


def seller_reasons_for(status: OrderStatus) -> list[SellerCancelReason]:
    return [rule.reason for rule in SELLER_CANCEL_RULES.values() if status in rule.allowed_statuses]


def catalogue(language: str = labels.DEFAULT) -> dict[str, Any]:
    """The public reason catalogue, as `GET /cancellation-reasons` returns it, labelled in `language` (one the
    labels' catalogues have: `labels.negotiate` picks it)."""
    return {
        "buyer": [
            {
                "reason": r.value,
                "label": labels.label(language, "buyer", r.value),
                "comment_required": r in COMMENT_REQUIRED,
                "fault": BUYER_FAULT.value,
                "counts_toward_sfcr": False,
            }
            for r in BuyerReason
        ],
        "seller_cancel": [
            {
                "reason": rule.reason.value,
                "label": labels.label(language, "seller_cancel", rule.reason.value),
                "allowed_statuses": sorted(s.value for s in rule.allowed_statuses),
                "fault": rule.fault.value,
                "counts_toward_sfcr": rule.counts_toward_sfcr,
                "partial_allowed": rule.partial_allowed,
            }
            for rule in SELLER_CANCEL_RULES.values()
        ],
        "seller_cancel_by_status": {
            status.value: [r.value for r in seller_reasons_for(status)]
            for status in (OrderStatus.UNPAID, *sorted(PAID_UNSHIPPED))
        },
        "reject": [
            {"reason": r.value, "label": labels.label(language, "reject", r.value),
             "seller_may_use": r not in SYSTEM_REJECT_REASONS, "evidence_required": r in EVIDENCE_REQUIRED}
            for r in RejectReason
        ],
        "limits": public_limits(),
    }


def public_limits() -> dict[str, int]:
    """Every size limit of `limits.py`, by its name in lower case: a client reads them instead of restating them."""
    return {name.lower(): value for name, value in vars(limits).items()
            if name.isupper() and isinstance(value, int)}
