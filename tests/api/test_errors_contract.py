"""Every error, the framework's own included, is `{"error": {"code", "message", "details"?}}` with the status of
api.md; client input never yields a 500 or a stack trace (checked by example and by generated input)."""

import json
from datetime import timedelta
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import app
from chalicelib.api import parsing
from chalicelib.domain.clock import utc_now
from tests.support.desk import POST_ROUTES, Desk, Prepared, assert_error, header

FUZZ = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")

pytestmark = pytest.mark.usefixtures("clock_back")


_prepared: dict[str, Prepared] = {}


def prepared_once(desk: Desk, name: str) -> Prepared:
    if name not in _prepared:
        _prepared[name] = desk.prepare(name)
    return _prepared[name]


def cancel_path(desk: Desk) -> str:
    return f"/seller/orders/{desk.order()}/cancel"


# --- bodies ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [
    b"{", b'{"reason": }', b'{"reason": "OUT_OF_STOCK"', b"{'reason': 'OUT_OF_STOCK'}", b'{"reason": "OUT_OF_STOCK"}}',
    b'{"reason": "OUT_OF_STOCK",}', b"\xff\xfe{}", b'{"reason": NaN}', b"NaN", b"reason=OUT_OF_STOCK",
    b'{"reason": "OUT_OF_STOCK"} trailing', b'\x00{"reason": "OUT_OF_STOCK"}',
], ids=lambda raw: raw.decode("latin-1"))
def test_malformed_json_is_400(desk: Desk, raw: bytes):
    path = cancel_path(desk)
    with desk.writes() as writes:
        error = assert_error(desk.api.post(path, desk.seller_token("S1"), raw=raw), 400, "MALFORMED_JSON")
    assert "problem" in error["details"] and writes == []


@pytest.mark.parametrize("raw", [b"[]", b'"OUT_OF_STOCK"', b"null", b"1", b"true", b'[{"reason": "OUT_OF_STOCK"}]'])
def test_json_that_is_not_an_object_is_400(desk: Desk, raw: bytes):
    error = assert_error(desk.api.post(cancel_path(desk), desk.seller_token("S1"), raw=raw), 400, "INVALID_FIELD")
    assert error["details"]["path"] == "$"


@pytest.mark.parametrize(("route", "body", "path"), [
    ("seller_cancel", {"reason": 1}, "$.reason"),
    ("seller_cancel", {"reason": None}, "$.reason"),
    ("seller_cancel", {"reason": ["OUT_OF_STOCK"]}, "$.reason"),
    ("seller_cancel", {"reason": "OUT_OF_STOCK", "comment": 5}, "$.comment"),
    ("seller_cancel", {"reason": "OUT_OF_STOCK", "comment": {"text": "x"}}, "$.comment"),
    ("reject", {"reason": True}, "$.reason"),
    ("ship", {"tracking_number": 123}, "$.tracking_number"),
    ("request_cancellation", {"reason": {"code": "CHANGED_MIND"}}, "$.reason"),
    ("record_order", {"items": {}}, "$.items"),
    ("record_order", {"items": "SKU-1"}, "$.items"),
    ("record_order", {"currency": 360}, "$.currency"),
    ("record_order", {"placed_at": 1795424400}, "$.placed_at"),
    ("record_order", {"items": [{"sku": "S", "quantity": "2", "unit_price": 1}]}, "$.items[0].quantity"),
], ids=lambda value: json.dumps(value) if isinstance(value, dict) else value)
def test_wrong_types_are_400_with_the_path(desk: Desk, route: str, body: dict, path: str):
    prepared = prepared_once(desk, route)
    with desk.writes() as writes:
        error = assert_error(desk.send(prepared, body={**(prepared.body or {}), **body}), 400, "INVALID_FIELD")
    assert error["details"]["path"] == path and writes == []


