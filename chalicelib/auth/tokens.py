"""Verifies a bearer JWT and turns its claims into an Identity, failing closed.

Local and test stages sign with HS256 and a shared secret; cloud stages verify RS256 tokens from an
identity provider against its JWKS (keys cached across invocations of a warm Lambda).
"""

import logging
import re
import time
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import msgspec

from .. import config, obs
from ..domain.identity import Identity, Role
from ..domain.ids import is_id

if TYPE_CHECKING:
    import jwt

CLOCK_SKEW_SECONDS = 60
# The JWK set is fetched at most once per this many seconds per warm Lambda (plus, for a token signed with
# a key the set does not hold yet, one forced refresh per PyJWT's cooldown). Keys are looked up in the cached
# set rather than kept in PyJWT's per-key LRU, which never expires: a key the provider withdraws stops
# verifying within this time.
JWKS_CACHE_SECONDS = 600
JWKS_TIMEOUT_SECONDS = 5
_BEARER = re.compile(r"^\s*bearer\s+(\S+)\s*$", re.IGNORECASE)


class AuthFailure(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@lru_cache(maxsize=4)
def _jwks_client(url: str) -> "jwt.PyJWKClient":
    import jwt

    return jwt.PyJWKClient(url, cache_jwk_set=True, lifespan=JWKS_CACHE_SECONDS, cache_keys=False,
                           timeout=JWKS_TIMEOUT_SECONDS)


class Verified(msgspec.Struct, frozen=True):
    identity: Identity
    expires_at: int  # the token's exp, in seconds since the epoch


def _key_and_algorithms(token: str, settings: config.AuthSettings) -> tuple[Any, list[str]]:
    import jwt

    if settings.mode == "jwks":
        if not settings.jwks_url:
            raise AuthFailure("AUTH_NOT_CONFIGURED", "Token checking is not configured.")
        try:
            return _jwks_client(settings.jwks_url).get_signing_key_from_jwt(token).key, ["RS256"]
        except jwt.PyJWKClientConnectionError as error:
            # Fail closed, but say so in the logs: every token is refused until the provider answers.
            obs.event("auth.jwks_unreachable", logging.ERROR, url=settings.jwks_url, error=str(error))
            raise AuthFailure("TOKEN_INVALID", "The token's signing key could not be checked.") from error
        except jwt.PyJWKClientError as error:
            raise AuthFailure("TOKEN_INVALID", "The token's signing key is unknown.") from error
        except jwt.PyJWTError as error:  # a header that is not a JWT's
            raise AuthFailure("TOKEN_INVALID", "The token is not valid.") from error
    if not settings.secret:
        raise AuthFailure("AUTH_NOT_CONFIGURED", "Token checking is not configured.")
    return settings.secret, ["HS256"]


def verify_token(authorization: str | None) -> Verified:
    if not authorization:
        raise AuthFailure("TOKEN_MISSING", "An Authorization: Bearer token is required.")
    match = _BEARER.match(authorization)
    if not match:
        raise AuthFailure("TOKEN_INVALID", "The Authorization header must be 'Bearer <token>'.")
    token = match.group(1)
    # Imported on the first token check, not at import: PyJWT loads `cryptography` (~20 ms), which the
    # scheduled functions and the open routes never need.
    import jwt

    settings = config.auth()
    if not settings.issuer or not settings.audience:
        # PyJWT skips the check of an issuer or audience it is not given: unset means not configured.
        raise AuthFailure("AUTH_NOT_CONFIGURED", "Token checking is not configured.")
    key, algorithms = _key_and_algorithms(token, settings)
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=algorithms,
            audience=settings.audience,
            issuer=settings.issuer,
            leeway=CLOCK_SKEW_SECONDS,
            options={"require": ["exp", "iss", "aud", "sub"]},
        )
    except jwt.ExpiredSignatureError as error:
        raise AuthFailure("TOKEN_EXPIRED", "The token has expired.") from error
    except jwt.InvalidIssuerError as error:
        raise AuthFailure("TOKEN_INVALID", "The token's issuer is not accepted.") from error
    except jwt.InvalidAudienceError as error:
        raise AuthFailure("TOKEN_INVALID", "The token's audience is not accepted.") from error
    except jwt.PyJWTError as error:
        raise AuthFailure("TOKEN_INVALID", "The token is not valid.") from error
    return Verified(_identity(claims), int(claims["exp"]))


def _identity(claims: dict[str, Any]) -> Identity:
    try:
        role = Role(str(claims.get("role")))
    except ValueError as error:
        raise AuthFailure("TOKEN_INVALID", "The token carries no known role.") from error
    sub = claims["sub"]
    if not isinstance(sub, str) or not sub:
        raise AuthFailure("TOKEN_INVALID", "The token has no subject.")
    seller_id = buyer_id = operator_id = None
    if role is Role.SELLER:
        seller_id = claims.get("seller_id")
        if not is_id(seller_id):
            raise AuthFailure("TOKEN_INVALID", "A seller token needs a valid seller_id claim.")
    elif role is Role.BUYER:
        buyer_id = claims.get("buyer_id")
        if not is_id(buyer_id):
            raise AuthFailure("TOKEN_INVALID", "A buyer token needs a valid buyer_id claim.")
    elif role is Role.OPERATOR:
        operator_id = claims.get("operator_id")
        if not is_id(operator_id):
            raise AuthFailure("TOKEN_INVALID", "An operator token needs a valid operator_id claim.")
    return Identity(sub=sub, role=role, seller_id=seller_id, buyer_id=buyer_id, operator_id=operator_id)


def to_context(verified: Verified) -> dict[str, str]:
    """Authorizer context values must be strings. `expires_at` travels with the identity because API Gateway
    caches this context per token: the views re-check it, so a cached answer never outlives the token."""
    identity = verified.identity
    return {
        "sub": identity.sub,
        "role": identity.role.value,
        "seller_id": identity.seller_id or "",
        "buyer_id": identity.buyer_id or "",
        "operator_id": identity.operator_id or "",
        "expires_at": str(verified.expires_at),
    }


def from_context(context: dict[str, str], now: float | None = None) -> Identity:
    """The identity an authorizer answer carries; raises AuthFailure if it carries none or has expired
    since (API Gateway may serve a cached answer)."""
    if context.get("auth_error"):
        raise AuthFailure(context["auth_error"], context.get("auth_message") or "Not authenticated.")
    role, sub = context.get("role"), context.get("sub")
    try:
        parsed = Role(str(role))
        expires_at = int(context.get("expires_at") or "")
    except ValueError as error:
        raise AuthFailure("TOKEN_INVALID", "Not authenticated.") from error
    if not sub:
        raise AuthFailure("TOKEN_INVALID", "Not authenticated.")
    if (time.time() if now is None else now) > expires_at + CLOCK_SKEW_SECONDS:
        raise AuthFailure("TOKEN_EXPIRED", "The token has expired.")
    return Identity(sub=sub, role=parsed, seller_id=context.get("seller_id") or None,
                    buyer_id=context.get("buyer_id") or None, operator_id=context.get("operator_id") or None)
