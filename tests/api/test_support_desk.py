"""The support desk through the API (docs/support-desk.md): an operator reads any order and cancels on the seller's
behalf or asks on the buyer's, with that party's rules, reasons and fault; `actor` on cancellations, history and
events; operators never answer a seller's request."""

from datetime import timedelta
from typing import Any

import pytest

from chalicelib.domain.clock import iso, utc_now
from tests.support.shop import MULTI_ITEMS, Shop

OPERATOR = {"role": "OPERATOR", "id": "OP1", "ticket": "T-123"}


def counts(shop: Shop) -> dict[str, int]:
    return shop.counts(expect=200).json["cancellation"]


def sfcr(shop: Shop) -> tuple[int, int]:
    answer = shop.sfcr(expect=200).json
    return answer["orders"], answer["seller_fault_cancellations"]


def last_entry(shop: Shop, order_id: str) -> dict[str, Any]:
    entry: dict[str, Any] = shop.operator_order(order_id, expect=200).json["history"][-1]
    return entry


# --- reading (S1) --------------------------------------------------------------------------------------------


def test_an_operator_reads_any_sellers_order_with_its_history(shop: Shop):
    mine = shop.paid()
    theirs = shop.paid(seller_id="S2", buyer_id="B2")
    for order_id, seller_id in ((mine, "S1"), (theirs, "S2")):
        detail = shop.operator_order(order_id, expect=200).json
        assert detail["order_id"] == order_id and detail["seller_id"] == seller_id
        assert [entry["action"] for entry in detail["history"]] == ["ORDER_RECORDED"]
        assert detail["history"][0]["ticket"] is None and detail["history"][0]["on_behalf_of"] is None
        assert detail["handover"]["hand_over_to_logistics"] is True
    # The same answer as the seller's own order detail.
    assert shop.operator_order(mine, expect=200).json == shop.detail(mine, expect=200).json


def test_an_unknown_order_is_404(shop: Shop):
    assert shop.operator_order("NOPE", expect=404).json["error"]["code"] == "ORDER_NOT_FOUND"
    assert shop.operator_cancel("NOPE", expect=404).json["error"]["code"] == "ORDER_NOT_FOUND"


def test_only_operators_use_the_desk(shop: Shop):
    order_id = shop.paid()
    for token in (shop.seller_token(), shop.buyer_token(), shop.platform):
        assert shop.operator_order(order_id, token=token, expect=403).json["error"]["code"] == "ROLE_NOT_ALLOWED"
        refused = shop.operator_cancel(order_id, token=token, expect=403).json["error"]
        assert refused == {"code": "ROLE_NOT_ALLOWED", "message": "This route is for the operator role.",
                           "details": {"required_role": "operator"}}
    # An operator is no seller, buyer or platform either.
    assert shop.detail(order_id, token=shop.operator_token(), expect=403).json["error"]["code"] == "ROLE_NOT_ALLOWED"
    assert shop.seller_cancel(order_id, token=shop.operator_token(), expect=403).json["error"]["code"] == (
        "ROLE_NOT_ALLOWED")
    assert shop.operator_order(order_id, expect=200).json["status"] == "AWAITING_SHIPMENT"


# --- cancelling on the seller's behalf (S2, S3) -----------------------------------------------------------------


def test_a_seller_fault_cancel_on_the_sellers_behalf_counts_in_its_sfcr(shop: Shop, clock):
    order_id = shop.paid()
    assert sfcr(shop) == (1, 0)
    created = shop.operator_cancel(order_id, "seller", "OUT_OF_STOCK", note="The seller called: none left",
                                   comment="last one broke", expect=201).json
    assert created["status"] == "SELLER_CANCELLED" and created["initiator"] == "SELLER"
    assert created["resolved_by"] == "SELLER" and created["comment"] == "last one broke"
    assert created["fault"] == "SELLER" and created["counts_toward_sfcr"] is True  # support is no way around it
    assert created["actor"] == OPERATOR
    assert sfcr(shop) == (1, 1)
    entry = last_entry(shop, order_id)
    assert entry == {"at": iso(utc_now()), "actor": "OPERATOR", "actor_id": "OP1", "action": "SELLER_CANCELLED",
                     "from_status": "AWAITING_SHIPMENT", "to_status": "CANCELLED", "cancel_id": created["cancel_id"],
                     "note": "OUT_OF_STOCK", "ticket": "T-123", "on_behalf_of": "SELLER",
                     "operator_note": "The seller called: none left"}
    # The seller sees the cancellation as its own, with the operator who acted.
    assert shop.cancellation(created["cancel_id"], expect=200).json["actor"] == OPERATOR
    assert shop.buyer_order(order_id, expect=200).json["cancellations"][0]["actor"] == OPERATOR


