"""A small demo shop, loaded through the real deciders and store (every change one transaction, as in the API).

Seller S1 gets an order in every status and a cancellation in every state: pending requests with different
deadlines, unacknowledged auto-approvals (unpaid and timed out), a seller cancellation, approved, rejected,
withdrawn and ship-rejected requests; three-item orders with some items cancelled (out of stock by the seller,
dropped by the buyer, before payment, and a rejected request for some), so there is a refund in every status.
Seller S2 has one order with a pending request, which S1 never sees.

Times are set in the past where a story needs them (paid long ago, asked hours ago), by passing `now` to the
deciders; deadlines are fractions of the configured response window, so a short window shows expiry quickly.

The printed examples work whenever they are run, with any window: a line that needs a request still pending
makes that request itself, in the same shell line, unless the demo's own will stay pending for `LASTING`.
"""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from chalicelib import config
from chalicelib.domain.clock import utc_now
from chalicelib.domain.enums import OrderStatus
from chalicelib.domain.identity import Identity, Role
from chalicelib.domain.model import Cancellation, LineItem, Order
from chalicelib.domain.money import LineRequest
from chalicelib.domain.policy import Policy
from chalicelib.domain.reasons import BuyerReason, RejectReason, SellerCancelReason
from chalicelib.domain.support import SupportAct
from chalicelib.service import commands
from chalicelib.service.executor import Decider, S, execute
from chalicelib.store import reads

SELLER_ID = "S1"
OTHER_SELLER_ID = "S2"
OPERATOR_ID = "OP1"  # the demo support agent
BUYER_ID = "B1"
OTHER_BUYER_ID = "B2"
TOKEN_VARIABLES = {"seller": "SELLER_TOKEN", "buyer": "BUYER_TOKEN", "platform": "PLATFORM_TOKEN",
                   "other_seller": "OTHER_SELLER_TOKEN", "operator": "OPERATOR_TOKEN"}
CANCEL_ID = "CANCEL_ID"  # the shell variable a line keeps the cancel id of the request it made in
# Reads the cancel id out of an answer; python3 because jq is often missing and `make run` needs Python anyway.
# A tiny JPEG's first bytes and padding: what the attach check reads is its signature.
DEMO_PHOTO = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(500) + b"\xff\xd9"
READ_CANCEL_ID = """python3 -c 'import json,sys; print(json.load(sys.stdin)["cancel_id"])'"""
APPEAL_ID = "APPEAL_ID"  # the shell variable a line keeps the id of the appeal it opened in
# A printed line may act on a demo request only if that request stays pending this long after the start.
LASTING = timedelta(hours=1)

PLATFORM = Identity("demo-order-source", Role.PLATFORM)
SELLER = Identity("demo-seller-user", Role.SELLER, seller_id=SELLER_ID)
OTHER_SELLER = Identity("other-seller-user", Role.SELLER, seller_id=OTHER_SELLER_ID)
BUYER = Identity("demo-buyer-user", Role.BUYER, buyer_id=BUYER_ID)
OTHER_BUYER = Identity("other-buyer-user", Role.BUYER, buyer_id=OTHER_BUYER_ID)
OPERATOR = Identity("demo-support-agent", Role.OPERATOR, operator_id=OPERATOR_ID)


@dataclass(frozen=True, slots=True)
class Example:
    """One request worth trying, rendered as a shell line that works once the token variables are exported.

    With `first`, the line makes that request before this one and keeps its answer's cancel id in
    `$CANCEL_ID` (or, with `keeps`, another field of it in another variable), which `path` may use: both run at
    once, however short the response window.
    """

    title: str
    method: str
    path: str
    role: str
    body: dict[str, Any] | None = None
    expect: int = 200  # the status it answers, whenever it is run after the demo is loaded
    first: Example | None = None
    keeps: tuple[str, str] = (CANCEL_ID, "cancel_id")  # (variable, the first answer's field it keeps)

    def curl(self, base_url: str) -> str:
        parts = ["curl", "-s"]
        if self.method != "GET":
            parts += ["-X", self.method]
        url = base_url + self.path
        # Double quotes where the shell must expand $CANCEL_ID; the URL holds nothing else it would touch.
        parts.append(f'"{url}"' if "$" in url else shlex.quote(url))
        parts += ["-H", f'"Authorization: Bearer ${TOKEN_VARIABLES[self.role]}"']
        if self.body is not None:
            parts += ["-H", shlex.quote("Content-Type: application/json"),
                      "-d", shlex.quote(json.dumps(self.body, separators=(",", ":")))]
        line = " ".join(parts)
        if self.first is not None:
            variable, name = self.keeps
            reader = READ_CANCEL_ID.replace('"cancel_id"', json.dumps(name))
            line = f"{variable}=$({self.first.curl(base_url)} | {reader}) && {line}"
        return line


