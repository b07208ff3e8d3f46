"""The whole lifecycle, model-checked: random sequences of every party's actions, clock moves and expiry runs,
driven through the real app (chalice.test.Client over moto) and compared after every step with a small
reference model of product.md written here, independently of chalicelib's domain code.

Each example starts on empty tables and a clock frozen at START. After every step, through the API: every
order's status, pending request and accepted cancellation (the seller's order list), the action-needed counts,
SFCR and event feed of every seller against a recount (the feed: one event per history entry, oldest first, each
order's sequence 1..n, of the type its entry names), and, for each order the step acted on, its cancellations (at
most one pending; CANCELLED iff exactly one accepted), its history (one entry per change) and its handover
warning; a cancelled or completed order, and a resolved cancellation, never change once seen (but for its
acknowledgement and its refund's report). Requests and seller cancels may name some items (or bad lines, 400);
after every step each line's cancelled quantity lies between 0 and what was ordered and is what the accepted
cancellations took off it, `remaining_total` is what remains at its prices, the order is CANCELLED iff nothing
remains, the SFCR counts an order once whatever mix it had, and the refunds are the accepted amounts. At the end
of each example the same holds for every order and cancellation, the tabs, Cancellation filter, deadline queue
and buyer's view agree, and the stored items are recounted. The action-needed counts compared are all four:
requested, auto-approved, due soon and awaiting the buyer. `LIFECYCLE_MODEL_EXAMPLES` raises the number of
examples for a longer run.
"""

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from itertools import pairwise
from pathlib import Path
from time import perf_counter
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from chalice.test import Client
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from chalicelib.jobs import expiry
from tests.support.api import START, Api, Tokens
from tests.support.events import whole_feed
from tests.support.fresh_aws import AWS
from tests.support.races import assert_store_consistent
from tests.support.shop import Shop

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_EXAMPLES = 30
EXAMPLES = int(os.environ.get("LIFECYCLE_MODEL_EXAMPLES", str(DEFAULT_EXAMPLES)))
STEPS = 40
MAX_ORDERS = 6

# --- the reference model: product.md, in as few lines as it takes --------------------------------------

GRACE = timedelta(seconds=int(os.environ.get("BUYER_GRACE_PERIOD_SECONDS", "3600")))
WINDOW = timedelta(seconds=int(os.environ.get("SELLER_RESPONSE_WINDOW_SECONDS", "172800")))
OFFER_WINDOW = timedelta(seconds=int(os.environ.get("BUYER_OFFER_WINDOW_SECONDS", "86400")))
DUE_SOON = timedelta(seconds=int(os.environ.get("DUE_SOON_SECONDS", "86400")))  # events.md, EV7
TIME_BACK = timedelta(hours=1)  # a declined or lapsed offer gives back at least this much (offers.md, OF8)
SFCR_DAYS = int(os.environ.get("SFCR_WINDOW_DAYS", "7"))
MARKET = ZoneInfo(os.environ.get("MARKET_TIMEZONE", "UTC"))  # whose calendar days the SFCR window counts
# (lowest rate, standing, order volume cap), highest band first
STANDINGS = ((0.75, "SUSPENDED", 0.0), (0.50, "RESTRICTED", 0.25), (0.30, "RESTRICTED", 0.5),
             (0.10, "RESTRICTED", 0.75), (0.025, "AT_RISK", 1.0), (0.0, "GOOD", 1.0))

UNSHIPPED = ("UNPAID", "AWAITING_SHIPMENT", "AWAITING_COLLECTION")
PAID_UNSHIPPED = ("AWAITING_SHIPMENT", "AWAITING_COLLECTION")
ACCEPTED = ("AUTO_APPROVED", "APPROVED", "SELLER_CANCELLED")
BUYER_REASONS = ("CHANGED_MIND", "ORDERED_BY_MISTAKE", "FOUND_BETTER_PRICE", "NEED_TO_CHANGE_ADDRESS",
                 "DELIVERY_TOO_SLOW", "PAYMENT_ISSUE", "OTHER")
REJECT_REASONS = ("PRODUCT_PACKED", "DELIVERY_ON_SCHEDULE", "AGREED_WITH_BUYER", "INVALID_REASON")
# Reject reasons that need evidence files: without, 400 EVIDENCE_REQUIRED before anything about the request.
NEEDS_EVIDENCE = ("PRODUCT_PACKED", "AGREED_WITH_BUYER")
# seller cancel reason -> (statuses it is allowed in, counts toward SFCR)
SELLER_REASONS = {
    "OUT_OF_STOCK": (UNSHIPPED, True),
    "WRONG_PRICE": (UNSHIPPED, True),
    "BUYER_NOT_PAID_IN_TIME": (("UNPAID",), False),
    "ADDRESS_NOT_DELIVERABLE": (PAID_UNSHIPPED, False),
}
# The event each history entry yields (docs/events.md's table), written out here apart from chalicelib's.
EVENT_OF = {
    "ORDER_RECORDED": "order.recorded", "PAYMENT_RECORDED": "order.paid",
    "SHIPMENT_ARRANGED": "order.shipment_arranged", "SHIPPED": "order.shipped",
    "DELIVERED": "order.delivered", "COMPLETED": "order.completed",
    "CANCELLATION_REQUESTED": "cancellation.requested", "CANCELLATION_AUTO_APPROVED": "cancellation.auto_approved",
    "CANCELLATION_APPROVED": "cancellation.approved", "CANCELLATION_REJECTED": "cancellation.rejected",
    "CANCELLATION_WITHDRAWN": "cancellation.withdrawn", "SELLER_CANCELLED": "cancellation.seller_cancelled",
    "CANCELLATION_ACKNOWLEDGED": "cancellation.acknowledged", "REFUNDED": "cancellation.refunded",
    "OFFER_MADE": "cancellation.offer_made", "OFFER_ACCEPTED": "cancellation.offer_accepted",
    "OFFER_DECLINED": "cancellation.offer_declined", "OFFER_EXPIRED": "cancellation.offer_expired",
    "APPEAL_OPENED": "cancellation.appeal_opened", "APPEAL_DECIDED": "cancellation.appeal_decided",
}
APPEAL_WINDOW = timedelta(days=int(os.environ.get("APPEAL_WINDOW_DAYS", "30")))  # appeals.md, A3
APPEAL_REVIEW = timedelta(seconds=int(os.environ.get("APPEAL_REVIEW_SECONDS", "259200")))  # A4
# Partial cancellations: only OUT_OF_STOCK cancels some items for the seller (M2).
PARTIAL_REASONS = ("OUT_OF_STOCK",)
SELLERS = {"S1": "seller", "S2": "other_seller"}
# Who presses the button of a request or a seller cancel: the party, or a support operator on its behalf
# (support-desk.md), under the party's rules, reasons and fault.
BY = ("party", "operator")
TICKET = "T-42"
BUYERS = {"B1": "buyer", "B2": "other_buyer"}
NO_HANDOVER = "You don't need to hand over this order to logistics."
ANSWER_FIRST = "The buyer asked to cancel this order: answer the request before handing it to logistics."
DONT_PACK = "Don't pack the cancelled items: {}."
# An order's lines (sku, quantity, unit price): one line, or three of which two share a price (a refund of the
# wrong line would still be a wrong amount).
ONE_LINE = (("SKU-1", 1, 1000),)
THREE_LINES = (("SKU-1", 2, 1000), ("SKU-2", 1, 2500), ("SKU-3", 3, 2500))
# What a request or a seller cancel lists: nothing (every remaining item), one of a line, all of a line, every
# remaining item listed, or a line the order cannot give (over what remains, a SKU it does not have).
PARTS = (None, "one", "line", "every", "over", "unknown")


