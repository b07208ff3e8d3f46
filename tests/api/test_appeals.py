"""Appeals of seller-fault cancellations (docs/appeals.md) through the API: the seller opens, lists and reads;
operators read the queue and decide; the SFCR, the history and the events follow. DynamoDB and S3 are moto's."""

from datetime import datetime, timedelta

import pytest

from chalicelib.domain.limits import MAX_APPEAL_TEXT_LENGTH
from tests.support.events import whole_feed
from tests.support.shop import JPEG, MULTI_ITEMS

# --- opening -------------------------------------------------------------------------------------------------


def test_an_appeal_opens_on_a_seller_fault_cancellation_with_its_files(shop, clock):
    order_id, cancel_id = shop.seller_fault()
    evidence_id = shop.photo()
    response = shop.open_appeal(cancel_id, "The buyer asked me to cancel in the chat", evidence_ids=[evidence_id])
    assert response.status_code == 201, response.json
    appeal = response.json
    assert appeal["appeal_id"].startswith("apl_")
    assert {k: appeal[k] for k in ("cancel_id", "order_id", "seller_id", "status", "statement", "opened_at",
                                   "decide_by", "decided_at", "decided_by", "decision_note")} == {
        "cancel_id": cancel_id, "order_id": order_id, "seller_id": "S1", "status": "OPEN",
        "statement": "The buyer asked me to cancel in the chat", "opened_at": "2026-11-23T09:00:00Z",
        "decide_by": "2026-11-26T09:00:00Z", "decided_at": None, "decided_by": None, "decision_note": None}
    [file] = appeal["evidence"]
    assert (file["evidence_id"], file["content_type"], file["size"]) == (evidence_id, "image/jpeg", len(JPEG))
    assert file["url"].startswith("http") and "X-Amz-Signature" in file["url"]
    # The cancellation names its appeal; the fault stands until an operator decides.
    cancellation = shop.cancellation(cancel_id, expect=200).json
    assert cancellation["appeal"] == {"appeal_id": appeal["appeal_id"], "status": "OPEN"}
    assert (cancellation["fault"], cancellation["counts_toward_sfcr"]) == ("SELLER", True)
    assert shop.sfcr(expect=200).json["appeals_open"] == 1
    [entry] = [e for e in shop.detail(order_id, expect=200).json["history"] if e["action"] == "APPEAL_OPENED"]
    assert (entry["actor"], entry["actor_id"], entry["cancel_id"], entry["note"]) == (
        "SELLER", "S1", cancel_id, appeal["appeal_id"])
    # The file is used: it attaches nowhere else.
    _, other = shop.seller_fault()
    refused = shop.open_appeal(other, evidence_ids=[evidence_id])
    assert (refused.status_code, refused.json["error"]["details"]) == (
        400, {"evidence_id": evidence_id, "problem": "ALREADY_USED"})


def test_one_appeal_per_cancellation(shop):
    _, cancel_id, appeal_id = shop.appealed()
    again = shop.open_appeal(cancel_id, "Again")
    assert (again.status_code, again.json["error"]["code"]) == (409, "APPEAL_EXISTS")
    assert again.json["error"]["details"]["current"]["appeal"] == {"appeal_id": appeal_id, "status": "OPEN"}
    shop.decide_appeal(appeal_id, "OVERTURN", expect=200)
    after = shop.open_appeal(cancel_id, "And again")
    assert (after.status_code, after.json["error"]["code"]) == (409, "APPEAL_EXISTS")
    assert shop.sfcr(expect=200).json["appeals_open"] == 0


def test_a_cancellation_that_does_not_count_is_not_appealable(shop):
    order_id = shop.paid()
    no_fault = shop.seller_cancel(order_id, "ADDRESS_NOT_DELIVERABLE", expect=201).json["cancel_id"]
    _, pending = shop.pending()
    _, buyers = shop.pending()
    shop.approve(buyers, expect=200)
    for cancel_id in (no_fault, pending, buyers):
        response = shop.open_appeal(cancel_id)
        assert (response.status_code, response.json["error"]["code"]) == (409, "NOT_APPEALABLE"), cancel_id
    assert shop.appeals(expect=200).json["items"] == []


def test_appeals_close_thirty_days_after_the_cancellation(shop, clock):
    _, late = shop.seller_fault()
    _, in_time = shop.seller_fault()
    clock.shift(timedelta(days=30) - timedelta(seconds=1))
    assert shop.open_appeal(in_time).status_code == 201
    clock.shift(timedelta(seconds=1))
    response = shop.open_appeal(late)
    assert (response.status_code, response.json["error"]["code"]) == (409, "APPEAL_WINDOW_CLOSED")


