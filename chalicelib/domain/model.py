"""Orders and cancellations as plain values; `version` counts the changes each has seen."""

from datetime import datetime

import msgspec

from .enums import (
    Actor as Initiator,
)
from .enums import (
    AppealStatus,
    AutoApproveCause,
    CancellationStatus,
    Fault,
    HistoryAction,
    OfferKind,
    OfferStatus,
    OrderStatus,
    RefundStatus,
    WithdrawCause,
)
from .evidence import Evidence, EvidenceFile
from .support import ActedBy, derived


class LineItem(msgspec.Struct, frozen=True):
    """One line of an order; `unit_price` in minor units of the order's currency."""

    sku: str
    quantity: int
    unit_price: int
    # How many of `quantity` accepted cancellations took off the order; the rest still ships.
    cancelled_quantity: int = 0

    @property
    def remaining(self) -> int:
        return self.quantity - self.cancelled_quantity


class CancelledLine(msgspec.Struct, frozen=True):
    """What a cancellation takes off one line: `amount` = quantity x unit price, in minor units."""

    sku: str
    quantity: int
    amount: int


class Order(msgspec.Struct):
    order_id: str
    seller_id: str
    buyer_id: str
    items: tuple[LineItem, ...]
    currency: str
    status: OrderStatus
    placed_at: datetime
    paid_at: datetime | None = None
    arranged_at: datetime | None = None
    shipped_at: datetime | None = None
    delivered_at: datetime | None = None
    completed_at: datetime | None = None
    cancelled_at: datetime | None = None
    tracking_number: str | None = None
    # The buyer request now waiting for the seller, if any (rule 7: one at a time).
    pending_cancel_id: str | None = None
    pending_respond_by: datetime | None = None
    # The cancellation that cancelled this order.
    cancel_id: str | None = None
    # How many auto-approved cancellations of this order the seller has not yet acknowledged: a partial
    # cancellation leaves the order going on, so another may be auto-approved before the first is seen.
    unacknowledged: int = 0
    # A seller-fault cancellation, whole or partial, was accepted on this order: it counts once in the SFCR.
    seller_fault: bool = False
    # How many accepted cancellations of this order count toward the SFCR: an overturned appeal takes one off,
    # and the order leaves the SFCR only when none is left (docs/appeals.md, A6).
    seller_fault_cancellations: int = 0
    # After a seller rejection the buyer may not ask again for this order (rule 7).
    buyer_may_request: bool = True
    # The ship-by date of a SHIP_BY offer the buyer accepted: a request after it is auto-approved (PROMISE_MISSED).
    promised_ship_by: datetime | None = None
    # What the platform sent when recording the order, to tell a retry from a conflicting order.
    fingerprint: str = ""
    version: int = 1

    @property
    def total(self) -> int:
        return sum(item.quantity * item.unit_price for item in self.items)

    @property
    def remaining_total(self) -> int:
        """What the items still to ship are worth, in minor units."""
        return sum(item.remaining * item.unit_price for item in self.items)

    @property
    def awaiting_acknowledgement(self) -> bool:
        return self.unacknowledged > 0

    @property
    def needs_attention(self) -> bool:
        """In the seller's Cancellation filter: a pending request or an unacknowledged auto-approval."""
        return self.pending_cancel_id is not None or self.awaiting_acknowledgement


class Offer(msgspec.Struct, frozen=True):
    """The seller's one offer on a buyer's request (docs/offers.md); `amount` in minor units of the order's
    currency (PARTIAL_REFUND), `ship_by` the promised date (SHIP_BY)."""

    kind: OfferKind
    message: str
    made_at: datetime
    answer_by: datetime
    status: OfferStatus = OfferStatus.OPEN
    amount: int | None = None
    ship_by: datetime | None = None
    answered_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.status is OfferStatus.OPEN


class AppealRef(msgspec.Struct, frozen=True):
    """The one appeal of a cancellation, as the cancellation carries it (docs/appeals.md)."""

    appeal_id: str
    status: AppealStatus


