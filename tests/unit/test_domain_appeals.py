"""Appeals of seller-fault cancellations (docs/appeals.md) on plain values: no AWS, no HTTP."""

from datetime import timedelta

import pytest
from msgspec.structs import replace

from chalicelib.domain import appeals, lifecycle
from chalicelib.domain.enums import Actor, AppealDecision, AppealStatus, Fault, HistoryAction, OrderStatus
from chalicelib.domain.errors import Conflict
from chalicelib.domain.model import LineItem
from chalicelib.domain.money import LineRequest
from chalicelib.domain.reasons import BuyerReason, SellerCancelReason
from tests.unit.test_domain_lifecycle import POLICY, T0, order, pending

LATER = T0 + timedelta(hours=3)


def seller_cancelled(reason=SellerCancelReason.OUT_OF_STOCK, **order_fields):
    change = lifecycle.seller_cancel(order(**order_fields), reason, None, "C1", LATER, POLICY)
    return change.cancellation, change.order


def opened(now=LATER + timedelta(days=1)):
    c, o = seller_cancelled()
    return appeals.open_appeal(c, o, "A1", "The buyer asked me to cancel", (), now, POLICY)


def test_opening_marks_the_cancellation_counts_it_open_and_writes_the_sellers_entry():
    now = LATER + timedelta(days=1)
    change = opened(now)
    appeal = change.appeal
    assert appeal is not None and change.cancellation is not None
    assert (appeal.status, appeal.opened_at, appeal.decide_by) == (AppealStatus.OPEN, now, now + timedelta(days=3))
    assert change.cancellation.appeal == appeal.ref and change.appeal_was is None
    assert change.cancellation_was == 1 and change.cancellation.version == 2
    assert change.counters.appeals_open == 1 and change.cohort is None
    assert (change.history.action, change.history.actor, change.history.actor_id) == (
        HistoryAction.APPEAL_OPENED, Actor.SELLER, "S1")
    # Opening changes no fault: only an operator's decision does.
    assert change.cancellation.fault is Fault.SELLER and change.cancellation.counts_toward_sfcr


def test_one_appeal_per_cancellation_ever():
    change = opened()
    with pytest.raises(Conflict) as refused:
        appeals.open_appeal(change.cancellation, change.order, "A2", "Again", (), LATER + timedelta(days=2), POLICY)
    assert refused.value.code == "APPEAL_EXISTS"
    decided = appeals.decide(change.appeal, change.cancellation, change.order, AppealDecision.OVERTURN, "Yes", "OP1",
                             LATER + timedelta(days=2), POLICY)
    with pytest.raises(Conflict) as again:  # overturned, it no longer counts: still APPEAL_EXISTS
        appeals.open_appeal(decided.cancellation, decided.order, "A3", "Again", (), LATER + timedelta(days=2), POLICY)
    assert again.value.code == "APPEAL_EXISTS"


@pytest.mark.parametrize("make", [
    lambda: seller_cancelled(SellerCancelReason.ADDRESS_NOT_DELIVERABLE),
    lambda: (lambda ch: (ch.cancellation, ch.order))(lifecycle.approve(*pending(), LATER)),
    pending,
], ids=["no-fault", "buyer-fault", "still-requested"])
def test_only_a_cancellation_that_counts_toward_the_sfcr_is_appealable(make):
    c, o = make()
    with pytest.raises(Conflict) as refused:
        appeals.open_appeal(c, o, "A1", "Not mine", (), LATER + timedelta(hours=1), POLICY)
    assert refused.value.code == "NOT_APPEALABLE"


def test_the_window_closes_thirty_days_after_the_cancellation():
    c, o = seller_cancelled()
    last = LATER + timedelta(days=30) - timedelta(seconds=1)
    assert appeals.open_appeal(c, o, "A1", "In time", (), last, POLICY).appeal is not None
    with pytest.raises(Conflict) as refused:
        appeals.open_appeal(c, o, "A1", "Too late", (), LATER + timedelta(days=30), POLICY)
    assert refused.value.code == "APPEAL_WINDOW_CLOSED"


def test_appeal_by_is_when_the_window_closes_and_none_for_what_can_never_be_appealed():
    c, o = seller_cancelled()
    closes = appeals.appeal_by(c, POLICY)
    assert closes == LATER + POLICY.appeal_window
    # The answers' appeal_by and the check are one rule: open just before it, refused at it.
    assert appeals.open_appeal(c, o, "A1", "In time", (), closes - timedelta(microseconds=1), POLICY).appeal
    with pytest.raises(Conflict, match="30 days"):
        appeals.ensure_may_open(c, closes, POLICY)
    assert appeals.appeal_by(c, replace(POLICY, appeal_window=timedelta(days=7))) == LATER + timedelta(days=7)
    appealed = opened().cancellation
    no_fault, _ = seller_cancelled(SellerCancelReason.ADDRESS_NOT_DELIVERABLE)
    requested, _ = pending()
    assert [appeals.appeal_by(x, POLICY) for x in (appealed, no_fault, requested)] == [None, None, None]


