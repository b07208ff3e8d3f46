"""Every pair of writers that can meet on one order or cancellation, replayed step by step.

Each race: set the order up, take the loser's snapshot, let the winner commit through the API (or the expiry
job), then let the loser act on the snapshot. The loser's conditional write must be refused as stale; deciding
again from fresh state it either gets the 409 (or 400) that the current state calls for, with
`details.current`, or does what the current state still allows. Afterwards exactly one of the two changes
stands and the store is consistent: counters, history and cancellations agree with the orders.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest
from moto import mock_aws

from chalicelib import config
from chalicelib.domain import lifecycle
from chalicelib.domain.clock import utc_now
from chalicelib.domain.errors import Conflict
from chalicelib.domain.reasons import SellerCancelReason
from chalicelib.jobs import expiry
from chalicelib.service import executor
from chalicelib.service.executor import Outcome, execute
from chalicelib.store import models, reads, transactions
from tests.support.builders import order_body, record
from tests.support.dynamo_calls import DynamoCalls
from tests.support.races import Replay, assert_store_consistent, at, snapshot

ORDER = "O1"


class Desk:
    """One order (O1 of seller S1 and buyer B1) and the calls every party can make on it."""

    def __init__(self, api, tok, clock):
        self.api, self.tok, self.clock = api, tok, clock
        self.cancel_id: str | None = None

    # --- starting points ---------------------------------------------------------------------------

    def paid(self) -> None:
        """Paid long enough ago that a buyer request waits for the seller."""
        record(self.api, self.tok, ORDER)
        self.clock.shift(timedelta(hours=2))

    def unpaid(self) -> None:
        record(self.api, self.tok, ORDER, status="UNPAID")

    def arranged(self) -> None:
        self.paid()
        assert self.arrange().status_code == 200

    def shipped(self) -> None:
        self.paid()
        assert self.ship("TRK-0").status_code == 200

    def delivered(self) -> None:
        self.shipped()
        assert self.deliver().status_code == 200

    def pending(self) -> None:
        self.paid()
        created = self.request()
        assert created.status_code == 201 and created.json["status"] == "REQUESTED", created.json
        self.cancel_id = created.json["cancel_id"]

    def auto_approved(self) -> None:
        self.unpaid()
        created = self.request()
        assert created.status_code == 201 and created.json["status"] == "AUTO_APPROVED", created.json
        self.cancel_id = created.json["cancel_id"]

    # --- actions -----------------------------------------------------------------------------------

    def record(self, **changes):
        return self.api.post("/platform/orders", self.tok.platform, order_body(ORDER, **changes))

    def pay(self):
        return self.api.post(f"/platform/orders/{ORDER}/payment", self.tok.platform)

    def deliver(self):
        return self.api.post(f"/platform/orders/{ORDER}/delivery", self.tok.platform)

    def complete(self):
        return self.api.post(f"/platform/orders/{ORDER}/completion", self.tok.platform)

    def request(self, reason: str = "CHANGED_MIND"):
        return self.api.post(f"/buyer/orders/{ORDER}/cancellation-requests", self.tok.buyer, {"reason": reason})

    def withdraw(self):
        return self.api.post(f"/buyer/cancellations/{self.cancel_id}/withdraw", self.tok.buyer)

    def approve(self):
        return self.api.post(f"/seller/cancellations/{self.cancel_id}/approve", self.tok.seller)

    def reject(self, reason: str = "PRODUCT_PACKED"):
        return self.api.post(f"/seller/cancellations/{self.cancel_id}/reject", self.tok.seller, {"reason": reason})

    def acknowledge(self):
        return self.api.post(f"/seller/cancellations/{self.cancel_id}/acknowledge", self.tok.seller)

    def cancel(self, reason: str = "OUT_OF_STOCK"):
        return self.api.post(f"/seller/orders/{ORDER}/cancel", self.tok.seller, {"reason": reason})

    def arrange(self):
        return self.api.post(f"/seller/orders/{ORDER}/arrange-shipment", self.tok.seller)

    def ship(self, tracking: str = "TRK-1"):
        return self.api.post(f"/seller/orders/{ORDER}/ship", self.tok.seller, {"tracking_number": tracking})

    # --- what the seller sees ----------------------------------------------------------------------

    def detail(self) -> dict:
        response = self.api.get(f"/seller/orders/{ORDER}", self.tok.seller)
        assert response.status_code == 200, response.json
        return response.json

    def counts(self) -> tuple[int, int]:
        counts = self.api.get("/seller/action-needed", self.tok.seller).json["cancellation"]
        assert counts["total"] == counts["cancellation_requested"] + counts["auto_approved"]
        return counts["cancellation_requested"], counts["auto_approved"]

    def seller_faults(self) -> tuple[int, int]:
        sfcr = self.api.get("/seller/metrics/sfcr", self.tok.seller).json
        return sfcr["orders"], sfcr["seller_fault_cancellations"]

    def respond_by(self) -> datetime:
        return at(self.cancellation()["respond_by"])

    def cancellation(self) -> dict:
        response = self.api.get(f"/seller/cancellations/{self.cancel_id}", self.tok.seller)
        assert response.status_code == 200, response.json
        return response.json


@pytest.fixture
def dynamodb() -> Iterator[None]:
    """Fresh tables for every race, like conftest's fixture, but the botocore clients are kept from one race
    to the next (moto intercepts them all the same): building them was most of each test's time."""
    with mock_aws():
        models.create_tables()
        yield


