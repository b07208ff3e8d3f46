"""Small builders shared by the API tests."""

from datetime import timedelta


def order_body(order_id: str, *, seller_id: str = "S1", buyer_id: str = "B1", status: str = "AWAITING_SHIPMENT",
               **extra) -> dict:
    body = {
        "order_id": order_id,
        "seller_id": seller_id,
        "buyer_id": buyer_id,
        "items": [{"sku": "SKU-1", "quantity": 2, "unit_price": 75000}],
        "currency": "IDR",
        "status": status,
    }
    body.update(extra)
    return body


def record(api, tok, order_id: str, **kwargs) -> dict:
    response = api.post("/platform/orders", tok.platform, order_body(order_id, **kwargs))
    assert response.status_code == 201, response.json
    return response.json


def paid_order_past_grace(api, tok, clock, order_id: str, **kwargs) -> dict:
    """An order paid long enough ago that a buyer request waits for the seller."""
    order = record(api, tok, order_id, **kwargs)
    clock.shift(timedelta(hours=2))
    return order


def request_cancel(api, tok, order_id: str, reason: str = "CHANGED_MIND", token=None):
    return api.post(f"/buyer/orders/{order_id}/cancellation-requests", token or tok.buyer, {"reason": reason})
