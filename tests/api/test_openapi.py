"""`GET /openapi.json` is a valid OpenAPI 3.1 document that is true to the code: the same routes (both ways),
bearer security exactly where a role is required, request schemas that accept what the app accepts and refuse
what it refuses, and response schemas that every answer the app gives matches (each answer that passes through
`tests.support.desk.CheckedApi`, in every suite that uses it, is validated against this document)."""

import inspect
import re
from datetime import timedelta
from urllib.parse import urljoin

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import OpenAPIV31SpecValidator

from app import app
from chalicelib.api import route_facts
from chalicelib.api.openapi import _STATUS_TEXT
from chalicelib.api.routing import REGISTRY
from chalicelib.domain import limits, reasons
from chalicelib.domain.reasons import BuyerReason, RejectReason, SellerCancelReason
from tests.support.desk import DOCUMENT, POST_ROUTES, ROLE_ROUTES, VIEWER_ROUTES, Desk

OPEN_ROUTES = [spec for spec in REGISTRY if spec.role is None]


@pytest.fixture(scope="module")
def served(desk: Desk) -> dict:
    response = desk.api.get("/openapi.json")
    assert response.status_code == 200
    return response.json


def operations(doc: dict) -> dict[tuple[str, str], dict]:
    return {(method.upper(), path): operation for path, item in doc["paths"].items()
            for method, operation in item.items()}


def chalice_routes() -> dict[tuple[str, str], object]:
    """Every route in Chalice's table but the viewer's page and files, which are not operations of the API."""
    return {(method, path): entry for path, methods in app.routes.items() for method, entry in methods.items()
            if (method, path) not in VIEWER_ROUTES}


def test_the_served_document_is_valid_openapi_3_1(served: dict):
    assert served["openapi"].startswith("3.1")
    errors = [error.message for error in OpenAPIV31SpecValidator(served).iter_errors()]
    assert errors == []
    assert served == DOCUMENT.doc  # the oracle the other suites use is the document the app serves


def test_every_chalice_route_is_documented_and_every_documented_operation_is_a_route(served: dict):
    assert set(operations(served)) == set(chalice_routes())
    assert len(operations(served)) == len(REGISTRY)


def test_every_operation_is_described_by_its_handlers_docstring(served: dict):
    for where, operation in operations(served).items():
        handler_doc = inspect.getdoc(chalice_routes()[where].view_function) or ""
        assert operation["description"] == route_facts.fill(" ".join(handler_doc.split())), where
        assert operation["description"].strip(), where
        assert not route_facts.PLACEHOLDER.search(operation["description"] + operation["summary"]), where


# --- what a route's words state comes from where the rule lives (route_facts) ----------------------------------

# Numbers a description may write itself: none is a limit, a window or a count of the desk's.
NOT_FACTS = re.compile(r"OpenAPI 3\.1|\bv1\b|\b1 to\b|\(0 before")
REASON_CODES = frozenset(str(m.value) for kind in (BuyerReason, SellerCancelReason, RejectReason) for m in kind)


def stated_facts(text: str) -> list[str]:
    """What a route's summary or description states as its own where it should name a fact: a number that is not
    an HTTP status the API answers, or a reason code (the catalogue's lists: which need a comment or a file,
    which may cancel some items, which only the system gives)."""
    text = NOT_FACTS.sub("", route_facts.PLACEHOLDER.sub("", text))
    numbers = [n for n in re.findall(r"\d+(?:[.,]\d+)*", text) if not (n.isdigit() and int(n) in _STATUS_TEXT)]
    return numbers + [word for word in re.findall(r"\b[A-Z][A-Z_]+\b", text) if word in REASON_CODES]


def test_no_route_states_a_limit_window_or_reason_list_of_its_own():
    stated = {f"{spec.method} {spec.path} ({part})": found for spec in REGISTRY
              for part, text in (("summary", spec.summary), ("description", spec.description))
              if (found := stated_facts(text))}
    assert stated == {}, "name each as {FACT} (chalicelib/api/route_facts.py) instead"


def test_the_facts_follow_their_source(monkeypatch: pytest.MonkeyPatch):
    reject = next(spec for spec in REGISTRY if spec.name == "reject")
    assert "up to 6 uploaded files" in route_facts.fill(reject.description)
    assert "PRODUCT_PACKED and AGREED_WITH_BUYER need at least one" in route_facts.fill(reject.description)
    monkeypatch.setattr(limits, "MAX_EVIDENCE_FILES", 8)
    monkeypatch.setattr(reasons, "EVIDENCE_REQUIRED", frozenset({RejectReason.PRODUCT_PACKED}))
    assert "up to 8 uploaded files" in route_facts.fill(reject.description)
    assert "PRODUCT_PACKED need at least one" in route_facts.fill(reject.description)
    assert (route_facts.span(timedelta(hours=1), "hour"), route_facts.span(timedelta(days=5), "day")) == (
        "an hour", "5 days")
    with pytest.raises(ValueError, match="whole number"):
        route_facts.span(timedelta(minutes=90), "hour")
    with pytest.raises(KeyError, match="NO_SUCH_FACT"):
        route_facts.fill("at most {NO_SUCH_FACT}")


