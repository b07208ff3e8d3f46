"""The envelope of an event, the same bytes on every channel (bus, webhook body, feed), built from the values a
transaction commits: a change that did not commit has no envelope anywhere."""

import base64
import hashlib
from datetime import datetime

import msgspec
from msgspec.structs import asdict

from .. import config
from ..answers import render
from ..answers import shapes as s
from ..domain.clock import iso
from ..domain.event_types import RESPONSE_DUE_SOON, event_type
from ..domain.model import Appeal, Cancellation, Change, Order


class Outgoing(msgspec.Struct, frozen=True):
    """An event as the outbox stores it: `body` is the envelope's JSON, sent as is."""

    event_id: str
    type: str
    seller_id: str
    position: str  # where it sorts in the seller's feed: `<occurred_at>#<order_id>#<sequence>[#<lead>]`
    occurred_at: datetime
    body: bytes


def event_id(*parts: str) -> str:
    """`evt_` + 26 base32 characters of a hash of what the event is of, so a retry can never mint another id."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).digest()
    return "evt_" + base64.b32encode(digest).decode()[:26].lower()


def _order(order: Order) -> s.EventOrderOut:
    return s.EventOrderOut(**asdict(render.order(order)), handover=render.handover(order))


def _position(occurred_at: datetime, order: Order, suffix: str = "") -> str:
    return f"{iso(occurred_at)}#{order.order_id}#{order.version:010d}{suffix}"


def _outgoing(ident: str, kind: str, occurred_at: datetime, order: Order, cancellation: Cancellation | None,
              position: str, lead_seconds: int | None = None, appeal: Appeal | None = None) -> Outgoing:
    envelope = s.EventOut(
        id=ident, type=kind, occurred_at=iso(occurred_at), seller_id=order.seller_id, order_id=order.order_id,
        sequence=order.version,
        data=s.EventData(order=_order(order),
                         cancellation=None if cancellation is None else render.cancellation(cancellation,
                                                                                            config.policy()),
                         lead_seconds=lead_seconds,
                         appeal=render.appeal(appeal) if appeal is not None else None),
    )
    return Outgoing(ident, kind, order.seller_id, position, occurred_at, msgspec.json.encode(envelope))


def of_change(change: Change, now: datetime) -> Outgoing:
    """The event of a change committed at `now`; `sequence` is the order's new version, the history entry's seq."""
    order = change.order
    kind = event_type(change.history.action, change.history.cancel_id is not None)
    return _outgoing(event_id(order.order_id, str(order.version)), kind, now, order, change.cancellation,
                     _position(now, order), appeal=change.appeal)


def reminder(cancellation: Cancellation, order: Order, lead_seconds: int, now: datetime) -> Outgoing:
    """`cancellation.response_due_soon` for one request and lead: the id depends on nothing else."""
    return _outgoing(event_id("reminder", cancellation.cancel_id, str(lead_seconds)), RESPONSE_DUE_SOON, now, order,
                     cancellation, _position(now, order, f"#{lead_seconds:010d}"), lead_seconds)