def test_upholding_keeps_the_fault_and_is_final():
    change = opened()
    now = LATER + timedelta(days=2)
    upheld = appeals.decide(change.appeal, change.cancellation, change.order, AppealDecision.UPHOLD, "No proof",
                            "OP1", now, POLICY)
    assert upheld.appeal.status is AppealStatus.UPHELD and upheld.appeal_was is AppealStatus.OPEN
    assert (upheld.appeal.decided_at, upheld.appeal.decided_by, upheld.appeal.decision_note) == (now, "OP1",
                                                                                                 "No proof")
    assert upheld.cancellation.fault is Fault.SELLER and upheld.cancellation.counts_toward_sfcr
    assert upheld.cohort is None and upheld.counters.appeals_open == -1
    assert (upheld.history.action, upheld.history.actor, upheld.history.actor_id) == (
        HistoryAction.APPEAL_DECIDED, Actor.OPERATOR, "OP1")
    for decision in AppealDecision:
        with pytest.raises(Conflict) as refused:
            appeals.decide(upheld.appeal, upheld.cancellation, upheld.order, decision, "Again", "OP2", now, POLICY)
        assert refused.value.code == "APPEAL_DECIDED"


def test_overturning_lifts_the_fault_and_takes_the_order_out_of_its_cohort():
    change = opened()
    assert change.order.seller_fault and change.order.seller_fault_cancellations == 1
    overturned = appeals.decide(change.appeal, change.cancellation, change.order, AppealDecision.OVERTURN,
                                "The buyer asked", "OP1", LATER + timedelta(days=2), POLICY)
    assert overturned.cancellation.fault is Fault.NONE and not overturned.cancellation.counts_toward_sfcr
    assert overturned.cancellation.appeal.status is AppealStatus.OVERTURNED
    assert not overturned.order.seller_fault and overturned.order.seller_fault_cancellations == 0
    assert overturned.cohort is not None and (overturned.cohort.day, overturned.cohort.seller_fault) == (
        T0.date().isoformat(), -1)


def test_an_order_with_another_counting_cancellation_keeps_counting_once():
    """Two partial seller-fault cancellations of one order: the order counted once; overturning one leaves the
    other counting, so the cohort does not move; overturning the second too takes the order out."""
    items = (LineItem("SKU-1", 2, 500), LineItem("SKU-2", 1, 300))
    first = lifecycle.seller_cancel(order(items=items), SellerCancelReason.OUT_OF_STOCK, None, "C1", LATER, POLICY,
                                    [LineRequest("SKU-1", 1)])
    second = lifecycle.seller_cancel(first.order, SellerCancelReason.OUT_OF_STOCK, None, "C2", LATER, POLICY,
                                     [LineRequest("SKU-2", 1)])
    assert first.cohort.seller_fault == 1 and second.cohort is None
    assert second.order.seller_fault_cancellations == 2 and second.order.status is OrderStatus.AWAITING_SHIPMENT
    now = LATER + timedelta(hours=1)
    a1 = appeals.open_appeal(first.cancellation, second.order, "A1", "Not mine", (), now, POLICY)
    one = appeals.decide(a1.appeal, a1.cancellation, a1.order, AppealDecision.OVERTURN, "Yes", "OP1", now, POLICY)
    assert one.cohort is None and one.order.seller_fault and one.order.seller_fault_cancellations == 1
    a2 = appeals.open_appeal(second.cancellation, one.order, "A2", "Not mine either", (), now, POLICY)
    two = appeals.decide(a2.appeal, a2.cancellation, a2.order, AppealDecision.OVERTURN, "Yes", "OP1", now, POLICY)
    assert two.cohort.seller_fault == -1 and not two.order.seller_fault


def test_an_order_stored_before_the_count_still_leaves_its_cohort_once():
    change = opened()
    legacy = replace(change.order, seller_fault_cancellations=0)  # only the flag, as stored before appeals
    overturned = appeals.decide(change.appeal, change.cancellation, legacy, AppealDecision.OVERTURN, "Yes", "OP1",
                                LATER + timedelta(days=2), POLICY)
    assert overturned.cohort.seller_fault == -1 and not overturned.order.seller_fault


def test_a_broken_promise_counts_toward_the_orders_seller_fault_cancellations():
    promised = order(promised_ship_by=T0 + timedelta(hours=1))
    change = lifecycle.request_cancellation(promised, BuyerReason.CHANGED_MIND, None, "C1", LATER, POLICY)
    assert change.cancellation.counts_toward_sfcr and change.order.seller_fault_cancellations == 1


def test_overdue_once_decide_by_passes_while_open():
    change = opened(LATER)
    appeal = change.appeal
    assert not appeals.overdue(appeal, appeal.decide_by - timedelta(seconds=1))
    assert appeals.overdue(appeal, appeal.decide_by)
    decided = appeals.decide(appeal, change.cancellation, change.order, AppealDecision.UPHOLD, "No", "OP1",
                             appeal.decide_by + timedelta(days=1), POLICY).appeal
    assert not appeals.overdue(decided, decided.decide_by + timedelta(days=1))

