"""Bulk approve and reject: a result per id in the order given, each as the single route would answer it, each
committed on its own; batched reads; one Idempotency-Key for the call."""

import pytest

from devtools.dynamo_calls import DynamoCalls


@pytest.fixture
def calls(api):
    with DynamoCalls() as recorder:
        yield recorder


def _mixed(shop):
    """Own pending, another seller's pending, already answered, unknown: the four kinds of id."""
    _, mine = shop.pending()
    _, theirs = shop.pending(seller_id="S2", buyer_id="B2")
    _, answered = shop.pending()
    shop.approve(answered, expect=200)
    return mine, theirs, answered, "cxl_unknown"


def test_mixed_ids_get_what_each_would_get_alone_in_order(shop):
    mine, theirs, answered, unknown = _mixed(shop)
    response = shop.bulk_approve([unknown, mine, theirs, answered], expect=200)
    results = response.json["results"]
    assert [(r["cancel_id"], r["status"]) for r in results] == [(unknown, 404), (mine, 200), (theirs, 404),
                                                                 (answered, 409)]
    assert results[1]["cancellation"]["status"] == "APPROVED" and "error" not in results[1]
    assert results[0]["error"]["code"] == results[2]["error"]["code"] == "CANCELLATION_NOT_FOUND"
    assert "details" not in results[0]["error"]  # left out, as the single route leaves it out
    assert results[0]["error"] == shop.approve(unknown, expect=404).json["error"]
    assert results[3]["error"] == {"code": "CANCELLATION_NOT_PENDING",
                                   "message": "Only a pending request can be approved.",
                                   "details": {"current": {"status": "APPROVED"}}}
    # Another shop's id answers exactly like an unknown one, apart from the id itself.
    assert results[2]["error"]["message"].replace(theirs, "X") == results[0]["error"]["message"].replace(unknown, "X")
    assert shop.cancellation(theirs, token=shop.seller_token("S2")).json["status"] == "REQUESTED"
    assert shop.counts().json["cancellation"]["cancellation_requested"] == 0


def test_each_item_answers_as_the_single_route_would(shop):
    ids = [shop.pending()[1] for _ in range(3)]
    shop.approve(ids[1], expect=200)
    single = shop.reject(ids[1], "INVALID_REASON").json
    results = shop.bulk_reject(ids, "INVALID_REASON", comment="spoke to them", expect=200).json["results"]
    assert [r["status"] for r in results] == [200, 409, 200]
    assert results[1]["error"] == single["error"]
    for r in (results[0], results[2]):
        assert r["cancellation"] == shop.cancellation(r["cancel_id"]).json
        assert (r["cancellation"]["reject_reason"], r["cancellation"]["reject_comment"]) == (
            "INVALID_REASON", "spoke to them")


def test_ten_requests_get_ten_results(shop):
    ids = [shop.pending()[1] for _ in range(10)]
    results = shop.bulk_approve(ids, expect=200).json["results"]
    assert [r["cancel_id"] for r in results] == ids
    assert {r["status"] for r in results} == {200}
    assert shop.counts().json["cancellation"] == {
        "total": 0, "cancellation_requested": 0, "auto_approved": 0, "due_soon": 0, "awaiting_buyer": 0}


def test_a_request_with_an_open_offer_is_409_offer_open_and_nothing_of_it_changes(shop):
    """OF3: the seller answers neither singly nor in bulk while the buyer decides; the rest of the call goes on."""
    offered_order, offered = shop.offered()
    _, pending = shop.pending()
    before = shop.detail(offered_order).json
    for send, single in ((shop.bulk_approve, shop.approve), (shop.bulk_reject, shop.reject)):
        results = send([offered], expect=200).json["results"]
        assert [(r["cancel_id"], r["status"]) for r in results] == [(offered, 409)]
        assert results[0]["error"]["code"] == "OFFER_OPEN"
        assert results[0]["error"] == single(offered, expect=409).json["error"]
    results = shop.bulk_approve([offered, pending], expect=200).json["results"]
    assert [(r["status"], r.get("error", {}).get("code")) for r in results] == [(409, "OFFER_OPEN"), (200, None)]
    assert shop.detail(offered_order).json == before
    assert shop.cancellation(offered).json["offer"]["status"] == "OPEN"
    assert shop.counts().json["cancellation"] == {
        "total": 0, "cancellation_requested": 0, "auto_approved": 0, "due_soon": 0, "awaiting_buyer": 1}


