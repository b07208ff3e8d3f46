"""Every pair of writers that can meet on one order or cancellation, replayed step by step.

Each race: set the order up, take the loser's snapshot, let the winner commit through the API (or the expiry
job), then let the loser act on the snapshot. The loser's conditional write must be refused as stale; deciding
again from fresh state it either gets the 409 (or 400) that the current state calls for, with
`details.current`, or does what the current state still allows. Afterwards exactly one of the two changes
stands and the store is consistent: counters, history and cancellations agree with the orders.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest

from chalicelib import config
from chalicelib.domain import lifecycle
from chalicelib.domain.clock import utc_now
from chalicelib.domain.errors import Conflict
from chalicelib.domain.reasons import SellerCancelReason
from chalicelib.jobs import expiry
from chalicelib.service import executor, writes
from chalicelib.service.executor import Decision, execute
from chalicelib.store import appeals as appeals_store
from chalicelib.store import reads, transactions
from devtools.dynamo_calls import DynamoCalls
from tests.support.races import Replay, assert_store_consistent, at, snapshot
from tests.support.shop import MULTI_ITEMS, Shop

ORDER = "O1"


@dataclass(slots=True)
class Scene:
    """The one order every race is about (O1 of seller S1 and buyer B1) and, once asked for, its cancellation."""

    shop: Shop
    cancel_id: str = ""


Step = Callable[[Scene], Any]

# --- starting points -------------------------------------------------------------------------------------


def paid(s: Scene) -> None:
    s.shop.paid(ORDER)


def unpaid(s: Scene) -> None:
    s.shop.order(ORDER, status="UNPAID")


def arranged(s: Scene) -> None:
    s.shop.arranged(ORDER)


def shipped(s: Scene) -> None:
    s.shop.in_transit(ORDER)


def delivered(s: Scene) -> None:
    s.shop.delivered(ORDER)


def pending(s: Scene) -> None:
    _, s.cancel_id = s.shop.pending(ORDER)


def auto_approved(s: Scene) -> None:
    _, s.cancel_id = s.shop.auto_approved(ORDER)


def two_lines(s: Scene) -> None:
    """Paid just now (inside the grace period): SKU-1 x 2 and SKU-2 x 1."""
    s.shop.order(ORDER, items=MULTI_ITEMS)


def two_lines_past_grace(s: Scene) -> None:
    s.shop.paid(ORDER, items=MULTI_ITEMS)


def refund_owed(s: Scene) -> None:
    """One SKU-1 cancelled out of stock: its refund waits for the payment system."""
    _, s.cancel_id = s.shop.refund_pending(ORDER)


def offered(s: Scene) -> None:
    """A pending request with the seller's PARTIAL_REFUND offer open (docs/offers.md)."""
    _, s.cancel_id = s.shop.offered(ORDER, kind="PARTIAL_REFUND")


def nothing_yet(s: Scene) -> None:
    """No order: the platform has yet to record it."""


# --- the parties' moves on it ------------------------------------------------------------------------------


def record(s: Scene, **fields: Any) -> Any:
    return s.shop.record_order(s.shop.order_body(ORDER, **fields))


def pay(s: Scene) -> Any:
    return s.shop.pay(ORDER)


def deliver(s: Scene) -> Any:
    return s.shop.deliver(ORDER)


def complete(s: Scene) -> Any:
    return s.shop.complete(ORDER)


def request(s: Scene, reason: str = "CHANGED_MIND") -> Any:
    return s.shop.request_cancellation(ORDER, reason)


def withdraw(s: Scene) -> Any:
    return s.shop.withdraw(s.cancel_id)


def approve(s: Scene) -> Any:
    return s.shop.approve(s.cancel_id)


def reject(s: Scene, reason: str = "INVALID_REASON") -> Any:
    return s.shop.reject(s.cancel_id, reason)


def acknowledge(s: Scene) -> Any:
    return s.shop.acknowledge(s.cancel_id)


def seller_cancel(s: Scene, reason: str = "OUT_OF_STOCK") -> Any:
    return s.shop.seller_cancel(ORDER, reason)


def out_of_stock(sku: str, quantity: int) -> Step:
    def cancel(s: Scene) -> Any:
        return s.shop.seller_cancel(ORDER, "OUT_OF_STOCK", line_items=[{"sku": sku, "quantity": quantity}])

    return cancel


def drop(sku: str, quantity: int) -> Step:
    """The buyer asks to cancel some of one line."""
    def ask(s: Scene) -> Any:
        return s.shop.request_cancellation(ORDER, line_items=[{"sku": sku, "quantity": quantity}])

    return ask


def report_refund(reference: str) -> Step:
    def report(s: Scene) -> Any:
        return s.shop.report_refund(s.cancel_id, reference)

    return report


def arrange(s: Scene) -> Any:
    return s.shop.arrange(ORDER)


def make_offer(s: Scene) -> Any:
    return s.shop.make_offer(s.cancel_id, "KEEP_ORDER", "We pack it today")


def accept_offer(s: Scene) -> Any:
    return s.shop.accept_offer(s.cancel_id)


def decline_offer(s: Scene) -> Any:
    return s.shop.decline_offer(s.cancel_id)


def ship(s: Scene, tracking_number: str = "TRK-1") -> Any:
    return s.shop.ship(ORDER, tracking_number)


# --- what the seller sees ----------------------------------------------------------------------------------


def detail(s: Scene) -> dict:
    return s.shop.detail(ORDER, expect=200).json


def counts(s: Scene) -> tuple[int, int]:
    counts = s.shop.counts().json["cancellation"]
    assert counts["total"] == counts["cancellation_requested"] + counts["auto_approved"]
    return counts["cancellation_requested"], counts["auto_approved"]


def seller_faults(s: Scene) -> tuple[int, int]:
    sfcr = s.shop.sfcr().json
    return sfcr["orders"], sfcr["seller_fault_cancellations"]


def cancellation(s: Scene) -> dict:
    return s.shop.cancellation(s.cancel_id, expect=200).json


def respond_by(s: Scene) -> datetime:
    return at(cancellation(s)["respond_by"])


@pytest.fixture
def scene(shop: Shop) -> Scene:
    return Scene(shop)


@pytest.fixture
def replay(monkeypatch) -> Replay:
    return Replay(monkeypatch)


def assert_refused(response, status: int, code: str, /, **current: str) -> None:
    assert response.status_code == status, response.json
    error = response.json["error"]
    assert error["code"] == code, error
    for name, value in current.items():
        assert error["details"]["current"][name] == value, error


@dataclass(frozen=True, kw_only=True)
class Race:
    """`winner` commits first; `loser` acts on what it read before. `loser_status`/`loser_code`/`current`:
    the loser's answer; `rewrites`: what the loser still committed after deciding again (nothing when refused)."""

    name: str
    setup: Step
    winner: Step
    loser: Step
    loser_status: int
    loser_code: str | None
    order_status: str
    cancellations: tuple[str, ...]
    counts: tuple[int, int]
    current: dict[str, str] = field(default_factory=dict)
    rewrites: tuple[str, ...] = ()
    check: Step | None = None


