"""`Idempotency-Key` on POST: the first answer is kept and replayed, never acted on twice.

A state change writes its answer in the same transaction as the change itself, so there is no window
in which the effect exists without its answer; error answers (no state change) are kept by a
conditional put. 5xx answers are never kept, so a retry after one acts afresh.
"""

import hashlib
from datetime import datetime, timedelta

import msgspec
from chalice.app import Response

from ..domain.identity import Identity
from ..store import reads
from ..store.transactions import IdempotencyKeyTaken, IdempotencyRecord
from .errors import JSON, ApiError, error_response

HEADER = "idempotency-key"
MAX_KEY_LENGTH = 255
RETENTION = timedelta(hours=24)
REPLAYED_HEADER = "Idempotent-Replayed"


def _sha256(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


class Idempotency(msgspec.Struct, frozen=True):
    key: str
    body_hash: str
    now: datetime

    @classmethod
    def from_request(cls, header: str | None, identity: Identity, method: str, path: str, body: bytes,
                     now: datetime) -> "Idempotency | None":
        if header is None:
            return None
        if not header or len(header) > MAX_KEY_LENGTH or not header.isprintable():
            raise ApiError(400, "INVALID_IDEMPOTENCY_KEY",
                           f"Idempotency-Key must be 1-{MAX_KEY_LENGTH} printable characters.")
        # The caller is the whole identity the token states: one account (`sub`) may hold tokens for two shops,
        # and an answer kept for one shop must never be replayed to the other (it would show its objects).
        caller = (identity.sub, identity.role.value, identity.seller_id or "", identity.buyer_id or "")
        key = _sha256(*(part.encode() for part in caller), method.encode(), path.encode(), header.encode())
        return cls(key=key, body_hash=_sha256(body), now=now)

    def seal(self, status: int, body: str) -> IdempotencyRecord:
        return IdempotencyRecord(self.key, self.body_hash, status, body, self.now, self.now + RETENTION)

    def replay(self) -> Response | None:
        """The kept answer to this key, a 422 if the key came with another body, or None if none is kept."""
        item = reads.get_idempotency(self.key, self.now)
        if item is None:
            return None
        if item.body_hash != self.body_hash:
            return error_response(422, "IDEMPOTENCY_KEY_REUSED",
                                  "This Idempotency-Key was used with a different body.")
        return Response(body=item.response, status_code=int(item.status_code),
                        headers={**JSON, REPLAYED_HEADER: "true"})

    def keep(self, response: Response) -> Response:
        """Keeps an answer that changed nothing, unless an earlier one holds the key (then replays it)."""
        if response.status_code >= 500:
            return response
        earlier = self.replay()
        if earlier is not None:
            return earlier
        try:
            reads.put_idempotency(self.seal(response.status_code, response.body), self.now)
        except IdempotencyKeyTaken:
            return self.replay() or response
        return response
