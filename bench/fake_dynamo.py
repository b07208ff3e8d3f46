"""A stand-in DynamoDB that answers the app's calls from memory after a fixed delay (the network).

It hooks botocore's `before-send` event of the app's clients, so everything up to the wire is real: PynamoDB
builds the request, botocore serializes and signs it, and parses the JSON answer given here. It knows just
enough DynamoDB for this app: GetItem, BatchGetItem, Query (table or index; the key conditions PynamoDB
writes, ScanIndexForward, Limit, ExclusiveStartKey) and writes, which succeed without changing anything
(each benchmark reads a fixed state, so the same request can be repeated).
"""

import bisect
import json
import re
import threading
import time
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from botocore.awsrequest import AWSResponse
from pynamodb.models import Model

from chalicelib.store import models, transactions

Wire = dict[str, Any]  # an item as DynamoDB's JSON has it: {"attr": {"S": "..."}}

_KEY_CONDITION = re.compile(
    r"^\(?(?P<h>#\w+) = (?P<hv>:\w+)"
    r"(?: AND (?:(?P<r>#\w+) (?P<op><=|<|>=|>|=) (?P<rv>:\w+)"
    r"|(?P<b>#\w+) BETWEEN (?P<lo>:\w+) AND (?P<hi>:\w+)"
    r"|begins_with \((?P<p>#\w+), (?P<pv>:\w+)\)))?\)?$"
)


def _value(attribute: dict[str, Any]) -> Any:
    (kind, value), = attribute.items()
    return Decimal(value) if kind == "N" else value


class _Table:
    def __init__(self, model: type[Model]):
        self.hash_key = model._hash_keyname
        self.range_key = model._range_keyname
        self.items: dict[tuple, Wire] = {}
        # index name -> (hash attribute, range attribute)
        self.indexes: dict[str, tuple[str, str | None]] = {}
        for index in model._indexes.values():
            keys = index.Meta.attributes.values()
            hash_attr = next(a.attr_name for a in keys if a.is_hash_key)
            range_attr = next((a.attr_name for a in keys if a.is_range_key), None)
            self.indexes[index.Meta.index_name] = (hash_attr, range_attr)
        # (index or None, hash value) -> its items in range key order, sorted on first Query
        self._sorted: dict[tuple[str | None, Any], _Partition] = {}

    def key_of(self, item: Wire) -> tuple:
        return tuple(_value(item[k]) for k in (self.hash_key, self.range_key) if k)

    def put(self, item: Wire) -> None:
        self.items[self.key_of(item)] = item
        self._sorted.clear()

    def partition(self, index: str | None, hash_value: Any) -> "_Partition":
        cached = self._sorted.get((index, hash_value))
        if cached is None:
            hash_attr, range_attr = self.indexes[index] if index else (self.hash_key, self.range_key)
            rows = sorted(
                ((_value(item[range_attr]) if range_attr else "", self.key_of(item)), item)
                for item in self.items.values()
                if hash_attr in item and _value(item[hash_attr]) == hash_value
                and (range_attr is None or range_attr in item)
            )
            cached = _Partition([r[0][0] for r in rows], [r[0][1] for r in rows], [r[1] for r in rows])
            self._sorted[(index, hash_value)] = cached
        return cached


class _Partition:
    """One partition of a table or index: items sorted by range key, with their table keys."""

    def __init__(self, ranges: list, keys: list[tuple], items: list[Wire]):
        self.ranges, self.keys, self.items = ranges, keys, items
        self.position = {key: n for n, key in enumerate(keys)}

    def span(self, match: re.Match, values: dict[str, Any]) -> tuple[int, int]:
        """[lo, hi) of the items meeting the range key condition."""
        r = self.ranges
        if match["op"]:
            bound = _value(values[match["rv"]])
            return {
                "<": (0, bisect.bisect_left(r, bound)),
                "<=": (0, bisect.bisect_right(r, bound)),
                ">": (bisect.bisect_right(r, bound), len(r)),
                ">=": (bisect.bisect_left(r, bound), len(r)),
                "=": (bisect.bisect_left(r, bound), bisect.bisect_right(r, bound)),
            }[match["op"]]
        if match["b"]:
            low, high = _value(values[match["lo"]]), _value(values[match["hi"]])
            return bisect.bisect_left(r, low), bisect.bisect_right(r, high)
        if match["p"]:
            prefix = _value(values[match["pv"]])
            return bisect.bisect_left(r, prefix), bisect.bisect_left(r, prefix + chr(0x10FFFF))
        return 0, len(r)