@pytest.fixture
def desk(api, tok, clock) -> Desk:
    return Desk(api, tok, clock)


@pytest.fixture
def replay(monkeypatch) -> Replay:
    return Replay(monkeypatch)


def assert_refused(response, status: int, code: str, /, **current: str) -> None:
    assert response.status_code == status, response.json
    error = response.json["error"]
    assert error["code"] == code, error
    for name, value in current.items():
        assert error["details"]["current"][name] == value, error


Step = Callable[[Desk], object]


@dataclass(frozen=True)
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


def _ship_rejected_request(d: Desk) -> None:
    (cancellation,) = d.detail()["cancellations"]
    assert cancellation["reject_reason"] == "ORDER_SHIPPED" and cancellation["resolved_by"] == "SYSTEM"


def _may_ask_again(d: Desk) -> None:
    created = d.request()
    assert created.status_code == 201 and created.json["status"] == "REQUESTED", created.json


def _may_not_ask_again(d: Desk) -> None:
    assert_refused(d.request(), 409, "CANCELLATION_REJECTED_BEFORE")


def _winner_tracking(d: Desk) -> None:
    assert d.detail()["tracking_number"] == "TRK-1"


def _counts_one_seller_fault(d: Desk) -> None:
    assert d.seller_faults() == (1, 1)


def _counts_no_seller_fault(d: Desk) -> None:
    assert d.seller_faults() == (1, 0)


def _grace_period_cause(d: Desk) -> None:
    (cancellation,) = d.detail()["cancellations"]
    assert cancellation["auto_approve_cause"] == "WITHIN_GRACE_PERIOD"


def _arranged_then_shipped(d: Desk) -> None:
    assert [h["to_status"] for h in d.detail()["history"]] == ["AWAITING_SHIPMENT", "AWAITING_COLLECTION",
                                                               "IN_TRANSIT"]


