"""The seller's Manage Orders: action-needed counts, tabs, cancellations, actions and SFCR.

Only the declarations load at cold start (Chalice registers routes at import): each view's work is in
seller_views, loaded with the first seller request, and the bodies and answers are named by "module:Name"."""

from typing import TYPE_CHECKING

from chalice.app import Blueprint, Response

from ..domain.enums import CancellationStatus, Tab
from ..domain.identity import Role
from .routing import LIMIT_PARAM, PAGE_PARAMS, Ctx, QueryParam, endpoint, schema, shape

if TYPE_CHECKING:
    from ..domain.model import Cancellation, Order
    from ..service.single import Command
    from . import schemas

seller = Blueprint(__name__)

CANCELLATION_FILTER = "cancellation"


@endpoint(seller, "/seller/action-needed", "GET", role=Role.SELLER, response=shape("ActionNeededOut"),
          tag="seller", summary="Action Needed: cancellations received, requested and auto-approved")
def action_needed(ctx: Ctx[None]) -> Response:
    """The counts behind the seller's Action Needed box: pending buyer requests and auto-approved cancellations not yet
    acknowledged, and their total; and due_soon, the pending requests whose respond_by is within DUE_SOON_SECONDS
    (they auto-approve unless answered). Read from indexes, they may lag an answer by a moment."""
    from . import seller_views as views  # the seller's work loads on first use

    return views.action_needed(ctx)


@endpoint(seller, "/seller/orders", "GET", role=Role.SELLER, response=shape("OrderPage"), errors=(400,),
          tag="seller", summary="Orders of a tab, newest first, each with its handover warning; "
                                "filter=cancellation keeps those needing attention",
          query=(
              QueryParam("tab", {"type": "string", "enum": [t.value for t in Tab], "default": "all"}, "Tab"),
              QueryParam("filter", {"type": "string", "enum": [CANCELLATION_FILTER]},
                         "Pending requests and unacknowledged auto-approved cancellations (All tab)"),
              *PAGE_PARAMS,
          ))
def list_orders(ctx: Ctx[None]) -> Response:
    """The seller's orders in one tab, newest first, a page at a time (pass next_cursor back as cursor), each with
    whether to hand the parcel to logistics and the warning to show, as the order detail says it.
    filter=cancellation, on the All tab only, keeps the orders with a pending request or an unacknowledged
    auto-approved cancellation. A bad tab, filter, limit or cursor is 400."""
    from . import seller_views as views  # the seller's work loads on first use

    return views.list_orders(ctx)


@endpoint(seller, "/seller/orders/{order_id}", "GET", role=Role.SELLER, response=shape("SellerOrderOut"),
          errors=(404,), tag="seller", summary="Order, its cancellations, its history and the handover warning")
def order_detail(ctx: Ctx[None], order_id: str) -> Response:
    """One of the seller's orders with its cancellations, its history (every change: when, who, what) and whether to
    hand the parcel to logistics, with the warning to show. Another shop's order is 404."""
    from . import seller_views as views  # the seller's work loads on first use

    return views.order_detail(ctx, order_id)


@endpoint(seller, "/seller/cancellations", "GET", role=Role.SELLER, response=shape("CancellationPage"),
          errors=(400,), tag="seller",
          summary="Cancellations; REQUESTED by deadline (most urgent first), the others newest first",
          query=(
              QueryParam("status", {"type": "string", "enum": [s.value for s in CancellationStatus]}, "Status"),
              *PAGE_PARAMS,
          ))
def list_cancellations(ctx: Ctx[None]) -> Response:
    """The seller's cancellations, optionally of one status, a page at a time. Pending requests come most urgent first
    (by respond_by); the others newest first."""
    from . import seller_views as views  # the seller's work loads on first use

    return views.list_cancellations(ctx)


@endpoint(seller, "/seller/cancellations/{cancel_id}", "GET", role=Role.SELLER, response=shape("CancellationOut"),
          errors=(404,), tag="seller", summary="One cancellation")
def get_cancellation(ctx: Ctx[None], cancel_id: str) -> Response:
    """One of the seller's cancellations. Another shop's is 404 CANCELLATION_NOT_FOUND."""
    from . import seller_views as views  # the seller's work loads on first use

    return views.get_cancellation(ctx, cancel_id)


