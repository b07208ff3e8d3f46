"""The cost budget of architecture.md, asserted exactly: DynamoDB calls per operation, by operation name.

| operation | budget |
| action-needed counts | 2 Query (the counter shards; the due-soon count) |
| the event feed | 1 Query per events shard per page |
| one list page | 1 Query (+ at most 1 BatchGetItem) |
| order detail | <= 3 reads |
| any state change | <= 2 reads + exactly 1 TransactWriteItems |
| a reject with files | + 1 BatchGetItem (the files' records); per file 1 HeadObject, 1 GetObject, 1 PutObjectTagging |
| declaring a file | 1 PutItem, no S3 call |
| the support desk | an operator's order read and cancels cost the seller's read and the party's own change |
| the Seller Center page | no call: the evidence bucket's origin, for its Content-Security-Policy, is signed here |
| SFCR | 1 BatchGetItem or 1 Query; + 1 Query for appeals_open |
| open an appeal | a state change's; with files as a reject's |
| decide an appeal | 3 GetItem (the appeal, its cancellation, its order) + 1 TransactWriteItems |
| the seller's appeals, one appeal | 1 Query; 1 GetItem |
| the operators' queue | 1 Query per queue shard per page |
| expiry job | reads grow with due requests only (Query on the sparse index), 1 TransactWriteItems per due
|            | request, 0 calls for anything not due |

Each test asserts the exact calls the route makes (so a new read shows up here) and that they fit the budget.
"""

from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest

from bench.seed import seed_pending
from chalicelib.domain.clock import utc_now
from chalicelib.jobs import expiry
from chalicelib.store.models import DUE_SHARDS, EVENT_SHARDS
from devtools.dynamo_calls import READS, DynamoCalls
from tests.support.iam_recorder import aws_operations
from tests.support.shop import MULTI_ITEMS, Shop

STATE_CHANGE_READS = 2


@pytest.fixture
def calls(api) -> Iterator[DynamoCalls]:
    with DynamoCalls() as recorder:
        yield recorder


def measured(calls: DynamoCalls, action: Callable[[], object]) -> tuple[object, Counter[str]]:
    calls.clear()
    result = action()
    return result, calls.counts()


def assert_state_change_budget(counts: Counter[str]) -> None:
    reads = sum(n for op, n in counts.items() if op in READS)
    assert reads <= STATE_CHANGE_READS, counts
    assert counts["TransactWriteItems"] == 1, counts
    assert set(counts) <= READS | {"TransactWriteItems"}, counts


# --- reads ----------------------------------------------------------------------------------------------


def test_action_needed_is_one_query_over_the_counter_shards_and_one_counting_due_soon(shop, calls, clock):
    shop.pending("O1")
    clock.shift(timedelta(hours=30))  # inside the 24 h before the deadline
    shop.pending("O2")
    response, counts = measured(calls, shop.counts)
    assert response.json["cancellation"]["cancellation_requested"] == 2
    assert response.json["cancellation"]["due_soon"] == 1
    assert counts == {"Query": 2}
    (due_soon,) = [call for call in calls.of("Query") if call.params.get("Select") == "COUNT"]
    assert due_soon.params["IndexName"] == "by_seller_status"


def test_one_feed_page_is_one_query_per_event_shard(shop, calls, clock):
    for n in range(5):
        shop.paid(f"F{n}")  # recorded paid: one event each
    clock.shift(timedelta(minutes=10))
    token = shop.seller_token()
    cursor = None
    for expected in (2, 2, 1, 0):  # 2 a page, then nothing new
        if expected == 0:  # polled again at the same instant, the horizon has not moved: no call at all
            again = f"/seller/events?cursor={cursor}"
            assert measured(calls, lambda again=again: shop.api.get(again, token))[1] == {}
            clock.shift(timedelta(minutes=1))
        query = "/seller/events?limit=2" + (f"&cursor={cursor}" if cursor else "")
        response, counts = measured(calls, lambda query=query: shop.api.get(query, token))
        assert response.status_code == 200, response.json
        assert len(response.json["items"]) == expected
        assert counts == {"Query": EVENT_SHARDS}
        cursor = response.json["next_cursor"]


