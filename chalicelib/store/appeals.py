"""Appeals in DynamoDB (docs/appeals.md): the item and its index keys, reads by key, the seller's pages and the
operators' queue. Opening and deciding are written by `transactions.commit`, beside the cancellation they mark."""

import heapq
from typing import Any

from pynamodb.expressions.condition import Condition
from pynamodb.transactions import TransactWrite

from ..domain.clock import iso, parse_iso
from ..domain.enums import AppealStatus
from ..domain.evidence import ContentType, Evidence
from ..domain.model import Appeal
from .appeal_models import AppealItem, queue_shard, queue_shards
from .base_models import EvidenceMap
from .mapping import Raw
from .reads import Key, Page, _page


def _iso(value: Any) -> str | None:
    return iso(value) if value is not None else None


def to_item(appeal: Appeal) -> AppealItem:
    """An OPEN appeal carries the queue's keys; a decided one drops them and leaves the queue."""
    is_open = appeal.status is AppealStatus.OPEN
    return AppealItem(
        appeal.appeal_id, cancel_id=appeal.cancel_id, order_id=appeal.order_id, seller_id=appeal.seller_id,
        status=appeal.status.value, statement=appeal.statement,
        evidence=[EvidenceMap(evidence_id=e.evidence_id, content_type=e.content_type.value, size=e.size)
                  for e in appeal.evidence] or None,
        opened_at=iso(appeal.opened_at), decide_by=iso(appeal.decide_by), decided_at=_iso(appeal.decided_at),
        decided_by=appeal.decided_by, decision_note=appeal.decision_note,
        opened_key=f"{iso(appeal.opened_at)}#{appeal.appeal_id}",
        seller_status=f"{appeal.seller_id}#{appeal.status.value}",
        queue_shard=queue_shard(appeal.appeal_id) if is_open else None,
        decide_key=f"{iso(appeal.decide_by)}#{appeal.appeal_id}" if is_open else None,
    )


def _s(raw: Raw, name: str) -> str | None:
    value = raw.get(name)
    return value.get("S") if value else None


def from_raw(raw: Raw) -> Appeal:
    decided_at = _s(raw, "decided_at")
    return Appeal(
        appeal_id=raw["appeal_id"]["S"], cancel_id=raw["cancel_id"]["S"], order_id=raw["order_id"]["S"],
        seller_id=raw["seller_id"]["S"], status=AppealStatus(raw["status"]["S"]), statement=raw["statement"]["S"],
        opened_at=parse_iso(raw["opened_at"]["S"]), decide_by=parse_iso(raw["decide_by"]["S"]),
        evidence=tuple(Evidence(m["M"]["evidence_id"]["S"], ContentType(m["M"]["content_type"]["S"]),
                                int(m["M"]["size"]["N"])) for m in raw.get("evidence", {}).get("L") or ()),
        decided_at=parse_iso(decided_at) if decided_at else None, decided_by=_s(raw, "decided_by"),
        decision_note=_s(raw, "decision_note"),
    )


def get(appeal_id: str) -> Appeal | None:
    """One consistent GetItem: what a decision is made from."""
    raw = AppealItem._get_connection().get_item(appeal_id, consistent_read=True).get("Item")
    return from_raw(raw) if raw else None


def stage(txn: TransactWrite, appeal: Appeal, was: AppealStatus | None) -> None:
    """The appeal written whole: a new one on condition its id is free, a decided one on condition it was still
    `was` (OPEN), so of two operators deciding at once one commits and the other decides again and meets
    APPEAL_DECIDED."""
    condition: Condition = (AppealItem.appeal_id.does_not_exist() if was is None
                            else AppealItem.status == was.value)
    txn.save(to_item(appeal), condition=condition)


def seller_appeals(seller_id: str, status: AppealStatus | None, limit: int, after: Key | None) -> Page[Appeal]:
    """One page of a seller's appeals, newest first, in one Query."""
    if status is None:
        items, last = _page(AppealItem, AppealItem.by_seller, seller_id, ("appeal_id", "seller_id", "opened_key"),
                            limit, after, newest_first=True)
    else:
        items, last = _page(AppealItem, AppealItem.by_seller_status, f"{seller_id}#{status.value}",
                            ("appeal_id", "seller_status", "opened_key"), limit, after, newest_first=True)
    return Page([from_raw(raw) for raw in items], last)


def queue(limit: int, after: str | None) -> tuple[list[Appeal], str | None]:
    """Every seller's open appeals, soonest decide_by first: one Query per shard of the sparse index, each for the
    `limit + 1` first keys past `after`, merged. The page's `limit` smallest keys are among what was read, since
    each shard gave its own smallest; `decide_key` is unique, so the next page starts after the last one served.
    Answers the page and the key to resume after (None: nothing more)."""
    connection = AppealItem._get_connection()
    index = AppealItem.open_by_decide_by.Meta.index_name
    condition = AppealItem.decide_key > after if after else None
    found: list[Raw] = []
    for shard in queue_shards():
        data = connection.query(shard, range_key_condition=condition, index_name=index, limit=limit + 1,
                                scan_index_forward=True)
        found += data.get("Items", [])
    ordered = heapq.nsmallest(limit + 1, found, key=lambda raw: raw["decide_key"]["S"])
    served = ordered[:limit]
    more = len(ordered) > limit
    return [from_raw(raw) for raw in served], (served[-1]["decide_key"]["S"] if more and served else None)
