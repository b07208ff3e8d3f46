"""Declares every route once: its role, body, answers and query; the same declaration drives checking,
the fail-closed auth gate, idempotency and `/openapi.json`."""

import functools
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

import msgspec
from chalice.app import Blueprint, Request, Response
from pynamodb.exceptions import PynamoDBException

from ..auth.tokens import AuthFailure, from_context
from ..domain.clock import utc_now
from ..domain.errors import DomainError
from ..domain.identity import Identity, Role
from ..service.executor import Decider, Outcome, execute
from ..store.transactions import Contention, IdempotencyKeyTaken
from . import schemas
from .auth import jwt_authorizer
from .errors import JSON, ApiError, busy_response, from_api, from_domain
from .idempotency import HEADER as IDEMPOTENCY_HEADER
from .idempotency import Idempotency

MAX_BODY_BYTES = 16 * 1024
_LIMIT = re.compile(r"[0-9]{1,9}")
PATH_ID = schemas.ID_PATTERN


class QueryParam(msgspec.Struct, frozen=True):
    name: str
    schema: dict[str, Any]
    description: str


class RouteSpec(msgspec.Struct, frozen=True):
    path: str
    method: str
    role: Role | None
    summary: str
    response: type | None
    status: int
    body: type | None = None
    query: tuple[QueryParam, ...] = ()
    errors: tuple[int, ...] = ()
    tag: str = ""
    name: str = ""


REGISTRY: list[RouteSpec] = []


class Ctx(msgspec.Struct):
    identity: Identity | None
    body: Any
    query: dict[str, str]
    now: datetime
    request: Request


class Command(msgspec.Struct):
    """A state change: how to decide it, and how to answer (status, Struct) once it is decided."""

    decide: Decider
    answer: Callable[[Outcome], tuple[int, msgspec.Struct]]


def encode(payload: msgspec.Struct | dict) -> str:
    return msgspec.json.encode(payload).decode()


def ok(payload: msgspec.Struct, status: int = 200) -> Response:
    return Response(body=encode(payload), status_code=status, headers=dict(JSON))


def endpoint(bp: Blueprint, path: str, method: str, *, role: Role | None, summary: str,
             response: type | None, status: int = 200, body: type | None = None,
             query: tuple[QueryParam, ...] = (), errors: tuple[int, ...] = (), tag: str = ""):
    def register(handler: Callable[..., Any]):
        spec = RouteSpec(path, method, role, summary, response, status, body, query, errors, tag, handler.__name__)
        REGISTRY.append(spec)

        @functools.wraps(handler)
        def view(**path_params: str) -> Response:
            request = bp.current_request
            try:
                return _serve(spec, handler, request, path_params)
            except ApiError as error:
                return from_api(error)
            except DomainError as error:
                return from_domain(error)
            except (Contention, PynamoDBException) as error:
                busy = busy_response(error)
                if busy is None:
                    raise
                return busy

        bp.route(path, methods=[method], authorizer=jwt_authorizer if role else None,
                 content_types=["*/*"], name=handler.__name__)(view)
        return handler

    return register


def _serve(spec: RouteSpec, handler: Callable[..., Any], request: Request, path_params: dict[str, str]) -> Response:
    identity = _gate(spec, request)
    for name, value in path_params.items():
        if not _is_id(value):
            raise ApiError(400, "INVALID_ID", f"{name} must be 1-64 letters, digits, '_' or '-'.",
                           details={"parameter": name})
    now = utc_now()
    if spec.method != "POST":
        ctx = Ctx(identity, None, _query(spec, request), now, request)
        return handler(ctx, **path_params)

    raw = _raw_body(request)
    ctx = Ctx(identity, _parse_body(spec, request, raw), {}, now, request)
    result = handler(ctx, **path_params)
    if not isinstance(result, Command):
        return result
    concrete_path = spec.path.format(**path_params)
    assert identity is not None
    # The body as understood, not as spelled: whitespace, key order or an explicit null for an omitted
    # optional field do not make a retry a different request.
    canonical = msgspec.json.encode(ctx.body, order="sorted")
    idem = Idempotency.from_request(request.headers.get(IDEMPOTENCY_HEADER), identity, spec.method, concrete_path,
                                    canonical, now)
    return _run(result, now, idem)


def _run(command: Command, now: datetime, idem: Idempotency | None) -> Response:
    def answer(outcome: Outcome) -> tuple[int, str]:
        status, payload = command.answer(outcome)
        return status, encode(payload)

    seal = (lambda outcome: idem.seal(*answer(outcome))) if idem else None
    try:
        outcome = execute(command.decide, now, seal, retry_conflicts=True)
    except IdempotencyKeyTaken:
        assert idem is not None
        replayed = idem.replay()
        if replayed is None:  # the earlier record expired in between: nothing to replay, act afresh
            outcome = execute(command.decide, now, None, retry_conflicts=True)
        else:
            return replayed
    except DomainError as error:
        response = from_domain(error)
        return idem.keep(response) if idem else response
    status, body = answer(outcome)
    response = Response(body=body, status_code=status, headers=dict(JSON))
    if outcome.change is None and idem is not None:
        return idem.keep(response)
    return response


