"""The buyer's routes: its own orders only.

Only the declarations load at cold start: each view's work is in buyer_views, loaded with the first buyer request."""

from typing import TYPE_CHECKING

from chalice.app import Blueprint, Response

from ..domain.identity import Role
from .routing import Ctx, endpoint, schema, shape

if TYPE_CHECKING:
    from ..domain.model import Cancellation
    from ..service.single import Command
    from . import schemas

buyer = Blueprint(__name__)


@endpoint(buyer, "/buyer/orders/{order_id}", "GET", role=Role.BUYER, response=shape("BuyerOrderOut"),
          errors=(404,), tag="buyer", summary="The order as the buyer sees it, with its cancellations")
def buyer_order(ctx: Ctx[None], order_id: str) -> Response:
    """One of the buyer's own orders, with its cancellations and whether the buyer may still ask to cancel. Another
    buyer's order is 404 ORDER_NOT_FOUND, as if it did not exist."""
    from . import buyer_views as views  # the buyer's work loads on first use

    return views.buyer_order(ctx, order_id)


@endpoint(buyer, "/buyer/orders/{order_id}/cancellation-requests", "POST", role=Role.BUYER,
          body=schema("BuyerRequestIn"), response=shape("CancellationOut"), status=201, errors=(400, 404, 409),
          tag="buyer",
          summary="Ask to cancel: AUTO_APPROVED if unpaid or inside the grace period, else REQUESTED with respond_by")
def request_cancellation(ctx: Ctx["schemas.BuyerRequestIn"], order_id: str) -> "Command[Cancellation]":
    """Asks to cancel an order that has not shipped. An unpaid order, or one paid within the grace period, is
    cancelled at once (AUTO_APPROVED); otherwise the request waits for the seller (REQUESTED) until respond_by,
    after which it is auto-approved. A shipped or cancelled order, a request already pending, or one the seller
    rejected before is 409; some reasons need a comment (400 COMMENT_REQUIRED). line_items asks for only those
    items, under the same rules; accepted, they come off the order, which goes on with what remains (CANCELLED once
    nothing does). Leaving line_items out, or listing every remaining item, asks for the whole order. A line not in
    the order, listed twice, or over what remains of it is 400 INVALID_LINE_ITEMS naming the line."""
    from . import buyer_views as views  # the buyer's work loads on first use

    return views.request_cancellation(ctx, order_id)


@endpoint(buyer, "/buyer/cancellations/{cancel_id}/offer/accept", "POST", role=Role.BUYER,
          response=shape("CancellationOut"), errors=(404, 409), tag="buyer",
          summary="Accept the seller's open offer: the request ends WITHDRAWN and the order goes on")
def accept_offer(ctx: Ctx["schemas.EmptyIn"], cancel_id: str) -> "Command[Cancellation]":
    """Takes the seller's offer before its answer_by: the request ends WITHDRAWN with withdraw_cause
    OFFER_ACCEPTED and the order goes on. A PARTIAL_REFUND is then owed (refund = the amount, refund_status
    PENDING, reported through the platform's refund route); a SHIP_BY date becomes the order's
    promised_ship_by. No open offer, or one past answer_by, is 409 OFFER_NOT_OPEN."""
    from . import buyer_views as views  # the buyer's work loads on first use

    return views.accept_offer(ctx, cancel_id)


@endpoint(buyer, "/buyer/cancellations/{cancel_id}/offer/decline", "POST", role=Role.BUYER,
          response=shape("CancellationOut"), errors=(404, 409), tag="buyer",
          summary="Decline the seller's open offer: the request waits for the seller again")
def decline_offer(ctx: Ctx["schemas.EmptyIn"], cancel_id: str) -> "Command[Cancellation]":
    """Says no to the seller's offer before its answer_by: the offer ends DECLINED and the request waits for the
    seller again, respond_by = now + the time the seller had left (at least {MIN_TIME_BACK}). No open offer, or one past
    answer_by, is 409 OFFER_NOT_OPEN."""
    from . import buyer_views as views  # the buyer's work loads on first use

    return views.decline_offer(ctx, cancel_id)


@endpoint(buyer, "/buyer/cancellations/{cancel_id}/withdraw", "POST", role=Role.BUYER,
          response=shape("CancellationOut"), errors=(404, 409), tag="buyer",
          summary="Withdraw a pending request before its deadline")
def withdraw(ctx: Ctx["schemas.EmptyIn"], cancel_id: str) -> "Command[Cancellation]":
    """Takes back a pending request before its deadline: REQUESTED to WITHDRAWN, and the order goes on. A request no
    longer pending, or past respond_by, is 409."""
    from . import buyer_views as views  # the buyer's work loads on first use

    return views.withdraw(ctx, cancel_id)
