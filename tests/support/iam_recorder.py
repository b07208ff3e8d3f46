"""pytest plugin: records every AWS operation the product code calls and holds the IAM policies to it.

Registered in pyproject.toml (`-p tests.support.iam_recorder`). Every botocore call is seen (PynamoDB and boto3 both go
through `BaseClient._make_api_call`); a DynamoDB call counts when the innermost project frame that made it is in
`chalicelib/` (not `SETUP_FUNCTIONS`, which only tests and the local runner use: the stack declares the tables
and queues), and it is attributed to the Lambda function whose code is on the stack (the expiry job, the
authorizer, the API, the publisher, the webhook functions).
Calls made by tests themselves (direct model reads in assertions) are not the product's and are ignored.

At the end of the session (under pytest-xdist, in the controller, over the calls of every worker):
- every recorded operation must be granted, on that table or index, to that function, in both stages'
  policies: always checked, whatever subset of the suite ran;
- every granted operation must have been called by that function: checked only when the whole suite ran
  with no failure (a subset, `-k`, `-m` or deselection leaves code paths unexercised).
"""

import functools
import re
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any, NamedTuple

import pytest
from botocore import signers
from botocore.client import BaseClient

from infra import policies
from infra.policies import Grant

ROOT = Path(__file__).resolve().parents[2]
_ROOT = str(ROOT)
_PRODUCT = str(ROOT / "chalicelib") + "/"
_JOBS = str(ROOT / "chalicelib" / "jobs") + "/"
_WEBHOOK_FUNCTIONS = {str(ROOT / "chalicelib" / "webhooks" / "fanout.py"): policies.WEBHOOK_FAN_OUT,
                      str(ROOT / "chalicelib" / "webhooks" / "delivery.py"): policies.WEBHOOK_DELIVERY}
_API = str(ROOT / "chalicelib" / "api") + "/"
# The authorizer's handler, and its usage keys' step (only the authorizer loads it).
_AUTHORIZER = (str(ROOT / "chalicelib" / "api" / "auth.py"), str(ROOT / "chalicelib" / "auth" / "usage_keys.py"))
_PUBLISHER = (str(ROOT / "chalicelib" / "events" / "publisher.py"), str(ROOT / "chalicelib" / "events" / "stream.py"))
# The bulk answers' worker threads run the API's items with only the service on their stack.
_BULK = str(ROOT / "chalicelib" / "service" / "bulk.py")
_APP = str(ROOT / "app.py")
_VENV = str(ROOT / ".venv") + "/"
# What only tests and the local runner call: the stack declares the tables and queues, and names queues by URL.
SETUP_FUNCTIONS = {"create_tables", "create_queues", "resolve_name", "create_bucket"}

# Operations whose IAM action is checked per item of the request.
_TRANSACT_WRITE = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem",
                   "ConditionCheck": "ConditionCheckItem"}


class Call(NamedTuple):
    function: str | None  # Chalice function name, None when no function's code is on the stack
    grant: Grant


class Recorder:
    def __init__(self) -> None:
        self.calls: set[Call] = set()
        self._scopes: list[set[Call]] = []
        self._lock = threading.Lock()

    def add(self, calls: list[Call]) -> None:
        with self._lock:
            self.calls.update(calls)
            for scope in self._scopes:
                scope.update(calls)

    @contextmanager
    def scope(self) -> Iterator[set[Call]]:
        """The calls made inside the block (a test's own view, independent of the rest of the suite)."""
        calls: set[Call] = set()
        with self._lock:
            self._scopes.append(calls)
        try:
            yield calls
        finally:
            with self._lock:
                self._scopes.remove(calls)


RECORDER = Recorder()


def _caller(frame: FrameType | None) -> tuple[bool, str | None]:
    """(is a product call, function) for the code that made this call."""
    product: bool | None = None
    function: str | None = None
    while frame is not None:
        filename = frame.f_code.co_filename
        in_project = filename.startswith(_ROOT) and not filename.startswith(_VENV)
        if in_project and product is None:
            if filename.startswith(_PRODUCT) or filename == _APP:
                product = frame.f_code.co_name not in SETUP_FUNCTIONS
            else:
                return False, None  # a test or a dev tool called DynamoDB itself
        if product and function is None:
            if filename.startswith(_JOBS):
                function = policies.EXPIRY
            elif filename in _WEBHOOK_FUNCTIONS:
                function = _WEBHOOK_FUNCTIONS[filename]
            elif filename in _PUBLISHER:
                function = policies.PUBLISHER
            elif filename in _AUTHORIZER:
                function = policies.AUTHORIZER
            elif filename.startswith(_API) or filename in (_APP, _BULK):
                function = policies.API_HANDLER
        if product is False or function is not None:
            break  # nothing further up the stack changes the answer
        frame = frame.f_back
    return bool(product), function


