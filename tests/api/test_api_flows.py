"""The cancellation flows end to end through the real routes, over moto."""

from datetime import timedelta

from chalicelib.domain.clock import utc_now
from chalicelib.jobs import expiry
from tests.support.builders import order_body, paid_order_past_grace, record, request_cancel


def counts(api, tok, token=None):
    return api.get("/seller/action-needed", token or tok.seller).json["cancellation"]


def detail(api, tok, order_id, token=None):
    return api.get(f"/seller/orders/{order_id}", token or tok.seller).json


# --- the platform's orders ----------------------------------------------------------------------------


def test_recording_an_order_is_idempotent_by_body(api, tok):
    first = api.post("/platform/orders", tok.platform, order_body("O1"))
    assert first.status_code == 201
    assert first.json["total"] == {"amount": 150000, "currency": "IDR"}
    assert first.json["items"][0]["unit_price"] == {"amount": 75000, "currency": "IDR"}
    again = api.post("/platform/orders", tok.platform, order_body("O1"))
    assert (again.status_code, again.json) == (200, first.json)
    other = api.post("/platform/orders", tok.platform, order_body("O1", buyer_id="B2"))
    assert other.status_code == 409
    assert other.json["error"]["code"] == "ORDER_ALREADY_RECORDED"
    assert other.json["error"]["details"]["current"] == {"order_status": "AWAITING_SHIPMENT"}


def test_payment_shipping_delivery_and_completion(api, tok, clock):
    record(api, tok, "O1", status="UNPAID")
    paid = api.post("/platform/orders/O1/payment", tok.platform)
    assert (paid.status_code, paid.json["status"]) == (200, "AWAITING_SHIPMENT")
    assert paid.json["paid_at"] == "2026-11-23T09:00:00Z"
    assert api.post("/platform/orders/O1/payment", tok.platform).status_code == 409
    arranged = api.post("/seller/orders/O1/arrange-shipment", tok.seller)
    assert (arranged.status_code, arranged.json["status"]) == (200, "AWAITING_COLLECTION")
    shipped = api.post("/seller/orders/O1/ship", tok.seller, {"tracking_number": "JNE-123"})
    assert (shipped.status_code, shipped.json["status"], shipped.json["tracking_number"]) == (
        200, "IN_TRANSIT", "JNE-123")
    early = api.post("/platform/orders/O1/delivery", tok.platform)
    assert early.json["status"] == "DELIVERED"
    assert api.post("/platform/orders/O1/delivery", tok.platform).json["error"]["code"] == "ORDER_NOT_IN_TRANSIT"
    completed = api.post("/platform/orders/O1/completion", tok.platform)
    assert (completed.status_code, completed.json["status"]) == (200, "COMPLETED")
    assert api.post("/platform/orders/O1/completion", tok.platform).json["error"]["code"] == "ORDER_NOT_DELIVERED"
    assert [o["order_id"] for o in api.get("/seller/orders?tab=completed", tok.seller).json["items"]] == ["O1"]
    history = detail(api, tok, "O1")["history"]
    assert [(h["action"], h["actor"]) for h in history] == [
        ("ORDER_RECORDED", "PLATFORM"), ("PAYMENT_RECORDED", "PLATFORM"), ("SHIPMENT_ARRANGED", "SELLER"),
        ("SHIPPED", "SELLER"), ("DELIVERED", "PLATFORM"), ("COMPLETED", "PLATFORM")]
    assert history[1]["from_status"] == "UNPAID" and history[1]["to_status"] == "AWAITING_SHIPMENT"


def test_orders_placed_in_the_future_are_refused(api, tok):
    response = api.post("/platform/orders", tok.platform, order_body("O1", placed_at="2026-11-24T09:00:00Z"))
    assert response.status_code == 400 and response.json["error"]["details"]["path"] == "$.placed_at"
    naive = api.post("/platform/orders", tok.platform, order_body("O2", placed_at="2026-11-20T09:00:00"))
    assert naive.status_code == 400


# --- buyer requests -----------------------------------------------------------------------------------


def test_request_then_approve(api, tok, clock):
    paid_order_past_grace(api, tok, clock, "O1")
    created = request_cancel(api, tok, "O1")
    assert created.status_code == 201
    body = created.json
    assert body["status"] == "REQUESTED" and body["initiator"] == "BUYER"
    assert body["respond_by"] == "2026-11-25T11:00:00Z"  # requested 11:00 + 48 h
    assert (body["fault"], body["counts_toward_sfcr"]) == ("BUYER", False)
    assert counts(api, tok) == {"total": 1, "cancellation_requested": 1, "auto_approved": 0}
    assert detail(api, tok, "O1")["handover"]["hand_over_to_logistics"] is False

    approved = api.post(f"/seller/cancellations/{body['cancel_id']}/approve", tok.seller)
    assert approved.status_code == 200
    assert (approved.json["status"], approved.json["resolved_by"]) == ("APPROVED", "SELLER")
    assert counts(api, tok) == {"total": 0, "cancellation_requested": 0, "auto_approved": 0}
    order = detail(api, tok, "O1")
    assert order["status"] == "CANCELLED"
    assert order["handover"] == {"hand_over_to_logistics": False,
                                 "warning": "You don't need to hand over this order to logistics."}
    assert [h["action"] for h in order["history"]] == ["ORDER_RECORDED", "CANCELLATION_REQUESTED",
                                                        "CANCELLATION_APPROVED"]
    again = api.post(f"/seller/cancellations/{body['cancel_id']}/approve", tok.seller)
    assert again.status_code == 409
    assert again.json["error"]["details"]["current"] == {"status": "APPROVED"}


