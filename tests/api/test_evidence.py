"""Evidence files (docs/evidence.md): declaring an upload, the checks on attach, reject with evidence, the links and
the events. S3 and DynamoDB are moto's; the uploads are real multipart POSTs to the presigned URL."""

import base64
import json

import pytest
import requests

from chalicelib import config
from chalicelib.domain.limits import MAX_EVIDENCE_BYTES
from chalicelib.store import evidence_objects
from chalicelib.store.evidence_models import EvidenceItem
from tests.support.events import whole_feed
from tests.support.shop import JPEG, PNG, WEBP


def _tag(evidence_id: str, seller_id: str = "S1") -> list[dict[str, str]]:
    tags: list[dict[str, str]] = evidence_objects.client().get_object_tagging(
        Bucket=config.settings().evidence_bucket, Key=f"evidence/{seller_id}/{evidence_id}")["TagSet"]
    return tags


def test_declaring_a_file_answers_a_presigned_post_pinning_key_type_tag_and_size(shop, clock):
    response = shop.declare_evidence("image/png", 2048, expect=201)
    body = response.json
    assert set(body) == {"evidence_id", "upload", "expires_at"}
    assert body["evidence_id"].startswith("evd_")
    assert body["expires_at"] == "2026-11-23T09:15:00Z"
    fields = body["upload"]["fields"]
    assert fields["key"] == f"evidence/S1/{body['evidence_id']}"
    assert fields["Content-Type"] == "image/png"
    policy = json.loads(base64.b64decode(fields["policy"]))
    assert policy["expiration"] == "2026-11-23T09:15:00Z"
    conditions = policy["conditions"]
    assert {"key": fields["key"]} in conditions and {"Content-Type": "image/png"} in conditions
    assert ["content-length-range", 1, 2048] in conditions
    assert {"tagging": fields["tagging"]} in conditions and "<Value>uploaded</Value>" in fields["tagging"]
    record = EvidenceItem.get(body["evidence_id"], consistent_read=True)
    assert (record.seller_id, record.content_type, record.size, record.attached_to) == ("S1", "image/png", 2048, None)
    assert record.expires_at.isoformat() == "2026-11-25T09:00:00+00:00"  # the TTL of a record never attached


@pytest.mark.parametrize("body, code", [
    ({"content_type": "image/gif", "size": 10}, "UNKNOWN_ENUM_VALUE"),
    ({"content_type": "image/jpeg", "size": 0}, "INVALID_FIELD"),
    ({"content_type": "image/jpeg", "size": MAX_EVIDENCE_BYTES + 1}, "INVALID_FIELD"),
    ({"content_type": "image/jpeg"}, "MISSING_FIELD"),
])
def test_a_bad_declaration_is_400_in_the_contract_shape(shop, body, code):
    response = shop.api.post("/seller/evidence", shop.seller_token(), body=body)
    assert response.status_code == 400
    assert response.json["error"]["code"] == code


def test_only_sellers_declare_files(shop):
    response = shop.api.post("/seller/evidence", shop.buyer_token(), body={"content_type": "image/jpeg", "size": 1})
    assert response.status_code == 403