LIST_PAGES = [
    "/seller/orders", "/seller/orders?filter=cancellation",
    *(f"/seller/orders?tab={tab}" for tab in ("all", "unpaid", "to_ship", "shipped", "completed", "cancelled")),
    "/seller/cancellations",
    *(f"/seller/cancellations?status={status}" for status in (
        "REQUESTED", "AUTO_APPROVED", "APPROVED", "REJECTED", "WITHDRAWN", "SELLER_CANCELLED")),
]


def test_one_list_page_is_one_query(shop, calls):
    shop.pending("O1")
    shop.auto_approved("O9")
    found = {}
    for path in LIST_PAGES:
        response, counts = measured(calls, lambda path=path: shop.api.get(path, shop.seller_token()))
        assert response.status_code == 200, (path, response.json)
        found[path] = dict(counts)
    assert found == {path: {"Query": 1} for path in LIST_PAGES}


def test_the_next_page_is_one_query_too(shop, calls):
    for n in range(3):
        shop.order(f"O{n}")
    first = shop.orders("limit=2").json
    response, counts = measured(calls, lambda: shop.orders(f"limit=2&cursor={first['next_cursor']}"))
    assert len(response.json["items"]) == 1
    assert counts == {"Query": 1}


def test_order_detail_is_three_reads(shop, calls):
    shop.pending("O1")
    response, counts = measured(calls, lambda: shop.detail("O1"))
    assert len(response.json["history"]) == 2
    assert counts == {"GetItem": 1, "Query": 2}  # the order, its cancellations, its history
    assert sum(counts.values()) <= 3


def test_the_operators_order_detail_is_three_reads_like_the_sellers(shop, calls):
    shop.pending("O1")
    response, counts = measured(calls, lambda: shop.operator_order("O1"))
    assert len(response.json["history"]) == 2
    assert counts == {"GetItem": 1, "Query": 2}  # the order, its cancellations, its history


def test_an_operator_cancel_refused_for_its_reason_makes_no_call(shop, calls):
    shop.order("O1")
    response, counts = measured(calls, lambda: shop.operator_cancel("O1", "seller", "CHANGED_MIND"))
    assert response.status_code == 400
    assert counts == {}  # the reason is the wrong party's: refused before the order is read


def test_the_buyers_order_is_two_reads_and_one_cancellation_is_one_get_item(shop, calls):
    _, cancel_id = shop.pending("O1")
    _, counts = measured(calls, lambda: shop.buyer_order("O1"))
    assert counts == {"GetItem": 1, "Query": 1}
    _, counts = measured(calls, lambda: shop.cancellation(cancel_id))
    assert counts == {"GetItem": 1}


def test_sfcr_is_one_query_and_one_for_the_open_appeals(shop, calls):
    shop.order("O1")
    response, counts = measured(calls, shop.sfcr)
    assert (response.json["orders"], response.json["appeals_open"]) == (1, 0)
    # The cohort's days, then the action-needed shards where appeals_open is kept (docs/appeals.md).
    assert counts == {"Query": 2}


def test_open_routes_make_no_calls(shop, calls):
    for path in ("/health", "/cancellation-reasons", "/openapi.json"):
        response, counts = measured(calls, lambda path=path: shop.api.get(path))
        assert (path, response.status_code, counts) == (path, 200, {})


# --- state changes ------------------------------------------------------------------------------------


# Each setup prepares its own order `oid` and returns the request to measure.
Setup = Callable[[Shop, str], Callable[[], object]]


def _record(shop: Shop, oid: str) -> Callable[[], object]:
    return lambda: shop.record_order(shop.order_body(oid))


def _payment(shop: Shop, oid: str) -> Callable[[], object]:
    shop.order(oid, status="UNPAID")
    return lambda: shop.pay(oid)


def _delivery(shop: Shop, oid: str) -> Callable[[], object]:
    shop.order(oid)
    shop.ship(oid, "T-1")
    return lambda: shop.deliver(oid)


