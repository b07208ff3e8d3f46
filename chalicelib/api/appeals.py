"""Appeals of seller-fault cancellations (docs/appeals.md): the seller opens, lists and reads its appeals;
operators read the queue of every seller's open appeals and decide them.

Only the declarations load at cold start (Chalice registers routes at import): the appeals' service and rules load
with the first appeal request, and the bodies are named by "module:Name"."""

from typing import TYPE_CHECKING

from chalice.app import Blueprint, Response

from .. import config
from ..answers import render, shapes
from ..domain.enums import AppealStatus
from ..domain.identity import Role
from ..service.executor import Decision
from ..service.single import Command
from . import cursors
from .errors import ApiError
from .parsing import enum_param, limit_param
from .routing import PAGE_PARAMS, Ctx, QueryParam, endpoint, ok

if TYPE_CHECKING:
    from ..domain.model import Appeal
    from . import appeal_schemas as schemas

appeals = Blueprint(__name__)
TAG = "appeals"
OPERATOR_TAG = "operator"  # the support desk's routes, under one tag of their own


def _schema(name: str) -> str:
    return f"{__package__}.appeal_schemas:{name}"


def _links() -> render.Links:
    from ..service import evidence

    return evidence.links


def _answer(outcome: "Decision[Appeal]") -> tuple[int, shapes.AppealOut]:
    return (201 if outcome.created else 200), render.appeal(outcome.subject, _links())


def _caller(ctx: Ctx[None]) -> str:
    return f"{ctx.caller.sub}|{ctx.caller.role.value}|{ctx.caller.seller_id or ctx.caller.operator_id}"


STATUS_PARAM = QueryParam("status", {"type": "string", "enum": [s.value for s in AppealStatus]}, "Status")


@endpoint(appeals, "/seller/cancellations/{cancel_id}/appeal", "POST", role=Role.SELLER, body=_schema("AppealIn"),
          response=shapes.AppealOut, status=201, errors=(400, 404, 409), tag=TAG,
          summary="Appeal a seller-fault cancellation, with a statement and evidence files")
def open_appeal(ctx: Ctx["schemas.AppealIn"], cancel_id: str) -> Command["Appeal"]:
    """Contests a seller-fault cancellation: an accepted cancellation with counts_toward_sfcr true, within
    APPEAL_WINDOW_DAYS ({APPEAL_WINDOW_DAYS}) of its resolved_at. statement (1 to {MAX_APPEAL_TEXT_LENGTH} characters)
    says why; evidence_ids attaches up to {MAX_EVIDENCE_FILES} uploaded files (POST /seller/evidence), checked as for a
    reject (400 INVALID_EVIDENCE). Answers 201 with the appeal, OPEN until an operator decides it by decide_by; the
    cancellation's appeal names it. A second appeal of the same cancellation is 409 APPEAL_EXISTS, one that does not
    count toward the SFCR 409 NOT_APPEALABLE, too late 409 APPEAL_WINDOW_CLOSED; another shop's cancellation 404."""
    from ..service import appeals as service

    body = ctx.body
    decide = service.open_appeal(ctx.caller, cancel_id, body.statement, body.evidence_ids or (), ctx.now,
                                 config.policy())
    return Command(decide=decide, answer=_answer)


@endpoint(appeals, "/seller/appeals", "GET", role=Role.SELLER, response=shapes.AppealPage, errors=(400,), tag=TAG,
          summary="The seller's appeals, newest first", query=(STATUS_PARAM, *PAGE_PARAMS))
def list_appeals(ctx: Ctx[None]) -> Response:
    """The seller's appeals, optionally of one status ({APPEAL_STATUSES}), newest first, a page at a time
    (pass next_cursor back as cursor), each file with a link valid {LINK_VALID}."""
    from ..service import appeals as service

    status = enum_param(ctx.query, "status", AppealStatus)
    limit = limit_param(ctx.query)
    query = f"appeals|{status.value if status else ''}"
    after = cursors.decode(ctx.query.get("cursor"), caller=_caller(ctx), query=query)
    page = service.seller_appeals(ctx.caller, status, limit, after)
    links = _links()
    return ok(shapes.AppealPage(items=[render.appeal(a, links) for a in page.items],
                                next_cursor=cursors.encode(page.last_key, caller=_caller(ctx), query=query)))


@endpoint(appeals, "/seller/appeals/{appeal_id}", "GET", role=Role.SELLER, response=shapes.AppealOut, errors=(404,),
          tag=TAG, summary="One of the seller's appeals")
def get_appeal(ctx: Ctx[None], appeal_id: str) -> Response:
    """One of the seller's appeals, with its files' links and, once decided, the decision. Another shop's is 404
    APPEAL_NOT_FOUND."""
    from ..service import appeals as service

    return ok(render.appeal(service.appeal_for(ctx.caller, appeal_id), _links()))


@endpoint(appeals, "/operator/appeals", "GET", role=Role.OPERATOR, response=shapes.AppealQueuePage, errors=(400,),
          tag=OPERATOR_TAG, summary="Every seller's open appeals, soonest decide_by first",
          query=(QueryParam("status", {"type": "string", "enum": ["OPEN"], "default": "OPEN"},
                            "OPEN: the queue"), *PAGE_PARAMS))
def appeal_queue(ctx: Ctx[None]) -> Response:
    """The operators' queue: every seller's open appeals, soonest decide_by first, each with overdue (still open at
    or after decide_by), a page at a time (pass next_cursor back as cursor)."""
    from ..service import appeals as service

    status = ctx.query.get("status", AppealStatus.OPEN.value)
    if status != AppealStatus.OPEN.value:  # decided appeals are the sellers' to list
        raise ApiError(400, "UNKNOWN_ENUM_VALUE", f"Unknown status {status[:64]!r}.",
                       details={"allowed": [AppealStatus.OPEN.value]})
    limit = limit_param(ctx.query)
    query = f"queue|{AppealStatus.OPEN.value}"
    after = cursors.decode(ctx.query.get("cursor"), caller=_caller(ctx), query=query)
    items, last = service.queue(limit, (after or {}).get("after"))
    links = _links()
    return ok(shapes.AppealQueuePage(
        items=[render.queued_appeal(a, ctx.now, links) for a in items],
        next_cursor=cursors.encode({"after": last} if last else None, caller=_caller(ctx), query=query)))


@endpoint(appeals, "/operator/appeals/{appeal_id}/decide", "POST", role=Role.OPERATOR,
          body=_schema("DecideAppealIn"), response=shapes.AppealOut, errors=(400, 404, 409), tag=OPERATOR_TAG,
          summary="Decide an open appeal: UPHOLD keeps the fault, OVERTURN lifts it from the SFCR")
def decide_appeal(ctx: Ctx["schemas.DecideAppealIn"], appeal_id: str) -> Command["Appeal"]:
    """Decides an open appeal, once: UPHOLD leaves the cancellation as it is; OVERTURN makes its fault NONE and
    counts_toward_sfcr false, and the SFCR stops counting the order unless another of its seller-fault cancellations
    still counts. note (1 to {MAX_APPEAL_TEXT_LENGTH} characters) says why. The appeal ends UPHELD or OVERTURNED with
    decided_by the operator_id; deciding it again is 409 APPEAL_DECIDED."""
    from ..service import appeals as service

    body = ctx.body
    decide = service.decide(ctx.caller, appeal_id, body.decision, body.note, ctx.now, config.policy())
    return Command(decide=decide, answer=_answer)
