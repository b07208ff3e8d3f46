"""The cancellation flows end to end through the real routes, over moto."""

from datetime import timedelta

from chalicelib.domain.clock import utc_now
from chalicelib.jobs import expiry

# --- the platform's orders ----------------------------------------------------------------------------


def test_recording_an_order_is_idempotent_by_body(shop):
    first = shop.record_order(shop.order_body("O1"))
    assert first.status_code == 201
    assert first.json["total"] == {"amount": 150000, "currency": "IDR"}
    assert first.json["items"][0]["unit_price"] == {"amount": 75000, "currency": "IDR"}
    again = shop.record_order(shop.order_body("O1"))
    assert (again.status_code, again.json) == (200, first.json)
    other = shop.record_order(shop.order_body("O1", buyer_id="B2"))
    assert other.status_code == 409
    assert other.json["error"]["code"] == "ORDER_ALREADY_RECORDED"
    assert other.json["error"]["details"]["current"] == {"order_status": "AWAITING_SHIPMENT"}


def test_each_fulfilment_step_moves_the_order_once_and_is_kept_in_its_history(shop):
    shop.order("O1", status="UNPAID")
    paid = shop.pay("O1")
    assert (paid.status_code, paid.json["status"]) == (200, "AWAITING_SHIPMENT")
    assert paid.json["paid_at"] == "2026-11-23T09:00:00Z"
    assert shop.pay("O1").status_code == 409
    arranged = shop.arrange("O1")
    assert (arranged.status_code, arranged.json["status"]) == (200, "AWAITING_COLLECTION")
    shipped = shop.ship("O1", "JNE-123")
    assert (shipped.status_code, shipped.json["status"], shipped.json["tracking_number"]) == (
        200, "IN_TRANSIT", "JNE-123")
    early = shop.deliver("O1")
    assert early.json["status"] == "DELIVERED"
    assert shop.deliver("O1").json["error"]["code"] == "ORDER_NOT_IN_TRANSIT"
    completed = shop.complete("O1")
    assert (completed.status_code, completed.json["status"]) == (200, "COMPLETED")
    assert shop.complete("O1").json["error"]["code"] == "ORDER_NOT_DELIVERED"
    assert [o["order_id"] for o in shop.orders("tab=completed").json["items"]] == ["O1"]
    history = shop.detail("O1").json["history"]
    assert [(h["action"], h["actor"]) for h in history] == [
        ("ORDER_RECORDED", "PLATFORM"), ("PAYMENT_RECORDED", "PLATFORM"), ("SHIPMENT_ARRANGED", "SELLER"),
        ("SHIPPED", "SELLER"), ("DELIVERED", "PLATFORM"), ("COMPLETED", "PLATFORM")]
    assert history[1]["from_status"] == "UNPAID" and history[1]["to_status"] == "AWAITING_SHIPMENT"


def test_orders_placed_in_the_future_are_refused(shop):
    response = shop.record_order(shop.order_body("O1", placed_at="2026-11-24T09:00:00Z"))
    assert response.status_code == 400 and response.json["error"]["details"]["path"] == "$.placed_at"
    naive = shop.record_order(shop.order_body("O2", placed_at="2026-11-20T09:00:00"))
    assert naive.status_code == 400


# --- buyer requests -----------------------------------------------------------------------------------


def test_an_approved_request_cancels_the_order_and_clears_the_count(shop, clock):
    shop.order("O1")
    clock.shift(timedelta(hours=2))  # paid at 09:00, past the hour of grace
    created = shop.request_cancellation("O1")
    assert created.status_code == 201
    body = created.json
    assert body["status"] == "REQUESTED" and body["initiator"] == "BUYER"
    assert body["respond_by"] == "2026-11-25T11:00:00Z"  # requested 11:00 + 48 h
    assert (body["fault"], body["counts_toward_sfcr"]) == ("BUYER", False)
    assert shop.counts().json["cancellation"] == {"total": 1, "cancellation_requested": 1, "auto_approved": 0,
                                                  "due_soon": 0, "awaiting_buyer": 0}
    assert shop.detail("O1").json["handover"]["hand_over_to_logistics"] is False

    approved = shop.approve(body["cancel_id"])
    assert approved.status_code == 200
    assert (approved.json["status"], approved.json["resolved_by"]) == ("APPROVED", "SELLER")
    assert shop.counts().json["cancellation"] == {"total": 0, "cancellation_requested": 0, "auto_approved": 0,
                                                  "due_soon": 0, "awaiting_buyer": 0}
    order = shop.detail("O1").json
    assert order["status"] == "CANCELLED"
    assert order["handover"] == {"hand_over_to_logistics": False,
                                 "warning": "You don't need to hand over this order to logistics.",
                                 "warning_code": "NO_HANDOVER", "cancelled_items": []}
    assert [h["action"] for h in order["history"]] == ["ORDER_RECORDED", "CANCELLATION_REQUESTED",
                                                        "CANCELLATION_APPROVED"]
    again = shop.approve(body["cancel_id"])
    assert again.status_code == 409
    assert again.json["error"]["details"]["current"] == {"status": "APPROVED"}


