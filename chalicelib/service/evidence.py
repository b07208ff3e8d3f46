"""Evidence files: declaring an upload, the checks every attach makes (rejects now, appeals alike), and links.

S3 is reached only from here and only on the routes that handle files (docs/evidence.md).
"""

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import msgspec

from ..domain import evidence
from ..domain.evidence import ContentType, EvidenceFile
from ..domain.identity import Identity
from ..store import evidence as records
from ..store import evidence_objects as objects


class Upload(msgspec.Struct, frozen=True):
    evidence_id: str
    upload: dict[str, Any]
    expires_at: datetime


def new_evidence_id() -> str:
    return "evd_" + uuid.uuid4().hex


def declare(identity: Identity, content_type: ContentType, size: int, now: datetime) -> Upload:
    """Records the file (one PutItem) and signs its upload; nothing reaches S3 until the client posts the file."""
    assert identity.seller_id is not None
    file = EvidenceFile(evidence_id=new_evidence_id(), seller_id=identity.seller_id, content_type=content_type,
                        size=size, created_at=now)
    records.declare(file)
    return Upload(file.evidence_id, objects.presigned_upload(file.key, content_type, size),
                  evidence.upload_expires_at(now))


def attachable(identity: Identity, evidence_ids: Sequence[str]) -> tuple[EvidenceFile, ...]:
    """The caller's files, each checked (uploaded, size, first bytes, its own, unused), in the order given; the
    first that fails is 400 INVALID_EVIDENCE. One BatchGetItem, then per file a HeadObject and a ranged
    GetObject (neither for a file that already fails on its record)."""
    if not evidence_ids:
        return ()
    evidence.ensure_distinct(evidence_ids)
    seller_id = identity.seller_id or ""
    found = records.get_many(evidence_ids)
    files: list[EvidenceFile] = []
    for evidence_id in evidence_ids:
        file = found.get(evidence_id)
        why = evidence.record_problem(file, seller_id)
        if why is None and file is not None:
            why = evidence.problem(file, seller_id, objects.stored(file.key))
            if why is None:
                files.append(file)
        if why is not None:
            raise evidence.invalid(evidence_id, why)
    return tuple(files)


def mark_attached(files: Sequence[EvidenceFile]) -> None:
    """Takes the files out of the 1-day cleanup. Done before the attaching transaction commits: if that then
    fails, an unattached file is kept 400 days instead of 1; the other order would let a crash between the two
    delete an attached file."""
    for file in files:
        objects.mark_attached(file.key)


def links(key: str) -> str:
    return objects.link(key)