RACES = [
    # a buyer request answered twice
    Race("approve vs approve", Desk.pending, Desk.approve, Desk.approve, 409, "CANCELLATION_NOT_PENDING",
         "CANCELLED", ("APPROVED",), (0, 0), {"status": "APPROVED"}),
    Race("approve vs reject", Desk.pending, Desk.approve, Desk.reject, 409, "CANCELLATION_NOT_PENDING",
         "CANCELLED", ("APPROVED",), (0, 0), {"status": "APPROVED"}),
    Race("reject vs approve", Desk.pending, Desk.reject, Desk.approve, 409, "CANCELLATION_NOT_PENDING",
         "AWAITING_SHIPMENT", ("REJECTED",), (0, 0), {"status": "REJECTED"}, check=_may_not_ask_again),
    Race("reject vs reject", Desk.pending, Desk.reject, lambda d: d.reject("DELIVERY_ON_SCHEDULE"), 409,
         "CANCELLATION_NOT_PENDING", "AWAITING_SHIPMENT", ("REJECTED",), (0, 0), {"status": "REJECTED"}),
    Race("withdraw vs approve", Desk.pending, Desk.withdraw, Desk.approve, 409, "CANCELLATION_NOT_PENDING",
         "AWAITING_SHIPMENT", ("WITHDRAWN",), (0, 0), {"status": "WITHDRAWN"}, check=_may_ask_again),
    Race("approve vs withdraw", Desk.pending, Desk.approve, Desk.withdraw, 409, "CANCELLATION_NOT_PENDING",
         "CANCELLED", ("APPROVED",), (0, 0), {"status": "APPROVED"}),
    Race("withdraw vs reject", Desk.pending, Desk.withdraw, Desk.reject, 409, "CANCELLATION_NOT_PENDING",
         "AWAITING_SHIPMENT", ("WITHDRAWN",), (0, 0), {"status": "WITHDRAWN"}),
    Race("reject vs withdraw", Desk.pending, Desk.reject, Desk.withdraw, 409, "CANCELLATION_NOT_PENDING",
         "AWAITING_SHIPMENT", ("REJECTED",), (0, 0), {"status": "REJECTED"}),
    Race("withdraw vs withdraw", Desk.pending, Desk.withdraw, Desk.withdraw, 409, "CANCELLATION_NOT_PENDING",
         "AWAITING_SHIPMENT", ("WITHDRAWN",), (0, 0), {"status": "WITHDRAWN"}),
    # shipping meets a pending request or its answer
    Race("ship vs approve", Desk.pending, Desk.ship, Desk.approve, 409, "CANCELLATION_NOT_PENDING",
         "IN_TRANSIT", ("REJECTED",), (0, 0), {"status": "REJECTED"}, check=_ship_rejected_request),
    Race("approve vs ship", Desk.pending, Desk.approve, Desk.ship, 409, "ORDER_ALREADY_CANCELLED",
         "CANCELLED", ("APPROVED",), (0, 0), {"order_status": "CANCELLED"}),
    Race("ship vs withdraw", Desk.pending, Desk.ship, Desk.withdraw, 409, "CANCELLATION_NOT_PENDING",
         "IN_TRANSIT", ("REJECTED",), (0, 0), {"status": "REJECTED"}),
    Race("withdraw vs ship", Desk.pending, Desk.withdraw, Desk.ship, 200, None,
         "IN_TRANSIT", ("WITHDRAWN",), (0, 0), rewrites=("committed",)),
    Race("reject vs ship", Desk.pending, Desk.reject, Desk.ship, 200, None,
         "IN_TRANSIT", ("REJECTED",), (0, 0), rewrites=("committed",)),
    # buyer request vs ship: whichever wins, the order ships and no request stays pending
    Race("ship vs buyer request", Desk.paid, Desk.ship, Desk.request, 409, "ORDER_ALREADY_SHIPPED",
         "IN_TRANSIT", (), (0, 0), {"order_status": "IN_TRANSIT"}),
    Race("buyer request vs ship", Desk.paid, Desk.request, Desk.ship, 200, None,
         "IN_TRANSIT", ("REJECTED",), (0, 0), rewrites=("committed",), check=_ship_rejected_request),
    # buyer request vs seller cancel
    Race("seller cancel vs buyer request", Desk.paid, Desk.cancel, Desk.request, 409, "ORDER_ALREADY_CANCELLED",
         "CANCELLED", ("SELLER_CANCELLED",), (0, 0), {"order_status": "CANCELLED"}, check=_counts_one_seller_fault),
    Race("buyer request vs seller cancel", Desk.paid, Desk.request, Desk.cancel, 409,
         "CANCELLATION_REQUEST_PENDING", "AWAITING_SHIPMENT", ("REQUESTED",), (1, 0),
         {"order_status": "AWAITING_SHIPMENT"}, check=_counts_no_seller_fault),
    Race("unpaid: buyer request vs seller cancel", Desk.unpaid, Desk.request,
         lambda d: d.cancel("BUYER_NOT_PAID_IN_TIME"), 409, "ORDER_ALREADY_CANCELLED",
         "CANCELLED", ("AUTO_APPROVED",), (0, 1), {"order_status": "CANCELLED"}),
    Race("unpaid: seller cancel vs buyer request", Desk.unpaid, lambda d: d.cancel("BUYER_NOT_PAID_IN_TIME"),
         Desk.request, 409, "ORDER_ALREADY_CANCELLED", "CANCELLED", ("SELLER_CANCELLED",), (0, 0),
         {"order_status": "CANCELLED"}, check=_counts_no_seller_fault),
    Race("unpaid: buyer request vs buyer request", Desk.unpaid, Desk.request, lambda d: d.request("PAYMENT_ISSUE"),
         409, "ORDER_ALREADY_CANCELLED", "CANCELLED", ("AUTO_APPROVED",), (0, 1), {"order_status": "CANCELLED"}),
    Race("buyer request vs buyer request", Desk.paid, Desk.request, lambda d: d.request("ORDERED_BY_MISTAKE"), 409,
         "CANCELLATION_ALREADY_PENDING", "AWAITING_SHIPMENT", ("REQUESTED",), (1, 0),
         {"order_status": "AWAITING_SHIPMENT"}),
    # seller cancel vs ship, and each against itself
    Race("seller cancel vs ship", Desk.paid, Desk.cancel, Desk.ship, 409, "ORDER_ALREADY_CANCELLED",
         "CANCELLED", ("SELLER_CANCELLED",), (0, 0), {"order_status": "CANCELLED"}, check=_counts_one_seller_fault),
    Race("ship vs seller cancel", Desk.paid, Desk.ship, Desk.cancel, 409, "ORDER_ALREADY_SHIPPED",
         "IN_TRANSIT", (), (0, 0), {"order_status": "IN_TRANSIT"}, check=_counts_no_seller_fault),
    Race("seller cancel vs seller cancel", Desk.paid, Desk.cancel, lambda d: d.cancel("ADDRESS_NOT_DELIVERABLE"),
         409, "ORDER_ALREADY_CANCELLED", "CANCELLED", ("SELLER_CANCELLED",), (0, 0),
         {"order_status": "CANCELLED"}, check=_counts_one_seller_fault),
    Race("ship vs ship", Desk.paid, Desk.ship, lambda d: d.ship("TRK-2"), 409, "ORDER_ALREADY_SHIPPED",
         "IN_TRANSIT", (), (0, 0), {"order_status": "IN_TRANSIT"}, check=_winner_tracking),
    # arranging shipment
    Race("ship vs arrange", Desk.paid, Desk.ship, Desk.arrange, 409, "ORDER_NOT_AWAITING_SHIPMENT",
         "IN_TRANSIT", (), (0, 0), {"order_status": "IN_TRANSIT"}),
    Race("arrange vs ship", Desk.paid, Desk.arrange, Desk.ship, 200, None,
         "IN_TRANSIT", (), (0, 0), rewrites=("committed",), check=_arranged_then_shipped),
    Race("arrange vs arrange", Desk.paid, Desk.arrange, Desk.arrange, 409, "ORDER_NOT_AWAITING_SHIPMENT",
         "AWAITING_COLLECTION", (), (0, 0), {"order_status": "AWAITING_COLLECTION"}),
    Race("seller cancel vs arrange", Desk.paid, Desk.cancel, Desk.arrange, 409, "ORDER_NOT_AWAITING_SHIPMENT",
         "CANCELLED", ("SELLER_CANCELLED",), (0, 0), {"order_status": "CANCELLED"}),
    Race("arrange vs seller cancel", Desk.paid, Desk.arrange, Desk.cancel, 201, None,
         "CANCELLED", ("SELLER_CANCELLED",), (0, 0), rewrites=("committed",), check=_counts_one_seller_fault),
    Race("arrange vs buyer request", Desk.paid, Desk.arrange, Desk.request, 201, None,
         "AWAITING_COLLECTION", ("REQUESTED",), (1, 0), rewrites=("committed",)),
    Race("arranged: seller cancel vs ship", Desk.arranged, Desk.cancel, Desk.ship, 409, "ORDER_ALREADY_CANCELLED",
         "CANCELLED", ("SELLER_CANCELLED",), (0, 0), {"order_status": "CANCELLED"}),
    Race("buyer request vs arrange", Desk.paid, Desk.request, Desk.arrange, 200, None,
         "AWAITING_COLLECTION", ("REQUESTED",), (1, 0), rewrites=("committed",)),
    Race("arrange vs approve", Desk.pending, Desk.arrange, Desk.approve, 200, None,
         "CANCELLED", ("APPROVED",), (0, 0), rewrites=("committed",)),
    Race("approve vs arrange", Desk.pending, Desk.approve, Desk.arrange, 409, "ORDER_NOT_AWAITING_SHIPMENT",
         "CANCELLED", ("APPROVED",), (0, 0), {"order_status": "CANCELLED"}),
    Race("ship vs reject", Desk.pending, Desk.ship, Desk.reject, 409, "CANCELLATION_NOT_PENDING",
         "IN_TRANSIT", ("REJECTED",), (0, 0), {"status": "REJECTED"}, check=_ship_rejected_request),
    # the platform's writes
    Race("payment vs buyer request (unpaid auto-approve)", Desk.unpaid, Desk.pay, Desk.request, 201, None,
         "CANCELLED", ("AUTO_APPROVED",), (0, 1), rewrites=("committed",), check=_grace_period_cause),
    Race("buyer request (unpaid auto-approve) vs payment", Desk.unpaid, Desk.request, Desk.pay, 409,
         "ORDER_NOT_UNPAID", "CANCELLED", ("AUTO_APPROVED",), (0, 1), {"order_status": "CANCELLED"}),
    Race("payment vs seller cancel not paid in time", Desk.unpaid, Desk.pay,
         lambda d: d.cancel("BUYER_NOT_PAID_IN_TIME"), 400, "REASON_NOT_ALLOWED", "AWAITING_SHIPMENT", (), (0, 0)),
    Race("seller cancel not paid in time vs payment", Desk.unpaid, lambda d: d.cancel("BUYER_NOT_PAID_IN_TIME"),
         Desk.pay, 409, "ORDER_NOT_UNPAID", "CANCELLED", ("SELLER_CANCELLED",), (0, 0),
         {"order_status": "CANCELLED"}),
    Race("payment vs payment", Desk.unpaid, Desk.pay, Desk.pay, 409, "ORDER_NOT_UNPAID",
         "AWAITING_SHIPMENT", (), (0, 0), {"order_status": "AWAITING_SHIPMENT"}),
    Race("delivery vs delivery", Desk.shipped, Desk.deliver, Desk.deliver, 409, "ORDER_NOT_IN_TRANSIT",
         "DELIVERED", (), (0, 0), {"order_status": "DELIVERED"}),
    Race("completion vs completion", Desk.delivered, Desk.complete, Desk.complete, 409, "ORDER_NOT_DELIVERED",
         "COMPLETED", (), (0, 0), {"order_status": "COMPLETED"}),
    Race("record order vs the same order", lambda d: None, Desk.record, Desk.record, 200, None,
         "AWAITING_SHIPMENT", (), (0, 0), check=_counts_no_seller_fault),
    Race("record order vs another order with that id", lambda d: None, Desk.record,
         lambda d: d.record(currency="USD"), 409, "ORDER_ALREADY_RECORDED", "AWAITING_SHIPMENT", (), (0, 0),
         {"order_status": "AWAITING_SHIPMENT"}, check=_counts_no_seller_fault),
    # the seller acknowledging an auto-approved cancellation from two screens
    Race("acknowledge vs acknowledge", Desk.auto_approved, Desk.acknowledge, Desk.acknowledge, 200, None,
         "CANCELLED", ("AUTO_APPROVED",), (0, 0)),
]