@pytest.mark.parametrize("content_type, data", [("image/jpeg", JPEG), ("image/png", PNG), ("image/webp", WEBP)])
def test_reject_with_a_photo_attaches_it_and_shows_it_to_seller_and_buyer(shop, content_type, data):
    order_id, cancel_id = shop.pending()
    evidence_id = shop.photo(content_type, data)
    rejected = shop.reject(cancel_id, "PRODUCT_PACKED", evidence_ids=[evidence_id], expect=200).json
    assert rejected["status"] == "REJECTED"
    [shown] = rejected["evidence"]
    assert (shown["evidence_id"], shown["content_type"], shown["size"]) == (evidence_id, content_type, len(data))
    assert requests.get(shown["url"], timeout=10).content == data
    assert "X-Amz-Expires=900" in shown["url"]
    for seen in (shop.cancellation(cancel_id).json["evidence"],
                 shop.detail(order_id).json["cancellations"][0]["evidence"],
                 shop.cancellations().json["items"][0]["evidence"],
                 shop.buyer_order(order_id).json["cancellations"][0]["evidence"]):
        assert [(e["evidence_id"], e["size"]) for e in seen] == [(evidence_id, len(data))]
        assert requests.get(seen[0]["url"], timeout=10).content == data
    record = EvidenceItem.get(evidence_id, consistent_read=True)
    assert (record.attached_to, record.expires_at) == (cancel_id, None)  # kept while its cancellation is
    assert _tag(evidence_id) == [{"Key": "evidence-state", "Value": "attached"}]


def test_every_cancellation_has_an_evidence_list(shop):
    _, cancel_id = shop.pending()
    assert shop.cancellation(cancel_id).json["evidence"] == []
    assert shop.reject(cancel_id, "INVALID_REASON", expect=200).json["evidence"] == []


def test_six_files_attach_and_a_seventh_is_refused(shop):
    _, cancel_id = shop.pending()
    ids = [shop.photo() for _ in range(7)]
    too_many = shop.reject(cancel_id, "PRODUCT_PACKED", evidence_ids=ids)
    assert too_many.status_code == 400 and too_many.json["error"]["code"] == "INVALID_FIELD"
    attached = shop.reject(cancel_id, "PRODUCT_PACKED", evidence_ids=ids[:6], expect=200).json["evidence"]
    assert [e["evidence_id"] for e in attached] == ids[:6]


@pytest.mark.parametrize("reason", ["PRODUCT_PACKED", "AGREED_WITH_BUYER"])
def test_reasons_that_need_evidence_refuse_a_reject_without(shop, reason):
    _, cancel_id = shop.pending()
    for body in ({}, {"evidence_ids": []}):
        response = shop.reject(cancel_id, reason, **body)
        assert response.status_code == 400
        assert response.json["error"] == {"code": "EVIDENCE_REQUIRED",
                                          "message": f"Reason {reason} needs at least one evidence file.",
                                          "details": {"reason": reason}}
    assert shop.cancellation(cancel_id).json["status"] == "REQUESTED"


def test_the_catalogue_says_which_reject_reasons_need_evidence(shop):
    reject = {r["reason"]: r["evidence_required"] for r in shop.reasons(expect=200).json["reject"]}
    assert reject == {"PRODUCT_PACKED": True, "DELIVERY_ON_SCHEDULE": False, "AGREED_WITH_BUYER": True,
                      "INVALID_REASON": False, "ORDER_SHIPPED": False}
    limits = shop.reasons(expect=200).json["limits"]
    assert (limits["max_evidence_files"], limits["max_evidence_bytes"]) == (6, 5242880)


def test_other_reasons_take_files_optionally(shop):
    _, cancel_id = shop.pending()
    evidence_id = shop.photo()
    rejected = shop.reject(cancel_id, "DELIVERY_ON_SCHEDULE", evidence_ids=[evidence_id], expect=200).json
    assert [e["evidence_id"] for e in rejected["evidence"]] == [evidence_id]


def _refused(shop, cancel_id, evidence_ids, reason="PRODUCT_PACKED"):
    response = shop.reject(cancel_id, reason, evidence_ids=evidence_ids)
    assert response.status_code == 400, response.json
    assert response.json["error"]["code"] == "INVALID_EVIDENCE"
    assert shop.cancellation(cancel_id).json["status"] == "REQUESTED"  # nothing written
    return response.json["error"]["details"]


