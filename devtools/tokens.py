"""Mints HS256 tokens for the local and test stages (the cloud takes RS256 tokens from its IdP)."""

import time

import jwt

from chalicelib import config


def mint(role: str, sub: str, *, seller_id: str | None = None, buyer_id: str | None = None,
         operator_id: str | None = None, ttl_seconds: int = 12 * 3600, now: float | None = None,
         secret: str | None = None, **claims_overrides: object) -> str:
    """A signed token; `claims_overrides` replaces or (with None) drops standard claims."""
    settings = config.auth()
    issued = int(now if now is not None else time.time())
    claims: dict[str, object] = {"sub": sub, "role": role, "iss": settings.issuer, "aud": settings.audience,
              "iat": issued, "exp": issued + ttl_seconds}
    if seller_id:
        claims["seller_id"] = seller_id
    if buyer_id:
        claims["buyer_id"] = buyer_id
    if operator_id:
        claims["operator_id"] = operator_id
    claims.update(claims_overrides)
    claims = {name: value for name, value in claims.items() if value is not None}
    return jwt.encode(claims, secret or settings.secret, algorithm="HS256")
