"""GET and PUT /seller/auto-approve-rules, and a buyer's request meeting them: a matching rule approves it at
once, a request that matches none waits for the seller; the request route stays at 2 reads + 1 transaction."""

import pytest

from devtools.dynamo_calls import DynamoCalls

MISTAKES = {"name": "Ordered by mistake, before packing", "buyer_reasons": ["ORDERED_BY_MISTAKE"]}


@pytest.fixture
def calls(api):
    with DynamoCalls() as recorder:
        yield recorder


def test_no_rules_at_first(shop):
    assert shop.rules(expect=200).json == {"rules": [], "version": 0}


def test_a_put_replaces_the_set_with_server_ids_and_defaults(shop):
    put = shop.put_rules([MISTAKES, {"name": "small ones", "max_refund": {"amount": 200000, "currency": "IDR"},
                                     "order_statuses": ["AWAITING_SHIPMENT", "AWAITING_COLLECTION"],
                                     "whole_order_only": True, "enabled": False}], 0, expect=200).json
    assert put["version"] == 1
    first, second = put["rules"]
    assert first == {"rule_id": first["rule_id"], "name": MISTAKES["name"], "enabled": True,
                     "buyer_reasons": ["ORDERED_BY_MISTAKE"], "order_statuses": ["AWAITING_SHIPMENT"],
                     "max_refund": None, "whole_order_only": False}
    assert first["rule_id"].startswith("rule_") and second["rule_id"] != first["rule_id"]
    assert (second["max_refund"], second["enabled"]) == ({"amount": 200000, "currency": "IDR"}, False)
    assert shop.rules(expect=200).json == put
    # Naming a rule's id keeps it; leaving a rule out drops it.
    again = shop.put_rules([{**second, "name": "renamed"}], 1, expect=200).json
    assert [(r["rule_id"], r["name"]) for r in again["rules"]] == [(second["rule_id"], "renamed")]
    assert again["version"] == 2


def test_a_matching_request_is_approved_at_once_and_another_waits(shop):
    rule_id = shop.put_rules([MISTAKES], expect=200).json["rules"][0]["rule_id"]
    matching = shop.request_cancellation(shop.paid(), "ORDERED_BY_MISTAKE", expect=201).json
    assert (matching["status"], matching["auto_approve_cause"], matching["auto_approve_rule_id"]) == (
        "AUTO_APPROVED", "SELLER_RULE", rule_id)
    assert (matching["fault"], matching["counts_toward_sfcr"], matching["resolved_by"]) == ("BUYER", False, "SYSTEM")
    waiting = shop.request_cancellation(shop.paid(), "CHANGED_MIND", expect=201).json
    assert (waiting["status"], waiting["auto_approve_rule_id"]) == ("REQUESTED", None)
    assert shop.counts().json["cancellation"] == {
        "total": 2, "cancellation_requested": 1, "auto_approved": 1, "due_soon": 0, "awaiting_buyer": 0}
    assert shop.detail(matching["order_id"]).json["status"] == "CANCELLED"
    shop.acknowledge(matching["cancel_id"], expect=200)
    assert shop.counts().json["cancellation"]["auto_approved"] == 0


def test_a_rule_change_never_touches_a_pending_request(shop):
    pending = shop.request_cancellation(shop.paid(), "ORDERED_BY_MISTAKE", expect=201).json["cancel_id"]
    shop.put_rules([{"name": "any"}], expect=200)
    assert shop.cancellation(pending).json["status"] == "REQUESTED"
    assert shop.counts().json["cancellation"]["cancellation_requested"] == 1


def test_another_sellers_rules_never_apply(shop):
    shop.put_rules([{"name": "any"}], token=shop.seller_token("S2"), expect=200)
    assert shop.rules(expect=200).json == {"rules": [], "version": 0}
    assert shop.request_cancellation(shop.paid(), expect=201).json["status"] == "REQUESTED"


