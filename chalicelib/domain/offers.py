"""The seller's one offer on a buyer's request (docs/offers.md): what each kind carries, and its checks.

The transitions that make, answer and end an offer live in lifecycle.py with the other state changes; this
module holds only the rules about the offer's own terms.
"""

from datetime import datetime, timedelta
from typing import Any

import msgspec

from .enums import OfferKind
from .errors import InvalidRequest
from .limits import MAX_COMMENT_LENGTH, MAX_SHIP_BY_AHEAD_SECONDS
from .model import Offer, Order

# A promised ship-by date is at most this far ahead: a promise is a short one.
MAX_SHIP_BY_AHEAD = timedelta(seconds=MAX_SHIP_BY_AHEAD_SECONDS)
# A declined or lapsed offer gives the seller back what was left of its time, and never less than this.
MIN_TIME_BACK = timedelta(hours=1)

# The field each kind needs; a field of another kind is refused.
KIND_FIELD: dict[OfferKind, str | None] = {
    OfferKind.PARTIAL_REFUND: "amount",
    OfferKind.SHIP_BY: "ship_by",
    OfferKind.KEEP_ORDER: None,
}


class OfferTerms(msgspec.Struct, frozen=True):
    """What the seller offers, as asked: checked by `check_terms` against the order and `now`."""

    kind: OfferKind
    message: str
    amount: int | None = None
    ship_by: datetime | None = None


def _invalid(message: str, field: str, **details: Any) -> InvalidRequest:
    return InvalidRequest(message, code="INVALID_OFFER", details={"field": field, **details})


def check_fields(terms: OfferTerms) -> None:
    """The kind's own field is given and no other kind's is (state-free, so checked first)."""
    if not terms.message.strip() or len(terms.message) > MAX_COMMENT_LENGTH:
        raise _invalid(f"An offer's message has 1 to {MAX_COMMENT_LENGTH} characters.", "message")
    needed = KIND_FIELD[terms.kind]
    for field in ("amount", "ship_by"):
        given = getattr(terms, field) is not None
        if field == needed and not given:
            raise _invalid(f"A {terms.kind.value} offer needs {field}.", field, kind=terms.kind.value)
        if field != needed and given:
            raise _invalid(f"A {terms.kind.value} offer takes no {field}.", field, kind=terms.kind.value)


def check_terms(terms: OfferTerms, order: Order, now: datetime) -> None:
    """The amount within what remains of the order, the ship-by date after now and not too far ahead."""
    check_fields(terms)
    if terms.amount is not None and not 1 <= terms.amount <= order.remaining_total:
        raise _invalid(f"amount is 1 to the order's remaining total, {order.remaining_total}.", "amount",
                       minimum=1, maximum=order.remaining_total)
    if terms.ship_by is not None and not now < terms.ship_by <= now + MAX_SHIP_BY_AHEAD:
        raise _invalid(f"ship_by is after now and at most {MAX_SHIP_BY_AHEAD.days} days ahead.", "ship_by")


def open_offer(terms: OfferTerms, now: datetime, window: timedelta) -> Offer:
    return Offer(kind=terms.kind, message=terms.message, made_at=now, answer_by=now + window,
                 amount=terms.amount, ship_by=terms.ship_by)


def seconds_left(respond_by: datetime, now: datetime) -> int:
    """What the seller's clock had left when it stopped, in whole seconds (rounded up: never less than it was)."""
    left = respond_by - now
    return max(0, -(-left // timedelta(seconds=1)))


def restarted(seconds: int | None, now: datetime) -> datetime:
    """The seller's new deadline once the buyer declined or let the offer lapse: the time left, at least an hour."""
    return now + max(timedelta(seconds=seconds or 0), MIN_TIME_BACK)
