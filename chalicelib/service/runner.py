"""Runs a state-changing command: decide, commit (deciding again after a lost race), answer; with an
`Idempotency-Key`, the answer is stored inside the change's own transaction, or replayed if one is kept."""

from collections.abc import Callable
from datetime import datetime
from typing import Generic

import msgspec

from ..domain.errors import DomainError
from ..store.idempotency import IdempotencyKeyTaken, IdempotencyRecord
from .executor import Decider, Decision, S, execute
from .idempotency import Answer, Idempotency

Refusal = Callable[[DomainError], Answer]


class Command(msgspec.Struct, Generic[S], frozen=True, kw_only=True):
    """A state change: how to decide it, and how to answer (status, Struct) once it is decided."""

    decide: Decider[S]
    answer: Callable[[Decision[S]], tuple[int, msgspec.Struct]]


def _answer(command: "Command[S]", outcome: Decision[S]) -> Answer:
    status, payload = command.answer(outcome)
    return Answer(status, msgspec.json.encode(payload).decode())


def run(command: Command[S], now: datetime, idem: Idempotency | None, refuse: Refusal) -> Answer:
    """`refuse` turns a rule's refusal into its answer (kept under the key like any other answer);
    a replayed key's body mismatch is raised as the Unprocessable it is."""
    def seal(outcome: Decision[S]) -> IdempotencyRecord:
        assert idem is not None
        answer = _answer(command, outcome)
        return idem.seal(answer.status, answer.body)

    try:
        outcome = execute(command.decide, now, seal if idem else None, retry_conflicts=True)
    except IdempotencyKeyTaken:
        assert idem is not None
        replayed = idem.replay()
        if replayed is not None:
            return replayed
        # The earlier record expired in between: nothing to replay, act afresh.
        outcome = execute(command.decide, now, None, retry_conflicts=True)
    except DomainError as error:
        refused = refuse(error)
        return idem.keep(refused) if idem else refused
    answer = _answer(command, outcome)
    if outcome.change is None and idem is not None:
        return idem.keep(answer)
    return answer