def test_unknown_field_is_400_with_the_path(desk: Desk):
    error = assert_error(desk.seller_cancel(desk.order(), "OUT_OF_STOCK", notify_buyer=True), 400, "UNKNOWN_FIELD")
    assert error["details"]["path"] == "$" and "notify_buyer" in error["message"]
    body = desk.order_body()
    body["items"][0]["discount"] = 10
    error = assert_error(desk.record_order(body), 400, "UNKNOWN_FIELD")
    assert error["details"]["path"] == "$.items[0]"


def test_missing_fields_and_missing_bodies_are_400(desk: Desk):
    error = assert_error(desk.api.post(cancel_path(desk), desk.seller_token("S1"), {}), 400, "MISSING_FIELD")
    assert "reason" in error["message"]
    assert_error(desk.api.post(cancel_path(desk), desk.seller_token("S1")), 400, "BODY_REQUIRED")
    assert_error(desk.api.post(cancel_path(desk), desk.seller_token("S1"), raw=b"  \n "), 400, "BODY_REQUIRED")


@pytest.mark.parametrize(("route", "body"), [
    ("seller_cancel", {"reason": "CHANGED_MIND"}),  # a buyer's reason on the seller's route
    ("seller_cancel", {"reason": "NOPE"}),
    ("reject", {"reason": "OUT_OF_STOCK"}),
    ("request_cancellation", {"reason": "PRODUCT_PACKED"}),
    ("record_order", {"status": "CANCELLED"}),
    ("record_order", {"status": "SHIPPED"}),
], ids=lambda value: json.dumps(value) if isinstance(value, dict) else value)
def test_unknown_enum_value_in_a_body_is_400(desk: Desk, route: str, body: dict):
    prepared = prepared_once(desk, route)
    error = assert_error(desk.send(prepared, body={**(prepared.body or {}), **body}), 400, "UNKNOWN_ENUM_VALUE")
    assert error["details"]["path"] == f"$.{next(iter(body))}"


@pytest.mark.parametrize("query", ["tab=NOPE", "tab=ALL", "filter=attention", "status=PENDING", "status=requested"])
def test_unknown_enum_value_in_a_query_is_400_with_the_allowed_values(desk: Desk, query: str):
    path = "/seller/cancellations" if query.startswith("status") else "/seller/orders"
    error = assert_error(desk.api.get(f"{path}?{query}", desk.seller_token("S1")), 400, "UNKNOWN_ENUM_VALUE")
    assert error["details"]["allowed"]


def test_filter_outside_the_all_tab_is_400(desk: Desk):
    assert_error(desk.orders("tab=to_ship&filter=cancellation"), 400, "FILTER_NEEDS_ALL_TAB")


def test_reason_not_allowed_lists_the_allowed_reasons_from_the_catalogue(desk: Desk):
    catalogue = desk.reasons().json
    paid = desk.seller_cancel(desk.order(), "BUYER_NOT_PAID_IN_TIME")
    error = assert_error(paid, 400, "REASON_NOT_ALLOWED")
    assert error["details"]["allowed"] == catalogue["seller_cancel_by_status"]["AWAITING_SHIPMENT"]
    unpaid = desk.seller_cancel(desk.order(status="UNPAID"), "ADDRESS_NOT_DELIVERABLE")
    error = assert_error(unpaid, 400, "REASON_NOT_ALLOWED")
    assert error["details"]["allowed"] == catalogue["seller_cancel_by_status"]["UNPAID"]
    _, cancel_id = desk.pending()
    system_only = desk.reject(cancel_id, "ORDER_SHIPPED")
    error = assert_error(system_only, 400, "REASON_NOT_ALLOWED")
    assert error["details"]["allowed"] == [r["reason"] for r in catalogue["reject"] if r["seller_may_use"]]


def test_other_without_a_comment_is_400(desk: Desk):
    order_id = desk.order()
    for comment in ({}, {"comment": "   "}):
        assert_error(desk.request_cancellation(order_id, "OTHER", **comment), 400, "COMMENT_REQUIRED")
    assert desk.request_cancellation(order_id, "OTHER", comment="gift").status_code == 201


