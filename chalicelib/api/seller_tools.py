"""The seller's tools: bulk answers, the SFCR preview of a cancel, and auto-approve rules.

Chalice registers the routes at import; their schemas (tool_schemas, named "module:Name"), the bulk runner and
the rules' service load with the first request that needs them, so that the cold start does not pay for them."""

from typing import TYPE_CHECKING

from chalice.app import Blueprint, Response

from .. import config
from ..answers import render, shapes
from ..domain import auto_approve
from ..domain.enums import Fault, OrderStatus
from ..domain.identity import Identity, Role
from ..domain.lifecycle import ensure_seller_reject_reason
from ..domain.model import Cancellation
from ..service import access, commands, evidence, views
from ..service.executor import Decider, Decision
from . import schemas
from .errors import ApiError
from .parsing import line_requests
from .routing import Ctx, endpoint, ok

if TYPE_CHECKING:
    from ..domain.cancel_preview import Preview
    from ..service.bulk import Bulk, DeciderFor
    from . import tool_schemas

seller_tools = Blueprint(__name__)


def _tool(name: str) -> str:
    """A tool_schemas type by name, resolved by routing on first use."""
    return f"{__package__}.tool_schemas:{name}"


def _distinct(cancel_ids: list[str]) -> list[str]:
    repeated = sorted({i for i in cancel_ids if cancel_ids.count(i) > 1})
    if repeated:
        raise ApiError(400, "INVALID_FIELD", "cancel_ids must be distinct.",
                       details={"path": "$.cancel_ids", "repeated": repeated})
    return cancel_ids


@endpoint(seller_tools, "/seller/cancellations/bulk-approve", "POST", role=Role.SELLER,
          body=_tool("BulkApproveIn"), response=shapes.BulkOut, errors=(400,), tag="seller",
          summary="Approve up to {MAX_BULK_IDS} pending requests; a result per id, in order")
def bulk_approve(ctx: Ctx["tool_schemas.BulkApproveIn"]) -> "Bulk":
    """Approves each distinct pending request of cancel_ids exactly as the single approve would, each committed on
    its own: one refused never stops or undoes another. 200 with `results` in the order given, each with the status
    that id alone would have got (200, 404, 409) and the cancellation or the error. Another shop's id is 404 for
    that item, like a missing one. One Idempotency-Key covers the whole call."""
    identity, now = ctx.caller, ctx.now

    def decider(cancel_id: str, load: access.Loader) -> Decider[Cancellation]:
        return commands.approve(identity, cancel_id, now, load)

    return _bulk(identity, ctx.body.cancel_ids, decider)


@endpoint(seller_tools, "/seller/cancellations/bulk-reject", "POST", role=Role.SELLER,
          body=_tool("BulkRejectIn"), response=shapes.BulkOut, errors=(400,), tag="seller",
          summary="Reject up to {MAX_BULK_IDS} pending requests with one reason; a result per id, in order")
def bulk_reject(ctx: Ctx["tool_schemas.BulkRejectIn"]) -> "Bulk":
    """Rejects each distinct pending request of cancel_ids with one reason (and optional comment) exactly as the
    single reject would, each committed on its own, with a result per id as for bulk-approve. A reason a seller may not
    give ({SYSTEM_REJECT_REASONS}) is 400 REASON_NOT_ALLOWED for the whole call, before anything is read."""
    body, identity, now = ctx.body, ctx.caller, ctx.now
    ensure_seller_reject_reason(body.reason)

    def decider(cancel_id: str, load: access.Loader) -> Decider[Cancellation]:
        return commands.reject(identity, cancel_id, body.reason, body.comment, now, load)

    return _bulk(identity, body.cancel_ids, decider)


def _answer(outcome: Decision[Cancellation]) -> tuple[int, shapes.CancellationOut]:
    return 200, render.cancellation(outcome.subject, config.policy(), evidence.links)


def _bulk(identity: Identity, cancel_ids: list[str], decider: "DeciderFor") -> "Bulk":
    from ..service.bulk import Bulk  # the bulk answers load with the first bulk request, off the cold start

    return Bulk(identity=identity, cancel_ids=_distinct(cancel_ids), decider=decider, answer=_answer)


@endpoint(seller_tools, "/seller/orders/{order_id}/cancel-preview", "POST", role=Role.SELLER,
          body=schemas.SellerCancelIn, response=_tool("CancelPreviewOut"), errors=(404,), tag="seller",
          summary="What cancelling would do, changing nothing: allowed or the problem, refund, SFCR now and after")
