"""Evidence uploads on the local stage, over real HTTP: a multipart POST straight to the presigned URL (the embedded
moto's S3, behind the local POST-policy gate), attached to a reject, read back through its link; and what the gate
refuses, as S3 would (docs/evidence.md, E2)."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from devtools.local_stage import LocalStage
from devtools.loopback_http import http
from devtools.order_bodies import order_body

JPEG = b"\xff\xd8\xff\xe0" + bytes(200)


@pytest.fixture(scope="module")
def stack() -> Iterator[LocalStage]:
    with LocalStage(port=0, schedule_seconds=3600, load_demo=False, announce=lambda line: None) as started:
        yield started


def _declare(stack: LocalStage, size: int = len(JPEG), content_type: str = "image/jpeg") -> dict[str, Any]:
    answer = http(stack.base_url, "POST", "/seller/evidence", stack.tokens["seller"],
                  {"content_type": content_type, "size": size})
    assert answer.status == 201, answer.json
    declared: dict[str, Any] = answer.json
    return declared


def _post(declared: dict[str, Any], data: bytes, **fields: str) -> requests.Response:
    post = declared["upload"]
    return requests.post(post["url"], data={**post["fields"], **fields}, files={"file": ("photo.jpg", data)},
                         timeout=10)


def _objects(stack: LocalStage) -> Any:
    from chalicelib.store import evidence_objects

    return evidence_objects.client()


def _pending(stack: LocalStage, order_id: str) -> str:
    placed = (datetime.now(UTC) - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    recorded = http(stack.base_url, "POST", "/platform/orders", stack.tokens["platform"],
                    order_body(order_id, seller_id="S1", buyer_id="B1", placed_at=placed, paid_at=placed))
    assert recorded.status == 201, recorded.json
    asked = http(stack.base_url, "POST", f"/buyer/orders/{order_id}/cancellation-requests", stack.tokens["buyer"],
                 {"reason": "CHANGED_MIND"})
    assert asked.status == 201 and asked.json["status"] == "REQUESTED", asked.json
    cancel_id: str = asked.json["cancel_id"]
    return cancel_id


def test_an_upload_goes_straight_to_s3_and_attaches_to_a_reject(stack):
    declared = _declare(stack)
    assert declared["upload"]["url"] == stack.dynamodb.endpoint + "/cancel-desk-evidence"
    assert _post(declared, JPEG).status_code == 204
    key = declared["upload"]["fields"]["key"]
    bucket = "cancel-desk-evidence"
    assert _objects(stack).get_object_tagging(Bucket=bucket, Key=key)["TagSet"] == [
        {"Key": "evidence-state", "Value": "uploaded"}]

    cancel_id = _pending(stack, "EVD-1")
    rejected = http(stack.base_url, "POST", f"/seller/cancellations/{cancel_id}/reject", stack.tokens["seller"],
                    {"reason": "PRODUCT_PACKED", "evidence_ids": [declared["evidence_id"]]})
    assert rejected.status == 200, rejected.json
    [shown] = rejected.json["evidence"]
    assert requests.get(shown["url"], timeout=10).content == JPEG
    assert _objects(stack).get_object_tagging(Bucket=bucket, Key=key)["TagSet"] == [
        {"Key": "evidence-state", "Value": "attached"}]
    buyer_view = http(stack.base_url, "GET", "/buyer/orders/EVD-1", stack.tokens["buyer"]).json
    assert [e["evidence_id"] for e in buyer_view["cancellations"][0]["evidence"]] == [declared["evidence_id"]]


@pytest.mark.parametrize("change, status, code", [
    ({"data": JPEG + b"x"}, 400, "EntityTooLarge"),
    ({"data": b""}, 400, "EntityTooSmall"),
    ({"fields": {"Content-Type": "image/png"}}, 403, "AccessDenied"),
    ({"fields": {"key": "evidence/S2/evd_elsewhere"}}, 403, "AccessDenied"),
    ({"fields": {"tagging": "<Tagging><TagSet></TagSet></Tagging>"}}, 403, "AccessDenied"),
    ({"fields": {"x-amz-meta-extra": "1"}}, 403, "AccessDenied"),
    ({"fields": {"x-amz-signature": "0" * 64}}, 403, "SignatureDoesNotMatch"),
])
def test_the_local_s3_refuses_what_the_policy_does_not_allow(stack, change, status, code):
    declared = _declare(stack)
    refused = _post(declared, change.get("data", JPEG), **change.get("fields", {}))
    assert refused.status_code == status, refused.text
    assert f"<Code>{code}</Code>" in refused.text
    key = declared["upload"]["fields"]["key"]
    assert "Contents" not in _objects(stack).list_objects_v2(Bucket="cancel-desk-evidence", Prefix=key)
    cancel_id = _pending(stack, f"EVD-{code}-{status}-{len(change.get('data', b'')) + len(change.get('fields', {}))}"
                                f"-{declared['evidence_id'][-6:]}")
    attach = http(stack.base_url, "POST", f"/seller/cancellations/{cancel_id}/reject", stack.tokens["seller"],
                  {"reason": "PRODUCT_PACKED", "evidence_ids": [declared["evidence_id"]]})
    assert attach.status == 400 and attach.json["error"]["details"]["problem"] == "NOT_UPLOADED", attach.json


PAGE_ORIGIN = "http://127.0.0.1:8000"


def test_a_page_on_another_origin_may_post_and_read_s3s_answer_as_the_buckets_cors_rules_say(stack):
    """The Seller Center posts from the API's origin with an upload progress listener, so the browser asks first
    (a preflight); the answer, a refusal too, carries the CORS headers so the page can read S3's code."""
    declared = _declare(stack)
    url = declared["upload"]["url"]
    preflight = requests.options(url, headers={"Origin": PAGE_ORIGIN, "Access-Control-Request-Method": "POST"},
                                 timeout=10)
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    refused = requests.options(url, headers={"Origin": PAGE_ORIGIN, "Access-Control-Request-Method": "DELETE"},
                               timeout=10)
    assert refused.status_code == 403 and "Access-Control-Allow-Origin" not in refused.headers

    post = declared["upload"]
    stored = requests.post(url, data=post["fields"], files={"file": ("photo.jpg", JPEG)},
                           headers={"Origin": PAGE_ORIGIN}, timeout=10)
    assert stored.status_code == 204 and stored.headers["Access-Control-Allow-Origin"] == "*"
    too_large = requests.post(url, data=_declare(stack, size=10)["upload"]["fields"],
                              files={"file": ("photo.jpg", JPEG)}, headers={"Origin": PAGE_ORIGIN}, timeout=10)
    assert too_large.status_code == 400 and "<Code>EntityTooLarge</Code>" in too_large.text
    assert too_large.headers["Access-Control-Allow-Origin"] == "*"