def test_request_then_reject_keeps_the_order_and_blocks_a_new_request(api, tok, clock):
    paid_order_past_grace(api, tok, clock, "O1")
    cancel_id = request_cancel(api, tok, "O1").json["cancel_id"]
    rejected = api.post(f"/seller/cancellations/{cancel_id}/reject", tok.seller,
                        {"reason": "PRODUCT_PACKED", "comment": "Already packed, ships today"})
    assert rejected.status_code == 200
    assert (rejected.json["status"], rejected.json["reject_reason"], rejected.json["reject_comment"]) == (
        "REJECTED", "PRODUCT_PACKED", "Already packed, ships today")
    assert detail(api, tok, "O1")["status"] == "AWAITING_SHIPMENT"
    assert detail(api, tok, "O1")["handover"] == {"hand_over_to_logistics": True, "warning": None}
    again = request_cancel(api, tok, "O1")
    assert (again.status_code, again.json["error"]["code"]) == (409, "CANCELLATION_REJECTED_BEFORE")
    buyer_view = api.get("/buyer/orders/O1", tok.buyer).json
    assert buyer_view["may_request_cancellation"] is False
    assert [c["status"] for c in buyer_view["cancellations"]] == ["REJECTED"]


def test_reject_with_a_system_reason_lists_the_allowed_ones(api, tok, clock):
    paid_order_past_grace(api, tok, clock, "O1")
    cancel_id = request_cancel(api, tok, "O1").json["cancel_id"]
    response = api.post(f"/seller/cancellations/{cancel_id}/reject", tok.seller, {"reason": "ORDER_SHIPPED"})
    assert response.status_code == 400
    assert response.json["error"]["code"] == "REASON_NOT_ALLOWED"
    assert response.json["error"]["details"]["allowed"] == [
        "PRODUCT_PACKED", "DELIVERY_ON_SCHEDULE", "AGREED_WITH_BUYER", "INVALID_REASON"]


def test_unanswered_request_is_auto_approved_by_the_job_after_the_deadline(api, tok, clock):
    paid_order_past_grace(api, tok, clock, "O1")
    cancel_id = request_cancel(api, tok, "O1").json["cancel_id"]
    clock.shift(timedelta(hours=48) - timedelta(seconds=1))
    assert expiry.run(utc_now()).auto_approved == 0
    clock.shift(timedelta(seconds=1))
    late = api.post(f"/seller/cancellations/{cancel_id}/reject", tok.seller, {"reason": "PRODUCT_PACKED"})
    assert (late.status_code, late.json["error"]["code"]) == (409, "RESPONSE_DEADLINE_PASSED")
    report = expiry.run(utc_now())
    assert (report.due_seen, report.auto_approved) == (1, 1)
    cancellation = api.get(f"/seller/cancellations/{cancel_id}", tok.seller).json
    assert (cancellation["status"], cancellation["auto_approve_cause"], cancellation["resolved_by"]) == (
        "AUTO_APPROVED", "SELLER_RESPONSE_TIMEOUT", "SYSTEM")
    assert counts(api, tok) == {"total": 1, "cancellation_requested": 0, "auto_approved": 1}
    assert detail(api, tok, "O1")["status"] == "CANCELLED"
    assert expiry.run(utc_now()).due_seen == 0  # a second run finds nothing to do


def test_unpaid_and_grace_period_requests_are_auto_approved_and_need_acknowledging(api, tok, clock):
    record(api, tok, "U1", status="UNPAID")
    record(api, tok, "G1")
    unpaid = request_cancel(api, tok, "U1").json
    clock.shift(timedelta(minutes=30))
    grace = request_cancel(api, tok, "G1").json
    assert (unpaid["status"], unpaid["auto_approve_cause"]) == ("AUTO_APPROVED", "UNPAID_ORDER")
    assert (grace["status"], grace["auto_approve_cause"]) == ("AUTO_APPROVED", "WITHIN_GRACE_PERIOD")
    assert counts(api, tok) == {"total": 2, "cancellation_requested": 0, "auto_approved": 2}

    seen = api.post(f"/seller/cancellations/{grace['cancel_id']}/acknowledge", tok.seller)
    assert seen.status_code == 200 and seen.json["acknowledged_at"] == "2026-11-23T09:30:00Z"
    assert counts(api, tok)["auto_approved"] == 1
    clock.shift(timedelta(minutes=5))
    again = api.post(f"/seller/cancellations/{grace['cancel_id']}/acknowledge", tok.seller)
    assert (again.status_code, again.json) == (200, seen.json)  # no change the second time
    assert counts(api, tok)["auto_approved"] == 1
    assert len(detail(api, tok, "G1")["history"]) == 3