@pytest.mark.parametrize("race", RACES, ids=[race.name for race in RACES])
def test_race(race: Race, desk: Desk, replay: Replay):
    race.setup(desk)
    stale = snapshot(order_ids=(ORDER,))
    history_before = len(desk.detail()["history"]) if stale.orders[ORDER] else 0

    won = race.winner(desk)
    assert won.status_code in (200, 201), won.json
    history_after_winner = len(desk.detail()["history"])
    assert history_after_winner == history_before + 1

    with replay.stale(stale):
        lost = race.loser(desk)
    replay.assert_lost_then(*race.rewrites)
    assert replay.attempts[0].change.order_was == (stale.orders[ORDER].version if stale.orders[ORDER] else None)
    if race.loser_code is None:
        assert lost.status_code == race.loser_status, lost.json
    else:
        assert_refused(lost, race.loser_status, race.loser_code, **race.current)

    detail = desk.detail()
    assert detail["status"] == race.order_status
    assert tuple(c["status"] for c in detail["cancellations"]) == race.cancellations
    assert len(detail["history"]) == history_after_winner + len(race.rewrites)
    assert desk.counts() == race.counts
    assert_store_consistent()
    if race.check:
        race.check(desk)


def test_acknowledged_twice_counts_once(desk: Desk, replay: Replay):
    desk.auto_approved()
    stale = snapshot(cancel_ids=(desk.cancel_id,))
    assert desk.acknowledge().status_code == 200
    with replay.stale(stale):
        again = desk.acknowledge()
    # The re-decision finds it already acknowledged: the same 200, and nothing is written twice.
    replay.assert_lost_then()
    assert again.status_code == 200 and again.json["acknowledged_at"] is not None
    assert [h["action"] for h in desk.detail()["history"]].count("CANCELLATION_ACKNOWLEDGED") == 1
    assert desk.counts() == (0, 0)