def test_every_answer_says_until_when_the_seller_may_appeal(shop, clock):
    order_id, cancel_id = shop.seller_fault()
    cancellation = shop.cancellation(cancel_id, expect=200).json
    closes = datetime.fromisoformat(cancellation["resolved_at"]) + timedelta(days=30)
    assert cancellation["appeal_by"] == closes.isoformat().replace("+00:00", "Z")
    [listed] = [c for c in shop.detail(order_id, expect=200).json["cancellations"] if c["cancel_id"] == cancel_id]
    assert listed["appeal_by"] == cancellation["appeal_by"]
    # Once appealed, or never appealable, there is no window to show.
    shop.open_appeal(cancel_id, expect=201)
    assert shop.cancellation(cancel_id, expect=200).json["appeal_by"] is None
    paid = shop.paid()
    no_fault = shop.seller_cancel(paid, "ADDRESS_NOT_DELIVERABLE", expect=201).json
    assert no_fault["appeal_by"] is None
    _, pending = shop.pending()
    assert shop.cancellation(pending, expect=200).json["appeal_by"] is None


def test_another_shops_cancellation_is_404_and_buyers_cannot_appeal(shop):
    _, cancel_id = shop.seller_fault()
    other = shop.open_appeal(cancel_id, token=shop.seller_token("S2"))
    assert (other.status_code, other.json["error"]["code"]) == (404, "CANCELLATION_NOT_FOUND")
    buyer = shop.open_appeal(cancel_id, token=shop.buyer_token())
    assert (buyer.status_code, buyer.json["error"]["code"]) == (403, "ROLE_NOT_ALLOWED")
    assert shop.cancellation(cancel_id, expect=200).json["appeal"] is None


@pytest.mark.parametrize("body, code", [
    ({"statement": ""}, "INVALID_FIELD"),
    ({"statement": "x" * (MAX_APPEAL_TEXT_LENGTH + 1)}, "INVALID_FIELD"),
    ({}, "MISSING_FIELD"),
    ({"statement": "ok", "evidence_ids": [f"evd_{n}" for n in range(7)]}, "INVALID_FIELD"),
    ({"statement": "ok", "status": "OVERTURNED"}, "UNKNOWN_FIELD"),
])
def test_a_bad_appeal_is_400_and_changes_nothing(shop, body, code):
    _, cancel_id = shop.seller_fault()
    response = shop.api.post(f"/seller/cancellations/{cancel_id}/appeal", shop.seller_token(), body=body)
    assert (response.status_code, response.json["error"]["code"]) == (400, code), response.json
    assert shop.cancellation(cancel_id, expect=200).json["appeal"] is None


def test_a_bad_file_opens_nothing(shop):
    _, cancel_id = shop.seller_fault()
    others = shop.photo(seller_id="S2")
    response = shop.open_appeal(cancel_id, evidence_ids=[others])
    assert (response.status_code, response.json["error"]["code"]) == (400, "INVALID_EVIDENCE")
    assert response.json["error"]["details"] == {"evidence_id": others, "problem": "NOT_UPLOADED"}
    assert shop.cancellation(cancel_id, expect=200).json["appeal"] is None
    assert shop.sfcr(expect=200).json["appeals_open"] == 0


def test_an_idempotency_key_replays_the_opening(shop):
    _, cancel_id = shop.seller_fault()
    first = shop.open_appeal(cancel_id, headers={"Idempotency-Key": "appeal-1"}, expect=201)
    again = shop.open_appeal(cancel_id, headers={"Idempotency-Key": "appeal-1"}, expect=201)
    assert again.json == first.json and again.headers.get("Idempotent-Replayed") == "true"
    assert len(shop.appeals(expect=200).json["items"]) == 1


# --- deciding -------------------------------------------------------------------------------------------------


def test_an_overturn_lifts_the_fault_and_the_sfcr_in_one_change(shop, clock):
    order_id, cancel_id, appeal_id = shop.appealed()
    before = shop.sfcr(expect=200).json
    assert (before["orders"], before["seller_fault_cancellations"], before["appeals_open"]) == (1, 1, 1)
    clock.shift(timedelta(hours=5))
    decided = shop.decide_appeal(appeal_id, "OVERTURN", "The chat shows the buyer asked", expect=200).json
    assert (decided["status"], decided["decided_by"], decided["decided_at"], decided["decision_note"]) == (
        "OVERTURNED", "OP1", "2026-11-23T14:00:00Z", "The chat shows the buyer asked")
    cancellation = shop.cancellation(cancel_id, expect=200).json
    assert (cancellation["fault"], cancellation["counts_toward_sfcr"]) == ("NONE", False)
    assert cancellation["appeal"] == {"appeal_id": appeal_id, "status": "OVERTURNED"}
    after = shop.sfcr(expect=200).json
    assert (after["orders"], after["seller_fault_cancellations"], after["rate"], after["appeals_open"]) == (
        1, 0, 0.0, 0)
    [entry] = [e for e in shop.detail(order_id, expect=200).json["history"] if e["action"] == "APPEAL_DECIDED"]
    assert (entry["actor"], entry["actor_id"], entry["note"]) == ("OPERATOR", "OP1", f"OVERTURNED {appeal_id}")
    assert shop.appeal(appeal_id, expect=200).json == decided