# --- query parameters ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("limit", ["0", "101", "abc", "-1", "", "1.5", "1e2", "%C2%B2", "%D9%A3", "+5", "%205",
                                   pytest.param("9" * 5000, id="5000-digits")])
@pytest.mark.parametrize("path", ["/seller/orders", "/seller/cancellations"])
def test_limit_out_of_range_is_400(desk: Desk, path: str, limit: str):
    error = assert_error(desk.api.get(f"{path}?limit={limit}", desk.seller_token("S1")), 400, "INVALID_LIMIT")
    assert len(error["details"]["limit"]) <= 32


@pytest.mark.parametrize("limit", ["1", "20", "100", "007"])
def test_limit_in_range_is_accepted(desk: Desk, limit: str):
    assert desk.api.get(f"/seller/orders?limit={limit}", desk.seller_token("S1")).status_code == 200


@pytest.mark.parametrize("cursor", ["abc", "abc.def", "a.b.c", ".", "%C3%A9.abc", "abc.%C3%A9",
                                    pytest.param("x" * 3000, id="3000-chars"), "eyJvcmRlcl9pZCI6Ik8xIn0.AAAA"])
def test_bad_cursor_is_400(desk: Desk, cursor: str):
    assert_error(desk.api.get(f"/seller/orders?cursor={cursor}", desk.seller_token("S1")), 400, "INVALID_CURSOR")


def test_unknown_and_repeated_query_parameters_are_400(desk: Desk):
    error = assert_error(desk.api.get("/seller/orders?sort=oldest", desk.seller_token("S1")), 400,
                         "UNKNOWN_PARAMETER")
    assert error["details"]["allowed"] == ["cursor", "filter", "limit", "tab"]
    assert_error(desk.api.get("/seller/orders?limit=1&limit=2", desk.seller_token("S1")), 400, "INVALID_PARAMETER")
    assert_error(desk.api.get("/health?verbose=1"), 400, "UNKNOWN_PARAMETER")


# --- routes, methods, sizes, media types -----------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
@pytest.mark.parametrize("path", ["/nope", "/seller", "/seller/orders/O1/explode", "/SELLER/orders",
                                  "/platform/orders/O1/payment/extra", "/buyer/orders", "/openapi.yaml"])
@pytest.mark.parametrize("who", ["anonymous", "seller", "garbage"])
def test_unknown_route_is_404_route_not_found_with_or_without_a_token(desk: Desk, path: str, method: str, who: str):
    token = {"anonymous": None, "seller": desk.seller_token("S1"), "garbage": "not-a-token"}[who]
    assert_error(desk.api.call(method, path, token), 404, "ROUTE_NOT_FOUND")


def _wrong_methods() -> list:
    return [pytest.param(path, method, sorted(methods), id=f"{method} {path}")
            for path, methods in app.routes.items() for method in METHODS if method not in methods]


@pytest.mark.parametrize(("path", "method", "allowed"), _wrong_methods())
def test_known_path_with_a_wrong_method_is_405(desk: Desk, path: str, method: str, allowed: list[str]):
    concrete = path.replace("{order_id}", "O1").replace("{cancel_id}", "C1")
    for token in (None, desk.seller_token("S1")):
        response = desk.api.call(method, concrete, token)
        assert_error(response, 405, "METHOD_NOT_ALLOWED")
        assert sorted(m.strip() for m in header(response, "Allow").split(",")) == allowed


def test_body_over_16_kib_is_413(desk: Desk):
    body = json.dumps({"reason": "OUT_OF_STOCK", "comment": "x" * 20_000}).encode()
    error = assert_error(desk.api.post(cancel_path(desk), desk.seller_token("S1"), raw=body), 413,
                         "PAYLOAD_TOO_LARGE")
    assert error["details"] == {"max_bytes": parsing.MAX_BODY_BYTES}


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded",
                                          "multipart/form-data; boundary=x", "application/xml", "",
                                          "application/jsonp", "json"])