def _request_waiting(shop: Shop, oid: str) -> Callable[[], object]:
    shop.paid(oid)
    return lambda: shop.request_cancellation(oid)


def _request_auto_approved(shop: Shop, oid: str) -> Callable[[], object]:
    shop.order(oid, status="UNPAID")
    return lambda: shop.request_cancellation(oid)


def _withdraw(shop: Shop, oid: str) -> Callable[[], object]:
    _, cancel_id = shop.pending(oid)
    return lambda: shop.withdraw(cancel_id)


def _approve(shop: Shop, oid: str) -> Callable[[], object]:
    _, cancel_id = shop.pending(oid)
    return lambda: shop.approve(cancel_id)


def _reject(shop: Shop, oid: str) -> Callable[[], object]:
    _, cancel_id = shop.pending(oid)
    return lambda: shop.reject(cancel_id, "DELIVERY_ON_SCHEDULE")


def _acknowledge(shop: Shop, oid: str) -> Callable[[], object]:
    _, cancel_id = shop.auto_approved(oid)
    return lambda: shop.acknowledge(cancel_id)


def _seller_cancel(shop: Shop, oid: str) -> Callable[[], object]:
    shop.order(oid)
    return lambda: shop.seller_cancel(oid, "OUT_OF_STOCK")


def _arrange(shop: Shop, oid: str) -> Callable[[], object]:
    shop.order(oid)
    return lambda: shop.arrange(oid)


def _ship(shop: Shop, oid: str) -> Callable[[], object]:
    shop.order(oid)
    return lambda: shop.ship(oid, "T-1")


def _ship_with_pending_request(shop: Shop, oid: str) -> Callable[[], object]:
    shop.pending(oid)
    return lambda: shop.ship(oid, "T-1")


def _partial_seller_cancel(shop: Shop, oid: str) -> Callable[[], object]:
    shop.order(oid, items=MULTI_ITEMS)
    return lambda: shop.seller_cancel(oid, "OUT_OF_STOCK", line_items=[{"sku": "SKU-2", "quantity": 1}])


def _partial_request_approved(shop: Shop, oid: str) -> Callable[[], object]:
    shop.paid(oid, items=MULTI_ITEMS)
    cancel_id = shop.request_cancellation(oid, line_items=[{"sku": "SKU-1", "quantity": 1}], expect=201).json
    return lambda: shop.approve(cancel_id["cancel_id"])


def _refund(shop: Shop, oid: str) -> Callable[[], object]:
    _, cancel_id = shop.refund_pending(oid)
    return lambda: shop.report_refund(cancel_id, "PAY-1")


def _offer(shop: Shop, oid: str) -> Callable[[], object]:
    _, cancel_id = shop.pending(oid)
    return lambda: shop.make_offer(cancel_id, "PARTIAL_REFUND", amount=1000)


def _accept_offer(shop: Shop, oid: str) -> Callable[[], object]:
    _, cancel_id = shop.offered(oid, kind="PARTIAL_REFUND")
    return lambda: shop.accept_offer(cancel_id)


def _decline_offer(shop: Shop, oid: str) -> Callable[[], object]:
    _, cancel_id = shop.offered(oid)
    return lambda: shop.decline_offer(cancel_id)


def _withdraw_with_an_open_offer(shop: Shop, oid: str) -> Callable[[], object]:
    _, cancel_id = shop.offered(oid)
    return lambda: shop.withdraw(cancel_id)


def _ship_with_an_open_offer(shop: Shop, oid: str) -> Callable[[], object]:
    shop.offered(oid)
    return lambda: shop.ship(oid, "T-1")


def _operator_seller_cancel(shop: Shop, oid: str) -> Callable[[], object]:
    shop.order(oid)
    return lambda: shop.operator_cancel(oid, "seller", "OUT_OF_STOCK", note="the seller phoned")


def _operator_request_waiting(shop: Shop, oid: str) -> Callable[[], object]:
    shop.paid(oid)
    return lambda: shop.operator_cancel(oid, "buyer", "CHANGED_MIND")


