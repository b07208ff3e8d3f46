"""Items and capacity units of recorded DynamoDB calls, from the items' sizes.

moto answers `ReturnConsumedCapacity` with fixed figures (0.5 per read, whatever the size), so the units are
computed here by DynamoDB's published rules instead:
- item size: attribute names plus values (strings by UTF-8 bytes, numbers ~1 byte per 2 digits + 1,
  booleans and nulls 1, lists and maps 3 + 1 per element);
- reads: 1 RCU per 4 KB strongly consistent, half for eventually consistent (every GSI Query); a Query
  rounds the page's total up to 4 KB, BatchGetItem rounds each item;
- writes: 1 WCU per 1 KB; TransactWriteItems costs twice that per item. An update inside a transaction is
  counted at 1 KB (the counters items it updates are far smaller). Table units only: each GSI an item lands
  in or leaves adds its own writes.
"""

import base64
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from devtools.dynamo_calls import READS, WRITES, Call

KB = 1024
READ_UNIT = 4 * KB


def value_size(value: dict[str, Any]) -> int:
    (kind, data), = value.items()
    if kind == "S":
        return len(data.encode())
    if kind == "N":
        digits = Decimal(data).normalize().as_tuple().digits
        return math.ceil(len(digits) / 2) + 1
    if kind == "B":
        return len(base64.b64decode(data)) if isinstance(data, str) else len(data)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "L":
        return 3 + sum(value_size(v) + 1 for v in data)
    if kind == "M":
        return 3 + sum(len(k.encode()) + value_size(v) + 1 for k, v in data.items())
    if kind in ("SS", "NS", "BS"):
        return sum(value_size({kind[0]: v}) for v in data)
    raise ValueError(f"unknown attribute type {kind}")


def item_size(item: dict[str, Any]) -> int:
    return sum(len(name.encode()) + value_size(value) for name, value in item.items())


@dataclass(slots=True)
class Usage:
    calls: int = 0
    reads: int = 0
    writes: int = 0
    items_read: int = 0
    items_written: int = 0
    rcu: float = 0.0
    wcu: float = 0.0

    def add(self, other: "Usage") -> None:
        for name in self.__slots__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


def usage(calls: list[Call]) -> Usage:
    total = Usage()
    for call in calls:
        total.add(_one(call))
    return total


def _one(call: Call) -> Usage:
    u = Usage(calls=1, reads=int(call.operation in READS), writes=int(call.operation in WRITES))
    params, response = call.params, call.response or {}
    if call.error is not None:
        return u
    consistent = 1.0 if params.get("ConsistentRead") else 0.5
    if call.operation == "GetItem":
        item = response.get("Item")
        u.items_read = int(item is not None)
        u.rcu = consistent * max(1, math.ceil(item_size(item) / READ_UNIT) if item else 1)
    elif call.operation == "Query":
        items = response.get("Items", [])
        u.items_read = len(items)
        u.rcu = consistent * max(1, math.ceil(sum(item_size(i) for i in items) / READ_UNIT))
    elif call.operation == "BatchGetItem":
        for table, items in response.get("Responses", {}).items():
            each = 1.0 if params["RequestItems"][table].get("ConsistentRead") else 0.5
            u.items_read += len(items)
            u.rcu += sum(each * max(1, math.ceil(item_size(i) / READ_UNIT)) for i in items)
    elif call.operation == "TransactWriteItems":
        for kind, body in call.transact_items():
            u.items_written += 1
            size = item_size(body["Item"]) if kind == "Put" else KB
            u.wcu += 2 * max(1, math.ceil(size / KB))
    elif call.operation == "PutItem":
        u.items_written = 1
        u.wcu = max(1, math.ceil(item_size(params["Item"]) / KB))
    elif call.operation in ("UpdateItem", "DeleteItem"):
        u.items_written = 1
        u.wcu = 1
    elif call.operation == "BatchWriteItem":
        for requests in params["RequestItems"].values():
            for request in requests:
                u.items_written += 1
                put = request.get("PutRequest")
                u.wcu += max(1, math.ceil(item_size(put["Item"]) / KB)) if put else 1
    return u
