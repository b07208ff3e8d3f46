"""The built-in authorizer: verifies the bearer JWT and hands identity (or the failure) to the views.

It always answers with an allow-all policy whose context carries either the identity or why the token
failed; `routing.endpoint` then turns a failure into 401 and a wrong role into 403 before any view runs.
Raising or denying here would give API Gateway's own answer shapes instead of the contract's. In the stack it
also names the caller's key in the callers' usage plan (`usageIdentifierKey`), by which API Gateway holds each
caller to its own rate limit (docs/deploy.md, "Rate limits").

API Gateway caches the answer per token value (the Authorization header) for `CACHE_SECONDS`. That is safe
here: the policy allows every route (a per-route policy, cached, would refuse the next route), and the context
is a function of the token alone, so a cached answer is exactly what a fresh check of the same token would
give, except for time: the context carries the token's `exp`, which the views check on every request, so
caching never stretches a token's life beyond the 60 s of clock skew the contract allows.
"""

from typing import Any

from chalice.app import AuthRequest, AuthResponse, Blueprint

from ..auth.tokens import AuthFailure, to_context, verify_token
from ..auth.usage_keys import usage_key
from ..domain.rate_limit import caller_of

auth = Blueprint(__name__)

CACHE_SECONDS = 60


@auth.authorizer(ttl_seconds=CACHE_SECONDS)
def jwt_authorizer(auth_request: AuthRequest) -> AuthResponse | dict[str, Any]:
    try:
        verified = verify_token(auth_request.token)
    except AuthFailure as failure:
        answer = AuthResponse(routes=["*"], principal_id="anonymous",
                              context={"auth_error": failure.code, "auth_message": failure.message})
        caller = caller_of(None)
    else:
        answer = AuthResponse(routes=["*"], principal_id=verified.identity.sub, context=to_context(verified))
        caller = caller_of(verified.identity)
    key = usage_key(caller)
    if key is None:
        return answer
    return {**answer.to_dict(auth_request), "usageIdentifierKey": key}
