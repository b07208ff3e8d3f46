"""The seller's Manage Orders page through the API: tabs, the Cancellation filter, queues and SFCR."""

from datetime import timedelta

from chalicelib.domain import limits
from chalicelib.domain.clock import utc_now
from chalicelib.jobs import expiry
from tests.support.desk import DOCUMENT
from tests.support.shop import MULTI_ITEMS, Shop


def order_ids(shop: Shop, query: str = "", token: str | None = None) -> list[str]:
    response = shop.orders(query, token=token)
    assert response.status_code == 200, response.json
    return [o["order_id"] for o in response.json["items"]]


def test_tabs_hold_each_order_in_its_status_newest_first(shop, clock):
    shop.order("UNPAID1", status="UNPAID")
    clock.shift(timedelta(minutes=1))
    shop.order("TOSHIP1")
    clock.shift(timedelta(minutes=1))
    shop.order("TOSHIP2")
    shop.arrange("TOSHIP2")
    clock.shift(timedelta(minutes=1))
    shop.order("SHIP1")
    shop.ship("SHIP1", "T1")
    clock.shift(timedelta(minutes=1))
    shop.order("CANC1")
    shop.seller_cancel("CANC1", "ADDRESS_NOT_DELIVERABLE")
    shop.order("OTHER1", seller_id="S2")

    assert order_ids(shop) == ["CANC1", "SHIP1", "TOSHIP2", "TOSHIP1", "UNPAID1"]
    assert order_ids(shop, "tab=unpaid") == ["UNPAID1"]
    assert order_ids(shop, "tab=to_ship") == ["TOSHIP2", "TOSHIP1"]
    assert order_ids(shop, "tab=shipped") == ["SHIP1"]
    assert order_ids(shop, "tab=completed") == []
    assert order_ids(shop, "tab=cancelled") == ["CANC1"]
    assert order_ids(shop, token=shop.seller_token("S2")) == ["OTHER1"]
    shop.deliver("SHIP1")
    assert order_ids(shop, "tab=shipped") == ["SHIP1"]  # delivered orders stay under Shipped


def test_cancellation_filter_keeps_pending_and_unacknowledged_auto_approved(shop, clock):
    shop.order("PENDING1")
    shop.order("AUTO1", status="UNPAID")
    shop.order("QUIET1")
    clock.shift(timedelta(hours=2))
    shop.request_cancellation("PENDING1")
    auto = shop.request_cancellation("AUTO1").json
    assert sorted(order_ids(shop, "filter=cancellation")) == ["AUTO1", "PENDING1"]
    shop.acknowledge(auto["cancel_id"])
    assert order_ids(shop, "filter=cancellation") == ["PENDING1"]
    bad = shop.orders("tab=to_ship&filter=cancellation")
    assert (bad.status_code, bad.json["error"]["code"]) == (400, "FILTER_NEEDS_ALL_TAB")


def test_pending_requests_are_listed_most_urgent_first(shop, clock):
    for order_id in ("A", "B", "C"):
        shop.order(order_id)
    clock.shift(timedelta(hours=2))
    made = {}
    for order_id in ("B", "A", "C"):  # requested in this order, so deadlines follow it
        made[order_id] = shop.request_cancellation(order_id).json
        clock.shift(timedelta(minutes=10))
    queue = shop.cancellations("status=REQUESTED").json["items"]
    assert [c["order_id"] for c in queue] == ["B", "A", "C"]
    assert [c["respond_by"] for c in queue] == sorted(c["respond_by"] for c in queue)
    shop.approve(made["B"]["cancel_id"])
    clock.shift(timedelta(minutes=1))
    shop.approve(made["C"]["cancel_id"])
    approved = shop.cancellations("status=APPROVED").json["items"]
    assert [c["order_id"] for c in approved] == ["C", "B"]  # newest first
    everything = shop.cancellations().json["items"]
    assert [c["order_id"] for c in everything] == ["C", "B", "A"]


def test_seed_walkthrough_action_needed_to_cancelled_tab(shop, clock):
    """The help article's path: Action Needed → Cancellation filter → answer → Cancelled tab warning."""
    for order_id in ("R1", "R2", "R3"):
        shop.order(order_id)
    shop.order("U1", status="UNPAID")
    clock.shift(timedelta(hours=2))
    for order_id in ("R1", "R2", "R3", "U1"):
        shop.request_cancellation(order_id)
    clock.shift(timedelta(days=1))
    shop.order("R4")
    clock.shift(timedelta(hours=2))
    shop.request_cancellation("R4")
    clock.shift(timedelta(days=1))  # R1..R3 are now past their deadline; R4 is not
    expiry.run(utc_now())

    overview = shop.counts().json["cancellation"]
    assert overview == {"total": 5, "cancellation_requested": 1, "auto_approved": 4, "due_soon": 1,  # R4: 24 h left
                        "awaiting_buyer": 0}
    filtered = order_ids(shop, "filter=cancellation")
    assert sorted(filtered) == ["R1", "R2", "R3", "R4", "U1"]

    requested = shop.cancellations("status=REQUESTED").json["items"]
    assert [c["order_id"] for c in requested] == ["R4"]
    shop.reject(requested[0]["cancel_id"], "DELIVERY_ON_SCHEDULE")

    cancelled = shop.orders("tab=cancelled").json["items"]
    assert sorted(o["order_id"] for o in cancelled) == ["R1", "R2", "R3", "U1"]
    hover = shop.detail("R1").json
    assert hover["handover"]["warning"] == "You don't need to hand over this order to logistics."
    why = hover["cancellations"][0]
    assert (why["initiator"], why["reason"], why["auto_approve_cause"], why["resolved_by"]) == (
        "BUYER", "CHANGED_MIND", "SELLER_RESPONSE_TIMEOUT", "SYSTEM")
    for c in shop.cancellations("status=AUTO_APPROVED").json["items"]:
        shop.acknowledge(c["cancel_id"])
    assert shop.counts().json["cancellation"]["total"] == 0