class Cancellation(msgspec.Struct):
    cancel_id: str
    order_id: str
    seller_id: str
    buyer_id: str
    initiator: Initiator
    status: CancellationStatus
    reason: str
    requested_at: datetime
    fault: Fault
    counts_toward_sfcr: bool
    comment: str | None = None
    respond_by: datetime | None = None
    resolved_at: datetime | None = None
    resolved_by: Initiator | None = None
    auto_approve_cause: AutoApproveCause | None = None
    # The seller's rule that auto-approved it (cause SELLER_RULE).
    auto_approve_rule_id: str | None = None
    reject_reason: str | None = None
    reject_comment: str | None = None
    acknowledged_at: datetime | None = None
    # What it cancels, every line's remaining quantity for a whole-order cancellation, and its money.
    line_items: tuple[CancelledLine, ...] = ()
    whole_order: bool = True
    currency: str = ""
    refund_status: RefundStatus = RefundStatus.NONE
    refunded_at: datetime | None = None
    refund_reference: str | None = None
    # The files the seller attached when rejecting (docs/evidence.md).
    evidence: tuple[Evidence, ...] = ()
    offer: Offer | None = None
    # While an offer is open the seller's clock stops: `respond_by` is None and this holds what was left.
    response_seconds_left: int | None = None
    withdraw_cause: WithdrawCause | None = None
    # Who pressed the button that made it (docs/support-desk.md); None on an item stored before actors were.
    actor: ActedBy | None = None
    appeal: AppealRef | None = None
    version: int = 1

    @property
    def acted_by(self) -> ActedBy:
        """The stored actor, or for an older item the one its initiator implies (SD5)."""
        return self.actor or derived(self.initiator, self.seller_id, self.buyer_id)

    @property
    def refund_amount(self) -> int | None:
        """The money owed back to the buyer: the sum of what it cancels, or None when the order was unpaid; an
        accepted partial-refund offer owes its amount and cancels nothing."""
        if self.refund_status is RefundStatus.NOT_APPLICABLE:
            return None
        offer = self.offer
        if self.withdraw_cause is WithdrawCause.OFFER_ACCEPTED and offer is not None and offer.amount is not None:
            return offer.amount
        return sum(line.amount for line in self.line_items)

    @property
    def offer_open(self) -> bool:
        return self.offer is not None and self.offer.is_open

    @property
    def listed_at(self) -> datetime:
        """When it reached its current status: what "newest first" orders by."""
        return self.resolved_at or self.requested_at


class Appeal(msgspec.Struct, frozen=True, kw_only=True):
    """A seller's appeal of a seller-fault cancellation (docs/appeals.md): open until an operator decides it."""

    appeal_id: str
    cancel_id: str
    order_id: str
    seller_id: str
    status: AppealStatus
    statement: str
    opened_at: datetime
    decide_by: datetime
    evidence: tuple[Evidence, ...] = ()
    decided_at: datetime | None = None
    decided_by: str | None = None
    decision_note: str | None = None

    @property
    def ref(self) -> AppealRef:
        return AppealRef(self.appeal_id, self.status)


class HistoryEntry(msgspec.Struct, frozen=True):
    """One state change of an order: when, who, what."""

    at: datetime
    actor: Initiator
    actor_id: str
    action: HistoryAction
    from_status: OrderStatus | None
    to_status: OrderStatus
    cancel_id: str | None = None
    note: str | None = None
    # An operator's entry (actor OPERATOR): its support ticket, the party it acted for, its note (SD4).
    ticket: str | None = None
    on_behalf_of: Initiator | None = None
    operator_note: str | None = None


class CounterDelta(msgspec.Struct, frozen=True):
    """Moves of a seller's action-needed counts."""

    requested: int = 0
    auto_approved: int = 0
    awaiting_buyer: int = 0  # open offers: nothing is asked of the seller meanwhile
    appeals_open: int = 0  # the seller's appeals waiting for an operator (docs/appeals.md)

    def __bool__(self) -> bool:
        return bool(self.requested or self.auto_approved or self.awaiting_buyer or self.appeals_open)


class CohortDelta(msgspec.Struct, frozen=True):
    """Moves of a seller's SFCR cohort for the market day its orders were placed on."""

    day: str
    orders: int = 0
    seller_fault: int = 0


class Change(msgspec.Struct, kw_only=True):
    """Everything one state change writes, committed together or not at all.

    `order_was`/`cancellation_was` are the versions the change was decided from (None: the item is new).
    """

    order: Order
    order_was: int | None
    history: HistoryEntry
    cancellation: Cancellation | None = None
    cancellation_was: int | None = None
    counters: CounterDelta = msgspec.field(default_factory=CounterDelta)
    cohort: CohortDelta | None = None
    # Evidence files this change attaches: each is marked used in the same transaction, on condition it was not.
    attaches: tuple[EvidenceFile, ...] = ()
    # An appeal the change opens or decides; `appeal_was`: the status it was decided from (None: the appeal is new).
    appeal: Appeal | None = None
    appeal_was: AppealStatus | None = None
