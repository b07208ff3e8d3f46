"""Seller webhooks: what may be registered, and what follows each delivery attempt (docs/webhooks.md).

Pure rules: no network, no AWS. Resolving a host is the caller's business; this module only judges the URL's
form and the addresses it resolved to.
"""

import ipaddress
import random
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from enum import StrEnum
from urllib.parse import SplitResult, urlsplit

import msgspec

from .errors import InvalidRequest
from .event_types import TYPES

ALL_TYPES = "*"
TEST_TYPE = "webhook.test"  # sent only by the test route, to that one webhook
MAX_DESCRIPTION = 200  # W3
MAX_URL_LENGTH = 2048
ROTATION_OVERLAP = timedelta(hours=24)  # W5: the old secret keeps signing this long after a rotation
GONE_STATUS = 410  # W7: the receiver's answer that disables its webhook at once
TIMEOUT_SECONDS = 10.0  # W7
JITTER = 0.1  # of the gap before an attempt


class WebhookStatus(StrEnum):
    ENABLED = "ENABLED"
    DISABLED = "DISABLED"


class DeliveryStatus(StrEnum):
    PENDING = "PENDING"  # another attempt is scheduled (`next_attempt_at`)
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"  # no attempt is left; a retry by hand may follow


class AttemptOutcome(StrEnum):
    """What happened to one attempt, whatever follows it (the delivery's own state is `DeliveryStatus`)."""

    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"


def attempt_outcome(status: DeliveryStatus) -> AttemptOutcome:
    """Only a successful attempt leaves its delivery SUCCEEDED; any other leaves it PENDING or FAILED."""
    return AttemptOutcome.SUCCEEDED if status is DeliveryStatus.SUCCEEDED else AttemptOutcome.FAILED


class DisabledReason(StrEnum):
    GONE = "GONE"  # the receiver answered 410
    FAILING = "FAILING"  # every attempt failed for WEBHOOK_DISABLE_AFTER_SECONDS


# --- registration -------------------------------------------------------------------------------------


def check_event_types(types: Sequence[str]) -> tuple[str, ...]:
    """W3: any type the desk emits (event_types.TYPES), or `"*"` alone; duplicates dropped, order kept."""
    unknown = next((t for t in types if t not in TYPES and t != ALL_TYPES), None)
    if unknown is not None:
        raise InvalidRequest(f"Unknown event type {unknown[:64]!r}.", code="UNKNOWN_ENUM_VALUE",
                             details={"path": "$.event_types", "allowed": [ALL_TYPES, *TYPES]})
    if ALL_TYPES in types and len(set(types)) > 1:
        raise InvalidRequest('"*" means every type and stands alone.', code="INVALID_FIELD",
                             details={"path": "$.event_types"})
    return tuple(dict.fromkeys(types))


def subscribes(event_types: Iterable[str], event_type: str) -> bool:
    types = set(event_types)
    return event_type in types or (ALL_TYPES in types and event_type != TEST_TYPE)


def _url_refusal(reason: str, message: str) -> InvalidRequest:
    return InvalidRequest(message, code="INVALID_WEBHOOK_URL", details={"reason": reason})


class Target(msgspec.Struct, frozen=True):
    """Where a URL points: what to resolve and connect to, and what to say in the Host header and TLS."""

    scheme: str
    host: str  # without brackets for IPv6
    port: int
    path: str  # path and query, as sent in the request line


