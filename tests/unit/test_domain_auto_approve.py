"""Auto-approve rules on plain values: matching (reasons, statuses, refund ceiling by currency, whole order
only), the request they approve, where they never apply, and replacing the set."""

from datetime import UTC, datetime, timedelta

import pytest
from msgspec.structs import replace

from chalicelib.domain import auto_approve, lifecycle
from chalicelib.domain.auto_approve import Draft, MaxRefund, Rule, RuleSet
from chalicelib.domain.enums import Actor, AutoApproveCause, CancellationStatus, Fault, OrderStatus
from chalicelib.domain.errors import Conflict, InvalidRequest
from chalicelib.domain.model import LineItem, Order
from chalicelib.domain.money import LineRequest
from chalicelib.domain.policy import Policy, parse_bands
from chalicelib.domain.reasons import BuyerReason

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
LATER = T0 + timedelta(hours=2)  # past the hour of grace: a request waits for the seller
POLICY = Policy(timedelta(hours=48), timedelta(hours=1), 7, "UTC", 0.025, parse_bands("0:GOOD:1"))
MISTAKE = BuyerReason.ORDERED_BY_MISTAKE


def order(status: OrderStatus = OrderStatus.AWAITING_SHIPMENT, **changes) -> Order:
    paid = T0 if status is not OrderStatus.UNPAID else None
    base = Order("O1", "S1", "B1", (LineItem("SKU-A", 1, 50000), LineItem("SKU-B", 2, 75000)), "IDR", status,
                 placed_at=T0, paid_at=paid)
    return replace(base, **changes)


def rule(**fields) -> Rule:
    return Rule(rule_id=fields.pop("rule_id", "R1"), name=fields.pop("name", "mistakes before packing"), **fields)


def request(subject: Order, rules, reason: BuyerReason = MISTAKE, line_items=None, now: datetime = LATER):
    return lifecycle.request_cancellation(subject, reason, None, "C1", now, POLICY, line_items, rules=rules)


def test_a_matching_rule_approves_at_once_like_every_auto_approval():
    change = request(order(), [rule(buyer_reasons=(MISTAKE,))])
    c = change.cancellation
    assert (c.status, c.auto_approve_cause, c.auto_approve_rule_id) == (
        CancellationStatus.AUTO_APPROVED, AutoApproveCause.SELLER_RULE, "R1")
    assert (c.resolved_by, c.resolved_at, c.respond_by, c.fault, c.counts_toward_sfcr) == (
        Actor.SYSTEM, LATER, None, Fault.BUYER, False)
    assert change.order.status is OrderStatus.CANCELLED and change.order.awaiting_acknowledgement
    assert (change.counters.requested, change.counters.auto_approved) == (0, 1)
    # The history entry has the shape of every auto-approval of a buyer's request: the cause is its note.
    grace = request(order(), [], now=T0 + timedelta(minutes=5)).history
    assert (change.history.action, change.history.actor, change.history.note) == (
        grace.action, grace.actor, "SELLER_RULE")


def test_no_rule_or_no_match_waits_for_the_seller():
    for rules in ([], [rule(buyer_reasons=(BuyerReason.CHANGED_MIND,))], [rule(enabled=False)]):
        change = request(order(), rules)
        assert change.cancellation.status is CancellationStatus.REQUESTED, rules
        assert change.cancellation.auto_approve_rule_id is None


@pytest.mark.parametrize(("reasons", "reason", "hit"), [
    ((), BuyerReason.OTHER, True),  # empty: any reason
    ((MISTAKE,), MISTAKE, True),
    ((MISTAKE, BuyerReason.CHANGED_MIND), BuyerReason.CHANGED_MIND, True),
    ((MISTAKE,), BuyerReason.FOUND_BETTER_PRICE, False),
])
def test_reasons(reasons, reason, hit):
    subject = order()
    assert auto_approve.matches(rule(buyer_reasons=reasons), subject, _pending(subject, reason)) is hit


@pytest.mark.parametrize(("statuses", "status", "hit"), [
    ((OrderStatus.AWAITING_SHIPMENT,), OrderStatus.AWAITING_SHIPMENT, True),
    ((OrderStatus.AWAITING_SHIPMENT,), OrderStatus.AWAITING_COLLECTION, False),  # packed: the default excludes
    ((OrderStatus.AWAITING_SHIPMENT, OrderStatus.AWAITING_COLLECTION), OrderStatus.AWAITING_COLLECTION, True),
    ((OrderStatus.AWAITING_COLLECTION,), OrderStatus.AWAITING_SHIPMENT, False),
])
def test_order_statuses(statuses, status, hit):
    subject = order(status)
    assert auto_approve.matches(rule(order_statuses=statuses), subject, _pending(subject)) is hit


@pytest.mark.parametrize(("ceiling", "currency", "hit"), [
    (200000, "IDR", True),  # exactly the refund
    (199999, "IDR", False),  # one below
    (10**9, "IDR", True),
    (10**9, "USD", False),  # another currency never matches, whatever the amount
])
def test_refund_ceiling_by_currency(ceiling, currency, hit):
    subject = order()  # refund of the whole order: 50,000 + 2 x 75,000
    assert auto_approve.matches(rule(max_refund=MaxRefund(ceiling, currency)), subject, _pending(subject)) is hit


def test_a_refund_ceiling_applies_to_what_a_partial_request_refunds():
    subject = order()
    partial = _pending(subject, lines=[LineRequest("SKU-B", 1)])  # refunds 75,000
    assert auto_approve.matches(rule(max_refund=MaxRefund(75000, "IDR")), subject, partial)
    assert not auto_approve.matches(rule(max_refund=MaxRefund(74999, "IDR")), subject, partial)