def test_a_rejected_request_keeps_the_order_and_blocks_another_request(shop):
    shop.paid("O1")
    cancel_id = shop.request_cancellation("O1").json["cancel_id"]
    rejected = shop.reject(cancel_id, "DELIVERY_ON_SCHEDULE", comment="Already packed, ships today")
    assert rejected.status_code == 200
    assert (rejected.json["status"], rejected.json["reject_reason"], rejected.json["reject_comment"]) == (
        "REJECTED", "DELIVERY_ON_SCHEDULE", "Already packed, ships today")
    assert shop.detail("O1").json["status"] == "AWAITING_SHIPMENT"
    assert shop.detail("O1").json["handover"] == {"hand_over_to_logistics": True, "warning": None,
                                                  "warning_code": None, "cancelled_items": []}
    again = shop.request_cancellation("O1")
    assert (again.status_code, again.json["error"]["code"]) == (409, "CANCELLATION_REJECTED_BEFORE")
    buyer_view = shop.buyer_order("O1").json
    assert buyer_view["may_request_cancellation"] is False
    assert [c["status"] for c in buyer_view["cancellations"]] == ["REJECTED"]


def test_reject_with_a_system_reason_lists_the_allowed_ones(shop):
    shop.paid("O1")
    cancel_id = shop.request_cancellation("O1").json["cancel_id"]
    response = shop.reject(cancel_id, "ORDER_SHIPPED")
    assert response.status_code == 400
    assert response.json["error"]["code"] == "REASON_NOT_ALLOWED"
    assert response.json["error"]["details"]["allowed"] == [
        "PRODUCT_PACKED", "DELIVERY_ON_SCHEDULE", "AGREED_WITH_BUYER", "INVALID_REASON"]


def test_unanswered_request_is_auto_approved_by_the_job_after_the_deadline(shop, clock):
    shop.paid("O1")
    cancel_id = shop.request_cancellation("O1").json["cancel_id"]
    clock.shift(timedelta(hours=48) - timedelta(seconds=1))
    assert expiry.run(utc_now()).auto_approved == 0
    clock.shift(timedelta(seconds=1))
    late = shop.reject(cancel_id, "DELIVERY_ON_SCHEDULE")
    assert (late.status_code, late.json["error"]["code"]) == (409, "RESPONSE_DEADLINE_PASSED")
    report = expiry.run(utc_now())
    assert (report.due_seen, report.auto_approved) == (1, 1)
    cancellation = shop.cancellation(cancel_id).json
    assert (cancellation["status"], cancellation["auto_approve_cause"], cancellation["resolved_by"]) == (
        "AUTO_APPROVED", "SELLER_RESPONSE_TIMEOUT", "SYSTEM")
    assert shop.counts().json["cancellation"] == {"total": 1, "cancellation_requested": 0, "auto_approved": 1,
                                                  "due_soon": 0, "awaiting_buyer": 0}
    assert shop.detail("O1").json["status"] == "CANCELLED"
    assert expiry.run(utc_now()).due_seen == 0  # a second run finds nothing to do


def test_unpaid_and_grace_period_requests_are_auto_approved_and_need_acknowledging(shop, clock):
    shop.order("U1", status="UNPAID")
    shop.order("G1")
    unpaid = shop.request_cancellation("U1").json
    clock.shift(timedelta(minutes=30))
    grace = shop.request_cancellation("G1").json
    assert (unpaid["status"], unpaid["auto_approve_cause"]) == ("AUTO_APPROVED", "UNPAID_ORDER")
    assert (grace["status"], grace["auto_approve_cause"]) == ("AUTO_APPROVED", "WITHIN_GRACE_PERIOD")
    assert shop.counts().json["cancellation"] == {"total": 2, "cancellation_requested": 0, "auto_approved": 2,
                                                  "due_soon": 0, "awaiting_buyer": 0}

    seen = shop.acknowledge(grace["cancel_id"])
    assert seen.status_code == 200 and seen.json["acknowledged_at"] == "2026-11-23T09:30:00Z"
    assert shop.counts().json["cancellation"]["auto_approved"] == 1
    clock.shift(timedelta(minutes=5))
    again = shop.acknowledge(grace["cancel_id"])
    assert (again.status_code, again.json) == (200, seen.json)  # no change the second time
    assert shop.counts().json["cancellation"]["auto_approved"] == 1
    assert len(shop.detail("G1").json["history"]) == 3