@dataclass(slots=True)
class DemoShop:
    loaded_at: datetime
    # what each demo order shows -> order_id
    orders: dict[str, str] = field(default_factory=dict)
    # pending requests of S1, most urgent first
    pending: list[str] = field(default_factory=list)
    # order_id -> the deadline of its pending request (S1's), when the schedule auto-approves it
    deadlines: dict[str, datetime] = field(default_factory=dict)
    examples: list[Example] = field(default_factory=list)

    def describe(self) -> list[str]:
        lines = [f"Demo shop: seller {SELLER_ID} (buyer {BUYER_ID}), {len(self.orders)} orders; "
                 f"seller {OTHER_SELLER_ID} has its own order, invisible to {SELLER_ID}."]
        for story, order_id in self.orders.items():
            due = self.deadlines.get(order_id)
            when = f" (due {at_clock(due, self.loaded_at)}, then the schedule auto-approves it)" if due else ""
            lines.append(f"  {order_id:<9} {story}{when}")
        return lines


def at_clock(moment: datetime, now: datetime) -> str:
    """A time as a reader of the banner wants it: the clock time within the hour, else the date too."""
    if abs(moment - now) < timedelta(hours=1):
        return moment.strftime("%H:%M:%S UTC")
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def _items(sku: str, quantity: int, unit_price: int) -> tuple[LineItem, ...]:
    return (LineItem(sku, quantity, unit_price),)


# The multi-item orders: 150,000 + 2 x 85,000 + 3 x 25,000 = 395,000 IDR.
THREE_ITEMS = (LineItem("SKU-TEE", 1, 150_000), LineItem("SKU-MUG", 2, 85_000), LineItem("SKU-SOCKS", 3, 25_000))