def test_a_file_never_uploaded_or_unknown_is_not_uploaded(shop):
    _, cancel_id = shop.pending()
    declared = shop.declare_evidence(expect=201).json["evidence_id"]
    assert _refused(shop, cancel_id, [declared]) == {"evidence_id": declared, "problem": "NOT_UPLOADED"}
    assert _refused(shop, cancel_id, ["evd_unknown"]) == {"evidence_id": "evd_unknown", "problem": "NOT_UPLOADED"}


def test_another_sellers_file_reads_as_not_uploaded_and_stays_theirs(shop):
    _, cancel_id = shop.pending()
    theirs = shop.photo(seller_id="S2")
    assert _refused(shop, cancel_id, [theirs]) == {"evidence_id": theirs, "problem": "NOT_UPLOADED"}
    assert EvidenceItem.get(theirs, consistent_read=True).attached_to is None
    assert _tag(theirs, "S2") == []  # untouched (moto keeps no tag from the POST form)


def test_a_file_larger_than_declared_or_than_5_mib_is_too_large(shop):
    _, cancel_id = shop.pending()
    declared = shop.declare_evidence("image/jpeg", 100, expect=201).json
    # moto takes what real S3 refuses (content-length-range): the attach check refuses it again.
    assert shop.upload(declared, JPEG + b"\x00" * 100).status_code == 204
    assert _refused(shop, cancel_id, [declared["evidence_id"]]) == {
        "evidence_id": declared["evidence_id"], "problem": "TOO_LARGE"}
    huge = shop.declare_evidence("image/jpeg", MAX_EVIDENCE_BYTES, expect=201).json
    assert shop.upload(huge, JPEG + b"\x00" * (MAX_EVIDENCE_BYTES - len(JPEG) + 1)).status_code == 204
    assert _refused(shop, cancel_id, [huge["evidence_id"]])["problem"] == "TOO_LARGE"


@pytest.mark.parametrize("declared, data", [("image/png", JPEG), ("image/jpeg", PNG), ("image/webp", b"RIFF" + PNG),
                                            ("image/jpeg", b"\xff\xd8")])
def test_a_file_whose_first_bytes_are_not_its_type_is_wrong_type(shop, declared, data):
    _, cancel_id = shop.pending()
    evidence_id = shop.photo(declared, data)
    assert _refused(shop, cancel_id, [evidence_id]) == {"evidence_id": evidence_id, "problem": "WRONG_TYPE"}


def test_a_file_attaches_once(shop):
    _, first = shop.pending()
    _, second = shop.pending()
    evidence_id = shop.photo()
    assert _refused(shop, first, [evidence_id, evidence_id]) == {"evidence_id": evidence_id,
                                                                 "problem": "ALREADY_USED"}
    shop.reject(first, "PRODUCT_PACKED", evidence_ids=[evidence_id], expect=200)
    assert _refused(shop, second, [evidence_id]) == {"evidence_id": evidence_id, "problem": "ALREADY_USED"}


def test_the_first_bad_file_is_named_and_no_file_attaches(shop):
    _, cancel_id = shop.pending()
    good, bad = shop.photo(), shop.photo("image/png", JPEG)
    assert _refused(shop, cancel_id, [good, bad]) == {"evidence_id": bad, "problem": "WRONG_TYPE"}
    assert EvidenceItem.get(good, consistent_read=True).attached_to is None


def test_a_request_no_longer_pending_is_409_whatever_its_files(shop):
    _, cancel_id = shop.pending()
    shop.approve(cancel_id, expect=200)
    response = shop.reject(cancel_id, "PRODUCT_PACKED", evidence_ids=["evd_unknown"])
    assert response.status_code == 409 and response.json["error"]["code"] == "CANCELLATION_NOT_PENDING"


