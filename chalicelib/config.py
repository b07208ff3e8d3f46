"""Settings: one frozen, typed `Settings` read from the environment when asked (never at import).

`chalice.test.Client` and Lambda both provide the stage's variables in `os.environ` while a request runs,
so each call sees the current values. Each field's environment variable is its name in upper case; an unset
or empty variable takes the field's default, and the defaults here are the dev stage of
`.chalice/config.json` (a test holds them equal). Each field carries its bounds: a value outside them (or of
the wrong type) is refused when read, with `InvalidSetting` naming the variable, in the local runner before it
starts and in a deployed function on its first call.
"""

import os
import re
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Annotated, Literal, get_args, get_origin, get_type_hints

import msgspec
from msgspec import Meta

from .domain.policy import Policy, parse_bands

# min_rate:STANDING:order_volume_cap, from rate 0 upwards (docs/product.md, "Standing by rate").
DEFAULT_SFCR_BANDS = (
    "0:GOOD:1,0.025:AT_RISK:1,0.10:RESTRICTED:0.75,0.30:RESTRICTED:0.5,0.50:RESTRICTED:0.25,0.75:SUSPENDED:0"
)
# W8 (docs/webhooks.md): the Standard Webhooks schedule, seconds after the first try.
DEFAULT_WEBHOOK_RETRY_SCHEDULE = "5,300,1800,7200,18000,36000,50400,72000,86400"

Positive = Annotated[int, Meta(ge=1)]  # a count, or a span of time that must pass
NonNegative = Annotated[int, Meta(ge=0)]  # a span of time that may be none