# --- the expiry job against the seller's and buyer's answers --------------------------------------------


# answer -> (the call, the request's final status, the order's final status)
ANSWERS: dict[str, tuple[Step, str, str]] = {
    "approve": (Desk.approve, "APPROVED", "CANCELLED"),
    "reject": (Desk.reject, "REJECTED", "AWAITING_SHIPMENT"),
    "withdraw": (Desk.withdraw, "WITHDRAWN", "AWAITING_SHIPMENT"),
    "ship": (Desk.ship, "REJECTED", "IN_TRANSIT"),
}


@pytest.mark.parametrize("answer", ANSWERS)
def test_answer_before_deadline_beats_expiry_job(answer: str, desk: Desk, replay: Replay):
    """The job read the request as due; the answer, sent a second before the deadline, committed first."""
    desk.pending()
    deadline = desk.respond_by()
    desk.clock.move_to(deadline - timedelta(seconds=1))
    job_saw = snapshot(cancel_ids=(desk.cancel_id,))
    step, request_status, order_status = ANSWERS[answer]
    assert step(desk).status_code == 200

    with replay.stale(job_saw):
        expiry.run(deadline)
    replay.assert_lost_then()
    assert desk.cancellation()["status"] == request_status
    assert desk.detail()["status"] == order_status
    assert desk.counts() == (0, 0)
    assert_store_consistent()