def _ship_rejected_request(s: Scene) -> None:
    (cancellation,) = detail(s)["cancellations"]
    assert cancellation["reject_reason"] == "ORDER_SHIPPED" and cancellation["resolved_by"] == "SYSTEM"


def _may_ask_again(s: Scene) -> None:
    created = request(s)
    assert created.status_code == 201 and created.json["status"] == "REQUESTED", created.json


def _may_not_ask_again(s: Scene) -> None:
    assert_refused(request(s), 409, "CANCELLATION_REJECTED_BEFORE")


def _winner_tracking(s: Scene) -> None:
    assert detail(s)["tracking_number"] == "TRK-1"


def _counts_one_seller_fault(s: Scene) -> None:
    assert seller_faults(s) == (1, 1)


def _counts_no_seller_fault(s: Scene) -> None:
    assert seller_faults(s) == (1, 0)


def _grace_period_cause(s: Scene) -> None:
    (cancellation,) = detail(s)["cancellations"]
    assert cancellation["auto_approve_cause"] == "WITHIN_GRACE_PERIOD"


def _arranged_then_shipped(s: Scene) -> None:
    assert [h["to_status"] for h in detail(s)["history"]] == ["AWAITING_SHIPMENT", "AWAITING_COLLECTION",
                                                               "IN_TRANSIT"]


def _cancelled(**quantities: int) -> Step:
    def check(s: Scene) -> None:
        assert {i["sku"]: i["cancelled_quantity"] for i in detail(s)["items"]} == quantities

    return check


def _sku_1_twice_counted_once(s: Scene) -> None:
    _cancelled(**{"SKU-1": 2, "SKU-2": 0})(s)
    assert seller_faults(s) == (1, 1)  # two seller-fault cancellations, one order: counted once (M4)


def _the_rest_was_the_whole_order(s: Scene) -> None:
    first, rest = detail(s)["cancellations"]
    assert (first["whole_order"], rest["whole_order"]) == (False, True) or (
        first["whole_order"], rest["whole_order"]) == (True, False)
    _cancelled(**{"SKU-1": 2, "SKU-2": 1})(s)
    assert seller_faults(s) == (1, 1)


def _shipped_what_remains(s: Scene) -> None:
    _cancelled(**{"SKU-1": 1, "SKU-2": 0})(s)
    assert detail(s)["remaining_total"]["amount"] == 75000 + 20000


def _offer_ended(status: str) -> Step:
    def check(s: Scene) -> None:
        assert cancellation(s)["offer"]["status"] == status

    return check


def _refund_owed_and_shipped(s: Scene) -> None:
    c = cancellation(s)
    assert (c["withdraw_cause"], c["refund_status"], c["refund"]["amount"]) == ("OFFER_ACCEPTED", "PENDING", 1000)
    assert detail(s)["tracking_number"] == "TRK-1"


def _refunded_once(s: Scene) -> None:
    c = cancellation(s)
    assert (c["refund_status"], c["refund_reference"]) == ("REFUNDED", "PAY-1")
    assert [h["action"] for h in detail(s)["history"]].count("REFUNDED") == 1


