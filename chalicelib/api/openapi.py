"""The OpenAPI 3.1 document, built from the route declarations and the Structs that validate and answer."""

import re
from functools import lru_cache
from typing import Any

import msgspec

from ..answers import shapes
from ..domain import ids
from . import route_facts, schemas
from .parsing import MAX_BODY_BYTES
from .routing import REGISTRY, RouteSpec

_PATH_PARAM = re.compile(r"{(\w+)}")
_REF = "#/components/schemas/{name}"
# Relative, so resolved against where the document was fetched (OpenAPI 3.1, Server Object): /openapi.json
# locally, /<stage>/openapi.json behind API Gateway (or a custom domain's base path), and "." is the folder
# the API's paths hang from in each. A Host-and-stage URL built per request would have to trust the Host header
# and could not be cached; this one is the same for every caller.
SERVERS: list[dict[str, str]] = [{"url": ".", "description": "This API, where this document is served"}]

_STATUS_TEXT = {
    200: "OK", 201: "Created", 202: "Accepted: queued for delivery", 204: "Done; no content",
    400: "Bad request: malformed JSON, wrong types, unknown fields or enum values, "
    "reason not allowed, bad cursor or limit", 401: "Missing, invalid or expired token",
    403: "The token's role may not use this route", 404: "Not found, or not the caller's",
    409: "The object's state forbids the action; details.current gives it",
    413: f"Body over {MAX_BODY_BYTES // 1024} KiB",
    415: "Body not application/json", 422: "Idempotency-Key reused with a different body",
    429: "RATE_LIMITED: the caller is over its rate limit (API Gateway, before the app runs); retry after "
    "Retry-After seconds",
    503: "DynamoDB is busy (throttled or in conflict); retry after Retry-After seconds",
}


def _error_statuses(spec: RouteSpec) -> list[int]:
    statuses = set(spec.errors) | {400}  # every route refuses unknown or repeated query parameters
    if spec.role is not None:
        statuses |= {401, 403, 429, 503}  # 429: each caller's usage plan, keyed by the authorizer
    if _PATH_PARAM.search(spec.path):
        statuses |= {400, 404}
    if spec.query:
        statuses.add(400)
    if spec.method == "POST":
        statuses |= {400, 409, 413, 415, 422}
    if spec.method == "PUT":  # a body, replaced on a version: no Idempotency-Key
        statuses |= {400, 409, 413, 415}
    return sorted(statuses)


def _operation(spec: RouteSpec, facts: dict[str, str]) -> dict[str, Any]:
    """The route's operation; `facts` fill the `{NAME}`s of its summary and description (route_facts)."""
    parameters: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True,
         "schema": {"type": "string", "minLength": 1, "maxLength": ids.MAX_LENGTH, "pattern": ids.PATTERN,
                    "description": ids.DESCRIPTION}}
        for name in _PATH_PARAM.findall(spec.path)
    ]
    parameters += [{"name": q.name, "in": "query", "required": False, "schema": q.schema,
                    "description": q.description} for q in spec.query]
    parameters += [{"name": h.name, "in": "header", "required": False, "schema": h.schema,
                    "description": h.description} for h in spec.headers]
    if spec.method == "POST":
        parameters.append({
            "name": "Idempotency-Key", "in": "header", "required": False,
            "schema": {"type": "string", "minLength": 1, "maxLength": 255},
            "description": "Retries with the same key and body replay the first answer (kept 24 h)",
        })
    success: dict[str, Any] = {"description": _STATUS_TEXT.get(spec.status, "OK")}
    if spec.status == 204:
        pass  # no body
    elif spec.response is not None:
        success["content"] = {"application/json": {"schema": {"$ref": _REF.format(name=spec.response.__name__)}}}
    else:
        success["content"] = {"application/json": {"schema": {"type": "object"}}}
    if spec.answer_headers:
        success["headers"] = {h.name: {"schema": h.schema, "description": h.description} for h in spec.answer_headers}
    responses: dict[str, Any] = {str(spec.status): success}
    if spec.name == "record_order":
        responses["200"] = {"description": "Already recorded with the same body", **{
            "content": success["content"]}}
    for status in _error_statuses(spec):
        responses[str(status)] = {
            "description": _STATUS_TEXT[status],
            "content": {"application/json": {"schema": {"$ref": _REF.format(name="ErrorOut")}}},
        }
    operation: dict[str, Any] = {
        "operationId": spec.name,
        "summary": route_facts.fill(spec.summary, facts),
        "description": route_facts.fill(spec.description, facts),
        "tags": [spec.tag] if spec.tag else [],
        "parameters": parameters,
        "responses": responses,
        "security": [{"bearerAuth": []}] if spec.role else [],
    }
    if spec.role is not None:
        operation["x-role"] = spec.role.value
    if spec.method in ("POST", "PUT"):
        body_type = spec.body or schemas.EmptyIn
        operation["requestBody"] = {
            "required": spec.body is not None,
            "content": {"application/json": {"schema": {"$ref": _REF.format(name=body_type.__name__)}}},
        }
    return operation


@lru_cache(maxsize=1)
def document() -> dict[str, Any]:
    from .webhook_schemas import WEBHOOK_PAYLOADS, webhooks_section

    types: set[type] = {shapes.ErrorOut, schemas.EmptyIn, *WEBHOOK_PAYLOADS}
    for spec in REGISTRY:
        types.update(t for t in (spec.response, spec.body) if t is not None)
    _, components = msgspec.json.schema_components(sorted(types, key=lambda t: t.__name__), ref_template=_REF)
    paths: dict[str, dict[str, Any]] = {}
    facts = route_facts.facts()
    for spec in REGISTRY:
        paths.setdefault(spec.path, {})[spec.method.lower()] = _operation(spec, facts)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Cancellation desk",
            "version": "1.0.0",
            "description": "Seller Center cancellations: buyer requests, seller cancellations, "
                           "auto-approval of unanswered requests, and the seller-fault cancellation rate.",
        },
        "servers": SERVERS,
        "paths": paths,
        "webhooks": webhooks_section(_REF),
        "components": {
            "schemas": components,
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
        },
    }