class Settings(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    # Market policy (docs/product.md, "Policy values are configuration").
    seller_response_window_seconds: Positive = 172800
    buyer_grace_period_seconds: NonNegative = 3600  # 0: no grace period
    buyer_offer_window_seconds: Positive = 86400
    # Appeals (docs/appeals.md): how long after a cancellation a seller may appeal it, and how long operators have.
    appeal_window_days: Positive = 30
    appeal_review_seconds: Positive = 259200
    # The SFCR reads one counter item per window day and shard (docs/architecture.md, "Counters").
    sfcr_window_days: Annotated[int, Meta(ge=1, le=90)] = 7
    market_timezone: str = "UTC"
    sfcr_target: Annotated[float, Meta(ge=0, le=1)] = 0.025  # a rate
    sfcr_bands: str = DEFAULT_SFCR_BANDS
    # Tables.
    orders_table: str = "cancel-desk-orders"
    cancellations_table: str = "cancel-desk-cancellations"
    counters_table: str = "cancel-desk-seller-counters"
    history_table: str = "cancel-desk-order-history"
    idempotency_table: str = "cancel-desk-idempotency"
    webhooks_table: str = "cancel-desk-webhooks"
    webhook_deliveries_table: str = "cancel-desk-webhook-deliveries"
    events_table: str = "cancel-desk-events"
    seller_settings_table: str = "cancel-desk-seller-settings"
    evidence_table: str = "cancel-desk-evidence"
    appeals_table: str = "cancel-desk-appeals"
    # Evidence files (docs/evidence.md): the bucket the uploads go to.
    evidence_bucket: str = "cancel-desk-evidence"
    # Tokens and cursors: empty means "not configured", and every token or cursor is refused.
    auth_mode: Literal["hs256", "jwks"] = "hs256"  # local and tests, or the cloud (RS256 from an identity provider)
    auth_jwt_secret: str = ""
    auth_issuer: str = ""
    auth_audience: str = ""
    auth_jwks_url: str = ""
    cursor_secret: str = ""
    # A rotation: the key CURSOR_SECRET replaced still reads cursors until this ISO 8601 instant.
    cursor_secret_previous: str = ""
    cursor_secret_previous_until: str = ""
    # Shards of each seller counter: a change adds to one, chosen at random (docs/architecture.md, "Counters").
    # A count's read gathers every shard: past 1,024 the SFCR's would span several Query pages.
    counter_shards: Annotated[int, Meta(ge=1, le=1024)] = 256
    # The expiry job: its threads (and DynamoDB connections) at once, well under Lambda's 1,024 threads.
    expiry_concurrency: Annotated[int, Meta(ge=1, le=256)] = 32
    expiry_safety_margin_ms: NonNegative = 10000
    # Events out (docs/events.md).
    event_bus_name: str = "cancel-desk-events"
    events_dlq_url: str = ""  # empty: no dead-letter queue, an event that cannot be published fails the batch
    # The backoffs between 8 attempts add up to 25 s at most, within the publisher's 60 s.
    event_publish_attempts: Annotated[int, Meta(ge=1, le=8)] = 3
    event_retention_days: Positive = 30
    # The feed serves only events older than this: longer than any write takes (the longest function timeout).
    event_feed_settle_seconds: NonNegative = 300
    reminder_lead_seconds: str = "86400,7200"
    due_soon_seconds: Positive = 86400
    log_level: str = "INFO"
    # Every embedded metric's `Stage` dimension (the stack sets its name), so two stacks never mix.
    metrics_stage: str = "local"
    # Seller webhooks (docs/webhooks.md). Queues by name (resolved once) or by URL (as the stack sets them).
    webhook_events_queue: str = "cancel-desk-webhook-events"
    webhook_delivery_queue: str = "cancel-desk-webhook-deliveries"
    webhook_retry_queue: str = "cancel-desk-webhook-retries"
    webhook_retry_schedule_seconds: str = DEFAULT_WEBHOOK_RETRY_SCHEDULE
    webhook_disable_after_seconds: Positive = 432000
    # Fail closed: only the dev stage and the local runner let webhooks reach http:// and private addresses.
    webhook_allow_private_networks: bool = False
    webhook_allow_http: bool = False
    # The Seller Center page (GET /app): where it finds the API (empty: its own origin and stage), the scopes it
    # asks the identity provider for, and origins its fetches may reach besides (the provider's token endpoint).
    seller_center_api_base_url: str = ""
    seller_center_oidc_scope: str = "openid"
    seller_center_connect_origins: str = ""
    # Each caller's request limit (docs/deploy.md, "Rate limits"): the stack's usage plan for callers and the
    # local runner's emulation both read these two, so the cloud and the runner cannot drift apart.
    rate_limit_per_second: Positive = 10
    rate_limit_burst: Positive = 20
    # Set by the stack on the authorizer only (empty: no usage plan, as locally): the callers' usage plan, by name
    # (its id would make the authorizer depend on the API that depends on it), and the prefix of its keys' values.
    rate_limit_usage_plan: str = ""
    rate_limit_key_prefix: str = ""


VARIABLES: tuple[str, ...] = tuple(name.upper() for name in Settings.__struct_fields__)


class InvalidSetting(ValueError):
    """A setting the service cannot run with; str() is one line naming the variable and the problem."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"{name}: {problem}")
        self.name = name
        self.problem = problem


_FIELD = re.compile(r"at `\$\.(\w+)`")
_HINTS = get_type_hints(Settings, include_extras=True)


def _invalid(error: msgspec.ValidationError, raw: dict[str, str]) -> InvalidSetting:
    found = _FIELD.search(str(error))
    if found is None:
        return InvalidSetting("settings", str(error))
    field = found.group(1)
    problem = str(error).split(" - at ", 1)[0].replace("`", "")
    choices = get_args(_HINTS[field]) if get_origin(_HINTS[field]) is Literal else ()
    if choices:
        problem = f"expected {' or '.join(choices)}"
    return InvalidSetting(field.upper(), f"{raw.get(field, '')!r} is not valid ({problem[:1].lower()}{problem[1:]})")


@lru_cache(maxsize=8)
def _parse(raw: tuple[tuple[str, str], ...]) -> Settings:
    # msgspec turns "32" into 32, and refuses "thirty-two" or a value out of a field's bounds, naming the field.
    try:
        return msgspec.convert(dict(raw), Settings, strict=False)
    except msgspec.ValidationError as error:
        raise _invalid(error, dict(raw)) from None


def settings() -> Settings:
    """The settings in force now: the environment's values over the defaults."""
    raw = tuple((name.lower(), value) for name in VARIABLES if (value := os.environ.get(name)))
    current = _parse(raw)
    if os.environ.get("AWS_LAMBDA_FUNCTION_NAME"):
        refuse_committed_secrets(current)
    return current


# The dev stage's secrets are committed (.chalice/config.json), and each starts with this (a test holds it).
COMMITTED_SECRET_PREFIX = "dev-only-"
SECRETS = ("AUTH_JWT_SECRET", "CURSOR_SECRET", "CURSOR_SECRET_PREVIOUS")


def refuse_committed_secrets(current: Settings) -> None:
    """A function deployed with the dev stage's committed secrets refuses to run: anyone could mint its tokens."""
    committed = [name for name in SECRETS if getattr(current, name.lower()).startswith(COMMITTED_SECRET_PREFIX)]
    if committed:
        raise RuntimeError(f"{', '.join(committed)} hold the dev stage's committed values, which are public: the "
                           "dev stage is for the local runner only. Deploy the prod stage (docs/deploy.md).")


@lru_cache(maxsize=8)
def _policy(current: Settings) -> Policy:
    return Policy(
        response_window=timedelta(seconds=current.seller_response_window_seconds),
        grace_period=timedelta(seconds=current.buyer_grace_period_seconds),
        sfcr_window_days=current.sfcr_window_days,
        market_timezone=current.market_timezone,
        sfcr_target=current.sfcr_target,
        sfcr_bands=parse_bands(current.sfcr_bands),
        buyer_offer_window=timedelta(seconds=current.buyer_offer_window_seconds),
        appeal_window=timedelta(days=current.appeal_window_days),
        appeal_review=timedelta(seconds=current.appeal_review_seconds),
    )


def policy() -> Policy:
    return _policy(settings())


_DEFAULTS = Settings()


def table_name(variable: str) -> str:
    """The table a model's variable (e.g. `ORDERS_TABLE`) names. PynamoDB asks for it many times per call, so
    this reads that one variable (same rule: unset or empty takes the default) instead of every setting."""
    name: str = os.environ.get(variable) or getattr(_DEFAULTS, variable.lower())
    return name


@lru_cache(maxsize=8)
def _leads(raw: str) -> tuple[int, ...]:
    try:
        leads = sorted({int(part) for part in raw.split(",") if part.strip()}, reverse=True)
    except ValueError as error:
        raise ValueError(f"REMINDER_LEAD_SECONDS must be a comma list of seconds, not {raw!r}") from error
    if any(lead <= 0 for lead in leads):
        raise ValueError(f"REMINDER_LEAD_SECONDS must be positive, not {raw!r}")
    return tuple(leads)


def reminder_leads() -> tuple[int, ...]:
    """The reminder leads, longest first."""
    return _leads(settings().reminder_lead_seconds)


class AuthSettings(msgspec.Struct, frozen=True):
    mode: str
    secret: str
    issuer: str
    audience: str
    jwks_url: str


def auth() -> AuthSettings:
    current = settings()
    return AuthSettings(mode=current.auth_mode, secret=current.auth_jwt_secret, issuer=current.auth_issuer,
                        audience=current.auth_audience, jwks_url=current.auth_jwks_url)


def cursor_secret() -> bytes:
    """The key that signs new cursors: its own, never the token secret's (the two turn apart), so a stage
    without one fails closed rather than sign with something else."""
    secret = settings().cursor_secret
    if not secret:
        raise InvalidSetting("CURSOR_SECRET", "not set: page cursors are signed with a key of their own (the "
                             "stack's CursorSecret; the dev stage's value locally)")
    return secret.encode()


def cursor_keys(now: datetime) -> list[bytes]:
    """The keys a cursor may be signed with: the current one, and during a rotation the one it replaced."""
    current = settings()
    keys = [cursor_secret()]
    if current.cursor_secret_previous:
        # Here, not at import: the authorizer loads this module and never reads a cursor.
        from .domain.clock import parse_iso

        try:
            until = parse_iso(current.cursor_secret_previous_until)
        except ValueError:
            raise InvalidSetting("CURSOR_SECRET_PREVIOUS_UNTIL", "must be an ISO 8601 instant (e.g. "
                                 f"2026-12-08T12:00:00Z), not {current.cursor_secret_previous_until!r}") from None
        if now < until:
            keys.append(current.cursor_secret_previous.encode())
    return keys


class WebhookSettings(msgspec.Struct, frozen=True):
    retry_schedule: tuple[int, ...]
    disable_after: timedelta
    allow_private_networks: bool
    allow_http: bool


@lru_cache(maxsize=8)
def _webhooks(current: Settings) -> WebhookSettings:
    from .domain.webhooks import parse_schedule

    return WebhookSettings(retry_schedule=parse_schedule(current.webhook_retry_schedule_seconds),
                           disable_after=timedelta(seconds=current.webhook_disable_after_seconds),
                           allow_private_networks=current.webhook_allow_private_networks,
                           allow_http=current.webhook_allow_http)


def webhooks() -> WebhookSettings:
    return _webhooks(settings())


class RateLimitSettings(msgspec.Struct, frozen=True):
    per_second: int
    burst: int
    usage_plan: str
    key_prefix: str


def rate_limits() -> RateLimitSettings:
    current = settings()
    return RateLimitSettings(per_second=current.rate_limit_per_second, burst=current.rate_limit_burst,
                             usage_plan=current.rate_limit_usage_plan, key_prefix=current.rate_limit_key_prefix)
