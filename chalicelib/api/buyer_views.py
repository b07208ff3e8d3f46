"""The work of the buyer routes that chalicelib/api/buyer.py declares, one function per route. Loaded on the first
buyer request, with the service, the store and the answers it needs."""

from chalice.app import Response

from .. import config
from ..answers import render, shapes
from ..domain.model import Cancellation
from ..service import commands, evidence, views
from ..service.executor import Decision
from ..service.single import Command
from . import schemas
from .parsing import line_requests
from .routing import Ctx, ok


def _cancellation_answer(outcome: Decision[Cancellation]) -> tuple[int, shapes.CancellationOut]:
    return (201 if outcome.created else 200), render.cancellation(outcome.subject, config.policy(), evidence.links)


def buyer_order(ctx: Ctx[None], order_id: str) -> Response:
    detail = views.buyer_order(ctx.caller, order_id)
    return ok(render.buyer_order(detail.order, detail.cancellations, config.policy(), evidence.links))


def request_cancellation(ctx: Ctx[schemas.BuyerRequestIn], order_id: str) -> Command[Cancellation]:
    body = ctx.body
    decide = commands.request_cancellation(ctx.caller, order_id, body.reason, body.comment, ctx.now,
                                           config.policy(), line_requests(body.line_items))
    return Command(decide=decide, answer=_cancellation_answer)


def accept_offer(ctx: Ctx[schemas.EmptyIn], cancel_id: str) -> Command[Cancellation]:
    return Command(decide=commands.accept_offer(ctx.caller, cancel_id, ctx.now), answer=_cancellation_answer)


def decline_offer(ctx: Ctx[schemas.EmptyIn], cancel_id: str) -> Command[Cancellation]:
    return Command(decide=commands.decline_offer(ctx.caller, cancel_id, ctx.now), answer=_cancellation_answer)


def withdraw(ctx: Ctx[schemas.EmptyIn], cancel_id: str) -> Command[Cancellation]:
    return Command(decide=commands.withdraw(ctx.caller, cancel_id, ctx.now), answer=_cancellation_answer)
