"""The appeals' table (docs/appeals.md): one item per appeal, keyed by its id, with the seller's lists and the
operators' queue as indexes (no Scan)."""

import zlib

from pynamodb.attributes import ListAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from .base_models import EvidenceMap, _Meta, _TableName

# Open appeals are spread over this many partitions of the queue's index, as pending requests are over the
# due-time index: every marketplace's open appeal would otherwise sit under one key. The queue reads each shard
# and merges them (`store.appeals.queue`), so the count is fixed here: a shard dropped later would hide appeals.
QUEUE_SHARDS = 4


def queue_shard(appeal_id: str) -> str:
    """The queue shard of an appeal, from its id alone, so every write of it lands on the same one."""
    return f"OPEN#{zlib.crc32(appeal_id.encode()) % QUEUE_SHARDS}"


def queue_shards() -> list[str]:
    return [f"OPEN#{shard}" for shard in range(QUEUE_SHARDS)]


class AppealsBySeller(GlobalSecondaryIndex["AppealItem"]):
    """A seller's appeals, newest first."""

    class Meta:
        index_name = "by_seller"
        projection = AllProjection()

    seller_id = UnicodeAttribute(hash_key=True)
    opened_key = UnicodeAttribute(range_key=True)


class AppealsBySellerStatus(GlobalSecondaryIndex["AppealItem"]):
    """A seller's appeals of one status (`<seller>#<status>`), newest first."""

    class Meta:
        index_name = "by_seller_status"
        projection = AllProjection()

    seller_status = UnicodeAttribute(hash_key=True)
    opened_key = UnicodeAttribute(range_key=True)


class OpenByDecideBy(GlobalSecondaryIndex["AppealItem"]):
    """Sparse: only OPEN appeals carry `queue_shard`/`decide_key` (`<decide_by>#<appeal_id>`), so the operators'
    queue reads open appeals only, soonest decide_by first."""

    class Meta:
        index_name = "open_by_decide_by"
        projection = AllProjection()

    queue_shard = UnicodeAttribute(hash_key=True)
    decide_key = UnicodeAttribute(range_key=True)


class AppealItem(Model):
    """Written whole in the transaction that opens or decides it: opening on condition that no item has its id,
    deciding on condition that it is still OPEN, so two operators deciding at once decide once."""

    class Meta(_Meta):
        table_name = _TableName("APPEALS_TABLE")

    appeal_id = UnicodeAttribute(hash_key=True)
    cancel_id = UnicodeAttribute()
    order_id = UnicodeAttribute()
    seller_id = UnicodeAttribute()
    status = UnicodeAttribute()
    statement = UnicodeAttribute()
    evidence = ListAttribute(of=EvidenceMap, null=True)
    opened_at = UnicodeAttribute()
    decide_by = UnicodeAttribute()
    decided_at = UnicodeAttribute(null=True)
    decided_by = UnicodeAttribute(null=True)
    decision_note = UnicodeAttribute(null=True)
    # index keys, derived by `store.appeals.to_item`
    opened_key = UnicodeAttribute()
    seller_status = UnicodeAttribute()
    queue_shard = UnicodeAttribute(null=True)
    decide_key = UnicodeAttribute(null=True)

    by_seller = AppealsBySeller()
    by_seller_status = AppealsBySellerStatus()
    open_by_decide_by = OpenByDecideBy()


APPEAL_MODELS: tuple[type[Model], ...] = (AppealItem,)
