"""The platform's order source: records orders, payments and deliveries."""

import hashlib
from datetime import timedelta

import msgspec
from chalice.app import Blueprint

from .. import config
from ..answers import render, shapes
from ..domain.enums import OrderStatus
from ..domain.identity import Role
from ..domain.model import Cancellation, LineItem, Order
from ..service import commands
from ..service.executor import Decision
from ..service.single import Command
from . import schemas
from .errors import ApiError
from .parsing import instant
from .routing import Ctx, endpoint

platform = Blueprint(__name__)

# Orders from the future are refused beyond this much clock difference with the platform.
FUTURE_TOLERANCE = timedelta(minutes=5)


def _order_from(body: schemas.RecordOrderIn, ctx: Ctx[schemas.RecordOrderIn]) -> Order:
    placed_at = instant(body.placed_at, "placed_at") or ctx.now
    paid_at = instant(body.paid_at, "paid_at")
    status = OrderStatus(body.status)
    if status is OrderStatus.AWAITING_SHIPMENT and paid_at is None:
        paid_at = ctx.now
    for field, value in (("placed_at", placed_at), ("paid_at", paid_at)):
        if value is not None and value > ctx.now + FUTURE_TOLERANCE:
            raise ApiError(400, "INVALID_FIELD", f"{field} is in the future.", details={"path": f"$.{field}"})
    fingerprint = hashlib.sha256(msgspec.json.encode(msgspec.to_builtins(body), order="sorted")).hexdigest()
    return Order(
        order_id=body.order_id, seller_id=body.seller_id, buyer_id=body.buyer_id,
        items=tuple(LineItem(i.sku, i.quantity, i.unit_price) for i in body.items),
        currency=body.currency, status=status, placed_at=placed_at, paid_at=paid_at, fingerprint=fingerprint,
    )


def _order_answer(outcome: Decision[Order]) -> tuple[int, shapes.OrderOut]:
    return (201 if outcome.created else 200), render.order(outcome.subject)


@endpoint(platform, "/platform/orders", "POST", role=Role.PLATFORM, body=schemas.RecordOrderIn,
          response=shapes.OrderOut, status=201, errors=(400, 409), tag="platform",
          summary="Record an order (201); the same body again answers 200, another body for the id 409")
def record_order(ctx: Ctx[schemas.RecordOrderIn]) -> Command[Order]:
    """Records an order from the platform, UNPAID or AWAITING_SHIPMENT, and answers 201 with it. Sending the same body
    again answers 200 with the stored order; another body for the same order_id is 409 ORDER_ALREADY_RECORDED. Times
    in the future, or paid_at before placed_at, are 400."""
    decide = commands.record_order(ctx.caller, _order_from(ctx.body, ctx), config.policy())
    return Command(decide=decide, answer=_order_answer)


@endpoint(platform, "/platform/orders/{order_id}/payment", "POST", role=Role.PLATFORM, response=shapes.OrderOut,
          errors=(404, 409), tag="platform", summary="Record payment: UNPAID to AWAITING_SHIPMENT")
def record_payment(ctx: Ctx[schemas.EmptyIn], order_id: str) -> Command[Order]:
    """Records the buyer's payment: the order goes from UNPAID to AWAITING_SHIPMENT and gets paid_at, which starts the
    buyer's grace period. Any other status is 409 ORDER_NOT_UNPAID."""
    return Command(decide=commands.record_payment(ctx.caller, order_id, ctx.now), answer=_order_answer)


@endpoint(platform, "/platform/orders/{order_id}/delivery", "POST", role=Role.PLATFORM, response=shapes.OrderOut,
          errors=(404, 409), tag="platform", summary="Record delivery: IN_TRANSIT to DELIVERED")
def record_delivery(ctx: Ctx[schemas.EmptyIn], order_id: str) -> Command[Order]:
    """Records that the parcel arrived: the order goes from IN_TRANSIT to DELIVERED. Any other status is 409
    ORDER_NOT_IN_TRANSIT."""
    return Command(decide=commands.record_delivery(ctx.caller, order_id, ctx.now), answer=_order_answer)


@endpoint(platform, "/platform/orders/{order_id}/completion", "POST", role=Role.PLATFORM, response=shapes.OrderOut,
          errors=(404, 409), tag="platform", summary="Record completion: DELIVERED to COMPLETED")
def record_completion(ctx: Ctx[schemas.EmptyIn], order_id: str) -> Command[Order]:
    """Records that the order is complete: DELIVERED to COMPLETED. Any other status is 409 ORDER_NOT_DELIVERED."""
    return Command(decide=commands.record_completion(ctx.caller, order_id, ctx.now), answer=_order_answer)


def _cancellation_answer(outcome: Decision[Cancellation]) -> tuple[int, shapes.CancellationOut]:
    return 200, render.cancellation(outcome.subject, config.policy())


@endpoint(platform, "/platform/cancellations/{cancel_id}/refund", "POST", role=Role.PLATFORM,
          body=schemas.RefundIn, response=shapes.CancellationOut, errors=(400, 404, 409), tag="platform",
          summary="Report a cancellation's refund returned: PENDING to REFUNDED; the same reference again 200")
def report_refund(ctx: Ctx[schemas.RefundIn], cancel_id: str) -> Command[Cancellation]:
    """The payment system reports that it returned a cancellation's refund, under its own refund_reference:
    refund_status goes from PENDING to REFUNDED with refunded_at, and the answer is the cancellation. The same
    reference again answers 200 and changes nothing; another reference is 409 REFUND_ALREADY_REPORTED, and a
    cancellation whose refund is not PENDING (not accepted, rejected, withdrawn, or of an unpaid order) 409
    REFUND_NOT_PENDING."""
    decide = commands.report_refund(ctx.caller, cancel_id, ctx.body.refund_reference, ctx.now)
    return Command(decide=decide, answer=_cancellation_answer)