def _operator_request_auto_approved(shop: Shop, oid: str) -> Callable[[], object]:
    shop.order(oid)
    return lambda: shop.operator_cancel(oid, "buyer", "CHANGED_MIND")


# Every state change route: its setup and the exact calls it makes.
STATE_CHANGES: dict[str, tuple[Setup, dict[str, int]]] = {
    "record order": (_record, {"GetItem": 1, "TransactWriteItems": 1}),
    "payment": (_payment, {"GetItem": 1, "TransactWriteItems": 1}),
    "delivery": (_delivery, {"GetItem": 1, "TransactWriteItems": 1}),
    # The seller's auto-approve rules are read only for a request that would wait for the seller.
    "buyer request (waits for the seller)": (_request_waiting, {"GetItem": 2, "TransactWriteItems": 1}),
    "buyer request (auto-approved)": (_request_auto_approved, {"GetItem": 1, "TransactWriteItems": 1}),
    "withdraw": (_withdraw, {"GetItem": 2, "TransactWriteItems": 1}),
    "approve": (_approve, {"GetItem": 2, "TransactWriteItems": 1}),
    "reject": (_reject, {"GetItem": 2, "TransactWriteItems": 1}),
    "acknowledge": (_acknowledge, {"GetItem": 2, "TransactWriteItems": 1}),
    "seller cancel": (_seller_cancel, {"GetItem": 1, "TransactWriteItems": 1}),
    "arrange shipment": (_arrange, {"GetItem": 1, "TransactWriteItems": 1}),
    "ship": (_ship, {"GetItem": 1, "TransactWriteItems": 1}),
    "ship with a pending request": (_ship_with_pending_request, {"GetItem": 2, "TransactWriteItems": 1}),
    "partial seller cancel": (_partial_seller_cancel, {"GetItem": 1, "TransactWriteItems": 1}),
    "approve a partial request": (_partial_request_approved, {"GetItem": 2, "TransactWriteItems": 1}),
    "refund report": (_refund, {"GetItem": 2, "TransactWriteItems": 1}),
    # Offers (docs/offers.md): the request and its order, then the one transaction, as any answer.
    "make an offer": (_offer, {"GetItem": 2, "TransactWriteItems": 1}),
    "accept an offer": (_accept_offer, {"GetItem": 2, "TransactWriteItems": 1}),
    "decline an offer": (_decline_offer, {"GetItem": 2, "TransactWriteItems": 1}),
    "withdraw with an open offer": (_withdraw_with_an_open_offer, {"GetItem": 2, "TransactWriteItems": 1}),
    "ship with an open offer": (_ship_with_an_open_offer, {"GetItem": 2, "TransactWriteItems": 1}),
    # The support desk (docs/support-desk.md): exactly the party's own change, so exactly its calls.
    "operator cancel for the seller": (_operator_seller_cancel, {"GetItem": 1, "TransactWriteItems": 1}),
    "operator request for the buyer (waits for the seller)": (
        _operator_request_waiting, {"GetItem": 2, "TransactWriteItems": 1}),
    "operator request for the buyer (auto-approved)": (
        _operator_request_auto_approved, {"GetItem": 1, "TransactWriteItems": 1}),
}


def test_every_state_change_is_at_most_two_reads_and_one_transaction(shop, calls):
    found: dict[str, dict[str, int]] = {}
    for n, (name, (setup, _)) in enumerate(STATE_CHANGES.items()):
        action = setup(shop, f"SC{n}")
        response, counts = measured(calls, action)
        assert response.status_code in (200, 201), (name, response.json)
        found[name] = dict(counts)
        # The one transaction carries the whole change: the order and its history entry at least.
        tables = {body["TableName"] for _, body in calls.of("TransactWriteItems")[0].transact_items()}
        assert {"cancel-desk-orders", "cancel-desk-order-history"} <= tables, name
    assert found == {name: expected for name, (_, expected) in STATE_CHANGES.items()}
    for counts in found.values():
        assert_state_change_budget(Counter(counts))


def test_a_refused_change_writes_nothing(shop, calls):
    _, cancel_id = shop.pending("O1")
    shop.approve(cancel_id)
    response, counts = measured(calls, lambda: shop.approve(cancel_id))
    assert response.status_code == 409
    assert counts == {"GetItem": 2}


