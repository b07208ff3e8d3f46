"""The support desk's routes (role operator, docs/support-desk.md): read any order, cancel on a party's behalf.

There is deliberately no route that answers a seller's pending request: that decision is the seller's (SD6)."""

from typing import TYPE_CHECKING

from chalice.app import Blueprint, Response

from .. import config
from ..answers import render, shapes
from ..domain.enums import Actor
from ..domain.identity import Role
from ..domain.model import Cancellation
from ..domain.support import SupportAct
from ..service import evidence, views
from ..service.executor import Decision
from ..service.single import Command
from .parsing import line_requests
from .routing import Ctx, endpoint, ok

if TYPE_CHECKING:
    from . import support_schemas

operator = Blueprint(__name__)
PARTIES = {"seller": Actor.SELLER, "buyer": Actor.BUYER}


def _answer(outcome: Decision[Cancellation]) -> tuple[int, shapes.CancellationOut]:
    return (201 if outcome.created else 200), render.cancellation(outcome.subject, config.policy(), evidence.links)


@endpoint(operator, "/operator/orders/{order_id}", "GET", role=Role.OPERATOR, response=shapes.SellerOrderOut,
          errors=(404,), tag="operator", summary="Any order, with its cancellations, history and handover warning")
def operator_order(ctx: Ctx[None], order_id: str) -> Response:
    """Any order, as its seller sees it: its cancellations (with their actor), its history (an operator's entries
    with their ticket and the party acted for) and the handover warning. An unknown order is 404."""
    detail = views.seller_order(ctx.caller, order_id)  # operators may see every order (SD1)
    return ok(render.seller_order(detail.order, detail.cancellations, detail.history, config.policy(),
                                 evidence.links))


@endpoint(operator, "/operator/orders/{order_id}/cancel", "POST", role=Role.OPERATOR,
          body=f"{__package__}.support_schemas:OperatorCancelIn", response=shapes.CancellationOut, status=201,
          errors=(400, 404, 409), tag="operator",
          summary="Cancel on the seller's behalf, or ask to cancel on the buyer's, under a support ticket")
def operator_cancel(ctx: Ctx["support_schemas.OperatorCancelIn"], order_id: str) -> Command[Cancellation]:
    """Exactly the seller's cancel (on_behalf_of seller) or the buyer's request (on_behalf_of buyer, the order's buyer),
    with that party's rules, reasons and comment: the fault is the reason's, as if the party had acted, so a
    seller-fault reason counts toward the seller's SFCR. A reason of the other party is 400 REASON_NOT_ALLOWED;
    {COMMENT_REQUIRED} on the buyer's behalf needs a comment (400 COMMENT_REQUIRED); every refusal of the party's route
    applies (409s, line items). The cancellation's actor is the operator with the ticket; the history entry has actor
    OPERATOR, the ticket, on_behalf_of and the note. An unknown order is 404."""
    from ..service import support  # on first use: operators' calls are few

    body = ctx.body
    assert ctx.caller.operator_id is not None  # the token check requires it of every operator token
    act = SupportAct(operator_id=ctx.caller.operator_id, ticket=body.ticket, note=body.note)
    decide = support.cancel_on_behalf(ctx.caller, order_id, PARTIES[body.on_behalf_of], body.reason, body.comment,
                                      act, ctx.now, config.policy(), line_requests(body.line_items))
    return Command(decide=decide, answer=_answer)
