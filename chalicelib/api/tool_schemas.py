"""Request and response shapes of the seller tools: bulk answers (their answer, `BulkOut`, is in answers.shapes:
the service builds it), the cancel preview, auto-approve rules."""

from typing import TYPE_CHECKING, Annotated, Literal

import msgspec

from ..answers.shapes import ErrorBody, Money, Out, SfcrOut
from ..domain.auto_approve import DEFAULT_STATUSES, RULE_STATUSES
from ..domain.enums import Fault, PreviewWarning
from ..domain.limits import MAX_AUTO_APPROVE_RULES, MAX_BULK_IDS, MAX_RULE_NAME_LENGTH
from ..domain.reasons import BuyerReason, RejectReason
from .schemas import Amount, Comment, Currency, Id, _In

CancelIds = Annotated[list[Id], msgspec.Meta(min_length=1, max_length=MAX_BULK_IDS,
                                             description=f"1-{MAX_BULK_IDS} distinct cancellation ids")]


class BulkApproveIn(_In):
    cancel_ids: CancelIds


class BulkRejectIn(_In):
    cancel_ids: CancelIds
    reason: RejectReason
    comment: Comment | None = None


class CancelPreviewOut(Out):
    allowed: bool
    problem: ErrorBody | None
    fault: Fault
    counts_toward_sfcr: bool
    refund: Money | None
    sfcr_now: SfcrOut
    sfcr_after: SfcrOut
    warning: Annotated[str | None, msgspec.Meta(
        description="The warning in English, for developers and clients that show it as it is")]
    warning_code: Annotated[PreviewWarning | None, msgspec.Meta(
        description="SFCR_BAND_WORSENS when the cancel would move the seller into a worse band (a worse standing, "
                    "or a lower order volume cap); its figures are sfcr_now's and sfcr_after's rate, standing and "
                    "order_volume_cap. Null without a warning")]


if TYPE_CHECKING:
    RuleStatus = str
else:  # the domain's RULE_STATUSES, as the closed list the schema and /openapi.json show
    RuleStatus = Literal[tuple(status.value for status in RULE_STATUSES)]


class MoneyIn(_In):
    amount: Amount
    currency: Currency


class RuleIn(_In):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_RULE_NAME_LENGTH)]
    rule_id: Id | None = None  # an existing rule's id, to keep it; left out for a new rule
    enabled: bool = True
    buyer_reasons: Annotated[list[BuyerReason], msgspec.Meta(max_length=len(BuyerReason),
                                                             description="Empty: any reason")] = []
    order_statuses: Annotated[list[RuleStatus], msgspec.Meta(min_length=1, max_length=len(RULE_STATUSES))] = \
        msgspec.field(default_factory=lambda: [status.value for status in DEFAULT_STATUSES])
    max_refund: MoneyIn | None = None
    whole_order_only: bool = False


class RulesIn(_In):
    rules: Annotated[list[RuleIn], msgspec.Meta(max_length=MAX_AUTO_APPROVE_RULES)]
    version: Annotated[int, msgspec.Meta(ge=0, description="The version last read")]


class RuleOut(Out):
    rule_id: str
    name: str
    enabled: bool
    buyer_reasons: list[BuyerReason]
    order_statuses: list[RuleStatus]
    max_refund: Money | None
    whole_order_only: bool


class RulesOut(Out):
    rules: list[RuleOut]
    version: int