def test_reporting_a_refund_again_reads_and_writes_nothing_new(shop, calls):
    _, cancel_id = shop.refund_pending("O8")
    shop.report_refund(cancel_id, "PAY-1", expect=200)
    response, counts = measured(calls, lambda: shop.report_refund(cancel_id, "PAY-1"))
    assert response.status_code == 200
    assert counts == {"GetItem": 2}


def test_acknowledging_again_reads_and_writes_nothing_new(shop, calls):
    _, cancel_id = shop.auto_approved("O9")
    shop.acknowledge(cancel_id)
    response, counts = measured(calls, lambda: shop.acknowledge(cancel_id))
    assert response.status_code == 200
    assert counts == {"GetItem": 2}


# --- Idempotency-Key ----------------------------------------------------------------------------------


def test_idempotency_key_adds_no_call_to_the_first_request(shop, calls):
    _, first = shop.pending("O1")
    _, second = shop.pending("O2")
    _, plain = measured(calls, lambda: shop.approve(first))
    response, keyed = measured(calls, lambda: shop.approve(second, headers={"Idempotency-Key": "k-1"}))
    assert response.status_code == 200
    assert keyed == plain == {"GetItem": 2, "TransactWriteItems": 1}
    # The kept answer rides in the change's own transaction: one item more, no call more.
    plain_items = len(calls.of("TransactWriteItems")[0].transact_items())
    tables = [body["TableName"] for _, body in calls.of("TransactWriteItems")[0].transact_items()]
    assert "cancel-desk-idempotency" in tables
    assert plain_items == 6  # order, cancellation, history, event, idempotency record, counters


def test_idempotent_replay_reads_and_writes_nothing_new(shop, calls):
    _, cancel_id = shop.pending("O1")
    headers = {"Idempotency-Key": "k-1"}
    first = shop.approve(cancel_id, headers=headers)
    replay, counts = measured(calls, lambda: shop.approve(cancel_id, headers=headers))
    assert (replay.status_code, replay.json) == (first.status_code, first.json)
    # The decision is read again (it refuses: already approved), then the kept answer is looked up.
    assert counts == {"GetItem": 3}


def test_an_idempotent_replay_of_a_recorded_order_is_two_reads_and_no_write(shop, calls):
    headers = {"Idempotency-Key": "order-N1"}
    first = shop.record_order(shop.order_body("N1"), headers=headers)
    replay, counts = measured(calls, lambda: shop.record_order(shop.order_body("N1"), headers=headers))
    assert (replay.status_code, replay.json) == (201, first.json)
    assert counts == {"GetItem": 2}


def test_a_key_reused_with_another_body_is_refused_after_three_reads(shop, calls):
    _, cancel_id = shop.pending("O1")
    headers = {"Idempotency-Key": "k-1"}
    shop.reject(cancel_id, "DELIVERY_ON_SCHEDULE", headers=headers)
    response, counts = measured(calls, lambda: shop.reject(cancel_id, "INVALID_REASON", headers=headers))
    assert response.status_code == 422
    assert counts == {"GetItem": 3}


def test_idempotency_key_on_a_refused_request_keeps_the_answer_with_one_put(shop, calls):
    _, cancel_id = shop.pending("O1")
    shop.approve(cancel_id)
    response, counts = measured(calls, lambda: shop.approve(cancel_id, headers={"Idempotency-Key": "k-2"}))
    assert response.status_code == 409
    # Decision reads, a look for an earlier answer, then the refusal is kept with one conditional put.
    assert counts == {"GetItem": 3, "PutItem": 1}


# --- the expiry job -----------------------------------------------------------------------------------


def _items_read(calls: DynamoCalls) -> int:
    queried = sum(call.response["Count"] for call in calls.of("Query"))
    batched = sum(len(items) for call in calls.of("BatchGetItem") for items in call.response["Responses"].values())
    return queried + batched


