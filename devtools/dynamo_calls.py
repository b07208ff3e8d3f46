"""Counts the DynamoDB calls the app makes, by operation name, and answers chosen calls itself.

It hooks botocore's event system of every DynamoDB client (the way moto hooks in, through botocore's
built-in handlers, so clients made later on any thread are covered too):
- `before-parameter-build` records the call with its parameters, as PynamoDB passed them;
- `before-call` lets a registered answer (an injected error, a canned response) stand in for DynamoDB;
- `after-call` records the response, or the error code, that came back.

Used by the cost budget tests, the expiry job's fault tests and `python -m bench` (so it lives outside tests/).
"""

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from botocore.awsrequest import AWSResponse  # type: ignore[import-untyped]
from botocore.handlers import BUILTIN_HANDLERS  # type: ignore[import-untyped]

READS = frozenset({"GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems"})
WRITES = frozenset({"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"})
_CONTEXT_KEY = "cancel_desk_call"


@dataclass(slots=True)
class Call:
    operation: str
    params: dict[str, Any]
    response: dict[str, Any] | None = None
    status: int | None = None
    answered_by_test: bool = False

    @property
    def error(self) -> str | None:
        """The error code DynamoDB (or an injected answer) gave, if the call failed."""
        if self.status is None or self.status < 300 or self.response is None:
            return None
        code: str | None = self.response.get("Error", {}).get("Code")
        return code

    def transact_items(self) -> list[tuple[str, dict[str, Any]]]:
        """(kind, body) of each item of a TransactWriteItems, e.g. ("Put", {...})."""
        return [next(iter(entry.items())) for entry in self.params.get("TransactItems", [])]

    def mentions(self, text: str) -> bool:
        """Whether `text` appears among the call's parameters (e.g. a cancel_id in a transaction)."""
        return text in repr(self.params)


# (http response, parsed response) as a `before-call` handler returns them; None lets the call through.
Answer = tuple[AWSResponse, dict[str, Any]]
Responder = Callable[[Call], Answer | None]


def error(code: str, message: str = "injected by the test", *, reasons: list[str] | None = None,
          status: int = 400) -> Answer:
    """An error answer; `reasons` gives a TransactionCanceledException its CancellationReasons."""
    parsed: dict[str, Any] = {"Error": {"Code": code, "Message": message},
                              "ResponseMetadata": {"HTTPStatusCode": status, "HTTPHeaders": {}}}
    if reasons is not None:
        parsed["CancellationReasons"] = [{"Code": reason} for reason in reasons]
    return AWSResponse("https://dynamodb.invalid", status, {}, None), parsed


def ok(parsed: dict[str, Any]) -> Answer:
    """A successful answer with the given (parsed) body."""
    return AWSResponse("https://dynamodb.invalid", 200, {}, None), {
        **parsed, "ResponseMetadata": {"HTTPStatusCode": 200, "HTTPHeaders": {}}}


class DynamoCalls:
    """`with DynamoCalls() as calls:` records every DynamoDB call made inside the block, from any thread."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._responders: list[tuple[str | None, Responder]] = []
        self._lock = threading.Lock()

    def __enter__(self) -> "DynamoCalls":
        _hook_known_clients()
        with _ACTIVE_LOCK:
            _ACTIVE.append(self)
        return self

    def __exit__(self, *exc_info: object) -> None:
        with _ACTIVE_LOCK:
            _ACTIVE.remove(self)

    # --- what was called ------------------------------------------------------------------------------

    def counts(self) -> Counter[str]:
        with self._lock:
            return Counter(call.operation for call in self.calls)

    def of(self, operation: str) -> list[Call]:
        with self._lock:
            return [call for call in self.calls if call.operation == operation]

    @property
    def reads(self) -> int:
        return sum(n for op, n in self.counts().items() if op in READS)

    @property
    def writes(self) -> int:
        return sum(n for op, n in self.counts().items() if op in WRITES)

    def clear(self) -> None:
        with self._lock:
            self.calls.clear()

    def __iter__(self) -> Iterator[Call]:
        with self._lock:
            return iter(list(self.calls))

    # --- answering calls instead of DynamoDB ----------------------------------------------------------

    def answer(self, operation: str | None, responder: Responder) -> None:
        """`responder(call)` may return an Answer for calls of `operation` (None: every operation)."""
        self._responders.append((operation, responder))

    def fail(self, operation: str, code: str, *, when: Callable[[Call], bool] = lambda call: True,
             times: int | None = None, reasons: list[str] | None = None) -> list[Call]:
        """Answers matching calls with an error, at most `times` times; returns the calls it failed."""
        failed: list[Call] = []

        def responder(call: Call) -> Answer | None:
            if (times is not None and len(failed) >= times) or not when(call):
                return None
            failed.append(call)
            return error(code, reasons=reasons)

        self.answer(operation, responder)
        return failed

    # --- hooks ----------------------------------------------------------------------------------------

    def _record(self, call: Call) -> None:
        with self._lock:
            self.calls.append(call)

    def _answer_for(self, call: Call) -> Answer | None:
        for operation, responder in list(self._responders):
            if operation in (None, call.operation):
                answer = responder(call)
                if answer is not None:
                    return answer
        return None


_ACTIVE: list[DynamoCalls] = []
_ACTIVE_LOCK = threading.Lock()


def _before_parameter_build(params: dict[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
    # Idempotent: a client hooked twice (built-in handlers and _hook_known_clients) records a call once.
    if context is None or _CONTEXT_KEY in context or not _ACTIVE:
        return
    call = Call(model.name, params)
    context[_CONTEXT_KEY] = call
    with _ACTIVE_LOCK:
        recorders = list(_ACTIVE)
    for recorder in recorders:
        recorder._record(call)


def _before_call(context: dict[str, Any], **_: Any) -> Answer | None:
    call: Call | None = (context or {}).get(_CONTEXT_KEY)
    if call is None or call.answered_by_test:
        return None
    with _ACTIVE_LOCK:
        recorders = list(_ACTIVE)
    for recorder in recorders:
        answer = recorder._answer_for(call)
        if answer is not None:
            call.answered_by_test = True
            return answer
    return None


def _after_call(http_response: Any, parsed: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
    call: Call | None = (context or {}).get(_CONTEXT_KEY)
    if call is not None and call.response is None:
        call.response = parsed
        call.status = getattr(http_response, "status_code", None)


_HOOKS = (
    ("before-parameter-build.dynamodb", _before_parameter_build),
    ("before-call.dynamodb", _before_call),
    ("after-call.dynamodb", _after_call),
)
BUILTIN_HANDLERS.extend(_HOOKS)


def _hook_known_clients() -> None:
    """Clients PynamoDB made before this module was imported lack the built-in hooks; add them."""
    from chalicelib.store import models, transactions

    connections = [model._get_connection().connection for model in models.MODELS]
    connections.append(transactions.connection())
    for connection in connections:
        events = connection.client.meta.events
        for event, handler in _HOOKS:
            events.register(event, handler, unique_id=f"cancel-desk-{event}")
