"""A model of DynamoDB's write limits, answering the app's own calls (BENCHMARKS.md, "The write model").

It hooks botocore's `before-send` of the app's clients, so the domain, the store, PynamoDB and botocore's
serialisation, parsing and retries all run for real; only the service is modelled. Its rules, inside
`model.simulate(sim)` (bench/sim.py keeps the virtual time):

1. Every call answers after a service time: a committed TransactWriteItems after `transaction_seconds`,
   anything else, and any refused call, after `call_seconds`.
2. A committed transaction holds its items for its service time; its writes become visible when that is up
   (a read meanwhile sees the items as they were). A TransactWriteItems or TransactGetItems touching a held
   item is cancelled: TransactionCanceledException whose CancellationReasons say TransactionConflict for the
   held items and None for the others. A PutItem, UpdateItem or DeleteItem on a held item is refused with
   TransactionConflictException. A single write applies at once.
3. Every partition key value of a table, and of each global secondary index, is one partition (no split has
   happened yet; a sort key spreads nothing). A partition accepts at most `partition_write_units` write
   units in any `window_seconds`; a write that would pass that is throttled: ThrottlingError among a
   transaction's CancellationReasons, ProvisionedThroughputExceededException for a single write (which
   botocore retries, sleeping in virtual time). A write's units are the larger of the item before and
   after, 1 per KB rounded up, twice that inside a transaction.
4. An item entering, leaving or changing in an index writes that index's partition of its index hash key
   value: a put, a delete, or both when the index key changes, each 1 unit per KB of the item (every index
   here projects the whole item), at `index_factor` times. An index partition over its limit throttles the
   base write.
5. Checks run in that order: throttling, then conflicts, then conditions. Refused calls consume nothing.
   Reads are never throttled.
6. botocore's retry jitter draws from a generator seeded by `simulate`, so a run answers the same every time
   (unseeded, one run in about fifty of the throttling test gave up before its partition's second passed).

Outside `simulate` (seeding, recounting) every call is answered at once, applied at once, with no limits, and
straight from PynamoDB's parameters: botocore's serialisation is only worth its time where it is measured.
"""

import heapq
import itertools
import json
import math
import random
import time
from bisect import bisect_right
from collections import Counter, defaultdict, deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import botocore.endpoint
import botocore.retries.standard
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError
from pynamodb.indexes import AllProjection
from pynamodb.models import Model

from bench import expressions
from bench.capacity import item_size
from bench.sim import Sim
from chalicelib.store import models, transactions

Item = dict[str, dict[str, Any]]
Key = tuple[Any, ...]
# (table name, index name or None for the table itself, partition key value)
Partition = tuple[str, str | None, Any]

KB = 1024
_ERROR_PREFIX = "com.amazonaws.dynamodb.v20120810#"


@dataclass(frozen=True, slots=True)
class Limits:
    transaction_seconds: float = 0.020
    call_seconds: float = 0.005
    partition_write_units: float = 1000.0
    window_seconds: float = 1.0
    transactional_factor: int = 2
    index_factor: int = 1