class _Loader:
    def __init__(self, now: datetime, policy: Policy):
        self.now = now
        self.policy = policy
        self.shop = DemoShop(loaded_at=now)
        self._numbers = {SELLER_ID: 1000, OTHER_SELLER_ID: 2000}

    def ago(self, **delta: float) -> datetime:
        return self.now - timedelta(**delta)

    # -- the platform

    def order(self, story: str, placed_at: datetime, *, paid_at: datetime | None = None, seller: str = SELLER_ID,
              buyer: str = BUYER_ID, sku: str = "SKU-TEE", quantity: int = 1, unit_price: int = 150_000,
              items: tuple[LineItem, ...] | None = None) -> str:
        self._numbers[seller] += 1
        order_id = f"{seller}-{self._numbers[seller]}"
        order = Order(order_id=order_id, seller_id=seller, buyer_id=buyer,
                      items=items or _items(sku, quantity, unit_price),
                      currency="IDR", status=OrderStatus.AWAITING_SHIPMENT if paid_at else OrderStatus.UNPAID,
                      placed_at=placed_at, paid_at=paid_at, fingerprint=f"demo:{order_id}")
        execute(commands.record_order(PLATFORM, order, self.policy), placed_at)
        if seller == SELLER_ID:
            self.shop.orders[story] = order_id
        return order_id

    def paid_order(self, story: str, paid_at: datetime, **kwargs: Any) -> str:
        return self.order(story, paid_at - timedelta(minutes=10), paid_at=paid_at, **kwargs)

    def pay(self, order_id: str, at: datetime) -> None:
        execute(commands.record_payment(PLATFORM, order_id, at), at)

    def deliver(self, order_id: str, at: datetime) -> None:
        execute(commands.record_delivery(PLATFORM, order_id, at), at)

    def complete(self, order_id: str, at: datetime) -> None:
        execute(commands.record_completion(PLATFORM, order_id, at), at)

    # -- buyers and sellers

    def request(self, order_id: str, at: datetime, reason: BuyerReason = BuyerReason.CHANGED_MIND,
                buyer: Identity = BUYER, lines: list[LineRequest] | None = None) -> str:
        outcome = execute(commands.request_cancellation(buyer, order_id, reason, None, at, self.policy, lines), at)
        return outcome.subject.cancel_id

    def out_of_stock(self, order_id: str, at: datetime, lines: list[LineRequest], comment: str) -> str:
        decide = commands.seller_cancel(SELLER, order_id, SellerCancelReason.OUT_OF_STOCK, comment, at, self.policy,
                                        lines)
        return self.run(decide, at).cancel_id

    def photo(self, at: datetime) -> str:
        """An evidence file of the demo seller, declared and uploaded (as the client's POST would), not attached."""
        from chalicelib.domain.evidence import STATE_TAG, UPLOADED, ContentType
        from chalicelib.service import evidence
        from chalicelib.store import evidence_objects

        declared = evidence.declare(SELLER, ContentType.JPEG, len(DEMO_PHOTO), at)
        key = declared.upload["fields"]["key"]
        evidence_objects.client().put_object(Bucket=config.settings().evidence_bucket, Key=key, Body=DEMO_PHOTO,
                                             ContentType=ContentType.JPEG.value, Tagging=f"{STATE_TAG}={UPLOADED}")
        return declared.evidence_id

    def refunded(self, cancel_id: str, reference: str, at: datetime) -> None:
        self.run(commands.report_refund(PLATFORM, cancel_id, reference, at), at)

    def waiting_order(self, story: str, asked: datetime, **kwargs: Any) -> str:
        """A paid order that a buyer request made at `asked` leaves to the seller (paid before the grace period)."""
        return self.paid_order(story, asked - self.policy.grace_period - timedelta(hours=1), **kwargs)

    def answer(self, asked: datetime) -> datetime:
        """When the seller (or buyer) acts on a request asked at `asked`: well inside its window."""
        return asked + min(timedelta(hours=2), self.policy.response_window / 2)

    def run(self, decide: Decider[S], at: datetime) -> S:
        return execute(decide, at).subject


def _cancellation(cancel_id: str) -> Cancellation:
    found = reads.get_cancellation(cancel_id)
    assert found is not None
    return found


def span(length: timedelta) -> str:
    """A duration in the largest whole unit: "2 days", "1 hour", "5 s"."""
    seconds = int(length.total_seconds())
    for unit, name in ((86400, "day"), (3600, "hour"), (60, "min")):
        if seconds >= unit and seconds % unit == 0:
            count = seconds // unit
            return f"{count} {name}" + ("s" if count > 1 and name != "min" else "")
    return f"{seconds} s"


def _window_fraction(policy: Policy, fraction: float) -> timedelta:
    return timedelta(seconds=int(policy.response_window.total_seconds() * fraction))