def test_the_check_catches_a_number_or_a_reason_list_written_by_hand():
    assert stated_facts("Answers 201; at most {MAX_BULK_IDS} ids, 1 to the total, signed v1, OpenAPI 3.1") == []
    assert stated_facts("up to 6 files, kept 30 days, a body over 16.5 KiB is 413") == ["6", "30", "16.5"]
    assert stated_facts("comments of 500 characters") == ["500"]  # not a status this API answers
    assert stated_facts("PRODUCT_PACKED and AGREED_WITH_BUYER need one (400 EVIDENCE_REQUIRED)") == [
        "PRODUCT_PACKED", "AGREED_WITH_BUYER"]


@pytest.mark.parametrize(("document_at", "api_root"), [
    ("http://127.0.0.1:8000/openapi.json", "http://127.0.0.1:8000/"),  # make run
    ("https://abc123.execute-api.us-east-1.amazonaws.com/api/openapi.json",  # behind API Gateway's stage
     "https://abc123.execute-api.us-east-1.amazonaws.com/api/"),
])
def test_the_server_is_relative_to_where_the_document_is_served(served: dict, document_at: str, api_root: str):
    [server] = served["servers"]
    assert urljoin(document_at, server["url"]) == api_root
    assert urljoin(urljoin(document_at, server["url"]), "seller/orders") == api_root + "seller/orders"