@pytest.mark.parametrize("cancel_ids", [[], [f"c{n}" for n in range(51)], ["c1", "c2", "c1"]],
                         ids=["none", "51", "repeated"])
def test_ids_must_be_1_to_50_and_distinct(shop, cancel_ids):
    response = shop.bulk_approve(cancel_ids)
    assert response.status_code == 400
    assert response.json["error"]["code"] == "INVALID_FIELD"
    assert response.json["error"]["details"]["path"] == "$.cancel_ids"


def test_fifty_ids_are_taken(shop):
    _, pending = shop.pending()
    ids = [pending] + [f"cxl_missing{n}" for n in range(49)]
    results = shop.bulk_approve(ids, expect=200).json["results"]
    assert [r["status"] for r in results] == [200] + [404] * 49


def test_a_reason_only_the_system_gives_refuses_the_whole_call(shop):
    _, pending = shop.pending()
    response = shop.bulk_reject([pending], "ORDER_SHIPPED")
    assert response.status_code == 400
    assert response.json["error"]["code"] == "REASON_NOT_ALLOWED"
    assert shop.cancellation(pending).json["status"] == "REQUESTED"


def test_reads_are_batched_and_each_change_is_one_transaction(shop, calls):
    mine, theirs, answered, unknown = _mixed(shop)
    _, second = shop.pending()
    calls.clear()
    shop.bulk_approve([mine, theirs, answered, unknown, second], expect=200)
    assert calls.counts() == {"BatchGetItem": 2, "TransactWriteItems": 2}
    cancellations, orders = calls.of("BatchGetItem")
    assert len(cancellations.params["RequestItems"]["cancel-desk-cancellations"]["Keys"]) == 5
    # Only the orders of the caller's own requests are read: another shop's order never is.
    assert len(orders.params["RequestItems"]["cancel-desk-orders"]["Keys"]) == 3
    assert all(batch["ConsistentRead"] for call in calls.of("BatchGetItem")
               for batch in call.params["RequestItems"].values())


def test_items_in_flight_move_the_counters_on_shards_of_their_own(shop, calls):
    ids = [shop.pending()[1] for _ in range(8)]
    calls.clear()
    shop.bulk_approve(ids, expect=200)
    shards = [body["Key"]["shard_key"]["S"] for call in calls.of("TransactWriteItems")
              for kind, body in call.transact_items() if kind == "Update"]
    assert len(shards) == len(set(shards)) == 8


def test_nothing_changes_when_nothing_is_pending(shop, calls):
    _, answered = shop.pending()
    shop.approve(answered, expect=200)
    calls.clear()
    results = shop.bulk_approve([answered, "cxl_unknown"], expect=200).json["results"]
    assert [r["status"] for r in results] == [409, 404]
    assert calls.counts() == {"BatchGetItem": 2}


def test_only_unknown_ids_read_no_order(shop, calls):
    _, theirs = shop.pending(seller_id="S2", buyer_id="B2")
    calls.clear()
    shop.bulk_approve(["cxl_unknown", theirs], expect=200)
    assert calls.counts() == {"BatchGetItem": 1}


# --- Idempotency-Key ----------------------------------------------------------------------------------


def test_one_key_covers_the_call_and_a_replay_acts_on_nothing(shop, calls):
    mine, theirs, answered, unknown = _mixed(shop)
    headers = {"Idempotency-Key": "bulk-1"}
    calls.clear()
    first = shop.bulk_approve([mine, theirs, answered, unknown], headers=headers, expect=200)
    # The kept answer is looked up first, each item's answer rides in its transaction, the refused items are
    # looked up together (one of them may have been committed by an earlier call that died), the whole is kept.
    assert calls.counts() == {"GetItem": 1, "BatchGetItem": 3, "TransactWriteItems": 1, "PutItem": 1}
    calls.clear()
    replay = shop.bulk_approve([mine, theirs, answered, unknown], headers=headers, expect=200)
    assert replay.json == first.json
    assert replay.headers.get("Idempotent-Replayed") == "true"
    assert calls.counts() == {"GetItem": 1}


