"""Each caller's request limit (docs/deploy.md, "Rate limits"): whom a request counts against, and the token
bucket API Gateway's usage plan applies to each caller's key, which the local runner emulates."""

import threading
import zlib

from .identity import Identity, Role

# Callers whose key the stack provisions itself: every request whose token failed, shares one; a caller whose own
# key could not be made yet borrows `PENDING`'s; the platform's key sits in a plan of the stage's own limits.
ANONYMOUS = "anonymous"
PENDING = "pending"
PLATFORM = "platform"
# Buyers share this many keys, by a stable hash of the buyer id: an API key per buyer would outgrow the account's
# quota of keys (10,000 by default), while sellers, whom the limit is for, fit under a raised one.
BUYER_SLOTS = 64


def caller_of(identity: Identity | None) -> str:
    """The caller a request counts against: a seller's shop (all its users share one limit), a slot of buyers,
    the platform (its services and its support operators, the marketplace's own), or, for a token that failed,
    every such caller together."""
    if identity is None:
        return ANONYMOUS
    if identity.role is Role.SELLER:
        return f"seller-{identity.seller_id}"
    if identity.role is Role.BUYER:
        return f"buyers-{zlib.crc32((identity.buyer_id or '').encode()) % BUYER_SLOTS:02d}"
    return PLATFORM


class TokenBucket:
    """`burst` requests at once, refilled at `per_second`: the algorithm of API Gateway's throttles."""

    def __init__(self, per_second: float, burst: int, now: float) -> None:
        self.per_second = per_second
        self.burst = burst
        self.tokens = float(burst)
        self.at = now

    def take(self, now: float) -> float:
        """0 when the request may pass (it uses a token), else the seconds until a token is there."""
        self.tokens = min(float(self.burst), self.tokens + max(0.0, now - self.at) * self.per_second)
        self.at = max(self.at, now)
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.per_second


class CallerBuckets:
    """One bucket per limited caller; the platform is held only by the stage's throttle."""

    def __init__(self, per_second: float, burst: int) -> None:
        self.per_second = per_second
        self.burst = burst
        self._buckets: dict[str, TokenBucket] = {}
        self._lock = threading.Lock()

    def take(self, caller: str, now: float) -> float:
        if caller == PLATFORM:
            return 0.0
        with self._lock:
            bucket = self._buckets.get(caller)
            if bucket is None:
                bucket = self._buckets[caller] = TokenBucket(self.per_second, self.burst, now)
            return bucket.take(now)
