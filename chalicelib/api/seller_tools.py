"""The seller's tools: bulk answers, the SFCR preview of a cancel, and auto-approve rules.

Only the declarations load at cold start (Chalice registers routes at import): each view's work is in
seller_tool_views, loaded with the first seller-tools request, and the bodies and answers (tool_schemas among
them) are named by "module:Name"; the bulk runner and the rules' service load with the first request that needs
them."""

from typing import TYPE_CHECKING

from chalice.app import Blueprint, Response

from ..domain.identity import Role
from .routing import Ctx, endpoint, schema, shape

if TYPE_CHECKING:
    from ..service.bulk import Bulk
    from . import schemas, tool_schemas

seller_tools = Blueprint(__name__)


def _tool(name: str) -> str:
    """A tool_schemas type by name, resolved by routing on first use."""
    return f"{__package__}.tool_schemas:{name}"


@endpoint(seller_tools, "/seller/cancellations/bulk-approve", "POST", role=Role.SELLER,
          body=_tool("BulkApproveIn"), response=shape("BulkOut"), errors=(400,), tag="seller",
          summary="Approve up to {MAX_BULK_IDS} pending requests; a result per id, in order")
def bulk_approve(ctx: Ctx["tool_schemas.BulkApproveIn"]) -> "Bulk":
    """Approves each distinct pending request of cancel_ids exactly as the single approve would, each committed on
    its own: one refused never stops or undoes another. 200 with `results` in the order given, each with the status
    that id alone would have got (200, 404, 409) and the cancellation or the error. Another shop's id is 404 for
    that item, like a missing one. One Idempotency-Key covers the whole call."""
    from . import seller_tool_views as views  # the seller tools' work loads on first use

    return views.bulk_approve(ctx)


@endpoint(seller_tools, "/seller/cancellations/bulk-reject", "POST", role=Role.SELLER,
          body=_tool("BulkRejectIn"), response=shape("BulkOut"), errors=(400,), tag="seller",
          summary="Reject up to {MAX_BULK_IDS} pending requests with one reason; a result per id, in order")
def bulk_reject(ctx: Ctx["tool_schemas.BulkRejectIn"]) -> "Bulk":
    """Rejects each distinct pending request of cancel_ids with one reason (and optional comment) exactly as the
    single reject would, each committed on its own, with a result per id as for bulk-approve. A reason a seller may not
    give ({SYSTEM_REJECT_REASONS}) is 400 REASON_NOT_ALLOWED for the whole call, before anything is read."""
    from . import seller_tool_views as views  # the seller tools' work loads on first use

    return views.bulk_reject(ctx)


@endpoint(seller_tools, "/seller/orders/{order_id}/cancel-preview", "POST", role=Role.SELLER,
          body=schema("SellerCancelIn"), response=_tool("CancelPreviewOut"), errors=(404,), tag="seller",
          summary="What cancelling would do, changing nothing: allowed or the problem, refund, SFCR now and after")
def cancel_preview(ctx: Ctx["schemas.SellerCancelIn"], order_id: str) -> Response:
    """Takes the body of the cancel and changes nothing. `allowed` with `problem` null, or the error the cancel would
    answer (REASON_NOT_ALLOWED, ORDER_ALREADY_SHIPPED, ...); the reason's `fault` and `counts_toward_sfcr`; the
    `refund` of a paid order; the seller-fault cancellation rate now and after, with the fields of
    /seller/metrics/sfcr; and a `warning` sentence with its `warning_code` when the standing or the volume cap
    would get worse. Decided by the same rules as the cancel itself. Another shop's order is 404."""
    from . import seller_tool_views as views  # the seller tools' work loads on first use

    return views.cancel_preview(ctx, order_id)


@endpoint(seller_tools, "/seller/auto-approve-rules", "GET", role=Role.SELLER, response=_tool("RulesOut"),
          tag="seller", summary="The seller's auto-approve rules and their version")
def get_auto_approve_rules(ctx: Ctx[None]) -> Response:
    """The whole set of the seller's auto-approve rules, in the order they are tried, and its `version` (0 before
    the first PUT). Send that version back with the next PUT."""
    from . import seller_tool_views as views  # the seller tools' work loads on first use

    return views.get_auto_approve_rules(ctx)


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
    from . import seller_tool_views as views  # the seller tools' work loads on first use

    return views.put_auto_approve_rules(ctx)