def test_sfcr_counts_the_cohort_of_the_last_seven_market_days(shop, clock):
    # Now is Monday 2026-11-23 09:00 UTC: the window is 2026-11-17 00:00 .. now.
    shop.order("OLD", placed_at="2026-11-16T23:59:59Z")
    shop.order("EDGE", placed_at="2026-11-17T00:00:00Z")
    shop.order("NEW")
    for order_id in ("OLD", "EDGE"):
        assert shop.seller_cancel(order_id, "WRONG_PRICE").status_code == 201
    shop.seller_cancel("NEW", "ADDRESS_NOT_DELIVERABLE")  # no fault
    body = shop.sfcr().json
    assert body["window"] == {"from": "2026-11-17T00:00:00Z", "to": "2026-11-23T09:00:00Z"}
    assert (body["orders"], body["seller_fault_cancellations"]) == (2, 1)
    assert (body["rate"], body["target"], body["standing"], body["order_volume_cap"]) == (0.5, 0.025, "RESTRICTED",
                                                                                          0.25)
    clock.shift(timedelta(days=6, hours=15))  # Monday 00:00 next week: EDGE's day leaves the window
    later = shop.sfcr().json
    assert (later["orders"], later["seller_fault_cancellations"], later["rate"], later["standing"]) == (
        0, 0, 0.0, "GOOD")


def test_sfcr_days_follow_the_market_time_zone(shop, clock, monkeypatch):
    monkeypatch.setenv("MARKET_TIMEZONE", "Asia/Jakarta")  # UTC+7
    # 2026-11-16 17:30 UTC is 00:30 on the 17th in Jakarta: inside the window that starts 17th 00:00 WIB.
    shop.order("JKT", placed_at="2026-11-16T17:30:00Z")
    shop.order("BEFORE", placed_at="2026-11-16T16:59:59Z")
    body = shop.sfcr().json
    assert body["window"]["from"] == "2026-11-16T17:00:00Z"
    assert body["orders"] == 1


def test_each_listed_order_carries_the_handover_its_detail_answers(shop):
    shop.order("PLAIN")
    shop.pending("ASKED")
    shop.order("SOME", items=MULTI_ITEMS)
    shop.seller_cancel("SOME", line_items=[{"sku": "SKU-2", "quantity": 1}], expect=201)
    shop.order("GONE")
    shop.seller_cancel("GONE", "ADDRESS_NOT_DELIVERABLE", expect=201)
    shop.order("SENT")
    shop.ship("SENT", "T1")
    listed = {o["order_id"]: o["handover"] for o in shop.orders().json["items"]}
    assert listed == {order_id: shop.detail(order_id).json["handover"] for order_id in listed}
    assert len({(h["hand_over_to_logistics"], h["warning"]) for h in listed.values()}) == 5  # every case differs
    # Each sentence beside its code, and the partly cancelled order's items as data for a page to word.
    assert {order_id: (h["warning_code"], h["cancelled_items"]) for order_id, h in listed.items()} == {
        "PLAIN": (None, []), "ASKED": ("PENDING_REQUEST", []),
        "SOME": ("PARTLY_CANCELLED", [{"sku": "SKU-2", "quantity": 1}]), "GONE": ("NO_HANDOVER", []),
        "SENT": (None, []),
    }


def test_sfcr_with_no_orders_is_zero(shop):
    body = shop.sfcr().json
    assert (body["orders"], body["rate"], body["standing"], body["order_volume_cap"]) == (0, 0.0, "GOOD", 1.0)


def test_reason_catalogue_comes_from_the_rules(shop):
    catalogue = shop.reasons().json
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
    assert [r["reason"] for r in catalogue["seller_cancel"] if r["partial_allowed"]] == ["OUT_OF_STOCK"]


def test_reason_catalogue_carries_every_limit_of_the_contract(shop):
    catalogue = shop.reasons().json
    assert catalogue["limits"] == {"max_lines": limits.MAX_LINES, "max_quantity": limits.MAX_QUANTITY,
                                   "max_amount": limits.MAX_AMOUNT, "max_comment_length": limits.MAX_COMMENT_LENGTH,
                                   "max_bulk_ids": limits.MAX_BULK_IDS, "max_evidence_files": limits.MAX_EVIDENCE_FILES,
                                   "max_evidence_bytes": limits.MAX_EVIDENCE_BYTES,
                                   "max_ticket_length": limits.MAX_TICKET_LENGTH,
                                   "max_appeal_text_length": limits.MAX_APPEAL_TEXT_LENGTH,
                                   "max_page_size": limits.MAX_PAGE_SIZE, "default_page_size": limits.DEFAULT_PAGE_SIZE,
                                   "max_auto_approve_rules": limits.MAX_AUTO_APPROVE_RULES,
                                   "max_rule_name_length": limits.MAX_RULE_NAME_LENGTH,
                                   "max_webhooks_per_seller": limits.MAX_WEBHOOKS_PER_SELLER,
                                   "max_ship_by_ahead_seconds": limits.MAX_SHIP_BY_AHEAD_SECONDS}
    # Both the answer and its published schema are derived from limits.py: a limit added there is in each.
    schema = DOCUMENT.doc["components"]["schemas"]["ReasonCatalogueOut"]["properties"]["limits"]
    assert set(schema["properties"]) == set(schema["required"]) == set(catalogue["limits"])
    assert schema["additionalProperties"] is False
