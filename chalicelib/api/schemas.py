"""Request and response shapes. The same Structs validate bodies, encode answers and feed /openapi.json."""

from typing import Annotated, Any, Literal

import msgspec

from ..domain import ids
from ..domain.enums import (
    Actor,
    AutoApproveCause,
    CancellationStatus,
    Fault,
    HistoryAction,
    OrderStatus,
    RefundStatus,
)
from ..domain.event_types import TYPES
from ..domain.limits import MAX_AMOUNT, MAX_COMMENT_LENGTH, MAX_LINES, MAX_QUANTITY
from ..domain.reasons import BuyerReason, RejectReason, SellerCancelReason

END = ids.END
Id = Annotated[str, msgspec.Meta(min_length=1, max_length=ids.MAX_LENGTH, pattern=ids.PATTERN,
                                 description=ids.DESCRIPTION)]
Comment = Annotated[str, msgspec.Meta(max_length=MAX_COMMENT_LENGTH,
                                      description=f"Free text, at most {MAX_COMMENT_LENGTH} characters")]
Quantity = Annotated[int, msgspec.Meta(ge=1, le=MAX_QUANTITY)]
Amount = Annotated[int, msgspec.Meta(ge=0, le=MAX_AMOUNT, description="Minor units of the currency")]
# The one currency code every body takes: ids.END, not `$`, so "USD\n" is refused too.
Currency = Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{3}" + END, description="ISO 4217 code")]
Instant = Annotated[str, msgspec.Meta(description="ISO 8601 UTC, e.g. 2026-11-27T07:00:00Z",
                                      examples=["2026-11-27T07:00:00Z"])]
InstantIn = Annotated[str, msgspec.Meta(max_length=40, description="ISO 8601 with an offset")]


