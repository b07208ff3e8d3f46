"""The seller's Manage Orders page through the API: tabs, the Cancellation filter, queues and SFCR."""

from datetime import timedelta

from chalicelib.domain.clock import utc_now
from chalicelib.jobs import expiry
from tests.support.builders import record, request_cancel


def order_ids(api, token, query="") -> list[str]:
    response = api.get(f"/seller/orders{query}", token)
    assert response.status_code == 200, response.json
    return [o["order_id"] for o in response.json["items"]]


def test_tabs_hold_each_order_in_its_status_newest_first(api, tok, clock):
    record(api, tok, "UNPAID1", status="UNPAID")
    clock.shift(timedelta(minutes=1))
    record(api, tok, "TOSHIP1")
    clock.shift(timedelta(minutes=1))
    record(api, tok, "TOSHIP2")
    api.post("/seller/orders/TOSHIP2/arrange-shipment", tok.seller)
    clock.shift(timedelta(minutes=1))
    record(api, tok, "SHIP1")
    api.post("/seller/orders/SHIP1/ship", tok.seller, {"tracking_number": "T1"})
    clock.shift(timedelta(minutes=1))
    record(api, tok, "CANC1")
    api.post("/seller/orders/CANC1/cancel", tok.seller, {"reason": "ADDRESS_NOT_DELIVERABLE"})
    record(api, tok, "OTHER1", seller_id="S2")

    assert order_ids(api, tok.seller) == ["CANC1", "SHIP1", "TOSHIP2", "TOSHIP1", "UNPAID1"]
    assert order_ids(api, tok.seller, "?tab=unpaid") == ["UNPAID1"]
    assert order_ids(api, tok.seller, "?tab=to_ship") == ["TOSHIP2", "TOSHIP1"]
    assert order_ids(api, tok.seller, "?tab=shipped") == ["SHIP1"]
    assert order_ids(api, tok.seller, "?tab=completed") == []
    assert order_ids(api, tok.seller, "?tab=cancelled") == ["CANC1"]
    assert order_ids(api, tok.other_seller) == ["OTHER1"]
    api.post("/platform/orders/SHIP1/delivery", tok.platform)
    assert order_ids(api, tok.seller, "?tab=shipped") == ["SHIP1"]  # delivered orders stay under Shipped


def test_cancellation_filter_keeps_pending_and_unacknowledged_auto_approved(api, tok, clock):
    record(api, tok, "PENDING1")
    record(api, tok, "AUTO1", status="UNPAID")
    record(api, tok, "QUIET1")
    clock.shift(timedelta(hours=2))
    request_cancel(api, tok, "PENDING1")
    auto = request_cancel(api, tok, "AUTO1").json
    assert sorted(order_ids(api, tok.seller, "?filter=cancellation")) == ["AUTO1", "PENDING1"]
    api.post(f"/seller/cancellations/{auto['cancel_id']}/acknowledge", tok.seller)
    assert order_ids(api, tok.seller, "?filter=cancellation") == ["PENDING1"]
    bad = api.get("/seller/orders?tab=to_ship&filter=cancellation", tok.seller)
    assert (bad.status_code, bad.json["error"]["code"]) == (400, "FILTER_NEEDS_ALL_TAB")


def test_pending_requests_are_listed_most_urgent_first(api, tok, clock):
    for order_id in ("A", "B", "C"):
        record(api, tok, order_id)
    clock.shift(timedelta(hours=2))
    made = {}
    for order_id in ("B", "A", "C"):  # requested in this order, so deadlines follow it
        made[order_id] = request_cancel(api, tok, order_id).json
        clock.shift(timedelta(minutes=10))
    queue = api.get("/seller/cancellations?status=REQUESTED", tok.seller).json["items"]
    assert [c["order_id"] for c in queue] == ["B", "A", "C"]
    assert [c["respond_by"] for c in queue] == sorted(c["respond_by"] for c in queue)
    api.post(f"/seller/cancellations/{made['B']['cancel_id']}/approve", tok.seller)
    clock.shift(timedelta(minutes=1))
    api.post(f"/seller/cancellations/{made['C']['cancel_id']}/approve", tok.seller)
    approved = api.get("/seller/cancellations?status=APPROVED", tok.seller).json["items"]
    assert [c["order_id"] for c in approved] == ["C", "B"]  # newest first
    everything = api.get("/seller/cancellations", tok.seller).json["items"]
    assert [c["order_id"] for c in everything] == ["C", "B", "A"]


