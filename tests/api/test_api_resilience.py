"""Answers when DynamoDB is busy, and what makes two requests "the same" for Idempotency-Key."""

import json

from botocore.exceptions import ClientError
from pynamodb.exceptions import GetError

from chalicelib.service import executor
from chalicelib.store import reads
from chalicelib.store.transactions import Contention
from tests.support.builders import paid_order_past_grace


def _throttled(operation: str) -> ClientError:
    return ClientError({"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow down"}},
                       operation)


def test_a_throttled_read_is_a_503_with_retry_after(api, tok, clock, monkeypatch):
    paid_order_past_grace(api, tok, clock, "O1")

    def throttled(order_id):
        raise GetError("Failed to get item", cause=_throttled("GetItem"))

    monkeypatch.setattr(reads, "get_order", throttled)
    response = api.get("/seller/orders/O1", tok.seller)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"
    assert response.json["error"]["code"] == "SERVICE_BUSY"


def test_a_throttled_transaction_is_a_503_and_changes_nothing(api, tok, clock, monkeypatch):
    paid_order_past_grace(api, tok, clock, "O1")

    def busy(change, **kwargs):
        raise Contention(["ThrottlingError", "ProvisionedThroughputExceededException"])

    monkeypatch.setattr(executor, "commit", busy)
    response = api.post("/seller/orders/O1/arrange-shipment", tok.seller)
    assert (response.status_code, response.json["error"]["code"]) == (503, "SERVICE_BUSY")
    monkeypatch.undo()
    assert api.get("/seller/orders/O1", tok.seller).json["status"] == "AWAITING_SHIPMENT"


def test_an_unexpected_failure_stays_a_500_in_the_error_shape(api, tok, clock, monkeypatch):
    paid_order_past_grace(api, tok, clock, "O1")

    def broken(change, **kwargs):
        raise Contention(["ValidationError"])

    monkeypatch.setattr(executor, "commit", broken)
    response = api.post("/seller/orders/O1/arrange-shipment", tok.seller)
    assert (response.status_code, response.json["error"]["code"]) == (500, "INTERNAL_ERROR")


def test_the_same_body_spelled_differently_replays(api, tok, clock):
    paid_order_past_grace(api, tok, clock, "O1")
    headers = {"Idempotency-Key": "cancel-O1"}
    first = api.post("/seller/orders/O1/cancel", tok.seller, raw=b'{"reason": "OUT_OF_STOCK", "comment": null}',
                     headers=headers)
    assert first.status_code == 201
    again = api.post("/seller/orders/O1/cancel", tok.seller, raw=json.dumps({"reason": "OUT_OF_STOCK"}).encode(),
                     headers=headers)
    assert (again.status_code, again.json) == (201, first.json)
    assert again.headers["Idempotent-Replayed"] == "true"
    other = api.post("/seller/orders/O1/cancel", tok.seller, {"reason": "WRONG_PRICE"}, headers=headers)
    assert (other.status_code, other.json["error"]["code"]) == (422, "IDEMPOTENCY_KEY_REUSED")
