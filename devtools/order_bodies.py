"""An order as the platform sends it, for the tests, the local suites and `python -m bench` alike."""

from datetime import timedelta
from typing import Any

from chalicelib.domain.clock import iso, utc_now


def order_body(order_id: str, *, seller_id: str = "S1", buyer_id: str = "B1", status: str = "AWAITING_SHIPMENT",
               placed_ago: timedelta | None = None, **fields: Any) -> dict[str, Any]:
    """An order as the platform sends it: two of one item, placed now (the server's default) or `placed_ago`
    (and then, unless UNPAID, paid half an hour after it was placed)."""
    body: dict[str, Any] = {
        "order_id": order_id,
        "seller_id": seller_id,
        "buyer_id": buyer_id,
        "items": [{"sku": "SKU-1", "quantity": 2, "unit_price": 75000}],
        "currency": "IDR",
        "status": status,
    }
    if placed_ago is not None:
        placed = utc_now() - placed_ago
        body["placed_at"] = iso(placed)
        if status == "AWAITING_SHIPMENT":
            body["paid_at"] = iso(placed + timedelta(minutes=30))
    body.update(fields)
    return body