@endpoint(seller, "/seller/cancellations/{cancel_id}/approve", "POST", role=Role.SELLER,
          response=shape("CancellationOut"), errors=(404, 409), tag="seller",
          summary="Approve a pending request: the order is cancelled")
def approve(ctx: Ctx["schemas.EmptyIn"], cancel_id: str) -> "Command[Cancellation]":
    """Accepts a buyer's pending request: REQUESTED to APPROVED, and the order is CANCELLED. A request no longer
    pending, or past respond_by, is 409."""
    from . import seller_views as views  # the seller's work loads on first use

    return views.approve(ctx, cancel_id)


@endpoint(seller, "/seller/cancellations/{cancel_id}/reject", "POST", role=Role.SELLER, body=schema("RejectIn"),
          response=shape("CancellationOut"), errors=(400, 404, 409), tag="seller",
          summary="Reject a pending request with a reason; the order goes on")
def reject(ctx: Ctx["schemas.RejectIn"], cancel_id: str) -> "Command[Cancellation]":
    """Refuses a buyer's pending request with a reason (and an optional comment): REQUESTED to REJECTED; the order goes
    on and the buyer may not ask again. evidence_ids attaches up to {MAX_EVIDENCE_FILES} uploaded files (POST
    /seller/evidence); {EVIDENCE_REQUIRED} need at least one (400 EVIDENCE_REQUIRED). A file not uploaded (or another
    shop's), too large, not of its type or attached before is 400 INVALID_EVIDENCE naming it and the problem. A reason
    not allowed for a rejection is 400 REASON_NOT_ALLOWED; a request no longer pending, or past respond_by, is 409."""
    from . import seller_views as views  # the seller's work loads on first use

    return views.reject(ctx, cancel_id)


@endpoint(seller, "/seller/cancellations/{cancel_id}/offer", "POST", role=Role.SELLER, body=schema("OfferIn"),
          response=shape("CancellationOut"), errors=(400, 404, 409), tag="seller",
          summary="Make the request's one offer: the seller's clock stops until the buyer answers")
def make_offer(ctx: Ctx["schemas.OfferIn"], cancel_id: str) -> "Command[Cancellation]":
    """Offers the buyer a reason to keep the order, once per pending request: PARTIAL_REFUND with amount (1 to the
    order's remaining total), SHIP_BY with ship_by (after now, at most {SHIP_BY_AHEAD} ahead), or KEEP_ORDER with the
    message alone. The request stays REQUESTED with respond_by null and response_seconds_left holding what the
    seller had left; the buyer answers by offer.answer_by (BUYER_OFFER_WINDOW_SECONDS). A field of another kind
    or out of range is 400 INVALID_OFFER; a second offer 409 OFFER_ALREADY_MADE; after the deadline 409
    RESPONSE_DEADLINE_PASSED; a request no longer pending 409 CANCELLATION_NOT_PENDING."""
    from . import seller_views as views  # the seller's work loads on first use

    return views.make_offer(ctx, cancel_id)


@endpoint(seller, "/seller/cancellations/{cancel_id}/acknowledge", "POST", role=Role.SELLER,
          response=shape("CancellationOut"), errors=(404, 409), tag="seller",
          summary="Mark an auto-approved cancellation seen; again: 200, no change")
def acknowledge(ctx: Ctx["schemas.EmptyIn"], cancel_id: str) -> "Command[Cancellation]":
    """Marks an auto-approved cancellation as seen, which takes it out of the Action Needed count. Acknowledging it
    again answers 200 and changes nothing; any other status is 409."""
    from . import seller_views as views  # the seller's work loads on first use

    return views.acknowledge(ctx, cancel_id)


@endpoint(seller, "/seller/orders/{order_id}/cancel", "POST", role=Role.SELLER, body=schema("SellerCancelIn"),
          response=shape("CancellationOut"), status=201, errors=(400, 404, 409), tag="seller",
          summary="Cancel an order before it ships, with a reason valid for its status")