def test_the_reasons_fault_as_if_the_seller_had_acted(shop: Shop):
    order_id = shop.paid()
    created = shop.operator_cancel(order_id, "seller", "ADDRESS_NOT_DELIVERABLE", expect=201).json
    assert created["fault"] == "NONE" and created["counts_toward_sfcr"] is False
    unpaid = shop.order(status="UNPAID")
    created = shop.operator_cancel(unpaid, "seller", "BUYER_NOT_PAID_IN_TIME", expect=201).json
    assert created["fault"] == "BUYER" and created["refund_status"] == "NOT_APPLICABLE"
    assert sfcr(shop) == (2, 0)
    # The seller's status rules hold: this reason is for unpaid orders only.
    paid = shop.paid()
    refused = shop.operator_cancel(paid, "seller", "BUYER_NOT_PAID_IN_TIME", expect=400).json["error"]
    assert refused["code"] == "REASON_NOT_ALLOWED" and "BUYER_NOT_PAID_IN_TIME" not in refused["details"]["allowed"]


def test_some_items_out_of_stock_on_the_sellers_behalf(shop: Shop):
    order_id = shop.paid(items=MULTI_ITEMS)
    created = shop.operator_cancel(order_id, line_items=[{"sku": "SKU-1", "quantity": 1}], expect=201).json
    assert created["whole_order"] is False and created["refund"] == {"amount": 75000, "currency": "IDR"}
    detail = shop.operator_order(order_id, expect=200).json
    assert detail["status"] == "AWAITING_SHIPMENT" and detail["remaining_total"]["amount"] == 95000
    # The seller's partial rule: only OUT_OF_STOCK cancels some items.
    refused = shop.operator_cancel(order_id, reason="WRONG_PRICE", line_items=[{"sku": "SKU-2", "quantity": 1}],
                                   expect=400).json["error"]
    assert refused["code"] == "PARTIAL_CANCEL_NOT_ALLOWED"
    too_many = shop.operator_cancel(order_id, line_items=[{"sku": "SKU-1", "quantity": 2}], expect=400).json["error"]
    assert too_many["code"] == "INVALID_LINE_ITEMS"
    # An order counts once as seller-fault, whoever pressed the button.
    shop.seller_cancel(order_id, line_items=[{"sku": "SKU-2", "quantity": 1}], expect=201)
    assert sfcr(shop) == (1, 1)


def test_the_sellers_conflicts_hold_on_its_behalf(shop: Shop, clock):
    order_id, cancel_id = shop.pending()
    refused = shop.operator_cancel(order_id, expect=409).json["error"]
    assert refused["code"] == "CANCELLATION_REQUEST_PENDING"
    shop.approve(cancel_id, expect=200)
    assert shop.operator_cancel(order_id, expect=409).json["error"]["code"] == "ORDER_ALREADY_CANCELLED"
    shipped = shop.in_transit()
    assert shop.operator_cancel(shipped, expect=409).json["error"]["code"] == "ORDER_ALREADY_SHIPPED"
    assert shop.operator_cancel(shipped, "buyer", "CHANGED_MIND", expect=409).json["error"]["code"] == (
        "ORDER_ALREADY_SHIPPED")


# --- asking on the buyer's behalf (S2, S3) ------------------------------------------------------------------


def test_a_request_on_the_buyers_behalf_waits_for_the_seller(shop: Shop):
    order_id = shop.paid()
    created = shop.operator_cancel(order_id, "buyer", "NEED_TO_CHANGE_ADDRESS", ticket="T-9",
                                   note="Buyer phoned in", expect=201).json
    assert created["status"] == "REQUESTED" and created["initiator"] == "BUYER" and created["buyer_id"] == "B1"
    assert created["fault"] == "BUYER" and created["counts_toward_sfcr"] is False
    assert created["actor"] == {"role": "OPERATOR", "id": "OP1", "ticket": "T-9"}
    assert created["respond_by"] == iso(utc_now() + timedelta(days=2))
    assert counts(shop)["cancellation_requested"] == 1
    entry = last_entry(shop, order_id)
    assert (entry["actor"], entry["actor_id"], entry["action"], entry["on_behalf_of"], entry["ticket"],
            entry["operator_note"]) == ("OPERATOR", "OP1", "CANCELLATION_REQUESTED", "BUYER", "T-9", "Buyer phoned in")
    # The seller answers it as any request; its buyer may withdraw it.
    assert shop.buyer_order(order_id, expect=200).json["cancellations"][0]["actor"]["role"] == "OPERATOR"
    shop.withdraw(created["cancel_id"], expect=200)
    assert counts(shop)["cancellation_requested"] == 0