def _table_variables() -> dict[str, str]:
    from chalicelib import config
    from infra.tables import table_logical_ids

    return {config.table_name(variable): variable for variable in table_logical_ids()}


def _named_by_settings(service: str, operation: str, params: dict[str, Any]) -> list[Grant]:
    """An EventBridge or SQS call's grants, the resource named by the setting that names it."""
    from chalicelib import config
    from chalicelib.webhooks import queues

    current = config.settings()
    known = queues.known_urls()
    queue_settings = {current.events_dlq_url: "EVENTS_DLQ_URL"} | {
        known.get(getattr(current, setting), getattr(current, setting)): setting.upper()
        for setting in queues.QUEUE_SETTINGS}
    if service == "events" and operation == "PutEvents":
        buses = {entry.get("EventBusName", "default") for entry in params.get("Entries", [])}
        return [Grant("events:PutEvents", "EVENT_BUS_NAME" if bus == current.event_bus_name else f"<bus {bus}>",
                      None) for bus in sorted(buses)]
    if service == "sqs" and "QueueUrl" in params:
        url = params["QueueUrl"]
        action = "SendMessage" if operation == "SendMessageBatch" else operation
        # IAM names a queue by its ARN, whose last part is the queue's name: a URL of another endpoint (a local
        # stage's embedded moto, read by a pump finishing its batch after the stage restored the environment)
        # names the same queue.
        by_name = {_queue_name(known): setting for known, setting in queue_settings.items() if known}
        return [Grant(f"sqs:{action}", queue_settings.get(url) or by_name.get(_queue_name(url), f"<queue {url}>"),
                      None)]
    return [Grant(f"{service}:{operation}", "*", None)]