def seller_cancel(ctx: Ctx["schemas.SellerCancelIn"], order_id: str) -> "Command[Cancellation]":
    """Cancels an order before it ships, with a reason allowed for its status, and answers 201 with a SELLER_CANCELLED
    cancellation saying who is at fault and whether it counts toward the seller-fault rate. A reason not allowed is 400
    REASON_NOT_ALLOWED (details.allowed lists the allowed ones); a shipped or cancelled order, or one with a pending
    buyer request (answer that instead), is 409. line_items cancels only those items, and only for
    {PARTIAL_CANCEL_REASONS} (otherwise 400 PARTIAL_CANCEL_NOT_ALLOWED): the order goes on with what remains, and is
    CANCELLED once nothing does. Leaving line_items out, or listing every remaining item, cancels the whole order. A
    line not in the order, listed twice, or over what remains of it is 400 INVALID_LINE_ITEMS naming the line."""
    from . import seller_views as views  # the seller's work loads on first use

    return views.seller_cancel(ctx, order_id)


@endpoint(seller, "/seller/orders/{order_id}/arrange-shipment", "POST", role=Role.SELLER,
          response=shape("OrderOut"), errors=(404, 409), tag="seller",
          summary="AWAITING_SHIPMENT to AWAITING_COLLECTION (optional step)")
def arrange_shipment(ctx: Ctx["schemas.EmptyIn"], order_id: str) -> "Command[Order]":
    """Books the pickup: AWAITING_SHIPMENT to AWAITING_COLLECTION. The step is optional: an order can ship straight
    from AWAITING_SHIPMENT. Any other status, or a request past its deadline, is 409."""
    from . import seller_views as views  # the seller's work loads on first use

    return views.arrange_shipment(ctx, order_id)


@endpoint(seller, "/seller/orders/{order_id}/ship", "POST", role=Role.SELLER, body=schema("ShipIn"),
          response=shape("OrderOut"), errors=(400, 404, 409), tag="seller",
          summary="Ship: IN_TRANSIT; a pending request is rejected with {SHIPPING_REJECT_REASON}")
def ship(ctx: Ctx["schemas.ShipIn"], order_id: str) -> "Command[Order]":
    """Hands the order to the carrier with a tracking number: AWAITING_SHIPMENT or AWAITING_COLLECTION to IN_TRANSIT. A
    pending buyer request is rejected with {SHIPPING_REJECT_REASON}. An unpaid, shipped or cancelled order, or one whose
    request passed its deadline, is 409."""
    from . import seller_views as views  # the seller's work loads on first use

    return views.ship(ctx, order_id)


@endpoint(seller, "/seller/metrics/sfcr", "GET", role=Role.SELLER, response=shape("SellerSfcrOut"), tag="seller",
          summary="Seller-fault cancellation rate over the last N market days, standing and volume cap")
def seller_sfcr(ctx: Ctx[None]) -> Response:
    """The seller-fault cancellation rate over the orders placed in the last N market days: the counts, the rate
    against the target, the standing it earns and the order volume cap that goes with it; and appeals_open, the
    seller's appeals waiting for an operator (an overturned one leaves the count of seller-fault cancellations)."""
    from . import seller_views as views  # the seller's work loads on first use

    return views.seller_sfcr(ctx)


@endpoint(seller, "/seller/events", "GET", role=Role.SELLER, response=shape("EventPage"), errors=(400,), tag="seller",
          summary="The shop's events, oldest first; poll with next_cursor to get only what is new",
          query=(
              QueryParam("types", {"type": "string", "maxLength": 1024,
                                   "description": "Comma list of event types (docs/events.md)"}, "Only these types"),
              LIMIT_PARAM,
              QueryParam("cursor", {"type": "string", "maxLength": 2048}, "next_cursor of the previous poll"),
          ))
def list_events(ctx: Ctx[None]) -> Response:
    """The shop's events, the same envelopes the bus and the webhooks carry, oldest first, kept {EVENT_RETENTION}.
    next_cursor is never null: polling with it later returns only the events not yet seen, and none is ever
    missed, even one committed late with an earlier occurred_at: a page holds only events older than
    EVENT_FEED_SETTLE_SECONDS ({EVENT_FEED_SETTLE}), longer than any write takes. types keeps only those types (the page
    may then hold fewer than limit; keep polling with next_cursor). An unknown type, a bad limit or cursor is
    400."""
    from . import seller_views as views  # the seller's work loads on first use

    return views.list_events(ctx)
