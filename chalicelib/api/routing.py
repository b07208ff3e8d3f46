"""Declares every route once: its role, body, answers and query. The same declaration drives the checks
(`parsing`), the fail-closed auth gate (`gate`), idempotency and single commands (`service.single`), and
`/openapi.json` (`openapi`); this module only registers routes and wires those together."""

import functools
import importlib
import inspect
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import msgspec
from chalice.app import Blueprint, Request, Response
from pynamodb.exceptions import PynamoDBException

from ..domain.clock import utc_now
from ..domain.errors import DomainError
from ..domain.identity import Identity, Role
from ..domain.limits import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from ..service.idempotency import Answer
from ..service.single import Command, run
from ..store.contention import Contention, Unavailable
from . import idempotency, parsing
from .auth import jwt_authorizer
from .errors import JSON, ApiError, busy_body, busy_response, error_body, from_api, from_domain, status_of
from .gate import identity_for

if TYPE_CHECKING:
    from ..service.bulk import Bulk


class QueryParam(msgspec.Struct, frozen=True):
    name: str
    schema: dict[str, Any]
    description: str
    # Given more than once, not refused: the view reads every value (Ctx.every); ctx.query holds the first.
    repeatable: bool = False


# Every list's paging parameters (api.md, Pagination), read by `parsing.limit_param`.
LIMIT_PARAM = QueryParam("limit", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE,
                                   "default": DEFAULT_PAGE_SIZE}, "Page size")
PAGE_PARAMS = (
    LIMIT_PARAM,
    QueryParam("cursor", {"type": "string", "maxLength": 2048}, "next_cursor of the previous page"),
)


# A route's body or answer type, or "module:Name" naming it: a route family used by few requests names its
# schemas so that their module loads on the first request that needs one, not at cold start.
Schema = type | str


@functools.cache
def resolve(schema: Schema) -> type:
    """The type a Schema names (imported once, then cached)."""
    if isinstance(schema, type):
        return schema
    module, _, name = schema.partition(":")
    found = getattr(importlib.import_module(module), name)
    if not isinstance(found, type):
        raise TypeError(f"{schema} names no type")
    return found


class RouteSpec(msgspec.Struct, frozen=True, kw_only=True):
    path: str
    method: str
    role: Role | None
    summary: str
    response_schema: Schema | None
    status: int
    body_schema: Schema | None = None
    query: tuple[QueryParam, ...] = ()
    # Request headers the view reads, and headers its success answer carries: for the document only.
    headers: tuple[QueryParam, ...] = ()
    answer_headers: tuple[QueryParam, ...] = ()
    errors: tuple[int, ...] = ()
    tag: str = ""
    name: str = ""
    description: str = ""

    @property
    def body(self) -> type | None:
        return None if self.body_schema is None else resolve(self.body_schema)

    @property
    def response(self) -> type | None:
        return None if self.response_schema is None else resolve(self.response_schema)


REGISTRY: list[RouteSpec] = []


B = TypeVar("B")


class Ctx(msgspec.Struct, Generic[B], frozen=True):
    """What a view gets: who calls (None on an open route), the body decoded into the route's declared type
    (`Ctx[schemas.RejectIn]`; None for a GET), the query, and `now`."""

    identity: Identity | None
    body: B
    query: dict[str, str]
    now: datetime
    request: Request

    def every(self, name: str) -> list[str]:
        """Every value of a repeatable query parameter, in the order given; [] when it is not given."""
        params = self.request.query_params
        return params.getlist(name) if params is not None and name in self.query else []

    @property
    def caller(self) -> Identity:
        """The identity of a gated route's caller (the gate has checked it is there)."""
        assert self.identity is not None, "open routes have no caller"
        return self.identity


def encode(payload: msgspec.Struct | dict[str, Any]) -> str:
    return msgspec.json.encode(payload).decode()


def ok(payload: msgspec.Struct, status: int = 200) -> Response:
    return Response(body=encode(payload), status_code=status, headers=dict(JSON))


View = Callable[..., "Response | Command[Any] | Bulk"]


def endpoint(bp: Blueprint, path: str, method: str, *, role: Role | None, summary: str,
             response: Schema | None, status: int = 200, body: Schema | None = None,
             query: tuple[QueryParam, ...] = (), errors: tuple[int, ...] = (),
             tag: str = "", headers: tuple[QueryParam, ...] = (),
             answer_headers: tuple[QueryParam, ...] = ()) -> Callable[[View], View]:
    def register(handler: View) -> View:
        spec = RouteSpec(path=path, method=method, role=role, summary=summary, response_schema=response,
                         status=status, body_schema=body, query=query, errors=errors, tag=tag, name=handler.__name__,
                         description=_description(handler), headers=headers, answer_headers=answer_headers)
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
            except (Contention, Unavailable, PynamoDBException) as error:
                busy = busy_response(error)
                if busy is None:
                    raise
                return busy

        # A gated route needs a usage key, which the authorizer names: the stack's per-caller rate limit.
        bp.route(path, methods=[method], authorizer=jwt_authorizer if role else None, api_key_required=role is not None,
                 content_types=["*/*"], name=handler.__name__)(view)
        return handler

    return register


def _description(handler: View) -> str:
    """The handler's docstring, one line per paragraph: the operation's description in /openapi.json."""
    text = inspect.getdoc(handler) or ""
    return "\n\n".join(" ".join(part.split()) for part in text.split("\n\n") if part.strip())


def _serve(spec: RouteSpec, handler: View, request: Request, path_params: dict[str, str]) -> Response:
    identity = identity_for(spec.role, request)
    parsing.check_path_ids(path_params)
    now = utc_now()
    # Unknown parameters are refused, POST too, and so is one given twice unless it is declared repeatable.
    query = parsing.query({q.name for q in spec.query}, request, {q.name for q in spec.query if q.repeatable})
    if spec.method == "GET":
        ctx = Ctx(identity, None, query, now, request)
        return _response(handler(ctx, **path_params))

    idempotency.check(request.headers.get(idempotency.HEADER))
    raw = parsing.raw_body(request)
    ctx = Ctx(identity, parsing.body(spec.body, request, raw), query, now, request)
    result = handler(ctx, **path_params)
    if isinstance(result, Response):
        return result
    # The body as understood, not as spelled: whitespace, key order or an explicit null for an omitted
    # optional field do not make a retry a different request.
    canonical = msgspec.json.encode(ctx.body, order="sorted")
    idem = idempotency.from_request(request.headers.get(idempotency.HEADER), ctx.caller, spec.method,
                                    spec.path.format(**path_params), canonical, now)
    if isinstance(result, Command):
        return idempotency.response(run(result, now, idem, _refusal))
    from ..service import bulk  # the bulk answers' runner loads with the first bulk request, off the cold start

    return idempotency.response(bulk.run(result, now, idem, _refusal, _busy()))


def _response(result: "Response | Command[Any] | Bulk") -> Response:
    if not isinstance(result, Response):
        raise TypeError("a command route must be a POST")
    return result


def _busy() -> Answer:
    """A bulk item DynamoDB kept refusing: what the single route would have answered (503 SERVICE_BUSY)."""
    return Answer(503, busy_body())


def _refusal(error: DomainError) -> Answer:
    return Answer(status_of(error), error_body(error.code, error.message, error.details))
