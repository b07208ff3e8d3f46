"""`Idempotency-Key` on every POST: a retry gets the first answer without acting again; another body is a 422;
keys are scoped to the caller, method and path, kept 24 hours, and 5xx answers are not kept."""

from datetime import timedelta
from typing import Any

import pytest

from chalicelib import config
from chalicelib.api.idempotency import REPLAYED_HEADER, from_request
from chalicelib.api.routing import RouteSpec
from chalicelib.domain.clock import utc_now
from chalicelib.domain.identity import Identity, Role
from chalicelib.service import executor
from devtools import tokens
from devtools.dynamo_calls import DynamoCalls
from tests.support.desk import ORDER_CHANGE_ROUTES as CHANGE_ROUTES
from tests.support.desk import Desk, Prepared, assert_error, header

pytestmark = pytest.mark.usefixtures("clock_back")


def key(desk: Desk) -> dict[str, str]:
    return {"Idempotency-Key": desk.uid("key-")}


def order_of(desk: Desk, prepared: Prepared) -> str:
    if prepared.spec.name == "record_order":
        return str(prepared.body["order_id"])
    return desk.order_of(prepared.path, prepared.body)


def replayed(response) -> bool:
    return header(response, REPLAYED_HEADER) == "true"


@pytest.mark.parametrize("spec", CHANGE_ROUTES, ids=[spec.name for spec in CHANGE_ROUTES])
def test_a_retry_with_the_same_key_and_body_replays_the_first_answer_without_acting(desk: Desk, spec):
    prepared = desk.prepare(spec.name)
    headers = key(desk)
    first = desk.send(prepared, headers=headers)
    assert first.status_code == spec.status and not replayed(first), first.json
    order_id = order_of(desk, prepared)
    after_first = desk.stored(order_id)  # the order, its cancellations, history and the seller's counters
    for _ in range(2):
        with desk.writes() as writes:
            retry = desk.send(prepared, headers=headers)
        assert (retry.status_code, retry.body) == (first.status_code, first.body)
        assert replayed(retry)
        assert writes == [] and desk.stored(order_id) == after_first


def test_without_a_key_a_retry_acts_again(desk: Desk):
    """The contrast: the same request twice without a key creates a second cancellation attempt (here a 409)."""
    prepared = desk.prepare("seller_cancel")
    assert desk.send(prepared).status_code == 201
    assert_error(desk.send(prepared), 409, "ORDER_ALREADY_CANCELLED")


def test_the_same_key_with_another_body_is_422_and_acts_on_nothing(desk: Desk):
    prepared = desk.prepare("seller_cancel")
    headers = key(desk)
    first = desk.send(prepared, headers=headers)
    assert first.status_code == 201
    order_id = order_of(desk, prepared)
    before = desk.stored(order_id)
    with desk.writes() as writes:
        other = desk.send(prepared, body={"reason": "WRONG_PRICE"}, headers=headers)
    assert_error(other, 422, "IDEMPOTENCY_KEY_REUSED")
    assert writes == [] and desk.stored(order_id) == before
    again = desk.send(prepared, headers=headers)  # the first body still replays
    assert (again.status_code, again.body, replayed(again)) == (201, first.body, True)


def test_another_body_that_would_succeed_is_422_and_not_recorded(desk: Desk):
    headers = key(desk)
    first_body, second_body = desk.order_body(), desk.order_body()
    assert desk.record_order(first_body, headers=headers).status_code == 201
    assert_error(desk.record_order(second_body, headers=headers), 422, "IDEMPOTENCY_KEY_REUSED")
    assert_error(desk.detail(second_body["order_id"], token=desk.seller_token("S1")), 404, "ORDER_NOT_FOUND")


def test_keys_are_scoped_to_the_caller(desk: Desk):
    shared = key(desk)
    mine, theirs = desk.order(seller_id="S1"), desk.order(seller_id="S2")
    first = desk.seller_cancel(mine, "OUT_OF_STOCK", token=desk.seller_token("S1"), headers=shared)
    second = desk.seller_cancel(theirs, "OUT_OF_STOCK", token=desk.seller_token("S2"), headers=shared)
    assert (first.status_code, second.status_code) == (201, 201)
    assert not replayed(second) and second.json["seller_id"] == "S2"
    assert first.json["cancel_id"] != second.json["cancel_id"]

    # Same path, same body, same key, another platform user: acted afresh (200: already recorded), not replayed.
    body = desk.order_body()
    assert desk.record_order(body, headers=shared).status_code == 201
    other_source = tokens.mint("platform", "billing-service", ttl_seconds=3600)
    fresh = desk.record_order(body, token=other_source, headers=shared)
    assert fresh.status_code == 200 and not replayed(fresh)

    # Two buyers, one key, each its own order.
    a, b = desk.order(buyer_id="B1"), desk.order(buyer_id="B2")
    for buyer, order_id in (("B1", a), ("B2", b)):
        response = desk.request_cancellation(order_id, "CHANGED_MIND", token=desk.buyer_token(buyer), headers=shared)
        assert response.status_code == 201 and not replayed(response) and response.json["buyer_id"] == buyer


