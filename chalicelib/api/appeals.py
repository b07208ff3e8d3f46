"""Appeals of seller-fault cancellations (docs/appeals.md): the seller opens, lists and reads its appeals;
operators read the queue of every seller's open appeals and decide them.

Only the declarations load at cold start (Chalice registers routes at import): each view's work is in
appeal_views, loaded with the first appeal request, and the bodies and answers are named by "module:Name"."""

from typing import TYPE_CHECKING

from chalice.app import Blueprint, Response

from ..domain.enums import AppealStatus
from ..domain.identity import Role
from .routing import PAGE_PARAMS, Ctx, QueryParam, endpoint, shape

if TYPE_CHECKING:
    from ..domain.model import Appeal
    from ..service.single import Command
    from . import appeal_schemas as schemas

appeals = Blueprint(__name__)
TAG = "appeals"
OPERATOR_TAG = "operator"  # the support desk's routes, under one tag of their own


def _schema(name: str) -> str:
    return f"{__package__}.appeal_schemas:{name}"


STATUS_PARAM = QueryParam("status", {"type": "string", "enum": [s.value for s in AppealStatus]}, "Status")


@endpoint(appeals, "/seller/cancellations/{cancel_id}/appeal", "POST", role=Role.SELLER, body=_schema("AppealIn"),
          response=shape("AppealOut"), status=201, errors=(400, 404, 409), tag=TAG,
          summary="Appeal a seller-fault cancellation, with a statement and evidence files")
def open_appeal(ctx: Ctx["schemas.AppealIn"], cancel_id: str) -> "Command[Appeal]":
    """Contests a seller-fault cancellation: an accepted cancellation with counts_toward_sfcr true, within
    APPEAL_WINDOW_DAYS ({APPEAL_WINDOW_DAYS}) of its resolved_at. statement (1 to {MAX_APPEAL_TEXT_LENGTH} characters)
    says why; evidence_ids attaches up to {MAX_EVIDENCE_FILES} uploaded files (POST /seller/evidence), checked as for a
    reject (400 INVALID_EVIDENCE). Answers 201 with the appeal, OPEN until an operator decides it by decide_by; the
    cancellation's appeal names it. A second appeal of the same cancellation is 409 APPEAL_EXISTS, one that does not
    count toward the SFCR 409 NOT_APPEALABLE, too late 409 APPEAL_WINDOW_CLOSED; another shop's cancellation 404."""
    from . import appeal_views as views  # the appeals' work loads on first use

    return views.open_appeal(ctx, cancel_id)


@endpoint(appeals, "/seller/appeals", "GET", role=Role.SELLER, response=shape("AppealPage"), errors=(400,), tag=TAG,
          summary="The seller's appeals, newest first", query=(STATUS_PARAM, *PAGE_PARAMS))
def list_appeals(ctx: Ctx[None]) -> Response:
    """The seller's appeals, optionally of one status ({APPEAL_STATUSES}), newest first, a page at a time
    (pass next_cursor back as cursor), each file with a link valid {LINK_VALID}."""
    from . import appeal_views as views  # the appeals' work loads on first use

    return views.list_appeals(ctx)


@endpoint(appeals, "/seller/appeals/{appeal_id}", "GET", role=Role.SELLER, response=shape("AppealOut"),
          errors=(404,), tag=TAG, summary="One of the seller's appeals")
def get_appeal(ctx: Ctx[None], appeal_id: str) -> Response:
    """One of the seller's appeals, with its files' links and, once decided, the decision. Another shop's is 404
    APPEAL_NOT_FOUND."""
    from . import appeal_views as views  # the appeals' work loads on first use

    return views.get_appeal(ctx, appeal_id)


@endpoint(appeals, "/operator/appeals", "GET", role=Role.OPERATOR, response=shape("AppealQueuePage"),
          errors=(400,), tag=OPERATOR_TAG, summary="Every seller's open appeals, soonest decide_by first",
          query=(QueryParam("status", {"type": "string", "enum": ["OPEN"], "default": "OPEN"},
                            "OPEN: the queue"), *PAGE_PARAMS))
def appeal_queue(ctx: Ctx[None]) -> Response:
    """The operators' queue: every seller's open appeals, soonest decide_by first, each with overdue (still open at
    or after decide_by), a page at a time (pass next_cursor back as cursor)."""
    from . import appeal_views as views  # the appeals' work loads on first use

    return views.appeal_queue(ctx)


@endpoint(appeals, "/operator/appeals/{appeal_id}/decide", "POST", role=Role.OPERATOR,
          body=_schema("DecideAppealIn"), response=shape("AppealOut"), errors=(400, 404, 409), tag=OPERATOR_TAG,
          summary="Decide an open appeal: UPHOLD keeps the fault, OVERTURN lifts it from the SFCR")
def decide_appeal(ctx: Ctx["schemas.DecideAppealIn"], appeal_id: str) -> "Command[Appeal]":
    """Decides an open appeal, once: UPHOLD leaves the cancellation as it is; OVERTURN makes its fault NONE and
    counts_toward_sfcr false, and the SFCR stops counting the order unless another of its seller-fault cancellations
    still counts. note (1 to {MAX_APPEAL_TEXT_LENGTH} characters) says why. The appeal ends UPHELD or OVERTURNED with
    decided_by the operator_id; deciding it again is 409 APPEAL_DECIDED."""
    from . import appeal_views as views  # the appeals' work loads on first use

    return views.decide_appeal(ctx, appeal_id)