@pytest.mark.parametrize("answer", ANSWERS)
def test_expiry_job_beats_answer_sent_before_deadline(answer: str, desk: Desk, replay: Replay):
    """The answer was decided a second before the deadline; the job auto-approved first."""
    desk.pending()
    deadline = desk.respond_by()
    desk.clock.move_to(deadline - timedelta(seconds=1))
    answer_saw = snapshot(cancel_ids=(desk.cancel_id,))
    expiry.run(deadline)
    assert desk.cancellation()["status"] == "AUTO_APPROVED"

    step = ANSWERS[answer][0]
    with replay.stale(answer_saw):
        lost = step(desk)
    replay.assert_lost_then()
    if answer == "ship":
        assert_refused(lost, 409, "ORDER_ALREADY_CANCELLED", order_status="CANCELLED")
    else:
        assert_refused(lost, 409, "CANCELLATION_NOT_PENDING", status="AUTO_APPROVED")
    cancellation = desk.cancellation()
    assert cancellation["auto_approve_cause"] == "SELLER_RESPONSE_TIMEOUT"
    assert desk.detail()["status"] == "CANCELLED"
    assert desk.counts() == (0, 1)
    assert_store_consistent()


def test_arrange_before_the_deadline_vs_expiry_job(desk: Desk, replay: Replay):
    """Arranging does not answer the request: whichever commits first, the job still auto-approves it."""
    desk.pending()
    deadline = desk.respond_by()
    desk.clock.move_to(deadline - timedelta(seconds=1))
    job_saw = snapshot(cancel_ids=(desk.cancel_id,))
    assert desk.arrange().status_code == 200

    with replay.stale(job_saw):
        expiry.run(deadline)
    replay.assert_lost_then("committed")  # decided again from AWAITING_COLLECTION, and still due
    assert desk.cancellation()["status"] == "AUTO_APPROVED"
    assert [h["to_status"] for h in desk.detail()["history"]][-2:] == ["AWAITING_COLLECTION", "CANCELLED"]
    assert desk.counts() == (0, 1)
    assert_store_consistent()


def test_expiry_job_vs_arrange_before_the_deadline(desk: Desk, replay: Replay):
    desk.pending()
    deadline = desk.respond_by()
    desk.clock.move_to(deadline - timedelta(seconds=1))
    arrange_saw = snapshot(cancel_ids=(desk.cancel_id,))
    expiry.run(deadline)

    with replay.stale(arrange_saw):
        lost = desk.arrange()
    replay.assert_lost_then()
    assert_refused(lost, 409, "ORDER_NOT_AWAITING_SHIPMENT", order_status="CANCELLED")
    assert desk.counts() == (0, 1)
    assert_store_consistent()


