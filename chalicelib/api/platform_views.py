"""The work of the platform routes that chalicelib/api/platform.py declares, one function per route. Loaded on the
first platform request, with the service, the store and the answers it needs."""

import hashlib
from datetime import timedelta

import msgspec

from .. import config
from ..answers import render, shapes
from ..domain.enums import OrderStatus
from ..domain.model import Cancellation, LineItem, Order
from ..service import commands
from ..service.executor import Decision
from ..service.single import Command
from . import schemas
from .errors import ApiError
from .parsing import instant
from .routing import Ctx

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


def record_order(ctx: Ctx[schemas.RecordOrderIn]) -> Command[Order]:
    decide = commands.record_order(ctx.caller, _order_from(ctx.body, ctx), config.policy())
    return Command(decide=decide, answer=_order_answer)


def record_payment(ctx: Ctx[schemas.EmptyIn], order_id: str) -> Command[Order]:
    return Command(decide=commands.record_payment(ctx.caller, order_id, ctx.now), answer=_order_answer)


def record_delivery(ctx: Ctx[schemas.EmptyIn], order_id: str) -> Command[Order]:
    return Command(decide=commands.record_delivery(ctx.caller, order_id, ctx.now), answer=_order_answer)


def record_completion(ctx: Ctx[schemas.EmptyIn], order_id: str) -> Command[Order]:
    return Command(decide=commands.record_completion(ctx.caller, order_id, ctx.now), answer=_order_answer)


def _cancellation_answer(outcome: Decision[Cancellation]) -> tuple[int, shapes.CancellationOut]:
    return 200, render.cancellation(outcome.subject, config.policy())


def report_refund(ctx: Ctx[schemas.RefundIn], cancel_id: str) -> Command[Cancellation]:
    decide = commands.report_refund(ctx.caller, cancel_id, ctx.body.refund_reference, ctx.now)
    return Command(decide=decide, answer=_cancellation_answer)
