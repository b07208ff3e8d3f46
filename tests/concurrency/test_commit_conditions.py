"""Each condition of a commit, on its own.

A commit is one TransactWriteItems whose items carry conditions: the order's version (or that it is new),
the cancellation's version (or that it is new), that the next history entry and its event do not exist yet,
that no live answer holds the Idempotency-Key, that each evidence file attached is the seller's and unused, and
that an appeal is new (opening) or still in the status it was decided from (deciding).
In the product's flows they back each other up (a stale order usually means a taken history seq as well), so
here each case is a hand-built `Change` that exactly one of them refuses: the commit must raise and write
nothing at all, in any table.

The stored state every case starts from: order O1 at version 3 (history entries 1-3), its pending request C1
at version 2, the seller's counters, an answer kept under the key HELD, three evidence files: S1's unused,
S1's attached elsewhere, S2's; and two appeals of another cancellation: A_OPEN open, A_DONE upheld.
"""

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from msgspec.structs import replace

from chalicelib.domain.enums import Actor, AppealStatus, CancellationStatus, Fault, HistoryAction, OrderStatus
from chalicelib.domain.evidence import ContentType, EvidenceFile
from chalicelib.domain.model import (
    Appeal,
    Cancellation,
    Change,
    CohortDelta,
    CounterDelta,
    HistoryEntry,
    LineItem,
    Order,
)
from chalicelib.events import envelope
from chalicelib.service.writes import commit
from chalicelib.store import appeals as appeal_records
from chalicelib.store import evidence as evidence_records
from chalicelib.store import idempotency, models
from chalicelib.store.appeal_models import AppealItem
from chalicelib.store.evidence_models import EvidenceItem
from chalicelib.store.idempotency import IdempotencyKeyTaken, IdempotencyRecord
from chalicelib.store.transactions import StaleState
from chalicelib.store.webhook_models import WEBHOOK_MODELS
from devtools.dynamo_calls import DynamoCalls

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
DAY = "2026-11-23"
PLACED = NOW - timedelta(hours=3)


def order(version: int, status: OrderStatus = OrderStatus.AWAITING_SHIPMENT, **changes: Any) -> Order:
    base = Order("O1", "S1", "B1", (LineItem("SKU-1", 1, 1000),), "IDR", status, placed_at=PLACED,
                 paid_at=PLACED, version=version)
    return replace(base, **changes)


def cancellation(version: int, status: CancellationStatus = CancellationStatus.REQUESTED,
                 **changes: Any) -> Cancellation:
    base = Cancellation("C1", "O1", "S1", "B1", Actor.BUYER, status, "CHANGED_MIND", PLACED + timedelta(hours=2),
                        Fault.BUYER, False, respond_by=PLACED + timedelta(hours=50), version=version)
    return replace(base, **changes)


def entry(action: str, was: OrderStatus | None, now: OrderStatus) -> HistoryEntry:
    return HistoryEntry(NOW, Actor.SELLER, "S1", HistoryAction(action), was, now)


def kept(key: str) -> IdempotencyRecord:
    return IdempotencyRecord(key, "body-hash", 200, "{}", NOW, NOW + timedelta(hours=24))


PENDING = {"pending_cancel_id": "C1", "pending_respond_by": PLACED + timedelta(hours=50)}


@pytest.fixture
def stored(tables_and_queues: None) -> None:
    commit(Change(order=order(1), order_was=None,
                  history=entry("ORDER_RECORDED", None, OrderStatus.AWAITING_SHIPMENT),
                  cohort=CohortDelta(DAY, orders=1)), now=NOW)
    commit(Change(order=order(2, **PENDING), order_was=1,
                  history=entry("CANCELLATION_REQUESTED", OrderStatus.AWAITING_SHIPMENT,
                                OrderStatus.AWAITING_SHIPMENT),
                  cancellation=cancellation(1), cancellation_was=None, counters=CounterDelta(requested=1)), now=NOW)
    # The request moves on its own (a new comment): its version now runs behind the order's.
    commit(Change(order=order(3, OrderStatus.AWAITING_COLLECTION, arranged_at=NOW, **PENDING), order_was=2,
                  history=entry("SHIPMENT_ARRANGED", OrderStatus.AWAITING_SHIPMENT, OrderStatus.AWAITING_COLLECTION),
                  cancellation=cancellation(2, comment="please"), cancellation_was=1), now=NOW)
    idempotency.put(kept("HELD"), NOW)
    for file in (photo("evd_free"), photo("evd_theirs", seller_id="S2")):
        evidence_records.declare(file)
    evidence_records.declare(photo("evd_used"))
    EvidenceItem("evd_used").update(actions=[EvidenceItem.attached_to.set("C9")])
    for stored_appeal in (appeal("A_OPEN"), appeal("A_DONE", AppealStatus.UPHELD)):
        appeal_records.to_item(stored_appeal).save()


def appeal(appeal_id: str, status: AppealStatus = AppealStatus.OPEN) -> Appeal:
    return Appeal(appeal_id=appeal_id, cancel_id="C9", order_id="O9", seller_id="S1", status=status,
                  statement="Not my fault", opened_at=NOW, decide_by=NOW + timedelta(days=3))


def photo(evidence_id: str, seller_id: str = "S1") -> EvidenceFile:
    return EvidenceFile(evidence_id=evidence_id, seller_id=seller_id, content_type=ContentType.JPEG, size=10,
                        created_at=NOW)