def test_a_buyer_may_withdraw_before_the_deadline_and_ask_again(shop, clock):
    shop.paid("O1")
    cancel_id = shop.request_cancellation("O1").json["cancel_id"]
    withdrawn = shop.withdraw(cancel_id)
    assert (withdrawn.status_code, withdrawn.json["status"], withdrawn.json["resolved_by"]) == (
        200, "WITHDRAWN", "BUYER")
    assert shop.counts().json["cancellation"]["cancellation_requested"] == 0
    second = shop.request_cancellation("O1", "FOUND_BETTER_PRICE")
    assert second.status_code == 201 and second.json["status"] == "REQUESTED"
    clock.shift(timedelta(hours=48))
    late = shop.withdraw(second.json["cancel_id"])
    assert (late.status_code, late.json["error"]["code"]) == (409, "RESPONSE_DEADLINE_PASSED")


def test_shipping_with_a_pending_request_rejects_it(shop):
    shop.paid("O1")
    cancel_id = shop.request_cancellation("O1").json["cancel_id"]
    shipped = shop.ship("O1", "JNE-1")
    assert shipped.status_code == 200 and shipped.json["status"] == "IN_TRANSIT"
    cancellation = shop.cancellation(cancel_id).json
    assert (cancellation["status"], cancellation["reject_reason"], cancellation["resolved_by"]) == (
        "REJECTED", "ORDER_SHIPPED", "SYSTEM")
    assert shop.counts().json["cancellation"]["cancellation_requested"] == 0
    refused = shop.request_cancellation("O1")
    assert (refused.status_code, refused.json["error"]["code"]) == (409, "ORDER_ALREADY_SHIPPED")


def test_seller_cancels_out_of_stock_and_it_counts_toward_sfcr(shop):
    shop.order("O1")
    cancelled = shop.seller_cancel("O1", "OUT_OF_STOCK", comment="sold out")
    assert cancelled.status_code == 201
    body = cancelled.json
    assert (body["status"], body["initiator"], body["fault"], body["counts_toward_sfcr"]) == (
        "SELLER_CANCELLED", "SELLER", "SELLER", True)
    order = shop.detail("O1").json
    assert order["status"] == "CANCELLED" and order["handover"]["hand_over_to_logistics"] is False
    assert shop.counts().json["cancellation"]["total"] == 0  # the seller's own cancellation needs no action
    sfcr = shop.sfcr().json
    assert (sfcr["orders"], sfcr["seller_fault_cancellations"], sfcr["rate"]) == (1, 1, 1.0)
    assert (sfcr["standing"], sfcr["order_volume_cap"]) == ("SUSPENDED", 0.0)
    twice = shop.seller_cancel("O1", "OUT_OF_STOCK")
    assert (twice.status_code, twice.json["error"]["code"]) == (409, "ORDER_ALREADY_CANCELLED")


def test_seller_cancel_while_a_request_is_pending_is_refused(shop):
    shop.paid("O1")
    shop.request_cancellation("O1")
    response = shop.seller_cancel("O1", "OUT_OF_STOCK")
    assert (response.status_code, response.json["error"]["code"]) == (409, "CANCELLATION_REQUEST_PENDING")


def test_environment_sets_the_response_window(shop, clock, monkeypatch):
    monkeypatch.setenv("SELLER_RESPONSE_WINDOW_SECONDS", "5")
    shop.order("O1")
    clock.shift(timedelta(hours=2))  # paid at 09:00, past the hour of grace
    created = shop.request_cancellation("O1").json
    assert created["respond_by"] == "2026-11-23T11:00:05Z"
    clock.shift(timedelta(seconds=5))
    assert expiry.run(utc_now()).auto_approved == 1


def test_buyer_sees_only_its_own_orders(shop):
    shop.order("O1")
    assert shop.buyer_order("O1").status_code == 200
    hidden = shop.buyer_order("O1", token=shop.buyer_token("B2"))
    assert (hidden.status_code, hidden.json["error"]["code"]) == (404, "ORDER_NOT_FOUND")
    assert shop.request_cancellation("O1", token=shop.buyer_token("B2")).status_code == 404
    assert shop.detail("O1", token=shop.seller_token("S2")).status_code == 404
