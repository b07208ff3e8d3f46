"""The work of the support desk's routes that chalicelib/api/operator.py declares, one function per route. Loaded
on the first operator request, with the service, the store and the answers it needs."""

from chalice.app import Response

from .. import config
from ..answers import render, shapes
from ..domain.enums import Actor
from ..domain.model import Cancellation
from ..domain.support import SupportAct
from ..service import evidence, views
from ..service.executor import Decision
from ..service.single import Command
from . import support_schemas
from .parsing import line_requests
from .routing import Ctx, ok

PARTIES = {"seller": Actor.SELLER, "buyer": Actor.BUYER}


def _answer(outcome: Decision[Cancellation]) -> tuple[int, shapes.CancellationOut]:
    return (201 if outcome.created else 200), render.cancellation(outcome.subject, config.policy(), evidence.links)


def operator_order(ctx: Ctx[None], order_id: str) -> Response:
    detail = views.seller_order(ctx.caller, order_id)  # operators may see every order (SD1)
    return ok(render.seller_order(detail.order, detail.cancellations, detail.history, config.policy(),
                                 evidence.links))


def operator_cancel(ctx: Ctx[support_schemas.OperatorCancelIn], order_id: str) -> Command[Cancellation]:
    from ..service import support  # on first use: operators' calls are few

    body = ctx.body
    assert ctx.caller.operator_id is not None  # the token check requires it of every operator token
    act = SupportAct(operator_id=ctx.caller.operator_id, ticket=body.ticket, note=body.note)
    decide = support.cancel_on_behalf(ctx.caller, order_id, PARTIES[body.on_behalf_of], body.reason, body.comment,
                                      act, ctx.now, config.policy(), line_requests(body.line_items))
    return Command(decide=decide, answer=_answer)