@pytest.mark.parametrize("spec", POST_ROUTES, ids=[spec.name for spec in POST_ROUTES])
def test_non_json_body_on_a_post_route_is_415(desk: Desk, spec, content_type: str):
    prepared = prepared_once(desk, spec.name)
    raw = json.dumps(prepared.body or {}).encode()
    with desk.writes() as writes:
        response = desk.send(prepared, body=None, raw=raw, headers={"Content-Type": content_type})
    error = assert_error(response, 415, "UNSUPPORTED_MEDIA_TYPE")
    assert error["details"]["content_type"] == content_type and writes == []


@pytest.mark.parametrize("content_type", ["application/json; charset=utf-8", "APPLICATION/JSON",
                                          "application/merge-patch+json"])
def test_json_media_types_are_accepted(desk: Desk, content_type: str):
    response = desk.api.post(cancel_path(desk), desk.seller_token("S1"), {"reason": "OUT_OF_STOCK"},
                             headers={"Content-Type": content_type})
    assert response.status_code == 201, response.json


@pytest.mark.parametrize("content_type", ["text/plain", "image/png", "application/xml", ""])
@pytest.mark.parametrize("path", ["/seller/orders", "/seller/action-needed", "/health", "/cancellation-reasons"])
def test_get_routes_accept_any_content_type(desk: Desk, path: str, content_type: str):
    response = desk.api.get(path, desk.seller_token("S1"), headers={"Content-Type": content_type})
    assert response.status_code == 200, response.json


# --- state conflicts -------------------------------------------------------------------------------------------


def _conflict(response, code: str, current: dict) -> None:
    error = assert_error(response, 409, code)
    assert error["details"]["current"] == {**error["details"]["current"], **current}, error


def test_409s_carry_the_current_state(desk: Desk):
    order_id, cancel_id = desk.pending()
    _conflict(desk.request_cancellation(order_id, "CHANGED_MIND"), "CANCELLATION_ALREADY_PENDING",
              {"order_status": "AWAITING_SHIPMENT", "cancel_id": cancel_id})
    _conflict(desk.seller_cancel(order_id, "OUT_OF_STOCK"), "CANCELLATION_REQUEST_PENDING", {"cancel_id": cancel_id})
    _conflict(desk.acknowledge(cancel_id), "CANCELLATION_NOT_AUTO_APPROVED", {"status": "REQUESTED"})
    assert desk.approve(cancel_id).status_code == 200
    _conflict(desk.approve(cancel_id), "CANCELLATION_NOT_PENDING", {"status": "APPROVED"})
    _conflict(desk.withdraw(cancel_id), "CANCELLATION_NOT_PENDING", {"status": "APPROVED"})
    _conflict(desk.ship(order_id, "T1"), "ORDER_ALREADY_CANCELLED", {"order_status": "CANCELLED"})

    shipped = desk.in_transit()
    _conflict(desk.ship(shipped, "T2"), "ORDER_ALREADY_SHIPPED", {"order_status": "IN_TRANSIT"})
    _conflict(desk.pay(shipped), "ORDER_NOT_UNPAID", {"order_status": "IN_TRANSIT"})
    body = desk.order_body()
    assert desk.record_order(body).status_code == 201
    _conflict(desk.record_order({**body, "currency": "USD"}), "ORDER_ALREADY_RECORDED",
              {"order_status": "AWAITING_SHIPMENT"})


def test_answers_after_the_deadline_are_409_with_the_deadline(desk: Desk):
    _, cancel_id = desk.pending()
    respond_by = (utc_now() + timedelta(hours=48)).strftime("%Y-%m-%dT%H:%M:%SZ")
    desk.clock.shift(timedelta(hours=48))
    _conflict(desk.approve(cancel_id), "RESPONSE_DEADLINE_PASSED", {"status": "REQUESTED", "respond_by": respond_by})
    _conflict(desk.reject(cancel_id, "DELIVERY_ON_SCHEDULE"), "RESPONSE_DEADLINE_PASSED",
              {"status": "REQUESTED", "respond_by": respond_by})
    _conflict(desk.withdraw(cancel_id), "RESPONSE_DEADLINE_PASSED", {"status": "REQUESTED"})


