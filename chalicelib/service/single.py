"""A single command (one state change per call, beside `bulk`'s many): decide, commit (deciding again after a
lost race), answer, through the keyed pipeline; with an `Idempotency-Key`, the answer is stored inside the
change's own transaction, or replayed if one is kept."""

from collections.abc import Callable
from datetime import datetime
from typing import Generic

import msgspec

from ..domain.errors import DomainError
from ..store.idempotency import IdempotencyRecord
from .executor import Decider, Decision, S, execute
from .idempotency import Answer, Idempotency, keyed

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
    def act(sealing: Idempotency | None) -> tuple[Answer, bool]:
        def seal(decision: Decision[S]) -> IdempotencyRecord:
            assert sealing is not None
            answer = _answer(command, decision)
            return sealing.seal(answer.status, answer.body)

        decision = execute(command.decide, now, seal if sealing else None, retry_conflicts=True)
        return _answer(command, decision), sealing is not None and decision.change is not None

    return keyed(idem, act, refuse, replay_first=False)
