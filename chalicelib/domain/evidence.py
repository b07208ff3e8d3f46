"""Evidence files (docs/evidence.md): what a file may be, and whether one may be attached.

Pure rules: the store reads the file's record and what S3 holds, and these decide. Rejects attach files now,
appeals will attach them the same way (`problem`, `ensure_attachable`).
"""

from collections.abc import Sequence
from datetime import datetime, timedelta
from enum import StrEnum

import msgspec

from . import limits
from .errors import InvalidRequest
from .reasons import EVIDENCE_REQUIRED


class ContentType(StrEnum):
    JPEG = "image/jpeg"
    PNG = "image/png"
    WEBP = "image/webp"


class Problem(StrEnum):
    NOT_UPLOADED = "NOT_UPLOADED"
    TOO_LARGE = "TOO_LARGE"
    WRONG_TYPE = "WRONG_TYPE"
    ALREADY_USED = "ALREADY_USED"


# How long a presigned upload (POST) and a presigned link (GET) stay valid.
UPLOAD_VALID = timedelta(minutes=15)
LINK_VALID = timedelta(minutes=15)
# The bucket's lifecycle: a file never attached is deleted after a day, an attached one kept 400 days.
UNATTACHED_DAYS = 1
RETENTION_DAYS = 400
# The object tag the upload sets and attaching changes: the 1-day rule matches the first value only.
STATE_TAG = "evidence-state"
UPLOADED = "uploaded"
ATTACHED = "attached"
KEY_PREFIX = "evidence/"

# The first bytes of each type: WebP is RIFF, 4 bytes of length, then WEBP.
_SIGNATURES: dict[ContentType, tuple[tuple[int, bytes], ...]] = {
    ContentType.JPEG: ((0, b"\xff\xd8\xff"),),
    ContentType.PNG: ((0, b"\x89PNG\r\n\x1a\n"),),
    ContentType.WEBP: ((0, b"RIFF"), (8, b"WEBP")),
}
# What a ranged read of the object's start fetches: enough for every signature above.
HEAD_BYTES = max(offset + len(magic) for checks in _SIGNATURES.values() for offset, magic in checks)


class EvidenceFile(msgspec.Struct, frozen=True, kw_only=True):
    """A file a seller declared for upload: who, what, how large, and the object it attached to (if any)."""

    evidence_id: str
    seller_id: str
    content_type: ContentType
    size: int
    created_at: datetime
    attached_to: str | None = None

    @property
    def key(self) -> str:
        return object_key(self.seller_id, self.evidence_id)


class Evidence(msgspec.Struct, frozen=True):
    """A file as the object it is attached to carries it (no link: links are made when answering)."""

    evidence_id: str
    content_type: ContentType
    size: int


class Stored(msgspec.Struct, frozen=True):
    """What S3 holds under a file's key: its size and its first `HEAD_BYTES` bytes."""

    size: int
    head: bytes


def object_key(seller_id: str, evidence_id: str) -> str:
    return f"{KEY_PREFIX}{seller_id}/{evidence_id}"


def upload_expires_at(now: datetime) -> datetime:
    return now + UPLOAD_VALID


def record_expires_at(created_at: datetime) -> datetime:
    """When a record never attached may go (a DynamoDB TTL, dropped on attach). S3 runs lifecycle rules once a day,
    so an unattached object lives up to a day longer than its rule says: the record outlives it by that day."""
    return created_at + timedelta(days=UNATTACHED_DAYS + 1)


def has_signature(content_type: ContentType, head: bytes) -> bool:
    return all(head[offset:offset + len(magic)] == magic for offset, magic in _SIGNATURES[content_type])


def record_problem(file: EvidenceFile | None, seller_id: str) -> Problem | None:
    """What the record alone refuses. Another seller's file reads as never uploaded: the answer never tells that
    it exists."""
    if file is None or file.seller_id != seller_id:
        return Problem.NOT_UPLOADED
    if file.attached_to is not None:
        return Problem.ALREADY_USED
    return None


def problem(file: EvidenceFile | None, seller_id: str, stored: Stored | None) -> Problem | None:
    """Why `file` may not be attached by `seller_id`, or None; `stored`: what S3 holds under its key."""
    refused = record_problem(file, seller_id)
    if refused is not None or file is None:
        return refused
    if stored is None:
        return Problem.NOT_UPLOADED
    if stored.size > min(file.size, limits.MAX_EVIDENCE_BYTES):
        return Problem.TOO_LARGE
    if not has_signature(file.content_type, stored.head):
        return Problem.WRONG_TYPE
    return None


def invalid(evidence_id: str, why: Problem) -> InvalidRequest:
    return InvalidRequest(f"Evidence {evidence_id} cannot be attached: {why.value}.", code="INVALID_EVIDENCE",
                          details={"evidence_id": evidence_id, "problem": why.value})


def ensure_distinct(evidence_ids: Sequence[str]) -> None:
    """A file listed twice in one call would be attached twice: the second mention is already used."""
    seen: set[str] = set()
    for evidence_id in evidence_ids:
        if evidence_id in seen:
            raise invalid(evidence_id, Problem.ALREADY_USED)
        seen.add(evidence_id)


def attached(files: Sequence[EvidenceFile]) -> tuple[Evidence, ...]:
    return tuple(Evidence(f.evidence_id, f.content_type, f.size) for f in files)


def evidence_required(reason: str, file_count: int) -> InvalidRequest | None:
    """EVIDENCE_REQUIRED for a reason that needs at least one file and got none (the reasons: `reasons.py`)."""
    if reason in EVIDENCE_REQUIRED and file_count == 0:
        return InvalidRequest(f"Reason {reason} needs at least one evidence file.", code="EVIDENCE_REQUIRED",
                              details={"reason": reason})
    return None