@dataclass(slots=True)
class Tally:
    """What one kind of caller (a label of bench/sim.py) asked and got."""

    calls: Counter[str] = field(default_factory=Counter)
    transactions: int = 0
    committed: int = 0
    conflicts: int = 0  # transactions cancelled: another one held an item
    condition_failures: int = 0
    throttled: int = 0  # transactions cancelled with ThrottlingError
    single_writes: int = 0
    single_conflicts: int = 0
    single_throttled: int = 0

    def add(self, other: "Tally") -> None:
        self.calls.update(other.calls)
        for name in ("transactions", "committed", "conflicts", "condition_failures", "throttled", "single_writes",
                     "single_conflicts", "single_throttled"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass(slots=True)
class PartitionUse:
    units: float = 0.0  # admitted
    peak: float = 0.0  # most admitted in one window
    throttled: int = 0  # writes refused because this partition was full


def describe(partition: Partition) -> str:
    table, index, value = partition
    return f"{table}{'.' + index if index else ''}[{value}]"


def _plain(value: dict[str, Any]) -> Any:
    ((kind, data),) = value.items()
    return Decimal(data) if kind == "N" else data


def _units(size: int) -> int:
    return max(1, math.ceil(size / KB))


class _Table:
    def __init__(self, model: type[Model]):
        self.name = str(model.Meta.table_name)
        self.hash_key = str(model._hash_keyname)
        self.range_key: str | None = model._range_keyname
        self.indexes: dict[str, tuple[str, str | None]] = {}
        for index in model._indexes.values():
            if not isinstance(index.Meta.projection, AllProjection):
                raise ValueError(f"{self.name}.{index.Meta.index_name}: the model sizes index writes as whole items")
            keys = index.Meta.attributes.values()
            hash_attr = next(a.attr_name for a in keys if a.is_hash_key)
            range_attr = next((a.attr_name for a in keys if a.is_range_key), None)
            self.indexes[index.Meta.index_name] = (hash_attr, range_attr)
        self.items: dict[Key, Item] = {}
        # index (None: the table) -> partition key value -> table keys of its items
        self.members: dict[str | None, dict[Any, set[Key]]] = {None: {}, **{name: {} for name in self.indexes}}

    def key_of(self, item: Item) -> Key:
        return tuple(_plain(item[k]) for k in (self.hash_key, self.range_key) if k)

    def key_item(self, item: Item) -> Item:
        return {k: item[k] for k in (self.hash_key, self.range_key) if k}

    def key_item_from(self, key: Key) -> Item:
        out: Item = {}
        for attr, value in zip((self.hash_key, self.range_key), key, strict=False):
            if attr:
                out[attr] = {"N": str(value)} if isinstance(value, Decimal) else {"S": value}
        return out

    def schema(self, index: str | None) -> tuple[str, str | None]:
        return self.indexes[index] if index else (self.hash_key, self.range_key)

    def index_key(self, index: str | None, item: Item | None) -> tuple[Any, Any] | None:
        """(partition key value, sort key value) of `item` in `index`; None if it is not in it (sparse)."""
        if item is None:
            return None
        hash_attr, range_attr = self.schema(index)
        if hash_attr not in item or (range_attr is not None and range_attr not in item):
            return None
        return _plain(item[hash_attr]), _plain(item[range_attr]) if range_attr else None

    def write(self, key: Key, new: Item | None) -> None:
        old = self.items.get(key)
        for index, partitions in self.members.items():
            was, now = self.index_key(index, old), self.index_key(index, new)
            if was is not None and (now is None or now[0] != was[0]):
                partitions[was[0]].discard(key)
            if now is not None:
                partitions.setdefault(now[0], set()).add(key)
        if new is None:
            self.items.pop(key, None)
        else:
            self.items[key] = new

    def sorted_partition(self, index: str | None, value: Any) -> list[tuple[tuple[Any, Key], Item]]:
        _, range_attr = self.schema(index)
        rows = []
        for key in self.members[index].get(value, ()):
            item = self.items[key]
            rows.append(((_plain(item[range_attr]) if range_attr else "", key), item))
        rows.sort(key=lambda row: row[0])
        return rows

    def copy_state(self) -> tuple[dict[Key, Item], dict[str | None, dict[Any, set[Key]]]]:
        return dict(self.items), {i: {v: set(keys) for v, keys in p.items()} for i, p in self.members.items()}


@dataclass(slots=True)
class _Write:
    kind: str  # Put, Update, Delete, ConditionCheck
    table: _Table
    key: Key
    old: Item | None
    new: Item | None
    condition_met: bool


class _Window:
    """Write units admitted in the last `span` seconds."""

    __slots__ = ("entries", "total")

    def __init__(self) -> None:
        self.entries: deque[tuple[float, float]] = deque()
        self.total = 0.0

    def used(self, now: float, span: float) -> float:
        while self.entries and self.entries[0][0] <= now - span:
            self.total -= self.entries.popleft()[1]
        return self.total

    def add(self, now: float, units: float) -> None:
        self.entries.append((now, units))
        self.total += units


class _Refused(Exception):
    def __init__(self, code: str, message: str, **extra: Any):
        super().__init__(code)
        self.body = {"__type": _ERROR_PREFIX + code, "message": message, **extra}


class WriteModel:
    """`with WriteModel(limits) as model:` answers every DynamoDB call of the app's clients."""

    def __init__(self, limits: Limits | None = None):
        self.limits = limits or Limits()
        self.tables: dict[str, _Table] = {}
        self.tally: dict[str, Tally] = defaultdict(Tally)
        self.partitions: dict[Partition, PartitionUse] = defaultdict(PartitionUse)
        self._windows: dict[Partition, _Window] = defaultdict(_Window)
        self._holds: dict[tuple[str, Key], float] = {}
        self._pending: list[tuple[float, int, list[_Write]]] = []
        self._order = itertools.count()
        self._sim: Sim | None = None
        self._clients: list[Any] = []
        self._saved_send: Any = None

    # --- installing ---------------------------------------------------------------------------------------

    def __enter__(self) -> "WriteModel":
        self.tables = {model.Meta.table_name: _Table(model) for model in models.MODELS}
        models.reset_connections()
        transactions.reset()
        connections = [model._get_connection().connection for model in models.MODELS]
        connections.append(transactions.connection())
        for connection in connections:
            client = connection.client
            client.meta.events.register("before-send.dynamodb", self._before_send, unique_id="bench-write-model")
            client._make_api_call = self._direct(client._make_api_call)
            self._clients.append(client)
        self._saved_send = botocore.endpoint.Endpoint._send
        botocore.endpoint.Endpoint._send = _refuse_network
        return self

    def __exit__(self, *exc_info: object) -> None:
        for client in self._clients:
            client.meta.events.unregister("before-send.dynamodb", unique_id="bench-write-model")
            del client._make_api_call
        self._clients.clear()
        botocore.endpoint.Endpoint._send = self._saved_send
        models.reset_connections()
        transactions.reset()

    @contextmanager
    def simulate(self, sim: Sim, seed: int = 0) -> Iterator[Sim]:
        """Applies the rules in `sim`'s virtual time; botocore's retry pauses sleep in it too, their jitter
        drawn from `seed`."""
        self._sim = sim
        self._windows.clear()
        self._holds.clear()
        saved_time = botocore.endpoint.time
        botocore.endpoint.time = _VirtualTime(sim)
        backoff = botocore.retries.standard.ExponentialBackoff
        saved_delay = backoff.delay_amount
        jitter = random.Random(seed)

        def seeded_delay(self_: Any, context: Any) -> float:
            drawn, self_._random = self_._random, jitter.random
            try:
                delay: float = saved_delay(self_, context)
            finally:
                self_._random = drawn
            return delay

        backoff.delay_amount = seeded_delay
        try:
            yield sim
        finally:
            backoff.delay_amount = saved_delay
            botocore.endpoint.time = saved_time
            self._advance(math.inf)
            self._sim = None

    # --- state ----------------------------------------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        self._advance(math.inf)
        return {name: table.copy_state() for name, table in self.tables.items()}

    def restore(self, snapshot: dict[str, Any]) -> None:
        for name, (items, members) in snapshot.items():
            table = self.tables[name]
            table.items = dict(items)
            table.members = {i: {v: set(keys) for v, keys in p.items()} for i, p in members.items()}

    def clear(self) -> None:
        """Forgets every item and every figure."""
        self._advance(math.inf)
        for table in self.tables.values():
            table.items.clear()
            table.members = {index: {} for index in table.members}
        self.reset_figures()

    def reset_figures(self) -> None:
        self.tally.clear()
        self.partitions.clear()

    def total(self, labels: Iterable[str] | None = None) -> Tally:
        out = Tally()
        for label, tally in self.tally.items():
            if labels is None or label in labels:
                out.add(tally)
        return out

    def hottest(self, count: int = 3) -> list[tuple[Partition, PartitionUse]]:
        ranked = sorted(self.partitions.items(), key=lambda kv: (-kv[1].throttled, -kv[1].peak))
        return ranked[:count]

    # --- answering ----------------------------------------------------------------------------------------

    def _direct(self, through_botocore: Any) -> Any:
        """The client's `_make_api_call`, answered by the model itself outside a simulation."""
        def make_api_call(operation: str, params: dict[str, Any]) -> dict[str, Any]:
            if self._sim is not None:
                return through_botocore(operation, params)  # type: ignore[no-any-return]
            status, answer, _ = self._answer(operation, json.loads(json.dumps(params)))
            if status != 200:
                code = answer["__type"].removeprefix(_ERROR_PREFIX)
                error = {"Error": {"Code": code, "Message": answer["message"]},
                         **{k: v for k, v in answer.items() if k not in ("__type", "message")}}
                raise ClientError(error, operation)
            return answer
        return make_api_call

    def _answer(self, operation: str, body: dict[str, Any]) -> tuple[int, dict[str, Any], float]:
        now = self._sim.now if self._sim is not None else math.inf
        self._advance(now)
        handler = getattr(self, "_" + operation, None)
        try:
            if handler is None:
                raise _Refused("ValidationException", f"the write model does not answer {operation}")
            answer, latency = handler(body, now)
            return 200, answer, latency
        except _Refused as refused:
            return 400, refused.body, self.limits.call_seconds
        except expressions.ExpressionError as error:
            return 400, _Refused("ValidationException", str(error)).body, self.limits.call_seconds

    def _before_send(self, request: Any, **_: Any) -> AWSResponse:
        target = request.headers["X-Amz-Target"]
        operation = (target.decode() if isinstance(target, bytes) else target).split(".")[-1]
        body = json.loads(request.body or b"{}")
        sim = self._sim
        if sim is not None:
            if sim.current() is None:
                raise RuntimeError(f"{operation} from a thread outside the simulation")
            self.tally[sim.label()].calls[operation] += 1
        status, answer, latency = self._answer(operation, body)
        if sim is not None:
            sim.sleep(latency)
        raw = json.dumps(answer).encode()
        return AWSResponse(request.url, status, {"Content-Type": "application/x-amz-json-1.0",
                                                 "Content-Length": str(len(raw))}, _Body(raw))

    def _label(self) -> str:
        return self._sim.label() if self._sim is not None else ""

    @property
    def _timed(self) -> bool:
        return self._sim is not None

    # --- reads --------------------------------------------------------------------------------------------

    def _GetItem(self, body: dict[str, Any], now: float) -> tuple[dict[str, Any], float]:
        table = self.tables[body["TableName"]]
        item = table.items.get(table.key_of(body["Key"]))
        return ({"Item": item} if item is not None else {}), self.limits.call_seconds

    def _BatchGetItem(self, body: dict[str, Any], now: float) -> tuple[dict[str, Any], float]:
        responses = {}
        for name, request in body["RequestItems"].items():
            table = self.tables[name]
            found = (table.items.get(table.key_of(key)) for key in request["Keys"])
            responses[name] = [item for item in found if item is not None]
        return {"Responses": responses, "UnprocessedKeys": {}}, self.limits.call_seconds

    def _TransactGetItems(self, body: dict[str, Any], now: float) -> tuple[dict[str, Any], float]:
        gets = [(self.tables[g["Get"]["TableName"]], g["Get"]["Key"]) for g in body["TransactItems"]]
        held = [self._held(table, table.key_of(key), now) for table, key in gets]
        if any(held):
            raise self._cancelled(["TransactionConflict" if h else None for h in held])
        items = [table.items.get(table.key_of(key)) for table, key in gets]
        return {"Responses": [{"Item": item} if item else {} for item in items]}, self.limits.call_seconds

    def _Query(self, body: dict[str, Any], now: float) -> tuple[dict[str, Any], float]:
        table = self.tables[body["TableName"]]
        index = body.get("IndexName")
        names, values = body.get("ExpressionAttributeNames"), body.get("ExpressionAttributeValues")
        key_condition = expressions.condition(body["KeyConditionExpression"], names, values)
        hash_attr, range_attr = table.schema(index)
        hash_value = expressions.equality_value(key_condition, hash_attr)
        if hash_value is None:
            raise _Refused("ValidationException", "a Query needs its partition key's value")
        rows = table.sorted_partition(index, _plain(hash_value))
        forward = body.get("ScanIndexForward", True)
        if not forward:
            rows.reverse()
        start = body.get("ExclusiveStartKey")
        if start is not None:
            position = (_plain(start[range_attr]) if range_attr else "", table.key_of(start))
            marks = [row[0] for row in rows] if forward else [row[0] for row in reversed(rows)]
            cut = bisect_right(marks, position)
            rows = rows[cut:] if forward else rows[: len(rows) - cut]
        limit = body.get("Limit")
        matched: list[Item] = []
        last: Item | None = None
        more = False
        for _, item in rows:
            if not expressions.evaluate(key_condition, item):
                continue
            if limit is not None and len(matched) == limit:
                more = True
                break
            matched.append(item)
            last = item
        filtered = [i for i in matched if expressions.check(body.get("FilterExpression"), i, names, values)]
        answer: dict[str, Any] = {"Items": filtered, "Count": len(filtered), "ScannedCount": len(matched)}
        if more and last is not None:
            answer["LastEvaluatedKey"] = {**table.key_item(last),
                                          **{a: last[a] for a in (hash_attr, range_attr) if a}}
        return answer, self.limits.call_seconds

    def _Scan(self, body: dict[str, Any], now: float) -> tuple[dict[str, Any], float]:
        table = self.tables[body["TableName"]]
        index = body.get("IndexName")
        items = [table.items[key] for partition in table.members[index].values() for key in partition]
        names, values = body.get("ExpressionAttributeNames"), body.get("ExpressionAttributeValues")
        kept = [i for i in items if expressions.check(body.get("FilterExpression"), i, names, values)]
        return {"Items": kept, "Count": len(kept), "ScannedCount": len(items)}, self.limits.call_seconds

    # --- writes -------------------------------------------------------------------------------------------

    def _prepare(self, kind: str, spec: dict[str, Any]) -> _Write:
        table = self.tables[spec["TableName"]]
        names, values = spec.get("ExpressionAttributeNames"), spec.get("ExpressionAttributeValues")
        key = table.key_of(spec["Item"] if kind == "Put" else spec["Key"])
        old = table.items.get(key)
        met = expressions.check(spec.get("ConditionExpression"), old, names, values)
        new: Item | None
        if kind == "Put":
            new = spec["Item"]
        elif kind == "Update":
            base = old if old is not None else dict(spec["Key"])  # an update of no item creates it
            new = expressions.apply_update(spec["UpdateExpression"], base, names, values) if met else old
        elif kind == "Delete":
            new = None
        else:
            new = old
        return _Write(kind, table, key, old, new, met)

    def _costs(self, write: _Write, transactional: bool) -> list[tuple[Partition, float]]:
        """Write units by partition: the table's and each index's its item enters, leaves or changes in."""
        table, old, new = write.table, write.old, write.new
        factor = self.limits.transactional_factor if transactional else 1
        size_old, size_new = (item_size(old) if old else 0), (item_size(new) if new else 0)
        base = new if new is not None else old or table.key_item_from(write.key)
        costs: list[tuple[Partition, float]] = [
            ((table.name, None, _plain(base[table.hash_key])), factor * _units(max(size_old, size_new)))]
        if write.kind == "ConditionCheck":
            return costs
        each = self.limits.index_factor
        for index in table.indexes:
            was, now = table.index_key(index, old), table.index_key(index, new)
            if was is not None and was == now:
                if old != new:
                    costs.append(((table.name, index, now[0]), each * _units(max(size_old, size_new))))
                continue
            if was is not None:
                costs.append(((table.name, index, was[0]), each * _units(size_old)))
            if now is not None:
                costs.append(((table.name, index, now[0]), each * _units(size_new)))
        return costs

    def _full(self, costs: list[tuple[Partition, float]], now: float) -> set[Partition]:
        """The partitions these costs would take past their limit."""
        wanted: dict[Partition, float] = defaultdict(float)
        for partition, units in costs:
            wanted[partition] += units
        limit, span = self.limits.partition_write_units, self.limits.window_seconds
        return {p for p, units in wanted.items() if self._windows[p].used(now, span) + units > limit}

    def _charge(self, costs: list[tuple[Partition, float]], now: float) -> None:
        span = self.limits.window_seconds
        for partition, units in costs:
            window = self._windows[partition]
            window.add(now, units)
            use = self.partitions[partition]
            use.units += units
            use.peak = max(use.peak, window.used(now, span))

    def _held(self, table: _Table, key: Key, now: float) -> bool:
        return self._holds.get((table.name, key), -math.inf) > now

    def _apply(self, writes: list[_Write]) -> None:
        for write in writes:
            if write.kind != "ConditionCheck":
                write.table.write(write.key, write.new)

    def _advance(self, now: float) -> None:
        """Makes visible the transactions whose service time is up, and frees their items."""
        while self._pending and self._pending[0][0] <= now:
            end, _, writes = heapq.heappop(self._pending)
            self._apply(writes)
            for write in writes:
                hold = (write.table.name, write.key)
                if self._holds.get(hold) == end:
                    del self._holds[hold]

    def _cancelled(self, codes: list[str | None]) -> _Refused:
        messages = {"TransactionConflict": "Transaction is ongoing for the item",
                    "ConditionalCheckFailed": "The conditional request failed",
                    "ThrottlingError": "Throughput exceeds the current capacity of your table or index."}
        reasons = [{"Code": code, "Message": messages[code]} if code else {"Code": "None"} for code in codes]
        listed = ", ".join(code or "None" for code in codes)
        return _Refused("TransactionCanceledException",
                        f"Transaction cancelled, please refer cancellation reasons for specific reasons [{listed}]",
                        CancellationReasons=reasons)

    def _TransactWriteItems(self, body: dict[str, Any], now: float) -> tuple[dict[str, Any], float]:
        entries = [next(iter(entry.items())) for entry in body["TransactItems"]]
        writes = [self._prepare(kind, spec) for kind, spec in entries]
        if not self._timed:
            if not all(w.condition_met for w in writes):
                raise self._cancelled([None if w.condition_met else "ConditionalCheckFailed" for w in writes])
            self._apply(writes)
            return {}, 0.0
        tally = self.tally[self._label()]
        tally.transactions += 1
        costs = [self._costs(w, transactional=True) for w in writes]
        full = self._full([c for each in costs for c in each], now)
        if full:
            tally.throttled += 1
            for partition in full:
                self.partitions[partition].throttled += 1
            raise self._cancelled(["ThrottlingError" if {p for p, _ in c} & full else None for c in costs])
        held = [self._held(w.table, w.key, now) for w in writes]
        if any(held):
            tally.conflicts += 1
            raise self._cancelled(["TransactionConflict" if h else None for h in held])
        if not all(w.condition_met for w in writes):
            tally.condition_failures += 1
            raise self._cancelled([None if w.condition_met else "ConditionalCheckFailed" for w in writes])
        self._charge([c for each in costs for c in each], now)
        end = now + self.limits.transaction_seconds
        for write in writes:
            self._holds[(write.table.name, write.key)] = end
        heapq.heappush(self._pending, (end, next(self._order), writes))
        tally.committed += 1
        return {}, self.limits.transaction_seconds

    def _single(self, kind: str, body: dict[str, Any], now: float) -> tuple[dict[str, Any], float]:
        write = self._prepare(kind, body)
        costs: list[tuple[Partition, float]] = []
        if self._timed:
            tally = self.tally[self._label()]
            tally.single_writes += 1
            costs = self._costs(write, transactional=False)
            full = self._full(costs, now)
            if full:
                tally.single_throttled += 1
                for partition in full:
                    self.partitions[partition].throttled += 1
                raise _Refused("ProvisionedThroughputExceededException",
                               "The level of configured provisioned throughput for the table was exceeded.")
            if self._held(write.table, write.key, now):
                tally.single_conflicts += 1
                raise _Refused("TransactionConflictException", "Transaction is ongoing for the item")
        if not write.condition_met:
            raise _Refused("ConditionalCheckFailedException", "The conditional request failed")
        self._charge(costs, now)
        self._apply([write])
        answer: dict[str, Any] = {}
        returned = body.get("ReturnValues", "NONE")
        if returned in ("ALL_NEW", "UPDATED_NEW") and write.new is not None:
            answer["Attributes"] = write.new
        elif returned in ("ALL_OLD", "UPDATED_OLD") and write.old is not None:
            answer["Attributes"] = write.old
        return answer, self.limits.call_seconds

    def _PutItem(self, body: dict[str, Any], now: float) -> tuple[dict[str, Any], float]:
        return self._single("Put", body, now)

    def _UpdateItem(self, body: dict[str, Any], now: float) -> tuple[dict[str, Any], float]:
        return self._single("Update", body, now)

    def _DeleteItem(self, body: dict[str, Any], now: float) -> tuple[dict[str, Any], float]:
        return self._single("Delete", body, now)

    def _BatchWriteItem(self, body: dict[str, Any], now: float) -> tuple[dict[str, Any], float]:
        unprocessed: dict[str, list[dict[str, Any]]] = {}
        for name, requests in body["RequestItems"].items():
            for request in requests:
                kind, spec = ("Put", request["PutRequest"]) if "PutRequest" in request else \
                    ("Delete", request["DeleteRequest"])
                try:
                    self._single(kind, {"TableName": name, **spec}, now)
                except _Refused:
                    unprocessed.setdefault(name, []).append(request)
        return {"UnprocessedItems": unprocessed}, self.limits.call_seconds


def _refuse_network(self: Any, request: Any) -> Any:
    raise RuntimeError(f"a DynamoDB call reached the network while the write model answers: {request.url}")


class _VirtualTime:
    """Stands in for the `time` module in botocore.endpoint: its retry pauses wait in virtual time."""

    def __init__(self, sim: Sim):
        self._sim = sim

    def sleep(self, seconds: float) -> None:
        if self._sim.current() is not None:
            self._sim.sleep(seconds)
        else:
            time.sleep(seconds)

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)


class _Body:
    """An AWSResponse's raw body, as urllib3 would give it."""

    def __init__(self, data: bytes):
        self._data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._data

    def read(self, *_: Any) -> bytes:
        return self._data
