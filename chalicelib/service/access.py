"""Loads the object a caller names, if the caller may see it: the one place that decides 404s for others.

A missing object and another party's object answer the same, so a caller learns nothing of what it may not see.
"""

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
