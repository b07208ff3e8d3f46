"""Settings from the environment, read when asked (never at import).

`chalice.test.Client` and Lambda both provide the stage's variables in `os.environ` while a request runs,
so each request sees the current values. Defaults here match `.chalice/config.json`.
"""

import os
from datetime import timedelta
from functools import lru_cache

import msgspec

from .domain.policy import Policy, parse_bands

# min_rate:STANDING:order_volume_cap, from rate 0 upwards (product.md, "Standing by rate").
DEFAULT_SFCR_BANDS = (
    "0:GOOD:1,0.025:AT_RISK:1,0.10:RESTRICTED:0.75,0.30:RESTRICTED:0.5,0.50:RESTRICTED:0.25,0.75:SUSPENDED:0"
)

DEFAULTS = {
    "SELLER_RESPONSE_WINDOW_SECONDS": "172800",
    "BUYER_GRACE_PERIOD_SECONDS": "3600",
    "SFCR_WINDOW_DAYS": "7",
    "MARKET_TIMEZONE": "UTC",
    "SFCR_TARGET": "0.025",
    "SFCR_BANDS": DEFAULT_SFCR_BANDS,
    "ORDERS_TABLE": "cancel-desk-orders",
    "CANCELLATIONS_TABLE": "cancel-desk-cancellations",
    "COUNTERS_TABLE": "cancel-desk-seller-counters",
    "HISTORY_TABLE": "cancel-desk-order-history",
    "IDEMPOTENCY_TABLE": "cancel-desk-idempotency",
    "AUTH_MODE": "hs256",
    "AUTH_JWT_SECRET": "",
    "AUTH_ISSUER": "",
    "AUTH_AUDIENCE": "",
    "AUTH_JWKS_URL": "",
    "CURSOR_SECRET": "",
    "EXPIRY_CONCURRENCY": "32",
    "EXPIRY_SAFETY_MARGIN_MS": "10000",
    "LOG_LEVEL": "INFO",
}


def env(name: str) -> str:
    return os.environ.get(name) or DEFAULTS[name]


def table_name(variable: str) -> str:
    return env(variable)


@lru_cache(maxsize=8)
def _policy(window: str, grace: str, days: str, tz: str, target: str, bands: str) -> Policy:
    return Policy(
        response_window=timedelta(seconds=int(window)),
        grace_period=timedelta(seconds=int(grace)),
        sfcr_window_days=int(days),
        market_timezone=tz,
        sfcr_target=float(target),
        sfcr_bands=parse_bands(bands),
    )


def policy() -> Policy:
    return _policy(
        env("SELLER_RESPONSE_WINDOW_SECONDS"),
        env("BUYER_GRACE_PERIOD_SECONDS"),
        env("SFCR_WINDOW_DAYS"),
        env("MARKET_TIMEZONE"),
        env("SFCR_TARGET"),
        env("SFCR_BANDS"),
    )


class AuthSettings(msgspec.Struct, frozen=True):
    mode: str  # "hs256" (local, tests) or "jwks" (cloud: RS256 from an identity provider)
    secret: str
    issuer: str
    audience: str
    jwks_url: str


def auth() -> AuthSettings:
    return AuthSettings(
        mode=env("AUTH_MODE").lower(),
        secret=env("AUTH_JWT_SECRET"),
        issuer=env("AUTH_ISSUER"),
        audience=env("AUTH_AUDIENCE"),
        jwks_url=env("AUTH_JWKS_URL"),
    )


def cursor_secret() -> bytes:
    secret = env("CURSOR_SECRET") or env("AUTH_JWT_SECRET")
    if not secret:
        raise RuntimeError("CURSOR_SECRET is not set")
    return secret.encode()
