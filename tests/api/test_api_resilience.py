"""Answers when DynamoDB is busy, and what makes two requests "the same" for Idempotency-Key."""

import json

from botocore.exceptions import ClientError
from pynamodb.exceptions import GetError

from chalicelib.service import executor
from chalicelib.store import reads
from chalicelib.store.contention import Contention


def _throttled(operation: str) -> ClientError:
    return ClientError({"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow down"}},
                       operation)


def test_a_throttled_read_is_a_503_with_retry_after(shop, monkeypatch):
    shop.paid("O1")

    def throttled(order_id):
        raise GetError("Failed to get item", cause=_throttled("GetItem"))

    monkeypatch.setattr(reads, "get_order", throttled)
    response = shop.detail("O1")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"
    assert response.json["error"]["code"] == "SERVICE_BUSY"


def test_a_throttled_transaction_is_a_503_and_changes_nothing(shop, monkeypatch):
    shop.paid("O1")

    def busy(change, **kwargs):
        raise Contention(["ThrottlingError", "ProvisionedThroughputExceededException"])

    monkeypatch.setattr(executor, "commit", busy)
    response = shop.arrange("O1")
    assert (response.status_code, response.json["error"]["code"]) == (503, "SERVICE_BUSY")
    monkeypatch.undo()
    assert shop.detail("O1").json["status"] == "AWAITING_SHIPMENT"


def test_an_unexpected_failure_stays_a_500_in_the_error_shape(shop, monkeypatch):
    shop.paid("O1")

    def broken(change, **kwargs):
        raise Contention(["ValidationError"])

    monkeypatch.setattr(executor, "commit", broken)
    response = shop.arrange("O1")
    assert (response.status_code, response.json["error"]["code"]) == (500, "INTERNAL_ERROR")


def test_the_same_body_spelled_differently_replays(shop):
    shop.paid("O1")
    headers, seller = {"Idempotency-Key": "cancel-O1"}, shop.seller_token()
    # two spellings of one body, written out as bytes
    first = shop.api.post("/seller/orders/O1/cancel", seller, raw=b'{"reason": "OUT_OF_STOCK", "comment": null}',
                          headers=headers)
    assert first.status_code == 201
    again = shop.api.post("/seller/orders/O1/cancel", seller, raw=json.dumps({"reason": "OUT_OF_STOCK"}).encode(),
                          headers=headers)
    assert (again.status_code, again.json) == (201, first.json)
    assert again.headers["Idempotent-Replayed"] == "true"
    other = shop.seller_cancel("O1", "WRONG_PRICE", headers=headers)
    assert (other.status_code, other.json["error"]["code"]) == (422, "IDEMPOTENCY_KEY_REUSED")