def load(now: datetime | None = None, policy: Policy | None = None) -> DemoShop:
    """Loads the demo shop into the configured tables; `now` defaults to the current time."""
    at = now or utc_now()
    policy = policy or config.policy()
    d = _Loader(at, policy)
    grace = policy.grace_period
    window = policy.response_window

    # Orders along the lifecycle, one per status.
    d.order("UNPAID", d.ago(minutes=20), sku="SKU-MUG", unit_price=85_000)
    cancel_target = d.order("AWAITING_SHIPMENT (try: seller cancel OUT_OF_STOCK)", d.ago(hours=3))
    d.pay(cancel_target, d.ago(hours=2, minutes=50))
    ship_target = d.paid_order("AWAITING_COLLECTION (try: ship)", d.ago(days=1), quantity=2)
    d.run(commands.arrange_shipment(SELLER, ship_target, d.ago(hours=20)), d.ago(hours=20))
    shipped = d.paid_order("IN_TRANSIT", d.ago(days=2))
    d.run(commands.ship(SELLER, shipped, "JNE-DEMO-0001", d.ago(days=1)), d.ago(days=1))
    delivered = d.paid_order("DELIVERED", d.ago(days=5))
    d.run(commands.ship(SELLER, delivered, "JNE-DEMO-0002", d.ago(days=4)), d.ago(days=4))
    d.deliver(delivered, d.ago(days=2))
    completed = d.paid_order("COMPLETED", d.ago(days=6), sku="SKU-CAP")
    d.run(commands.ship(SELLER, completed, "JNE-DEMO-0003", d.ago(days=5, hours=20)), d.ago(days=5, hours=20))
    d.deliver(completed, d.ago(days=4))
    d.complete(completed, d.ago(days=1))
    seller_cancelled = d.paid_order("CANCELLED by the seller (OUT_OF_STOCK, counts toward SFCR; try: appeal it)",
                                    d.ago(hours=30))
    fault = d.run(commands.seller_cancel(SELLER, seller_cancelled, SellerCancelReason.OUT_OF_STOCK,
                                         "Last one sold in store", d.ago(hours=28), policy), d.ago(hours=28))

    # Pending requests, most urgent first: asked 3/4, 2/5 and 1/10 of the response window ago.
    for story, fraction in (("pending request, deadline soonest", 0.75), ("pending request", 0.4),
                            ("pending request, deadline latest", 0.1)):
        asked = at - _window_fraction(policy, fraction)
        order_id = d.waiting_order(story, asked)
        d.shop.pending.append(d.request(order_id, asked))
        d.shop.deadlines[order_id] = latest_due = asked + window
    request_target = d.waiting_order("AWAITING_SHIPMENT, paid before the grace period (try: buyer request)", at)
    approve_target = d.waiting_order("AWAITING_SHIPMENT, paid before the grace period (try: request, then approve)", at)

    # Auto-approved, not yet acknowledged: an unpaid order, and a request the seller left past its deadline.
    unpaid_cancelled = d.order("CANCELLED, auto-approved (UNPAID_ORDER), awaiting acknowledgement",
                               d.ago(hours=5))
    unacknowledged = d.request(unpaid_cancelled, d.ago(hours=4), BuyerReason.ORDERED_BY_MISTAKE)
    asked = at - window - timedelta(hours=1)
    timed_out = d.waiting_order("CANCELLED, auto-approved (SELLER_RESPONSE_TIMEOUT), awaiting acknowledgement",
                                asked)
    cancel_id = d.request(timed_out, asked, BuyerReason.DELIVERY_TOO_SLOW)
    due = asked + window  # what the scheduled job does at the deadline
    d.run(commands.expire(_cancellation(cancel_id), None, due), due)

    # Requests already answered, each within its window: approved, rejected, withdrawn, rejected by shipping.
    asked = d.ago(days=1, hours=12)
    approved = d.waiting_order("CANCELLED, request approved by the seller", asked)
    cancel_id = d.request(approved, asked, BuyerReason.FOUND_BETTER_PRICE)
    d.run(commands.approve(SELLER, cancel_id, d.answer(asked)), d.answer(asked))
    asked = d.ago(hours=20)
    rejected = d.waiting_order("AWAITING_SHIPMENT, request rejected (PRODUCT_PACKED)", asked)
    cancel_id = d.request(rejected, asked)
    d.run(commands.reject(SELLER, cancel_id, RejectReason.PRODUCT_PACKED, "Packed and labelled already",
                          d.answer(asked), evidence_ids=[d.photo(d.answer(asked))]), d.answer(asked))
    asked = d.ago(hours=18)
    withdrawn = d.waiting_order("AWAITING_SHIPMENT, request withdrawn by the buyer", asked)
    cancel_id = d.request(withdrawn, asked, BuyerReason.NEED_TO_CHANGE_ADDRESS)
    d.run(commands.withdraw(BUYER, cancel_id, d.answer(asked)), d.answer(asked))
    asked = d.ago(hours=16)
    ship_rejected = d.waiting_order("IN_TRANSIT, pending request rejected by shipping (ORDER_SHIPPED)", asked)
    d.request(ship_rejected, asked)
    d.run(commands.ship(SELLER, ship_rejected, "JNE-DEMO-0004", d.answer(asked)), d.answer(asked))
    if grace >= timedelta(seconds=3):  # a zero grace period (an override) auto-approves nothing
        paid = d.ago(hours=12)
        acknowledged = d.paid_order("CANCELLED inside the grace period, acknowledged", paid)
        cancel_id = d.request(acknowledged, paid + grace / 3)
        d.run(commands.acknowledge(SELLER, cancel_id, d.ago(hours=11)), d.ago(hours=11))

    # Three-item orders that lost some items: the order goes on with the rest, and each cancellation says what it
    # returns: PENDING (out of stock, the payment system yet to report), REFUNDED, NOT_APPLICABLE (unpaid), NONE.
    partly = d.paid_order("AWAITING_SHIPMENT, 3 items, SKU-SOCKS out of stock: refund PENDING (try: report it)",
                          d.ago(hours=6), items=THREE_ITEMS)
    partial_cancel = d.out_of_stock(partly, d.ago(hours=5), [LineRequest("SKU-SOCKS", 3)], "Socks sold out")
    unpaid_partly = d.order("UNPAID, 3 items, SKU-TEE out of stock before payment: refund NOT_APPLICABLE",
                            d.ago(minutes=40), items=THREE_ITEMS)
    d.out_of_stock(unpaid_partly, d.ago(minutes=30), [LineRequest("SKU-TEE", 1)], "Tee sold out")
    asked = d.ago(hours=14)
    refused_part = d.waiting_order("AWAITING_SHIPMENT, 3 items, a request for SKU-MUG x 1 rejected: refund NONE",
                                   asked, items=THREE_ITEMS)
    cancel_id = d.request(refused_part, asked, lines=[LineRequest("SKU-MUG", 1)])
    d.run(commands.reject(SELLER, cancel_id, RejectReason.AGREED_WITH_BUYER, "Keeping both, as agreed",
                          d.answer(asked), evidence_ids=[d.photo(d.answer(asked))]), d.answer(asked))
    if grace >= timedelta(seconds=3):
        paid = d.ago(hours=9)
        dropped = d.paid_order("AWAITING_SHIPMENT, 3 items, SKU-MUG x 1 dropped by the buyer inside the grace "
                               "period: refund REFUNDED", paid, items=THREE_ITEMS)
        cancel_id = d.request(dropped, paid + grace / 3, lines=[LineRequest("SKU-MUG", 1)])
        d.run(commands.acknowledge(SELLER, cancel_id, d.ago(hours=8)), d.ago(hours=8))
        d.refunded(cancel_id, "PSP-DEMO-0001", d.ago(hours=7))

    # Another seller's order with a pending request: never in S1's counts, lists or reach.
    asked = at - _window_fraction(policy, 0.5)
    other = d.waiting_order("", asked, seller=OTHER_SELLER_ID, buyer=OTHER_BUYER_ID)
    d.request(other, asked, buyer=OTHER_BUYER)

    # The support desk (docs/support-desk.md), after every other S1 order so that their numbers stay as they were:
    # an order support cancelled for the seller, and one for the banner's operator line to cancel.
    by_support = d.paid_order("CANCELLED by support on the seller's behalf (ticket T-100, WRONG_PRICE)",
                              d.ago(hours=8))
    d.run(commands.seller_cancel(OPERATOR, by_support, SellerCancelReason.WRONG_PRICE, None, d.ago(hours=7), policy,
                                 support=SupportAct(OPERATOR_ID, "T-100", "The seller phoned: the price was a typo")),
          d.ago(hours=7))
    support_target = d.paid_order("AWAITING_SHIPMENT (try: support cancels it for the seller)", d.ago(hours=2))

    ask = Example("", "POST", f"/buyer/orders/{approve_target}/cancellation-requests", "buyer",
                  {"reason": "CHANGED_MIND"}, 201)
    if latest_due - at >= LASTING:
        approve = Example(f"Approve the request with the latest deadline (before {at_clock(latest_due, at)})",
                          "POST", f"/seller/cancellations/{d.shop.pending[-1]}/approve", "seller")
    else:  # the demo's requests pass their deadlines soon after the start: approve a fresh one at once
        approve = Example(f"The buyer asks to cancel {approve_target} and the seller approves at once "
                          f"(a {span(window)} window leaves no time to type)", "POST",
                          f"/seller/cancellations/${CANCEL_ID}/approve", "seller", first=ask)
    ship_ask = Example("", "POST", f"/buyer/orders/{ship_target}/cancellation-requests", "buyer",
                       {"reason": "NEED_TO_CHANGE_ADDRESS"}, 201)
    d.shop.examples = [
        Example("Action Needed counts", "GET", "/seller/action-needed", "seller"),
        Example("Pending requests, most urgent first", "GET", "/seller/cancellations?status=REQUESTED", "seller"),
        approve,
        Example(f"The buyer asks to cancel a paid order (waits {span(window)} for the seller, then the "
                "schedule auto-approves it)", "POST",
                f"/buyer/orders/{request_target}/cancellation-requests", "buyer", {"reason": "CHANGED_MIND"}, 201),
        Example("The seller cancels an order it cannot fulfil", "POST", f"/seller/orders/{cancel_target}/cancel",
                "seller", {"reason": "OUT_OF_STOCK", "comment": "Sold out"}, 201),
        Example(f"The buyer asks to cancel {ship_target}, the seller ships it at once: shipping rejects the request",
                "POST", f"/seller/orders/{ship_target}/ship", "seller", {"tracking_number": "JNE-12345"},
                first=ship_ask),
        Example(f"That request (${CANCEL_ID} from the line above): REJECTED, reason ORDER_SHIPPED", "GET",
                f"/seller/cancellations/${CANCEL_ID}", "seller"),
        Example("Acknowledge an auto-approved cancellation (it leaves the Action Needed count)", "POST",
                f"/seller/cancellations/{unacknowledged}/acknowledge", "seller"),
        Example("Order detail: cancellations, history and the handover warning", "GET",
                f"/seller/orders/{seller_cancelled}", "seller"),
        Example("A partly cancelled order: cancelled quantities, remaining_total, and what not to pack", "GET",
                f"/seller/orders/{partly}", "seller"),
        Example("The seller runs out of one SKU-MUG too: only those items are cancelled, the order goes on", "POST",
                f"/seller/orders/{partly}/cancel", "seller",
                {"reason": "OUT_OF_STOCK", "line_items": [{"sku": "SKU-MUG", "quantity": 1}]}, 201),
        Example("The payment system reports the socks' refund returned (the same reference again: no change)",
                "POST", f"/platform/cancellations/{partial_cancel}/refund", "platform",
                {"refund_reference": "PSP-DEMO-0002"}),
        Example("Cancellation filter of the All tab", "GET", "/seller/orders?filter=cancellation", "seller"),
        Example("Seller-fault cancellation rate", "GET", "/seller/metrics/sfcr", "seller"),
        # Appeals (docs/appeals.md): the seller contests the out-of-stock cancellation, the support desk decides.
        Example(f"The seller appeals its seller-fault cancellation of {seller_cancelled} (the buyer had asked it to "
                f"cancel in the chat); the appeal is OPEN, ${APPEAL_ID} keeps its id", "GET",
                f"/seller/appeals/${APPEAL_ID}", "seller",
                first=Example("", "POST", f"/seller/cancellations/{fault.cancel_id}/appeal", "seller",
                              {"statement": "The buyer asked me in the chat to cancel"}, 201),
                keeps=(APPEAL_ID, "appeal_id")),
        Example("The support desk's queue: every seller's open appeals, soonest decide_by first", "GET",
                "/operator/appeals", "operator"),
        Example(f"An operator overturns it: the cancellation's fault becomes NONE and {seller_cancelled} leaves the "
                "SFCR (appeals_open and seller_fault_cancellations drop by one)", "POST",
                f"/operator/appeals/${APPEAL_ID}/decide", "operator",
                {"decision": "OVERTURN", "note": "The chat shows the buyer asked to cancel"}),
        Example("Another seller's order is not found", "GET", f"/seller/orders/{other}", "seller", expect=404),
        Example("Support cancels an order on the seller's behalf under a ticket (the fault is the reason's: "
                "OUT_OF_STOCK counts toward the seller's SFCR)", "POST", f"/operator/orders/{support_target}/cancel",
                "operator", {"on_behalf_of": "seller", "reason": "OUT_OF_STOCK", "ticket": "T-123",
                             "note": "The seller phoned: sold out"}, 201),
    ]
    return d.shop