def test_keys_are_scoped_to_the_path(desk: Desk):
    shared = key(desk)
    seller = desk.seller_token("S1")
    for order_id in (desk.order(), desk.order()):
        response = desk.arrange(order_id, token=seller, headers=shared)
        assert response.status_code == 200 and response.json["order_id"] == order_id and not replayed(response)
    order_id = desk.order()
    arranged = desk.arrange(order_id, token=seller, headers=shared)
    assert arranged.status_code == 200 and not replayed(arranged), "arrange-shipment"
    shipped = desk.ship(order_id, "T1", token=seller, headers=shared)
    assert shipped.status_code == 200 and not replayed(shipped), "ship"
    assert shipped.json["status"] == "IN_TRANSIT"


def test_get_ignores_the_header(desk: Desk):
    """Reads are safe to repeat; a key on a GET neither caches nor is checked."""
    order_id = desk.order()
    headers = {"Idempotency-Key": "k" * 300}
    seller = desk.seller_token("S1")
    assert desk.api.get(f"/seller/orders/{order_id}", seller, headers=headers).json["status"] == "AWAITING_SHIPMENT"
    assert desk.arrange(order_id, token=seller).status_code == 200
    again = desk.api.get(f"/seller/orders/{order_id}", seller, headers=headers)
    assert again.json["status"] == "AWAITING_COLLECTION" and not replayed(again)


# --- error answers ---------------------------------------------------------------------------------------------


def test_an_error_answer_is_kept_even_after_the_state_would_allow_the_action(desk: Desk):
    seller = desk.seller_token("S1")
    order_id = desk.order(status="UNPAID")
    headers = key(desk)
    first = desk.ship(order_id, "T1", token=seller, headers=headers)
    assert_error(first, 409, "ORDER_NOT_PAID")
    assert desk.pay(order_id).status_code == 200
    retry = desk.ship(order_id, "T1", token=seller, headers=headers)
    assert (retry.status_code, retry.body, replayed(retry)) == (409, first.body, True)
    assert desk.detail(order_id, token=seller).json["status"] == "AWAITING_SHIPMENT"
    assert desk.ship(order_id, "T1", token=seller, headers=key(desk)).status_code == 200  # a new key acts


def test_a_rule_refusal_and_a_404_are_replayed_too(desk: Desk):
    seller = desk.seller_token("S1")
    order_id = desk.order(status="UNPAID")
    headers = key(desk)
    first = desk.seller_cancel(order_id, "ADDRESS_NOT_DELIVERABLE", token=seller, headers=headers)
    assert_error(first, 400, "REASON_NOT_ALLOWED")
    assert desk.pay(order_id).status_code == 200
    # now allowed for a paid order, but kept
    retry = desk.seller_cancel(order_id, "ADDRESS_NOT_DELIVERABLE", token=seller, headers=headers)
    assert (retry.status_code, retry.body, replayed(retry)) == (400, first.body, True)

    headers = key(desk)
    missing = desk.approve("cxl_nope", token=seller, headers=headers)
    assert_error(missing, 404, "CANCELLATION_NOT_FOUND")
    again = desk.approve("cxl_nope", token=seller, headers=headers)
    assert (again.status_code, again.body, replayed(again)) == (404, missing.body, True)


def test_a_request_refused_before_it_runs_does_not_use_up_the_key(desk: Desk):
    """Malformed input never reaches the action, so nothing is kept (as with Stripe's keys): fixed and resent
    under the same key, the request acts."""
    order_id, headers = desk.order(), key(desk)
    assert_error(desk.api.post(f"/seller/orders/{order_id}/cancel", desk.seller_token("S1"), raw=b"{",
                               headers=headers), 400, "MALFORMED_JSON")
    fixed = desk.seller_cancel(order_id, "OUT_OF_STOCK", token=desk.seller_token("S1"), headers=headers)
    assert fixed.status_code == 201 and not replayed(fixed)


# --- retention -------------------------------------------------------------------------------------------------