def test_a_request_on_the_buyers_behalf_inside_the_grace_period_is_auto_approved(shop: Shop):
    order_id = shop.order()  # paid now
    created = shop.operator_cancel(order_id, "buyer", "ORDERED_BY_MISTAKE", expect=201).json
    assert created["status"] == "AUTO_APPROVED" and created["auto_approve_cause"] == "WITHIN_GRACE_PERIOD"
    assert created["actor"] == OPERATOR and created["initiator"] == "BUYER"
    assert counts(shop)["auto_approved"] == 1
    assert last_entry(shop, order_id)["action"] == "CANCELLATION_AUTO_APPROVED"
    assert sfcr(shop) == (1, 0)


def test_other_on_the_buyers_behalf_needs_a_comment(shop: Shop):
    order_id = shop.paid()
    assert shop.operator_cancel(order_id, "buyer", "OTHER", expect=400).json["error"]["code"] == "COMMENT_REQUIRED"
    assert shop.operator_cancel(order_id, "buyer", "OTHER", comment=" ", expect=400).json["error"]["code"] == (
        "COMMENT_REQUIRED")
    created = shop.operator_cancel(order_id, "buyer", "OTHER", comment="Gift for the wrong person", expect=201).json
    assert created["comment"] == "Gift for the wrong person"


def test_the_buyers_rules_hold_on_its_behalf(shop: Shop):
    order_id, cancel_id = shop.pending()
    assert shop.operator_cancel(order_id, "buyer", "CHANGED_MIND", expect=409).json["error"]["code"] == (
        "CANCELLATION_ALREADY_PENDING")
    shop.reject(cancel_id, expect=200)
    assert shop.operator_cancel(order_id, "buyer", "CHANGED_MIND", expect=409).json["error"]["code"] == (
        "CANCELLATION_REJECTED_BEFORE")


def test_some_items_on_the_buyers_behalf(shop: Shop):
    order_id = shop.order(items=MULTI_ITEMS)  # inside the grace period
    created = shop.operator_cancel(order_id, "buyer", "CHANGED_MIND", line_items=[{"sku": "SKU-2", "quantity": 1}],
                                   expect=201).json
    assert created["status"] == "AUTO_APPROVED" and created["whole_order"] is False
    assert created["line_items"] == [{"sku": "SKU-2", "quantity": 1, "amount": {"amount": 20000, "currency": "IDR"}}]


# --- bad input (S3, S7) ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("party", "reason", "allowed"), [
    ("seller", "CHANGED_MIND", "OUT_OF_STOCK"), ("buyer", "OUT_OF_STOCK", "CHANGED_MIND"),
    ("seller", "PRODUCT_PACKED", "OUT_OF_STOCK"), ("buyer", "NOT_A_REASON", "CHANGED_MIND")])
def test_a_reason_of_the_other_party_is_400(shop: Shop, party: str, reason: str, allowed: str):
    order_id = shop.paid()
    error = shop.operator_cancel(order_id, party, reason, expect=400).json["error"]
    assert error["code"] == "REASON_NOT_ALLOWED" and error["details"]["reason"] == reason
    assert allowed in error["details"]["allowed"]
    assert shop.operator_order(order_id, expect=200).json["cancellations"] == []


@pytest.mark.parametrize(("fields", "code", "path"), [
    ({"ticket": None}, "MISSING_FIELD", "$"),
    ({"ticket": ""}, "INVALID_FIELD", "$.ticket"),
    ({"ticket": "T" * 65}, "INVALID_FIELD", "$.ticket"),
    ({"ticket": "T 123"}, "INVALID_FIELD", "$.ticket"),
    ({"note": "n" * 501}, "INVALID_FIELD", "$.note"),
    ({"comment": "c" * 501}, "INVALID_FIELD", "$.comment"),
    ({"on_behalf_of": "platform"}, "UNKNOWN_ENUM_VALUE", "$.on_behalf_of"),
    ({"reason": "R" * 65}, "INVALID_FIELD", "$.reason"),
    ({"fault": "NONE"}, "UNKNOWN_FIELD", "$"),
    ({"line_items": []}, "INVALID_LINE_ITEMS", "$.line_items"),
])
def test_bad_bodies_are_400_and_change_nothing(shop: Shop, fields: dict[str, Any], code: str, path: str):
    order_id = shop.paid()
    body: dict[str, Any] = {"on_behalf_of": "seller", "reason": "OUT_OF_STOCK", "ticket": "T-1", **fields}
    ticket = body.pop("ticket")
    error = shop.operator_cancel(order_id, body.pop("on_behalf_of"), body.pop("reason"), ticket, expect=400,
                                 **body).json["error"]
    assert error["code"] == code and error["details"]["path"] == path
    assert shop.operator_order(order_id, expect=200).json["cancellations"] == []