def cancel_preview(ctx: Ctx[schemas.SellerCancelIn], order_id: str) -> Response:
    """Takes the body of the cancel and changes nothing. `allowed` with `problem` null, or the error the cancel would
    answer (REASON_NOT_ALLOWED, ORDER_ALREADY_SHIPPED, ...); the reason's `fault` and `counts_toward_sfcr`; the
    `refund` of a paid order; the seller-fault cancellation rate now and after, with the fields of
    /seller/metrics/sfcr; and a `warning` sentence with its `warning_code` when the standing or the volume cap
    would get worse. Decided by the same rules as the cancel itself. Another shop's order is 404."""
    body = ctx.body
    result = views.cancel_preview(ctx.caller, order_id, body.reason, body.comment, ctx.now, config.policy(),
                                  line_requests(body.line_items))
    return ok(_preview(result))


def _preview(result: "Preview") -> "tool_schemas.CancelPreviewOut":
    from . import tool_schemas  # the seller tools' schemas load with their first request, off the cold start

    problem = result.problem
    return tool_schemas.CancelPreviewOut(
        allowed=result.allowed,
        problem=shapes.ErrorBody(code=problem.code, message=problem.message, details=problem.details)
        if problem else None,
        fault=Fault(result.fault),
        counts_toward_sfcr=result.counts_toward_sfcr,
        refund=shapes.Money(amount=result.refund, currency=result.currency) if result.refund is not None else None,
        sfcr_now=render.sfcr(result.sfcr_now),
        sfcr_after=render.sfcr(result.sfcr_after),
        warning=result.warning,
        warning_code=result.warning_code,
    )


@endpoint(seller_tools, "/seller/auto-approve-rules", "GET", role=Role.SELLER, response=_tool("RulesOut"),
          tag="seller", summary="The seller's auto-approve rules and their version")
def get_auto_approve_rules(ctx: Ctx[None]) -> Response:
    """The whole set of the seller's auto-approve rules, in the order they are tried, and its `version` (0 before
    the first PUT). Send that version back with the next PUT."""
    from ..service import auto_approve_rules  # the rules' service loads with its first request, off the cold start

    return ok(_rules(auto_approve_rules.rules(ctx.caller)))


@endpoint(seller_tools, "/seller/auto-approve-rules", "PUT", role=Role.SELLER, body=_tool("RulesIn"),
          response=_tool("RulesOut"), errors=(400, 409), tag="seller",
          summary="Replace the whole set of auto-approve rules (at most {MAX_AUTO_APPROVE_RULES}), on the version last "
                  "read")
def put_auto_approve_rules(ctx: Ctx["tool_schemas.RulesIn"]) -> Response:
    """Replaces the whole set. A buyer's request that would wait for the seller is AUTO_APPROVED at once, cause
    SELLER_RULE and the rule's id, when an enabled rule matches it: its reason among `buyer_reasons` (empty: any),
    the order's status among `order_statuses`, its refund at most `max_refund` (in the order's currency; null: any),
    and, with `whole_order_only`, a request for the whole order. Requests already pending are not touched. A rule
    keeps its `rule_id` when the PUT names it; a rule without one gets a new id. A `version` other than the current
    one is 409 RULES_VERSION_CONFLICT with details.current.version."""
    from ..service import auto_approve_rules  # the rules' service loads with its first request, off the cold start

    body = ctx.body
    drafts = [auto_approve.Draft(
        rule_id=r.rule_id, name=r.name, enabled=r.enabled, buyer_reasons=tuple(r.buyer_reasons),
        order_statuses=tuple(OrderStatus(s) for s in r.order_statuses),
        max_refund=auto_approve.MaxRefund(r.max_refund.amount, r.max_refund.currency) if r.max_refund else None,
        whole_order_only=r.whole_order_only) for r in body.rules]
    return ok(_rules(auto_approve_rules.replace(ctx.caller, drafts, body.version)))


def _rules(rule_set: auto_approve.RuleSet) -> "tool_schemas.RulesOut":
    from . import tool_schemas  # the seller tools' schemas load with their first request, off the cold start

    return tool_schemas.RulesOut(
        rules=[tool_schemas.RuleOut(
            rule_id=r.rule_id, name=r.name, enabled=r.enabled, buyer_reasons=list(r.buyer_reasons),
            order_statuses=[s.value for s in r.order_statuses],
            max_refund=shapes.Money(amount=r.max_refund.amount, currency=r.max_refund.currency)
            if r.max_refund else None,
            whole_order_only=r.whole_order_only) for r in rule_set.rules],
        version=rule_set.version)
