"""Request and response shapes of the seller tools: bulk answers, the cancel preview, auto-approve rules."""

from typing import Annotated

import msgspec

from ..domain.enums import Fault
from ..domain.reasons import RejectReason
from .schemas import CancellationOut, Comment, ErrorBody, Id, Money, SfcrOut, _In, _Out

MAX_IDS = 50

CancelIds = Annotated[list[Id], msgspec.Meta(min_length=1, max_length=MAX_IDS,
                                             description=f"1-{MAX_IDS} distinct cancellation ids")]


class BulkApproveIn(_In):
    cancel_ids: CancelIds


class BulkRejectIn(_In):
    cancel_ids: CancelIds
    reason: RejectReason
    comment: Comment | None = None


class BulkItemOut(msgspec.Struct, kw_only=True, omit_defaults=True):
    """One id's result: the status it alone would have got, with the cancellation (2xx) or the error."""

    cancel_id: str
    status: int
    cancellation: CancellationOut | None = None
    error: ErrorBody | None = None


class BulkOut(_Out):
    results: list[BulkItemOut]


class CancelPreviewOut(_Out):
    allowed: bool
    problem: ErrorBody | None
    fault: Fault
    counts_toward_sfcr: bool
    refund: Money | None
    sfcr_now: SfcrOut
    sfcr_after: SfcrOut
    warning: str | None