RACES = [
    # offers (docs/offers.md): the buyer's answer, the seller's offer and shipping, on one request
    Race(name="accept offer vs ship", setup=offered, winner=accept_offer, loser=ship, loser_status=200,
         loser_code=None, order_status="IN_TRANSIT", cancellations=("WITHDRAWN",), counts=(0, 0),
         rewrites=("committed",), check=_refund_owed_and_shipped),
    Race(name="ship vs accept offer", setup=offered, winner=ship, loser=accept_offer, loser_status=409,
         loser_code="OFFER_NOT_OPEN", order_status="IN_TRANSIT", cancellations=("REJECTED",), counts=(0, 0),
         current={"status": "REJECTED"}, check=_offer_ended("EXPIRED")),
    Race(name="ship vs decline offer", setup=offered, winner=ship, loser=decline_offer, loser_status=409,
         loser_code="OFFER_NOT_OPEN", order_status="IN_TRANSIT", cancellations=("REJECTED",), counts=(0, 0),
         current={"status": "REJECTED"}, check=_offer_ended("EXPIRED")),
    Race(name="accept offer vs withdraw", setup=offered, winner=accept_offer, loser=withdraw, loser_status=409,
         loser_code="CANCELLATION_NOT_PENDING", order_status="AWAITING_SHIPMENT", cancellations=("WITHDRAWN",),
         counts=(0, 0), current={"status": "WITHDRAWN"}, check=_offer_ended("ACCEPTED")),
    Race(name="withdraw vs accept offer", setup=offered, winner=withdraw, loser=accept_offer, loser_status=409,
         loser_code="OFFER_NOT_OPEN", order_status="AWAITING_SHIPMENT", cancellations=("WITHDRAWN",),
         counts=(0, 0), current={"status": "WITHDRAWN"}, check=_offer_ended("DECLINED")),
    Race(name="decline offer vs accept offer", setup=offered, winner=decline_offer, loser=accept_offer,
         loser_status=409, loser_code="OFFER_NOT_OPEN", order_status="AWAITING_SHIPMENT",
         cancellations=("REQUESTED",), counts=(1, 0), current={"status": "REQUESTED"},
         check=_offer_ended("DECLINED")),
    Race(name="make offer vs approve", setup=pending, winner=make_offer, loser=approve, loser_status=409,
         loser_code="OFFER_OPEN", order_status="AWAITING_SHIPMENT", cancellations=("REQUESTED",), counts=(0, 0),
         current={"status": "REQUESTED"}, check=_offer_ended("OPEN")),
    Race(name="approve vs make offer", setup=pending, winner=approve, loser=make_offer, loser_status=409,
         loser_code="CANCELLATION_NOT_PENDING", order_status="CANCELLED", cancellations=("APPROVED",),
         counts=(0, 0), current={"status": "APPROVED"}),
    Race(name="make offer vs ship", setup=pending, winner=make_offer, loser=ship, loser_status=200, loser_code=None,
         order_status="IN_TRANSIT", cancellations=("REJECTED",), counts=(0, 0), rewrites=("committed",),
         check=_offer_ended("EXPIRED")),
    # two partial cancellations of one line, from different parties and states: never over-cancelled (M2, M3)
    Race(name="partial cancel vs partial cancel of the same line, too many", setup=two_lines,
         winner=out_of_stock("SKU-1", 2), loser=out_of_stock("SKU-1", 1), loser_status=400,
         loser_code="INVALID_LINE_ITEMS", order_status="AWAITING_SHIPMENT", cancellations=("SELLER_CANCELLED",),
         counts=(0, 0), check=_cancelled(**{"SKU-1": 2, "SKU-2": 0})),
    Race(name="partial cancel vs partial cancel of the same line, both fit", setup=two_lines,
         winner=out_of_stock("SKU-1", 1), loser=out_of_stock("SKU-1", 1), loser_status=201, loser_code=None,
         order_status="AWAITING_SHIPMENT", cancellations=("SELLER_CANCELLED", "SELLER_CANCELLED"), counts=(0, 0),
         rewrites=("committed",), check=_sku_1_twice_counted_once),
    Race(name="partial cancel vs partial cancel of the rest", setup=two_lines, winner=out_of_stock("SKU-2", 1),
         loser=out_of_stock("SKU-1", 2), loser_status=201, loser_code=None, order_status="CANCELLED",
         cancellations=("SELLER_CANCELLED", "SELLER_CANCELLED"), counts=(0, 0), rewrites=("committed",),
         check=_the_rest_was_the_whole_order),
    Race(name="partial request (auto-approved) vs partial cancel of the same line", setup=two_lines,
         winner=drop("SKU-1", 2), loser=out_of_stock("SKU-1", 1), loser_status=400, loser_code="INVALID_LINE_ITEMS",
         order_status="AWAITING_SHIPMENT", cancellations=("AUTO_APPROVED",), counts=(0, 1),
         check=_cancelled(**{"SKU-1": 2, "SKU-2": 0})),
    Race(name="partial cancel vs partial request (auto-approved) of the same line", setup=two_lines,
         winner=out_of_stock("SKU-1", 2), loser=drop("SKU-1", 1), loser_status=400, loser_code="INVALID_LINE_ITEMS",
         order_status="AWAITING_SHIPMENT", cancellations=("SELLER_CANCELLED",), counts=(0, 0),
         check=_cancelled(**{"SKU-1": 2, "SKU-2": 0})),
    Race(name="partial request (waiting) vs partial cancel", setup=two_lines_past_grace, winner=drop("SKU-1", 1),
         loser=out_of_stock("SKU-1", 1), loser_status=409, loser_code="CANCELLATION_REQUEST_PENDING",
         order_status="AWAITING_SHIPMENT", cancellations=("REQUESTED",), counts=(1, 0),
         current={"order_status": "AWAITING_SHIPMENT"}, check=_cancelled(**{"SKU-1": 0, "SKU-2": 0})),
    # a partial request or cancel meets shipping
    Race(name="partial request vs ship", setup=two_lines_past_grace, winner=drop("SKU-1", 1), loser=ship,
         loser_status=200, loser_code=None, order_status="IN_TRANSIT", cancellations=("REJECTED",), counts=(0, 0),
         rewrites=("committed",), check=_ship_rejected_request),
    Race(name="ship vs partial request", setup=two_lines_past_grace, winner=ship, loser=drop("SKU-1", 1),
         loser_status=409, loser_code="ORDER_ALREADY_SHIPPED", order_status="IN_TRANSIT", cancellations=(),
         counts=(0, 0), current={"order_status": "IN_TRANSIT"}),
    Race(name="partial cancel vs ship", setup=two_lines_past_grace, winner=out_of_stock("SKU-1", 1), loser=ship,
         loser_status=200, loser_code=None, order_status="IN_TRANSIT", cancellations=("SELLER_CANCELLED",),
         counts=(0, 0), rewrites=("committed",), check=_shipped_what_remains),
    # the payment system reporting one refund twice (M6)
    Race(name="refund report vs refund report", setup=refund_owed, winner=report_refund("PAY-1"),
         loser=report_refund("PAY-1"), loser_status=200, loser_code=None, order_status="AWAITING_SHIPMENT",
         cancellations=("SELLER_CANCELLED",), counts=(0, 0), check=_refunded_once),
    Race(name="refund report vs another reference", setup=refund_owed, winner=report_refund("PAY-1"),
         loser=report_refund("PAY-2"), loser_status=409, loser_code="REFUND_ALREADY_REPORTED",
         order_status="AWAITING_SHIPMENT", cancellations=("SELLER_CANCELLED",), counts=(0, 0),
         current={"refund_status": "REFUNDED", "refund_reference": "PAY-1"}, check=_refunded_once),
    # a buyer request answered twice
    Race(name="approve vs approve", setup=pending, winner=approve, loser=approve, loser_status=409,
         loser_code="CANCELLATION_NOT_PENDING", order_status="CANCELLED", cancellations=("APPROVED",),
         counts=(0, 0), current={"status": "APPROVED"}),
    Race(name="approve vs reject", setup=pending, winner=approve, loser=reject, loser_status=409,
         loser_code="CANCELLATION_NOT_PENDING", order_status="CANCELLED", cancellations=("APPROVED",),
         counts=(0, 0), current={"status": "APPROVED"}),
    Race(name="reject vs approve", setup=pending, winner=reject, loser=approve, loser_status=409,
         loser_code="CANCELLATION_NOT_PENDING", order_status="AWAITING_SHIPMENT", cancellations=("REJECTED",),
         counts=(0, 0), current={"status": "REJECTED"}, check=_may_not_ask_again),
    Race(name="reject vs reject", setup=pending, winner=reject, loser=lambda s: reject(s, "DELIVERY_ON_SCHEDULE"),
         loser_status=409, loser_code="CANCELLATION_NOT_PENDING", order_status="AWAITING_SHIPMENT",
         cancellations=("REJECTED",), counts=(0, 0), current={"status": "REJECTED"}),
    Race(name="withdraw vs approve", setup=pending, winner=withdraw, loser=approve, loser_status=409,
         loser_code="CANCELLATION_NOT_PENDING", order_status="AWAITING_SHIPMENT", cancellations=("WITHDRAWN",),
         counts=(0, 0), current={"status": "WITHDRAWN"}, check=_may_ask_again),
    Race(name="approve vs withdraw", setup=pending, winner=approve, loser=withdraw, loser_status=409,
         loser_code="CANCELLATION_NOT_PENDING", order_status="CANCELLED", cancellations=("APPROVED",),
         counts=(0, 0), current={"status": "APPROVED"}),
    Race(name="withdraw vs reject", setup=pending, winner=withdraw, loser=reject, loser_status=409,
         loser_code="CANCELLATION_NOT_PENDING", order_status="AWAITING_SHIPMENT", cancellations=("WITHDRAWN",),
         counts=(0, 0), current={"status": "WITHDRAWN"}),
    Race(name="reject vs withdraw", setup=pending, winner=reject, loser=withdraw, loser_status=409,
         loser_code="CANCELLATION_NOT_PENDING", order_status="AWAITING_SHIPMENT", cancellations=("REJECTED",),
         counts=(0, 0), current={"status": "REJECTED"}),
    Race(name="withdraw vs withdraw", setup=pending, winner=withdraw, loser=withdraw, loser_status=409,
         loser_code="CANCELLATION_NOT_PENDING", order_status="AWAITING_SHIPMENT", cancellations=("WITHDRAWN",),
         counts=(0, 0), current={"status": "WITHDRAWN"}),
    # shipping meets a pending request or its answer
    Race(name="ship vs approve", setup=pending, winner=ship, loser=approve, loser_status=409,
         loser_code="CANCELLATION_NOT_PENDING", order_status="IN_TRANSIT", cancellations=("REJECTED",),
         counts=(0, 0), current={"status": "REJECTED"}, check=_ship_rejected_request),
    Race(name="approve vs ship", setup=pending, winner=approve, loser=ship, loser_status=409,
         loser_code="ORDER_ALREADY_CANCELLED", order_status="CANCELLED", cancellations=("APPROVED",), counts=(0, 0),
         current={"order_status": "CANCELLED"}),
    Race(name="ship vs withdraw", setup=pending, winner=ship, loser=withdraw, loser_status=409,
         loser_code="CANCELLATION_NOT_PENDING", order_status="IN_TRANSIT", cancellations=("REJECTED",),
         counts=(0, 0), current={"status": "REJECTED"}),
    Race(name="withdraw vs ship", setup=pending, winner=withdraw, loser=ship, loser_status=200, loser_code=None,
         order_status="IN_TRANSIT", cancellations=("WITHDRAWN",), counts=(0, 0), rewrites=("committed",)),
    Race(name="reject vs ship", setup=pending, winner=reject, loser=ship, loser_status=200, loser_code=None,
         order_status="IN_TRANSIT", cancellations=("REJECTED",), counts=(0, 0), rewrites=("committed",)),
    # buyer request vs ship: whichever wins, the order ships and no request stays pending
    Race(name="ship vs buyer request", setup=paid, winner=ship, loser=request, loser_status=409,
         loser_code="ORDER_ALREADY_SHIPPED", order_status="IN_TRANSIT", cancellations=(), counts=(0, 0),
         current={"order_status": "IN_TRANSIT"}),
    Race(name="buyer request vs ship", setup=paid, winner=request, loser=ship, loser_status=200, loser_code=None,
         order_status="IN_TRANSIT", cancellations=("REJECTED",), counts=(0, 0), rewrites=("committed",),
         check=_ship_rejected_request),
    # buyer request vs seller cancel
    Race(name="seller cancel vs buyer request", setup=paid, winner=seller_cancel, loser=request, loser_status=409,
         loser_code="ORDER_ALREADY_CANCELLED", order_status="CANCELLED", cancellations=("SELLER_CANCELLED",),
         counts=(0, 0), current={"order_status": "CANCELLED"}, check=_counts_one_seller_fault),
    Race(name="buyer request vs seller cancel", setup=paid, winner=request, loser=seller_cancel, loser_status=409,
         loser_code="CANCELLATION_REQUEST_PENDING", order_status="AWAITING_SHIPMENT", cancellations=("REQUESTED",),
         counts=(1, 0), current={"order_status": "AWAITING_SHIPMENT"}, check=_counts_no_seller_fault),
    Race(name="unpaid: buyer request vs seller cancel", setup=unpaid, winner=request,
         loser=lambda s: seller_cancel(s, "BUYER_NOT_PAID_IN_TIME"), loser_status=409,
         loser_code="ORDER_ALREADY_CANCELLED", order_status="CANCELLED", cancellations=("AUTO_APPROVED",),
         counts=(0, 1), current={"order_status": "CANCELLED"}),
    Race(name="unpaid: seller cancel vs buyer request", setup=unpaid,
         winner=lambda s: seller_cancel(s, "BUYER_NOT_PAID_IN_TIME"), loser=request, loser_status=409,
         loser_code="ORDER_ALREADY_CANCELLED", order_status="CANCELLED", cancellations=("SELLER_CANCELLED",),
         counts=(0, 0), current={"order_status": "CANCELLED"}, check=_counts_no_seller_fault),
    Race(name="unpaid: buyer request vs buyer request", setup=unpaid, winner=request,
         loser=lambda s: request(s, "PAYMENT_ISSUE"), loser_status=409, loser_code="ORDER_ALREADY_CANCELLED",
         order_status="CANCELLED", cancellations=("AUTO_APPROVED",), counts=(0, 1),
         current={"order_status": "CANCELLED"}),
    Race(name="buyer request vs buyer request", setup=paid, winner=request,
         loser=lambda s: request(s, "ORDERED_BY_MISTAKE"), loser_status=409,
         loser_code="CANCELLATION_ALREADY_PENDING", order_status="AWAITING_SHIPMENT", cancellations=("REQUESTED",),
         counts=(1, 0), current={"order_status": "AWAITING_SHIPMENT"}),
    # seller cancel vs ship, and each against itself
    Race(name="seller cancel vs ship", setup=paid, winner=seller_cancel, loser=ship, loser_status=409,
         loser_code="ORDER_ALREADY_CANCELLED", order_status="CANCELLED", cancellations=("SELLER_CANCELLED",),
         counts=(0, 0), current={"order_status": "CANCELLED"}, check=_counts_one_seller_fault),
    Race(name="ship vs seller cancel", setup=paid, winner=ship, loser=seller_cancel, loser_status=409,
         loser_code="ORDER_ALREADY_SHIPPED", order_status="IN_TRANSIT", cancellations=(), counts=(0, 0),
         current={"order_status": "IN_TRANSIT"}, check=_counts_no_seller_fault),
    Race(name="seller cancel vs seller cancel", setup=paid, winner=seller_cancel,
         loser=lambda s: seller_cancel(s, "ADDRESS_NOT_DELIVERABLE"), loser_status=409,
         loser_code="ORDER_ALREADY_CANCELLED", order_status="CANCELLED", cancellations=("SELLER_CANCELLED",),
         counts=(0, 0), current={"order_status": "CANCELLED"}, check=_counts_one_seller_fault),
    Race(name="ship vs ship", setup=paid, winner=ship, loser=lambda s: ship(s, "TRK-2"), loser_status=409,
         loser_code="ORDER_ALREADY_SHIPPED", order_status="IN_TRANSIT", cancellations=(), counts=(0, 0),
         current={"order_status": "IN_TRANSIT"}, check=_winner_tracking),
    # arranging shipment
    Race(name="ship vs arrange", setup=paid, winner=ship, loser=arrange, loser_status=409,
         loser_code="ORDER_NOT_AWAITING_SHIPMENT", order_status="IN_TRANSIT", cancellations=(), counts=(0, 0),
         current={"order_status": "IN_TRANSIT"}),
    Race(name="arrange vs ship", setup=paid, winner=arrange, loser=ship, loser_status=200, loser_code=None,
         order_status="IN_TRANSIT", cancellations=(), counts=(0, 0), rewrites=("committed",),
         check=_arranged_then_shipped),
    Race(name="arrange vs arrange", setup=paid, winner=arrange, loser=arrange, loser_status=409,
         loser_code="ORDER_NOT_AWAITING_SHIPMENT", order_status="AWAITING_COLLECTION", cancellations=(),
         counts=(0, 0), current={"order_status": "AWAITING_COLLECTION"}),
    Race(name="seller cancel vs arrange", setup=paid, winner=seller_cancel, loser=arrange, loser_status=409,
         loser_code="ORDER_NOT_AWAITING_SHIPMENT", order_status="CANCELLED", cancellations=("SELLER_CANCELLED",),
         counts=(0, 0), current={"order_status": "CANCELLED"}),
    Race(name="arrange vs seller cancel", setup=paid, winner=arrange, loser=seller_cancel, loser_status=201,
         loser_code=None, order_status="CANCELLED", cancellations=("SELLER_CANCELLED",), counts=(0, 0),
         rewrites=("committed",), check=_counts_one_seller_fault),
    Race(name="arrange vs buyer request", setup=paid, winner=arrange, loser=request, loser_status=201, loser_code=None,
         order_status="AWAITING_COLLECTION", cancellations=("REQUESTED",), counts=(1, 0), rewrites=("committed",)),
    Race(name="arranged: seller cancel vs ship", setup=arranged, winner=seller_cancel, loser=ship, loser_status=409,
         loser_code="ORDER_ALREADY_CANCELLED", order_status="CANCELLED", cancellations=("SELLER_CANCELLED",),
         counts=(0, 0), current={"order_status": "CANCELLED"}),
    Race(name="buyer request vs arrange", setup=paid, winner=request, loser=arrange, loser_status=200, loser_code=None,
         order_status="AWAITING_COLLECTION", cancellations=("REQUESTED",), counts=(1, 0), rewrites=("committed",)),
    Race(name="arrange vs approve", setup=pending, winner=arrange, loser=approve, loser_status=200, loser_code=None,
         order_status="CANCELLED", cancellations=("APPROVED",), counts=(0, 0), rewrites=("committed",)),
    Race(name="approve vs arrange", setup=pending, winner=approve, loser=arrange, loser_status=409,
         loser_code="ORDER_NOT_AWAITING_SHIPMENT", order_status="CANCELLED", cancellations=("APPROVED",),
         counts=(0, 0), current={"order_status": "CANCELLED"}),
    Race(name="ship vs reject", setup=pending, winner=ship, loser=reject, loser_status=409,
         loser_code="CANCELLATION_NOT_PENDING", order_status="IN_TRANSIT", cancellations=("REJECTED",),
         counts=(0, 0), current={"status": "REJECTED"}, check=_ship_rejected_request),
    # the platform's writes
    Race(name="payment vs buyer request (unpaid auto-approve)", setup=unpaid, winner=pay, loser=request,
         loser_status=201, loser_code=None, order_status="CANCELLED", cancellations=("AUTO_APPROVED",),
         counts=(0, 1), rewrites=("committed",), check=_grace_period_cause),
    Race(name="buyer request (unpaid auto-approve) vs payment", setup=unpaid, winner=request, loser=pay,
         loser_status=409, loser_code="ORDER_NOT_UNPAID", order_status="CANCELLED",
         cancellations=("AUTO_APPROVED",), counts=(0, 1), current={"order_status": "CANCELLED"}),
    Race(name="payment vs seller cancel not paid in time", setup=unpaid, winner=pay,
         loser=lambda s: seller_cancel(s, "BUYER_NOT_PAID_IN_TIME"), loser_status=400,
         loser_code="REASON_NOT_ALLOWED", order_status="AWAITING_SHIPMENT", cancellations=(), counts=(0, 0)),
    Race(name="seller cancel not paid in time vs payment", setup=unpaid,
         winner=lambda s: seller_cancel(s, "BUYER_NOT_PAID_IN_TIME"), loser=pay, loser_status=409,
         loser_code="ORDER_NOT_UNPAID", order_status="CANCELLED", cancellations=("SELLER_CANCELLED",),
         counts=(0, 0), current={"order_status": "CANCELLED"}),
    Race(name="payment vs payment", setup=unpaid, winner=pay, loser=pay, loser_status=409,
         loser_code="ORDER_NOT_UNPAID", order_status="AWAITING_SHIPMENT", cancellations=(), counts=(0, 0),
         current={"order_status": "AWAITING_SHIPMENT"}),
    Race(name="delivery vs delivery", setup=shipped, winner=deliver, loser=deliver, loser_status=409,
         loser_code="ORDER_NOT_IN_TRANSIT", order_status="DELIVERED", cancellations=(), counts=(0, 0),
         current={"order_status": "DELIVERED"}),
    Race(name="completion vs completion", setup=delivered, winner=complete, loser=complete, loser_status=409,
         loser_code="ORDER_NOT_DELIVERED", order_status="COMPLETED", cancellations=(), counts=(0, 0),
         current={"order_status": "COMPLETED"}),
    Race(name="record order vs the same order", setup=nothing_yet, winner=record, loser=record, loser_status=200,
         loser_code=None, order_status="AWAITING_SHIPMENT", cancellations=(), counts=(0, 0),
         check=_counts_no_seller_fault),
    Race(name="record order vs another order with that id", setup=nothing_yet, winner=record,
         loser=lambda s: record(s, currency="USD"), loser_status=409, loser_code="ORDER_ALREADY_RECORDED",
         order_status="AWAITING_SHIPMENT", cancellations=(), counts=(0, 0),
         current={"order_status": "AWAITING_SHIPMENT"}, check=_counts_no_seller_fault),
    # the seller acknowledging an auto-approved cancellation from two screens
    Race(name="acknowledge vs acknowledge", setup=auto_approved, winner=acknowledge, loser=acknowledge,
         loser_status=200, loser_code=None, order_status="CANCELLED", cancellations=("AUTO_APPROVED",),
         counts=(0, 0)),
]


