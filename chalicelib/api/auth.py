"""The built-in authorizer: verifies the bearer JWT and hands identity (or the failure) to the views.

It always answers with an allow-all policy whose context carries either the identity or why the token
failed; `routing.endpoint` then turns a failure into 401 and a wrong role into 403 before any view runs.
Raising or denying here would give API Gateway's own answer shapes instead of the contract's.
"""

from chalice.app import AuthRequest, AuthResponse, Blueprint

from ..auth.tokens import AuthFailure, to_context, verify

auth = Blueprint(__name__)


@auth.authorizer(ttl_seconds=0)
def jwt_authorizer(auth_request: AuthRequest) -> AuthResponse:
    try:
        identity = verify(auth_request.token)
    except AuthFailure as failure:
        return AuthResponse(routes=["*"], principal_id="anonymous",
                            context={"auth_error": failure.code, "auth_message": failure.message})
    return AuthResponse(routes=["*"], principal_id=identity.sub, context=to_context(identity))
