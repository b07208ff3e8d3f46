"""Line items, partial cancellations and refunds through the API (docs/money-and-items.md), as a new user would
meet them: a three-item order loses one SKU out of stock, goes on with the rest, the buyer drops another item
inside the grace period, and the platform reports both refunds."""

from datetime import timedelta
from typing import Any

import pytest

from chalicelib.domain.clock import utc_now
from chalicelib.jobs import expiry
from tests.support.shop import MULTI_ITEMS, Shop

X = "\N{MULTIPLICATION SIGN}"
THREE = [{"sku": "SKU-A", "quantity": 1, "unit_price": 50000}, {"sku": "SKU-B", "quantity": 2, "unit_price": 30000},
         {"sku": "SKU-C", "quantity": 1, "unit_price": 20000}]


def idr(amount: int) -> dict[str, Any]:
    return {"amount": amount, "currency": "IDR"}


def cancelled(detail: dict[str, Any]) -> dict[str, int]:
    return {line["sku"]: line["cancelled_quantity"] for line in detail["items"]}


def test_a_new_users_walk_through_partial_cancellations_and_refunds(shop: Shop, clock):
    order_id = shop.order(items=THREE)  # placed and paid now
    fresh = shop.detail(order_id, expect=200).json
    assert fresh["total"] == fresh["remaining_total"] == idr(130000)
    assert cancelled(fresh) == {"SKU-A": 0, "SKU-B": 0, "SKU-C": 0}

    # The seller runs out of SKU-B.
    seller = shop.seller_cancel(order_id, "OUT_OF_STOCK", line_items=[{"sku": "SKU-B", "quantity": 2}],
                                expect=201).json
    assert seller["status"] == "SELLER_CANCELLED" and seller["whole_order"] is False
    assert seller["line_items"] == [{"sku": "SKU-B", "quantity": 2, "amount": idr(60000)}]
    assert seller["refund"] == idr(60000) and seller["refund_status"] == "PENDING"
    assert seller["refunded_at"] is None and seller["refund_reference"] is None
    detail = shop.detail(order_id, expect=200).json
    assert detail["status"] == "AWAITING_SHIPMENT" and detail["cancel_id"] is None
    assert cancelled(detail) == {"SKU-A": 0, "SKU-B": 2, "SKU-C": 0}
    assert detail["remaining_total"] == idr(70000) and detail["total"] == idr(130000)
    assert detail["handover"] == {"hand_over_to_logistics": True,
                                  "warning": f"Don't pack the cancelled items: SKU-B {X} 2.",
                                  "warning_code": "PARTLY_CANCELLED",
                                  "cancelled_items": [{"sku": "SKU-B", "quantity": 2}]}
    assert shop.sfcr(expect=200).json["seller_fault_cancellations"] == 1

    # The buyer drops SKU-C inside the grace period: approved at once.
    clock.shift(timedelta(minutes=10))
    buyer = shop.request_cancellation(order_id, "CHANGED_MIND", line_items=[{"sku": "SKU-C", "quantity": 1}],
                                      expect=201).json
    assert buyer["status"] == "AUTO_APPROVED" and buyer["auto_approve_cause"] == "WITHIN_GRACE_PERIOD"
    assert buyer["refund"] == idr(20000) and buyer["refund_status"] == "PENDING"
    detail = shop.detail(order_id, expect=200).json
    assert detail["status"] == "AWAITING_SHIPMENT" and detail["remaining_total"] == idr(50000)
    assert detail["needs_attention"] is True  # the seller must see the auto-approval before packing
    assert detail["handover"]["warning"] == f"Don't pack the cancelled items: SKU-B {X} 2, SKU-C {X} 1."
    assert shop.counts(expect=200).json["cancellation"]["auto_approved"] == 1
    assert shop.sfcr(expect=200).json["seller_fault_cancellations"] == 1  # the buyer's never counts

    # The payment system reports both refunds; the same report again changes nothing.
    for c, reference in ((seller, "PAY-001"), (buyer, "PAY-002")):
        refunded = shop.report_refund(c["cancel_id"], reference, expect=200).json
        assert refunded["refund_status"] == "REFUNDED" and refunded["refund_reference"] == reference
        assert refunded["refunded_at"] is not None and refunded["refund"] == c["refund"]
        history = shop.detail(order_id, expect=200).json["history"]
        assert shop.report_refund(c["cancel_id"], reference, expect=200).json == refunded
        assert shop.detail(order_id, expect=200).json["history"] == history
        assert history[-1]["action"] == "REFUNDED" and history[-1]["cancel_id"] == c["cancel_id"]
        assert history[-1]["actor"] == "PLATFORM" and history[-1]["to_status"] == "AWAITING_SHIPMENT"
        other = shop.report_refund(c["cancel_id"], "PAY-999", expect=409).json["error"]
        assert other["code"] == "REFUND_ALREADY_REPORTED"
        assert other["details"]["current"] == {"refund_status": "REFUNDED", "refund_reference": reference}

    # What remains ships; the buyer sees the same lines.
    shop.acknowledge(buyer["cancel_id"], expect=200)
    shipped = shop.ship(order_id, expect=200).json
    assert shipped["status"] == "IN_TRANSIT" and shipped["remaining_total"] == idr(50000)
    mine = shop.buyer_order(order_id, expect=200).json
    assert cancelled(mine) == {"SKU-A": 0, "SKU-B": 2, "SKU-C": 1}
    assert {c["cancel_id"]: c["refund_status"] for c in mine["cancellations"]} == {
        seller["cancel_id"]: "REFUNDED", buyer["cancel_id"]: "REFUNDED"}


