"""Every answer, Chalice's own included, leaves in the contract's error shape, with an access log line."""

import time
from collections.abc import Callable
from typing import Any

from chalice.app import Blueprint, Request, Response

from .. import obs
from .errors import shape_framework_error

http = Blueprint(__name__)


@http.middleware("all")
def invocation(event: Any, get_response: Callable[[Any], Any]) -> Any:
    """Every function's invocation (API, job, stream): its log lines carry the request id and the cold start."""
    context = getattr(event, "lambda_context", None) or getattr(event, "context", None)
    obs.invocation(getattr(context, "aws_request_id", None))
    return get_response(event)


@http.middleware("http")
def contract_errors(event: Request, get_response: Callable[[Request], Response]) -> Response:
    started = time.perf_counter()
    response = shape_framework_error(get_response(event))
    ms = round((time.perf_counter() - started) * 1000, 2)
    obs.metrics("http.request", {"Requests": (1, "Count"), "RequestLatency": (ms, "Milliseconds")},
                {"StatusClass": f"{response.status_code // 100}xx"}, method=event.method, route=event.path,
                status=response.status_code, ms=ms, api_request_id=(event.context or {}).get("requestId"))
    return response