@pytest.mark.parametrize("race", RACES, ids=[race.name for race in RACES])
def test_race(race: Race, scene: Scene, replay: Replay):
    race.setup(scene)
    stale = snapshot(order_ids=(ORDER,))
    history_before = len(detail(scene)["history"]) if stale.orders[ORDER] else 0

    won = race.winner(scene)
    assert won.status_code in (200, 201), won.json
    history_after_winner = len(detail(scene)["history"])
    assert history_after_winner == history_before + 1

    with replay.stale(stale):
        lost = race.loser(scene)
    replay.assert_lost_then(*race.rewrites)
    assert replay.attempts[0].change.order_was == (stale.orders[ORDER].version if stale.orders[ORDER] else None)
    if race.loser_code is None:
        assert lost.status_code == race.loser_status, lost.json
    else:
        assert_refused(lost, race.loser_status, race.loser_code, **race.current)

    final = detail(scene)
    assert final["status"] == race.order_status
    assert tuple(c["status"] for c in final["cancellations"]) == race.cancellations
    assert len(final["history"]) == history_after_winner + len(race.rewrites)
    assert counts(scene) == race.counts
    assert_store_consistent()
    if race.check:
        race.check(scene)


def test_acknowledged_twice_counts_once(scene: Scene, replay: Replay):
    auto_approved(scene)
    stale = snapshot(cancel_ids=(scene.cancel_id,))
    assert acknowledge(scene).status_code == 200
    with replay.stale(stale):
        again = acknowledge(scene)
    # The re-decision finds it already acknowledged: the same 200, and nothing is written twice.
    replay.assert_lost_then()
    assert again.status_code == 200 and again.json["acknowledged_at"] is not None
    assert [h["action"] for h in detail(scene)["history"]].count("CANCELLATION_ACKNOWLEDGED") == 1
    assert counts(scene) == (0, 0)