# --- never a 500 -----------------------------------------------------------------------------------------------


def test_an_unexpected_failure_is_a_500_in_the_shape_without_internals(desk: Desk, monkeypatch):
    from chalicelib.service import views

    def broken(identity):
        raise RuntimeError("secret internals: table cancel-desk-seller-counters at 10.0.0.7")

    monkeypatch.setattr(views, "action_needed", broken)
    response = desk.api.get("/seller/action-needed", desk.seller_token("S1"), documented=False)
    error = assert_error(response, 500, "INTERNAL_ERROR")
    assert "details" not in error and "secret" not in response.body.decode()


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)
POST_NAMES = [spec.name for spec in POST_ROUTES]


def _mutated(prepared: Prepared, data: st.DataObject) -> dict | object:
    body = dict(prepared.body or {})
    kind = data.draw(st.sampled_from(["replace", "add", "drop", "anything"]))
    if kind == "replace" and body:
        body[data.draw(st.sampled_from(sorted(body)))] = data.draw(JSON_VALUES)
    elif kind == "add":
        body[data.draw(st.text(max_size=12))] = data.draw(JSON_VALUES)
    elif kind == "drop" and body:
        body.pop(data.draw(st.sampled_from(sorted(body))))
    elif kind == "anything":
        return data.draw(JSON_VALUES)
    return body


def _no_server_error(response) -> None:
    assert response.status_code < 500, (response.status_code, response.json)
    if response.status_code >= 400:
        assert_error(response, response.status_code)


@FUZZ
@given(data=st.data())
def test_generated_bodies_never_cause_a_server_error(desk: Desk, data: st.DataObject):
    prepared = prepared_once(desk, data.draw(st.sampled_from(POST_NAMES)))
    _no_server_error(desk.send(prepared, body=_mutated(prepared, data)))


@FUZZ
@given(raw=st.binary(max_size=300), name=st.sampled_from(POST_NAMES))
def test_generated_raw_bytes_never_cause_a_server_error(desk: Desk, raw: bytes, name: str):
    _no_server_error(desk.send(prepared_once(desk, name), body=None, raw=raw))


QUERY_NAMES = st.sampled_from(["limit", "cursor", "tab", "status", "filter"]) | st.text(max_size=10)


@FUZZ
@given(params=st.lists(st.tuples(QUERY_NAMES, st.text(max_size=60)), max_size=4),
       path=st.sampled_from(["/seller/orders", "/seller/cancellations", "/seller/action-needed",
                             "/seller/metrics/sfcr", "/health"]))
def test_generated_query_strings_never_cause_a_server_error(desk: Desk, params: list, path: str):
    query = urlencode(params)
    _no_server_error(desk.api.get(f"{path}?{query}" if query else path, desk.seller_token("S1")))


@FUZZ
@given(object_id=st.text(min_size=1, max_size=80),
       template=st.sampled_from(["/seller/orders/{}", "/seller/cancellations/{}/approve", "/buyer/orders/{}",
                                 "/platform/orders/{}/payment", "/seller/orders/{}/ship"]))
def test_generated_path_ids_never_cause_a_server_error(desk: Desk, object_id: str, template: str):
    path = template.format(quote(object_id, safe=""))
    role = template.split("/")[1]
    method = "POST" if template.count("/") == 4 else "GET"
    body = {"tracking_number": "T1"} if path.endswith("/ship") else None
    response = desk.api.call(method, path, desk.token_for(role), body=body)
    _no_server_error(response)
    assert response.status_code in (400, 404), (path, response.status_code)


@FUZZ
@given(key=st.text(alphabet=st.characters(min_codepoint=1, max_codepoint=255), max_size=300),
       authorization=st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=80))
def test_generated_headers_never_cause_a_server_error(desk: Desk, key: str, authorization: str):
    prepared = prepared_once(desk, "approve")
    _no_server_error(desk.send(prepared, headers={"Idempotency-Key": key}))
    _no_server_error(desk.send(prepared, None, headers={"Authorization": authorization}))
