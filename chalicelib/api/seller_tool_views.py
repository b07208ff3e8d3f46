"""The work of the seller-tools routes that chalicelib/api/seller_tools.py declares, one function per route.
Loaded on the first seller-tools request, with tool_schemas, the service and the answers it needs; the bulk
runner and the rules' service load with the first request that uses them."""

from typing import TYPE_CHECKING

from chalice.app import Response

from .. import config
from ..answers import render, shapes
from ..domain import auto_approve
from ..domain.enums import Fault, OrderStatus
from ..domain.identity import Identity
from ..domain.lifecycle import ensure_seller_reject_reason
from ..domain.model import Cancellation
from ..service import access, commands, evidence, views
from ..service.executor import Decider, Decision
from . import schemas, tool_schemas
from .errors import ApiError
from .parsing import line_requests
from .routing import Ctx, ok

if TYPE_CHECKING:
    from ..domain.cancel_preview import Preview
    from ..service.bulk import Bulk, DeciderFor


def _distinct(cancel_ids: list[str]) -> list[str]:
    repeated = sorted({i for i in cancel_ids if cancel_ids.count(i) > 1})
    if repeated:
        raise ApiError(400, "INVALID_FIELD", "cancel_ids must be distinct.",
                       details={"path": "$.cancel_ids", "repeated": repeated})
    return cancel_ids


def bulk_approve(ctx: Ctx[tool_schemas.BulkApproveIn]) -> "Bulk":
    identity, now = ctx.caller, ctx.now

    def decider(cancel_id: str, load: access.Loader) -> Decider[Cancellation]:
        return commands.approve(identity, cancel_id, now, load)

    return _bulk(identity, ctx.body.cancel_ids, decider)


def bulk_reject(ctx: Ctx[tool_schemas.BulkRejectIn]) -> "Bulk":
    body, identity, now = ctx.body, ctx.caller, ctx.now
    ensure_seller_reject_reason(body.reason)

    def decider(cancel_id: str, load: access.Loader) -> Decider[Cancellation]:
        return commands.reject(identity, cancel_id, body.reason, body.comment, now, load)

    return _bulk(identity, body.cancel_ids, decider)


def _answer(outcome: Decision[Cancellation]) -> tuple[int, shapes.CancellationOut]:
    return 200, render.cancellation(outcome.subject, config.policy(), evidence.links)


def _bulk(identity: Identity, cancel_ids: list[str], decider: "DeciderFor") -> "Bulk":
    from ..service.bulk import Bulk  # the bulk answers load with the first bulk request

    return Bulk(identity=identity, cancel_ids=_distinct(cancel_ids), decider=decider, answer=_answer)


def cancel_preview(ctx: Ctx[schemas.SellerCancelIn], order_id: str) -> Response:
    body = ctx.body
    result = views.cancel_preview(ctx.caller, order_id, body.reason, body.comment, ctx.now, config.policy(),
                                  line_requests(body.line_items))
    return ok(_preview(result))


def _preview(result: "Preview") -> tool_schemas.CancelPreviewOut:
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


def get_auto_approve_rules(ctx: Ctx[None]) -> Response:
    from ..service import auto_approve_rules  # the rules' service loads with its first request

    return ok(_rules(auto_approve_rules.rules(ctx.caller)))


def put_auto_approve_rules(ctx: Ctx[tool_schemas.RulesIn]) -> Response:
    from ..service import auto_approve_rules  # the rules' service loads with its first request

    body = ctx.body
    drafts = [auto_approve.Draft(
        rule_id=r.rule_id, name=r.name, enabled=r.enabled, buyer_reasons=tuple(r.buyer_reasons),
        order_statuses=tuple(OrderStatus(s) for s in r.order_statuses),
        max_refund=auto_approve.MaxRefund(r.max_refund.amount, r.max_refund.currency) if r.max_refund else None,
        whole_order_only=r.whole_order_only) for r in body.rules]
    return ok(_rules(auto_approve_rules.replace(ctx.caller, drafts, body.version)))


def _rules(rule_set: auto_approve.RuleSet) -> tool_schemas.RulesOut:
    return tool_schemas.RulesOut(
        rules=[tool_schemas.RuleOut(
            rule_id=r.rule_id, name=r.name, enabled=r.enabled, buyer_reasons=list(r.buyer_reasons),
            order_statuses=[s.value for s in r.order_statuses],
            max_refund=shapes.Money(amount=r.max_refund.amount, currency=r.max_refund.currency)
            if r.max_refund else None,
            whole_order_only=r.whole_order_only) for r in rule_set.rules],
        version=rule_set.version)
