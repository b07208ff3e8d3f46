"""What a seller cancellation would do, decided by the cancellation itself: `lifecycle.seller_cancel` runs on the
order as it stands and its `Change` (or its refusal) is read, never written, so the preview and the cancel
cannot disagree. The SFCR moves only through the change's cohort, and only when that cohort is in the window."""

from collections.abc import Sequence
from datetime import date, datetime

import msgspec

from . import lifecycle, sfcr
from .enums import PreviewWarning
from .errors import DomainError
from .model import Change, Order
from .money import LineRequest
from .policy import Policy
from .reasons import SELLER_CANCEL_RULES, SellerCancelReason

# The id the decided (never stored) cancellation carries.
PREVIEW_ID = "cxl_preview"


class Problem(msgspec.Struct, frozen=True):
    """The error the cancel would answer."""

    code: str
    message: str
    details: dict[str, object] | None


class Preview(msgspec.Struct, frozen=True, kw_only=True):
    problem: Problem | None
    fault: str
    counts_toward_sfcr: bool
    refund: int | None  # what the cancellation would owe the buyer, minor units; None: unpaid, or not allowed
    currency: str
    sfcr_now: sfcr.Sfcr  # the rate as it stands
    sfcr_after: sfcr.Sfcr  # the rate once the cancel counted
    warning: str | None  # the English sentence; `warning_code` for a client that words it itself
    # Its data is in sfcr_now and sfcr_after: the rates, standings and caps before and after.
    warning_code: PreviewWarning | None

    @property
    def allowed(self) -> bool:
        return self.problem is None


def preview(order: Order, reason: SellerCancelReason, comment: str | None, now: datetime, policy: Policy,
            orders: int, seller_fault: int, line_items: Sequence[LineRequest] | None = None) -> Preview:
    """`orders`, `seller_fault`: the seller's cohort totals over the window of `now` (as the SFCR reads them);
    `line_items`: the cancel's own (None: every remaining item)."""
    change: Change | None = None
    problem: Problem | None = None
    try:
        change = lifecycle.seller_cancel(order, reason, comment, PREVIEW_ID, now, policy, line_items)
    except DomainError as error:
        problem = Problem(error.code, error.message, error.details)
    win = sfcr.window(now, policy)
    current = sfcr.compute(win, orders, seller_fault, policy)
    after = current
    if change is not None and change.cohort is not None and _inside(change.cohort.day, win):
        faults_after = seller_fault + change.cohort.seller_fault
        # The index behind the totals may lag the order itself by a moment: the order is in its cohort.
        after = sfcr.compute(win, max(orders, faults_after), faults_after, policy)
    rule = SELLER_CANCEL_RULES[reason]
    return Preview(
        problem=problem, fault=rule.fault.value, counts_toward_sfcr=rule.counts_toward_sfcr,
        refund=change.cancellation.refund_amount if change and change.cancellation else None,
        currency=order.currency, sfcr_now=current, sfcr_after=after, warning=warning(current, after, policy),
        warning_code=PreviewWarning.SFCR_BAND_WORSENS if band_worsens(current, after, policy) else None,
    )


def _inside(day: str, win: sfcr.Window) -> bool:
    return win.first_day <= date.fromisoformat(day) <= win.last_day


def band_worsens(current: sfcr.Sfcr, after: sfcr.Sfcr, policy: Policy) -> bool:
    """Whether the cancellation would move the seller into a worse band (F3): a worse standing, or the same
    standing with a lower order volume cap."""
    was, will = policy.band_for(current.rate), policy.band_for(after.rate)
    return policy.sfcr_bands.index(will) > policy.sfcr_bands.index(was)


def warning(current: sfcr.Sfcr, after: sfcr.Sfcr, policy: Policy) -> str | None:
    """The English sentence when the band worsens."""
    if not band_worsens(current, after, policy):
        return None
    was, will = policy.band_for(current.rate), policy.band_for(after.rate)
    sentence = (f"This cancellation would raise your seller-fault cancellation rate from {current.rate:.1%} to "
                f"{after.rate:.1%}: ")
    if will.standing != was.standing:
        sentence += f"your standing goes from {was.standing} to {will.standing}"
    else:
        sentence += f"your standing stays {will.standing}"
    if will.order_volume_cap < was.order_volume_cap:
        sentence += f", and your order volume cap drops from {was.order_volume_cap:.0%} to {will.order_volume_cap:.0%}"
    return sentence + "."
