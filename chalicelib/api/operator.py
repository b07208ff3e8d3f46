"""The support desk's routes (role operator, docs/support-desk.md): read any order, cancel on a party's behalf.

There is deliberately no route that answers a seller's pending request: that decision is the seller's (SD6).
Only the declarations load at cold start: each view's work is in operator_views, loaded with the first operator
request."""

from typing import TYPE_CHECKING

from chalice.app import Blueprint, Response

from ..domain.identity import Role
from .routing import Ctx, endpoint, shape

if TYPE_CHECKING:
    from ..domain.model import Cancellation
    from ..service.single import Command
    from . import support_schemas

operator = Blueprint(__name__)


@endpoint(operator, "/operator/orders/{order_id}", "GET", role=Role.OPERATOR, response=shape("SellerOrderOut"),
          errors=(404,), tag="operator", summary="Any order, with its cancellations, history and handover warning")
def operator_order(ctx: Ctx[None], order_id: str) -> Response:
    """Any order, as its seller sees it: its cancellations (with their actor), its history (an operator's entries
    with their ticket and the party acted for) and the handover warning. An unknown order is 404."""
    from . import operator_views as views  # the support desk's work loads on first use

    return views.operator_order(ctx, order_id)


@endpoint(operator, "/operator/orders/{order_id}/cancel", "POST", role=Role.OPERATOR,
          body=f"{__package__}.support_schemas:OperatorCancelIn", response=shape("CancellationOut"), status=201,
          errors=(400, 404, 409), tag="operator",
          summary="Cancel on the seller's behalf, or ask to cancel on the buyer's, under a support ticket")
def operator_cancel(ctx: Ctx["support_schemas.OperatorCancelIn"], order_id: str) -> "Command[Cancellation]":
    """Exactly the seller's cancel (on_behalf_of seller) or the buyer's request (on_behalf_of buyer, the order's buyer),
    with that party's rules, reasons and comment: the fault is the reason's, as if the party had acted, so a
    seller-fault reason counts toward the seller's SFCR. A reason of the other party is 400 REASON_NOT_ALLOWED;
    {COMMENT_REQUIRED} on the buyer's behalf needs a comment (400 COMMENT_REQUIRED); every refusal of the party's route
    applies (409s, line items). The cancellation's actor is the operator with the ticket; the history entry has actor
    OPERATOR, the ticket, on_behalf_of and the note. An unknown order is 404."""
    from . import operator_views as views  # the support desk's work loads on first use

    return views.operator_cancel(ctx, order_id)