def _gate(spec: RouteSpec, request: Request) -> Identity | None:
    """Fail closed: a route with a role needs a verified identity of exactly that role."""
    if spec.role is None:
        return None
    context = (request.context or {}).get("authorizer") or {}
    try:
        identity = from_context(context)
    except AuthFailure as failure:
        raise ApiError(401, failure.code, failure.message,
                       headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}) from failure
    if identity.role is not spec.role:
        raise ApiError(403, "ROLE_NOT_ALLOWED", f"This route is for the {spec.role.value} role.",
                       details={"required_role": spec.role.value})
    return identity


def _is_id(value: str) -> bool:
    return 0 < len(value) <= 64 and all(c.isascii() and (c.isalnum() or c in "_-") for c in value)


def _raw_body(request: Request) -> bytes:
    raw = request.raw_body or b""
    if isinstance(raw, str):
        raw = raw.encode()
    if len(raw) > MAX_BODY_BYTES:
        raise ApiError(413, "PAYLOAD_TOO_LARGE", f"The body is over {MAX_BODY_BYTES // 1024} KiB.",
                       details={"max_bytes": MAX_BODY_BYTES})
    return raw


def _is_json(content_type: str | None) -> bool:
    if not content_type:
        return False
    media = content_type.split(";")[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


def _parse_body(spec: RouteSpec, request: Request, raw: bytes) -> Any:
    body_type = spec.body or schemas.EmptyIn
    if not raw.strip():
        if body_type is schemas.EmptyIn:
            return schemas.EmptyIn()
        raise ApiError(400, "BODY_REQUIRED", "This route needs a JSON body.")
    if not _is_json(request.headers.get("content-type")):
        raise ApiError(415, "UNSUPPORTED_MEDIA_TYPE", "Send the body as application/json.",
                       details={"content_type": request.headers.get("content-type")})
    try:
        return msgspec.json.decode(raw, type=body_type)
    except msgspec.ValidationError as error:
        raise validation_error(str(error)) from error
    except msgspec.DecodeError as error:
        raise ApiError(400, "MALFORMED_JSON", "The body is not valid JSON.", details={"problem": str(error)}) from error


def validation_error(problem: str) -> ApiError:
    path = problem.rsplit(" - at `", 1)[1].rstrip("`") if " - at `" in problem else "$"
    if problem.startswith("Object contains unknown field"):
        code = "UNKNOWN_FIELD"
    elif problem.startswith("Invalid enum value"):
        code = "UNKNOWN_ENUM_VALUE"
    elif problem.startswith("Object missing required field"):
        code = "MISSING_FIELD"
    else:
        code = "INVALID_FIELD"
    return ApiError(400, code, problem.split(" - at `")[0] + ".", details={"path": path, "problem": problem})


def _query(spec: RouteSpec, request: Request) -> dict[str, str]:
    given = request.query_params or {}
    allowed = {param.name for param in spec.query}
    values: dict[str, str] = {}
    for name in given:
        if name not in allowed:
            raise ApiError(400, "UNKNOWN_PARAMETER", f"Unknown query parameter {name[:64]!r}.",
                           details={"allowed": sorted(allowed)})
        all_values = given.getlist(name)
        if len(all_values) != 1:
            raise ApiError(400, "INVALID_PARAMETER", f"Give the query parameter {name} once.")
        values[name] = all_values[0]
    return values


def limit_param(query: dict[str, str], default: int = 20, maximum: int = 100) -> int:
    raw = query.get("limit")
    if raw is None:
        return default
    # A few ASCII digits only: str.isdigit() admits "²" (int() fails: a 500) and "٣"; huge ones overflow int().
    if not _LIMIT.fullmatch(raw) or not 1 <= int(raw) <= maximum:
        raise ApiError(400, "INVALID_LIMIT", f"limit must be a whole number from 1 to {maximum}.",
                       details={"limit": raw[:32]})
    return int(raw)


def enum_param(query: dict[str, str], name: str, kind: type, default: Any = None) -> Any:
    raw = query.get(name)
    if raw is None:
        return default
    try:
        return kind(raw)
    except ValueError as error:
        raise ApiError(400, "UNKNOWN_ENUM_VALUE", f"Unknown {name} {raw[:64]!r}.",
                       details={"allowed": [member.value for member in kind]}) from error