def test_withdraw_before_the_deadline_then_ask_again(api, tok, clock):
    paid_order_past_grace(api, tok, clock, "O1")
    cancel_id = request_cancel(api, tok, "O1").json["cancel_id"]
    withdrawn = api.post(f"/buyer/cancellations/{cancel_id}/withdraw", tok.buyer)
    assert (withdrawn.status_code, withdrawn.json["status"], withdrawn.json["resolved_by"]) == (
        200, "WITHDRAWN", "BUYER")
    assert counts(api, tok)["cancellation_requested"] == 0
    second = request_cancel(api, tok, "O1", reason="FOUND_BETTER_PRICE")
    assert second.status_code == 201 and second.json["status"] == "REQUESTED"
    clock.shift(timedelta(hours=48))
    late = api.post(f"/buyer/cancellations/{second.json['cancel_id']}/withdraw", tok.buyer)
    assert (late.status_code, late.json["error"]["code"]) == (409, "RESPONSE_DEADLINE_PASSED")


def test_shipping_with_a_pending_request_rejects_it(api, tok, clock):
    paid_order_past_grace(api, tok, clock, "O1")
    cancel_id = request_cancel(api, tok, "O1").json["cancel_id"]
    shipped = api.post("/seller/orders/O1/ship", tok.seller, {"tracking_number": "JNE-1"})
    assert shipped.status_code == 200 and shipped.json["status"] == "IN_TRANSIT"
    cancellation = api.get(f"/seller/cancellations/{cancel_id}", tok.seller).json
    assert (cancellation["status"], cancellation["reject_reason"], cancellation["resolved_by"]) == (
        "REJECTED", "ORDER_SHIPPED", "SYSTEM")
    assert counts(api, tok)["cancellation_requested"] == 0
    refused = request_cancel(api, tok, "O1")
    assert (refused.status_code, refused.json["error"]["code"]) == (409, "ORDER_ALREADY_SHIPPED")


def test_seller_cancels_out_of_stock_and_it_counts_toward_sfcr(api, tok, clock):
    record(api, tok, "O1")
    cancelled = api.post("/seller/orders/O1/cancel", tok.seller, {"reason": "OUT_OF_STOCK", "comment": "sold out"})
    assert cancelled.status_code == 201
    body = cancelled.json
    assert (body["status"], body["initiator"], body["fault"], body["counts_toward_sfcr"]) == (
        "SELLER_CANCELLED", "SELLER", "SELLER", True)
    order = detail(api, tok, "O1")
    assert order["status"] == "CANCELLED" and order["handover"]["hand_over_to_logistics"] is False
    assert counts(api, tok)["total"] == 0  # the seller's own cancellation needs no action
    sfcr = api.get("/seller/metrics/sfcr", tok.seller).json
    assert (sfcr["orders"], sfcr["seller_fault_cancellations"], sfcr["rate"]) == (1, 1, 1.0)
    assert (sfcr["standing"], sfcr["order_volume_cap"]) == ("SUSPENDED", 0.0)
    twice = api.post("/seller/orders/O1/cancel", tok.seller, {"reason": "OUT_OF_STOCK"})
    assert (twice.status_code, twice.json["error"]["code"]) == (409, "ORDER_ALREADY_CANCELLED")


def test_seller_cancel_while_a_request_is_pending_is_refused(api, tok, clock):
    paid_order_past_grace(api, tok, clock, "O1")
    request_cancel(api, tok, "O1")
    response = api.post("/seller/orders/O1/cancel", tok.seller, {"reason": "OUT_OF_STOCK"})
    assert (response.status_code, response.json["error"]["code"]) == (409, "CANCELLATION_REQUEST_PENDING")


def test_environment_sets_the_response_window(api, tok, clock, monkeypatch):
    monkeypatch.setenv("SELLER_RESPONSE_WINDOW_SECONDS", "5")
    paid_order_past_grace(api, tok, clock, "O1")
    created = request_cancel(api, tok, "O1").json
    assert created["respond_by"] == "2026-11-23T11:00:05Z"
    clock.shift(timedelta(seconds=5))
    assert expiry.run(utc_now()).auto_approved == 1


def test_buyer_sees_only_its_own_orders(api, tok):
    record(api, tok, "O1")
    assert api.get("/buyer/orders/O1", tok.buyer).status_code == 200
    hidden = api.get("/buyer/orders/O1", tok.other_buyer)
    assert (hidden.status_code, hidden.json["error"]["code"]) == (404, "ORDER_NOT_FOUND")
    assert request_cancel(api, tok, "O1", token=tok.other_buyer).status_code == 404
    assert api.get("/seller/orders/O1", tok.other_seller).status_code == 404