def test_expiry_job_runs_overlap(desk: Desk, replay: Replay):
    """Two runs of the job on the same event: the second read the request as due before the first committed."""
    desk.pending()
    deadline = desk.respond_by()
    second_run_saw = snapshot(cancel_ids=(desk.cancel_id,))
    expiry.run(deadline)
    with replay.stale(second_run_saw):
        expiry.run(deadline)
    replay.assert_lost_then()
    assert [h["action"] for h in desk.detail()["history"]].count("CANCELLATION_AUTO_APPROVED") == 1
    assert desk.counts() == (0, 1)
    assert_store_consistent()


@pytest.mark.parametrize("late", ["approve", "reject", "withdraw", "ship", "cancel", "arrange"])
def test_nothing_answers_after_the_deadline_before_the_job_runs(late: str, desk: Desk, replay: Replay):
    """Rule 5: past the deadline the request is auto-approved in effect, whether or not the job has run."""
    desk.pending()
    deadline = desk.respond_by()
    desk.clock.move_to(deadline)
    before = desk.detail()

    replay.reset()
    response = getattr(desk, late)()
    assert_refused(response, 409, "RESPONSE_DEADLINE_PASSED")
    assert "current" in response.json["error"]["details"]
    assert replay.attempts == []  # refused before any write
    assert desk.detail() == before
    assert desk.counts() == (1, 0)

    expiry.run(deadline)
    assert desk.cancellation()["status"] == "AUTO_APPROVED"
    assert desk.detail()["status"] == "CANCELLED"
    assert desk.counts() == (0, 1)
    assert_store_consistent()


# --- a transaction that arrives while another one on the same item is in flight ----------------------------
#
# DynamoDB cancels such a transaction (reason TransactionConflict) rather than queueing it. moto never does,
# so the conflict is injected on the loser's first TransactWriteItems; the winner has committed by the time
# the loser tries again.


def test_a_conflicting_transaction_is_a_lost_race_not_a_server_error(desk: Desk, replay: Replay, monkeypatch):
    desk.pending()
    stale = snapshot(cancel_ids=(desk.cancel_id,))
    assert desk.approve().status_code == 200
    pauses: list[float] = []
    monkeypatch.setattr(executor, "pause", pauses.append)

    with replay.stale(stale), DynamoCalls() as calls:
        calls.fail("TransactWriteItems", "TransactionCanceledException", times=1,
                   reasons=["TransactionConflict", "None", "None", "None"])
        lost = desk.approve()
    # Decided again after a pause, from fresh state: the request is answered, the 409 of any lost race.
    assert replay.outcomes == ["conflict"], replay.outcomes
    assert_refused(lost, 409, "CANCELLATION_NOT_PENDING", status="APPROVED")
    assert len(pauses) == 1
    assert desk.counts() == (0, 0)
    assert_store_consistent()


def test_requests_on_two_orders_of_one_seller_meet_on_its_counters(desk: Desk, replay: Replay, monkeypatch):
    """Every request moves the seller's action-needed counters, so two buyers asking at the same moment on two
    different orders send two transactions on one counter item: the second is cancelled by DynamoDB, and must
    be retried rather than answered with a 500."""
    record(desk.api, desk.tok, "O2", buyer_id="B2")
    desk.paid()
    monkeypatch.setattr(executor, "pause", lambda seconds: None)
    assert desk.request().status_code == 201

    replay.reset()
    with DynamoCalls() as calls:
        # the counters item is the fourth of the transaction: order, cancellation, history (puts), counters
        calls.fail("TransactWriteItems", "TransactionCanceledException", times=1,
                   reasons=["None", "None", "None", "TransactionConflict"])
        second = desk.api.post("/buyer/orders/O2/cancellation-requests", desk.tok.other_buyer,
                               {"reason": "CHANGED_MIND"})
    assert second.status_code == 201, second.json
    assert replay.outcomes == ["conflict", "committed"]
    assert desk.counts() == (2, 0)
    assert_store_consistent()


