"""Every answer, Chalice's own included, leaves in the contract's error shape, with an access log line."""

import time
from collections.abc import Callable

from chalice.app import Blueprint, Request, Response

from .. import obs
from .errors import shape_framework_error

http = Blueprint(__name__)


@http.middleware("http")
def contract_errors(event: Request, get_response: Callable[[Request], Response]) -> Response:
    started = time.perf_counter()
    response = shape_framework_error(get_response(event))
    obs.event("http.request", method=event.method, route=event.path, status=response.status_code,
              ms=round((time.perf_counter() - started) * 1000, 2),
              request_id=(event.context or {}).get("requestId"))
    return response
