"""API Gateway's own answers, in the contract's error shape.

Chalice's local gateway (used by `chalice.test.Client` and the local runner) raises these before the app
runs: a missing token, an unknown route. The cloud stack configures the same shapes as gateway responses
from `chalicelib.api.errors.GATEWAY_ERRORS`; this maps the local emulation onto that same table.
"""

from chalice.local import ForbiddenError, LocalGatewayException, NotAuthorizedError

from chalicelib.api.errors import GATEWAY_ERRORS, error_body


def gateway_response_type(error: LocalGatewayException) -> str:
    if isinstance(error, NotAuthorizedError):
        return "UNAUTHORIZED"
    if isinstance(error, ForbiddenError):
        body = error.body or b""
        if b"Missing Authentication Token" in body or b"Authorization header requires" in body:
            return "MISSING_AUTHENTICATION_TOKEN"
        return "ACCESS_DENIED"
    return "DEFAULT_5XX" if error.CODE >= 500 else "DEFAULT_4XX"


def shape(error: LocalGatewayException) -> tuple[int, dict[str, str], bytes]:
    status, code, message = GATEWAY_ERRORS[gateway_response_type(error)]
    headers = {"Content-Type": "application/json"}
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    return status, headers, error_body(code, message).encode()
