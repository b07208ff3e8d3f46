"""The answers' shapes: what the API answers and what every event carries (docs/events.md), one set of Structs
that encode the JSON and feed /openapi.json."""

from typing import Annotated, Any

import msgspec

from ..domain.enums import (
    Actor,
    ActorRole,
    AppealStatus,
    AutoApproveCause,
    CancellationStatus,
    Fault,
    HandoverWarning,
    HistoryAction,
    OfferKind,
    OfferStatus,
    OrderStatus,
    RefundStatus,
    WithdrawCause,
)
from ..domain.event_types import TYPES
from ..domain.evidence import ContentType
from ..domain.reasons import BuyerReason, RejectReason, SellerCancelReason, public_limits

Instant = Annotated[str, msgspec.Meta(description="ISO 8601 UTC, e.g. 2026-11-27T07:00:00Z",
                                      examples=["2026-11-27T07:00:00Z"])]


class Out(msgspec.Struct, kw_only=True, omit_defaults=False):
    """Answers carry every field, null included: a client never guesses what an absent one means."""


class Money(Out):
    amount: int
    currency: str


class LineItemOut(Out):
    sku: str
    quantity: int
    unit_price: Money
    cancelled_quantity: int


class CancelledLineOut(Out):
    sku: str
    quantity: int
    amount: Money


class EvidenceOut(Out):
    evidence_id: str
    content_type: ContentType
    size: int
    url: Annotated[str, msgspec.Meta(description="A presigned GET, valid 15 minutes; only in answers to those who "
                                                 "may see the cancellation, never in events")] | msgspec.UnsetType = (
        msgspec.UNSET)


class UploadOut(Out):
    url: Annotated[str, msgspec.Meta(description="Where to POST the file as multipart/form-data")]
    fields: Annotated[dict[str, str], msgspec.Meta(
        description="Form fields to send as they are, before the file's own field, `file`")]


class EvidenceUploadOut(Out):
    evidence_id: str
    upload: UploadOut
    expires_at: Annotated[Instant, msgspec.Meta(description="The upload is refused after this instant")]


class OfferOut(Out):
    """The seller's one offer on a request (docs/offers.md); amount for PARTIAL_REFUND, ship_by for SHIP_BY."""

    kind: OfferKind
    message: str
    amount: Money | None
    ship_by: Instant | None
    status: OfferStatus
    made_at: Instant
    answer_by: Annotated[str, msgspec.Meta(description="The buyer answers by then, or the offer lapses (EXPIRED)")]
    answered_at: Instant | None


class ActorOut(Out):
    """Who pressed the button that made the cancellation (docs/support-desk.md); `initiator` is the party it was
    made for."""

    role: ActorRole
    id: Annotated[str, msgspec.Meta(description="The buyer's, seller's or operator's id; the job's name for SYSTEM")]
    ticket: Annotated[str | None, msgspec.Meta(description="OPERATOR only: the support ticket it acted under")]
class AppealRefOut(Out):
    """The cancellation's one appeal (docs/appeals.md): read it at GET /seller/appeals/{appeal_id}."""

    appeal_id: str
    status: AppealStatus


class AppealOut(Out):
    """A seller's appeal of a seller-fault cancellation (docs/appeals.md)."""

    appeal_id: str
    cancel_id: str
    order_id: str
    seller_id: str
    status: AppealStatus
    statement: str
    evidence: list[EvidenceOut]
    opened_at: Instant
    decide_by: Annotated[str, msgspec.Meta(description="Operators decide by then (opened_at + APPEAL_REVIEW_SECONDS)")]
    decided_at: Instant | None
    decided_by: Annotated[str | None, msgspec.Meta(description="The operator_id of who decided it")]
    decision_note: str | None


class QueuedAppealOut(AppealOut):
    overdue: Annotated[bool, msgspec.Meta(description="Still open at or after decide_by")]


class AppealPage(Out):
    items: list[AppealOut]
    next_cursor: str | None


class AppealQueuePage(Out):
    items: list[QueuedAppealOut]
    next_cursor: str | None


