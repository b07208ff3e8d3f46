"""The fail-closed auth gate: a route with a role needs a verified identity of exactly that role.

The authorizer always allows and hands over either the identity or why the token failed (see api/auth.py);
this is where that becomes a 401 or a 403, before any view runs.
"""

from chalice.app import Request

from ..auth.tokens import AuthFailure, from_context
from ..domain.identity import Identity, Role
from .errors import ApiError


def identity_for(role: Role | None, request: Request) -> Identity | None:
    if role is None:
        return None
    context = (request.context or {}).get("authorizer") or {}
    try:
        identity = from_context(context)
    except AuthFailure as failure:
        raise ApiError(401, failure.code, failure.message,
                       headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}) from failure
    if identity.role is not role:
        raise ApiError(403, "ROLE_NOT_ALLOWED", f"This route is for the {role.value} role.",
                       details={"required_role": role.value})
    return identity