def test_an_uphold_keeps_the_fault_and_a_decision_is_final(shop):
    _, cancel_id, appeal_id = shop.appealed()
    assert shop.decide_appeal(appeal_id, "UPHOLD", "No proof", expect=200).json["status"] == "UPHELD"
    cancellation = shop.cancellation(cancel_id, expect=200).json
    assert (cancellation["fault"], cancellation["counts_toward_sfcr"]) == ("SELLER", True)
    assert (shop.sfcr(expect=200).json["seller_fault_cancellations"], shop.sfcr().json["appeals_open"]) == (1, 0)
    for decision in ("UPHOLD", "OVERTURN"):
        again = shop.decide_appeal(appeal_id, decision, token=shop.operator_token("OP2"))
        assert (again.status_code, again.json["error"]["code"]) == (409, "APPEAL_DECIDED")
        assert again.json["error"]["details"] == {"current": {"status": "UPHELD", "decided_by": "OP1"}}
    assert shop.cancellation(cancel_id, expect=200).json["fault"] == "SELLER"


def test_an_order_counts_while_another_of_its_seller_fault_cancellations_still_counts(shop):
    order_id = shop.paid(items=MULTI_ITEMS)
    first = shop.seller_cancel(order_id, line_items=[{"sku": "SKU-1", "quantity": 1}], expect=201).json["cancel_id"]
    second = shop.seller_cancel(order_id, line_items=[{"sku": "SKU-2", "quantity": 1}], expect=201).json["cancel_id"]
    assert shop.sfcr(expect=200).json["seller_fault_cancellations"] == 1  # the order counts once (M4)
    one = shop.open_appeal(first, expect=201).json["appeal_id"]
    shop.decide_appeal(one, "OVERTURN", expect=200)
    assert shop.sfcr(expect=200).json["seller_fault_cancellations"] == 1  # the second still counts
    two = shop.open_appeal(second, expect=201).json["appeal_id"]
    shop.decide_appeal(two, "OVERTURN", expect=200)
    assert shop.sfcr(expect=200).json["seller_fault_cancellations"] == 0


def test_only_operators_decide_and_an_unknown_appeal_is_404(shop):
    _, _, appeal_id = shop.appealed()
    for token in (shop.seller_token(), shop.buyer_token(), shop.platform):
        response = shop.decide_appeal(appeal_id, token=token)
        assert (response.status_code, response.json["error"]["code"]) == (403, "ROLE_NOT_ALLOWED")
    missing = shop.decide_appeal("apl_missing")
    assert (missing.status_code, missing.json["error"]["code"]) == (404, "APPEAL_NOT_FOUND")
    assert shop.appeal(appeal_id, expect=200).json["status"] == "OPEN"


@pytest.mark.parametrize("body, code", [
    ({"decision": "MAYBE", "note": "x"}, "UNKNOWN_ENUM_VALUE"),
    ({"decision": "UPHOLD", "note": ""}, "INVALID_FIELD"),
    ({"decision": "UPHOLD", "note": "x" * (MAX_APPEAL_TEXT_LENGTH + 1)}, "INVALID_FIELD"),
    ({"decision": "UPHOLD"}, "MISSING_FIELD"),
])
def test_a_bad_decision_is_400_and_changes_nothing(shop, body, code):
    _, _, appeal_id = shop.appealed()
    response = shop.api.post(f"/operator/appeals/{appeal_id}/decide", shop.operator_token(), body=body)
    assert (response.status_code, response.json["error"]["code"]) == (400, code), response.json
    assert shop.appeal(appeal_id, expect=200).json["status"] == "OPEN"


