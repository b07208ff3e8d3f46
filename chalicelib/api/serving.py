"""What every declared route runs on a request: the gate, the checks, the view, its command or bulk answer kept
under the Idempotency-Key, and every failure as the contract's answer (never a 500 for the caller's input).

`routing.endpoint` imports this module on a route's first request. It loads the service (single commands, bulk
answers) with the first command, and the store's failure types with the first failure, so that a request that
never reaches a table (a refused token, the open routes) loads neither the store nor PynamoDB."""

from typing import TYPE_CHECKING, Any

import msgspec
from chalice.app import Request, Response

from ..domain.clock import utc_now
from ..domain.errors import DomainError
from . import idempotency, parsing
from .errors import RETRY_AFTER_SECONDS, ApiError, error_body, error_response, from_api, from_domain, status_of
from .gate import identity_for
from .routing import Ctx, RouteSpec, View

if TYPE_CHECKING:
    from ..service.bulk import Bulk
    from ..service.idempotency import Answer
    from ..service.single import Command

BUSY_MESSAGE = "The service is busy; retry shortly."


def serve(spec: RouteSpec, handler: View, request: Request, path_params: dict[str, str]) -> Response:
    try:
        return _serve(spec, handler, request, path_params)
    except ApiError as error:
        return from_api(error)
    except DomainError as error:
        return from_domain(error)
    except Exception as error:
        busy = busy_response(error)
        if busy is None:
            raise
        return busy


def busy_response(error: Exception) -> Response | None:
    """503 SERVICE_BUSY for a failure a retry may clear (errors.RETRY_AFTER_SECONDS): DynamoDB busy or throttled,
    S3 unavailable; None for any other."""
    from pynamodb.exceptions import PynamoDBException

    from ..store.contention import Contention, Unavailable, is_busy

    if not isinstance(error, Contention | Unavailable | PynamoDBException):
        return None
    if not (is_busy(error) or isinstance(error, Unavailable)):
        return None
    return error_response(503, "SERVICE_BUSY", BUSY_MESSAGE, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


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
    from ..service.single import Command, run  # the commands' pipeline loads with the first command

    # The body as understood, not as spelled: whitespace, key order or an explicit null for an omitted
    # optional field do not make a retry a different request.
    canonical = msgspec.json.encode(ctx.body, order="sorted")
    idem = idempotency.from_request(request.headers.get(idempotency.HEADER), ctx.caller, spec.method,
                                    spec.path.format(**path_params), canonical, now)
    if isinstance(result, Command):
        return idempotency.response(run(result, now, idem, _refusal))
    from ..service import bulk  # the bulk answers' runner loads with the first bulk request

    return idempotency.response(bulk.run(result, now, idem, _refusal, _busy()))


def _response(result: "Response | Command[Any] | Bulk") -> Response:
    if not isinstance(result, Response):
        raise TypeError("a command route must be a POST")
    return result


def _busy() -> "Answer":
    """A bulk item DynamoDB kept refusing: what the single route would have answered (503 SERVICE_BUSY)."""
    from ..service.idempotency import Answer

    return Answer(503, error_body("SERVICE_BUSY", BUSY_MESSAGE))


def _refusal(error: DomainError) -> "Answer":
    from ..service.idempotency import Answer

    return Answer(status_of(error), error_body(error.code, error.message, error.details))