# --- the expiry job against the seller's and buyer's answers --------------------------------------------


# answer -> (the call, the request's final status, the order's final status)
ANSWERS: dict[str, tuple[Step, str, str]] = {
    "approve": (approve, "APPROVED", "CANCELLED"),
    "reject": (reject, "REJECTED", "AWAITING_SHIPMENT"),
    "withdraw": (withdraw, "WITHDRAWN", "AWAITING_SHIPMENT"),
    "ship": (ship, "REJECTED", "IN_TRANSIT"),
}


@pytest.mark.parametrize("answer", ANSWERS)
def test_answer_before_deadline_beats_expiry_job(answer: str, scene: Scene, clock, replay: Replay):
    """The job read the request as due; the answer, sent a second before the deadline, committed first."""
    pending(scene)
    deadline = respond_by(scene)
    clock.move_to(deadline - timedelta(seconds=1))
    job_saw = snapshot(cancel_ids=(scene.cancel_id,))
    step, request_status, order_status = ANSWERS[answer]
    assert step(scene).status_code == 200

    with replay.stale(job_saw):
        expiry.run(deadline)
    replay.assert_lost_then()
    assert cancellation(scene)["status"] == request_status
    assert detail(scene)["status"] == order_status
    assert counts(scene) == (0, 0)
    assert_store_consistent()


