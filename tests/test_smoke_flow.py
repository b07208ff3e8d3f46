from tests.helpers import paid_order_past_grace, request_cancel


def test_request_then_approve(api, tok, clock):
    paid_order_past_grace(api, tok, clock, "O1")
    created = request_cancel(api, tok, "O1")
    assert created.status_code == 201, created.json
    assert created.json["status"] == "REQUESTED"
    counts = api.get("/seller/action-needed", tok.seller).json
    assert counts == {"cancellation": {"total": 1, "cancellation_requested": 1, "auto_approved": 0}}
    approved = api.post(f"/seller/cancellations/{created.json['cancel_id']}/approve", tok.seller)
    assert approved.status_code == 200, approved.json
    assert approved.json["status"] == "APPROVED"
    detail = api.get("/seller/orders/O1", tok.seller).json
    assert detail["status"] == "CANCELLED"
    assert detail["handover"]["warning"] == "You don't need to hand over this order to logistics."
    assert [h["action"] for h in detail["history"]] == ["ORDER_RECORDED", "CANCELLATION_REQUESTED",
                                                        "CANCELLATION_APPROVED"]
