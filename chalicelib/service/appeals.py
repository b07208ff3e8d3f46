"""Appeals of seller-fault cancellations (docs/appeals.md): the deciders that open and decide one, and the reads
of the seller's lists and the operators' queue. Access is decided here: a seller sees its own appeals only (404
for another's, as for a missing one); operators see every one."""

import uuid
from collections.abc import Sequence
from datetime import datetime

from ..domain import appeals as rules
from ..domain.enums import AppealDecision, AppealStatus
from ..domain.errors import NotFound
from ..domain.identity import Identity, Role
from ..domain.model import Appeal
from ..domain.policy import Policy
from ..store import appeals as stored
from ..store.reads import Key, Page
from . import access, evidence
from .executor import Decider, Decision


def new_appeal_id() -> str:
    return "apl_" + uuid.uuid4().hex


def appeal_not_found(appeal_id: str) -> NotFound:
    return NotFound(f"Appeal {appeal_id} was not found.", code="APPEAL_NOT_FOUND")


def appeal_for(identity: Identity, appeal_id: str) -> Appeal:
    appeal = stored.get(appeal_id)
    if appeal is None or not (identity.role is Role.OPERATOR or identity.seller_id == appeal.seller_id):
        raise appeal_not_found(appeal_id)
    return appeal


def open_appeal(identity: Identity, cancel_id: str, statement: str, evidence_ids: Sequence[str], now: datetime,
                policy: Policy) -> Decider[Appeal]:
    """The cancellation and its order (2 GetItem), the rules, then the files (only once the appeal may be opened
    at all, so a 409 costs no S3 call), then one transaction."""
    appeal_id = new_appeal_id()

    def decide() -> Decision[Appeal]:
        cancellation, order = access.cancellation_for(identity, cancel_id)
        rules.ensure_may_open(cancellation, now, policy)
        files = evidence.attachable(identity, evidence_ids)
        change = rules.open_appeal(cancellation, order, appeal_id, statement, files, now, policy)
        evidence.mark_attached(files)
        assert change.appeal is not None
        return Decision(change, change.appeal, created=True)

    return decide


def decide(identity: Identity, appeal_id: str, decision: AppealDecision, note: str, now: datetime,
           policy: Policy) -> Decider[Appeal]:
    """The appeal, its cancellation and order (3 GetItem), then one transaction; a lost race decides again from
    fresh reads and meets APPEAL_DECIDED."""
    def decide_it() -> Decision[Appeal]:
        appeal = appeal_for(identity, appeal_id)
        rules.ensure_open(appeal)
        cancellation, order = access.cancellation_for(identity, appeal.cancel_id)
        assert identity.operator_id is not None
        change = rules.decide(appeal, cancellation, order, decision, note, identity.operator_id, now, policy)
        assert change.appeal is not None
        return Decision(change, change.appeal)

    return decide_it


def seller_appeals(identity: Identity, status: AppealStatus | None, limit: int, after: Key | None) -> Page[Appeal]:
    assert identity.seller_id is not None
    return stored.seller_appeals(identity.seller_id, status, limit, after)


def queue(limit: int, after: str | None) -> tuple[list[Appeal], str | None]:
    return stored.queue(limit, after)