@pytest.mark.parametrize("answer", ANSWERS)
def test_expiry_job_beats_answer_sent_before_deadline(answer: str, scene: Scene, clock, replay: Replay):
    """The answer was decided a second before the deadline; the job auto-approved first."""
    pending(scene)
    deadline = respond_by(scene)
    clock.move_to(deadline - timedelta(seconds=1))
    answer_saw = snapshot(cancel_ids=(scene.cancel_id,))
    expiry.run(deadline)
    assert cancellation(scene)["status"] == "AUTO_APPROVED"

    step = ANSWERS[answer][0]
    with replay.stale(answer_saw):
        lost = step(scene)
    replay.assert_lost_then()
    if answer == "ship":
        assert_refused(lost, 409, "ORDER_ALREADY_CANCELLED", order_status="CANCELLED")
    else:
        assert_refused(lost, 409, "CANCELLATION_NOT_PENDING", status="AUTO_APPROVED")
    resolved = cancellation(scene)
    assert resolved["auto_approve_cause"] == "SELLER_RESPONSE_TIMEOUT"
    assert detail(scene)["status"] == "CANCELLED"
    assert counts(scene) == (0, 1)
    assert_store_consistent()


def test_arranging_before_the_deadline_does_not_stop_the_job_approving_the_request(scene: Scene, clock, replay: Replay):
    """Arranging does not answer the request: whichever commits first, the job still auto-approves it."""
    pending(scene)
    deadline = respond_by(scene)
    clock.move_to(deadline - timedelta(seconds=1))
    job_saw = snapshot(cancel_ids=(scene.cancel_id,))
    assert arrange(scene).status_code == 200

    with replay.stale(job_saw):
        expiry.run(deadline)
    replay.assert_lost_then("committed")  # decided again from AWAITING_COLLECTION, and still due
    assert cancellation(scene)["status"] == "AUTO_APPROVED"
    assert [h["to_status"] for h in detail(scene)["history"]][-2:] == ["AWAITING_COLLECTION", "CANCELLED"]
    assert counts(scene) == (0, 1)
    assert_store_consistent()


def test_an_arrangement_decided_before_the_job_approved_is_refused(scene: Scene, clock, replay: Replay):
    pending(scene)
    deadline = respond_by(scene)
    clock.move_to(deadline - timedelta(seconds=1))
    arrange_saw = snapshot(cancel_ids=(scene.cancel_id,))
    expiry.run(deadline)

    with replay.stale(arrange_saw):
        lost = arrange(scene)
    replay.assert_lost_then()
    assert_refused(lost, 409, "ORDER_NOT_AWAITING_SHIPMENT", order_status="CANCELLED")
    assert counts(scene) == (0, 1)
    assert_store_consistent()


def test_overlapping_job_runs_approve_a_request_once(scene: Scene, replay: Replay):
    """Two runs of the job on the same event: the second read the request as due before the first committed."""
    pending(scene)
    deadline = respond_by(scene)
    second_run_saw = snapshot(cancel_ids=(scene.cancel_id,))
    expiry.run(deadline)
    with replay.stale(second_run_saw):
        expiry.run(deadline)
    replay.assert_lost_then()
    assert [h["action"] for h in detail(scene)["history"]].count("CANCELLATION_AUTO_APPROVED") == 1
    assert counts(scene) == (0, 1)
    assert_store_consistent()


# --- the expiry job against the buyer's answer to an offer (docs/offers.md, OF5, OF8) --------------------

OFFER_ANSWERS: dict[str, tuple[Step, str, str, tuple[int, int]]] = {
    # answer -> (the call, the request's final status, the offer's final status, (requested, auto_approved))
    "accept": (accept_offer, "WITHDRAWN", "ACCEPTED", (0, 0)),
    "decline": (decline_offer, "REQUESTED", "DECLINED", (1, 0)),
}


def answer_by(s: Scene) -> datetime:
    return at(cancellation(s)["offer"]["answer_by"])


@pytest.mark.parametrize("answer", OFFER_ANSWERS)
def test_buyers_answer_before_answer_by_beats_the_jobs_lapse(answer: str, scene: Scene, clock, replay: Replay):
    """The job read the offer as lapsed; the buyer's answer, sent a second before answer_by, committed first."""
    offered(scene)
    due = answer_by(scene)
    clock.move_to(due - timedelta(seconds=1))
    job_saw = snapshot(cancel_ids=(scene.cancel_id,))
    step, request_status, offer_status, expected = OFFER_ANSWERS[answer]
    assert step(scene).status_code == 200

    with replay.stale(job_saw):
        report = expiry.run(due)
    replay.assert_lost_then()  # decided again: nothing lapsed, nothing due
    assert (report.offers_lapsed, report.skipped) == (0, 1)
    assert (cancellation(scene)["status"], cancellation(scene)["offer"]["status"]) == (request_status, offer_status)
    assert counts(scene) == expected
    assert [h["action"] for h in detail(scene)["history"]].count("OFFER_EXPIRED") == 0
    assert_store_consistent()


