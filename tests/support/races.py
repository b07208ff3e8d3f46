"""Step-by-step replay of two writers racing on one order or cancellation, and a whole-store consistency check.

moto is not atomic under threads, so races are never run on threads: the loser reads a snapshot taken before
the winner committed (the first read of each item returns the snapshot), the winner commits, and only then
does the loser attempt its conditional write. Every commit the service makes is recorded, so a test can prove
the loser's first write was refused as stale and see what it did after deciding again from fresh state.
"""

from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import pairwise

import pytest
from msgspec.structs import replace

from chalicelib.domain.model import Cancellation, Change, Order
from chalicelib.service import executor
from chalicelib.store import contention, mapping, reads, transactions
from chalicelib.store.appeal_models import AppealItem
from chalicelib.store.models import CancellationItem, HistoryItem, OrderItem, SellerCounterItem

# Cancellation statuses that took their items off the order, and the one that still waits for the seller.
ACCEPTED = {"AUTO_APPROVED", "APPROVED", "SELLER_CANCELLED"}
PENDING = "REQUESTED"


@dataclass(slots=True)
class Snapshot:
    """Items as one writer read them, before the other writer committed."""

    orders: dict[str, Order | None] = field(default_factory=dict)  # None: not recorded yet
    cancellations: dict[str, Cancellation] = field(default_factory=dict)


def snapshot(*, order_ids: tuple[str, ...] = (), cancel_ids: tuple[str, ...] = ()) -> Snapshot:
    """Reads the orders and cancellations named, plus every cancellation of those orders."""
    snap = Snapshot()
    for order_id in order_ids:
        snap.orders[order_id] = reads.get_order(order_id)
        for cancellation in reads.order_cancellations(order_id):
            snap.cancellations[cancellation.cancel_id] = cancellation
    for cancel_id in cancel_ids:
        cancellation = reads.get_cancellation(cancel_id)
        assert cancellation is not None, cancel_id
        snap.cancellations[cancel_id] = cancellation
        order = reads.get_order(cancellation.order_id)
        assert order is not None
        snap.orders.setdefault(order.order_id, order)
    return snap


@dataclass(frozen=True, slots=True)
class Attempt:
    """One conditional write the service tried: the change and whether it committed or was stale."""

    change: Change
    outcome: str  # "committed" | "stale" | "conflict" (DynamoDB cancelled it: another transaction was in flight)