def test_the_last_items_cancel_the_order_and_it_counts_once_in_the_sfcr(shop: Shop):
    order_id = shop.paid(items=MULTI_ITEMS)
    shop.seller_cancel(order_id, "OUT_OF_STOCK", line_items=[{"sku": "SKU-1", "quantity": 1}], expect=201)
    shop.seller_cancel(order_id, "OUT_OF_STOCK", line_items=[{"sku": "SKU-1", "quantity": 1}], expect=201)
    rest = shop.seller_cancel(order_id, "WRONG_PRICE", expect=201).json  # what remains: the whole order
    assert rest["whole_order"] is True
    assert rest["line_items"] == [{"sku": "SKU-2", "quantity": 1, "amount": idr(20000)}]
    detail = shop.detail(order_id, expect=200).json
    assert detail["status"] == "CANCELLED" and detail["cancel_id"] == rest["cancel_id"]
    assert detail["remaining_total"] == idr(0) and cancelled(detail) == {"SKU-1": 2, "SKU-2": 1}
    assert detail["handover"]["warning"] == "You don't need to hand over this order to logistics."
    sfcr = shop.sfcr(expect=200).json
    assert (sfcr["orders"], sfcr["seller_fault_cancellations"]) == (1, 1)
    assert sum(c["refund"]["amount"] for c in detail["cancellations"]) == 170000


def test_a_partial_seller_cancel_needs_out_of_stock(shop: Shop):
    order_id = shop.paid(items=MULTI_ITEMS)
    error = shop.seller_cancel(order_id, "WRONG_PRICE", line_items=[{"sku": "SKU-2", "quantity": 1}],
                               expect=400).json["error"]
    assert error["code"] == "PARTIAL_CANCEL_NOT_ALLOWED"
    assert error["details"]["allowed_reasons"] == ["OUT_OF_STOCK"]
    every = [{"sku": "SKU-2", "quantity": 1}, {"sku": "SKU-1", "quantity": 2}]
    whole = shop.seller_cancel(order_id, "WRONG_PRICE", line_items=every, expect=201).json
    assert whole["whole_order"] is True and shop.detail(order_id, expect=200).json["status"] == "CANCELLED"


def test_the_catalogues_partial_allowed_is_the_rule_the_cancel_enforces(shop: Shop):
    seller_cancel = shop.reasons().json["seller_cancel"]
    flags = {r["reason"]: r["partial_allowed"] for r in seller_cancel if "AWAITING_SHIPMENT" in r["allowed_statuses"]}
    assert flags and True in flags.values() and False in flags.values()
    for reason, partial_allowed in flags.items():
        order_id = shop.paid(items=MULTI_ITEMS)
        answer = shop.seller_cancel(order_id, reason, line_items=[{"sku": "SKU-2", "quantity": 1}])
        if partial_allowed:
            assert (answer.status_code, answer.json["whole_order"]) == (201, False), reason
        else:
            assert (answer.status_code, answer.json["error"]["code"]) == (400, "PARTIAL_CANCEL_NOT_ALLOWED"), reason
            assert answer.json["error"]["details"]["allowed_reasons"] == sorted(
                r for r, allowed in flags.items() if allowed)