def test_keys_are_kept_24_hours_then_a_retry_acts_afresh(desk: Desk):
    body, headers = desk.order_body(), key(desk)
    first = desk.record_order(body, headers=headers)
    assert first.status_code == 201

    desk.clock.shift(timedelta(hours=24) - timedelta(seconds=1))
    kept = desk.record_order(body, headers=headers)
    assert (kept.status_code, kept.body, replayed(kept)) == (201, first.body, True)

    desk.clock.shift(timedelta(seconds=2))
    fresh = desk.record_order(body, headers=headers)
    assert fresh.status_code == 200 and not replayed(fresh)  # acted: found the order already recorded
    again = desk.record_order(body, headers=headers)
    assert (again.status_code, again.body, replayed(again)) == (200, fresh.body, True)  # the new answer is kept


def test_an_expired_key_on_a_state_change_acts_afresh(desk: Desk):
    prepared = desk.prepare("seller_cancel")
    headers = key(desk)
    assert desk.send(prepared, headers=headers).status_code == 201
    desk.clock.shift(timedelta(hours=25))
    fresh = desk.send(prepared, headers=headers)
    assert_error(fresh, 409, "ORDER_ALREADY_CANCELLED")
    assert not replayed(fresh)


def test_the_stored_key_carries_a_ttl_of_24_hours(desk: Desk):
    headers = key(desk)
    order_id = desk.order()
    path = f"/seller/orders/{order_id}/arrange-shipment"
    assert desk.arrange(order_id, token=desk.seller_token("S1"), headers=headers).status_code == 200
    identity = Identity(sub="user-S1", role=Role.SELLER, seller_id="S1")
    record = from_request(headers["Idempotency-Key"], identity, "POST", path, b"", utc_now())
    assert record is not None
    item = desk._client().get_item(TableName=config.table_name("IDEMPOTENCY_TABLE"),
                                   Key={"key": {"S": record.key}}, ConsistentRead=True)["Item"]
    assert int(item["expires_at"]["N"]) == int((utc_now() + timedelta(hours=24)).timestamp())
    assert int(item["status_code"]["N"]) == 200


# --- failures --------------------------------------------------------------------------------------------------


def test_a_5xx_is_not_kept_so_the_retry_acts(desk: Desk, monkeypatch):
    prepared = desk.prepare("seller_cancel")
    headers = key(desk)
    order_id = order_of(desk, prepared)
    before = desk.stored(order_id)
    real_commit = executor.commit
    failures = []

    def commit_failing_once(change, **kwargs):
        if not failures:
            failures.append(change)
            raise ConnectionError("DynamoDB endpoint unreachable")  # a server-side failure: answered 500
        return real_commit(change, **kwargs)

    # executor bound `commit` at import, so the failure is injected where it is called.
    monkeypatch.setattr(executor, "commit", commit_failing_once)
    failed = desk.send(prepared, headers=headers, documented=False)
    error = assert_error(failed, 500, "INTERNAL_ERROR")
    assert "details" not in error and desk.stored(order_id) == before

    retry = desk.send(prepared, headers=headers)
    assert retry.status_code == 201 and not replayed(retry)
    again = desk.send(prepared, headers=headers)
    assert (again.status_code, again.body, replayed(again)) == (201, retry.body, True)


def test_two_requests_racing_with_one_key_act_once(desk: Desk, monkeypatch):
    """A decides; before A commits, B (same key, same body) decides and commits; A's commit then fails on the
    key and A answers what B answered. Replayed step by step: moto is not atomic under threads."""
    prepared = desk.prepare("seller_cancel")
    headers = key(desk)
    order_id = order_of(desk, prepared)
    real_commit = executor.commit
    answers = []

    def b_commits_first(change, **kwargs):
        if not answers:
            answers.append(None)
            answers[0] = desk.send(prepared, headers=headers)  # B, re-entering while A waits to commit
        return real_commit(change, **kwargs)

    monkeypatch.setattr(executor, "commit", b_commits_first)
    a = desk.send(prepared, headers=headers)
    b = answers[0]
    assert b.status_code == 201 and (a.status_code, a.body) == (b.status_code, b.body) and replayed(a)
    stored = desk.stored(order_id)
    assert len(stored["cancellations"]) == 1
    assert [entry["action"]["S"] for entry in stored["history"]] == ["ORDER_RECORDED", "SELLER_CANCELLED"]


