"""Every change the domain can make yields the one event type docs/events.md names for it, in the envelope every
channel carries; the same change always yields the same event id."""

import ast
import json
from datetime import timedelta

import msgspec
import pytest

from chalicelib.domain import appeals, lifecycle, webhooks
from chalicelib.domain import event_types as kinds
from chalicelib.domain.enums import AppealDecision, HistoryAction, OfferKind, OrderStatus
from chalicelib.domain.errors import InvalidRequest
from chalicelib.domain.event_types import KINDS, TYPES, UnknownKind, event_type
from chalicelib.domain.offers import OfferTerms
from chalicelib.domain.reasons import BuyerReason, RejectReason, SellerCancelReason
from chalicelib.events import envelope
from tests.support.paths import ROOT
from tests.unit.test_domain_lifecycle import POLICY, T0, order, pending

LATER = T0 + timedelta(hours=3)


def _every_change():
    """(what happened, the change the domain decides): one for every kind of history entry, both ways of SHIPPED."""
    c, o = pending()
    auto = lifecycle.request_cancellation(order(OrderStatus.UNPAID), BuyerReason.CHANGED_MIND, None, "C2", T0, POLICY)
    approved = lifecycle.approve(c, o, LATER)
    shipped = lifecycle.record_delivery(lifecycle.ship(order(), None, "TRK", LATER).order, LATER, "P")
    offered = lifecycle.make_offer(c, o, OfferTerms(OfferKind.KEEP_ORDER, "Shipping today"), LATER, POLICY)
    oc, oo = offered.cancellation, offered.order
    cancelled = lifecycle.seller_cancel(order(), SellerCancelReason.OUT_OF_STOCK, None, "C5", LATER, POLICY)
    assert cancelled.cancellation is not None
    opened = appeals.open_appeal(cancelled.cancellation, cancelled.order, "A1", "The buyer asked", (), LATER, POLICY)
    assert opened.cancellation is not None and opened.appeal is not None
    return {
        "order.recorded": lifecycle.record_order(order(OrderStatus.UNPAID), POLICY, "P"),
        "order.paid": lifecycle.record_payment(order(OrderStatus.UNPAID), LATER, "P"),
        "order.shipment_arranged": lifecycle.arrange_shipment(order(), LATER),
        "order.shipped": lifecycle.ship(order(), None, "TRK", LATER),
        "cancellation.rejected (shipped over a pending request)": lifecycle.ship(o, c, "TRK", LATER),
        "order.delivered": shipped,
        "order.completed": lifecycle.record_completion(shipped.order, LATER, "P"),
        "cancellation.requested": lifecycle.request_cancellation(order(), BuyerReason.CHANGED_MIND, None, "C3",
                                                                 LATER, POLICY),
        "cancellation.auto_approved": auto,
        "cancellation.auto_approved (timeout)": lifecycle.expire(c, o, T0 + timedelta(days=3)),
        "cancellation.approved": lifecycle.approve(c, o, LATER),
        "cancellation.rejected": lifecycle.reject(c, o, RejectReason.DELIVERY_ON_SCHEDULE, None, LATER),
        "cancellation.withdrawn": lifecycle.withdraw(c, o, LATER),
        "cancellation.seller_cancelled": lifecycle.seller_cancel(order(), SellerCancelReason.OUT_OF_STOCK, None, "C4",
                                                                 LATER, POLICY),
        "cancellation.acknowledged": lifecycle.acknowledge(auto.cancellation, auto.order, LATER),
        "cancellation.refunded": lifecycle.report_refund(approved.cancellation, approved.order, "PAY-1", LATER, "P"),
        "cancellation.offer_made": offered,
        "cancellation.offer_accepted": lifecycle.accept_offer(oc, oo, LATER),
        "cancellation.offer_declined": lifecycle.decline_offer(oc, oo, LATER),
        "cancellation.offer_expired": lifecycle.lapse_offer(oc, oo, LATER + POLICY.buyer_offer_window),
        "cancellation.rejected (shipped over an open offer)": lifecycle.ship(oo, oc, "TRK", LATER),
        "cancellation.appeal_opened": opened,
        "cancellation.appeal_decided": appeals.decide(opened.appeal, opened.cancellation, opened.order,
                                                      AppealDecision.OVERTURN, "Agreed", "OP1", LATER, POLICY),
    }