def test_a_file_attached_while_the_reject_was_decided_fails_it_whole(shop, monkeypatch):
    """The attach is a condition in the reject's transaction: a racing attach makes it fail, and deciding again
    refuses the file; the request stays pending."""
    _, cancel_id = shop.pending()
    evidence_id = shop.photo()
    original = evidence_objects.mark_attached

    def racing(key: str) -> None:
        EvidenceItem(evidence_id).update(actions=[EvidenceItem.attached_to.set("cxl_racer")])
        original(key)

    monkeypatch.setattr(evidence_objects, "mark_attached", racing)
    assert _refused(shop, cancel_id, [evidence_id]) == {"evidence_id": evidence_id, "problem": "ALREADY_USED"}
    assert shop.cancellation(cancel_id).json["evidence"] == []


@pytest.mark.parametrize("failure", ["SlowDown", "InternalError", "unreachable"])
def test_s3_busy_or_out_of_reach_is_a_503_and_changes_nothing(shop, monkeypatch, failure):
    """S3 after the SDK's retries: the client may try again, as with DynamoDB's throttling; never a 500."""
    from botocore.exceptions import ClientError, EndpointConnectionError

    _, cancel_id = shop.pending()
    evidence_id = shop.photo()
    real = evidence_objects.client()

    class Failing:
        def __getattr__(self, name):
            return getattr(real, name)

        def head_object(self, **_):
            if failure == "unreachable":
                raise EndpointConnectionError(endpoint_url="https://s3.example")
            raise ClientError({"Error": {"Code": failure, "Message": "try later"}}, "HeadObject")

    monkeypatch.setattr(evidence_objects, "client", lambda: Failing())
    response = shop.reject(cancel_id, "PRODUCT_PACKED", evidence_ids=[evidence_id])
    assert response.status_code == 503, response.json
    assert response.json["error"]["code"] == "SERVICE_BUSY" and response.headers["Retry-After"] == "1"
    monkeypatch.undo()
    assert shop.cancellation(cancel_id).json["status"] == "REQUESTED"
    shop.reject(cancel_id, "PRODUCT_PACKED", evidence_ids=[evidence_id], expect=200)  # the file still free


def test_an_s3_refusal_that_is_not_busy_stays_an_internal_error(shop, monkeypatch):
    """AccessDenied is the stack's fault, not a moment's: it is not told to the client as worth a retry."""
    from botocore.exceptions import ClientError

    _, cancel_id = shop.pending()
    evidence_id = shop.photo()

    def denied(**_):
        raise ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}}, "HeadObject")

    monkeypatch.setattr(evidence_objects.client(), "head_object", denied)
    response = shop.reject(cancel_id, "PRODUCT_PACKED", evidence_ids=[evidence_id])
    assert response.status_code == 500 and response.json["error"]["code"] == "INTERNAL_ERROR"
    monkeypatch.undo()
    assert shop.cancellation(cancel_id).json["status"] == "REQUESTED"


def test_bulk_reject_with_a_reason_that_needs_files_changes_nothing(shop):
    ids = [shop.pending()[1] for _ in range(2)]
    results = shop.bulk_reject(ids, "PRODUCT_PACKED", expect=200).json["results"]
    assert [(r["cancel_id"], r["status"], r["error"]["code"]) for r in results] == [
        (ids[0], 400, "EVIDENCE_REQUIRED"), (ids[1], 400, "EVIDENCE_REQUIRED")]
    assert results[0]["error"]["details"] == {"reason": "PRODUCT_PACKED"}
    assert {shop.cancellation(i).json["status"] for i in ids} == {"REQUESTED"}
    assert shop.counts().json["cancellation"]["cancellation_requested"] == 2


def test_events_carry_the_files_without_links(shop, clock):
    _, cancel_id = shop.pending()
    evidence_id = shop.photo()
    shop.reject(cancel_id, "PRODUCT_PACKED", evidence_ids=[evidence_id], expect=200)  # the file still free
    [event] = whole_feed(shop.api, shop.seller_token(), clock, "types=cancellation.rejected")
    assert event["data"]["cancellation"]["evidence"] == [
        {"evidence_id": evidence_id, "content_type": "image/jpeg", "size": len(JPEG)}]