def test_expiry_reads_only_due_requests(tables_and_queues, clock):
    """50 pending, 5 due: a Query per shard returning only the 5, one BatchGetItem, one transaction each."""
    now = utc_now()
    seeded = seed_pending(50, first_due=now - timedelta(hours=4), spacing=timedelta(hours=1))
    assert len(seeded.due_at(now)) == 5
    with DynamoCalls() as calls:
        report = expiry.run(now)
    assert report.auto_approved == 5
    assert calls.counts() == {"Query": DUE_SHARDS, "BatchGetItem": 1, "TransactWriteItems": 5}
    assert sum(call.response["Count"] for call in calls.of("Query")) == 5
    assert _items_read(calls) == 10  # 5 requests and their 5 orders; none of the 45 not due
    for query in calls.of("Query"):
        assert query.params["IndexName"] == "pending_by_due_time"
        assert query.params["Limit"] == expiry.PAGE_SIZE


def test_expiry_with_nothing_due_makes_only_the_shard_queries(tables_and_queues, clock):
    now = utc_now()
    seed_pending(50, first_due=now + timedelta(seconds=1), spacing=timedelta(minutes=1))
    with DynamoCalls() as calls:
        report = expiry.run(now)
    assert report.due_seen == 0
    assert calls.counts() == {"Query": DUE_SHARDS}
    assert _items_read(calls) == 0


def test_expiry_ends_lapsed_offers_through_the_same_index(shop, clock):
    """5 open offers, 3 past answer_by, and 2 plain requests not due: the shard Queries return only the 3, one
    BatchGetItem reads their orders, one transaction each; nothing is read of the 4 not due."""
    for n in range(3):
        shop.offered(f"L{n}")
        clock.shift(timedelta(minutes=1))
    clock.shift(timedelta(hours=1))
    for n in range(2):
        shop.offered(f"N{n}")
        shop.pending(f"P{n}")
    now = utc_now() + timedelta(days=1) - timedelta(minutes=30)  # the first three offers have lapsed
    with DynamoCalls() as calls:
        report = expiry.run(now)
    assert (report.due_seen, report.offers_lapsed, report.auto_approved) == (3, 3, 0)
    assert calls.counts() == {"Query": DUE_SHARDS, "BatchGetItem": 1, "TransactWriteItems": 3}
    assert _items_read(calls) == 6  # 3 requests and their 3 orders
    with DynamoCalls() as calls:
        assert expiry.run(now).due_seen == 0  # again: nothing twice
    assert calls.counts() == {"Query": DUE_SHARDS}


def test_action_needed_stays_two_queries_with_open_offers(shop, calls, clock):
    shop.offered("O1")
    shop.pending("O2")
    response, counts = measured(calls, shop.counts)
    assert response.json["cancellation"] == {"total": 1, "cancellation_requested": 1, "auto_approved": 0,
                                             "due_soon": 0, "awaiting_buyer": 1}
    assert counts == {"Query": 2}


# --- seller tools -------------------------------------------------------------------------------------


def test_a_bulk_answer_reads_in_two_batches_and_commits_each_change_once(shop, calls):
    pending = [shop.pending()[1] for _ in range(10)]
    answered = shop.pending()[1]
    shop.approve(answered, expect=200)
    ids = [*pending, answered, "cxl_missing"]
    response, counts = measured(calls, lambda: shop.bulk_approve(ids))
    assert [r["status"] for r in response.json["results"]] == [200] * 10 + [409, 404]
    assert counts == {"BatchGetItem": 2, "TransactWriteItems": 10}
    _, counts = measured(calls, lambda: shop.bulk_reject(pending))
    assert counts == {"BatchGetItem": 2}  # all answered already: nothing to write
    fresh = shop.pending()[1]
    keyed, counts = measured(calls, lambda: shop.bulk_reject([fresh], headers={"Idempotency-Key": "b"}))
    assert keyed.json["results"][0]["status"] == 200
    # The kept answer looked up, the batches, the one change with its sealed answer, the whole answer kept.
    assert counts == {"GetItem": 1, "BatchGetItem": 2, "TransactWriteItems": 1, "PutItem": 1}
    # With a refused item, one more batch looks for an answer an earlier call with the key sealed for it.
    _, counts = measured(calls, lambda: shop.bulk_reject([fresh, answered], headers={"Idempotency-Key": "c"}))
    assert counts == {"GetItem": 1, "BatchGetItem": 3, "PutItem": 1}


