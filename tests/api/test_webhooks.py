"""The seller webhook routes: registration rules, the URL checks at registration, what each answer shows (the
secret only on create and rotate), the limit, pagination, idempotency and other sellers' webhooks."""

from datetime import timedelta

import pytest

from chalicelib.domain.event_types import TYPES
from devtools.dynamo_calls import DynamoCalls
from tests.support.desk import assert_error, header

URL = "https://hooks.example.com/desk"


def test_create_answers_the_secret_once_and_no_read_shows_it(shop):
    created = shop.create_webhook(URL, ["cancellation.requested", "order.shipped"], description="ERP")
    assert created.status_code == 201, created.json
    body = created.json
    assert body["secret"].startswith("whsec_") and body["status"] == "ENABLED"
    assert (body["url"], body["event_types"], body["description"]) == (
        URL, ["cancellation.requested", "order.shipped"], "ERP")
    assert body["webhook_id"].startswith("wh_") and body["created_at"] == "2026-11-23T09:00:00Z"
    reads = [shop.webhook(body["webhook_id"]), shop.webhooks(), shop.deliveries(body["webhook_id"])]
    for read in reads:
        assert read.status_code == 200 and body["secret"] not in read.body.decode()
        assert "secret" not in read.json and all("secret" not in item for item in read.json.get("items", []))
    assert reads[0].json == {k: v for k, v in body.items() if k != "secret"}


def test_at_most_ten_webhooks_per_seller_even_racing(shop):
    for _ in range(10):
        shop.create_webhook(URL, expect=201)
    error = assert_error(shop.create_webhook(URL), 409, "WEBHOOK_LIMIT_REACHED")
    assert error["details"] == {"limit": 10}
    assert len(shop.webhooks("limit=100").json["items"]) == 10
    assert shop.create_webhook(URL, token=shop.seller_token("S2")).status_code == 201  # per seller
    first = shop.webhooks("limit=1").json["items"][0]["webhook_id"]
    assert shop.delete_webhook(first).status_code == 204
    assert shop.create_webhook(URL).status_code == 201


@pytest.mark.parametrize(("types", "code"), [
    (["order.exploded"], "UNKNOWN_ENUM_VALUE"), (["*", "order.paid"], "INVALID_FIELD"), ([], "INVALID_FIELD"),
    (["webhook.test"], "UNKNOWN_ENUM_VALUE"),
])
def test_event_types_are_known_ones_or_star_alone(shop, types, code):
    error = assert_error(shop.create_webhook(URL, types) if types else shop.api.post(
        "/seller/webhooks", shop.seller_token(), {"url": URL, "event_types": []}), 400, code)
    assert error["details"]["path"].startswith("$.event_types")


def test_every_type_and_a_long_description(shop):
    assert shop.create_webhook(URL, list(TYPES), description="d" * 200).status_code == 201
    assert_error(shop.create_webhook(URL, description="d" * 201), 400, "INVALID_FIELD")


@pytest.mark.parametrize(("url", "reason"), [
    ("ftp://hooks.example.com/x", "SCHEME_NOT_ALLOWED"),
    ("https://user:pw@hooks.example.com/x", "USERINFO_NOT_ALLOWED"),
    ("https://hooks.example.com/x#part", "FRAGMENT_NOT_ALLOWED"),
    ("https://hooks.example.com/" + "a" * 2030, "TOO_LONG"),
    ("hooks.example.com/x", "SCHEME_NOT_ALLOWED"),
    ("https:///nohost", "MALFORMED"),
    ("https://hooks.example.com:99999/", "MALFORMED"),
    ("https://hooks example.com/", "MALFORMED"),
    ("https://unknown-host.invalid/", "UNRESOLVABLE"),
])
def test_url_form_is_checked_at_registration(shop, url, reason):
    error = assert_error(shop.create_webhook(url), 400, "INVALID_WEBHOOK_URL")
    assert error["details"] == {"reason": reason}


