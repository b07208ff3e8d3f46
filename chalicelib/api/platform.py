"""The platform's order source: records orders, payments and deliveries.

Only the declarations load at cold start: each view's work is in platform_views, loaded with the first platform
request."""

from typing import TYPE_CHECKING

from chalice.app import Blueprint

from ..domain.identity import Role
from .routing import Ctx, endpoint, schema, shape

if TYPE_CHECKING:
    from ..domain.model import Cancellation, Order
    from ..service.single import Command
    from . import schemas

platform = Blueprint(__name__)


@endpoint(platform, "/platform/orders", "POST", role=Role.PLATFORM, body=schema("RecordOrderIn"),
          response=shape("OrderOut"), status=201, errors=(400, 409), tag="platform",
          summary="Record an order (201); the same body again answers 200, another body for the id 409")
def record_order(ctx: Ctx["schemas.RecordOrderIn"]) -> "Command[Order]":
    """Records an order from the platform, UNPAID or AWAITING_SHIPMENT, and answers 201 with it. Sending the same body
    again answers 200 with the stored order; another body for the same order_id is 409 ORDER_ALREADY_RECORDED. Times
    in the future, or paid_at before placed_at, are 400."""
    from . import platform_views as views  # the platform's work loads on first use

    return views.record_order(ctx)


@endpoint(platform, "/platform/orders/{order_id}/payment", "POST", role=Role.PLATFORM, response=shape("OrderOut"),
          errors=(404, 409), tag="platform", summary="Record payment: UNPAID to AWAITING_SHIPMENT")
def record_payment(ctx: Ctx["schemas.EmptyIn"], order_id: str) -> "Command[Order]":
    """Records the buyer's payment: the order goes from UNPAID to AWAITING_SHIPMENT and gets paid_at, which starts the
    buyer's grace period. Any other status is 409 ORDER_NOT_UNPAID."""
    from . import platform_views as views  # the platform's work loads on first use

    return views.record_payment(ctx, order_id)


@endpoint(platform, "/platform/orders/{order_id}/delivery", "POST", role=Role.PLATFORM, response=shape("OrderOut"),
          errors=(404, 409), tag="platform", summary="Record delivery: IN_TRANSIT to DELIVERED")
def record_delivery(ctx: Ctx["schemas.EmptyIn"], order_id: str) -> "Command[Order]":
    """Records that the parcel arrived: the order goes from IN_TRANSIT to DELIVERED. Any other status is 409
    ORDER_NOT_IN_TRANSIT."""
    from . import platform_views as views  # the platform's work loads on first use

    return views.record_delivery(ctx, order_id)


@endpoint(platform, "/platform/orders/{order_id}/completion", "POST", role=Role.PLATFORM, response=shape("OrderOut"),
          errors=(404, 409), tag="platform", summary="Record completion: DELIVERED to COMPLETED")
def record_completion(ctx: Ctx["schemas.EmptyIn"], order_id: str) -> "Command[Order]":
    """Records that the order is complete: DELIVERED to COMPLETED. Any other status is 409 ORDER_NOT_DELIVERED."""
    from . import platform_views as views  # the platform's work loads on first use

    return views.record_completion(ctx, order_id)


@endpoint(platform, "/platform/cancellations/{cancel_id}/refund", "POST", role=Role.PLATFORM,
          body=schema("RefundIn"), response=shape("CancellationOut"), errors=(400, 404, 409), tag="platform",
          summary="Report a cancellation's refund returned: PENDING to REFUNDED; the same reference again 200")
def report_refund(ctx: Ctx["schemas.RefundIn"], cancel_id: str) -> "Command[Cancellation]":
    """The payment system reports that it returned a cancellation's refund, under its own refund_reference:
    refund_status goes from PENDING to REFUNDED with refunded_at, and the answer is the cancellation. The same
    reference again answers 200 and changes nothing; another reference is 409 REFUND_ALREADY_REPORTED, and a
    cancellation whose refund is not PENDING (not accepted, rejected, withdrawn, or of an unpaid order) 409
    REFUND_NOT_PENDING."""
    from . import platform_views as views  # the platform's work loads on first use

    return views.report_refund(ctx, cancel_id)
