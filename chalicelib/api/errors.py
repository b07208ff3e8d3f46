"""One error shape for every answer: `{"error": {"code", "message", "details"}}`."""

from typing import Any

import msgspec
from chalice.app import Response

from ..domain.errors import Conflict, DomainError, InvalidRequest, NotFound, Unprocessable

JSON = {"Content-Type": "application/json"}


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, details: dict[str, Any] | None = None,
                 headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.headers = headers


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> str:
    """Empty or absent `details` are left out of the answer."""
    from ..answers.shapes import ErrorBody, ErrorOut  # with the first error answer, off the cold start

    error = ErrorBody(code=code, message=message, details=details or msgspec.UNSET)
    return msgspec.json.encode(ErrorOut(error=error)).decode()


def error_response(status: int, code: str, message: str, details: dict[str, Any] | None = None,
                   headers: dict[str, str] | None = None) -> Response:
    return Response(body=error_body(code, message, details), status_code=status, headers={**JSON, **(headers or {})})


_STATUS_OF: dict[type[DomainError], int] = {InvalidRequest: 400, NotFound: 404, Conflict: 409, Unprocessable: 422}


def status_of(error: DomainError) -> int:
    return next((code for kind, code in _STATUS_OF.items() if isinstance(error, kind)), 400)


def from_domain(error: DomainError) -> Response:
    return error_response(status_of(error), error.code, error.message, error.details)


def from_api(error: ApiError) -> Response:
    return error_response(error.status, error.code, error.message, error.details, error.headers)


# DynamoDB is momentarily over capacity or busy on the same items, or S3 is slowing down, failing on its side or
# out of reach: the client may simply retry, so the answer is a 503 with Retry-After, not a 500.
RETRY_AFTER_SECONDS = 1


NO_SUCH_ROUTE = "No such route (method and path); the routes are listed at /openapi.json."

# Errors Chalice answers itself, by status, in the contract's words.
FRAMEWORK_ERRORS: dict[int, tuple[str, str]] = {
    400: ("BAD_REQUEST", "The request could not be understood."),
    403: ("FORBIDDEN", "This route is not open to the caller."),
    404: ("ROUTE_NOT_FOUND", NO_SUCH_ROUTE),
    405: ("METHOD_NOT_ALLOWED", "The route does not take this method."),
    413: ("PAYLOAD_TOO_LARGE", "The body is over 16 KiB."),
    415: ("UNSUPPORTED_MEDIA_TYPE", "Send the body as application/json."),
    500: ("INTERNAL_ERROR", "An internal error occurred."),
}

RATE_LIMITED_MESSAGE = "Too many requests from this caller; retry after Retry-After seconds."

# API Gateway's own answers (before the app runs): status, code, message. The cloud stack sets these as
# gateway responses; the local runner and the test client map Chalice's emulation of them the same way.
GATEWAY_ERRORS: dict[str, tuple[int, str, str]] = {
    "UNAUTHORIZED": (401, "TOKEN_MISSING", "An Authorization: Bearer token is required."),
    "MISSING_AUTHENTICATION_TOKEN": (404, "ROUTE_NOT_FOUND", NO_SUCH_ROUTE),
    "ACCESS_DENIED": (403, "FORBIDDEN", "This route is not open to the caller."),
    "REQUEST_TOO_LARGE": (413, "PAYLOAD_TOO_LARGE", "The body is over 16 KiB."),
    # The stage's throttle and each caller's usage plan (docs/deploy.md, "Rate limits") answer alike.
    "THROTTLED": (429, "RATE_LIMITED", RATE_LIMITED_MESSAGE),
    "QUOTA_EXCEEDED": (429, "RATE_LIMITED", RATE_LIMITED_MESSAGE),
    "DEFAULT_4XX": (400, "BAD_REQUEST", "The request could not be understood."),
    "DEFAULT_5XX": (500, "INTERNAL_ERROR", "An internal error occurred."),
}

# Headers of those answers, by type. A gateway response's headers are fixed, so Retry-After is the whole second
# a token of any limit of 1 request/s or more takes to come back (the local emulation says the same).
GATEWAY_HEADERS: dict[str, dict[str, str]] = {
    "UNAUTHORIZED": {"WWW-Authenticate": "Bearer"},
    "THROTTLED": {"Retry-After": str(RETRY_AFTER_SECONDS)},
    "QUOTA_EXCEEDED": {"Retry-After": str(RETRY_AFTER_SECONDS)},
}



def shape_framework_error(response: Response) -> Response:
    """Reshapes an answer Chalice built itself (`{"Code", "Message"}`) into the contract's shape."""
    body = response.body
    if response.status_code < 400 or not (isinstance(body, dict) and "Code" in body):
        return response
    code, message = FRAMEWORK_ERRORS.get(response.status_code, FRAMEWORK_ERRORS[500 if response.status_code >= 500
                                                                               else 400])
    headers = {k: v if isinstance(v, str) else ", ".join(v) for k, v in response.headers.items()
               if k.lower() != "content-type"}
    return error_response(response.status_code, code, message, headers=headers)