def parse_url(url: str, *, allow_http: bool) -> Target:
    """W4, the form: an absolute https URL (http too where allowed), ≤ 2048 characters, no user info, no
    fragment. Raises INVALID_WEBHOOK_URL with `details.reason`."""
    if len(url) > MAX_URL_LENGTH:
        raise _url_refusal("TOO_LONG", f"The URL is over {MAX_URL_LENGTH} characters.")
    if not url.isascii() or not url.isprintable() or any(c.isspace() for c in url):
        raise _url_refusal("MALFORMED", "The URL must be printable ASCII without spaces (percent-encode the rest).")
    try:
        parts: SplitResult = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise _url_refusal("MALFORMED", "The URL cannot be read.") from error
    allowed = ("https", "http") if allow_http else ("https",)
    if parts.scheme not in allowed:
        raise _url_refusal("SCHEME_NOT_ALLOWED", "The URL must be https." if not allow_http
                           else "The URL must be https or http.")
    if "@" in parts.netloc or parts.username is not None or parts.password is not None:
        raise _url_refusal("USERINFO_NOT_ALLOWED", "The URL may not carry a user name or password.")
    if parts.fragment or url.endswith("#"):
        raise _url_refusal("FRAGMENT_NOT_ALLOWED", "The URL may not carry a fragment (#...).")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise _url_refusal("MALFORMED", "The URL has no host.")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(parts.scheme, host, port or (443 if parts.scheme == "https" else 80), path)