def test_the_cancel_preview_is_one_get_item_and_one_query(shop, calls):
    order_id = shop.order()
    response, counts = measured(calls, lambda: shop.cancel_preview(order_id))
    assert response.json["allowed"]
    assert counts == {"GetItem": 1, "Query": 1}


def test_the_rules_are_one_get_item_to_read_and_one_more_put_to_replace(shop, calls):
    response, counts = measured(calls, shop.rules)
    assert (response.json["version"], counts) == (0, {"GetItem": 1})
    body = {"rules": [{"name": "any"}], "version": 0}
    response, counts = measured(calls, lambda: shop.api.call("PUT", "/seller/auto-approve-rules",
                                                              shop.seller_token(), body=body))
    assert (response.json["version"], counts) == (1, {"GetItem": 1, "PutItem": 1})


# --- evidence files (docs/evidence.md) ------------------------------------------------------------------------


def _s3(operations: Counter[tuple[str, str]]) -> dict[str, int]:
    return {operation: n for (service, operation), n in operations.items() if service == "s3"}


def test_declaring_an_evidence_file_is_one_put_and_no_s3_call(shop, calls):
    with aws_operations() as operations:
        response, counts = measured(calls, lambda: shop.declare_evidence("image/png", 2048))
    assert response.status_code == 201
    assert counts == {"PutItem": 1}
    assert _s3(operations) == {}  # the upload is signed here, sent by the client


@pytest.mark.parametrize("files", [1, 3])
def test_a_reject_with_files_adds_one_batch_get_and_three_s3_calls_a_file(shop, calls, files):
    """The reject's own two reads and one transaction, the files' records in one BatchGetItem (the one read over
    the state-change budget, for files only), and per file a HeadObject, a ranged GetObject and the tag."""
    _, cancel_id = shop.pending(f"EV{files}")
    ids = [shop.photo() for _ in range(files)]
    with aws_operations() as operations:
        response, counts = measured(calls, lambda: shop.reject(cancel_id, "PRODUCT_PACKED", evidence_ids=ids))
    assert response.status_code == 200, response.json
    assert counts == {"GetItem": 2, "BatchGetItem": 1, "TransactWriteItems": 1}
    assert _s3(operations) == {"HeadObject": files, "GetObject": files, "PutObjectTagging": files}
    [transaction] = calls.of("TransactWriteItems")
    items = transaction.transact_items()  # order, cancellation, history, event, counters, and each file
    assert len(items) == 5 + files
    assert sum(body["TableName"] == "cancel-desk-evidence" for _, body in items) == files


def test_a_refused_file_costs_its_reads_and_writes_nothing(shop, calls):
    _, cancel_id = shop.pending("EVR")
    wrong = shop.photo("image/png")  # JPEG bytes
    with aws_operations() as operations:
        response, counts = measured(calls, lambda: shop.reject(cancel_id, "PRODUCT_PACKED", evidence_ids=[wrong]))
    assert response.status_code == 400
    assert counts == {"GetItem": 2, "BatchGetItem": 1}
    assert _s3(operations) == {"HeadObject": 1, "GetObject": 1}


def test_reading_a_cancellation_with_files_costs_what_it_did(shop, calls):
    order_id, cancel_id = shop.pending("EVG")
    shop.reject(cancel_id, "PRODUCT_PACKED", evidence_ids=[shop.photo()], expect=200)
    with aws_operations() as operations:
        _, one = measured(calls, lambda: shop.cancellation(cancel_id))
        _, detail = measured(calls, lambda: shop.detail(order_id))
    assert (one, detail) == ({"GetItem": 1}, {"GetItem": 1, "Query": 2})
    assert _s3(operations) == {}  # links are signed here


