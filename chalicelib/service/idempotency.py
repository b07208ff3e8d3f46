"""`Idempotency-Key`: the first answer to a key is kept and replayed, never acted on twice.

A state change writes its answer in the same transaction as the change itself (`seal`), so there is no window
in which the effect exists without its answer; an answer that changed nothing is kept by a conditional put
(`keep`). 5xx answers are never kept, so a retry after one acts afresh.
"""

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta

import msgspec

from ..domain.errors import DomainError, Unprocessable
from ..domain.identity import Identity
from ..store import idempotency as stored
from ..store.idempotency import IdempotencyKeyTaken, IdempotencyRecord

RETENTION = timedelta(hours=24)


class Answer(msgspec.Struct, frozen=True):
    """An HTTP answer as the service decides it: status, JSON body, and whether it is a replay."""

    status: int
    body: str
    replayed: bool = False


def _sha256(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


class KeyReused(Unprocessable):
    """The key came with another body: answered 422, never kept, so the first answer stays the kept one."""


def key_reused() -> KeyReused:
    return KeyReused("This Idempotency-Key was used with a different body.", code="IDEMPOTENCY_KEY_REUSED")


class Idempotency(msgspec.Struct, frozen=True):
    key: str
    body_hash: str
    now: datetime

    @classmethod
    def scoped(cls, client_key: str, identity: Identity, method: str, path: str, body: bytes,
               now: datetime) -> "Idempotency":
        """The stored key is the client's key within the caller, the method and the path. The caller is the
        whole identity the token states: one account (`sub`) may hold tokens for two shops, and an answer kept
        for one shop must never be replayed to the other (it would show its objects)."""
        caller: tuple[str, ...] = (identity.sub, identity.role.value, identity.seller_id or "",
                                   identity.buyer_id or "")
        if identity.operator_id:  # only operators' keys grow a part: everyone else's stored keys stay valid
            caller = (*caller, identity.operator_id)
        key = _sha256(*(part.encode() for part in caller), method.encode(), path.encode(), client_key.encode())
        return cls(key=key, body_hash=_sha256(body), now=now)

    def part(self, name: str) -> "Idempotency":
        """The key of one part of a call that commits in parts (a bulk answer's item): each part's answer is
        sealed in its own transaction, so a retry after a crash halfway acts on no part twice."""
        return Idempotency(key=_sha256(self.key.encode(), name.encode()), body_hash=self.body_hash, now=self.now)

    def seal(self, status: int, body: str) -> IdempotencyRecord:
        return IdempotencyRecord(self.key, self.body_hash, status, body, self.now, self.now + RETENTION)

    def replay(self) -> Answer | None:
        """The kept answer to this key, or None if none is kept; raises Unprocessable if the key came with
        another body."""
        kept = stored.get(self.key, self.now)
        if kept is None:
            return None
        if kept.body_hash != self.body_hash:
            raise key_reused()
        return Answer(kept.status_code, kept.response, replayed=True)

    def keep(self, answer: Answer, *, look_first: bool = True) -> Answer:
        """Keeps an answer that sealed nothing, unless an earlier one holds the key (then replays it).
        `look_first` reads the key before the put: without it, a taken key is only found by the put failing."""
        if answer.status >= 500:
            return answer
        earlier = self.replay() if look_first else None
        if earlier is not None:
            return earlier
        try:
            stored.put(self.seal(answer.status, answer.body), self.now)
        except IdempotencyKeyTaken:
            return self.replay() or answer
        return answer


Act = Callable[[Idempotency | None], tuple[Answer, bool]]


def keyed(idem: Idempotency | None, act: Act, refuse: Callable[[DomainError], Answer], *,
          replay_first: bool, look_before_keeping: bool = True) -> Answer:
    """The one pipeline of a state-changing command and its key (single commands, bulk answers, webhook create and
    rotate).

    `act(sealing)` acts and answers, sealing its answer with `sealing` inside its own transaction when given, and
    says whether that settled the answer: sealed with its change, or one never to be kept (a bulk answer holding
    an item's 5xx). A key taken in the meantime replays the answer kept under it (if that expired in between, it
    acts again, unsealed); a refusal (`refuse`) or an unsettled answer is kept after. A key reused with another
    body is raised, never kept.
    `replay_first` looks for a kept answer before acting: one GetItem, for commands that act outside DynamoDB
    or whose change would not fail on a taken key. `look_before_keeping` reads the key again before keeping;
    without it the keeping put alone finds a twin call that finished first (and replays that call's answer)."""
    if idem is not None and replay_first:
        kept = idem.replay()
        if kept is not None:
            return kept
    try:
        answer, settled = act(idem)
    except IdempotencyKeyTaken:
        assert idem is not None
        replayed = idem.replay()
        if replayed is not None:
            return replayed
        answer, settled = act(None)
    except KeyReused:
        raise
    except DomainError as error:
        answer, settled = refuse(error), False
    if idem is None or settled:
        return answer
    return idem.keep(answer, look_first=look_before_keeping)