def literal_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def address_refusal(address: str, *, allow_private: bool) -> str | None:
    """W4, the address: why a connection to it is refused (None: it is a public unicast address)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is loopback
    if isinstance(ip, ipaddress.IPv6Address) and not allow_private:
        # 6to4 and Teredo tunnel to the IPv4 they embed: judged by it, not by whether this Python's
        # `is_private` happens to cover their whole prefix.
        embedded = [ip.sixtofour] if ip.sixtofour is not None else list(ip.teredo or ())
        for inner in embedded:
            reason = address_refusal(str(inner), allow_private=False)
            if reason is not None:
                return reason
    if ip.is_multicast:
        return "MULTICAST_ADDRESS"
    if ip.is_unspecified:
        return "RESERVED_ADDRESS"
    if allow_private:
        return None
    if ip.is_loopback:
        return "LOOPBACK_ADDRESS"
    if ip.is_link_local:
        return "LINK_LOCAL_ADDRESS"
    if ip.is_reserved:
        return "RESERVED_ADDRESS"
    if ip.is_private or (isinstance(ip, ipaddress.IPv4Address) and ip in _SHARED):
        return "PRIVATE_ADDRESS"
    if not ip.is_global:
        return "RESERVED_ADDRESS"
    return None


_SHARED = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT: not global, not "private" to Python


def check_addresses(host: str, addresses: Sequence[str], *, allow_private: bool) -> list[str]:
    """The addresses to try, in the resolver's order, provided none of them is refused (a name that resolves
    to one private address among public ones could be steered to it)."""
    if not addresses:
        raise _url_refusal("UNRESOLVABLE", f"The host {host[:253]} does not resolve.")
    for address in addresses:
        reason = address_refusal(address, allow_private=allow_private)
        if reason is not None:
            raise _url_refusal(reason, f"The host {host[:253]} is, or resolves to, an address that may not be "
                                       "called (loopback, private, link-local, multicast or reserved).")
    return list(addresses)


# --- secrets ------------------------------------------------------------------------------------------


def signing_secrets(current: str, previous: str | None, previous_until: datetime | None,
                    now: datetime) -> list[str]:
    """W5: the current secret, and the one it replaced while the overlap lasts."""
    if previous and previous_until is not None and now < previous_until:
        return [current, previous]
    return [current]


# --- attempts -----------------------------------------------------------------------------------------


def parse_schedule(text: str) -> tuple[int, ...]:
    """`WEBHOOK_RETRY_SCHEDULE_SECONDS`: rising whole seconds after the first try, comma-separated."""
    try:
        offsets = tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError as error:
        raise ValueError(f"WEBHOOK_RETRY_SCHEDULE_SECONDS must be whole seconds, got {text!r}") from error
    if any(b <= a for a, b in zip((0, *offsets), offsets, strict=False)):
        raise ValueError(f"WEBHOOK_RETRY_SCHEDULE_SECONDS must rise from above 0, got {text!r}")
    return offsets


class AttemptResult(StrEnum):
    SUCCESS = "SUCCESS"
    GONE = "GONE"
    FAILURE = "FAILURE"


def outcome_of(status: int | None) -> AttemptResult:
    """W7: any 2xx succeeds; GONE_STATUS (410) is gone; anything else (3xx included: redirects are not followed), a
    timeout or a connection error (`None`) fails."""
    if status is not None and 200 <= status < 300:
        return AttemptResult.SUCCESS
    if status == GONE_STATUS:
        return AttemptResult.GONE
    return AttemptResult.FAILURE


class Next(msgspec.Struct, frozen=True):
    """What follows an attempt: the delivery's status, when the next attempt is due, and what becomes of the
    webhook (`disable` with its reason; `failing_since` as it now stands, None once an attempt succeeded)."""

    status: DeliveryStatus
    next_attempt_at: datetime | None
    disable: DisabledReason | None
    failing_since: datetime | None


def after_attempt(outcome: AttemptResult, *, attempt: int, first_attempt_at: datetime, now: datetime,
                  schedule: Sequence[int], manual: bool, failing_since: datetime | None,
                  disable_after: timedelta, rng: random.Random | None = None) -> Next:
    """W8, W9: retry on the schedule (counted from the first try, with up to 10% of the gap as jitter), then
    FAILED; a retry by hand is one attempt. 410 disables at once; failures without a success in between for
    `disable_after` disable too."""
    if outcome is AttemptResult.SUCCESS:
        return Next(DeliveryStatus.SUCCEEDED, None, None, None)
    since = failing_since or now
    if outcome is AttemptResult.GONE:
        return Next(DeliveryStatus.FAILED, None, DisabledReason.GONE, since)
    disable = DisabledReason.FAILING if now - since >= disable_after else None
    if manual or disable is not None or attempt > len(schedule):
        return Next(DeliveryStatus.FAILED, None, disable, since)
    offset = schedule[attempt - 1]
    gap = offset - (schedule[attempt - 2] if attempt >= 2 else 0)
    jitter = (rng or random).uniform(0, JITTER * gap)
    due = first_attempt_at + timedelta(seconds=offset + jitter)
    return Next(DeliveryStatus.PENDING, max(due, now), None, since)


# --- what is stored -----------------------------------------------------------------------------------


class Webhook(msgspec.Struct, frozen=True, kw_only=True):
    seller_id: str
    webhook_id: str
    url: str
    event_types: tuple[str, ...]
    description: str | None
    status: WebhookStatus
    disabled_reason: DisabledReason | None
    secret: str
    previous_secret: str | None
    previous_secret_until: datetime | None
    failing_since: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int

    def secrets(self, now: datetime) -> list[str]:
        return signing_secrets(self.secret, self.previous_secret, self.previous_secret_until, now)


class Attempt(msgspec.Struct, frozen=True, kw_only=True):
    """One delivery attempt as the log shows it."""

    webhook_id: str
    delivery_id: str
    event_id: str
    event_type: str
    attempt: int
    outcome: AttemptOutcome  # this attempt's
    status: DeliveryStatus  # the delivery's, as this attempt left it
    response_status: int | None
    error: str | None
    attempted_at: datetime
    next_attempt_at: datetime | None
    due_at: datetime  # when it was due: orders the log


def rotated(webhook: Webhook, new_secret: str, now: datetime) -> Webhook:
    """W5: the new secret signs from now on; the one it replaces, for ROTATION_OVERLAP more."""
    return msgspec.structs.replace(webhook, secret=new_secret, previous_secret=webhook.secret,
                                   previous_secret_until=now + ROTATION_OVERLAP, updated_at=now,
                                   version=webhook.version + 1)


def enabled(webhook: Webhook, now: datetime) -> Webhook | None:
    """W10: a DISABLED webhook ENABLED again, its failure streak forgotten; None if it is enabled already."""
    if webhook.status is WebhookStatus.ENABLED:
        return None
    return msgspec.structs.replace(webhook, status=WebhookStatus.ENABLED, disabled_reason=None, failing_since=None,
                                   updated_at=now, version=webhook.version + 1)