class Replay:
    """Records every commit the executor attempts and serves stale snapshots to the next writer."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch):
        self.monkeypatch = monkeypatch
        self.attempts: list[Attempt] = []
        self.stale_reads = 0
        real_commit = executor.commit

        def recording_commit(change: Change, **kwargs) -> None:
            try:
                real_commit(change, **kwargs)
            except transactions.StaleState:
                self.attempts.append(Attempt(change, "stale"))
                raise
            except contention.Contention:
                self.attempts.append(Attempt(change, "conflict"))
                raise
            self.attempts.append(Attempt(change, "committed"))

        monkeypatch.setattr(executor, "commit", recording_commit)

    def reset(self) -> None:
        self.attempts.clear()
        self.stale_reads = 0

    @property
    def outcomes(self) -> list[str]:
        return [attempt.outcome for attempt in self.attempts]

    @contextmanager
    def stale(self, snap: Snapshot) -> Iterator[None]:
        """Inside: the first read of each snapshot item (and the expiry job's due-request query) sees the
        snapshot; later reads, i.e. the re-decision after a lost race, see the store."""
        self.reset()
        served: set[tuple[str, str]] = set()
        real_get_order, real_get_cancellation = reads.get_order, reads.get_cancellation
        real_get_orders, real_due = reads.get_orders, reads.due_requests
        real_get_cancellations = reads.get_cancellations

        def first_time(kind: str, key: str) -> bool:
            if (kind, key) in served:
                return False
            served.add((kind, key))
            self.stale_reads += 1
            return True

        def get_order(order_id: str) -> Order | None:
            if order_id in snap.orders and first_time("order", order_id):
                stale = snap.orders[order_id]
                return replace(stale) if stale is not None else None
            return real_get_order(order_id)

        def get_cancellation(cancel_id: str) -> Cancellation | None:
            if cancel_id in snap.cancellations and first_time("cancellation", cancel_id):
                return replace(snap.cancellations[cancel_id])
            return real_get_cancellation(cancel_id)

        def get_cancellations(cancel_ids: list[str]) -> dict[str, Cancellation]:
            stale = [i for i in cancel_ids if i in snap.cancellations and first_time("cancellation", i)]
            found = real_get_cancellations([i for i in cancel_ids if i not in stale])
            found.update({i: replace(snap.cancellations[i]) for i in stale})
            return found

        def get_orders(order_ids: list[str], **kwargs: bool) -> dict[str, Order]:
            stale = [i for i in order_ids if i in snap.orders and first_time("order", i)]
            found = real_get_orders([i for i in order_ids if i not in stale], **kwargs)
            found.update({i: replace(snap.orders[i]) for i in stale if snap.orders[i] is not None})
            return found

        def due_requests(now: datetime, shard: int, page_size: int = 100) -> Iterator[Cancellation]:
            if not first_time("due", str(shard)):
                yield from real_due(now, shard, page_size)
                return
            # As the index keys them: by respond_by, or by the open offer's answer_by (mapping.due_at).
            due = [(at, c) for c in snap.cancellations.values()
                   if (at := mapping.due_at(c)) is not None and at <= now
                   and mapping.due_shard(c.cancel_id) == str(shard)]
            for _, c in sorted(due, key=lambda pair: (pair[0], pair[1].cancel_id)):
                served.add(("cancellation", c.cancel_id))  # the job's read of it: a retry reads the store
                yield c

        with self.monkeypatch.context() as patch:
            patch.setattr(reads, "get_order", get_order)
            patch.setattr(reads, "get_cancellation", get_cancellation)
            patch.setattr(reads, "get_orders", get_orders)
            patch.setattr(reads, "get_cancellations", get_cancellations)
            patch.setattr(reads, "due_requests", due_requests)
            yield
        assert self.stale_reads, "the loser never read the stale snapshot: the race was not replayed"

    def assert_lost_then(self, *after: str) -> None:
        """The loser's first write was refused as stale; `after` lists what its re-decision wrote."""
        assert self.outcomes == ["stale", *after], self.outcomes


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def _refund_offer_accepted(c: CancellationItem) -> bool:
    """A partial-refund offer the buyer accepted: the one cancellation not accepted that owes money (OF6)."""
    return (c.withdraw_cause == "OFFER_ACCEPTED" and c.offer is not None and c.offer.kind == "PARTIAL_REFUND")


def assert_store_consistent() -> None:
    """Every cross-item invariant of the stored data, recounted from the items themselves."""
    orders = {item.order_id: item for item in OrderItem.scan()}
    cancellations = list(CancellationItem.scan())
    by_order: dict[str, list[CancellationItem]] = defaultdict(list)
    for c in cancellations:
        assert c.order_id in orders, f"cancellation {c.cancel_id} of an unknown order"
        by_order[c.order_id].append(c)

    for order_id, order in orders.items():
        mine = by_order[order_id]
        pending = [c.cancel_id for c in mine if c.status == PENDING]
        accepted = sorted((c for c in mine if c.status in ACCEPTED), key=lambda c: c.resolved_at or "")
        assert len(pending) <= 1, f"{order_id}: more than one pending request {pending}"
        assert order.pending_cancel_id == (pending[0] if pending else None), order_id
        # Each line's cancelled quantity is what the accepted cancellations took off it, never more than ordered;
        # the order is CANCELLED exactly when nothing remains, by the cancellation that took the last of it.
        taken: Counter[str] = Counter()
        for c in accepted:
            for line in c.line_items or []:
                taken[line.sku] += int(line.quantity)
        prices = {line.sku: int(line.unit_price) for line in order.items}
        for line in order.items:
            cancelled = int(line.cancelled_quantity or 0)
            assert 0 <= cancelled <= int(line.quantity), f"{order_id}: {line.sku} cancelled {cancelled}"
            assert cancelled == taken[line.sku], f"{order_id}: {line.sku} {cancelled} vs {taken[line.sku]}"
        assert set(taken) <= set(prices), order_id
        remaining = sum((int(i.quantity) - int(i.cancelled_quantity or 0)) * int(i.unit_price) for i in order.items)
        nothing_left = all(int(i.quantity) == int(i.cancelled_quantity or 0) for i in order.items)
        assert int(order.remaining_total) == remaining, order_id
        assert (order.status == "CANCELLED") == nothing_left, f"{order_id}: {order.status} vs {taken}"
        if nothing_left:
            assert order.cancel_id in {c.cancel_id for c in accepted}, order_id
        else:
            assert order.cancel_id is None, order_id
        unseen = sum(c.status == "AUTO_APPROVED" and c.acknowledged_at is None for c in accepted)
        assert int(order.unacknowledged or 0) == unseen and bool(order.awaiting_acknowledgement) == bool(unseen), \
            order_id
        assert bool(order.seller_fault) == any(c.counts_toward_sfcr for c in accepted), order_id
        # The order's count of what still counts toward the SFCR: an overturned appeal took one off (A6).
        if order.seller_fault_cancellations is not None:
            assert int(order.seller_fault_cancellations) == sum(bool(c.counts_toward_sfcr) for c in accepted), \
                order_id
        # Money: each line's amount at its price; a refund owed exactly for an accepted cancellation of a paid order.
        for c in mine:
            for line in c.line_items or []:
                assert int(line.amount) == int(line.quantity) * prices[line.sku], (c.cancel_id, line.sku)
            if c.status in ACCEPTED or _refund_offer_accepted(c):
                assert c.refund_status in ("PENDING", "REFUNDED", "NOT_APPLICABLE"), c.cancel_id
            else:
                assert c.refund_status in ("NONE", "NOT_APPLICABLE"), c.cancel_id
            assert (c.refund_reference is not None) == (c.refunded_at is not None) == (c.refund_status == "REFUNDED")
        history = list(HistoryItem.query(order_id, consistent_read=True))
        # One entry per change: the order's version counts its changes and is the entry's seq.
        assert [h.seq for h in history] == list(range(1, int(order.version) + 1)), order_id
        assert history[-1].to_status == order.status, order_id
        for before, after in pairwise(history):
            assert after.from_status == before.to_status, order_id

    requested: Counter[str] = Counter()
    unseen: Counter[str] = Counter()
    awaiting: Counter[str] = Counter()
    for c in cancellations:
        if c.status == PENDING:
            # An open offer waits for the buyer: it counts there, not among the requests (offers.md, OF9).
            (awaiting if c.offer is not None and c.offer.status == "OPEN" else requested)[c.seller_id] += 1
        else:
            assert c.offer is None or c.offer.status != "OPEN", f"{c.cancel_id}: an open offer on a {c.status}"
        if c.status == "AUTO_APPROVED" and c.acknowledged_at is None:
            unseen[c.seller_id] += 1
    placed: Counter[tuple[str, str]] = Counter()
    faults: Counter[tuple[str, str]] = Counter()
    for order in orders.values():
        day = order.placed_at[:10]  # the market is UTC in tests
        placed[order.seller_id, day] += 1
        # Once per order, whatever mix of partial and whole seller-fault cancellations it had (M4).
        faults[order.seller_id, day] += int(any(c.status in ACCEPTED and c.counts_toward_sfcr
                                                for c in by_order[order.order_id]))

    # A count is the sum over the seller's shards.
    actions: dict[str, Counter[str]] = defaultdict(Counter)
    cohorts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for item in SellerCounterItem.scan():
        assert item.shard_key.rsplit("#", 1)[0] == item.seller_id, item.shard_key
        if item.counter_key == "ACTION":
            actions[item.seller_id].update(requested=int(item.requested or 0), unseen=int(item.auto_approved or 0),
                                           awaiting=int(item.awaiting_buyer or 0))
        else:
            cohorts[item.seller_id, item.counter_key.removeprefix("DAY#")].update(
                placed=int(item.orders or 0), faults=int(item.seller_fault or 0))
    # Appeals (docs/appeals.md): each cancellation's marker is its appeal's status; appeals_open counts the open ones.
    open_appeals: Counter[str] = Counter()
    markers = {c.cancel_id: c.appeal for c in cancellations}
    for appeal in AppealItem.scan():
        marker = markers[appeal.cancel_id]
        assert marker is not None and (marker.appeal_id, marker.status) == (appeal.appeal_id, appeal.status), \
            appeal.appeal_id
        open_appeals[appeal.seller_id] += appeal.status == "OPEN"
        assert (appeal.queue_shard is not None) == (appeal.status == "OPEN"), appeal.appeal_id
    for item in SellerCounterItem.scan():
        if item.counter_key == "ACTION":
            open_appeals[item.seller_id] -= int(item.appeals_open or 0)
    assert not +open_appeals and not -open_appeals, dict(open_appeals)
    stored_actions = {seller: (c["requested"], c["unseen"], c["awaiting"]) for seller, c in actions.items()}
    stored_cohorts = {key: (c["placed"], c["faults"]) for key, c in cohorts.items()}
    sellers = {o.seller_id for o in orders.values()} | set(stored_actions)
    for seller in sellers:
        assert stored_actions.get(seller, (0, 0, 0)) == (requested[seller], unseen[seller], awaiting[seller]), seller
    for key in set(placed) | set(stored_cohorts):
        assert stored_cohorts.get(key, (0, 0)) == (placed[key], faults[key]), key