def test_an_unpaid_order_owes_no_refund_and_cannot_be_reported(shop: Shop):
    order_id = shop.order(status="UNPAID", items=MULTI_ITEMS)
    c = shop.seller_cancel(order_id, "OUT_OF_STOCK", line_items=[{"sku": "SKU-2", "quantity": 1}],
                           expect=201).json
    assert c["refund"] is None and c["refund_status"] == "NOT_APPLICABLE"
    error = shop.report_refund(c["cancel_id"], expect=409).json["error"]
    assert error["code"] == "REFUND_NOT_PENDING"
    assert error["details"]["current"]["refund_status"] == "NOT_APPLICABLE"
    # The buyer then pays for what remains.
    paid = shop.pay(order_id, expect=200).json
    assert paid["status"] == "AWAITING_SHIPMENT" and paid["remaining_total"] == idr(150000)


def test_a_partial_request_waits_for_the_seller_under_every_rule(shop: Shop, clock):
    order_id = shop.paid(items=MULTI_ITEMS)
    asked = shop.request_cancellation(order_id, line_items=[{"sku": "SKU-2", "quantity": 1}], expect=201).json
    assert asked["status"] == "REQUESTED" and asked["refund"] == idr(20000) and asked["refund_status"] == "NONE"
    assert cancelled(shop.detail(order_id, expect=200).json) == {"SKU-1": 0, "SKU-2": 0}
    error = shop.report_refund(asked["cancel_id"], expect=409).json["error"]
    assert error["code"] == "REFUND_NOT_PENDING"
    again = shop.request_cancellation(order_id, line_items=[{"sku": "SKU-1", "quantity": 1}], expect=409)
    assert again.json["error"]["code"] == "CANCELLATION_ALREADY_PENDING"
    withdrawn = shop.withdraw(asked["cancel_id"], expect=200).json
    assert withdrawn["refund_status"] == "NONE"

    # Asked again, unanswered until its deadline: the job approves it and the order goes on.
    asked = shop.request_cancellation(order_id, line_items=[{"sku": "SKU-1", "quantity": 1}], expect=201).json
    clock.shift(timedelta(hours=48))
    assert expiry.run(utc_now()).auto_approved == 1
    expired = shop.cancellation(asked["cancel_id"], expect=200).json
    assert expired["status"] == "AUTO_APPROVED" and expired["refund_status"] == "PENDING"
    detail = shop.detail(order_id, expect=200).json
    assert detail["status"] == "AWAITING_SHIPMENT" and cancelled(detail) == {"SKU-1": 1, "SKU-2": 0}
    assert detail["remaining_total"] == idr(95000)

    # A third request, for the rest; shipping rejects it and nothing more comes off.
    last = shop.request_cancellation(order_id, expect=201).json
    assert last["whole_order"] is True
    assert last["line_items"] == [{"sku": "SKU-1", "quantity": 1, "amount": idr(75000)},
                                  {"sku": "SKU-2", "quantity": 1, "amount": idr(20000)}]
    shop.ship(order_id, expect=200)
    rejected = shop.cancellation(last["cancel_id"], expect=200).json
    assert rejected["status"] == "REJECTED" and rejected["refund_status"] == "NONE"
    assert cancelled(shop.detail(order_id, expect=200).json) == {"SKU-1": 1, "SKU-2": 0}


def test_an_order_repeating_a_sku_is_refused(shop: Shop):
    body = shop.order_body(items=[*MULTI_ITEMS, {"sku": "SKU-1", "quantity": 1, "unit_price": 1}])
    error = shop.record_order(body, expect=400).json["error"]
    assert error["code"] == "DUPLICATE_SKU"
    assert error["details"] == {"path": "$.items[2].sku", "sku": "SKU-1"}
    assert shop.detail(body["order_id"], expect=404)