def approval(*, order_was: int | None = 3, order_version: int = 4, cancellation_was: int | None = 2,
             key: str = "FRESH", event_taken: bool = False,
             attaches: tuple[EvidenceFile, ...] = (photo("evd_free"),), opens: Appeal | None = None,
             appeal_was: AppealStatus | None = None) -> tuple[Change, IdempotencyRecord]:
    """The seller approves C1, decided from the stored state; it writes every kind of item a change can
    (order, cancellation, history, idempotency, action-needed counters, SFCR cohort, an evidence file attached,
    an appeal: a hand-built change, no flow writes all of these at once), so "nothing at all" is checked on each.
    The defaults satisfy every condition."""
    change = Change(
        order=order(order_version, OrderStatus.CANCELLED, cancelled_at=NOW, cancel_id="C1", arranged_at=NOW),
        order_was=order_was,
        history=entry("CANCELLATION_APPROVED", OrderStatus.AWAITING_COLLECTION, OrderStatus.CANCELLED),
        cancellation=cancellation(3, CancellationStatus.APPROVED, comment="please", resolved_at=NOW,
                                  resolved_by=Actor.SELLER),
        cancellation_was=cancellation_was,
        counters=CounterDelta(requested=-1),
        cohort=CohortDelta(DAY, seller_fault=1),
        attaches=attaches,
        appeal=opens or appeal("A_NEW"),
        appeal_was=appeal_was,
    )
    if event_taken:
        taken = envelope.of_change(change, NOW)
        models.EventItem(models.event_feed_key(taken.seller_id, taken.event_id), taken.position,
                         event_id=taken.event_id, type=taken.type, body="{}").save()
    return change, kept(key)


# condition -> (the change only that condition refuses, what the commit raises)
CASES: dict[str, tuple[Callable[[], tuple[Change, IdempotencyRecord]], type[Exception]]] = {
    "order: version stale": (lambda: approval(order_was=2), StaleState),
    "order: new, but it exists": (lambda: approval(order_was=None), StaleState),
    "cancellation: version stale": (lambda: approval(cancellation_was=1), StaleState),
    "cancellation: new, but it exists": (lambda: approval(cancellation_was=None), StaleState),
    # The order's version matches, but the change did not move it on: its history entry (seq 3) exists.
    "history: next entry exists": (lambda: approval(order_version=3), StaleState),
    # The change's event is already in the outbox (only a lost write could put it there without its history).
    "event: position taken": (lambda: approval(event_taken=True), StaleState),
    "idempotency: key held": (lambda: approval(key="HELD"), IdempotencyKeyTaken),
    # A file attached by another change meanwhile, or another seller's: the attach's condition (E4).
    "evidence: attached meanwhile": (lambda: approval(attaches=(photo("evd_used"),)), StaleState),
    "evidence: another seller's": (lambda: approval(attaches=(photo("evd_theirs"),)), StaleState),
    # Two opens of one appeal id, and an appeal decided by another operator meanwhile (A5, A7).
    "appeal: new, but it exists": (lambda: approval(opens=appeal("A_OPEN")), StaleState),
    "appeal: decided meanwhile": (lambda: approval(opens=appeal("A_DONE", AppealStatus.OVERTURNED),
                                                   appeal_was=AppealStatus.OPEN), StaleState),
}
# The event is keyed by the same seq as the history entry: a taken seq is refused by both.
FAILED_TOO = {"history: next entry exists": "event, history"}
# The item each TransactWriteItems condition guards, by table.
LABELS = {models.OrderItem: "order", models.CancellationItem: "cancellation", models.HistoryItem: "history",
          models.IdempotencyItem: "idempotency", models.EventItem: "event", EvidenceItem: "evidence",
          AppealItem: "appeal"}


def everything() -> dict[str, list[str]]:
    """Every item of every table, raw and sorted: what "writes nothing at all" compares."""
    client = boto3.client("dynamodb")
    return {model.Meta.table_name: sorted(json.dumps(item, sort_keys=True) for item in
                                          client.scan(TableName=model.Meta.table_name, ConsistentRead=True)["Items"])
            for model in models.MODELS}


@pytest.mark.usefixtures("stored")
@pytest.mark.parametrize("case", list(CASES))
def test_each_condition_alone_refuses_the_commit_and_nothing_is_written(case: str) -> None:
    build, refusal = CASES[case]
    change, record = build()
    before = everything()
    with pytest.raises(refusal) as raised:
        commit(change, now=NOW, idempotency=record)
    if refusal is StaleState:  # the failed conditions, by item: exactly this one
        assert str(raised.value) == FAILED_TOO.get(case, case.split(":")[0])
    assert everything() == before


@pytest.mark.usefixtures("stored")
def test_the_change_the_cases_start_from_commits() -> None:
    """Each case differs from this change in one field only, so its refusal is that condition's doing."""
    change, record = approval()
    before = everything()
    commit(change, now=NOW, idempotency=record)
    after = everything()
    # Every table a change writes: not a seller's settings or webhooks, which are replaced on their own.
    own = {models.SellerSettingsItem, *WEBHOOK_MODELS}
    written = [model for model in models.MODELS if model not in own]
    assert all(after[model.Meta.table_name] != before[model.Meta.table_name] for model in written)


@pytest.mark.usefixtures("stored")
def test_every_condition_a_commit_sends_has_a_case() -> None:
    tables = {model.Meta.table_name: label for model, label in LABELS.items()}
    change, record = approval()
    with DynamoCalls() as calls:
        commit(change, now=NOW, idempotency=record)
    (transaction,) = calls.of("TransactWriteItems")
    conditioned = [tables.get(body["TableName"], body["TableName"]) for _, body in transaction.transact_items()
                   if "ConditionExpression" in body]
    assert sorted(conditioned) == sorted({case.split(":")[0] for case in CASES})