def test_a_kept_answer_is_not_replayed_to_the_same_user_acting_for_another_shop(desk: Desk):
    """One account may hold tokens for two shops (same `sub`, another seller_id): the key is scoped to the
    identity the token states, so the other shop's token gets its own answer (404), not the first shop's."""
    order_id, headers = desk.order(seller_id="S1"), key(desk)
    for_s1 = desk.seller_token("S1", sub="staff-of-two-shops")
    for_s2 = desk.seller_token("S2", sub="staff-of-two-shops")
    assert desk.seller_cancel(order_id, "OUT_OF_STOCK", token=for_s1, headers=headers).status_code == 201
    other_shop = desk.seller_cancel(order_id, "OUT_OF_STOCK", token=for_s2, headers=headers)
    assert_error(other_shop, 404, "ORDER_NOT_FOUND")
    assert not replayed(other_shop)


# DynamoDB over capacity, as TransactWriteItems reports it: for the whole call, or per item.
THROTTLES: dict[str, dict[str, Any]] = {
    "ThrottlingException": {"code": "ThrottlingException"},
    "cancelled-ThrottlingError": {"code": "TransactionCanceledException", "reasons": ["ThrottlingError"]},
}


def assert_busy(response: Any, spec: RouteSpec | None = None) -> None:
    if spec is not None and spec.name.startswith("bulk_"):  # the call answers; its one item is what was busy
        assert response.status_code == 200, response.json
        [item] = response.json["results"]
        assert (item["status"], item["error"]["code"]) == (503, "SERVICE_BUSY"), item
        return
    assert_error(response, 503, "SERVICE_BUSY")
    assert header(response, "Retry-After") == "1"


@pytest.mark.parametrize("throttle", sorted(THROTTLES))
@pytest.mark.parametrize("spec", CHANGE_ROUTES, ids=[spec.name for spec in CHANGE_ROUTES])
def test_a_throttled_commit_is_a_503_not_kept_so_the_retry_acts_once(desk: Desk, spec: RouteSpec,
                                                                     throttle: str) -> None:
    prepared = desk.prepare(spec.name)
    headers = key(desk)
    order_id = order_of(desk, prepared)
    before = None if spec.name == "record_order" else desk.stored(order_id)  # record_order makes the order
    with DynamoCalls() as calls:
        throttled = calls.fail("TransactWriteItems", times=1, **THROTTLES[throttle])
        busy = desk.send(prepared, headers=headers)
    assert_busy(busy, spec)
    assert len(throttled) == 1 and len(calls.of("TransactWriteItems")) == 1
    if before is None:
        assert_error(desk.api.get(f"/seller/orders/{order_id}", desk.seller_token("S1")), 404, "ORDER_NOT_FOUND")
    else:
        assert desk.stored(order_id) == before

    retry = desk.send(prepared, headers=headers)
    assert retry.status_code == spec.status and not replayed(retry), retry.json
    after = desk.stored(order_id)
    assert len(after["history"]) == (0 if before is None else len(before["history"])) + 1  # acted once
    again = desk.send(prepared, headers=headers)
    assert (again.status_code, again.body, replayed(again)) == (spec.status, retry.body, True)
    assert desk.stored(order_id) == after


@pytest.mark.parametrize("spec", CHANGE_ROUTES, ids=[spec.name for spec in CHANGE_ROUTES])
def test_a_throttled_put_of_an_answer_that_changed_nothing_is_a_503_not_kept(desk: Desk, spec: RouteSpec) -> None:
    """Repeated once acted, every route answers without a state change (an error, or a 200 that changes
    nothing); such an answer is kept by a conditional put of its own, and a throttled put keeps nothing."""
    prepared = desk.prepare(spec.name)
    assert desk.send(prepared).status_code == spec.status
    repeat = desk.send(prepared)  # the answer to a repeat, without a key
    assert repeat.status_code < 500 and not replayed(repeat), repeat.json
    order_id = order_of(desk, prepared)
    after = desk.stored(order_id)
    headers = key(desk)
    idempotency_table = config.table_name("IDEMPOTENCY_TABLE")
    with DynamoCalls() as calls:
        throttled = calls.fail("PutItem", "ThrottlingException", times=1,
                               when=lambda call: call.params.get("TableName") == idempotency_table)
        busy = desk.send(prepared, headers=headers)
    assert_busy(busy)
    assert len(throttled) == 1 and calls.of("TransactWriteItems") == []

    retry = desk.send(prepared, headers=headers)
    assert (retry.status_code, retry.body, replayed(retry)) == (repeat.status_code, repeat.body, False)
    again = desk.send(prepared, headers=headers)
    assert (again.status_code, again.body, replayed(again)) == (repeat.status_code, repeat.body, True)
    assert desk.stored(order_id) == after