def test_a_kept_desk_keeps_its_files_uploaded_and_attached(tmp_path):
    """The desk kept between runs (devtools/desk_data.py) keeps the evidence bucket with the tables: a file uploaded
    before the restart attaches after it, and one attached before it still opens from its link."""
    options: dict[str, Any] = {"port": 0, "schedule_seconds": 3600, "load_demo": False, "data_dir": tmp_path,
                               "announce": lambda line: None}
    with LocalStage(**options) as first:
        attached_before, waiting = _pending(first, "KEEP-1"), _pending(first, "KEEP-2")
        before, after = _declare(first), _declare(first)
        assert _post(before, JPEG).status_code == 204 and _post(after, JPEG).status_code == 204
        rejected = http(first.base_url, "POST", f"/seller/cancellations/{attached_before}/reject",
                        first.tokens["seller"], {"reason": "PRODUCT_PACKED", "evidence_ids": [before["evidence_id"]]})
        assert rejected.status == 200, rejected.json
        tags_before = [_tags(first, declared) for declared in (before, after)]
        assert tags_before == [{"evidence-state": "attached"}, {"evidence-state": "uploaded"}]

    with LocalStage(**options) as second:
        assert second.restored is not None and len(second.restored.objects) == 2
        assert [_tags(second, declared) for declared in (before, after)] == tags_before  # attached, uploaded
        seller = second.tokens["seller"]
        answer = http(second.base_url, "POST", f"/seller/cancellations/{waiting}/reject", seller,
                      {"reason": "PRODUCT_PACKED", "evidence_ids": [after["evidence_id"]]})
        assert answer.status == 200, answer.json  # uploaded, its type's bytes, still free: the checks all read it
        kept = http(second.base_url, "GET", f"/seller/cancellations/{attached_before}", seller).json
        assert requests.get(kept["evidence"][0]["url"], timeout=10).content == JPEG


def _tags(stack: LocalStage, declared: dict[str, Any]) -> dict[str, str]:
    from chalicelib import config

    key = declared["upload"]["fields"]["key"]
    tags = _objects(stack).get_object_tagging(Bucket=config.settings().evidence_bucket, Key=key)["TagSet"]
    return {tag["Key"]: tag["Value"] for tag in tags}