class CancellationOut(Out):
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
    evidence: list[EvidenceOut]
    offer: OfferOut | None
    response_seconds_left: Annotated[int | None, msgspec.Meta(
        description="While an offer is open the seller's clock is stopped (respond_by null): the seconds it had left")]
    withdraw_cause: Annotated[WithdrawCause | None, msgspec.Meta(
        description="WITHDRAWN only: BUYER took the request back, or accepted the seller's offer (OFFER_ACCEPTED)")]
    actor: ActorOut
    appeal: AppealRefOut | None
    appeal_by: Annotated[Instant | None, msgspec.Meta(
        description="Until when the seller may appeal this cancellation (the instant the window closes): "
                    "resolved_at + APPEAL_WINDOW_DAYS for an accepted cancellation that counts toward the SFCR and "
                    "was never appealed; null when it can never be appealed (docs/appeals.md, A1-A3)")]


class OrderOut(Out):
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
    promised_ship_by: Annotated[str | None, msgspec.Meta(
        description="The ship-by date of an accepted SHIP_BY offer: a buyer request after it is auto-approved "
                    "(PROMISE_MISSED, seller fault)")]


class BuyerOrderOut(OrderOut):
    cancellations: list[CancellationOut]
    may_request_cancellation: bool


class HistoryOut(Out):
    at: Instant
    actor: Actor
    actor_id: str
    action: HistoryAction
    from_status: OrderStatus | None
    to_status: OrderStatus
    cancel_id: str | None
    note: str | None
    ticket: Annotated[str | None, msgspec.Meta(description="actor OPERATOR only: the support ticket")]
    on_behalf_of: Annotated[Actor | None, msgspec.Meta(
        description="actor OPERATOR only: the party it acted for (BUYER or SELLER)")]
    operator_note: Annotated[str | None, msgspec.Meta(description="actor OPERATOR only: the operator's note")]


class CountedLineOut(Out):
    sku: str
    quantity: int


class HandoverOut(Out):
    hand_over_to_logistics: bool
    warning: Annotated[str | None, msgspec.Meta(
        description="The warning in English, for developers and clients that show it as it is")]
    warning_code: Annotated[HandoverWarning | None, msgspec.Meta(
        description="The warning's stable code, for a client that words it in its own language: NO_HANDOVER, "
                    "PENDING_REQUEST or PARTLY_CANCELLED (with cancelled_items); null without a warning")]
    cancelled_items: Annotated[list[CountedLineOut], msgspec.Meta(
        description="PARTLY_CANCELLED: each line with items cancelled and how many, which the seller must not "
                    "pack; empty otherwise")]


class SellerOrderOut(OrderOut):
    cancellations: list[CancellationOut]
    history: list[HistoryOut]
    handover: HandoverOut


class SellerListedOrderOut(OrderOut):
    """An order as the seller's lists show it: with the handover warning, without its cancellations and history."""

    handover: HandoverOut


class OrderPage(Out):
    items: list[SellerListedOrderOut]
    next_cursor: str | None


class CancellationPage(Out):
    items: list[CancellationOut]
    next_cursor: str | None


class CancellationCounts(Out):
    total: int
    cancellation_requested: int
    auto_approved: int
    due_soon: Annotated[int, msgspec.Meta(
        description="Pending requests whose respond_by is within DUE_SOON_SECONDS (default 24 h): they auto-approve "
                    "unless answered")]
    awaiting_buyer: Annotated[int, msgspec.Meta(
        description="Requests with an open offer: nothing is asked of the seller until the buyer answers, so they "
                    "count neither in cancellation_requested nor in total")]


class ActionNeededOut(Out):
    cancellation: CancellationCounts


# --- events (docs/events.md) ---------------------------------------------------------------------------


class EventOrderOut(OrderOut):
    """The order as the seller's order detail shows it, without its history and cancellation list."""

    handover: HandoverOut


class EventData(msgspec.Struct, kw_only=True, omit_defaults=True):
    order: EventOrderOut
    cancellation: CancellationOut | None = None  # absent for order-only changes
    lead_seconds: int | None = None  # reminders only: how long before respond_by
    appeal: AppealOut | None = None  # appeal events only, its files without links