class FakeDynamo:
    """`with FakeDynamo(latency=0.01) as fake:` answers the app's DynamoDB calls; `fake.calls` counts them."""

    def __init__(self, latency: float = 0.0):
        self.latency = latency
        self.tables = {model.Meta.table_name: _Table(model) for model in models.MODELS}
        self.calls: dict[str, int] = {}
        self._lock = threading.Lock()
        self._clients: list[Any] = []

    # --- state ----------------------------------------------------------------------------------------

    def put(self, items: Iterable[Model]) -> None:
        for item in items:
            self.tables[type(item).Meta.table_name].put(item.serialize())

    # --- hooking the app's clients --------------------------------------------------------------------

    def __enter__(self) -> "FakeDynamo":
        connections = [model._get_connection().connection for model in models.MODELS]
        connections.append(transactions.connection())
        for connection in connections:
            client = connection.client
            client.meta.events.register("before-send.dynamodb", self._send, unique_id="bench-fake-dynamo")
            self._clients.append(client)
        return self

    def __exit__(self, *exc_info: object) -> None:
        for client in self._clients:
            client.meta.events.unregister("before-send.dynamodb", unique_id="bench-fake-dynamo")
        self._clients.clear()

    def _send(self, request: Any, **_: Any) -> AWSResponse:
        target = request.headers["X-Amz-Target"]
        operation = (target.decode() if isinstance(target, bytes) else target).split(".")[-1]
        body = json.loads(request.body or b"{}")
        with self._lock:
            self.calls[operation] = self.calls.get(operation, 0) + 1
        answer = getattr(self, "_" + operation)(body)
        if self.latency:
            time.sleep(self.latency)  # the network and DynamoDB's own time, which no client work overlaps
        raw = json.dumps(answer).encode()
        return AWSResponse(request.url, 200, {"Content-Type": "application/x-amz-json-1.0",
                                               "Content-Length": str(len(raw))}, _Raw(raw))

    # --- operations -----------------------------------------------------------------------------------

    def _GetItem(self, body: dict) -> dict:
        table = self.tables[body["TableName"]]
        item = table.items.get(table.key_of(body["Key"]))
        return {"Item": item} if item is not None else {}

    def _BatchGetItem(self, body: dict) -> dict:
        responses = {}
        for name, request in body["RequestItems"].items():
            table = self.tables[name]
            found = (table.items.get(table.key_of(key)) for key in request["Keys"])
            responses[name] = [item for item in found if item is not None]
        return {"Responses": responses, "UnprocessedKeys": {}}

    def _Query(self, body: dict) -> dict:
        table = self.tables[body["TableName"]]
        index = body.get("IndexName")
        values = body["ExpressionAttributeValues"]
        match = _KEY_CONDITION.match(body["KeyConditionExpression"])
        if match is None:
            raise ValueError(f"key condition not understood: {body['KeyConditionExpression']}")
        partition = table.partition(index, _value(values[match["hv"]]))
        lo, hi = partition.span(match, values)
        forward = body.get("ScanIndexForward", True)
        start = body.get("ExclusiveStartKey")
        if start is not None:
            after = partition.position[table.key_of(start)]
            lo, hi = (after + 1, hi) if forward else (lo, after)
        window = range(lo, hi) if forward else range(hi - 1, lo - 1, -1)
        limit = body.get("Limit")
        page = window[:limit] if limit else window
        answer: dict[str, Any] = {"Items": [partition.items[i] for i in page], "Count": len(page),
                                  "ScannedCount": len(page)}
        if limit and len(window) > limit:
            last = partition.items[page[-1]]
            key_attrs = {table.hash_key, table.range_key, *(table.indexes[index] if index else ())} - {None}
            answer["LastEvaluatedKey"] = {k: last[k] for k in key_attrs}
        return answer

    def _TransactWriteItems(self, body: dict) -> dict:
        return {}

    def _PutItem(self, body: dict) -> dict:
        return {}

    def _UpdateItem(self, body: dict) -> dict:
        return {}

    def _BatchWriteItem(self, body: dict) -> dict:
        return {"UnprocessedItems": {}}


class _Raw:
    """The body of an AWSResponse, as urllib3 would give it."""

    def __init__(self, data: bytes):
        self._data = data

    def stream(self, **_: Any):
        yield self._data

    def read(self, *_: Any) -> bytes:
        return self._data
