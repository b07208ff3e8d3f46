"""The `Idempotency-Key` header: checked here, then scoped and kept by `service.idempotency` (loaded with the first
keyed command: checking the header needs no table)."""

from datetime import datetime
from typing import TYPE_CHECKING

from chalice.app import Response

from ..domain.identity import Identity
from .errors import JSON, ApiError

if TYPE_CHECKING:
    from ..service.idempotency import Answer, Idempotency

HEADER = "idempotency-key"
MAX_KEY_LENGTH = 255
REPLAYED_HEADER = "Idempotent-Replayed"


def check(header: str | None) -> None:
    """Every POST takes the header, one that changes nothing too (a client may send a key on every POST)."""
    if header is not None and (not header or len(header) > MAX_KEY_LENGTH or not header.isprintable()):
        raise ApiError(400, "INVALID_IDEMPOTENCY_KEY",
                       f"Idempotency-Key must be 1-{MAX_KEY_LENGTH} printable characters.")


def from_request(header: str | None, identity: Identity, method: str, path: str, body: bytes,
                 now: datetime) -> "Idempotency | None":
    check(header)
    if header is None:
        return None
    from ..service.idempotency import Idempotency

    return Idempotency.scoped(header, identity, method, path, body, now)


def response(answer: "Answer") -> Response:
    headers: dict[str, str | list[str]] = {**JSON, REPLAYED_HEADER: "true"} if answer.replayed else {**JSON}
    return Response(body=answer.body, status_code=answer.status, headers=headers)