@pytest.mark.parametrize("answer", OFFER_ANSWERS)
def test_the_jobs_lapse_beats_an_answer_decided_before_answer_by(answer: str, scene: Scene, clock, replay: Replay):
    """The buyer's answer was decided a second before answer_by; the job ended the offer first."""
    offered(scene)
    due = answer_by(scene)
    clock.move_to(due - timedelta(seconds=1))
    buyer_saw = snapshot(cancel_ids=(scene.cancel_id,))
    assert expiry.run(due).offers_lapsed == 1

    with replay.stale(buyer_saw):
        lost = OFFER_ANSWERS[answer][0](scene)
    replay.assert_lost_then()
    assert_refused(lost, 409, "OFFER_NOT_OPEN", status="REQUESTED")
    assert lost.json["error"]["details"]["current"]["offer"]["status"] == "EXPIRED"
    assert cancellation(scene)["status"] == "REQUESTED" and cancellation(scene)["respond_by"] is not None
    assert counts(scene) == (1, 0)
    assert_store_consistent()


def test_overlapping_job_runs_end_an_offer_once(scene: Scene, replay: Replay):
    offered(scene)
    due = answer_by(scene)
    second_run_saw = snapshot(cancel_ids=(scene.cancel_id,))
    assert expiry.run(due).offers_lapsed == 1
    with replay.stale(second_run_saw):
        assert expiry.run(due).offers_lapsed == 0
    replay.assert_lost_then()
    assert [h["action"] for h in detail(scene)["history"]].count("OFFER_EXPIRED") == 1
    assert counts(scene) == (1, 0)
    assert_store_consistent()


LATE: dict[str, Step] = {"approve": approve, "reject": reject, "withdraw": withdraw, "ship": ship,
                         "cancel": seller_cancel, "arrange": arrange}


@pytest.mark.parametrize("late", LATE)
def test_nothing_answers_after_the_deadline_before_the_job_runs(late: str, scene: Scene, clock, replay: Replay):
    """Rule 5: past the deadline the request is auto-approved in effect, whether or not the job has run."""
    pending(scene)
    deadline = respond_by(scene)
    clock.move_to(deadline)
    before = detail(scene)

    replay.reset()
    response = LATE[late](scene)
    assert_refused(response, 409, "RESPONSE_DEADLINE_PASSED")
    assert "current" in response.json["error"]["details"]
    assert replay.attempts == []  # refused before any write
    assert detail(scene) == before
    assert counts(scene) == (1, 0)

    expiry.run(deadline)
    assert cancellation(scene)["status"] == "AUTO_APPROVED"
    assert detail(scene)["status"] == "CANCELLED"
    assert counts(scene) == (0, 1)
    assert_store_consistent()


# --- a transaction that arrives while another one on the same item is in flight ----------------------------
#
# DynamoDB cancels such a transaction (reason TransactionConflict) rather than queueing it. moto never does,
# so the conflict is injected on the loser's first TransactWriteItems; the winner has committed by the time
# the loser tries again.


def test_a_conflicting_transaction_is_a_lost_race_not_a_server_error(scene: Scene, replay: Replay, monkeypatch):
    pending(scene)
    stale = snapshot(cancel_ids=(scene.cancel_id,))
    assert approve(scene).status_code == 200
    pauses: list[float] = []
    monkeypatch.setattr(executor, "pause", pauses.append)

    with replay.stale(stale), DynamoCalls() as calls:
        calls.fail("TransactWriteItems", "TransactionCanceledException", times=1,
                   reasons=["TransactionConflict", "None", "None", "None"])
        lost = approve(scene)
    # Decided again after a pause, from fresh state: the request is answered, the 409 of any lost race.
    assert replay.outcomes == ["conflict"], replay.outcomes
    assert_refused(lost, 409, "CANCELLATION_NOT_PENDING", status="APPROVED")
    assert len(pauses) == 1
    assert counts(scene) == (0, 0)
    assert_store_consistent()


def test_requests_meeting_on_one_sellers_counters_are_retried_not_failed(scene: Scene, replay: Replay, monkeypatch):
    """Every request moves one shard of the seller's action-needed counters, so two buyers asking at the same
    moment on two different orders may send two transactions on one counter item (once in COUNTER_SHARDS):
    the second is cancelled by DynamoDB, and must be retried rather than answered with a 500."""
    scene.shop.paid("O2", buyer_id="B2")
    paid(scene)
    monkeypatch.setattr(executor, "pause", lambda seconds: None)
    assert request(scene).status_code == 201

    replay.reset()
    with DynamoCalls() as calls:
        # the counters item is the fourth of the transaction: order, cancellation, history (puts), counters
        calls.fail("TransactWriteItems", "TransactionCanceledException", times=1,
                   reasons=["None", "None", "None", "TransactionConflict"])
        second = scene.shop.request_cancellation("O2", "CHANGED_MIND", token=scene.shop.buyer_token("B2"))
    assert second.status_code == 201, second.json
    assert replay.outcomes == ["conflict", "committed"]
    assert counts(scene) == (2, 0)
    assert_store_consistent()


def test_a_transaction_that_keeps_conflicting_ends_in_a_busy_answer(scene: Scene, replay: Replay, monkeypatch):
    """Conflicting on every attempt is not a state that forbids the action: 503 with Retry-After."""
    pending(scene)
    pauses: list[float] = []
    monkeypatch.setattr(executor, "pause", pauses.append)
    replay.reset()
    with DynamoCalls() as calls:
        calls.fail("TransactWriteItems", "TransactionCanceledException",
                   reasons=["TransactionConflict", "None", "None", "None"])
        answer = approve(scene)
    assert_refused(answer, 503, "SERVICE_BUSY")
    assert answer.headers["Retry-After"] == "1"
    assert replay.outcomes == ["conflict"] * executor.MAX_ATTEMPTS
    # between attempts, a jittered pause that doubles each time
    assert len(pauses) == 2 and 0.01 <= pauses[0] <= 0.03 and 0.02 <= pauses[1] <= 0.06, pauses
    assert cancellation(scene)["status"] == "REQUESTED"
    assert_store_consistent()


@pytest.mark.parametrize("reason", ["ThrottlingError", "ProvisionedThroughputExceeded"])
def test_throttling_is_not_taken_for_a_lost_race(reason: str, scene: Scene, replay: Replay, monkeypatch):
    """Only a conflict means another writer: a throttled transaction is not decided again but answered as a
    busy service (503 with Retry-After, not kept for the Idempotency-Key, so a retry acts afresh)."""
    pending(scene)
    monkeypatch.setattr(executor, "pause", lambda seconds: None)
    replay.reset()
    with DynamoCalls() as calls:
        calls.fail("TransactWriteItems", "TransactionCanceledException", times=1,
                   reasons=[reason, "None", "None", "None"])
        answer = approve(scene)
    assert_refused(answer, 503, "SERVICE_BUSY")
    assert answer.headers["Retry-After"] == "1"
    assert replay.outcomes == ["conflict"]
    assert cancellation(scene)["status"] == "REQUESTED"


# --- the conditional write itself ------------------------------------------------------------------------


