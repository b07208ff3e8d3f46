"""API Gateway's own answers, in the contract's error shape.

Chalice's local gateway (used by `chalice.test.Client` and the local runner) raises these before the app
runs: a missing token, an unknown route; the local runner's per-caller limit raises `Throttled`. The cloud
stack configures the same shapes as gateway responses from `chalicelib.api.errors.GATEWAY_ERRORS`; this maps
the local emulation onto that same table.
"""

from chalice.local import ForbiddenError, LocalGatewayException, NotAuthorizedError

from chalicelib.api.errors import GATEWAY_ERRORS, GATEWAY_HEADERS, error_body


class Throttled(LocalGatewayException):
    """A caller over its limit (devtools/local_api.py emulates the stack's usage plan)."""

    CODE = 429


def gateway_response_type(error: LocalGatewayException) -> str:
    if isinstance(error, NotAuthorizedError):
        return "UNAUTHORIZED"
    if isinstance(error, Throttled):
        return "THROTTLED"
    if isinstance(error, ForbiddenError):
        body = error.body or b""
        if b"Missing Authentication Token" in body or b"Authorization header requires" in body:
            return "MISSING_AUTHENTICATION_TOKEN"
        return "ACCESS_DENIED"
    return "DEFAULT_5XX" if error.CODE >= 500 else "DEFAULT_4XX"


def shape(error: LocalGatewayException) -> tuple[int, dict[str, str], bytes]:
    response_type = gateway_response_type(error)
    status, code, message = GATEWAY_ERRORS[response_type]
    headers = {"Content-Type": "application/json", **GATEWAY_HEADERS.get(response_type, {})}
    return status, headers, error_body(code, message).encode()
