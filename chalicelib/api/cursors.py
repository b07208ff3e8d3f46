"""Opaque, tamper-proof page cursors, signed and bound to the caller and the query that made them.

New cursors are signed with CURSOR_SECRET; during a rotation the key it replaced (CURSOR_SECRET_PREVIOUS) still
reads cursors until CURSOR_SECRET_PREVIOUS_UNTIL, so a seller mid-walk is not sent back to the first page."""

import base64
import binascii
import hashlib
import hmac
import json

from .. import config
from ..domain.clock import utc_now
from .errors import ApiError

_VERSION = "1"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(payload: bytes, caller: str, query: str, key: bytes) -> str:
    mac = hmac.new(key, digestmod=hashlib.sha256)
    for part in (_VERSION.encode(), caller.encode(), query.encode(), payload):
        mac.update(len(part).to_bytes(4, "big") + part)
    return _b64(mac.digest())


def encode(key: dict[str, str] | None, *, caller: str, query: str) -> str | None:
    if key is None:
        return None
    payload = json.dumps(key, separators=(",", ":"), sort_keys=True).encode()
    return f"{_b64(payload)}.{_signature(payload, caller, query, config.cursor_secret())}"


def decode(cursor: str | None, *, caller: str, query: str) -> dict[str, str] | None:
    if cursor is None:
        return None
    bad = ApiError(400, "INVALID_CURSOR", "The cursor is not valid for this caller and query.")
    # ASCII only: hmac.compare_digest raises TypeError on non-ASCII str (a 500, not a 400).
    if len(cursor) > 2048 or not cursor.isascii() or cursor.count(".") != 1:
        raise bad
    body, signature = cursor.split(".")
    try:
        payload = _unb64(body)
    except (binascii.Error, ValueError) as error:
        raise bad from error
    # Every key in force is checked (no early exit), so the time taken does not tell which one matched.
    matches = [hmac.compare_digest(signature, _signature(payload, caller, query, key))
               for key in config.cursor_keys(utc_now())]
    if not any(matches):
        raise bad
    key = json.loads(payload)
    if not isinstance(key, dict) or not all(isinstance(v, str) for v in key.values()):
        raise bad
    return key
