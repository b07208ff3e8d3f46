"""Recounts the stored data and checks the lifecycle's invariants (dev-only: it Scans every table).

Run it only while nothing writes: a Scan is not a snapshot, so a write landing mid-check could look like drift.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from chalicelib import config
from chalicelib.domain.clock import market_day, parse_iso
from chalicelib.domain.enums import ACCEPTED, SHIPPED_OR_LATER, CancellationStatus, OrderStatus
from chalicelib.store.models import (
    ACTION_NEEDED_KEY,
    COHORT_PREFIX,
    CancellationItem,
    HistoryItem,
    OrderItem,
    SellerCounterItem,
)

INVARIANTS = (
    "order status consistent with its cancellations",
    "at most one pending request per order",
    "CANCELLED iff nothing remains after the accepted cancellations (AUTO_APPROVED, APPROVED, SELLER_CANCELLED)",
    "action-needed counters equal a recount",
    "SFCR cohort counters equal a recount",
    "one history entry per order version",
)


@dataclass
class Findings:
    orders: int = 0
    cancellations: int = 0
    history_entries: int = 0
    sellers: int = 0
    order_statuses: Counter[str] = field(default_factory=Counter)
    cancellation_statuses: Counter[str] = field(default_factory=Counter)
    violations: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def add(self, invariant: str, detail: str) -> None:
        assert invariant in INVARIANTS, invariant
        self.violations[invariant].append(detail)

    @property
    def ok(self) -> bool:
        return not any(self.violations.values())

    def lines(self) -> list[str]:
        out = [f"invariants over {self.orders} orders, {self.cancellations} cancellations, "
               f"{self.history_entries} history entries, {self.sellers} sellers",
               f"  orders by status {dict(self.order_statuses.most_common())}",
               f"  cancellations by status (cause) {dict(self.cancellation_statuses.most_common())}"]
        for invariant in INVARIANTS:
            found = self.violations.get(invariant, [])
            out.append(f"  {'FAIL' if found else 'ok  '} {invariant}" + (f": {len(found)} violations" if found else ""))
            out += [f"       {detail}" for detail in found[:5]]
        return out


def _check_order(order: OrderItem, cancellations: list[CancellationItem], history: list[int],
                 found: Findings) -> None:
    oid = order.order_id
    status = OrderStatus(order.status)
    pending = [c for c in cancellations if c.status == CancellationStatus.REQUESTED]
    accepted = [c for c in cancellations if CancellationStatus(c.status) in ACCEPTED]

    if len(pending) > 1:
        found.add("at most one pending request per order", f"{oid}: {[c.cancel_id for c in pending]}")
    consistent = "order status consistent with its cancellations"
    if order.pending_cancel_id != (pending[0].cancel_id if len(pending) == 1 else None):
        found.add(consistent, f"{oid}: pending_cancel_id {order.pending_cancel_id} but pending "
                              f"{[c.cancel_id for c in pending]}")
    if pending and (status is OrderStatus.CANCELLED or status in SHIPPED_OR_LATER):
        found.add(consistent, f"{oid}: {status.value} with a pending request")
    unacknowledged = any(c.status == CancellationStatus.AUTO_APPROVED and c.acknowledged_at is None
                         for c in cancellations)
    # Each auto-approval the seller has not seen counts (items written before the count: only the flag).
    unseen = sum(c.status == CancellationStatus.AUTO_APPROVED and c.acknowledged_at is None for c in cancellations)
    if order.unacknowledged is not None and int(order.unacknowledged) != unseen:
        found.add(consistent, f"{oid}: unacknowledged={order.unacknowledged}, unseen auto-approvals={unseen}")
    if bool(order.awaiting_acknowledgement) != unacknowledged:
        found.add(consistent, f"{oid}: awaiting_acknowledgement={order.awaiting_acknowledgement}, "
                              f"unacknowledged auto-approval={unacknowledged}")
    if any(c.status == CancellationStatus.REJECTED and c.resolved_by == "SELLER" for c in cancellations) \
            and order.buyer_may_request:
        found.add(consistent, f"{oid}: the seller rejected a request, yet the buyer may ask again")
    needs_attention = order.pending_cancel_id is not None or bool(order.awaiting_acknowledgement)
    if (order.attention_seller == order.seller_id) != needs_attention:
        found.add(consistent, f"{oid}: attention index key {order.attention_seller!r}, needs attention "
                              f"{needs_attention}")
    for c in cancellations:
        if (c.seller_id, c.buyer_id) != (order.seller_id, order.buyer_id):
            found.add(consistent, f"{c.cancel_id}: parties differ from order {oid}")
        if (c.due_key is not None) != (c.status == CancellationStatus.REQUESTED):
            found.add(consistent, f"{c.cancel_id}: {c.status} with due_key {c.due_key!r}")

    cancelled_iff = ("CANCELLED iff nothing remains after the accepted cancellations (AUTO_APPROVED, APPROVED, "
                     "SELLER_CANCELLED)")
    legacy = any(not c.line_items for c in accepted)  # written before line items: it took the whole order
    taken: Counter[str] = Counter()
    for c in accepted:
        for line in c.line_items or []:
            taken[line.sku] += int(line.quantity)
    lines = {line.sku: (int(line.quantity), int(line.cancelled_quantity or 0)) for line in order.items}
    if not legacy and any(not 0 <= cancelled <= quantity or cancelled != taken[sku]
                          for sku, (quantity, cancelled) in lines.items()):
        found.add(cancelled_iff, f"{oid}: cancelled quantities {lines} but accepted lines {dict(taken)}")
    nothing_left = legacy or all(quantity == cancelled for quantity, cancelled in lines.values())
    if (status is OrderStatus.CANCELLED) != nothing_left:
        found.add(cancelled_iff, f"{oid}: {status.value} with accepted {[c.cancel_id for c in accepted]}")
    elif nothing_left and order.cancel_id not in {c.cancel_id for c in accepted}:
        found.add(cancelled_iff, f"{oid}: cancel_id {order.cancel_id} but accepted {[c.cancel_id for c in accepted]}")

    if sorted(history) != list(range(1, int(order.version) + 1)):
        found.add("one history entry per order version",
                  f"{oid}: version {int(order.version)}, history seqs {sorted(history)[:12]}")


def check() -> Findings:
    """Scans the configured tables and checks every invariant."""
    found = Findings()
    tz = config.policy().market_timezone
    orders = list(OrderItem.scan())
    cancellations: dict[str, list[CancellationItem]] = defaultdict(list)
    for item in CancellationItem.scan():
        cancellations[item.order_id].append(item)
    history: dict[str, list[int]] = defaultdict(list)
    for entry in HistoryItem.scan():
        history[entry.order_id].append(int(entry.seq))
    counters = list(SellerCounterItem.scan())

    found.orders = len(orders)
    found.cancellations = sum(len(items) for items in cancellations.values())
    found.history_entries = sum(len(seqs) for seqs in history.values())
    by_id = {order.order_id: order for order in orders}
    for order_id in set(cancellations) - set(by_id):
        found.add("order status consistent with its cancellations", f"cancellations of a missing order {order_id}")
    for order_id in set(history) - set(by_id):
        found.add("one history entry per order version", f"history of a missing order {order_id}")

    requested: Counter[str] = Counter()
    auto_approved: Counter[str] = Counter()
    placed: Counter[tuple[str, str]] = Counter()
    faults: Counter[tuple[str, str]] = Counter()
    found.order_statuses.update(order.status for order in orders)
    found.cancellation_statuses.update(
        f"{c.status} ({c.auto_approve_cause or c.reject_reason})" if c.auto_approve_cause or c.reject_reason
        else c.status for items in cancellations.values() for c in items)
    for order in orders:
        mine = cancellations.get(order.order_id, [])
        _check_order(order, mine, history.get(order.order_id, []), found)
        day = market_day(parse_iso(order.placed_at), tz).isoformat()
        placed[(order.seller_id, day)] += 1
        for c in mine:
            if c.status == CancellationStatus.REQUESTED:
                requested[c.seller_id] += 1
            elif c.status == CancellationStatus.AUTO_APPROVED and c.acknowledged_at is None:
                auto_approved[c.seller_id] += 1
        # An order counts once as seller-fault, whatever mix of cancellations it had.
        faults[(order.seller_id, day)] += int(any(c.status == CancellationStatus.SELLER_CANCELLED
                                                  and c.counts_toward_sfcr for c in mine))

    # A count is the sum over the seller's shards (any one shard may be negative: a change adds to one at random).
    stored_requested: Counter[str] = Counter()
    stored_auto: Counter[str] = Counter()
    stored_orders: Counter[tuple[str, str]] = Counter()
    stored_faults: Counter[tuple[str, str]] = Counter()
    for item in counters:
        if item.shard_key.rsplit("#", 1)[0] != item.seller_id:
            found.add("action-needed counters equal a recount", f"shard {item.shard_key} names seller {item.seller_id}")
            continue
        if item.counter_key == ACTION_NEEDED_KEY:
            stored_requested[item.seller_id] += int(item.requested or 0)
            stored_auto[item.seller_id] += int(item.auto_approved or 0)
        elif item.counter_key.startswith(COHORT_PREFIX):
            key = (item.seller_id, item.counter_key.removeprefix(COHORT_PREFIX))
            stored_orders[key] += int(item.orders or 0)
            stored_faults[key] += int(item.seller_fault or 0)
    stored_action = {seller: (stored_requested[seller], stored_auto[seller])
                     for seller in set(stored_requested) | set(stored_auto)}

    sellers = {order.seller_id for order in orders} | set(stored_action)
    found.sellers = len(sellers)
    for seller in sorted(sellers):
        counted = (requested[seller], auto_approved[seller])
        if stored_action.get(seller, (0, 0)) != counted:
            found.add("action-needed counters equal a recount",
                      f"{seller}: stored (requested, auto_approved) {stored_action.get(seller)}, recount {counted}")
    for key in sorted(set(placed) | set(stored_orders) | set(faults) | set(stored_faults)):
        if (stored_orders[key], stored_faults[key]) != (placed[key], faults[key]):
            found.add("SFCR cohort counters equal a recount",
                      f"{key}: stored (orders, seller_fault) {(stored_orders[key], stored_faults[key])}, "
                      f"recount {(placed[key], faults[key])}")
    return found


def action_needed_recount(due_before: datetime | None = None) -> dict[str, dict[str, int]]:
    """What GET /seller/action-needed should answer for each seller, recounted from the cancellations; with
    `due_before`, `due_soon` too (the pending requests due before it)."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for c in CancellationItem.scan():
        if c.status == CancellationStatus.REQUESTED and c.offer is not None and c.offer.status == "OPEN":
            counts[c.seller_id]["awaiting_buyer"] += 1  # the buyer has the word: nothing is asked of the seller
        elif c.status == CancellationStatus.REQUESTED:
            counts[c.seller_id]["cancellation_requested"] += 1
            if due_before is not None and c.respond_by and parse_iso(c.respond_by) <= due_before:
                counts[c.seller_id]["due_soon"] += 1
        elif c.status == CancellationStatus.AUTO_APPROVED and c.acknowledged_at is None:
            counts[c.seller_id]["auto_approved"] += 1
    return {seller: {"total": n["cancellation_requested"] + n["auto_approved"],
                     "cancellation_requested": n["cancellation_requested"], "auto_approved": n["auto_approved"],
                     "awaiting_buyer": n["awaiting_buyer"],
                     **({"due_soon": n["due_soon"]} if due_before is not None else {})}
            for seller, n in counts.items()}