EventType = Annotated[str, msgspec.Meta(description="The change (docs/events.md), e.g. cancellation.requested",
                                        extra_json_schema={"enum": list(TYPES)})]


class EventOut(Out):
    id: Annotated[str, msgspec.Meta(description="Unique and stable: the same on every channel and redelivery",
                                    pattern="^evt_[a-z2-7]{26}$")]
    type: EventType
    occurred_at: Instant
    seller_id: str
    order_id: str
    sequence: Annotated[int, msgspec.Meta(ge=1, description="The order's history sequence number (gapless per "
                                                             "order): of two events of one order, keep the higher")]
    data: EventData


class EventPage(Out):
    items: list[EventOut]
    next_cursor: Annotated[str, msgspec.Meta(description="Never null: poll again with it for the events not yet seen")]


class WindowOut(Out):
    from_: Instant = msgspec.field(name="from")
    to: Instant


class SfcrOut(Out):
    window: WindowOut
    orders: int
    seller_fault_cancellations: int
    rate: float
    target: float
    standing: str
    order_volume_cap: float


class SellerSfcrOut(SfcrOut):
    appeals_open: Annotated[int, msgspec.Meta(description="The seller's appeals waiting for an operator")]


class HealthOut(Out):
    status: str


class ErrorBody(Out):
    """`details` is left out of an error answer that has none; a cancel preview's `problem` states it, null
    included."""

    code: Annotated[str, msgspec.Meta(pattern=r"^[A-Z][A-Z0-9_]*$")]
    message: str
    details: dict[str, Any] | msgspec.UnsetType | None = msgspec.UNSET


class ErrorOut(Out):
    error: ErrorBody


class BulkItemOut(msgspec.Struct, kw_only=True, omit_defaults=True):
    """One id's result: the status it alone would have got, with the cancellation (2xx) or the error."""

    cancel_id: str
    status: int
    cancellation: CancellationOut | None = None
    error: ErrorBody | None = None


class BulkOut(Out):
    results: list[BulkItemOut]


class BuyerReasonOut(Out):
    reason: BuyerReason
    label: Annotated[str, msgspec.Meta(
        description="The reason in the answer's language (Content-Language): for people, never to compare")]
    comment_required: bool
    fault: Fault
    counts_toward_sfcr: bool


class SellerCancelReasonOut(Out):
    reason: SellerCancelReason
    label: Annotated[str, msgspec.Meta(
        description="The reason in the answer's language (Content-Language): for people, never to compare")]
    allowed_statuses: list[OrderStatus]
    fault: Fault
    counts_toward_sfcr: bool
    partial_allowed: Annotated[bool, msgspec.Meta(
        description="Whether line_items may cancel some items of the order for this reason (M2); otherwise the "
                    "cancel takes the whole order and line_items is refused with PARTIAL_CANCEL_NOT_ALLOWED")]


class RejectReasonOut(Out):
    reason: RejectReason
    label: Annotated[str, msgspec.Meta(
        description="The reason in the answer's language (Content-Language): for people, never to compare")]
    seller_may_use: bool
    evidence_required: Annotated[bool, msgspec.Meta(
        description="Whether a reject with this reason needs at least one evidence file (EVIDENCE_REQUIRED)")]


# Derived from limits.py: a limit added there is in the catalogue's answer and in this schema with no other edit.
_LIMIT_NAMES = sorted(public_limits())
Limits = Annotated[dict[str, Any], msgspec.Meta(
    description="The contract's size limits (chalicelib/domain/limits.py), each by its name in lower case, for "
                "clients to read rather than restate",
    extra_json_schema={"properties": {name: {"type": "integer"} for name in _LIMIT_NAMES},
                       "required": _LIMIT_NAMES, "additionalProperties": False})]


class ReasonCatalogueOut(Out):
    buyer: list[BuyerReasonOut]
    seller_cancel: list[SellerCancelReasonOut]
    seller_cancel_by_status: dict[str, list[SellerCancelReason]]
    reject: list[RejectReasonOut]
    limits: Limits
