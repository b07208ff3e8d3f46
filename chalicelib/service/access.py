"""Loads the object a caller names, if the caller may see it: the one place that decides 404s for others.

A missing object and another party's object answer the same, so a caller learns nothing of what it may not see.
"""

from collections.abc import Callable

from ..domain.errors import NotFound
from ..domain.identity import Identity
from ..domain.model import Cancellation, Order
from ..store import reads


def order_not_found(order_id: str) -> NotFound:
    return NotFound(f"Order {order_id} was not found.", code="ORDER_NOT_FOUND")


def cancellation_not_found(cancel_id: str) -> NotFound:
    return NotFound(f"Cancellation {cancel_id} was not found.", code="CANCELLATION_NOT_FOUND")


def order_for(identity: Identity, order_id: str) -> Order:
    order = reads.get_order(order_id)
    if order is None or not identity.may_see(order.seller_id, order.buyer_id):
        raise order_not_found(order_id)
    return order


def cancellation_only(identity: Identity, cancel_id: str) -> Cancellation:
    cancellation = reads.get_cancellation(cancel_id)
    if cancellation is None or not identity.may_see(cancellation.seller_id, cancellation.buyer_id):
        raise cancellation_not_found(cancel_id)
    return cancellation


def cancellation_for(identity: Identity, cancel_id: str) -> tuple[Cancellation, Order]:
    """The cancellation and its order (read after it, so never older than the cancellation)."""
    cancellation = cancellation_only(identity, cancel_id)
    order = reads.get_order(cancellation.order_id)
    if order is None:  # written in the same transaction as the cancellation, so never expected
        raise cancellation_not_found(cancel_id)
    return cancellation, order


Loader = Callable[[Identity, str], tuple[Cancellation, Order]]


def cancellations_for(identity: Identity, cancel_ids: list[str]) -> dict[str, tuple[Cancellation, Order]]:
    """The caller's cancellations among `cancel_ids`, with their orders, in two consistent BatchGetItems (the
    cancellations, then the orders of those the caller may see). Another party's id is left out exactly like a
    missing one, and its order is never read."""
    found = reads.get_cancellations(cancel_ids)
    mine = {cancel_id: c for cancel_id, c in found.items() if identity.may_see(c.seller_id, c.buyer_id)}
    orders = reads.get_orders(sorted({c.order_id for c in mine.values()}), consistent=True) if mine else {}
    return {cancel_id: (c, orders[c.order_id]) for cancel_id, c in mine.items() if c.order_id in orders}


def preloaded(loaded: dict[str, tuple[Cancellation, Order]]) -> Loader:
    """A loader that answers each id's first load from `loaded` (what `cancellations_for` read; an id absent
    from it is not found) and every later load, after a lost race, from fresh reads."""
    used: set[str] = set()

    def load(identity: Identity, cancel_id: str) -> tuple[Cancellation, Order]:
        if cancel_id in used:
            return cancellation_for(identity, cancel_id)
        used.add(cancel_id)
        if cancel_id not in loaded:
            raise cancellation_not_found(cancel_id)
        return loaded[cancel_id]

    return load
