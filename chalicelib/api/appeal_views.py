"""The work of the appeal routes that chalicelib/api/appeals.py declares, one function per route. Loaded on the
first appeal request, with the appeals' service, the store and the answers it needs."""

from chalice.app import Response

from .. import config
from ..answers import render, shapes
from ..domain.enums import AppealStatus
from ..domain.model import Appeal
from ..service import appeals as service
from ..service import evidence
from ..service.executor import Decision
from ..service.single import Command
from . import appeal_schemas as schemas
from . import cursors
from .errors import ApiError
from .parsing import enum_param, limit_param
from .routing import Ctx, ok


def _answer(outcome: Decision[Appeal]) -> tuple[int, shapes.AppealOut]:
    return (201 if outcome.created else 200), render.appeal(outcome.subject, evidence.links)


def _caller(ctx: Ctx[None]) -> str:
    return f"{ctx.caller.sub}|{ctx.caller.role.value}|{ctx.caller.seller_id or ctx.caller.operator_id}"


def open_appeal(ctx: Ctx[schemas.AppealIn], cancel_id: str) -> Command[Appeal]:
    body = ctx.body
    decide = service.open_appeal(ctx.caller, cancel_id, body.statement, body.evidence_ids or (), ctx.now,
                                 config.policy())
    return Command(decide=decide, answer=_answer)


def list_appeals(ctx: Ctx[None]) -> Response:
    status = enum_param(ctx.query, "status", AppealStatus)
    limit = limit_param(ctx.query)
    query = f"appeals|{status.value if status else ''}"
    after = cursors.decode(ctx.query.get("cursor"), caller=_caller(ctx), query=query)
    page = service.seller_appeals(ctx.caller, status, limit, after)
    return ok(shapes.AppealPage(items=[render.appeal(a, evidence.links) for a in page.items],
                                next_cursor=cursors.encode(page.last_key, caller=_caller(ctx), query=query)))


def get_appeal(ctx: Ctx[None], appeal_id: str) -> Response:
    return ok(render.appeal(service.appeal_for(ctx.caller, appeal_id), evidence.links))


def appeal_queue(ctx: Ctx[None]) -> Response:
    status = ctx.query.get("status", AppealStatus.OPEN.value)
    if status != AppealStatus.OPEN.value:  # decided appeals are the sellers' to list
        raise ApiError(400, "UNKNOWN_ENUM_VALUE", f"Unknown status {status[:64]!r}.",
                       details={"allowed": [AppealStatus.OPEN.value]})
    limit = limit_param(ctx.query)
    query = f"queue|{AppealStatus.OPEN.value}"
    after = cursors.decode(ctx.query.get("cursor"), caller=_caller(ctx), query=query)
    items, last = service.queue(limit, (after or {}).get("after"))
    return ok(shapes.AppealQueuePage(
        items=[render.queued_appeal(a, ctx.now, evidence.links) for a in items],
        next_cursor=cursors.encode({"after": last} if last else None, caller=_caller(ctx), query=query)))


def decide_appeal(ctx: Ctx[schemas.DecideAppealIn], appeal_id: str) -> Command[Appeal]:
    body = ctx.body
    decide = service.decide(ctx.caller, appeal_id, body.decision, body.note, ctx.now, config.policy())
    return Command(decide=decide, answer=_answer)