def test_whole_order_only():
    subject = order()
    whole, partial = _pending(subject), _pending(subject, lines=[LineRequest("SKU-A", 1)])
    listed_all = _pending(subject, lines=[LineRequest("SKU-A", 1), LineRequest("SKU-B", 2)])
    only = rule(whole_order_only=True)
    assert auto_approve.matches(only, subject, whole) and auto_approve.matches(only, subject, listed_all)
    assert not auto_approve.matches(only, subject, partial)
    assert auto_approve.matches(rule(), subject, partial)


def test_the_first_enabled_matching_rule_is_the_one_named():
    rules = [rule(rule_id="R1", enabled=False), rule(rule_id="R2", buyer_reasons=(BuyerReason.CHANGED_MIND,)),
             rule(rule_id="R3"), rule(rule_id="R4")]
    assert request(order(), rules).cancellation.auto_approve_rule_id == "R3"


def test_rules_never_decide_what_product_rules_already_do():
    every = [rule(order_statuses=auto_approve.RULE_STATUSES)]
    unpaid = request(order(OrderStatus.UNPAID), every).cancellation
    grace = request(order(), every, now=T0 + timedelta(minutes=59)).cancellation
    assert (unpaid.auto_approve_cause, unpaid.auto_approve_rule_id) == (AutoApproveCause.UNPAID_ORDER, None)
    assert (grace.auto_approve_cause, grace.auto_approve_rule_id) == (AutoApproveCause.WITHIN_GRACE_PERIOD, None)
    for refused in (order(OrderStatus.IN_TRANSIT), order(buyer_may_request=False),
                    order(pending_cancel_id="C0", pending_respond_by=LATER + timedelta(hours=1))):
        with pytest.raises(Conflict):
            request(refused, every)
        assert not lifecycle.request_waits_for_seller(refused, LATER, POLICY)
    assert lifecycle.request_waits_for_seller(order(), LATER, POLICY)
    assert not lifecycle.request_waits_for_seller(order(), T0 + timedelta(minutes=59), POLICY)


def _pending(subject: Order, reason: BuyerReason = MISTAKE, lines=None):
    change = lifecycle.request_cancellation(subject, reason, "x", "C1", LATER, POLICY, lines)
    assert change.cancellation.status is CancellationStatus.REQUESTED
    return change.cancellation


# --- replacing the set ----------------------------------------------------------------------------------------


def ids():
    counter = iter(range(1, 100))
    return lambda: f"rule_{next(counter)}"


def test_a_set_replaces_the_whole_and_counts_its_versions():
    first = auto_approve.replace_set(RuleSet(), [Draft(name="a"), Draft(name="b")], 0, ids())
    assert ([r.rule_id for r in first.rules], first.version) == (["rule_1", "rule_2"], 1)
    assert first.rules[0].order_statuses == (OrderStatus.AWAITING_SHIPMENT,)
    kept = auto_approve.replace_set(first, [Draft(rule_id="rule_2", name="b2"), Draft(name="c")], 1, ids())
    assert ([r.rule_id for r in kept.rules], [r.name for r in kept.rules], kept.version) == (
        ["rule_2", "rule_1"], ["b2", "c"], 2)


def test_a_stale_version_is_a_conflict_with_the_current_one():
    current = RuleSet((), 3)
    with pytest.raises(Conflict) as refused:
        auto_approve.replace_set(current, [], 2, ids())
    assert (refused.value.code, refused.value.details) == ("RULES_VERSION_CONFLICT", {"current": {"version": 3}})


@pytest.mark.parametrize(("draft", "path"), [
    (Draft(name="   "), "$.rules[0].name"),
    (Draft(name="x" * 81), "$.rules[0].name"),
    (Draft(name="a", buyer_reasons=(MISTAKE, MISTAKE)), "$.rules[0].buyer_reasons"),
    (Draft(name="a", order_statuses=()), "$.rules[0].order_statuses"),
    (Draft(name="a", order_statuses=(OrderStatus.UNPAID,)), "$.rules[0].order_statuses"),
    (Draft(name="a", order_statuses=(OrderStatus.AWAITING_SHIPMENT,) * 2), "$.rules[0].order_statuses"),
    (Draft(name="a", max_refund=MaxRefund(-1, "IDR")), "$.rules[0].max_refund.amount"),
    (Draft(name="a", rule_id="rule_unknown"), "$.rules[0].rule_id"),
], ids=["blank-name", "long-name", "reason-twice", "no-status", "unpaid", "status-twice", "negative", "unknown-id"])
def test_every_field_is_checked(draft, path):
    with pytest.raises(InvalidRequest) as refused:
        auto_approve.replace_set(RuleSet(), [draft], 0, ids())
    assert (refused.value.code, refused.value.details["path"]) == ("INVALID_FIELD", path)


def test_at_most_twenty_rules_and_an_id_kept_once():
    auto_approve.replace_set(RuleSet(), [Draft(name=f"r{n}") for n in range(20)], 0, ids())
    with pytest.raises(InvalidRequest):
        auto_approve.replace_set(RuleSet(), [Draft(name=f"r{n}") for n in range(21)], 0, ids())
    current = auto_approve.replace_set(RuleSet(), [Draft(name="a")], 0, ids())
    with pytest.raises(InvalidRequest):
        auto_approve.replace_set(current, [Draft(rule_id="rule_1", name="a"), Draft(rule_id="rule_1", name="b")],
                                 1, ids())