@pytest.mark.parametrize("expected", list(_every_change()))
def test_each_change_yields_its_event_type(expected):
    change = _every_change()[expected]
    event = envelope.of_change(change, LATER)
    assert event.type == expected.split(" ")[0]
    body = json.loads(event.body)
    assert set(body) == {"id", "type", "occurred_at", "seller_id", "order_id", "sequence", "data"}
    assert (body["id"], body["type"], body["seller_id"], body["order_id"]) == (
        event.event_id, event.type, "S1", change.order.order_id)
    assert body["sequence"] == change.order.version  # the history entry's seq
    assert body["occurred_at"] == "2026-11-23T12:00:00Z"  # the commit's instant, not the entry's
    assert body["data"]["order"]["status"] == change.order.status.value
    assert "history" not in body["data"]["order"] and "handover" in body["data"]["order"]
    if change.cancellation is None:
        assert set(body["data"]) == {"order"}  # absent, not null
    else:
        assert body["data"]["cancellation"]["cancel_id"] == change.cancellation.cancel_id
        assert body["data"]["cancellation"]["status"] == change.cancellation.status.value
    if change.appeal is not None:  # the appeal rides beside its cancellation, its files without links
        assert body["data"]["appeal"]["appeal_id"] == change.appeal.appeal_id
        assert body["data"]["cancellation"]["appeal"] == {"appeal_id": change.appeal.appeal_id,
                                                          "status": change.appeal.status.value}


def test_shipping_over_a_pending_request_is_the_rejection_with_order_shipped():
    body = json.loads(envelope.of_change(_every_change()["cancellation.rejected (shipped over a pending request)"],
                                         LATER).body)
    assert body["type"] == "cancellation.rejected"
    assert body["data"]["cancellation"]["reject_reason"] == "ORDER_SHIPPED"
    assert body["data"]["order"]["status"] == "IN_TRANSIT"


def test_every_kind_the_domain_writes_has_a_row_and_every_row_is_written():
    """The history actions the entries of lifecycle.py and appeals.py name are every HistoryAction, and each has
    its row."""
    written = set().union(*(_actions(ast.parse((ROOT / "chalicelib" / "domain" / name).read_text()))
                            for name in ("lifecycle.py", "appeals.py")))
    assert written == set(HistoryAction) == set(KINDS)
    produced = {event.split(" ")[0] for event in _every_change()}
    assert produced | {kinds.RESPONSE_DUE_SOON} == set(TYPES)


def _actions(tree: ast.Module) -> set[str]:
    """`HistoryAction.X` arguments in the `action` place of `_entry(...)`, `_party_entry(...)` (a party's change,
    or an operator's on its behalf) and `HistoryEntry(...)` calls; a bare string there fails the test."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            place = {"_entry": 3, "_party_entry": 4, "HistoryEntry": 3}.get(node.func.id)
            if place is not None and len(node.args) > place:
                arg = node.args[place]
                if isinstance(arg, ast.Name) and arg.id == "action":
                    continue  # `_entry` handing its own argument on
                assert isinstance(arg, ast.Attribute) and isinstance(arg.value, ast.Name), ast.unparse(arg)
                assert arg.value.id == "HistoryAction", ast.unparse(arg)
                found.add(arg.attr)
    return found


@pytest.mark.parametrize("event_type_", TYPES)
def test_every_type_the_desk_emits_is_subscribable_by_name(event_type_):
    """W3: a webhook may subscribe to each emitted type alone (cancellation.refunded was once left out)."""
    assert webhooks.check_event_types([event_type_]) == (event_type_,)
    assert webhooks.subscribes([event_type_], event_type_)
    assert webhooks.subscribes([webhooks.ALL_TYPES], event_type_)


def test_a_type_the_desk_does_not_emit_is_refused_with_the_emitted_list():
    with pytest.raises(InvalidRequest) as refused:
        webhooks.check_event_types(["order.lost"])
    assert refused.value.details == {"path": "$.event_types", "allowed": [webhooks.ALL_TYPES, *TYPES]}


def test_an_unknown_kind_fails_loudly():
    with pytest.raises(UnknownKind):
        event_type("PARCEL_LOST", False)


def test_adding_a_kind_is_one_row(monkeypatch):
    monkeypatch.setitem(KINDS, "CANCELLATION_REFUNDED", kinds.Kind("cancellation.refunded"))
    assert event_type("CANCELLATION_REFUNDED", True) == "cancellation.refunded"


def test_the_same_change_always_has_the_same_id_and_another_change_another():
    changes = _every_change()
    first = envelope.of_change(changes["order.paid"], LATER)
    again = envelope.of_change(_every_change()["order.paid"], LATER + timedelta(seconds=5))
    assert first.event_id == again.event_id
    ids = {envelope.of_change(change, LATER).event_id for name, change in changes.items()}
    assert len(ids) == len({(c.order.order_id, c.order.version) for c in changes.values()})


def test_a_reminder_is_one_id_per_request_and_lead_with_its_lead_in_data():
    c, o = pending()
    day, two_hours = (envelope.reminder(c, o, lead, LATER) for lead in (86400, 7200))
    assert day.event_id != two_hours.event_id
    assert envelope.reminder(c, o, 86400, LATER + timedelta(minutes=5)).event_id == day.event_id
    body = msgspec.json.decode(day.body)
    assert (body["type"], body["data"]["lead_seconds"]) == ("cancellation.response_due_soon", 86400)
    assert body["data"]["cancellation"]["status"] == "REQUESTED"
