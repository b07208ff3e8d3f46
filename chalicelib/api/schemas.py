"""Request shapes: the same Structs validate bodies and feed /openapi.json. The answers are chalicelib.answers."""

from typing import Annotated, Literal

import msgspec

from ..domain import ids
from ..domain.enums import OfferKind
from ..domain.evidence import ContentType
from ..domain.limits import (
    MAX_AMOUNT,
    MAX_COMMENT_LENGTH,
    MAX_EVIDENCE_BYTES,
    MAX_EVIDENCE_FILES,
    MAX_LINES,
    MAX_QUANTITY,
)
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
InstantIn = Annotated[str, msgspec.Meta(max_length=40, description="ISO 8601 with an offset")]


class _In(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Request bodies: unknown fields are refused, never silently dropped."""


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


EvidenceIds = Annotated[
    list[Id],
    msgspec.Meta(max_length=MAX_EVIDENCE_FILES,
                 description=f"Uploaded evidence files to attach (POST /seller/evidence), at most "
                             f"{MAX_EVIDENCE_FILES}"),
]


class RejectIn(_In):
    reason: RejectReason
    comment: Comment | None = None
    evidence_ids: EvidenceIds | None = None


class EvidenceIn(_In):
    content_type: ContentType
    size: Annotated[int, msgspec.Meta(ge=1, le=MAX_EVIDENCE_BYTES,
                                      description="The file's size in bytes: the upload may be no larger")]


class SellerCancelIn(_In):
    reason: SellerCancelReason
    comment: Comment | None = None
    line_items: LinesToCancel | None = None


class RefundIn(_In):
    refund_reference: RefundReference


class ShipIn(_In):
    tracking_number: Id


class OfferIn(_In):
    """The seller's one offer (docs/offers.md): `amount` with PARTIAL_REFUND, `ship_by` with SHIP_BY, neither
    with KEEP_ORDER."""

    kind: OfferKind
    message: Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_COMMENT_LENGTH,
                                         description=f"To the buyer, 1 to {MAX_COMMENT_LENGTH} characters")]
    amount: Annotated[Amount, msgspec.Meta(description="PARTIAL_REFUND: what the buyer gets back, minor units of "
                                                       "the order's currency, 1 to its remaining total")] | None = None
    ship_by: Annotated[InstantIn, msgspec.Meta(description="SHIP_BY: the promised time, after now and at most 5 "
                                                           "days ahead")] | None = None


class EmptyIn(_In):
    """Routes that take no input accept no body or `{}`."""