@pytest.mark.parametrize(("url", "reason"), [
    ("http://hooks.example.com/x", "SCHEME_NOT_ALLOWED"),
    ("https://127.0.0.1/x", "LOOPBACK_ADDRESS"),
    ("https://[::1]/x", "LOOPBACK_ADDRESS"),
    ("https://[::ffff:127.0.0.1]/x", "LOOPBACK_ADDRESS"),
    ("https://10.0.0.8/x", "PRIVATE_ADDRESS"),
    ("https://192.168.1.1/x", "PRIVATE_ADDRESS"),
    ("https://100.64.0.1/x", "PRIVATE_ADDRESS"),
    ("https://169.254.169.254/latest/meta-data", "LINK_LOCAL_ADDRESS"),
    ("https://224.0.0.1/x", "MULTICAST_ADDRESS"),
    ("https://0.0.0.0/x", "RESERVED_ADDRESS"),
    ("https://240.0.0.1/x", "RESERVED_ADDRESS"),
    ("https://private.example.com/x", "PRIVATE_ADDRESS"),
    ("https://mixed.example.com/x", "LINK_LOCAL_ADDRESS"),
])
def test_hosts_resolving_to_internal_addresses_are_refused_outside_the_dev_stage(shop, monkeypatch, url, reason):
    monkeypatch.setenv("WEBHOOK_ALLOW_PRIVATE_NETWORKS", "false")
    monkeypatch.setenv("WEBHOOK_ALLOW_HTTP", "false")
    error = assert_error(shop.create_webhook(url), 400, "INVALID_WEBHOOK_URL")
    assert error["details"] == {"reason": reason}
    assert shop.webhooks().json["items"] == []


def test_a_lookup_that_never_answers_is_unresolvable_within_the_attempts_deadline(shop, monkeypatch):
    import threading

    from chalicelib.domain import webhooks as rules
    from chalicelib.webhooks import sender

    never = threading.Event()

    def silent(host: str, port: int) -> list[str]:
        never.wait(30)  # a lookup that hangs (bounded, and released when the test ends)
        return []

    monkeypatch.setattr(sender, "RESOLVER", [silent])
    monkeypatch.setattr(rules, "TIMEOUT_SECONDS", 0.3)
    try:
        error = assert_error(shop.create_webhook("https://silent.example.com/hook"), 400, "INVALID_WEBHOOK_URL")
    finally:
        never.set()
    assert error["details"] == {"reason": "UNRESOLVABLE"}
    assert shop.webhooks().json["items"] == []


def test_the_dev_stage_admits_loopback_http(shop):
    assert shop.create_webhook("http://127.0.0.1:9/hook").status_code == 201


def test_another_sellers_webhook_and_deliveries_are_404(shop):
    webhook_id, _ = shop.hook(URL)
    other = shop.seller_token("S2")
    for response in (shop.webhook(webhook_id, token=other), shop.deliveries(webhook_id, token=other),
                     shop.rotate_secret(webhook_id, token=other), shop.enable_webhook(webhook_id, token=other),
                     shop.test_webhook(webhook_id, token=other), shop.delete_webhook(webhook_id, token=other),
                     shop.retry_delivery(webhook_id, "dlv_x", token=other)):
        assert_error(response, 404, "WEBHOOK_NOT_FOUND")
    assert shop.webhooks(token=other).json == {"items": [], "next_cursor": None}
    assert_error(shop.retry_delivery(webhook_id, "dlv_missing"), 404, "DELIVERY_NOT_FOUND")
    assert shop.webhook(webhook_id).status_code == 200


def test_delete_then_it_is_gone(shop):
    webhook_id, _ = shop.hook(URL)
    assert shop.delete_webhook(webhook_id).status_code == 204
    assert_error(shop.webhook(webhook_id), 404, "WEBHOOK_NOT_FOUND")
    assert_error(shop.delete_webhook(webhook_id), 404, "WEBHOOK_NOT_FOUND")


def test_the_list_pages_with_a_cursor(shop):
    made = {shop.hook(URL)[0] for _ in range(5)}
    first = shop.webhooks("limit=2").json
    second = shop.webhooks(f"limit=2&cursor={first['next_cursor']}").json
    third = shop.webhooks(f"limit=2&cursor={second['next_cursor']}").json
    seen = [w["webhook_id"] for page in (first, second, third) for w in page["items"]]
    assert set(seen) == made and len(seen) == 5 and third["next_cursor"] is None
    assert_error(shop.webhooks(f"cursor={first['next_cursor']}", token=shop.seller_token("S2")), 400,
                 "INVALID_CURSOR")