def test_seed_walkthrough_action_needed_to_cancelled_tab(api, tok, clock):
    """The help article's path: Action Needed → Cancellation filter → answer → Cancelled tab warning."""
    for order_id in ("R1", "R2", "R3"):
        record(api, tok, order_id)
    record(api, tok, "U1", status="UNPAID")
    clock.shift(timedelta(hours=2))
    for order_id in ("R1", "R2", "R3", "U1"):
        request_cancel(api, tok, order_id)
    clock.shift(timedelta(days=1))
    record(api, tok, "R4")
    clock.shift(timedelta(hours=2))
    request_cancel(api, tok, "R4")
    clock.shift(timedelta(days=1))  # R1..R3 are now past their deadline; R4 is not
    expiry.run(utc_now())

    overview = api.get("/seller/action-needed", tok.seller).json["cancellation"]
    assert overview == {"total": 5, "cancellation_requested": 1, "auto_approved": 4}
    filtered = order_ids(api, tok.seller, "?filter=cancellation")
    assert sorted(filtered) == ["R1", "R2", "R3", "R4", "U1"]

    requested = api.get("/seller/cancellations?status=REQUESTED", tok.seller).json["items"]
    assert [c["order_id"] for c in requested] == ["R4"]
    api.post(f"/seller/cancellations/{requested[0]['cancel_id']}/reject", tok.seller, {"reason": "PRODUCT_PACKED"})

    cancelled = api.get("/seller/orders?tab=cancelled", tok.seller).json["items"]
    assert sorted(o["order_id"] for o in cancelled) == ["R1", "R2", "R3", "U1"]
    hover = api.get("/seller/orders/R1", tok.seller).json
    assert hover["handover"]["warning"] == "You don't need to hand over this order to logistics."
    why = hover["cancellations"][0]
    assert (why["initiator"], why["reason"], why["auto_approve_cause"], why["resolved_by"]) == (
        "BUYER", "CHANGED_MIND", "SELLER_RESPONSE_TIMEOUT", "SYSTEM")
    for c in api.get("/seller/cancellations?status=AUTO_APPROVED", tok.seller).json["items"]:
        api.post(f"/seller/cancellations/{c['cancel_id']}/acknowledge", tok.seller)
    assert api.get("/seller/action-needed", tok.seller).json["cancellation"]["total"] == 0


def test_sfcr_counts_the_cohort_of_the_last_seven_market_days(api, tok, clock):
    # Now is Monday 2026-11-23 09:00 UTC: the window is 2026-11-17 00:00 .. now.
    record(api, tok, "OLD", placed_at="2026-11-16T23:59:59Z")
    record(api, tok, "EDGE", placed_at="2026-11-17T00:00:00Z")
    record(api, tok, "NEW")
    for order_id in ("OLD", "EDGE"):
        assert api.post(f"/seller/orders/{order_id}/cancel", tok.seller, {"reason": "WRONG_PRICE"}).status_code == 201
    api.post("/seller/orders/NEW/cancel", tok.seller, {"reason": "ADDRESS_NOT_DELIVERABLE"})  # no fault
    body = api.get("/seller/metrics/sfcr", tok.seller).json
    assert body["window"] == {"from": "2026-11-17T00:00:00Z", "to": "2026-11-23T09:00:00Z"}
    assert (body["orders"], body["seller_fault_cancellations"]) == (2, 1)
    assert (body["rate"], body["target"], body["standing"], body["order_volume_cap"]) == (0.5, 0.025, "RESTRICTED",
                                                                                          0.25)
    clock.shift(timedelta(days=6, hours=15))  # Monday 00:00 next week: EDGE's day leaves the window
    later = api.get("/seller/metrics/sfcr", tok.seller).json
    assert (later["orders"], later["seller_fault_cancellations"], later["rate"], later["standing"]) == (
        0, 0, 0.0, "GOOD")


def test_sfcr_days_follow_the_market_time_zone(api, tok, clock, monkeypatch):
    monkeypatch.setenv("MARKET_TIMEZONE", "Asia/Jakarta")  # UTC+7
    # 2026-11-16 17:30 UTC is 00:30 on the 17th in Jakarta: inside the window that starts 17th 00:00 WIB.
    record(api, tok, "JKT", placed_at="2026-11-16T17:30:00Z")
    record(api, tok, "BEFORE", placed_at="2026-11-16T16:59:59Z")
    body = api.get("/seller/metrics/sfcr", tok.seller).json
    assert body["window"]["from"] == "2026-11-16T17:00:00Z"
    assert body["orders"] == 1


def test_sfcr_with_no_orders_is_zero(api, tok):
    body = api.get("/seller/metrics/sfcr", tok.seller).json
    assert (body["orders"], body["rate"], body["standing"], body["order_volume_cap"]) == (0, 0.0, "GOOD", 1.0)


def test_reason_catalogue_comes_from_the_rules(api):
    catalogue = api.get("/cancellation-reasons").json
    assert catalogue["seller_cancel_by_status"] == {
        "UNPAID": ["OUT_OF_STOCK", "WRONG_PRICE", "BUYER_NOT_PAID_IN_TIME"],
        "AWAITING_COLLECTION": ["OUT_OF_STOCK", "WRONG_PRICE", "ADDRESS_NOT_DELIVERABLE"],
        "AWAITING_SHIPMENT": ["OUT_OF_STOCK", "WRONG_PRICE", "ADDRESS_NOT_DELIVERABLE"],
    }
    by_reason = {r["reason"]: r for r in catalogue["seller_cancel"]}
    assert (by_reason["OUT_OF_STOCK"]["fault"], by_reason["OUT_OF_STOCK"]["counts_toward_sfcr"]) == ("SELLER", True)
    assert (by_reason["ADDRESS_NOT_DELIVERABLE"]["fault"],
            by_reason["ADDRESS_NOT_DELIVERABLE"]["counts_toward_sfcr"]) == ("NONE", False)
    assert {r["reason"] for r in catalogue["buyer"] if r["comment_required"]} == {"OTHER"}
    assert [r["reason"] for r in catalogue["reject"] if not r["seller_may_use"]] == ["ORDER_SHIPPED"]
