"""Bulk answers: one call approves or rejects up to `MAX_BULK_IDS` requests, each decided and committed on its own.

Each item goes through the same decider (`commands.approve` / `commands.reject`), domain function and executor
as the single route, so the rules are never forked; only the first read differs: every request and then every
order the caller may see, in one consistent BatchGetItem each. Every item that changes commits its own
conditional transaction, so one refusal never stops or undoes another, and its status is the one the item
alone would have got.

Concurrency: up to `IN_FLIGHT` items commit at once. Every item of a call is one seller's, and each moves that
seller's action-needed counters: the items in flight take consecutive counter shards from a random start, so
they never meet on a counter item with each other (DynamoDB cancels one of two transactions in flight on an
item), and rarely with other writers of the seller.

`Idempotency-Key`, through the one keyed pipeline (`idempotency.keyed`): the call's kept answer is looked up
first (a retry acts on nothing); each item's answer is sealed inside its own transaction under a key derived
from the call's, so a retry after a crash halfway acts on no item twice; the whole answer is kept last, unless
an item answered 5xx.
"""

import random
from collections.abc import Callable
from concurrent.futures import Future
from datetime import datetime
from queue import SimpleQueue

import msgspec

from .. import config
from ..answers.shapes import BulkItemOut, BulkOut, CancellationOut, ErrorOut
from ..domain.errors import DomainError
from ..domain.identity import Identity
from ..domain.model import Cancellation
from ..store import idempotency as stored
from ..store.contention import is_busy
from ..store.idempotency import IdempotencyKeyTaken
from . import access
from .executor import Decider, Decision, execute
from .idempotency import Answer, Idempotency, key_reused, keyed

# Items committing at once: a full call takes about an eighth of the transaction round trips one at a time would.
IN_FLIGHT = 8

DeciderFor = Callable[[str, access.Loader], Decider[Cancellation]]


class Bulk(msgspec.Struct, frozen=True, kw_only=True):
    """A bulk answer: the ids in the caller's order, the single route's decider for one id, and how that route
    answers a decided item."""

    identity: Identity
    cancel_ids: list[str]
    decider: DeciderFor
    answer: Callable[[Decision[Cancellation]], tuple[int, msgspec.Struct]]


def run(bulk: Bulk, now: datetime, idem: Idempotency | None, refuse: Callable[[DomainError], Answer],
        busy: Answer) -> Answer:
    """The keyed pipeline of every command, with the call's kept answer looked up first (a retry acts on
    nothing) and the whole answer kept last by its put alone."""
    def act(sealing: Idempotency | None) -> tuple[Answer, bool]:
        answers = _answers(bulk, now, sealing, refuse, busy)
        if sealing is not None:
            answers.update(_sealed_before(sealing, {i for i, a in answers.items() if a.status >= 400}))
        results = [_result(cancel_id, answers[cancel_id]) for cancel_id in bulk.cancel_ids]  # in the order given
        answer = Answer(200, msgspec.json.encode(BulkOut(results=results)).decode())
        # A 5xx is never kept: the retry acts afresh on that item, and replays the others.
        return answer, any(a.status >= 500 for a in answers.values())

    return keyed(idem, act, refuse, replay_first=True, look_before_keeping=False)


def _answers(bulk: Bulk, now: datetime, idem: Idempotency | None, refuse: Callable[[DomainError], Answer],
             busy: Answer) -> dict[str, Answer]:
    """Each item decided and committed on its own, up to `IN_FLIGHT` at once, its answer sealed under its part
    of the key."""
    load = access.preloaded(access.cancellations_for(bulk.identity, bulk.cancel_ids))
    workers = min(IN_FLIGHT, len(bulk.cancel_ids))
    shards = config.settings().counter_shards
    first = random.randrange(shards)
    free: SimpleQueue[int] = SimpleQueue()  # a worker holds one shard while its item is in flight
    for n in range(workers):
        free.put((first + n) % shards)

    def one(cancel_id: str) -> Answer:
        part = idem.part(cancel_id) if idem is not None else None
        shard = free.get()
        try:
            return _item(bulk, cancel_id, load, now, part, refuse, busy, shard)
        finally:
            free.put(shard)

    from concurrent.futures import ThreadPoolExecutor  # on first use: only the bulk routes need threads

    finished: SimpleQueue[Future[Answer]] = SimpleQueue()  # completions, waited for like the expiry job's
    futures: dict[str, Future[Answer]] = {}
    with ThreadPoolExecutor(workers, thread_name_prefix="bulk") as pool:
        for cancel_id in bulk.cancel_ids:
            futures[cancel_id] = pool.submit(one, cancel_id)
            futures[cancel_id].add_done_callback(finished.put)
        for _ in futures:
            finished.get()
    return {cancel_id: future.result() for cancel_id, future in futures.items()}


def _sealed_before(idem: Idempotency, refused: set[str]) -> dict[str, Answer]:
    """Items an earlier call with this key committed (it died before keeping its whole answer): deciding
    again refuses them as already answered, but their answer is the one sealed with their change. One
    BatchGetItem for all of them, only when some item was refused."""
    if not refused:
        return {}
    parts = {idem.part(cancel_id).key: cancel_id for cancel_id in refused}
    kept = stored.get_many(sorted(parts), idem.now)
    if any(answer.body_hash != idem.body_hash for answer in kept.values()):
        raise key_reused()
    return {parts[key]: Answer(answer.status_code, answer.response, replayed=True) for key, answer in kept.items()}


def _item(bulk: Bulk, cancel_id: str, load: access.Loader, now: datetime, part: Idempotency | None,
          refuse: Callable[[DomainError], Answer], busy: Answer, shard: int) -> Answer:
    def seal(decision: Decision[Cancellation]) -> stored.IdempotencyRecord:
        assert part is not None
        status, payload = bulk.answer(decision)
        return part.seal(status, msgspec.json.encode(payload).decode())

    try:
        decision = execute(bulk.decider(cancel_id, load), now, seal if part else None, retry_conflicts=True,
                          counter_shard=shard)
    except IdempotencyKeyTaken:  # a twin call committed this item first: answer what it answered
        assert part is not None
        return part.replay() or busy
    except DomainError as error:
        return refuse(error)
    except Exception as error:
        if not is_busy(error):
            raise
        return busy
    status, payload = bulk.answer(decision)
    return Answer(status, msgspec.json.encode(payload).decode())


def _result(cancel_id: str, answer: Answer) -> BulkItemOut:
    """An item's answer as the single route gave it (or kept it), read back into the shape it was written in."""
    if answer.status < 300:
        return BulkItemOut(cancel_id=cancel_id, status=answer.status,
                           cancellation=msgspec.json.decode(answer.body, type=CancellationOut))
    return BulkItemOut(cancel_id=cancel_id, status=answer.status,
                       error=msgspec.json.decode(answer.body, type=ErrorOut).error)
