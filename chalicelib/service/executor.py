"""Runs a decision against fresh state and commits it, deciding again if another writer got there first."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..domain.errors import Conflict
from ..domain.model import Change
from ..store.transactions import IdempotencyRecord, StaleState, commit

# A racing writer can only win a few times in a row before the state leaves the one we can act on.
MAX_ATTEMPTS = 3


@dataclass(slots=True)
class Outcome:
    """What a decision produced: the change to write (None: nothing to write) and what to answer with."""

    change: Change | None
    subject: Any
    created: bool = False


Decider = Callable[[], Outcome]
Sealer = Callable[[Outcome], IdempotencyRecord | None]


def execute(decide: Decider, now: datetime, seal: Sealer | None = None) -> Outcome:
    """`decide` loads state and raises a DomainError or returns an Outcome; `seal` gives the idempotency
    record to commit with the change (the answer is then stored atomically with the effect)."""
    for _ in range(MAX_ATTEMPTS):
        outcome = decide()
        if outcome.change is None:
            return outcome
        try:
            commit(outcome.change, now=now, idempotency=seal(outcome) if seal else None)
        except StaleState:
            continue
        return outcome
    raise Conflict("The object changed while this request was handled; retry.", code="CONCURRENT_UPDATE")
