"""Two shortcuts through work moto repeats on every request, for the tests and the local stage.

- Item answers straight to JSON. moto 5 writes every answer by walking botocore's output shape and looking each
  member up through its five alias rules. For DynamoDB's item calls (nearly every call the app makes) that
  walk was half of moto's time and about a third of the CPU of a test that drives the API. The answers moto
  builds for those calls are already the wire's dicts, so they are written with `json.dumps`, adding what the
  walk adds: bytes as base64, times as epoch seconds, and no member whose value is None. Errors, the table
  calls and other services go through moto's serializer as before.
- A handler class's method names, listed once. moto lists them (`inspect.getmembers` over a class of hundreds
  of members) on every request to find the action's method.
- moto's own modules, listed once. moto's server lists its package folder (a directory read and a stat of each
  of its ~200 entries) on every request to find the backend a request's host names: half the CPU of the
  local stage's requests.
- A transaction's backup holds only the items it names. moto deep-copies every table a TransactWriteItems
  names, items and stream records, before applying it, so each transaction cost in proportion to the tables'
  size: half the CPU of a test that drives the API, and more on the local desk's full tables. moto's own code
  still applies the transaction; its backup is swapped for copies of the items the transaction names and the
  length of each table's stream, put back the same way when the transaction fails. That also makes a cancelled
  transaction leave no stream record, as in DynamoDB: moto's own backup put back a copy of the stream, and a
  reader already on it (the local stage's pump) went on to read the cancelled writes' records.

tests/api/test_moto_shortcuts.py holds both writings of every item call equal, as botocore reads them, and a
failed transaction's tables and streams as they were.
"""

import base64
import copy
import functools
import json
from datetime import datetime
from typing import Any

import moto.backends
import moto.core.responses
import moto.dynamodb.models
from moto.core.responses import ActionContext, ActionResult
from moto.core.utils import method_names_from_class
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.table import Table

ITEM_CALLS = frozenset({"GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan", "BatchGetItem",
                        "BatchWriteItem", "TransactGetItems", "TransactWriteItems"})

_original_result = ActionResult.execute_result


def _wire(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _wire(member) for key, member in value.items() if member is not None}
    if isinstance(value, list | tuple):
        return [_wire(member) for member in value]
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, datetime):
        return value.timestamp()
    return value


def _execute_result(self: ActionResult, context: ActionContext) -> Any:
    model = context.operation_model
    if model.service_model.service_name != "dynamodb" or model.name not in ITEM_CALLS:
        return _original_result(self, context)
    content_type = f"application/x-amz-json-{model.service_model.metadata.get('jsonVersion', '1.0')}"
    return 200, {"Content-Type": content_type}, json.dumps(_wire(self.result), separators=(",", ":"))


_original_transact = DynamoDBBackend.transact_write_items
_original_modules = moto.backends.list_of_moto_modules


@functools.cache
def _moto_modules() -> tuple[str, ...]:
    return tuple(_original_modules())



class _TablesKept:
    """Stands in for the `copy` module inside moto.dynamodb.models: a Table "copied" is the table itself (the
    transaction's backup, which is the only deep copy of a table moto makes there), anything else is copied."""

    copy = staticmethod(copy.copy)

    @staticmethod
    def deepcopy(value: Any, memo: dict[int, Any] | None = None) -> Any:
        return value if isinstance(value, Table) else copy.deepcopy(value, memo)


class _Backup:
    """Each item a transaction names as it was (None: absent), and each table's stream length."""

    def __init__(self, backend: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
        self.items: list[tuple[Table, DynamoType, DynamoType | None, Any]] = []
        self.streams: dict[int, tuple[Table, int]] = {}
        for entry in transact_items:
            try:
                _, op = next(iter(entry.items()))
                table = backend.tables[op["TableName"]]
                attributes = op["Item"] if "Item" in op else op["Key"]
                hash_key = DynamoType(attributes[table.hash_key_attr])
                range_key = DynamoType(attributes[table.range_key_attr]) if table.range_key_attr else None
            except (KeyError, TypeError, AttributeError, StopIteration):
                continue  # moto refuses this operation before it writes anything
            self.items.append((table, hash_key, range_key, copy.deepcopy(_item(table, hash_key, range_key))))
            if table.stream_shard is not None:
                self.streams.setdefault(id(table), (table, len(table.stream_shard.items)))

    def restore(self) -> None:
        for table, hash_key, range_key, item in reversed(self.items):  # the first copy of a key is the original
            if range_key is None:
                if item is None:
                    table.items.pop(hash_key, None)
                else:
                    table.items[hash_key] = item
            elif item is None:
                by_range = table.items.get(hash_key)
                if by_range is not None:
                    by_range.pop(range_key, None)
                    if not by_range:
                        del table.items[hash_key]
            else:
                table.items[hash_key][range_key] = item
        for table, length in self.streams.values():
            assert table.stream_shard is not None
            del table.stream_shard.items[length:]


def _item(table: Table, hash_key: DynamoType, range_key: DynamoType | None) -> Any:
    found = table.items.get(hash_key)
    if range_key is None or found is None:
        return found
    return found.get(range_key)


def _transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    backup = _Backup(self, transact_items)
    try:
        _original_transact(self, transact_items)
    except BaseException:
        backup.restore()
        raise


def install() -> None:
    """Idempotent."""
    ActionResult.execute_result = _execute_result  # type: ignore[method-assign]
    moto.core.responses.method_names_from_class = functools.cache(method_names_from_class)  # type: ignore[attr-defined]
    moto.dynamodb.models.copy = _TablesKept  # type: ignore[attr-defined,assignment]
    moto.backends.list_of_moto_modules = _moto_modules
    DynamoDBBackend.transact_write_items = _transact_write_items  # type: ignore[method-assign]


def uninstall() -> None:
    ActionResult.execute_result = _original_result  # type: ignore[method-assign]
    moto.core.responses.method_names_from_class = method_names_from_class  # type: ignore[attr-defined]
    moto.dynamodb.models.copy = copy  # type: ignore[attr-defined]
    moto.backends.list_of_moto_modules = _original_modules
    DynamoDBBackend.transact_write_items = _original_transact  # type: ignore[method-assign]
