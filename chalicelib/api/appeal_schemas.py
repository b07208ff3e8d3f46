"""Request bodies of the appeals' routes (docs/appeals.md), loaded by the first appeal request."""

from typing import Annotated

import msgspec

from ..domain.enums import AppealDecision
from ..domain.limits import MAX_APPEAL_TEXT_LENGTH
from .schemas import EvidenceIds, _In

AppealText = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_APPEAL_TEXT_LENGTH,
                                         description=f"1 to {MAX_APPEAL_TEXT_LENGTH} characters")]


class AppealIn(_In):
    statement: Annotated[AppealText, msgspec.Meta(description="Why the cancellation was not the seller's fault")]
    evidence_ids: EvidenceIds | None = None


class DecideAppealIn(_In):
    decision: AppealDecision
    note: Annotated[AppealText, msgspec.Meta(description="Why, for the seller and the record")]
