"""The support desk's request body (docs/support-desk.md), loaded with the first operator cancel."""

from typing import Annotated, Literal

import msgspec

from ..domain.limits import MAX_COMMENT_LENGTH, MAX_TICKET_LENGTH
from ..domain.reasons import BuyerReason, SellerCancelReason
from .schemas import END, Comment, LinesToCancel, _In

Ticket = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_TICKET_LENGTH, pattern=r"^[!-~]+" + END,
                                     description=f"The support ticket: 1-{MAX_TICKET_LENGTH} visible ASCII "
                                                 "characters, e.g. T-123")]
# Either party's reasons: which one applies is `on_behalf_of`'s (a reason of the other party is 400
# REASON_NOT_ALLOWED), so the schema lists both and the domain decides.
PartyReason = Annotated[str, msgspec.Meta(
    max_length=64, description="A reason of the party acted for: a buyer's request reason or a seller's cancel reason",
    extra_json_schema={"enum": sorted({*(r.value for r in BuyerReason), *(r.value for r in SellerCancelReason)})})]


class OperatorCancelIn(_In):
    on_behalf_of: Literal["seller", "buyer"]
    reason: PartyReason
    ticket: Ticket
    note: Annotated[str, msgspec.Meta(max_length=MAX_COMMENT_LENGTH,
                                      description=f"The operator's note, at most {MAX_COMMENT_LENGTH} characters; "
                                                  "kept on the order's history")] | None = None
    comment: Comment | None = None
    line_items: LinesToCancel | None = None
