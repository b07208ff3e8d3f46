"""The local runner's S3 POST-policy check alone, on a POST botocore presigns as the API does: the signature, the
expiry (a `now` passed in), and each condition (docs/evidence.md, E2)."""

from datetime import timedelta

import pytest

from chalicelib.domain.clock import utc_now
from chalicelib.domain.evidence import ContentType
from devtools.s3_post_policy import check, cors_headers, refusal, tags_of

SECRET = "local"


@pytest.fixture
def presigned(monkeypatch):
    for name, value in {"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": SECRET, "AWS_SESSION_TOKEN": "local",
                        "AWS_DEFAULT_REGION": "us-east-1", "AWS_ENDPOINT_URL_S3": "http://127.0.0.1:9"}.items():
        monkeypatch.setenv(name, value)
    from chalicelib.store import evidence_objects

    monkeypatch.setattr(evidence_objects, "_client", None)
    post = evidence_objects.presigned_upload("evidence/S1/evd_1", ContentType.PNG, 100)
    monkeypatch.setattr(evidence_objects, "_client", None)
    return post["fields"]


def test_a_presigned_upload_within_its_size_and_time_passes(presigned):
    now = utc_now()
    check(presigned, 100, "cancel-desk-evidence", now, SECRET)
    check(presigned, 1, "cancel-desk-evidence", now + timedelta(minutes=14), SECRET)
    assert tags_of(presigned["tagging"]) == {"evidence-state": "uploaded"}


@pytest.mark.parametrize("change, size, bucket, later, code", [
    ({}, 100, "cancel-desk-evidence", timedelta(minutes=15, seconds=1), "AccessDenied"),
    ({}, 101, "cancel-desk-evidence", timedelta(0), "EntityTooLarge"),
    ({}, 0, "cancel-desk-evidence", timedelta(0), "EntityTooSmall"),
    ({}, 100, "another-bucket", timedelta(0), "AccessDenied"),
    ({"Content-Type": "image/jpeg"}, 100, "cancel-desk-evidence", timedelta(0), "AccessDenied"),
    ({"key": "evidence/S1/evd_2"}, 100, "cancel-desk-evidence", timedelta(0), "AccessDenied"),
    ({"acl": "public-read"}, 100, "cancel-desk-evidence", timedelta(0), "AccessDenied"),
    ({"x-amz-signature": "00"}, 100, "cancel-desk-evidence", timedelta(0), "SignatureDoesNotMatch"),
    ({"x-amz-algorithm": "AWS4-HMAC-SHA1"}, 100, "cancel-desk-evidence", timedelta(0), "AccessDenied"),
])
def test_what_s3_would_refuse_is_refused(presigned, change, size, bucket, later, code):
    refused = refusal({**presigned, **change}, size, bucket, utc_now() + later, SECRET)
    assert refused is not None and refused.code == code


def test_another_secret_does_not_sign(presigned):
    refused = refusal(presigned, 100, "cancel-desk-evidence", utc_now(), "not-the-secret")
    assert refused is not None and (refused.status, refused.code) == (403, "SignatureDoesNotMatch")


RULES = [{"AllowedMethods": ["POST", "GET"], "AllowedOrigins": ["*"], "AllowedHeaders": ["*"], "MaxAgeSeconds": 3000}]
PAGE = "http://127.0.0.1:8000"


def test_the_buckets_cors_rule_lets_any_page_post_and_read_the_answer():
    headers = cors_headers(RULES, PAGE, "POST")
    assert headers is not None
    assert (headers["Access-Control-Allow-Origin"], headers["Access-Control-Allow-Methods"],
            headers["Access-Control-Max-Age"]) == ("*", "POST, GET", "3000")
    preflight = cors_headers(RULES, PAGE, "POST", ["content-type", " x-requested-with"])
    assert preflight is not None and preflight["Access-Control-Allow-Headers"] == "content-type, x-requested-with"


def test_no_cors_headers_for_a_method_origin_or_header_no_rule_allows():
    named = [{"AllowedMethods": ["POST"], "AllowedOrigins": ["https://*.example.com"],
              "AllowedHeaders": ["content-type"]}]
    allowed = cors_headers(named, "https://desk.example.com", "POST")
    assert allowed is not None and allowed["Access-Control-Allow-Origin"] == "https://desk.example.com"
    assert cors_headers(named, "https://example.org", "POST") is None
    assert cors_headers(named, "https://desk.example.com", "DELETE") is None
    assert cors_headers(named, "https://desk.example.com", "POST", ["x-amz-acl"]) is None
    assert cors_headers(RULES, None, "POST") is None
    assert cors_headers([], PAGE, "POST") is None