def test_bearer_security_exactly_where_a_role_is_required(served: dict):
    assert served["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    roles = {(spec.method, spec.path): spec.role for spec in REGISTRY}
    for where, operation in operations(served).items():
        has_authorizer = chalice_routes()[where].authorizer is not None
        secured = operation["security"] == [{"bearerAuth": []}]
        assert secured == has_authorizer == (roles[where] is not None), where
        assert operation["security"] in ([], [{"bearerAuth": []}]), where
        if secured:
            assert {"401", "403", "429"} <= set(operation["responses"]), where
            assert operation["x-role"] == roles[where].value


def test_parameters_match_the_routes(served: dict):
    for spec in REGISTRY:
        operation = operations(served)[(spec.method, spec.path)]
        by_place: dict[str, set[str]] = {}
        for parameter in operation["parameters"]:
            by_place.setdefault(parameter["in"], set()).add(parameter["name"])
        assert by_place.get("path", set()) == set(re.findall(r"{(\w+)}", spec.path)), spec.path
        assert by_place.get("query", set()) == {q.name for q in spec.query}, spec.path
        idempotent = {"Idempotency-Key"} if spec.method == "POST" else set()
        assert by_place.get("header", set()) == idempotent | {h.name for h in spec.headers}, spec.path
        if "{" in spec.path:
            assert "404" in operation["responses"]
        if spec.method == "POST":
            assert {"400", "409", "413", "415", "422"} <= set(operation["responses"]), spec.path
            body = operation["requestBody"]
            assert body["required"] == (spec.body is not None)


def test_the_reason_catalogue_documents_its_language_parameter_and_headers(served: dict):
    operation = operations(served)[("GET", "/cancellation-reasons")]
    assert {(p["in"], p["name"]) for p in operation["parameters"]} == {("query", "locale"),
                                                                      ("header", "Accept-Language")}
    assert set(operation["responses"]["200"]["headers"]) == {"Content-Language", "Vary"}
    shapes = served["components"]["schemas"]
    for name in ("BuyerReasonOut", "SellerCancelReasonOut", "RejectReasonOut"):
        assert shapes[name]["properties"]["label"]["type"] == "string", name
        assert "label" in shapes[name]["required"], name


def _request_validator(served: dict, spec) -> Draft202012Validator:
    schema = operations(served)[(spec.method, spec.path)]["requestBody"]["content"]["application/json"]["schema"]
    return DOCUMENT.validator(schema)


@pytest.mark.parametrize("spec", POST_ROUTES, ids=[spec.name for spec in POST_ROUTES])
def test_request_schemas_accept_what_the_app_accepts_and_refuse_what_it_refuses(desk: Desk, served: dict, spec):
    validator = _request_validator(served, spec)
    prepared = desk.prepare(spec.name)
    body = prepared.body or {}
    assert list(validator.iter_errors(body)) == []
    refused = [{**body, "status": "APPROVED"}]  # unknown fields: additionalProperties false
    if "comment" in (spec.body.__struct_fields__ if spec.body else ()):
        refused.append({**body, "comment": "x" * 501})
    if spec.name == "record_order":
        refused += [{**body, "order_id": "O" * 65}, {**body, "seller_id": "S1\n"}, {**body, "items": []},
                    {**body, "currency": "idr"}]
    if spec.name == "ship":
        refused.append({"tracking_number": "T 1"})
    for bad in refused:
        assert list(validator.iter_errors(bad)), bad
        response = desk.send(prepared, body=bad)
        assert response.status_code == 400, (bad, response.json)
    assert desk.send(prepared).status_code == spec.status


def test_documented_limits_are_the_ones_enforced(desk: Desk, served: dict):
    limit = next(p for p in operations(served)[("GET", "/seller/orders")]["parameters"] if p["name"] == "limit")
    assert (limit["schema"]["minimum"], limit["schema"]["maximum"], limit["schema"]["default"]) == (1, 100, 20)
    assert desk.orders("limit=100").status_code == 200
    assert desk.orders("limit=101").status_code == 400
    key = next(p for p in operations(served)[("POST", "/seller/orders/{order_id}/cancel")]["parameters"]
               if p["name"] == "Idempotency-Key")
    assert key["schema"]["maxLength"] == 255


@pytest.mark.parametrize("spec", ROLE_ROUTES + OPEN_ROUTES, ids=[s.name for s in ROLE_ROUTES + OPEN_ROUTES])
def test_each_routes_answer_matches_its_documented_schema(desk: Desk, spec):
    response = desk.api.get(spec.path) if spec.role is None else desk.send(desk.prepare(spec.name))
    assert response.status_code == spec.status, response.json
    assert DOCUMENT.problems(spec.method, spec.path, response.status_code, response.json) == []
    documented = operations(DOCUMENT.doc)[(spec.method, spec.path)]["responses"][str(spec.status)]
    if spec.response is not None:
        schema = documented["content"]["application/json"]["schema"]
        assert schema == {"$ref": f"#/components/schemas/{spec.response.__name__}"}


def test_answers_with_every_optional_part_filled_match_the_document(desk: Desk):
    """History, handover warning, cancellations, pages with cursors."""
    seller = desk.seller_token("S1")
    order_id, cancel_id = desk.pending()
    desk.pending()
    assert desk.reject(cancel_id, "DELIVERY_ON_SCHEDULE", comment="packed").status_code == 200
    _, auto_id = desk.auto_approved()
    desk.acknowledge(auto_id)
    for path in (f"/seller/orders/{order_id}", "/seller/orders?limit=1", "/seller/cancellations?limit=1",
                 "/seller/orders?filter=cancellation&limit=1", f"/seller/cancellations/{auto_id}",
                 "/seller/metrics/sfcr", "/seller/action-needed"):
        response = desk.api.get(path, seller)  # CheckedApi validates against the document
        assert response.status_code == 200
    assert desk.buyer_order(order_id).json["cancellations"]


def test_the_oracle_itself_catches_a_mismatch():
    """The check the suites rely on can fail: a wrong body, an undocumented status, an unknown route's body."""
    good = {"cancellation": {"total": 1, "cancellation_requested": 1, "auto_approved": 0, "due_soon": 0,
                             "awaiting_buyer": 0}}
    assert DOCUMENT.problems("GET", "/seller/action-needed", 200, good) == []
    assert DOCUMENT.problems("GET", "/seller/action-needed", 200, {"cancellation": {"total": "1"}})
    assert DOCUMENT.problems("GET", "/seller/action-needed", 409, {"error": {"code": "X", "message": "m"}})
    assert DOCUMENT.problems("GET", "/nowhere", 404, {"error": {"code": "lower", "message": "m"}})
    assert DOCUMENT.problems("POST", "/seller/orders/O1/cancel", 201, {"cancel_id": "c"})


def test_the_event_feed_is_documented_with_a_never_null_cursor_and_its_types():
    from chalicelib.api.openapi import document
    from chalicelib.domain.event_types import TYPES

    doc = document()
    operation = doc["paths"]["/seller/events"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"types", "limit", "cursor"}
    page = doc["components"]["schemas"]["EventPage"]
    assert page["properties"]["next_cursor"]["type"] == "string" and "next_cursor" in page["required"]
    event = doc["components"]["schemas"]["EventOut"]
    assert event["properties"]["type"]["enum"] == list(TYPES)
    assert set(event["required"]) == {"id", "type", "occurred_at", "seller_id", "order_id", "sequence", "data"}
    assert doc["components"]["schemas"]["EventData"]["required"] == ["order"]


def test_the_document_lists_every_emitted_event_type_and_history_action_from_one_source():
    """The envelope's `type`, the webhook's `event_types` and the history's `action` are the domain's lists."""
    from chalicelib.api.openapi import document
    from chalicelib.domain.enums import HistoryAction
    from chalicelib.domain.event_types import TYPES
    from chalicelib.domain.webhooks import ALL_TYPES

    schemas = document()["components"]["schemas"]
    assert schemas["EventOut"]["properties"]["type"]["enum"] == list(TYPES)
    subscribed = schemas["WebhookIn"]["properties"]["event_types"]
    assert subscribed["items"]["enum"] == [ALL_TYPES, *TYPES]
    assert subscribed["maxItems"] == len(TYPES) + 1
    assert schemas["HistoryOut"]["properties"]["action"] == {"$ref": "#/components/schemas/HistoryAction"}
    assert schemas["HistoryAction"]["enum"] == sorted(HistoryAction)
