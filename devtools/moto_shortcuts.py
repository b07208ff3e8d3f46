"""Two shortcuts through work moto repeats on every request, for the tests and the local stage.

- Item answers straight to JSON. moto 5 writes every answer by walking botocore's output shape and looking each
  member up through its five alias rules. For DynamoDB's item calls (nearly every call the app makes) that
  walk was half of moto's time and about a third of the CPU of a test that drives the API. The answers moto
  builds for those calls are already the wire's dicts, so they are written with `json.dumps`, adding what the
  walk adds: bytes as base64, times as epoch seconds, and no member whose value is None. Errors, the table
  calls and other services go through moto's serializer as before.
- A handler class's method names, listed once. moto lists them (`inspect.getmembers` over a class of hundreds
  of members) on every request to find the action's method.

tests/api/test_moto_shortcuts.py holds both writings of every item call equal, as botocore reads them.
"""

import base64
import functools
import json
from datetime import datetime
from typing import Any

import moto.core.responses
from moto.core.responses import ActionContext, ActionResult
from moto.core.utils import method_names_from_class

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


def install() -> None:
    """Idempotent."""
    ActionResult.execute_result = _execute_result  # type: ignore[method-assign]
    moto.core.responses.method_names_from_class = functools.cache(method_names_from_class)  # type: ignore[attr-defined]


def uninstall() -> None:
    ActionResult.execute_result = _original_result  # type: ignore[method-assign]
    moto.core.responses.method_names_from_class = method_names_from_class  # type: ignore[attr-defined]