def test_the_limits_are_taken_at_their_edges(shop: Shop):
    order_id = shop.paid()
    created = shop.operator_cancel(order_id, ticket="T" * 64, note="n" * 500, expect=201).json
    assert created["actor"]["ticket"] == "T" * 64
    assert last_entry(shop, order_id)["operator_note"] == "n" * 500


def test_an_idempotency_key_replays_the_operators_cancel(shop: Shop):
    order_id = shop.paid()
    key = {"Idempotency-Key": "support-ticket-T-123"}
    first = shop.operator_cancel(order_id, headers=key, expect=201).json
    again = shop.operator_cancel(order_id, headers=key, expect=201).json
    assert again == first
    assert len(shop.operator_order(order_id, expect=200).json["cancellations"]) == 1
    assert sfcr(shop) == (1, 1)


# --- operators never answer a seller's request (S6) ----------------------------------------------------------


def test_an_operator_cannot_approve_or_reject_a_sellers_request(shop: Shop):
    from app import app

    order_id, cancel_id = shop.pending()
    before = shop.operator_order(order_id, expect=200).json
    operator = shop.operator_token()
    assert shop.approve(cancel_id, token=operator, expect=403).json["error"]["code"] == "ROLE_NOT_ALLOWED"
    assert shop.reject(cancel_id, token=operator, expect=403).json["error"]["code"] == "ROLE_NOT_ALLOWED"
    assert shop.bulk_approve([cancel_id], token=operator, expect=403).json["error"]["code"] == "ROLE_NOT_ALLOWED"
    assert shop.bulk_reject([cancel_id], token=operator, expect=403).json["error"]["code"] == "ROLE_NOT_ALLOWED"
    assert shop.operator_order(order_id, expect=200).json == before
    assert counts(shop)["cancellation_requested"] == 1
    # No operator route answers a request: the desk reads orders, cancels them and decides appeals, nothing more.
    assert sorted((method, path) for path, methods in app.routes.items() for method in methods
                  if path.startswith("/operator/")) == [("GET", "/operator/appeals"),
                                                         ("GET", "/operator/orders/{order_id}"),
                                                         ("POST", "/operator/appeals/{appeal_id}/decide"),
                                                         ("POST", "/operator/orders/{order_id}/cancel")]


# --- actor everywhere (S5) --------------------------------------------------------------------------------------


def test_every_cancellation_says_who_pressed_the_button(shop: Shop):
    _, requested = shop.pending()
    assert shop.cancellation(requested, expect=200).json["actor"] == {"role": "BUYER", "id": "B1", "ticket": None}
    _, auto = shop.auto_approved()
    assert shop.cancellation(auto, expect=200).json["actor"] == {"role": "BUYER", "id": "B1", "ticket": None}
    cancelled = shop.seller_cancel(shop.paid(), expect=201).json
    assert cancelled["actor"] == {"role": "SELLER", "id": "S1", "ticket": None}


def test_an_item_stored_before_actors_reads_as_its_initiators(shop: Shop):
    """A cancellation written before `actor` existed has no such attribute: it reads as the party's own."""
    from chalicelib import config
    from chalicelib.store.models import CancellationItem

    _, requested = shop.pending()
    cancelled = shop.seller_cancel(shop.paid(), expect=201).json["cancel_id"]
    client = CancellationItem._get_connection().connection.client  # the table's own client, as the store uses
    for cancel_id in (requested, cancelled):
        client.update_item(TableName=config.table_name("CANCELLATIONS_TABLE"), Key={"cancel_id": {"S": cancel_id}},
                           UpdateExpression="REMOVE actor")
    assert shop.cancellation(requested, expect=200).json["actor"] == {"role": "BUYER", "id": "B1", "ticket": None}
    assert shop.cancellation(cancelled, expect=200).json["actor"] == {"role": "SELLER", "id": "S1", "ticket": None}


def test_events_carry_the_actor(shop: Shop, clock):
    order_id = shop.paid()
    created = shop.operator_cancel(order_id, expect=201).json
    buyer_side = shop.operator_cancel(shop.paid(), "buyer", "CHANGED_MIND", ticket="T-7", expect=201).json
    clock.shift(timedelta(minutes=10))
    types = "cancellation.seller_cancelled,cancellation.requested"
    items = shop.events(f"types={types}&limit=100", expect=200).json["items"]
    actors = {item["data"]["cancellation"]["cancel_id"]: item["data"]["cancellation"]["actor"] for item in items}
    assert actors == {created["cancel_id"]: OPERATOR,
                      buyer_side["cancel_id"]: {"role": "OPERATOR", "id": "OP1", "ticket": "T-7"}}
