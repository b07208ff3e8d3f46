"""Declares every route once: its role, body, answers and query. The same declaration drives the checks
(`parsing`), the fail-closed auth gate (`gate`), idempotency and single commands (`service.single`), all run by
`serving`, and `/openapi.json` (`openapi`); this module only registers routes and wires those together.

Chalice registers every route at import, so this module and the route declarations are the API's cold start:
they import neither the service nor the store, and name bodies and answers as "module:Name"; `serving` and
each family's views load with the first request that needs them."""

import functools
import importlib
import inspect
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import msgspec
from chalice.app import Blueprint, Request, Response

from ..domain.identity import Identity, Role
from ..domain.limits import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from .auth import jwt_authorizer
from .errors import JSON

if TYPE_CHECKING:
    from ..service.bulk import Bulk
    from ..service.single import Command


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


# A route's body or answer type, or "module:Name" naming it, so that its module loads on the first request that
# needs one, not at cold start.
Schema = type | str


def shape(name: str) -> str:
    """An answer type of `answers.shapes` by name: the answers load with the first request that needs one."""
    return f"chalicelib.answers.shapes:{name}"


def schema(name: str) -> str:
    """A request body type of `api.schemas` by name, loaded with the first request that needs one."""
    return f"chalicelib.api.schemas:{name}"


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
            # The request pipeline loads on the first request; the service and the store with the views that use them.
            from . import serving

            return serving.serve(spec, handler, bp.current_request, path_params)

        # A gated route needs a usage key, which the authorizer names: the stack's per-caller rate limit.
        bp.route(path, methods=[method], authorizer=jwt_authorizer if role else None, api_key_required=role is not None,
                 content_types=["*/*"], name=handler.__name__)(view)
        return handler

    return register


def _description(handler: View) -> str:
    """The handler's docstring, one line per paragraph: the operation's description in /openapi.json."""
    text = inspect.getdoc(handler) or ""
    return "\n\n".join(" ".join(part.split()) for part in text.split("\n\n") if part.strip())