def iso(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class MOffer:
    """The seller's one offer on a request (offers.md)."""

    kind: str
    answer_by: datetime
    amount: int | None = None
    ship_by: datetime | None = None
    status: str = "OPEN"


@dataclass
class MCancel:
    cancel_id: str
    order_id: str
    seller: str
    status: str
    respond_by: datetime | None = None
    cause: str | None = None
    reject_reason: str | None = None
    counts_sfcr: bool = False
    acknowledged: bool = False
    lines: dict[str, int] = field(default_factory=dict)  # what it cancels: sku -> quantity
    amount: int = 0  # what those lines are worth, minor units
    paid: bool = True  # the order was paid when it was asked for: a refund is owed once accepted
    refund: str = "NONE"
    reference: str | None = None
    rule_id: str | None = None  # the seller's rule that auto-approved it
    offer: MOffer | None = None
    seconds_left: int | None = None  # while an offer is open: what the seller's stopped clock had left
    withdraw_cause: str | None = None
    resolved_at: datetime | None = None  # when it took effect, for the appeal window (appeals.md, A3)
    appeal: "MAppeal | None" = None
    actor: tuple[str, str, str | None] = ("", "", None)  # (role, id, ticket): who pressed the button

    @property
    def offer_open(self) -> bool:
        return self.status == "REQUESTED" and self.offer is not None and self.offer.status == "OPEN"

    def due(self) -> datetime | None:
        """When the job acts on it: its deadline, or the open offer's answer_by."""
        if self.status != "REQUESTED":
            return None
        return self.offer.answer_by if self.offer_open and self.offer else self.respond_by


@dataclass
class MAppeal:
    """A seller's appeal of a seller-fault cancellation (appeals.md)."""

    appeal_id: str
    decide_by: datetime
    status: str = "OPEN"


@dataclass
class MOrder:
    order_id: str
    seller: str
    buyer: str
    status: str
    placed_at: datetime
    paid_at: datetime | None
    body: dict[str, Any]
    pending: str | None = None
    cancelled_by: str | None = None
    may_request: bool = True
    history: list[tuple[str, str]] = field(default_factory=list)  # (at, to_status) per change
    lines: dict[str, list[int]] = field(default_factory=dict)  # sku -> [quantity, unit price, cancelled]
    seller_fault: bool = False  # a seller-fault cancellation was accepted on it: counts once in the SFCR
    promised_ship_by: datetime | None = None  # an accepted SHIP_BY offer's date (OF6, OF7)

    def remaining(self) -> dict[str, int]:
        return {sku: q - c for sku, (q, _, c) in self.lines.items() if q > c}

    def remaining_total(self) -> int:
        return sum((q - c) * price for q, price, c in self.lines.values())


@dataclass
class MRule:
    """A seller's auto-approve rule (seller-tools.md T5-T6), as the model reads it."""

    rule_id: str
    enabled: bool
    reasons: tuple[str, ...]  # empty: any
    statuses: tuple[str, ...]
    max_refund: tuple[int, str] | None  # (amount, currency)
    whole_only: bool

    def matches(self, order: "MOrder", reason: str, lines: dict[str, int]) -> bool:
        """A request for `lines` of `order` (every order is in IDR and paid when a rule can decide)."""
        refund = sum(quantity * order.lines[sku][1] for sku, quantity in lines.items())
        refund_ok = self.max_refund is None or (self.max_refund[1] == "IDR" and self.max_refund[0] >= refund)
        whole_ok = not self.whole_only or lines == order.remaining()
        return (self.enabled and (not self.reasons or reason in self.reasons) and order.status in self.statuses
                and refund_ok and whole_ok)


class Model:
    def __init__(self, now: datetime):
        self.now = now
        self.orders: dict[str, MOrder] = {}
        self.cancels: dict[str, MCancel] = {}
        self.touched: set[str] = set()  # orders the last step acted on or changed
        self.rules: dict[str, list[MRule]] = {seller: [] for seller in SELLERS}
        self.rules_version: dict[str, int] = {seller: 0 for seller in SELLERS}

    def change(self, order: MOrder, status: str | None = None) -> None:
        self.touched.add(order.order_id)
        if status:
            order.status = status
        order.history.append((iso(self.now), order.status))

    def overdue(self, order: MOrder) -> bool:
        pending = self.cancels.get(order.pending or "")
        return pending is not None and pending.respond_by is not None and self.now >= pending.respond_by

    def answerable(self, c: MCancel) -> bool:
        """A pending request the seller may answer: before its deadline (rule 5), no offer open (OF3)."""
        assert c.respond_by is not None or c.status != "REQUESTED" or c.offer_open
        return c.status == "REQUESTED" and c.respond_by is not None and self.now < c.respond_by

    def withdrawable(self, c: MCancel) -> bool:
        """The buyer may withdraw a request the seller may answer, and one with an offer open (OF4)."""
        return self.answerable(c) or c.offer_open

    def offerable(self, c: MCancel) -> bool:
        """A request the seller may still make its one offer on (OF1)."""
        return self.answerable(c) and c.offer is None

    def offer_answerable(self, c: MCancel) -> bool:
        return c.offer_open and c.offer is not None and self.now < c.offer.answer_by

    def reopen(self, c: MCancel, status: str) -> None:
        """A declined or lapsed offer: the seller's clock restarts with what it had left, at least an hour."""
        assert c.offer is not None and c.seconds_left is not None
        c.offer.status = status
        c.respond_by = self.now + max(timedelta(seconds=c.seconds_left), TIME_BACK)
        c.seconds_left = None
        self.change(self.orders[c.order_id])

    def take_off(self, order: MOrder, c: MCancel) -> str | None:
        """An accepted cancellation's lines come off the order, its refund is owed; the order's new status:
        CANCELLED once nothing remains, else it goes on (None)."""
        for sku, quantity in c.lines.items():
            order.lines[sku][2] += quantity
        c.refund = "PENDING" if c.paid else "NOT_APPLICABLE"
        if order.remaining():
            return None
        order.cancelled_by = c.cancel_id
        return "CANCELLED"

    def close(self, c: MCancel, status: str, accepted: bool = False, **changes: Any) -> None:
        order = self.orders[c.order_id]
        c.status = status
        if accepted:
            c.resolved_at = self.now
        for name, value in changes.items():
            setattr(c, name, value)
        order.pending = None
        self.change(order, self.take_off(order, c) if accepted else None)

    def expire(self) -> None:
        due = [c for c in self.cancels.values() if c.status == "REQUESTED" and c.due() <= self.now]
        for c in due:
            if c.offer_open:
                self.reopen(c, "EXPIRED")
                RUNS["offers_lapsed"] += 1
            else:
                self.close(c, "AUTO_APPROVED", accepted=True, cause="SELLER_RESPONSE_TIMEOUT")

    def unseen(self, order: MOrder) -> bool:
        """An auto-approval of the order the seller has not acknowledged yet (each needs its own)."""
        return any(c.order_id == order.order_id and c.status == "AUTO_APPROVED" and not c.acknowledged
                   for c in self.cancels.values())

    def handover(self, order: MOrder) -> dict[str, Any]:
        """Whether the parcel goes to logistics: once paid and before it ships, unless a request waits for the
        seller's answer; a cancelled order says it must not go."""
        if order.status == "CANCELLED":
            return {"hand_over_to_logistics": False, "warning": NO_HANDOVER, "warning_code": "NO_HANDOVER",
                    "cancelled_items": []}
        if order.status in PAID_UNSHIPPED:
            if order.pending:
                return {"hand_over_to_logistics": False, "warning": ANSWER_FIRST, "warning_code": "PENDING_REQUEST",
                        "cancelled_items": []}
            gone = [{"sku": sku, "quantity": c} for sku, (_, _, c) in order.lines.items() if c]
            words = ", ".join(f"{line['sku']} \N{MULTIPLICATION SIGN} {line['quantity']}" for line in gone)
            return {"hand_over_to_logistics": True, "warning": DONT_PACK.format(words) if gone else None,
                    "warning_code": "PARTLY_CANCELLED" if gone else None, "cancelled_items": gone}
        # not paid yet, or already shipped
        return {"hand_over_to_logistics": False, "warning": None, "warning_code": None, "cancelled_items": []}

    def action_needed(self, seller: str) -> tuple[int, int, int]:
        """(requests waiting for the seller, unacknowledged auto-approvals, open offers waiting for the buyer)."""
        mine = [c for c in self.cancels.values() if c.seller == seller]
        return (sum(c.status == "REQUESTED" and not c.offer_open for c in mine),
                sum(c.status == "AUTO_APPROVED" and not c.acknowledged for c in mine),
                sum(c.offer_open for c in mine))

    def due_soon(self, seller: str) -> int:
        """Requests waiting for the seller due within DUE_SOON, those past it the job has yet to end included
        (EV7); an open offer's clock is stopped, so it is not due (OF9)."""
        waiting = [c for c in self.cancels.values() if c.seller == seller and c.status == "REQUESTED"
                   and not c.offer_open]
        return sum(c.respond_by is not None and c.respond_by <= self.now + DUE_SOON for c in waiting)

    def still_counts(self, order: MOrder) -> bool:
        """Whether an accepted cancellation of the order still counts toward the SFCR: once per order (M4, A6)."""
        return any(c.order_id == order.order_id and c.status in ACCEPTED and c.counts_sfcr
                   for c in self.cancels.values())

    def appealable(self, c: MCancel) -> str | None:
        """Why the seller may not appeal `c` now (the 409's code, in the order A1-A3 are checked), or None."""
        if c.appeal is not None:
            return "APPEAL_EXISTS"
        if c.status not in ACCEPTED or not c.counts_sfcr:
            return "NOT_APPEALABLE"
        assert c.resolved_at is not None
        return "APPEAL_WINDOW_CLOSED" if self.now >= c.resolved_at + APPEAL_WINDOW else None

    def appeal_by(self, c: MCancel) -> str | None:
        """When the seller's window to appeal `c` closes (A3), or None when it never may (A1, A2)."""
        if self.appealable(c) in ("APPEAL_EXISTS", "NOT_APPEALABLE"):
            return None
        assert c.resolved_at is not None
        return iso(c.resolved_at + APPEAL_WINDOW)

    def sfcr(self, seller: str) -> dict[str, Any]:
        """Orders placed from 00:00 of today - (days - 1) in the market's calendar, and their seller faults."""
        today = self.now.astimezone(MARKET).date()
        first = today - timedelta(days=SFCR_DAYS - 1)
        cohort = [o for o in self.orders.values()
                  if o.seller == seller and first <= o.placed_at.astimezone(MARKET).date() <= today]
        faults = sum(o.seller_fault for o in cohort)  # once per order, whatever mix it had (M4)
        rate = faults / len(cohort) if cohort else 0.0
        _, standing, cap = next(band for band in STANDINGS if rate >= band[0])
        start = datetime.combine(first, time(0), tzinfo=MARKET)
        return {"window": {"from": iso(start), "to": iso(self.now)}, "orders": len(cohort),
                "seller_fault_cancellations": faults, "rate": pytest.approx(rate), "standing": standing,
                "order_volume_cap": pytest.approx(cap),
                "appeals_open": sum(c.seller == seller and c.appeal is not None and c.appeal.status == "OPEN"
                                    for c in self.cancels.values())}


# --- the machine -------------------------------------------------------------------------------------------

# How an order arrives: status, placed how long ago, paid when placed (else paid now, or unpaid). Mostly paid
# hours ago, so that a request waits for the seller; the last two sit on either side of the SFCR window's start
# (00:00 six days before today, START being 09:00).
ARRIVALS = [
    *[("AWAITING_SHIPMENT", timedelta(hours=3), True)] * 4,
    ("AWAITING_SHIPMENT", timedelta(0), False),
    ("UNPAID", timedelta(0), False),
    ("UNPAID", timedelta(days=1), False),
    ("AWAITING_SHIPMENT", timedelta(days=6, hours=9), True),
    ("AWAITING_SHIPMENT", timedelta(days=6, hours=9, seconds=1), False),
]
# seller (mostly S1: S2 keeps the counters honest per seller), buyer, and how the order arrives
ORDER_SPECS = st.tuples(st.sampled_from(["S1", "S1", "S1", "S2"]), st.sampled_from(sorted(BUYERS)),
                        st.sampled_from(ARRIVALS), st.sampled_from([THREE_LINES, ONE_LINE, THREE_LINES])).map(
    lambda spec: (spec[0], spec[1], *spec[2], spec[3]))
OrderSpec = tuple[str, str, str, timedelta, bool, tuple[tuple[str, int, int], ...]]
# Each action picks its object with `i`; with `aim` it picks among the objects the action suits, so most steps
# change something while the others check that a refused action changes nothing. Hypothesis leans towards the
# first element of a sampled_from (its simplest), so lists start with the choice that exercises most.
PICK = st.integers(0, 7)
AIM = st.sampled_from([True, False])
RUNS = {"examples": 0, "steps": 0, "calls": 0, "rule_approvals": 0, "bulk_items": 0, "offers": 0,
        "offers_accepted": 0, "offers_declined": 0, "offers_lapsed": 0, "promises_missed": 0, "operator_cancels": 0,
        "appeals": 0, "overturned": 0}


@dataclass(frozen=True)
class Action:
    weight: int
    applies: Callable[[Any], bool]
    arguments: dict[str, st.SearchStrategy]


# Every party's actions, each a method of the machine. One rule (`step`) draws among those that apply, by
# weight: hypothesis's own rule choice (swarm testing, which turns half the rules off in a typical example)
# left most examples without a request reaching its answer, its deadline or the expiry job.
ACTIONS: dict[str, Action] = {}


def action(weight: int, applies: Callable[[Any], bool] = lambda machine: True, **arguments: st.SearchStrategy):
    def register(method: Callable) -> Callable:
        ACTIONS[method.__name__] = Action(weight, applies, arguments)
        return method

    return register


def choose(items: list, i: int, aim: bool, suits) -> Any:
    suited = [item for item in items if suits(item)] if aim else []
    pool = suited or items
    return pool[i % len(pool)]


class LifecycleMachine(RuleBasedStateMachine):
    """One example: its own tables (a fresh moto), its own frozen clock, the real app behind a test client."""

    def __init__(self) -> None:
        super().__init__()
        RUNS["examples"] += 1
        self._travel = time_machine.travel(START, tick=False)
        self.clock = self._travel.start()
        self._aws = AWS.fresh()
        self._aws.__enter__()
        from app import app

        self._client = Client(app, stage_name="test", project_dir=str(ROOT))
        self.api = Api(self._client.__enter__())
        self.tok = Tokens()
        self.shop = Shop(self.api, self.tok)
        self.model = Model(START)
        self.finals: dict[str, Any] = {}  # what each final cancellation and cancelled order first looked like
        self.feeds: dict[str, list[dict[str, Any]]] = {}  # each order's events, as the last step's feed read held

    def teardown(self) -> None:
        try:
            if self.model.orders:
                for seller in SELLERS:  # also a seller without orders: all its counters are zero
                    self.check_orders(seller)
                    self.check_cancellations(seller)
                    self.check_counters(seller)
                    self.check_screens(seller)
                for order in self.model.orders.values():
                    self.check_order(order)
                    self.check_buyer_view(order)
                assert_store_consistent()
        finally:
            self._client.__exit__(None, None, None)
            self._aws.__exit__(None, None, None)
            self._travel.stop()

    # --- helpers ---

    def token(self, party: str) -> str:
        return getattr(self.tok, {**SELLERS, **BUYERS, "platform": "platform"}[party])

    def counted(self, response: Any) -> Any:
        """A state-changing call's answer, counted for the run's summary."""
        RUNS["calls"] += 1
        return response

    def order(self, i: int, aim: bool, suits=lambda order: True) -> MOrder:
        order = choose(list(self.model.orders.values()), i, aim, suits)
        self.model.touched.add(order.order_id)
        return order

    def cancellation(self, j: int, aim: bool, suits=lambda c: c.status == "REQUESTED") -> MCancel:
        c = choose(list(self.model.cancels.values()), j, aim, suits)
        self.model.touched.add(c.order_id)
        return c

    # When an action applies: while some object suits it (`aim=False` still picks any object, so refusals are
    # tested too); actions with nothing to act on would only dilute the steps.
    def some_order(self, *statuses: str) -> bool:
        return any(order.status in statuses for order in self.model.orders.values())

    def some_cancellation(self, status: str) -> bool:
        return any(c.status == status for c in self.model.cancels.values())

    def new_cancellation(self, order: MOrder, response, status: str, lines: dict[str, int],
                         **fields: Any) -> MCancel:
        created = response.json
        assert created["status"] == status, created
        amount = sum(quantity * order.lines[sku][1] for sku, quantity in lines.items())
        c = MCancel(created["cancel_id"], order.order_id, order.seller, status, lines=dict(lines), amount=amount,
                    paid=order.paid_at is not None and order.status != "UNPAID", **fields)
        c.refund = "NONE" if c.paid else "NOT_APPLICABLE"
        if status != "REQUESTED":
            c.resolved_at = self.model.now
        self.model.cancels[c.cancel_id] = c
        return c

    def actor(self, by: str, party: str, party_id: str) -> tuple[str, str, str | None]:
        """Who the new cancellation says pressed the button."""
        return ("OPERATOR", "OP1", TICKET) if by == "operator" else (party, party_id, None)

    def by_party_or_operator(self, by: str, party: str, order: MOrder, reason: str, expect: int,
                             as_party: Callable[[], Any], **fields: Any) -> Any:
        """The party's own call, or the operator's cancel on its behalf with the same reason and fields."""
        if by == "party":
            return self.counted(as_party())
        RUNS["operator_cancels"] += expect == 201
        return self.counted(self.shop.operator_cancel(order.order_id, party, reason, TICKET, expect=expect,
                                                      **fields))

    def part(self, order: MOrder, part: str | None,
             i: int) -> tuple[list[dict[str, Any]] | None, dict[str, int] | None]:
        """The `line_items` to send for `part`, and what they cancel (None: a line the order cannot give)."""
        remaining = order.remaining()
        if part is None:
            return None, remaining
        skus = list(remaining) or list(order.lines)  # a cancelled order: refused before its lines are read
        sku = skus[i % len(skus)]
        left = remaining.get(sku, 0)
        if part == "unknown":
            return [{"sku": "SKU-9", "quantity": 1}], None
        if part == "over":
            return [{"sku": sku, "quantity": left + 1}], None
        if part == "every":  # (an empty list would be refused by the body's schema, before the order is read)
            listed = remaining or {s: 1 for s in order.lines}
            return [{"sku": s, "quantity": q} for s, q in reversed(listed.items())], remaining
        wanted = 1 if part == "one" else max(left, 1)  # 0 would be the schema's refusal: see "every"
        return [{"sku": sku, "quantity": wanted}], ({sku: wanted} if left else None)

    # --- offers (offers.md) ---
    # Each applies only while some request can take an offer, or some offer is open (`aim` False still picks any
    # request, so refusals are drawn too), and weighs more than most: those states are short, as the deadline, the
    # job, shipping or a withdrawal soon end the request. And they come first among the actions: a step drawn from
    # the simplest choices takes the first action that applies, so the simplest example (which Hypothesis runs
    # first) and its near copies make and accept offers rather than repeat a refused request.

    @action(12, lambda self: any(self.model.offerable(c) for c in self.model.cancels.values()), j=PICK, aim=AIM,
            kind=st.sampled_from(["PARTIAL_REFUND", "SHIP_BY", "KEEP_ORDER"]),
            terms=st.sampled_from(["least", "most", "least", "over"]))
    def make_offer(self, j: int, aim: bool, kind: str, terms: str):
        """The seller's one offer on a pending request before its deadline (OF1, OF2): a refund of 1 or of all
        that remains, a ship-by date a day or 5 days ahead, or a message; past the range (`over`) it is a 400."""
        m = self.model
        c = self.cancellation(j, aim, m.offerable)
        order = m.orders[c.order_id]
        body: dict[str, Any] = {}
        amount, ship_by = None, None
        if kind == "PARTIAL_REFUND":
            amount = {"least": 1, "most": order.remaining_total(), "over": order.remaining_total() + 1}[terms]
            body["amount"] = amount
        elif kind == "SHIP_BY":
            ship_by = m.now + {"least": timedelta(days=1), "most": timedelta(days=5),
                               "over": timedelta(days=5, seconds=1)}[terms]
            body["ship_by"] = iso(ship_by)
        in_range = terms != "over" or kind == "KEEP_ORDER"
        expect = 409 if c.offer is not None or not m.answerable(c) else 200 if in_range else 400
        response = self.counted(self.shop.make_offer(c.cancel_id, kind, "Please keep it", token=self.token(c.seller),
                                                     expect=expect, **body))
        if expect == 409:
            assert response.json["error"]["code"] in (
                "OFFER_ALREADY_MADE", "CANCELLATION_NOT_PENDING", "RESPONSE_DEADLINE_PASSED"), response.json
            assert (response.json["error"]["code"] == "OFFER_ALREADY_MADE") == (c.offer is not None)
        if expect != 200:
            return
        assert c.respond_by is not None
        left = c.respond_by - m.now
        c.seconds_left = -(-left // timedelta(seconds=1))
        c.respond_by = None
        c.offer = MOffer(kind, m.now + OFFER_WINDOW, amount, ship_by)
        RUNS["offers"] += 1
        m.change(order)

    @action(16, lambda self: any(c.offer_open for c in self.model.cancels.values()), j=PICK, aim=AIM,
            answer=st.sampled_from(["accept", "decline"]))
    def answer_offer(self, j: int, aim: bool, answer: str):
        """The buyer accepts or declines an open offer before its answer_by (OF5-OF8); otherwise 409."""
        m = self.model
        c = self.cancellation(j, aim, lambda c: m.offer_answerable(c))
        order = m.orders[c.order_id]
        ok = m.offer_answerable(c)
        send = self.shop.accept_offer if answer == "accept" else self.shop.decline_offer
        response = self.counted(send(c.cancel_id, token=self.token(order.buyer), expect=200 if ok else 409))
        if not ok:
            assert response.json["error"]["code"] == "OFFER_NOT_OPEN", response.json
            return
        assert c.offer is not None
        if answer == "decline":
            m.reopen(c, "DECLINED")
            RUNS["offers_declined"] += 1
            return
        c.offer.status, c.seconds_left = "ACCEPTED", None
        if c.offer.kind == "PARTIAL_REFUND":  # owed as the offer said; nothing comes off the order (OF6)
            assert c.offer.amount is not None
            c.amount, c.refund = c.offer.amount, "PENDING"
        elif c.offer.kind == "SHIP_BY":
            order.promised_ship_by = c.offer.ship_by
        RUNS["offers_accepted"] += 1
        m.close(c, "WITHDRAWN", withdraw_cause="OFFER_ACCEPTED")

    # --- platform ---

    def _record(self, spec: OrderSpec) -> None:
        seller, buyer, status, placed_ago, paid_when_placed, lines = spec
        m = self.model
        order_id = f"O{len(m.orders) + 1}"
        body: dict[str, Any] = {"order_id": order_id, "seller_id": seller, "buyer_id": buyer,
                                "items": [{"sku": s, "quantity": q, "unit_price": p} for s, q, p in lines],
                                "currency": "IDR", "status": status}
        placed_at = m.now - placed_ago
        if placed_ago:
            body["placed_at"] = iso(placed_at)
        paid_at = None
        if status == "AWAITING_SHIPMENT":
            paid_at = placed_at if paid_when_placed else m.now  # the platform defaults paid_at to now
            if paid_when_placed:
                body["paid_at"] = iso(placed_at)
        self.counted(self.shop.record_order(body, expect=201))
        order = MOrder(order_id, seller, buyer, status, placed_at, paid_at, body,
                       lines={s: [q, p, 0] for s, q, p in lines})
        order.history.append((iso(placed_at), status))
        m.orders[order_id] = order
        m.touched.add(order_id)

    @initialize(specs=st.lists(ORDER_SPECS, min_size=1, max_size=3), reasons=st.sampled_from(
        [None, (), ("CHANGED_MIND", "ORDERED_BY_MISTAKE")]))
    def first_orders(self, specs: list[OrderSpec], reasons: tuple[str, ...] | None):
        """The first orders, and S1's auto-approve rules from the start (none, any reason, or two reasons),
        so that rules meet the requests of most examples; none in the simplest one, whose requests then wait for
        the seller and meet offers."""
        for spec in specs:
            self._record(spec)
        if reasons is not None:
            self.set_rules("S1", False, [(True, reasons, ("AWAITING_SHIPMENT",), None)])

    @action(2, lambda self: len(self.model.orders) < MAX_ORDERS, spec=ORDER_SPECS,
            resend=st.sampled_from([None, "same", "other"]))
    def record_order(self, spec: OrderSpec, resend: str | None):
        """A new order; the platform may send it again (the same body: 200, another body for the id: 409)."""
        self._record(spec)
        if resend:
            order = list(self.model.orders.values())[-1]
            body = order.body if resend == "same" else {**order.body, "currency": "USD"}
            response = self.counted(self.shop.record_order(body, expect=200 if resend == "same" else 409))
            if resend == "same":
                assert response.json["status"] == order.status

    @action(2, lambda self: self.some_order("UNPAID", "IN_TRANSIT", "DELIVERED"), i=PICK, aim=AIM,
            event=st.sampled_from(["payment", "delivery", "completion"]))
    def platform_event(self, i: int, aim: bool, event: str):
        """Payment (UNPAID to AWAITING_SHIPMENT), delivery (IN_TRANSIT to DELIVERED) or completion (DELIVERED
        to COMPLETED)."""
        before, after = {"payment": ("UNPAID", "AWAITING_SHIPMENT"), "delivery": ("IN_TRANSIT", "DELIVERED"),
                         "completion": ("DELIVERED", "COMPLETED")}[event]
        order = self.order(i, aim, lambda o: o.status == before)
        ok = order.status == before
        send = {"payment": self.shop.pay, "delivery": self.shop.deliver, "completion": self.shop.complete}[event]
        self.counted(send(order.order_id, expect=200 if ok else 409))
        if ok:
            if event == "payment":
                order.paid_at = self.model.now
            self.model.change(order, after)

    # --- buyer ---

    @action(5, lambda self: self.some_order(*UNSHIPPED), i=PICK, aim=AIM, reason=st.sampled_from(BUYER_REASONS),
            comment=st.booleans(), part=st.sampled_from(PARTS), by=st.sampled_from(BY))
    def request_cancellation(self, i: int, aim: bool, reason: str, comment: bool, part: str | None,
                             by: str = "party"):
        """A request for the whole order or some of its items (M2): every buyer rule holds for both, and for an
        operator asking on the buyer's behalf."""
        m = self.model
        order = self.order(i, aim, lambda o: o.status in UNSHIPPED and not o.pending and o.may_request)
        line_items, lines = self.part(order, part, i)
        fields = {**({"comment": "please"} if comment else {}),
                  **({"line_items": line_items} if line_items is not None else {})}
        actor = self.actor(by, "BUYER", order.buyer)

        def ask(expect: int) -> Any:
            return self.by_party_or_operator(by, "buyer", order, reason, expect, lambda: self.shop.request_cancellation(
                order.order_id, reason, token=self.token(order.buyer), expect=expect, **fields), **fields)

        if reason == "OTHER" and not comment:
            ask(400)
        elif order.status not in UNSHIPPED or order.pending or not order.may_request:
            ask(409)
        elif lines is None:
            assert ask(400).json["error"]["code"] == "INVALID_LINE_ITEMS"
        elif order.status == "UNPAID" or m.now < order.paid_at + GRACE:
            cause = "UNPAID_ORDER" if order.status == "UNPAID" else "WITHIN_GRACE_PERIOD"
            c = self.new_cancellation(order, ask(201), "AUTO_APPROVED", lines, cause=cause, actor=actor)
            m.change(order, m.take_off(order, c))
        elif order.promised_ship_by is not None and m.now >= order.promised_ship_by:
            # OF7: the seller promised to ship by then and did not: approved at once, the seller's fault
            c = self.new_cancellation(order, ask(201), "AUTO_APPROVED", lines, cause="PROMISE_MISSED",
                                      counts_sfcr=True, actor=actor)
            order.seller_fault = True
            RUNS["promises_missed"] += 1
            m.change(order, m.take_off(order, c))
        elif rule := next((r for r in m.rules[order.seller] if r.matches(order, reason, lines)), None):
            # T6-T9: the seller's first matching rule approves at once what would have waited for it
            c = self.new_cancellation(order, ask(201), "AUTO_APPROVED", lines, cause="SELLER_RULE",
                                      rule_id=rule.rule_id, actor=actor)
            RUNS["rule_approvals"] += 1
            m.change(order, m.take_off(order, c))
        else:
            c = self.new_cancellation(order, ask(201), "REQUESTED", lines, respond_by=m.now + WINDOW,
                                      actor=actor)
            order.pending = c.cancel_id
            m.change(order)

    # --- seller ---

    @action(6, lambda self: self.some_cancellation("REQUESTED"), j=PICK, aim=AIM,
            answer=st.sampled_from(["approve", "reject", "withdraw"]),
            reason=st.sampled_from([*REJECT_REASONS, "ORDER_SHIPPED"]))
    def answer_request(self, j: int, aim: bool, answer: str, reason: str):
        """The seller approves or rejects (ORDER_SHIPPED is the system's reason: 400), or the buyer withdraws;
        only a pending request before its deadline can be answered."""
        m, c = self.model, self.cancellation(j, aim)
        ok = m.answerable(c)
        if answer == "withdraw":
            buyer = m.orders[c.order_id].buyer
            ok = m.withdrawable(c)
            self.counted(self.shop.withdraw(c.cancel_id, token=self.token(buyer), expect=200 if ok else 409))
            if ok:
                if c.offer_open and c.offer:
                    c.offer.status, c.seconds_left = "DECLINED", None  # OF4
                m.close(c, "WITHDRAWN", withdraw_cause="BUYER")
        elif answer == "approve":
            self.counted(self.shop.approve(c.cancel_id, token=self.token(c.seller), expect=200 if ok else 409))
            if ok:
                m.close(c, "APPROVED", accepted=True)
        else:
            expect = 400 if reason == "ORDER_SHIPPED" or reason in NEEDS_EVIDENCE else 200 if ok else 409
            self.counted(self.shop.reject(c.cancel_id, reason, token=self.token(c.seller), expect=expect))
            if expect == 200:
                m.close(c, "REJECTED", reject_reason=reason)
                m.orders[c.order_id].may_request = False

    @action(3, lambda self: bool(self.model.cancels), seller=st.sampled_from(["S1", "S1", "S2"]),
            picks=st.lists(PICK, min_size=1, max_size=4, unique=True),
            extra=st.sampled_from([None, "foreign", "unknown"]), answer=st.sampled_from(["approve", "reject"]),
            reason=st.sampled_from(REJECT_REASONS))
    def bulk_answer(self, seller: str, picks: list[int], extra: str | None, answer: str, reason: str):
        """The seller answers several requests at once (T1, T2): each as the single route would answer it alone,
        another seller's (or an unknown) id 404 for its item; the results in the order given."""
        m = self.model
        cancels = list(m.cancels.values())
        chosen = list(dict.fromkeys(cancels[i % len(cancels)].cancel_id for i in picks))
        if extra == "foreign":
            chosen += [c.cancel_id for c in cancels if c.seller != seller and c.cancel_id not in chosen][:1]
        elif extra == "unknown":
            chosen.append("cxl_unknown")
        send = self.shop.bulk_approve if answer == "approve" else self.shop.bulk_reject
        extra_args = {"reason": reason} if answer == "reject" else {}
        results = self.counted(send(chosen, token=self.token(seller), expect=200, **extra_args)).json["results"]
        assert [r["cancel_id"] for r in results] == chosen
        RUNS["bulk_items"] += len(chosen)
        for cancel_id, result in zip(chosen, results, strict=True):
            c = m.cancels.get(cancel_id)
            if c is None or c.seller != seller:
                assert (result["status"], result["error"]["code"]) == (404, "CANCELLATION_NOT_FOUND"), result
                continue
            m.touched.add(c.order_id)
            if answer == "reject" and reason in NEEDS_EVIDENCE:
                assert (result["status"], result["error"]["code"]) == (400, "EVIDENCE_REQUIRED"), result
            elif not m.answerable(c):
                assert result["status"] == 409, result
            elif answer == "approve":
                assert (result["status"], result["cancellation"]["status"]) == (200, "APPROVED"), result
                m.close(c, "APPROVED", accepted=True)
            else:
                assert (result["status"], result["cancellation"]["status"]) == (200, "REJECTED"), result
                m.close(c, "REJECTED", reject_reason=reason)
                m.orders[c.order_id].may_request = False

    @action(3, seller=st.sampled_from(["S1", "S1", "S2"]), stale=st.sampled_from([False, False, True]),
            rules=st.lists(st.tuples(st.sampled_from([True, False]), st.sampled_from([(), ("ORDERED_BY_MISTAKE",),
                                                                     ("CHANGED_MIND", "OTHER")]),
                                     st.sampled_from([("AWAITING_SHIPMENT",),
                                                      ("AWAITING_SHIPMENT", "AWAITING_COLLECTION"),
                                                      ("AWAITING_COLLECTION",)]),
                                     st.sampled_from([None, (1000, "IDR"), (999, "IDR"), (5000, "IDR"),
                                                      (10**6, "USD")])),
                           max_size=3))
    def set_rules(self, seller: str, stale: bool, rules: list[tuple[bool, tuple, tuple, Any]]):
        """The seller replaces its auto-approve rules (T5), on the version it read or a stale one (409). The
        requests already waiting are untouched (T8): the orders they are on are checked after this step."""
        m = self.model
        body = [{"name": f"rule {n}", "enabled": enabled, "buyer_reasons": list(reasons),
                 "order_statuses": list(statuses),
                 "max_refund": {"amount": ceiling[0], "currency": ceiling[1]} if ceiling else None,
                 "whole_order_only": n % 2 == 0}
                for n, (enabled, reasons, statuses, ceiling) in enumerate(rules)]
        version = m.rules_version[seller] - 1 if stale and m.rules_version[seller] else m.rules_version[seller]
        stale = version != m.rules_version[seller]
        response = self.counted(self.shop.put_rules(body, version, token=self.token(seller),
                                                    expect=409 if stale else 200))
        m.touched.update(o.order_id for o in m.orders.values() if o.pending)
        if stale:
            assert response.json["error"]["details"] == {"current": {"version": m.rules_version[seller]}}
            return
        assert response.json["version"] == m.rules_version[seller] + 1
        m.rules_version[seller] += 1
        m.rules[seller] = [MRule(got["rule_id"], enabled, reasons, statuses, ceiling, n % 2 == 0)
                           for n, (got, (enabled, reasons, statuses, ceiling)) in enumerate(
                               zip(response.json["rules"], rules, strict=True))]

    @action(2, lambda self: self.some_cancellation("AUTO_APPROVED"), j=PICK, aim=AIM)
    def acknowledge(self, j: int, aim: bool):
        """Acknowledging an auto-approval clears it from the count; again: 200, no change."""
        c = self.cancellation(j, aim, lambda c: c.status == "AUTO_APPROVED" and not c.acknowledged)
        ok = c.status == "AUTO_APPROVED"
        response = self.counted(self.shop.acknowledge(c.cancel_id, token=self.token(c.seller),
                                                      expect=200 if ok else 409))
        if ok:
            assert response.json["acknowledged_at"] is not None
            if not c.acknowledged:
                c.acknowledged = True
                self.model.change(self.model.orders[c.order_id])

    @action(3, lambda self: self.some_order(*UNSHIPPED), i=PICK, aim=AIM,
            reason=st.sampled_from(sorted(SELLER_REASONS)), part=st.sampled_from(PARTS), by=st.sampled_from(BY))
    def seller_cancel(self, i: int, aim: bool, reason: str, part: str | None, by: str = "party"):
        """The whole order with any reason its status allows, some of its items only out of stock (M2); the same
        for an operator on the seller's behalf, whose seller-fault reasons count in the seller's SFCR."""
        m = self.model
        allowed, counts = SELLER_REASONS[reason]
        order = self.order(i, aim, lambda o: o.status in UNSHIPPED and not o.pending)
        line_items, lines = self.part(order, part, i)
        fields = {"line_items": line_items} if line_items is not None else {}

        def cancel(expect: int) -> Any:
            return self.by_party_or_operator(by, "seller", order, reason, expect, lambda: self.shop.seller_cancel(
                order.order_id, reason, token=self.token(order.seller), expect=expect, **fields), **fields)

        if order.status not in UNSHIPPED or order.pending:
            cancel(409)
        elif order.status not in allowed:
            response = cancel(400)
            assert response.json["error"]["code"] == "REASON_NOT_ALLOWED"
            valid = [r for r, (statuses, _) in SELLER_REASONS.items() if order.status in statuses]
            assert sorted(response.json["error"]["details"]["allowed"]) == sorted(valid)
        elif lines is None:
            assert cancel(400).json["error"]["code"] == "INVALID_LINE_ITEMS"
        elif lines != order.remaining() and reason not in PARTIAL_REASONS:
            assert cancel(400).json["error"]["code"] == "PARTIAL_CANCEL_NOT_ALLOWED"
        else:
            response = cancel(201)
            c = self.new_cancellation(order, response, "SELLER_CANCELLED", lines, counts_sfcr=counts,
                                      actor=self.actor(by, "SELLER", order.seller))
            assert response.json["counts_toward_sfcr"] is counts
            order.seller_fault = order.seller_fault or counts
            m.change(order, m.take_off(order, c))

    # --- appeals (appeals.md) ---

    @action(6, lambda self: any(c.counts_sfcr for c in self.model.cancels.values()), j=PICK, aim=AIM)
    def open_appeal(self, j: int, aim: bool):
        """The seller appeals a cancellation: once, only one that counts toward the SFCR, within 30 days
        (A1-A3); otherwise the 409 of the first rule it breaks, and nothing changes."""
        m = self.model
        c = self.cancellation(j, aim, lambda c: m.appealable(c) is None)
        refusal = m.appealable(c)
        response = self.counted(self.shop.open_appeal(c.cancel_id, "The buyer asked me to cancel",
                                                      token=self.token(c.seller), expect=409 if refusal else 201))
        if refusal:
            assert response.json["error"]["code"] == refusal, (refusal, response.json)
            return
        assert response.json["decide_by"] == iso(m.now + APPEAL_REVIEW)
        c.appeal = MAppeal(response.json["appeal_id"], m.now + APPEAL_REVIEW)
        RUNS["appeals"] += 1
        m.change(m.orders[c.order_id])

    @action(6, lambda self: any(c.appeal is not None for c in self.model.cancels.values()), j=PICK, aim=AIM,
            decision=st.sampled_from(["OVERTURN", "UPHOLD"]))
    def decide_appeal(self, j: int, aim: bool, decision: str):
        """An operator decides an appeal once (A6, A7): an overturn lifts the fault, and the order leaves the SFCR
        only when none of its cancellations still counts."""
        m = self.model
        c = self.cancellation(j, aim, lambda c: c.appeal is not None and c.appeal.status == "OPEN")
        if c.appeal is None:  # not appealed: nothing to decide, the path names no appeal of it
            return
        ok = c.appeal.status == "OPEN"
        response = self.counted(self.shop.decide_appeal(c.appeal.appeal_id, decision, token=self.tok.operator_token(),
                                                        expect=200 if ok else 409))
        if not ok:
            assert response.json["error"]["code"] == "APPEAL_DECIDED", response.json
            return
        c.appeal.status = "OVERTURNED" if decision == "OVERTURN" else "UPHELD"
        order = m.orders[c.order_id]
        if decision == "OVERTURN":
            c.counts_sfcr = False
            order.seller_fault = m.still_counts(order)
            RUNS["overturned"] += 1
        m.change(order)

    # --- the platform's payment system ---

    @action(3, lambda self: bool(self.model.cancels), j=PICK, aim=AIM, reference=st.sampled_from(["PAY-1", "PAY-2"]))
    def report_refund(self, j: int, aim: bool, reference: str):
        """The money of an accepted, paid cancellation returned: PENDING to REFUNDED; the same reference again
        changes nothing, another one or a refund not owed is 409 (M6)."""
        c = self.cancellation(j, aim, lambda c: c.refund == "PENDING")
        if c.refund == "PENDING":
            response = self.counted(self.shop.report_refund(c.cancel_id, reference, expect=200))
            assert response.json["refund_status"] == "REFUNDED"
            c.refund, c.reference = "REFUNDED", reference
            self.model.change(self.model.orders[c.order_id])
        elif c.refund == "REFUNDED" and c.reference == reference:
            response = self.counted(self.shop.report_refund(c.cancel_id, reference, expect=200))
            assert response.json["refund_reference"] == reference
        else:
            response = self.counted(self.shop.report_refund(c.cancel_id, reference, expect=409))
            code = "REFUND_ALREADY_REPORTED" if c.refund == "REFUNDED" else "REFUND_NOT_PENDING"
            assert response.json["error"]["code"] == code

    @action(3, lambda self: self.some_order(*PAID_UNSHIPPED), i=PICK, aim=AIM,
            arrange_first=st.sampled_from([False, True]))
    def fulfil(self, i: int, aim: bool, arrange_first: bool):
        """Arrange shipment (optional) or ship; neither goes ahead past a pending request's deadline."""
        m = self.model
        if arrange_first:
            order = self.order(i, aim, lambda o: o.status == "AWAITING_SHIPMENT")
            ok = order.status == "AWAITING_SHIPMENT" and not m.overdue(order)
            self.counted(self.shop.arrange(order.order_id, token=self.token(order.seller), expect=200 if ok else 409))
            if ok:
                m.change(order, "AWAITING_COLLECTION")
            return
        order = self.order(i, aim, lambda o: o.status in PAID_UNSHIPPED)
        ok = order.status in PAID_UNSHIPPED and not m.overdue(order)
        self.counted(self.shop.ship(order.order_id, "TRK-1", token=self.token(order.seller),
                                    expect=200 if ok else 409))
        if ok:
            if order.pending:  # rule 6: shipping rejects the pending request
                c = m.cancels[order.pending]
                if c.offer_open and c.offer:
                    c.offer.status, c.seconds_left = "EXPIRED", None  # OF4
                c.status, c.reject_reason = "REJECTED", "ORDER_SHIPPED"
                order.pending = None
            m.change(order, "IN_TRANSIT")

    # --- time and the expiry job ---

    @action(4, i=PICK, to=st.sampled_from(["forward", "deadline", "forward", "end of grace"]),
            offset=st.sampled_from([0, -1, 1]),
            step=st.sampled_from([timedelta(hours=12), timedelta(0), timedelta(minutes=1), timedelta(minutes=30),
                                  timedelta(hours=1), timedelta(hours=47), timedelta(hours=48), timedelta(days=3),
                                  timedelta(days=8)]),
            job_runs=st.sampled_from([1, 0, 2]))
    def pass_time(self, i: int, to: str, offset: int, step: timedelta, job_runs: int):
        """Forward by a step, or to a second before, at, or a second after a pending request's deadline or the
        end of an order's grace period still ahead; then the expiry job runs not at all (it runs every 5
        minutes, so a seller may act past a deadline before it does), once, or twice on the same `now` (a
        retried event)."""
        m = self.model
        target = m.now + step
        if to != "forward":
            if to == "deadline":  # a request's deadline, or an open offer's answer_by
                edges = [due for c in m.cancels.values() if (due := c.due()) is not None]
            else:
                edges = [o.paid_at + GRACE for o in m.orders.values() if o.paid_at and o.status in PAID_UNSHIPPED]
            ahead = sorted(edge + timedelta(seconds=offset) for edge in edges
                           if edge + timedelta(seconds=offset) >= m.now)
            target = ahead[i % len(ahead)] if ahead else m.now
        if target > m.now:
            self.clock.move_to(target)
            m.now = target
            # What the seller sees of an order with a pending request must not drift as its deadline nears.
            m.touched.update(o.order_id for o in m.orders.values() if o.pending)
        for _ in range(job_runs):
            RUNS["calls"] += 1
            expiry.run(m.now)
        if job_runs:
            m.expire()

    # --- one step ---

    @rule(data=st.data())
    def step(self, data: st.DataObject):
        """One action, drawn by weight among those that apply now (see ACTIONS)."""
        options = [name for name, act in ACTIONS.items() if act.applies(self) for _ in range(act.weight)]
        name = data.draw(st.sampled_from(options), label="action")
        arguments = {arg: data.draw(strategy, label=arg) for arg, strategy in ACTIONS[name].arguments.items()}
        getattr(self, name)(**arguments)

    # --- invariants, through the API ---

    @invariant()
    def the_service_matches_the_model(self):
        """After every step: each seller's orders (one list read), action-needed counts and SFCR, and the full
        detail (cancellations, history) of each order the step acted on. The end of each example checks the
        full detail of every order, every seller's cancellations, and recounts the stored items."""
        RUNS["steps"] += 1  # invariants run once after __init__ and once after every step
        m = self.model
        for seller in sorted({order.seller for order in m.orders.values()}):
            self.check_orders(seller)
            self.check_counters(seller)
            self.check_feed(seller)
        for order_id in sorted(m.touched):
            self.check_order(m.orders[order_id])
        m.touched.clear()

    def check_orders(self, seller: str) -> None:
        m = self.model
        mine = {o.order_id: o for o in m.orders.values() if o.seller == seller}
        listed = {o["order_id"]: o for o in self.api.get("/seller/orders?limit=100", self.token(seller)).json["items"]}
        assert set(listed) == set(mine), seller
        for order_id, got in listed.items():
            order = mine[order_id]
            assert got["status"] == order.status, (order_id, got["status"], order.status)
            assert got["pending_cancel_id"] == order.pending, order_id
            assert got["cancel_id"] == order.cancelled_by, order_id
            assert got["needs_attention"] == (order.pending is not None or m.unseen(order)), order_id
            assert {i["sku"]: i["cancelled_quantity"] for i in got["items"]} == {
                sku: c for sku, (_, _, c) in order.lines.items()}, order_id
            assert got["remaining_total"]["amount"] == order.remaining_total(), order_id
            if got["status"] in ("CANCELLED", "COMPLETED"):  # final: never changes again
                seen = {k: got[k] for k in ("status", "cancel_id", "cancelled_at", "shipped_at", "placed_at",
                                            "paid_at")}
                assert self.finals.setdefault(order_id, seen) == seen, order_id

    def check_feed(self, seller: str) -> None:
        """The seller's whole feed, read as it is once settled: one event per change of each order, oldest first,
        the order's sequence numbers 1..n, each with the status the change led to; no other seller's."""
        mine = {o.order_id: o for o in self.model.orders.values() if o.seller == seller}
        feed = whole_feed(self.api, self.token(seller), self.clock)
        assert [e["occurred_at"] for e in feed] == sorted(e["occurred_at"] for e in feed), seller
        by_order: dict[str, list[dict[str, Any]]] = {}
        for event in feed:
            assert event["seller_id"] == seller and event["type"] != "cancellation.response_due_soon", event
            by_order.setdefault(event["order_id"], []).append(event)
        assert set(by_order) == set(mine), seller
        for order_id, events in by_order.items():
            history = mine[order_id].history
            assert [e["sequence"] for e in events] == list(range(1, len(history) + 1)), order_id
            assert [e["data"]["order"]["status"] for e in events] == [to for _, to in history], order_id
            assert len({e["id"] for e in events}) == len(events)
        self.feeds.update(by_order)

    def check_cancellations(self, seller: str) -> None:
        """Every cancellation of a seller (one list read) against the model."""
        m = self.model
        cancellations = self.api.get("/seller/cancellations?limit=100", self.token(seller)).json["items"]
        expected = {c.cancel_id: c for c in m.cancels.values() if c.seller == seller}
        assert {c["cancel_id"] for c in cancellations} == set(expected), seller
        for got in cancellations:
            self.check_cancellation(expected[got["cancel_id"]], got)

    def check_cancellation(self, c: MCancel, got: dict[str, Any]) -> None:
        assert got["status"] == c.status, (c, got)
        assert got["order_id"] == c.order_id
        assert got["respond_by"] == (iso(c.respond_by) if c.respond_by else None)
        assert got["response_seconds_left"] == c.seconds_left, (c, got)
        assert got["withdraw_cause"] == c.withdraw_cause, (c, got)
        assert (got["actor"]["role"], got["actor"]["id"], got["actor"]["ticket"]) == c.actor, (c, got)
        if c.offer is None:
            assert got["offer"] is None, got
        else:
            offer = got["offer"]
            assert (offer["kind"], offer["status"], offer["answer_by"]) == (
                c.offer.kind, c.offer.status, iso(c.offer.answer_by)), (c, got)
            assert offer["amount"] == (None if c.offer.amount is None else {"amount": c.offer.amount,
                                                                             "currency": "IDR"})
            assert offer["ship_by"] == (iso(c.offer.ship_by) if c.offer.ship_by else None)
            assert (offer["answered_at"] is not None) == (c.offer.status in ("ACCEPTED", "DECLINED"))
        assert got["auto_approve_cause"] == c.cause
        assert got["auto_approve_rule_id"] == c.rule_id
        assert got["reject_reason"] == c.reject_reason
        assert (got["acknowledged_at"] is not None) == c.acknowledged
        assert got["counts_toward_sfcr"] is c.counts_sfcr
        assert {line["sku"]: line["quantity"] for line in got["line_items"]} == c.lines, (c, got)
        assert got["refund"] == (None if not c.paid else {"amount": c.amount, "currency": "IDR"}), (c, got)
        assert (got["refund_status"], got["refund_reference"]) == (c.refund, c.reference), (c, got)
        assert (got["refunded_at"] is not None) == (c.refund == "REFUNDED")
        # rule 8: a buyer's cancellation never counts against the seller, whoever resolved it
        # (OF7: but for a broken ship-by promise, the seller's by its own word)
        assert got["fault"] == "BUYER" or got["initiator"] == "SELLER" or got["auto_approve_cause"] == "PROMISE_MISSED"
        expected_appeal = None if c.appeal is None else {"appeal_id": c.appeal.appeal_id, "status": c.appeal.status}
        assert got["appeal"] == expected_appeal, (c, got)
        assert got["appeal_by"] == self.model.appeal_by(c), (c, got)
        if c.appeal is not None and c.appeal.status == "OVERTURNED":  # A6: the fault lifted
            assert (got["fault"], got["counts_toward_sfcr"]) == ("NONE", False), got
        if got["status"] != "REQUESTED":  # final: only an acknowledgement, the refund's report and an appeal may come
            seen = {k: v for k, v in got.items()
                    if k not in ("acknowledged_at", "refund_status", "refunded_at", "refund_reference", "appeal",
                                 "appeal_by", "fault", "counts_toward_sfcr")}
            assert self.finals.setdefault(c.cancel_id, seen) == seen, c.cancel_id

    def check_screens(self, seller: str) -> None:
        """The seller's tabs split its orders, the Cancellation filter holds what needs the seller, and the
        pending requests come most urgent first."""
        m, token = self.model, self.token(seller)
        mine = [o for o in m.orders.values() if o.seller == seller]

        def listed(query: str) -> list[dict[str, Any]]:
            response = self.api.get(f"/seller/{query}", token)
            assert response.status_code == 200, response.json
            return response.json["items"]

        every = listed("orders?limit=100")
        assert [o["placed_at"] for o in every] == sorted((o["placed_at"] for o in every), reverse=True)
        tabs = {tab: {o["order_id"] for o in listed(f"orders?tab={tab}&limit=100")}
                for tab in ("unpaid", "to_ship", "shipped", "completed", "cancelled")}
        assert sorted(i for ids in tabs.values() for i in ids) == sorted(o.order_id for o in mine)  # a partition
        assert tabs["unpaid"] == {o.order_id for o in mine if o.status == "UNPAID"}
        assert tabs["to_ship"] == {o.order_id for o in mine if o.status in PAID_UNSHIPPED}
        assert tabs["cancelled"] == {o.order_id for o in mine if o.status == "CANCELLED"}
        assert tabs["completed"] == {o.order_id for o in mine if o.status == "COMPLETED"}

        def needs_seller(order: MOrder) -> bool:
            return order.pending is not None or m.unseen(order)

        flagged = {o["order_id"] for o in listed("orders?filter=cancellation&limit=100")}
        assert flagged == {o.order_id for o in mine if needs_seller(o)}
        queue = listed("cancellations?status=REQUESTED&limit=100")
        # by deadline, an open offer by its buyer's answer_by (OF9)
        expected = sorted((c for c in m.cancels.values() if c.seller == seller and c.status == "REQUESTED"),
                          key=lambda c: (c.due(), c.cancel_id))
        assert [c["respond_by"] or c["offer"]["answer_by"] for c in queue] == [iso(c.due()) for c in expected]
        assert {c["cancel_id"] for c in queue} == {c.cancel_id for c in expected}

    def check_buyer_view(self, order: MOrder) -> None:
        response = self.api.get(f"/buyer/orders/{order.order_id}", self.token(order.buyer))
        assert response.status_code == 200, response.json
        got = response.json
        assert got["status"] == order.status
        may = order.status in UNSHIPPED and order.pending is None and order.may_request
        assert got["may_request_cancellation"] is may, order.order_id
        assert {c["cancel_id"] for c in got["cancellations"]} == {
            c.cancel_id for c in self.model.cancels.values() if c.order_id == order.order_id}

    def check_order(self, order: MOrder) -> None:
        response = self.api.get(f"/seller/orders/{order.order_id}", self.token(order.seller))
        assert response.status_code == 200, response.json
        got = response.json
        assert got["status"] == order.status, (order.order_id, got["status"], order.status)
        # one history entry per change, each when it happened and what it led to, chained from status to status
        assert [(h["at"], h["to_status"]) for h in got["history"]] == order.history, order.order_id
        for before, after in pairwise(got["history"]):
            assert after["from_status"] == before["to_status"], order.order_id
        # each history entry's event, in the same order, of the type its kind names (shipping over a pending
        # request is that request's rejection)
        expected = [("cancellation.rejected" if h["action"] == "SHIPPED" and h["cancel_id"] else EVENT_OF[h["action"]])
                    for h in got["history"]]
        if order.order_id in self.feeds:
            assert [e["type"] for e in self.feeds[order.order_id]] == expected, order.order_id
        expected = {c.cancel_id: c for c in self.model.cancels.values() if c.order_id == order.order_id}
        assert {c["cancel_id"] for c in got["cancellations"]} == set(expected), order.order_id
        for c in got["cancellations"]:
            self.check_cancellation(expected[c["cancel_id"]], c)
        # straight from what the service answers, whatever the model says
        pending = [c["cancel_id"] for c in got["cancellations"] if c["status"] == "REQUESTED"]
        accepted = [c for c in got["cancellations"] if c["status"] in ACCEPTED]
        assert len(pending) <= 1 and got["pending_cancel_id"] == (pending[0] if pending else None)
        # Quantities never negative nor above what was ordered, each the sum of what accepted cancellations took
        # off; remaining_total is what remains at its price; CANCELLED exactly when nothing remains (M1, M3).
        taken: dict[str, int] = {}
        for c in accepted:
            for line in c["line_items"]:
                taken[line["sku"]] = taken.get(line["sku"], 0) + line["quantity"]
        prices = {i["sku"]: i["unit_price"]["amount"] for i in got["items"]}
        for item in got["items"]:
            assert 0 <= item["cancelled_quantity"] <= item["quantity"], (order.order_id, item)
            assert item["cancelled_quantity"] == taken.get(item["sku"], 0), (order.order_id, item)
        remaining = sum((i["quantity"] - i["cancelled_quantity"]) * prices[i["sku"]] for i in got["items"])
        assert got["remaining_total"]["amount"] == remaining, order.order_id
        assert (got["status"] == "CANCELLED") == (remaining == 0 and all(
            i["quantity"] == i["cancelled_quantity"] for i in got["items"])), order.order_id
        if got["status"] == "CANCELLED":  # by the one that took the last of it (check_orders: the model's)
            assert got["cancel_id"] in {c["cancel_id"] for c in accepted}, order.order_id
        else:
            assert got["cancel_id"] is None, order.order_id
        # Refunds are what accepted cancellations took off, line by line, at the lines' prices (M6, M7).
        for c in got["cancellations"]:
            assert all(line["amount"]["amount"] == line["quantity"] * prices[line["sku"]] for line in c["line_items"])
            # an accepted partial-refund offer owes its amount and cancels nothing (OF6)
            offered = c["withdraw_cause"] == "OFFER_ACCEPTED" and c["offer"]["kind"] == "PARTIAL_REFUND"
            if c["refund"] is not None:
                assert c["refund"]["amount"] == (c["offer"]["amount"]["amount"] if offered else sum(
                    line["amount"]["amount"] for line in c["line_items"]))
            owed = (c["status"] in ACCEPTED or offered) and c["refund"] is not None
            assert (c["refund_status"] in ("PENDING", "REFUNDED")) == owed, c
        assert sum(line["amount"]["amount"] for c in accepted for line in c["line_items"]) == (
            got["total"]["amount"] - got["remaining_total"]["amount"]), order.order_id
        assert got["handover"] == self.model.handover(order), (order.order_id, order.status, order.pending)

    def check_counters(self, seller: str) -> None:
        counts = self.api.get("/seller/action-needed", self.token(seller)).json["cancellation"]
        assert (counts["cancellation_requested"], counts["auto_approved"], counts["awaiting_buyer"]) == \
            self.model.action_needed(seller)
        assert counts["total"] == counts["cancellation_requested"] + counts["auto_approved"]
        assert counts["due_soon"] == self.model.due_soon(seller), (seller, counts)
        sfcr = self.api.get("/seller/metrics/sfcr", self.token(seller)).json
        expected = self.model.sfcr(seller)
        assert {k: sfcr[k] for k in expected} == expected, seller


def test_lifecycle_matches_the_model(capsys: pytest.CaptureFixture[str]):
    RUNS.update(dict.fromkeys(RUNS, 0))
    started = perf_counter()
    run_state_machine_as_test(LifecycleMachine, settings=settings(
        max_examples=EXAMPLES, stateful_step_count=STEPS, deadline=None, database=None, print_blob=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    ))
    seconds = perf_counter() - started
    steps = RUNS["steps"] - RUNS["examples"]
    with capsys.disabled():
        print(f"\nlifecycle model: {RUNS['examples']} examples, {steps} steps, {RUNS['calls']} state-changing "
              f"calls and job runs ({RUNS['rule_approvals']} requests approved by a seller's rule, "
              f"{RUNS['bulk_items']} bulk items, {RUNS['offers']} offers made, {RUNS['offers_accepted']} accepted, "
              f"{RUNS['offers_declined']} declined, {RUNS['offers_lapsed']} lapsed, "
              f"{RUNS['promises_missed']} promises missed, {RUNS['operator_cancels']} operator cancels, "
              f"{RUNS['appeals']} appeals, {RUNS['overturned']} overturned), invariants checked after every step, "
              f"{seconds:.1f}s")
    assert RUNS["examples"] >= EXAMPLES
    assert steps >= EXAMPLES * 5
    if EXAMPLES >= DEFAULT_EXAMPLES:  # the simplest example alone makes and accepts some (see the offers' actions)
        assert RUNS["offers"] > 0 and RUNS["offers_accepted"] > 0, RUNS



@contextmanager
def scripted_walk() -> Iterator[tuple["LifecycleMachine", Callable[..., None]]]:
    """The model's machine driven step by step by a scripted test: `then(action, **arguments)` takes one step and
    checks every invariant after it; the machine is torn down at the end, whatever happened."""
    machine = LifecycleMachine()

    def then(action: str, **arguments: Any) -> None:
        getattr(machine, action)(**arguments)
        machine.the_service_matches_the_model()

    try:
        yield machine, then
    finally:
        machine.teardown()


def test_every_offer_path_through_the_model():
    """One scripted walk of the same machine over every way an offer ends (offers.md): made of each kind, accepted
    (a partial refund then reported, a ship-by date then broken), declined, withdrawn over, shipped over and
    lapsed by the job; the invariants after every step, the stored items recounted at the end."""
    spec = ("S1", "B1", "AWAITING_SHIPMENT", timedelta(hours=3), True, THREE_LINES)
    with scripted_walk() as (machine, then):
        machine.first_orders([spec] * 3, None)
        for _ in range(3):
            then("record_order", spec=spec, resend=None)
        for _ in range(6):  # O1..O6: a request each, waiting for the seller
            then("request_cancellation", i=0, aim=True, reason="CHANGED_MIND", comment=False, part=None)
        for kind, terms in (("PARTIAL_REFUND", "most"), ("SHIP_BY", "least"), ("KEEP_ORDER", "least"),
                            ("KEEP_ORDER", "least"), ("PARTIAL_REFUND", "least"), ("SHIP_BY", "most")):
            then("make_offer", j=0, aim=True, kind=kind, terms=terms)  # each on the first request without one
        then("make_offer", j=0, aim=False, kind="KEEP_ORDER", terms="least")  # a second offer: 409
        then("answer_request", j=0, aim=True, answer="approve", reason="PRODUCT_PACKED")  # OFFER_OPEN: 409
        then("answer_offer", j=0, aim=True, answer="accept")  # O1: the partial refund
        then("report_refund", j=0, aim=True, reference="PAY-1")
        then("answer_offer", j=0, aim=True, answer="accept")  # O2: ship by tomorrow
        then("answer_offer", j=0, aim=True, answer="decline")  # O3: the clock restarts
        then("answer_request", j=1, aim=True, answer="withdraw", reason="PRODUCT_PACKED")  # O4, its offer open
        then("fulfil", i=4, aim=True, arrange_first=False)  # O5 ships over its open offer
        then("pass_time", i=0, to="forward", offset=0, step=timedelta(days=1), job_runs=2)  # O6's offer lapses
        then("request_cancellation", i=1, aim=True, reason="CHANGED_MIND", comment=False, part=None)  # O2 again
        m = machine.model
        # each order's latest cancellation (O2's first, its offer accepted, was followed by the broken promise's)
        outcome = {c.order_id: (c.status, c.offer.status if c.offer else None, c.withdraw_cause, c.cause, c.refund)
                   for c in m.cancels.values()}
        assert outcome == {
            "O1": ("WITHDRAWN", "ACCEPTED", "OFFER_ACCEPTED", None, "REFUNDED"),
            "O2": ("AUTO_APPROVED", None, None, "PROMISE_MISSED", "PENDING"),
            "O3": ("REQUESTED", "DECLINED", None, None, "NONE"),
            "O4": ("WITHDRAWN", "DECLINED", "BUYER", None, "NONE"),
            "O5": ("REJECTED", "EXPIRED", None, None, "NONE"),
            "O6": ("REQUESTED", "EXPIRED", None, None, "NONE"),
        }, outcome
        assert m.orders["O2"].seller_fault and m.action_needed("S1") == (2, 1, 0)


def test_appeals_through_the_model():
    """One scripted walk of the same machine through appeals (appeals.md): a two-line order cancelled line by line
    out of stock (counted once), each cancellation appealed, one overturned while the other still counts, then
    the other; an uphold, a second decision, a second appeal, a buyer-fault cancellation and a late appeal
    refused; the SFCR and appeals_open checked after every step, the stored items recounted at the end."""
    spec = ("S1", "B1", "AWAITING_SHIPMENT", timedelta(hours=3), True, THREE_LINES)
    with scripted_walk() as (machine, then):
        machine.first_orders([spec] * 4, None)
        m = machine.model
        then("seller_cancel", i=0, aim=False, reason="OUT_OF_STOCK", part="line")  # O1: SKU-1, counts
        then("seller_cancel", i=0, aim=False, reason="OUT_OF_STOCK", part="line")  # O1: another line, counts too
        then("seller_cancel", i=1, aim=False, reason="WRONG_PRICE", part=None)  # O2: the whole order
        then("request_cancellation", i=2, aim=False, reason="CHANGED_MIND", comment=False, part=None)  # O3
        then("answer_request", j=3, aim=False, answer="approve", reason="PRODUCT_PACKED")  # buyer-fault, accepted
        assert m.sfcr("S1")["seller_fault_cancellations"] == 2
        for j in range(3):  # O1's two and O2's
            then("open_appeal", j=j, aim=False)
        then("open_appeal", j=0, aim=False)  # again: APPEAL_EXISTS
        then("open_appeal", j=3, aim=False)  # the buyer's: NOT_APPEALABLE
        assert m.sfcr("S1")["appeals_open"] == 3
        then("decide_appeal", j=0, aim=False, decision="OVERTURN")  # O1 still counts through its second
        assert m.orders["O1"].seller_fault and m.sfcr("S1")["seller_fault_cancellations"] == 2
        then("decide_appeal", j=1, aim=False, decision="OVERTURN")  # now O1 leaves its cohort
        then("decide_appeal", j=2, aim=False, decision="UPHOLD")  # O2 keeps counting
        then("decide_appeal", j=2, aim=False, decision="OVERTURN")  # final: APPEAL_DECIDED
        assert not m.orders["O1"].seller_fault and m.orders["O2"].seller_fault
        assert (m.sfcr("S1")["seller_fault_cancellations"], m.sfcr("S1")["appeals_open"]) == (1, 0)
        then("seller_cancel", i=3, aim=False, reason="OUT_OF_STOCK", part="one")  # O4's line: counts
        then("pass_time", i=0, to="forward", offset=0, step=timedelta(days=8), job_runs=0)
        then("pass_time", i=0, to="forward", offset=0, step=timedelta(days=22), job_runs=0)  # 30 days on
        then("open_appeal", j=4, aim=False)  # too late: APPEAL_WINDOW_CLOSED
        outcome = {c.cancel_id: (c.order_id, c.appeal.status if c.appeal else None, c.counts_sfcr)
                   for c in m.cancels.values()}
        assert sorted(outcome.values()) == [("O1", "OVERTURNED", False), ("O1", "OVERTURNED", False),
                                            ("O2", "UPHELD", True), ("O3", None, False), ("O4", None, True)], outcome


def test_operator_cancels_on_behalf_of_both_parties_through_the_model():
    """One scripted walk of the same machine over the support desk (support-desk.md): an operator cancels on the
    seller's behalf (a seller-fault reason counts once in the SFCR, some items then the rest; a reason of no fault;
    a reason of the wrong status refused) and asks on the buyer's behalf (inside the grace period, and waiting for
    the seller, then approved); every counter checked after every step, the stored items recounted at the end."""
    paid = ("S1", "B1", "AWAITING_SHIPMENT", timedelta(hours=3), True, THREE_LINES)
    fresh = ("S1", "B2", "AWAITING_SHIPMENT", timedelta(0), False, ONE_LINE)
    with scripted_walk() as (machine, then):
        machine.first_orders([paid, paid, paid], None)
        then("record_order", spec=fresh, resend=None)  # O4: paid now, inside the grace period
        then("seller_cancel", i=0, aim=True, reason="OUT_OF_STOCK", part="one", by="operator")  # O1: some items
        then("seller_cancel", i=0, aim=True, reason="WRONG_PRICE", part=None, by="operator")  # O1: the rest
        then("seller_cancel", i=0, aim=True, reason="BUYER_NOT_PAID_IN_TIME", part=None, by="operator")  # 400
        then("seller_cancel", i=0, aim=True, reason="ADDRESS_NOT_DELIVERABLE", part=None, by="operator")  # O2
        then("request_cancellation", i=3, aim=True, reason="ORDERED_BY_MISTAKE", comment=False, part=None,
             by="operator")  # O4: auto-approved at once
        then("request_cancellation", i=0, aim=True, reason="OTHER", comment=False, part=None, by="operator")  # 400
        then("request_cancellation", i=0, aim=True, reason="OTHER", comment=True, part=None, by="operator")  # O3
        then("seller_cancel", i=0, aim=True, reason="OUT_OF_STOCK", part=None, by="operator")  # 409: a request
        then("answer_request", j=0, aim=True, answer="approve", reason="PRODUCT_PACKED")
        m = machine.model
        actors = {c.order_id: (c.status, c.actor[0], c.counts_sfcr) for c in m.cancels.values()}
        assert actors == {"O1": ("SELLER_CANCELLED", "OPERATOR", True), "O2": ("SELLER_CANCELLED", "OPERATOR", False),
                          "O3": ("APPROVED", "OPERATOR", False), "O4": ("AUTO_APPROVED", "OPERATOR", False)}, actors
        assert m.sfcr("S1")["seller_fault_cancellations"] == 1 and m.action_needed("S1") == (0, 1, 0)