def test_a_key_reused_with_other_ids_is_422_and_acts_on_nothing(shop):
    _, first = shop.pending()
    _, second = shop.pending()
    headers = {"Idempotency-Key": "bulk-2"}
    shop.bulk_approve([first], headers=headers, expect=200)
    response = shop.bulk_approve([second], headers=headers)
    assert response.status_code == 422
    assert response.json["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert shop.cancellation(second).json["status"] == "REQUESTED"


def test_a_retry_after_a_crash_halfway_acts_on_no_item_twice(shop, monkeypatch):
    """The call died after its items committed but before the whole answer was kept: the retry replays each
    item's sealed answer (200 with the cancellation), not the 409 deciding again would give."""
    from chalicelib.service import bulk
    from chalicelib.store import idempotency as stored

    ids = [shop.pending()[1] for _ in range(3)]
    headers = {"Idempotency-Key": "bulk-3"}

    def crash(*args, **kwargs):
        raise RuntimeError("the Lambda died here")

    with monkeypatch.context() as patch:
        patch.setattr(bulk.stored, "put", crash)
        response = shop.bulk_approve(ids, headers=headers)
    assert response.status_code == 500
    assert stored.put is not crash
    retry = shop.bulk_approve(ids, headers=headers, expect=200).json["results"]
    assert [r["status"] for r in retry] == [200, 200, 200]
    assert [r["cancellation"]["status"] for r in retry] == ["APPROVED"] * 3
    history = shop.detail(retry[0]["cancellation"]["order_id"]).json["history"]
    assert [h["action"] for h in history].count("CANCELLATION_APPROVED") == 1


def test_a_key_reused_found_only_in_the_items_answers_is_422_and_not_kept(shop, monkeypatch):
    """A call died before keeping its whole answer; the same key with the ids in another order finds only the
    items' sealed answers, under the first body: 422, and nothing kept, so the first body's retry still gets
    each item's own answer."""
    from chalicelib.service import bulk

    ids = [shop.pending()[1] for _ in range(2)]
    headers = {"Idempotency-Key": "bulk-4"}

    def crash(*args, **kwargs):
        raise RuntimeError("the Lambda died here")

    with monkeypatch.context() as patch:
        patch.setattr(bulk.stored, "put", crash)
        assert shop.bulk_approve(ids, headers=headers).status_code == 500
    reordered = shop.bulk_approve(ids[::-1], headers=headers)
    assert (reordered.status_code, reordered.json["error"]["code"]) == (422, "IDEMPOTENCY_KEY_REUSED")
    retry = shop.bulk_approve(ids, headers=headers, expect=200).json["results"]
    assert [(r["cancel_id"], r["status"]) for r in retry] == [(ids[0], 200), (ids[1], 200)]


def test_a_twin_call_keeping_its_answer_first_is_answered_without_acting_again(shop, calls, monkeypatch):
    """Two calls with one key: the twin keeps its whole answer between this call's items and its keeping put.
    The put finds the key taken, and this call answers what the twin kept; it never acts again."""
    import msgspec

    from chalicelib.service import bulk

    _, cancel_id = shop.pending()
    twin_body = '{"results":[]}'  # distinct from anything this call answers, so the replay is visible
    real_put = bulk.stored.put

    def twin_first(record, now):
        real_put(msgspec.structs.replace(record, response=twin_body), now)
        real_put(record, now)

    calls.clear()
    with monkeypatch.context() as patch:
        patch.setattr(bulk.stored, "put", twin_first)
        response = shop.bulk_approve([cancel_id], headers={"Idempotency-Key": "bulk-5"}, expect=200)
    assert response.json == {"results": []} and response.headers.get("Idempotent-Replayed") == "true"
    assert calls.counts()["TransactWriteItems"] == 1
    assert shop.cancellation(cancel_id).json["status"] == "APPROVED"