def test_events_carry_each_step_without_links(shop, clock):
    _, cancel_id = shop.seller_fault()
    evidence_id = shop.photo()
    appeal_id = shop.open_appeal(cancel_id, evidence_ids=[evidence_id], expect=201).json["appeal_id"]
    shop.decide_appeal(appeal_id, "OVERTURN", expect=200)
    opened, decided = whole_feed(shop.api, shop.seller_token(), clock,
                                 "types=cancellation.appeal_opened,cancellation.appeal_decided")
    assert (opened["type"], decided["type"]) == ("cancellation.appeal_opened", "cancellation.appeal_decided")
    assert opened["data"]["appeal"]["evidence"] == [
        {"evidence_id": evidence_id, "content_type": "image/jpeg", "size": len(JPEG)}]
    assert opened["data"]["cancellation"]["appeal"] == {"appeal_id": appeal_id, "status": "OPEN"}
    assert opened["data"]["cancellation"]["appeal_by"] is None
    assert decided["data"]["appeal"]["status"] == "OVERTURNED"
    assert (decided["data"]["cancellation"]["fault"], decided["data"]["cancellation"]["counts_toward_sfcr"]) == (
        "NONE", False)


# --- reading ---------------------------------------------------------------------------------------------------


def test_the_seller_lists_its_appeals_newest_first_by_status_a_page_at_a_time(shop, clock):
    ids = []
    for _ in range(3):
        ids.append(shop.appealed()[2])
        clock.shift(timedelta(minutes=1))
    shop.decide_appeal(ids[1], "UPHOLD", expect=200)
    shop.appealed(seller_id="S2")
    first = shop.appeals("limit=2", expect=200).json
    assert [a["appeal_id"] for a in first["items"]] == [ids[2], ids[1]]
    rest = shop.appeals(f"limit=2&cursor={first['next_cursor']}", expect=200).json
    assert ([a["appeal_id"] for a in rest["items"]], rest["next_cursor"]) == ([ids[0]], None)
    assert [a["appeal_id"] for a in shop.appeals("status=OPEN", expect=200).json["items"]] == [ids[2], ids[0]]
    assert [a["appeal_id"] for a in shop.appeals("status=UPHELD", expect=200).json["items"]] == [ids[1]]
    assert shop.appeals("status=LOST").json["error"]["code"] == "UNKNOWN_ENUM_VALUE"
    foreign = shop.appeals(f"cursor={first['next_cursor']}", token=shop.seller_token("S2"))
    assert foreign.json["error"]["code"] == "INVALID_CURSOR"


def test_another_shops_appeal_is_404_like_a_missing_one(shop):
    _, _, appeal_id = shop.appealed()
    other = shop.appeal(appeal_id, token=shop.seller_token("S2"))
    missing = shop.appeal("apl_missing", token=shop.seller_token("S2"))
    assert (other.status_code, other.json["error"]["code"]) == (404, "APPEAL_NOT_FOUND")
    assert other.json["error"]["message"].replace(appeal_id, "X") == missing.json["error"]["message"].replace(
        "apl_missing", "X")


def test_the_operators_queue_has_every_sellers_open_appeals_soonest_first(shop, clock):
    first = shop.appealed()[2]
    clock.shift(timedelta(hours=1))
    second = shop.appealed(seller_id="S2", buyer_id="B2")[2]
    clock.shift(timedelta(hours=1))
    third = shop.appealed()[2]
    decided = shop.appealed()[2]
    shop.decide_appeal(decided, "UPHOLD", expect=200)
    clock.shift(timedelta(days=3) - timedelta(hours=1, seconds=1))  # the first is overdue, the second not yet
    page = shop.appeal_queue("limit=2", expect=200).json
    assert [(a["appeal_id"], a["overdue"]) for a in page["items"]] == [(first, True), (second, False)]
    rest = shop.appeal_queue(f"limit=2&cursor={page['next_cursor']}", expect=200).json
    assert ([a["appeal_id"] for a in rest["items"]], rest["next_cursor"]) == ([third], None)
    assert [a["appeal_id"] for a in shop.appeal_queue("status=OPEN", expect=200).json["items"]] == [
        first, second, third]
    assert shop.appeal_queue("status=UPHELD").json["error"]["code"] == "UNKNOWN_ENUM_VALUE"
    assert shop.appeal_queue(token=shop.seller_token()).json["error"]["code"] == "ROLE_NOT_ALLOWED"
    # Operators see the files too: a link each.
    assert shop.appeal_queue(expect=200).json["items"][0]["evidence"] == []


def test_the_queue_pages_through_many_appeals_in_decide_by_order_with_nothing_skipped(shop, clock):
    opened = []
    for n in range(9):
        opened.append(shop.appealed(seller_id=f"S{n % 3 + 1}", buyer_id="B1")[2])
        clock.shift(timedelta(minutes=1))
    seen, cursor = [], None
    while True:
        page = shop.appeal_queue("limit=4" + (f"&cursor={cursor}" if cursor else ""), expect=200).json
        seen += [a["appeal_id"] for a in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == opened
