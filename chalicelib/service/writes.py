"""A decided change written: the service builds its event from the values it commits and hands both to the
store's one transaction, so the store writes items and never builds an event."""

from datetime import datetime

from ..domain.model import Change
from ..store import transactions
from ..store.idempotency import IdempotencyRecord


def commit(change: Change, *, now: datetime, idempotency: IdempotencyRecord | None = None,
           counter_shard: int | None = None) -> None:
    """`transactions.commit` with the change's event; raises what it raises."""
    from ..events import envelope  # only a state change builds an event: a read-only instance never loads it

    transactions.commit(change, event=envelope.of_change(change, now), now=now, idempotency=idempotency,
                        counter_shard=counter_shard)