def test_serving_the_seller_center_page_calls_nothing(api, calls):
    """The page's policy names the evidence bucket's origin (the photos' uploads and links): from URLs signed here."""
    with aws_operations() as operations:
        response, counts = measured(calls, lambda: api.client.http.get("/app"))
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert "s3.amazonaws.com" in response.headers["Content-Security-Policy"]  # type: ignore[attr-defined]
    assert counts == {}
    assert _s3(operations) == {}
# --- appeals (docs/appeals.md) --------------------------------------------------------------------------------


@pytest.mark.parametrize("files", [0, 2])
def test_opening_an_appeal_is_a_state_change_and_its_files_cost_what_a_rejects_do(shop, calls, files):
    _, cancel_id = shop.seller_fault(f"AP{files}")
    ids = [shop.photo() for _ in range(files)]
    with aws_operations() as operations:
        response, counts = measured(calls, lambda: shop.open_appeal(cancel_id, evidence_ids=ids))
    assert response.status_code == 201, response.json
    assert counts == ({"GetItem": 2, "BatchGetItem": 1, "TransactWriteItems": 1} if files
                      else {"GetItem": 2, "TransactWriteItems": 1})
    assert _s3(operations) == ({"HeadObject": files, "GetObject": files, "PutObjectTagging": files} if files else {})
    [transaction] = calls.of("TransactWriteItems")
    items = transaction.transact_items()  # order, cancellation, history, appeal, event, counters, and each file
    assert len(items) == 6 + files
    assert sum(body["TableName"] == "cancel-desk-appeals" for _, body in items) == 1


def test_a_refused_appeal_reads_the_cancellation_and_its_order_only(shop, calls):
    _, cancel_id = shop.seller_fault("APR")
    shop.open_appeal(cancel_id, expect=201)
    evidence_id = shop.photo()
    with aws_operations() as operations:
        response, counts = measured(calls, lambda: shop.open_appeal(cancel_id, evidence_ids=[evidence_id]))
    assert response.status_code == 409
    assert counts == {"GetItem": 2}
    assert _s3(operations) == {}  # the rules first: a refusal checks no file


@pytest.mark.parametrize("decision, cohort", [("UPHOLD", 0), ("OVERTURN", 1)])
def test_deciding_an_appeal_is_three_gets_and_one_transaction(shop, calls, decision, cohort):
    _, _, appeal_id = shop.appealed(f"APD{decision}")
    response, counts = measured(calls, lambda: shop.decide_appeal(appeal_id, decision))
    assert response.status_code == 200, response.json
    assert counts == {"GetItem": 3, "TransactWriteItems": 1}
    [transaction] = calls.of("TransactWriteItems")
    # order, cancellation, history, appeal, event, counters; an overturn moves the SFCR cohort too
    assert len(transaction.transact_items()) == 6 + cohort


def test_deciding_an_appeal_again_reads_the_appeal_only(shop, calls):
    _, _, appeal_id = shop.appealed("APA")
    shop.decide_appeal(appeal_id, "UPHOLD", expect=200)
    response, counts = measured(calls, lambda: shop.decide_appeal(appeal_id, "OVERTURN"))
    assert response.status_code == 409
    assert counts == {"GetItem": 1}


def test_the_sellers_appeals_are_one_query_a_page_and_one_is_one_get_item(shop, calls):
    _, _, appeal_id = shop.appealed("APL")
    with aws_operations() as operations:
        _, listed = measured(calls, lambda: shop.appeals("limit=5"))
        _, by_status = measured(calls, lambda: shop.appeals("status=OPEN"))
        _, one = measured(calls, lambda: shop.appeal(appeal_id))
    assert (listed, by_status, one) == ({"Query": 1}, {"Query": 1}, {"GetItem": 1})
    assert _s3(operations) == {}


def test_the_operators_queue_is_one_query_per_shard_a_page(shop, calls):
    from chalicelib.store.appeal_models import QUEUE_SHARDS

    shop.appealed("APQ")
    response, counts = measured(calls, lambda: shop.appeal_queue("limit=5"))
    assert len(response.json["items"]) == 1
    assert counts == {"Query": QUEUE_SHARDS}
