"""Runs a decision against fresh state and commits it, deciding again if another writer got there first."""

import time
from collections.abc import Callable
from datetime import datetime
from typing import Generic, TypeVar

import msgspec

from .. import obs
from ..domain.enums import HistoryAction
from ..domain.errors import Conflict, DomainError
from ..domain.model import Appeal, Cancellation, Change, Order
from ..store.contention import Contention, backoff, only_conflicts
from ..store.idempotency import IdempotencyRecord
from ..store.transactions import StaleState
from .writes import commit

# A racing writer can only win a few times in a row before the state leaves the one we can act on.
MAX_ATTEMPTS = 3
# DynamoDB cancels a transaction that meets another one in flight on any of its items (TransactionConflict):
# another writer is at work, on this object or on a counter item shared by the seller's objects. Once it is
# done, deciding again gives the real answer; the pause before trying grows with each attempt (jittered).
CONFLICT_BACKOFF_SECONDS = 0.02
pause: Callable[[float], None] = time.sleep


S = TypeVar("S", Order, Cancellation, Appeal)
T = TypeVar("T")


class Decision(msgspec.Struct, Generic[S], frozen=True):
    """What a decision produced: the change to write (None: nothing to write) and the order or cancellation
    to answer with."""

    change: Change | None
    subject: S
    created: bool = False


Decider = Callable[[], Decision[S]]
Sealer = Callable[[Decision[S]], IdempotencyRecord | None]


def execute(decide: Decider[S], now: datetime, seal: Sealer[S] | None = None, *,
            retry_conflicts: bool = False, counter_shard: int | None = None) -> Decision[S]:
    """`decide` loads state and raises a DomainError or returns an Decision; `seal` gives the idempotency
    record to commit with the change (the answer is then stored atomically with the effect).

    `retry_conflicts`: a transaction DynamoDB cancelled for conflicting with another one in flight is a race
    like any other: decide again after a short pause (the API's callers get the loser's 409, never a 500);
    without it the Contention goes to the caller, e.g. the expiry job, which has its own retry and backoff.

    `counter_shard`: the seller counter shard to move (default: one at random); see `transactions.commit`."""
    def attempt(n: int) -> Decision[S] | None:
        decision = decide()
        if decision.change is None:
            return decision
        try:
            commit(decision.change, now=now, idempotency=seal(decision) if seal else None, counter_shard=counter_shard)
        except StaleState:
            return None
        except Contention as error:
            # Only a conflict means another writer; throttling and the like stay server-side failures, and
            # so does a conflict that outlasts the attempts (the API answers it 503 with Retry-After).
            if not retry_conflicts or not only_conflicts(error.codes) or n + 1 == MAX_ATTEMPTS:
                raise
            pause(backoff(n, CONFLICT_BACKOFF_SECONDS))
            return None
        _count(decision.change)
        return decision

    return decide_and_retry(attempt, lambda: Conflict("The object changed while this request was handled; retry.",
                                                      code="CONCURRENT_UPDATE"))


def decide_and_retry(attempt: Callable[[int], T | None], conflict: Callable[[], DomainError]) -> T:
    """The one decide-and-retry loop: `attempt(n)` decides from fresh reads and writes on the condition that
    nothing changed since, returning None when another writer got there first; after MAX_ATTEMPTS lost races,
    `conflict()` is raised."""
    for n in range(MAX_ATTEMPTS):
        result = attempt(n)
        if result is not None:
            return result
    raise conflict()


def _count(change: Change) -> None:
    """Business metrics of a committed change."""
    c = change.cancellation
    if change.history.action is HistoryAction.CANCELLATION_AUTO_APPROVED and c is not None and c.auto_approve_cause:
        obs.metrics("cancellation.auto_approved", {"AutoApprovals": (1, "Count")},
                    {"Cause": c.auto_approve_cause.value}, cancel_id=c.cancel_id)
