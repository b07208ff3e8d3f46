"""The work of the seller routes that chalicelib/api/seller.py declares, one function per route. Loaded on the
first seller request, with the service, the store and the answers it needs."""

from datetime import timedelta

import msgspec
from chalice.app import Response

from .. import config, obs
from ..answers import render, shapes
from ..domain.clock import parse_iso
from ..domain.enums import CancellationStatus, Tab
from ..domain.model import Cancellation, Order
from ..service import commands, evidence, views
from ..service.executor import Decision
from ..service.single import Command
from . import cursors, schemas
from .errors import JSON, ApiError
from .parsing import enum_param, instant, limit_param, line_requests
from .routing import Ctx, ok
from .seller import CANCELLATION_FILTER


def _answer(outcome: Decision[Cancellation]) -> tuple[int, shapes.CancellationOut]:
    return (201 if outcome.created else 200), render.cancellation(outcome.subject, config.policy(), evidence.links)


def _order_answer(outcome: Decision[Order]) -> tuple[int, shapes.OrderOut]:
    return 200, render.order(outcome.subject)


def _caller(ctx: Ctx[None]) -> str:
    return f"{ctx.caller.sub}|{ctx.caller.seller_id}"


def action_needed(ctx: Ctx[None]) -> Response:
    due_before = ctx.now + timedelta(seconds=config.settings().due_soon_seconds)
    counts = views.action_needed(ctx.caller, due_before)
    return ok(render.action_needed(counts.requested, counts.auto_approved, counts.due_soon, counts.awaiting_buyer))


def list_orders(ctx: Ctx[None]) -> Response:
    tab = enum_param(ctx.query, "tab", Tab, Tab.ALL)
    attention = ctx.query.get("filter")
    if attention not in (None, CANCELLATION_FILTER):
        raise ApiError(400, "UNKNOWN_ENUM_VALUE", f"Unknown filter {attention[:64]!r}.",
                       details={"allowed": [CANCELLATION_FILTER]})
    if attention and tab is not Tab.ALL:
        raise ApiError(400, "FILTER_NEEDS_ALL_TAB", "filter=cancellation applies to the All tab.",
                       details={"tab": tab.value})
    limit = limit_param(ctx.query)
    query = f"orders|{tab.value}|{attention or ''}"
    after = cursors.decode(ctx.query.get("cursor"), caller=_caller(ctx), query=query)
    page = views.orders(ctx.caller, tab, attention is not None, limit, after)
    return ok(shapes.OrderPage(items=[render.seller_listed_order(o) for o in page.items],
                                next_cursor=cursors.encode(page.last_key, caller=_caller(ctx), query=query)))


def order_detail(ctx: Ctx[None], order_id: str) -> Response:
    detail = views.seller_order(ctx.caller, order_id)
    return ok(render.seller_order(detail.order, detail.cancellations, detail.history, config.policy(),
                                 evidence.links))


def list_cancellations(ctx: Ctx[None]) -> Response:
    status = enum_param(ctx.query, "status", CancellationStatus)
    limit = limit_param(ctx.query)
    query = f"cancellations|{status.value if status else ''}"
    after = cursors.decode(ctx.query.get("cursor"), caller=_caller(ctx), query=query)
    page = views.cancellations(ctx.caller, status, limit, after)
    policy = config.policy()
    return ok(shapes.CancellationPage(items=[render.cancellation(c, policy, evidence.links) for c in page.items],
                                       next_cursor=cursors.encode(page.last_key, caller=_caller(ctx), query=query)))


def get_cancellation(ctx: Ctx[None], cancel_id: str) -> Response:
    return ok(render.cancellation(views.cancellation(ctx.caller, cancel_id), config.policy(), evidence.links))


def approve(ctx: Ctx[schemas.EmptyIn], cancel_id: str) -> Command[Cancellation]:
    return Command(decide=commands.approve(ctx.caller, cancel_id, ctx.now), answer=_answer)


def reject(ctx: Ctx[schemas.RejectIn], cancel_id: str) -> Command[Cancellation]:
    body = ctx.body
    decide = commands.reject(ctx.caller, cancel_id, body.reason, body.comment, ctx.now,
                             evidence_ids=body.evidence_ids or ())
    return Command(decide=decide, answer=_answer)


def make_offer(ctx: Ctx[schemas.OfferIn], cancel_id: str) -> Command[Cancellation]:
    from ..domain.offers import OfferTerms

    body = ctx.body
    terms = OfferTerms(kind=body.kind, message=body.message, amount=body.amount,
                       ship_by=instant(body.ship_by, "ship_by"))
    return Command(decide=commands.make_offer(ctx.caller, cancel_id, terms, ctx.now, config.policy()),
                   answer=_answer)


def acknowledge(ctx: Ctx[schemas.EmptyIn], cancel_id: str) -> Command[Cancellation]:
    return Command(decide=commands.acknowledge(ctx.caller, cancel_id, ctx.now), answer=_answer)


def seller_cancel(ctx: Ctx[schemas.SellerCancelIn], order_id: str) -> Command[Cancellation]:
    body = ctx.body
    decide = commands.seller_cancel(ctx.caller, order_id, body.reason, body.comment, ctx.now, config.policy(),
                                    line_requests(body.line_items))
    return Command(decide=decide, answer=_answer)


def arrange_shipment(ctx: Ctx[schemas.EmptyIn], order_id: str) -> Command[Order]:
    return Command(decide=commands.arrange_shipment(ctx.caller, order_id, ctx.now), answer=_order_answer)


def ship(ctx: Ctx[schemas.ShipIn], order_id: str) -> Command[Order]:
    body = ctx.body
    return Command(decide=commands.ship(ctx.caller, order_id, body.tracking_number, ctx.now), answer=_order_answer)


def seller_sfcr(ctx: Ctx[None]) -> Response:
    return ok(render.seller_sfcr(views.seller_sfcr(ctx.caller, ctx.now, config.policy()),
                                 views.appeals_open(ctx.caller)))


def list_events(ctx: Ctx[None]) -> Response:
    from ..domain.event_types import TYPES
    from ..events import feed

    types = _types(ctx.query.get("types"), TYPES)
    limit = limit_param(ctx.query)
    query = "events|" + ",".join(sorted(types or ()))
    key = cursors.decode(ctx.query.get("cursor"), caller=_caller(ctx), query=query)
    assert ctx.caller.seller_id is not None
    page = feed.page(ctx.caller.seller_id, after=(key or {}).get("after"), limit=limit, types=types, now=ctx.now)
    if page.newest is not None:
        lag = (ctx.now - parse_iso(page.newest)).total_seconds()
        obs.metrics("events.feed_page", {"FeedLagSeconds": (lag, "Seconds")}, served=len(page.bodies))
    next_cursor = cursors.encode({"after": page.after}, caller=_caller(ctx), query=query)
    assert next_cursor is not None
    # The envelopes go out as stored: the same bytes as on the bus.
    body = '{"items":[' + ",".join(page.bodies) + '],"next_cursor":' + msgspec.json.encode(next_cursor).decode() + "}"
    return Response(body=body, status_code=200, headers=dict(JSON))


def _types(raw: str | None, known: tuple[str, ...]) -> frozenset[str] | None:
    if raw is None:
        return None
    given = frozenset(part.strip() for part in raw.split(","))
    unknown = sorted(given - set(known))
    if unknown or not given:
        raise ApiError(400, "UNKNOWN_ENUM_VALUE", f"Unknown event type {(unknown or [''])[0][:64]!r}.",
                       details={"allowed": list(known)})
    return given