class _In(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Request bodies: unknown fields are refused, never silently dropped."""


class _Out(msgspec.Struct, kw_only=True, omit_defaults=False):
    pass


# --- requests -----------------------------------------------------------------------------------------


class LineItemIn(_In):
    sku: Id
    quantity: Quantity
    unit_price: Annotated[Amount, msgspec.Meta(description="Minor units of the order currency")]


class RecordOrderIn(_In):
    order_id: Id
    seller_id: Id
    buyer_id: Id
    items: Annotated[list[LineItemIn], msgspec.Meta(min_length=1, max_length=MAX_LINES)]
    currency: Currency
    status: Literal["UNPAID", "AWAITING_SHIPMENT"]
    placed_at: InstantIn | None = None
    paid_at: InstantIn | None = None


class LineToCancelIn(_In):
    sku: Id
    quantity: Annotated[Quantity, msgspec.Meta(description="At most what remains of the line")]


LinesToCancel = Annotated[
    list[LineToCancelIn],
    msgspec.Meta(min_length=1, max_length=MAX_LINES,
                 description="The lines to cancel, each SKU once; leave out to cancel every remaining item"),
]
# What the payment system calls the money it returned: visible ASCII, no spaces.
RefundReference = Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=r"^[!-~]+" + END,
                                              description="The payment system's reference: 1-64 visible ASCII "
                                                          "characters")]


class BuyerRequestIn(_In):
    reason: BuyerReason
    comment: Comment | None = None
    line_items: LinesToCancel | None = None


class RejectIn(_In):
    reason: RejectReason
    comment: Comment | None = None


class SellerCancelIn(_In):
    reason: SellerCancelReason
    comment: Comment | None = None
    line_items: LinesToCancel | None = None


class RefundIn(_In):
    refund_reference: RefundReference


class ShipIn(_In):
    tracking_number: Id


class EmptyIn(_In):
    """Routes that take no input accept no body or `{}`."""


# --- responses ----------------------------------------------------------------------------------------


class Money(_Out):
    amount: int
    currency: str


class LineItemOut(_Out):
    sku: str
    quantity: int
    unit_price: Money
    cancelled_quantity: int


class CancelledLineOut(_Out):
    sku: str
    quantity: int
    amount: Money


class CancellationOut(_Out):
    cancel_id: str
    order_id: str
    seller_id: str
    buyer_id: str
    initiator: Actor
    status: CancellationStatus
    reason: str
    comment: str | None
    requested_at: Instant
    respond_by: Instant | None
    resolved_at: Instant | None
    resolved_by: Actor | None
    auto_approve_cause: AutoApproveCause | None
    auto_approve_rule_id: str | None
    reject_reason: RejectReason | None
    reject_comment: str | None
    fault: Fault
    counts_toward_sfcr: bool
    acknowledged_at: Instant | None
    line_items: list[CancelledLineOut]
    whole_order: bool
    refund: Money | None
    refund_status: RefundStatus
    refunded_at: Instant | None
    refund_reference: str | None


class OrderOut(_Out):
    order_id: str
    seller_id: str
    buyer_id: str
    status: OrderStatus
    items: list[LineItemOut]
    total: Money
    remaining_total: Money
    placed_at: Instant
    paid_at: Instant | None
    arranged_at: Instant | None
    shipped_at: Instant | None
    delivered_at: Instant | None
    completed_at: Instant | None
    cancelled_at: Instant | None
    tracking_number: str | None
    pending_cancel_id: str | None
    cancel_id: str | None
    needs_attention: bool


class BuyerOrderOut(OrderOut):
    cancellations: list[CancellationOut]
    may_request_cancellation: bool


class HistoryOut(_Out):
    at: Instant
    actor: Actor
    actor_id: str
    action: HistoryAction
    from_status: OrderStatus | None
    to_status: OrderStatus
    cancel_id: str | None
    note: str | None


class HandoverOut(_Out):
    hand_over_to_logistics: bool
    warning: str | None


class SellerOrderOut(OrderOut):
    cancellations: list[CancellationOut]
    history: list[HistoryOut]
    handover: HandoverOut


class OrderPage(_Out):
    items: list[OrderOut]
    next_cursor: str | None


class CancellationPage(_Out):
    items: list[CancellationOut]
    next_cursor: str | None


class CancellationCounts(_Out):
    total: int
    cancellation_requested: int
    auto_approved: int
    due_soon: Annotated[int, msgspec.Meta(
        description="Pending requests whose respond_by is within DUE_SOON_SECONDS (default 24 h): they auto-approve "
                    "unless answered")]


class ActionNeededOut(_Out):
    cancellation: CancellationCounts


# --- events (docs/events.md) ---------------------------------------------------------------------------


class EventOrderOut(OrderOut):
    """The order as the seller's order detail shows it, without its history and cancellation list."""

    handover: HandoverOut


class EventData(msgspec.Struct, kw_only=True, omit_defaults=True):
    order: EventOrderOut
    cancellation: CancellationOut | None = None  # absent for order-only changes
    lead_seconds: int | None = None  # reminders only: how long before respond_by


EventType = Annotated[str, msgspec.Meta(description="The change (docs/events.md), e.g. cancellation.requested",
                                        extra_json_schema={"enum": list(TYPES)})]


class EventOut(_Out):
    id: Annotated[str, msgspec.Meta(description="Unique and stable: the same on every channel and redelivery",
                                    pattern="^evt_[a-z2-7]{26}$")]
    type: EventType
    occurred_at: Instant
    seller_id: str
    order_id: str
    sequence: Annotated[int, msgspec.Meta(ge=1, description="The order's history sequence number (gapless per "
                                                             "order): of two events of one order, keep the higher")]
    data: EventData


class EventPage(_Out):
    items: list[EventOut]
    next_cursor: Annotated[str, msgspec.Meta(description="Never null: poll again with it for the events not yet seen")]


class WindowOut(_Out):
    from_: Instant = msgspec.field(name="from")
    to: Instant


class SfcrOut(_Out):
    window: WindowOut
    orders: int
    seller_fault_cancellations: int
    rate: float
    target: float
    standing: str
    order_volume_cap: float


class HealthOut(_Out):
    status: str


class ErrorBody(_Out):
    code: Annotated[str, msgspec.Meta(pattern=r"^[A-Z][A-Z0-9_]*$")]
    message: str
    details: dict[str, Any] | None = None


class ErrorOut(_Out):
    error: ErrorBody


class BuyerReasonOut(_Out):
    reason: BuyerReason
    comment_required: bool
    fault: Fault
    counts_toward_sfcr: bool


class SellerCancelReasonOut(_Out):
    reason: SellerCancelReason
    allowed_statuses: list[OrderStatus]
    fault: Fault
    counts_toward_sfcr: bool


class RejectReasonOut(_Out):
    reason: RejectReason
    seller_may_use: bool


class ReasonCatalogueOut(_Out):
    buyer: list[BuyerReasonOut]
    seller_cancel: list[SellerCancelReasonOut]
    seller_cancel_by_status: dict[str, list[SellerCancelReason]]
    reject: list[RejectReasonOut]