def test_a_list_cursor_is_not_accepted_for_another_shop_of_the_same_account(shop):
    """One sign-in (`sub`) that runs two shops: a cursor made for one shop's list is refused for the other's."""
    for seller_id in ("S1", "S2"):
        for _ in range(2):
            shop.hook(URL, seller_id=seller_id)
    first = shop.seller_token("S1", sub="owner-of-two-shops")
    second = shop.seller_token("S2", sub="owner-of-two-shops")
    cursor = shop.webhooks("limit=1", token=first).json["next_cursor"]
    assert_error(shop.webhooks(f"limit=1&cursor={cursor}", token=second), 400, "INVALID_CURSOR")
    assert shop.webhooks(f"limit=1&cursor={cursor}", token=first).status_code == 200


def test_rotation_answers_a_new_secret_and_when_the_old_one_stops(shop, clock):
    webhook_id, secret = shop.hook(URL)
    clock.shift(timedelta(minutes=5))
    rotated = shop.rotate_secret(webhook_id)
    assert rotated.status_code == 200
    assert rotated.json["secret"].startswith("whsec_") and rotated.json["secret"] != secret
    assert rotated.json["previous_secret_expires_at"] == "2026-11-24T09:05:00Z"
    assert "secret" not in shop.webhook(webhook_id).json


def test_enable_on_an_enabled_webhook_changes_nothing(shop):
    webhook_id, _ = shop.hook(URL)
    before = shop.webhook(webhook_id).json
    with DynamoCalls() as calls:
        again = shop.enable_webhook(webhook_id)
    assert (again.status_code, again.json) == (200, before)
    assert calls.writes == 0


def test_a_retried_create_with_its_key_replays_the_answer_and_makes_one_webhook(shop):
    key = {"Idempotency-Key": "create-1"}
    first = shop.create_webhook(URL, headers=key)
    again = shop.create_webhook(URL, headers=key)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json == first.json and header(again, "Idempotent-Replayed") == "true"
    assert len(shop.webhooks().json["items"]) == 1
    assert_error(shop.create_webhook(URL, ["order.paid"], headers=key), 422, "IDEMPOTENCY_KEY_REUSED")


def test_a_retried_rotation_with_its_key_rotates_once(shop):
    webhook_id, _ = shop.hook(URL)
    key = {"Idempotency-Key": "rotate-1"}
    first, again = shop.rotate_secret(webhook_id, headers=key), shop.rotate_secret(webhook_id, headers=key)
    assert again.json == first.json and header(again, "Idempotent-Replayed") == "true"


def test_a_throttled_create_is_a_503_and_makes_nothing(shop):
    with DynamoCalls() as calls:
        calls.fail("TransactWriteItems", "ThrottlingException", times=1)
        busy = shop.create_webhook(URL)
    assert_error(busy, 503, "SERVICE_BUSY")
    assert shop.webhooks().json["items"] == []


def test_route_costs(shop):
    """Create: 1 TransactWriteItems (webhook and count), after resolving the host; read: 1 GetItem; list,
    deliveries: 1 Query (+1 GetItem for the webhook's ownership)."""
    with DynamoCalls() as calls:
        webhook_id, _ = shop.hook(URL)
    assert calls.counts() == {"TransactWriteItems": 1}
    with DynamoCalls() as calls:
        shop.webhook(webhook_id)
    assert calls.counts() == {"GetItem": 1}
    with DynamoCalls() as calls:
        shop.webhooks()
    assert calls.counts() == {"Query": 1}
    with DynamoCalls() as calls:
        shop.deliveries(webhook_id)
    assert calls.counts() == {"GetItem": 1, "Query": 1}
    with DynamoCalls() as calls:
        shop.rotate_secret(webhook_id)
    assert calls.counts() == {"GetItem": 1, "TransactWriteItems": 1}
    with DynamoCalls() as calls:
        shop.delete_webhook(webhook_id)
    assert calls.counts() == {"GetItem": 1, "TransactWriteItems": 1}


def test_the_openapi_document_describes_what_a_webhook_receives():
    from openapi_spec_validator import validate

    from chalicelib.api.openapi import document

    doc = document()
    validate(doc)
    assert doc["openapi"].startswith("3.1") and set(doc["webhooks"]) == {"event", "webhook.test"}
    for item in doc["webhooks"].values():
        operation = item["post"]
        ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        assert ref.rsplit("/", 1)[1] in doc["components"]["schemas"]
        assert {p["name"] for p in operation["parameters"]} == {"webhook-id", "webhook-timestamp",
                                                                 "webhook-signature"}