def _queue_name(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


# S3 operations whose IAM action has another name.
_S3_ACTIONS = {"HeadObject": "GetObject"}


def _s3(operation: str, params: dict[str, Any]) -> list[Grant]:
    """An S3 call's grant: the evidence bucket's objects under their prefix, or what else it named."""
    from chalicelib import config

    bucket, key = params.get("Bucket"), str(params.get("Key", ""))
    prefix = policies.EVIDENCE_OBJECTS.rstrip("*")
    named = policies.EVIDENCE_BUCKET if bucket == config.settings().evidence_bucket else f"<bucket {bucket}>"
    return [Grant("s3:" + _S3_ACTIONS.get(operation, operation), named,
                  policies.EVIDENCE_OBJECTS if key.startswith(prefix) else f"<key {key}>")]


@functools.cache
def _apigateway_grant(operation: str) -> Grant:
    """API Gateway's management API is granted by HTTP method and path: `{id}` segments become `*`."""
    from botocore.session import get_session

    http = get_session().get_service_model("apigateway").operation_model(operation).http
    path = re.sub(r"\{[^}]+\}", "*", http["requestUri"].split("?")[0])
    return Grant(f"apigateway:{http['method']}", path, None)


def grants_of(operation: str, params: dict[str, Any], service: str = "dynamodb") -> list[Grant]:
    """The IAM action(s), with the table and index each one is checked against, of one API call."""
    if service == "s3":
        return _s3(operation, params)
    if service == "apigateway":
        return [_apigateway_grant(operation)]
    if service != "dynamodb":
        return _named_by_settings(service, operation, params)
    tables = _table_variables()

    def grant(action: str, table: str, index: str | None = None) -> Grant:
        return Grant("dynamodb:" + action, tables.get(table, f"<unknown table {table}>"), index)

    if operation == "TransactWriteItems":
        return [grant(_TRANSACT_WRITE[kind], body["TableName"])
                for item in params.get("TransactItems", []) for kind, body in item.items()]
    if operation == "TransactGetItems":
        return [grant("GetItem", item["Get"]["TableName"]) for item in params.get("TransactItems", [])]
    if operation in ("BatchGetItem", "BatchWriteItem"):
        return [grant(operation, table) for table in params.get("RequestItems", {})]
    if "TableName" in params:
        return [grant(operation, params["TableName"], params.get("IndexName"))]
    return [Grant("dynamodb:" + operation, "*", None)]


_original_make_api_call = BaseClient._make_api_call


def _recording_make_api_call(self: BaseClient, operation_name: str, api_params: dict[str, Any]) -> Any:
    service = self.meta.service_model.service_name
    product, function = _caller(sys._getframe(1))
    if product:
        RECORDER.add([Call(function, grant) for grant in grants_of(operation_name, api_params, service)])
        with _COUNT_LOCK:
            for counter in _COUNTERS:
                counter[(service, operation_name)] += 1
    return _original_make_api_call(self, operation_name, api_params)


_COUNTERS: list[Counter[tuple[str, str]]] = []
_COUNT_LOCK = threading.Lock()


@contextmanager
def aws_operations() -> Iterator[Counter[tuple[str, str]]]:
    """(service, operation) -> how many times the product called it inside the block, every AWS service."""
    counter: Counter[tuple[str, str]] = Counter()
    with _COUNT_LOCK:
        _COUNTERS.append(counter)
    try:
        yield counter
    finally:
        with _COUNT_LOCK:
            _COUNTERS.remove(counter)


BaseClient._make_api_call = _recording_make_api_call


def _recording_presigner(operation: str, sign: Any) -> Any:
    """A presigned request is made later by someone else with the role's signature: it needs the grant of the
    operation it signs (PutObject for a POST upload, GetObject for a link), recorded when it is signed."""
    def presign(self: BaseClient, *args: Any, **kwargs: Any) -> Any:
        product, function = _caller(sys._getframe(1))
        if product:
            client_method = kwargs.get("ClientMethod", args[0] if args else operation)
            params = kwargs.get("Params") or {"Bucket": kwargs.get("Bucket"), "Key": kwargs.get("Key")}
            RECORDER.add([Call(function, grant) for grant in _s3(_PRESIGNED.get(client_method, client_method),
                                                                  params)])
        return sign(self, *args, **kwargs)

    return presign


_PRESIGNED = {"get_object": "GetObject", "post": "PutObject"}
signers.generate_presigned_post = _recording_presigner("post", signers.generate_presigned_post)
signers.generate_presigned_url = _recording_presigner("get_object", signers.generate_presigned_url)


@pytest.fixture
def dynamodb_calls() -> Iterator[set[Call]]:
    """The product's DynamoDB calls made during one test."""
    with RECORDER.scope() as calls:
        yield calls


# --- the end-of-session check -------------------------------------------------------------------------


def not_granted(calls: set[Call], stages: tuple[str, ...] = policies.STAGES) -> list[str]:
    problems = []
    for stage in stages:
        grants = policies.all_grants(stage)
        for call in sorted(calls, key=str):
            allowed = grants[call.function] if call.function else set().union(*grants.values())
            if call.grant not in allowed:
                problems.append(f"{stage}: {call.function or 'some function'} calls {_show(call.grant)}, "
                                "which its policy does not grant")
    return problems


def never_called(calls: set[Call], stages: tuple[str, ...] = policies.STAGES) -> list[str]:
    problems = []
    for stage in stages:
        for function, grants in policies.all_grants(stage).items():
            used = {call.grant for call in calls if call.function == function}
            problems.extend(f"{stage}: {function} is granted {_show(grant)}, which it never calls"
                            for grant in sorted(grants - used, key=str))
    return problems


def _show(grant: Grant) -> str:
    return f"{grant.action} on {grant.table}" + (f" index {grant.index}" if grant.index else "")


class _State:
    deselected = False
    problems: list[str] = []
    checked_unused = False


def pytest_deselected(items: list[pytest.Item]) -> None:
    if items:
        _State.deselected = True


def _whole_suite(session: pytest.Session) -> bool:
    config = session.config
    if config.getoption("keyword", "") or config.getoption("markexpr", "") or _State.deselected:
        return False
    if session.testsfailed or session.shouldstop or session.shouldfail:
        return False
    testpaths = {(ROOT / path).resolve() for path in config.getini("testpaths")} or {ROOT}
    args = {Path(arg).resolve() for arg in config.args}
    return not config.args or args <= testpaths | {ROOT}


_CALLS, _DESELECTED = "iam_recorder_calls", "iam_recorder_deselected"


def _worker_output(config: pytest.Config) -> dict[str, Any] | None:
    """Under pytest-xdist, what a worker hands the controller when it is done; None outside a worker."""
    return getattr(config, "workeroutput", None)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """The controller (pytest-xdist) adds each worker's calls: the check below then sees the whole suite's."""
    output = getattr(node, "workeroutput", None) or {}
    RECORDER.add([Call(function, Grant(*grant)) for function, grant in output.get(_CALLS, [])])
    _State.deselected |= bool(output.get(_DESELECTED))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    output = _worker_output(session.config)
    if output is not None:  # a worker: the controller checks every worker's calls together
        output[_CALLS] = [(call.function, tuple(call.grant)) for call in RECORDER.calls]
        output[_DESELECTED] = _State.deselected
        return
    if exitstatus not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        return
    try:
        problems = not_granted(RECORDER.calls)
        _State.checked_unused = _whole_suite(session)
        if _State.checked_unused:
            problems += never_called(RECORDER.calls)
    except policies.PolicyError as error:
        problems = [str(error)]
    _State.problems = problems
    if problems:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _State.problems:
        terminalreporter.write_sep("=", "IAM policy check failed", red=True)
        for problem in _State.problems:
            terminalreporter.write_line(problem)
    elif RECORDER.calls:
        extent = "called ops granted; no grant unused" if _State.checked_unused else \
            "called ops granted (unused grants not checked: part of the suite ran)"
        terminalreporter.write_line(f"IAM policy check: {len(RECORDER.calls)} distinct AWS calls, {extent}")
