"""Appeals of seller-fault cancellations (docs/appeals.md, rules A1-A9): who may open one, when, and what an
operator's decision changes. Pure rules: the store reads the appeal, the cancellation and its order, and these
decide the one Change that writes them all.
"""

from collections.abc import Sequence
from datetime import datetime

from msgspec.structs import replace

from .clock import market_day
from .enums import ACCEPTED, AppealDecision, AppealStatus, Fault, HistoryAction
from .enums import Actor as Initiator
from .errors import Conflict
from .evidence import EvidenceFile, attached
from .model import Appeal, Cancellation, Change, CohortDelta, CounterDelta, HistoryEntry, Order
from .policy import Policy

# What each decision makes of the appeal.
OUTCOME: dict[AppealDecision, AppealStatus] = {
    AppealDecision.UPHOLD: AppealStatus.UPHELD,
    AppealDecision.OVERTURN: AppealStatus.OVERTURNED,
}


def decide_by(opened_at: datetime, policy: Policy) -> datetime:
    """A4: operators decide within APPEAL_REVIEW_SECONDS of the opening."""
    return opened_at + policy.appeal_review


def overdue(appeal: Appeal, now: datetime) -> bool:
    """A8: still open at or after its decide_by."""
    return appeal.status is AppealStatus.OPEN and now >= appeal.decide_by


def _conflict(cancellation: Cancellation, message: str, code: str) -> Conflict:
    current: dict[str, object] = {"status": cancellation.status.value,
                                  "counts_toward_sfcr": cancellation.counts_toward_sfcr}
    if cancellation.appeal is not None:
        current["appeal"] = {"appeal_id": cancellation.appeal.appeal_id, "status": cancellation.appeal.status.value}
    return Conflict(message, code=code, details={"current": current})


def _refusal(cancellation: Cancellation) -> Conflict | None:
    """A1-A2, in this order: why the cancellation can never be appealed, or None."""
    if cancellation.appeal is not None:
        return _conflict(cancellation, "This cancellation has been appealed already.", "APPEAL_EXISTS")
    if cancellation.status not in ACCEPTED or not cancellation.counts_toward_sfcr:
        return _conflict(cancellation, "Only a seller-fault cancellation that counts toward the SFCR can be appealed.",
                         "NOT_APPEALABLE")
    return None


def appeal_by(cancellation: Cancellation, policy: Policy) -> datetime | None:
    """A1-A3: the instant the seller's window to appeal closes, APPEAL_WINDOW_DAYS after the cancellation took
    effect; None when it can never be appealed (appealed before, not accepted, not counting toward the SFCR). The
    one rule both the appeal's own check and every answer's `appeal_by` read."""
    if _refusal(cancellation) is not None or cancellation.resolved_at is None:
        return None
    return cancellation.resolved_at + policy.appeal_window


def ensure_may_open(cancellation: Cancellation, now: datetime, policy: Policy) -> None:
    """A1-A3, in this order: one appeal per cancellation ever (an overturned one no longer counts, and is still
    APPEAL_EXISTS); only an accepted cancellation that counts toward the SFCR; only within the window. Checked
    before any file is, so a refusal costs no S3 call."""
    refusal = _refusal(cancellation)
    if refusal is not None:
        raise refusal
    closes = appeal_by(cancellation, policy)
    if closes is None or now >= closes:
        raise _conflict(cancellation, f"Appeals close {policy.appeal_window.days} days after the cancellation.",
                        "APPEAL_WINDOW_CLOSED")


def open_appeal(cancellation: Cancellation, order: Order, appeal_id: str, statement: str,
                files: Sequence[EvidenceFile], now: datetime, policy: Policy) -> Change:
    """A1-A5: the appeal, the cancellation's marker (on condition of its version: two opens race to one), the
    files attached, appeals_open + 1 and the history entry, as one change."""
    ensure_may_open(cancellation, now, policy)
    appeal = Appeal(appeal_id=appeal_id, cancel_id=cancellation.cancel_id, order_id=order.order_id,
                    seller_id=order.seller_id, status=AppealStatus.OPEN, statement=statement, opened_at=now,
                    decide_by=decide_by(now, policy), evidence=attached(files))
    marked = replace(cancellation, appeal=appeal.ref, version=cancellation.version + 1)
    new = replace(order, version=order.version + 1)
    entry = HistoryEntry(now, Initiator.SELLER, order.seller_id, HistoryAction.APPEAL_OPENED, order.status,
                         new.status, cancellation.cancel_id, appeal_id)
    return Change(order=new, order_was=order.version, history=entry, cancellation=marked,
                  cancellation_was=cancellation.version, counters=CounterDelta(appeals_open=1),
                  attaches=tuple(files), appeal=appeal, appeal_was=None)


def ensure_open(appeal: Appeal) -> None:
    """A7: a decision is final."""
    if appeal.status is not AppealStatus.OPEN:
        raise Conflict("This appeal has been decided already.", code="APPEAL_DECIDED",
                       details={"current": {"status": appeal.status.value, "decided_by": appeal.decided_by}})


def _overturned(order: Order, cancellation: Cancellation, policy: Policy) -> tuple[Order, CohortDelta | None]:
    """A6: the cancellation stops counting; the order leaves its cohort's seller-fault count only when no other
    accepted cancellation of it still counts (an order counts once, M4)."""
    if not cancellation.counts_toward_sfcr:
        return replace(order, version=order.version + 1), None
    # Orders stored before the count was kept have seller_fault alone: that flag stood for at least one.
    counting = max(order.seller_fault_cancellations, int(order.seller_fault))
    left = counting - 1
    new = replace(order, version=order.version + 1, seller_fault_cancellations=left, seller_fault=left > 0)
    cohort = None
    if order.seller_fault and not new.seller_fault:
        cohort = CohortDelta(market_day(order.placed_at, policy.market_timezone).isoformat(), seller_fault=-1)
    return new, cohort


def decide(appeal: Appeal, cancellation: Cancellation, order: Order, decision: AppealDecision, note: str,
           operator_id: str, now: datetime, policy: Policy) -> Change:
    """A6-A7: UPHOLD leaves the fault; OVERTURN lifts it (fault NONE, counts_toward_sfcr false) and moves the SFCR
    cohort in the same change. Either way the appeal is final, appeals_open - 1, and the entry is the operator's."""
    ensure_open(appeal)
    status = OUTCOME[decision]
    decided = replace(appeal, status=status, decided_at=now, decided_by=operator_id, decision_note=note)
    cohort = None
    if decision is AppealDecision.OVERTURN:
        new, cohort = _overturned(order, cancellation, policy)
        changed = replace(cancellation, fault=Fault.NONE, counts_toward_sfcr=False)
    else:
        new, changed = replace(order, version=order.version + 1), cancellation
    changed = replace(changed, appeal=decided.ref, version=cancellation.version + 1)
    entry = HistoryEntry(now, Initiator.OPERATOR, operator_id, HistoryAction.APPEAL_DECIDED, order.status,
                         new.status, cancellation.cancel_id, f"{status.value} {appeal.appeal_id}")
    return Change(order=new, order_was=order.version, history=entry, cancellation=changed,
                  cancellation_was=cancellation.version, counters=CounterDelta(appeals_open=-1), cohort=cohort,
                  appeal=decided, appeal_was=AppealStatus.OPEN)