def test_a_stale_change_writes_nothing_at_all(scene: Scene):
    """lifecycle on a snapshot, then commit after the other writer: StaleState, and no partial effect
    (no history entry, no counter move, no cancellation)."""
    pending(scene)
    stale = snapshot(cancel_ids=(scene.cancel_id,))
    stale_request, stale_order = stale.cancellations[scene.cancel_id], stale.orders[ORDER]
    assert stale_order is not None
    assert reject(scene).status_code == 200
    before = (detail(scene), counts(scene))
    now = utc_now()

    change = lifecycle.approve(stale_request, stale_order, now)
    with pytest.raises(transactions.StaleState):
        writes.commit(change, now=now)
    assert (detail(scene), counts(scene)) == before
    assert_store_consistent()


def test_a_stale_new_cancellation_writes_nothing(scene: Scene):
    """Two seller cancels decided on one snapshot: the second new cancellation item is not written either."""
    paid(scene)
    order = reads.get_order(ORDER)
    assert order is not None
    policy, now = config.policy(), utc_now()
    first = lifecycle.seller_cancel(order, SellerCancelReason.OUT_OF_STOCK, None, "cxl_first", now, policy)
    second = lifecycle.seller_cancel(order, SellerCancelReason.WRONG_PRICE, None, "cxl_second", now, policy)
    writes.commit(first, now=now)
    with pytest.raises(transactions.StaleState):
        writes.commit(second, now=now)
    assert reads.get_cancellation("cxl_second") is None
    assert seller_faults(scene) == (1, 1)
    assert_store_consistent()


def test_executor_gives_up_on_a_writer_that_keeps_winning(scene: Scene):
    """A loser that loses every re-decision too ends with a 409 rather than looping."""
    pending(scene)
    stale = snapshot(cancel_ids=(scene.cancel_id,))
    stale_request, stale_order = stale.cancellations[scene.cancel_id], stale.orders[ORDER]
    assert stale_order is not None
    assert reject(scene).status_code == 200
    now = utc_now()

    def always_stale() -> Decision:
        change = lifecycle.approve(stale_request, stale_order, now)
        return Decision(change, change.cancellation)

    with pytest.raises(Conflict) as refused:
        execute(always_stale, now)
    assert refused.value.code == "CONCURRENT_UPDATE"
    assert cancellation(scene)["status"] == "REJECTED"
    assert_store_consistent()



# --- appeals (docs/appeals.md) ---------------------------------------------------------------------------------


@contextmanager
def stale_appeal(before: Any, monkeypatch) -> Iterator[None]:
    """`before` (the appeal as read before the winner committed) served to the loser's first read of it."""
    real_get, served = appeals_store.get, []

    def get(wanted: str):
        if wanted == before.appeal_id and not served:
            served.append(wanted)
            return before
        return real_get(wanted)

    with monkeypatch.context() as patch:
        patch.setattr(appeals_store, "get", get)
        yield
    assert served, "the loser never read the stale appeal"


def test_two_operators_deciding_one_appeal_decide_it_once(scene: Scene, replay: Replay, monkeypatch):
    _, scene.cancel_id, appeal_id = scene.shop.appealed(ORDER)
    stale, open_appeal = snapshot(cancel_ids=(scene.cancel_id,)), appeals_store.get(appeal_id)
    won = scene.shop.decide_appeal(appeal_id, "OVERTURN", token=scene.shop.operator_token("OP1"))
    assert won.status_code == 200, won.json
    with stale_appeal(open_appeal, monkeypatch), replay.stale(stale):
        lost = scene.shop.decide_appeal(appeal_id, "UPHOLD", token=scene.shop.operator_token("OP2"))
    # The loser decided from the OPEN appeal: its write failed its condition, and deciding again it met the decision.
    replay.assert_lost_then()
    assert_refused(lost, 409, "APPEAL_DECIDED", status="OVERTURNED", decided_by="OP1")
    assert scene.shop.appeal(appeal_id, expect=200).json["status"] == "OVERTURNED"
    assert [h["action"] for h in detail(scene)["history"]].count("APPEAL_DECIDED") == 1
    assert seller_faults(scene) == (1, 0) and scene.shop.sfcr().json["appeals_open"] == 0
    assert_store_consistent()


def test_two_opens_of_one_appeal_race_to_one(scene: Scene, replay: Replay):
    _, scene.cancel_id = scene.shop.seller_fault(ORDER)
    stale = snapshot(cancel_ids=(scene.cancel_id,))
    won = scene.shop.open_appeal(scene.cancel_id, "From the phone")
    assert won.status_code == 201, won.json
    with replay.stale(stale):
        lost = scene.shop.open_appeal(scene.cancel_id, "From the laptop")
    replay.assert_lost_then()
    assert_refused(lost, 409, "APPEAL_EXISTS")
    assert [a["statement"] for a in scene.shop.appeals(expect=200).json["items"]] == ["From the phone"]
    assert scene.shop.sfcr().json["appeals_open"] == 1
    assert_store_consistent()


def _partly_cancelled_and_appealed(s: Scene) -> str:
    """A two-line order whose seller cancelled SKU-1 out of stock and appealed it; the appeal's id."""
    two_lines_past_grace(s)
    s.cancel_id = s.shop.seller_cancel(ORDER, line_items=[{"sku": "SKU-1", "quantity": 1}], expect=201).json[
        "cancel_id"]
    return str(s.shop.open_appeal(s.cancel_id, expect=201).json["appeal_id"])


def _cancel_the_second_line(s: Scene) -> Any:
    return s.shop.seller_cancel(ORDER, line_items=[{"sku": "SKU-2", "quantity": 1}])


@pytest.mark.parametrize("first", ["overturn", "second cancel"])
def test_an_overturn_racing_a_second_partial_cancel_counts_the_order_once(first: str, scene: Scene, replay: Replay,
                                                                          monkeypatch):
    """Whichever commits first, the loser decides again on the order's latest count: the second partial
    seller-fault cancel still counts, so the order stays in its cohort once (A6, M4)."""
    appeal_id = _partly_cancelled_and_appealed(scene)
    assert seller_faults(scene) == (1, 1)
    stale, open_appeal = snapshot(order_ids=(ORDER,)), appeals_store.get(appeal_id)
    if first == "overturn":
        assert scene.shop.decide_appeal(appeal_id, "OVERTURN").status_code == 200
        assert seller_faults(scene) == (1, 0)
        with replay.stale(stale):
            lost = _cancel_the_second_line(scene)
        assert lost.status_code == 201, lost.json
    else:
        assert _cancel_the_second_line(scene).status_code == 201
        with stale_appeal(open_appeal, monkeypatch), replay.stale(stale):
            lost = scene.shop.decide_appeal(appeal_id, "OVERTURN")
        assert lost.status_code == 200, lost.json
    replay.assert_lost_then("committed")
    assert seller_faults(scene) == (1, 1)
    order = reads.get_order(ORDER)
    assert order is not None and order.seller_fault and order.seller_fault_cancellations == 1
    assert_store_consistent()