# --- hostile line items: 400 INVALID_LINE_ITEMS naming the line, never a 500, nothing written ------------------

BAD_LINES: dict[str, tuple[Any, int | None]] = {
    "unknown sku": ([{"sku": "SKU-9", "quantity": 1}], 0),
    "zero": ([{"sku": "SKU-1", "quantity": 0}], 0),
    "negative": ([{"sku": "SKU-2", "quantity": 1}, {"sku": "SKU-1", "quantity": -1}], 1),
    "over the remainder": ([{"sku": "SKU-1", "quantity": 3}], 0),
    "over the limit": ([{"sku": "SKU-1", "quantity": 10_001}], 0),
    "huge": ([{"sku": "SKU-1", "quantity": 10**30}], 0),
    "fraction": ([{"sku": "SKU-1", "quantity": 1.5}], 0),
    "whole float": ([{"sku": "SKU-1", "quantity": 1.0}], 0),
    "string": ([{"sku": "SKU-1", "quantity": "1"}], 0),
    "boolean": ([{"sku": "SKU-1", "quantity": True}], 0),
    "null quantity": ([{"sku": "SKU-1", "quantity": None}], 0),
    "no quantity": ([{"sku": "SKU-1"}], 0),
    "an amount sent in": ([{"sku": "SKU-1", "quantity": 1, "amount": 1}], 0),
    "bad sku": ([{"sku": "SKU 1", "quantity": 1}], 0),
    "twice": ([{"sku": "SKU-1", "quantity": 1}, {"sku": "SKU-1", "quantity": 1}], 1),
    "a line that is not an object": ([["SKU-1", 1]], 0),
    "empty": ([], None),
    "not a list": ({"sku": "SKU-1", "quantity": 1}, None),
    "too many lines": ([{"sku": f"SKU-{n}", "quantity": 1} for n in range(101)], None),
}


@pytest.mark.parametrize("route", ["buyer request", "seller cancel"])
@pytest.mark.parametrize("case", sorted(BAD_LINES))
def test_bad_line_items_are_400_naming_the_line_and_change_nothing(desk, route: str, case: str):
    lines, line = BAD_LINES[case]
    order_id = desk.paid(items=MULTI_ITEMS)
    before = desk.stored(order_id)
    with desk.writes() as writes:
        if route == "buyer request":
            response = desk.request_cancellation(order_id, line_items=lines)
        else:
            response = desk.seller_cancel(order_id, "OUT_OF_STOCK", line_items=lines)
    assert response.status_code == 400, response.json
    error = response.json["error"]
    assert error["code"] == "INVALID_LINE_ITEMS", error
    assert error["details"]["line"] == line, error
    assert (writes, desk.stored(order_id)) == ([], before)


@pytest.mark.parametrize("reference", ["", "x" * 65, "PAY 1", "PAY\n", "PAY-\u00fc", "\uff30\uff21\uff39", 12, None,
                                       ["PAY-1"]])
def test_a_bad_refund_reference_is_400_and_changes_nothing(desk, reference: Any):
    order_id, cancel_id = desk.refund_pending()
    before = desk.stored(order_id)
    with desk.writes() as writes:
        response = desk.report_refund(cancel_id, reference)
    assert response.status_code == 400, response.json
    assert response.json["error"]["code"] == "INVALID_FIELD"
    assert response.json["error"]["details"]["path"] == "$.refund_reference"
    assert (writes, desk.stored(order_id)) == ([], before)


def test_a_refund_reference_of_64_visible_characters_is_accepted(desk):
    _, cancel_id = desk.refund_pending()
    reference = "PAY/2026-11-27.0001:" + "~" * 44
    assert len(reference) == 64
    assert desk.report_refund(cancel_id, reference, expect=200).json["refund_reference"] == reference


def test_a_refund_is_reported_by_the_platform_only(desk):
    _, cancel_id = desk.refund_pending()
    for token in (desk.seller_token("S1"), desk.buyer_token("B1")):
        assert desk.report_refund(cancel_id, token=token, expect=403).json["error"]["code"] == "ROLE_NOT_ALLOWED"
    missing = desk.report_refund("cxl_missing", expect=404).json["error"]
    assert missing["code"] == "CANCELLATION_NOT_FOUND"