def test_a_transaction_that_keeps_conflicting_ends_in_a_busy_answer(desk: Desk, replay: Replay, monkeypatch):
    """Conflicting on every attempt is not a state that forbids the action: 503 with Retry-After."""
    desk.pending()
    pauses: list[float] = []
    monkeypatch.setattr(executor, "pause", pauses.append)
    replay.reset()
    with DynamoCalls() as calls:
        calls.fail("TransactWriteItems", "TransactionCanceledException",
                   reasons=["TransactionConflict", "None", "None", "None"])
        answer = desk.approve()
    assert_refused(answer, 503, "SERVICE_BUSY")
    assert answer.headers["Retry-After"] == "1"
    assert replay.outcomes == ["conflict"] * executor.MAX_ATTEMPTS
    # between attempts, a jittered pause that doubles each time
    assert len(pauses) == 2 and 0.01 <= pauses[0] <= 0.03 and 0.02 <= pauses[1] <= 0.06, pauses
    assert desk.cancellation()["status"] == "REQUESTED"
    assert_store_consistent()


@pytest.mark.parametrize("reason", ["ThrottlingError", "ProvisionedThroughputExceeded"])
def test_throttling_is_not_taken_for_a_lost_race(reason: str, desk: Desk, replay: Replay, monkeypatch):
    """Only a conflict means another writer: a throttled transaction is not decided again but answered as a
    busy service (503 with Retry-After, not kept for the Idempotency-Key, so a retry acts afresh)."""
    desk.pending()
    monkeypatch.setattr(executor, "pause", lambda seconds: None)
    replay.reset()
    with DynamoCalls() as calls:
        calls.fail("TransactWriteItems", "TransactionCanceledException", times=1,
                   reasons=[reason, "None", "None", "None"])
        answer = desk.approve()
    assert_refused(answer, 503, "SERVICE_BUSY")
    assert answer.headers["Retry-After"] == "1"
    assert replay.outcomes == ["conflict"]
    assert desk.cancellation()["status"] == "REQUESTED"


# --- the conditional write itself ------------------------------------------------------------------------


def test_a_stale_change_writes_nothing_at_all(desk: Desk):
    """lifecycle on a snapshot, then commit after the other writer: StaleState, and no partial effect
    (no history entry, no counter move, no cancellation)."""
    desk.pending()
    stale = snapshot(cancel_ids=(desk.cancel_id,))
    cancellation, order = stale.cancellations[desk.cancel_id], stale.orders[ORDER]
    assert order is not None
    assert desk.reject().status_code == 200
    before = (desk.detail(), desk.counts())
    now = utc_now()

    change = lifecycle.approve(cancellation, order, now)
    with pytest.raises(transactions.StaleState):
        transactions.commit(change, now=now)
    assert (desk.detail(), desk.counts()) == before
    assert_store_consistent()


def test_a_stale_new_cancellation_writes_nothing(desk: Desk):
    """Two seller cancels decided on one snapshot: the second new cancellation item is not written either."""
    desk.paid()
    order = reads.get_order(ORDER)
    assert order is not None
    policy, now = config.policy(), utc_now()
    first = lifecycle.seller_cancel(order, SellerCancelReason.OUT_OF_STOCK, None, "cxl_first", now, policy)
    second = lifecycle.seller_cancel(order, SellerCancelReason.WRONG_PRICE, None, "cxl_second", now, policy)
    transactions.commit(first, now=now)
    with pytest.raises(transactions.StaleState):
        transactions.commit(second, now=now)
    assert reads.get_cancellation("cxl_second") is None
    assert desk.seller_faults() == (1, 1)
    assert_store_consistent()


def test_executor_gives_up_on_a_writer_that_keeps_winning(desk: Desk):
    """A loser that loses every re-decision too ends with a 409 rather than looping."""
    desk.pending()
    stale = snapshot(cancel_ids=(desk.cancel_id,))
    cancellation, order = stale.cancellations[desk.cancel_id], stale.orders[ORDER]
    assert order is not None
    assert desk.reject().status_code == 200
    now = utc_now()

    def always_stale() -> Outcome:
        change = lifecycle.approve(cancellation, order, now)
        return Outcome(change, change.cancellation)

    with pytest.raises(Conflict) as refused:
        execute(always_stale, now)
    assert refused.value.code == "CONCURRENT_UPDATE"
    assert desk.cancellation()["status"] == "REJECTED"
    assert_store_consistent()

