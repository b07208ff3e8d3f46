"""Evidence records in DynamoDB: declared on upload, read by key, marked attached inside a change's transaction."""

from collections.abc import Sequence
from datetime import datetime

from pynamodb.transactions import TransactWrite

from ..domain.clock import iso, parse_iso
from ..domain.evidence import ContentType, EvidenceFile, record_expires_at
from .evidence_models import EvidenceItem


def _from_item(item: EvidenceItem) -> EvidenceFile:
    return EvidenceFile(evidence_id=item.evidence_id, seller_id=item.seller_id,
                        content_type=ContentType(item.content_type), size=int(item.size),
                        created_at=parse_iso(item.created_at), attached_to=item.attached_to)


def declare(file: EvidenceFile) -> None:
    """One PutItem; the id is new, so the condition only guards against a collision."""
    EvidenceItem(file.evidence_id, seller_id=file.seller_id, content_type=file.content_type.value, size=file.size,
                 created_at=iso(file.created_at), expires_at=record_expires_at(file.created_at),
                 ).save(condition=EvidenceItem.evidence_id.does_not_exist())


def get_many(evidence_ids: Sequence[str]) -> dict[str, EvidenceFile]:
    """Up to MAX_EVIDENCE_FILES records in one consistent BatchGetItem."""
    return {item.evidence_id: _from_item(item)
            for item in EvidenceItem.batch_get(list(evidence_ids), consistent_read=True)}


def stage_attach(txn: TransactWrite, files: Sequence[EvidenceFile], attached_to: str, now: datetime) -> None:
    """Marks each file used by `attached_to`, on condition that it is still the uploader's and unused: a file
    attached by a racing call fails the whole transaction, and the retry sees it ALREADY_USED."""
    for file in files:
        item = EvidenceItem(file.evidence_id)
        txn.update(item, actions=[EvidenceItem.attached_to.set(attached_to), EvidenceItem.attached_at.set(iso(now)),
                                  EvidenceItem.expires_at.remove()],
                   condition=(EvidenceItem.seller_id == file.seller_id) & EvidenceItem.attached_to.does_not_exist())