def test_a_stale_version_is_409_with_the_current_one(shop):
    shop.put_rules([MISTAKES], 0, expect=200)
    stale = shop.put_rules([], 0)
    assert stale.status_code == 409
    assert stale.json["error"]["code"] == "RULES_VERSION_CONFLICT"
    assert stale.json["error"]["details"] == {"current": {"version": 1}}
    assert len(shop.rules().json["rules"]) == 1


@pytest.mark.parametrize(("rules", "code"), [
    ([{"name": f"r{n}"} for n in range(21)], "INVALID_FIELD"),
    ([{"name": "x" * 81}], "INVALID_FIELD"),
    ([{"name": "  "}], "INVALID_FIELD"),
    ([{"name": "a", "buyer_reasons": ["BORED"]}], "UNKNOWN_ENUM_VALUE"),
    ([{"name": "a", "buyer_reasons": ["OTHER", "OTHER"]}], "INVALID_FIELD"),
    ([{"name": "a", "order_statuses": ["UNPAID"]}], "UNKNOWN_ENUM_VALUE"),
    ([{"name": "a", "order_statuses": []}], "INVALID_FIELD"),
    ([{"name": "a", "max_refund": {"amount": -1, "currency": "IDR"}}], "INVALID_FIELD"),
    ([{"name": "a", "max_refund": {"amount": 1.5, "currency": "IDR"}}], "INVALID_FIELD"),
    ([{"name": "a", "max_refund": {"amount": 1, "currency": "idr"}}], "INVALID_FIELD"),
    ([{"name": "a", "max_refund": {"amount": 1, "currency": "IDR\n"}}], "INVALID_FIELD"),
    ([{"name": "a", "whole_order_only": "yes"}], "INVALID_FIELD"),
    ([{"name": "a", "rule_id": "rule_unknown"}], "INVALID_FIELD"),
    ([{"name": "a", "auto_approve_cause": "SELLER_RULE"}], "UNKNOWN_FIELD"),
    ([{}], "MISSING_FIELD"),
], ids=["21-rules", "long-name", "blank-name", "unknown-reason", "reason-twice", "unpaid-status", "no-status",
        "negative-refund", "fractional-refund", "currency-case", "currency-newline",
        "flag-not-bool", "unknown-rule-id", "server-field",
        "no-name"])
def test_every_field_is_validated(shop, rules, code):
    response = shop.put_rules(rules, 0)
    assert (response.status_code, response.json["error"]["code"]) == (400, code), response.json
    assert shop.rules().json == {"rules": [], "version": 0}


def test_a_version_is_required(shop):
    response = shop.api.call("PUT", "/seller/auto-approve-rules", shop.seller_token(), body={"rules": []})
    assert (response.status_code, response.json["error"]["code"]) == (400, "MISSING_FIELD")


# --- calls ----------------------------------------------------------------------------------------------------


def test_the_request_route_stays_at_two_reads_and_one_transaction(shop, calls):
    shop.put_rules([MISTAKES], expect=200)
    matching, waiting, unpaid = shop.paid(), shop.paid(), shop.order(status="UNPAID")
    for order_id, reason, status in ((matching, "ORDERED_BY_MISTAKE", "AUTO_APPROVED"),
                                     (waiting, "CHANGED_MIND", "REQUESTED")):
        calls.clear()
        assert shop.request_cancellation(order_id, reason, expect=201).json["status"] == status
        assert calls.counts() == {"GetItem": 2, "TransactWriteItems": 1}  # the order, then the seller's rules
    calls.clear()
    shop.request_cancellation(unpaid, expect=201)
    assert calls.counts() == {"GetItem": 1, "TransactWriteItems": 1}  # rule 2 decides: the rules are not read


def test_reading_is_one_get_item_and_replacing_one_more_put(shop, calls):
    calls.clear()
    shop.rules(expect=200)
    assert calls.counts() == {"GetItem": 1}
    calls.clear()
    shop.api.call("PUT", "/seller/auto-approve-rules", shop.seller_token(), body={"rules": [MISTAKES], "version": 0})
    assert calls.counts() == {"GetItem": 1, "PutItem": 1}
