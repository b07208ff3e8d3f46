"""Schemathesis against /openapi.json of the running local service, with a valid token for each role.

Every phase schemathesis has for OpenAPI runs (boundary "coverage" cases, property-based fuzzing with valid and
invalid inputs, and stateful chains along the links it infers), bounded so CI stays fast. Checks: no 5xx;
every status code, content type, header and body is the one the document declares; invalid input is refused;
an undeclared method gets 405; an authenticated route without a token is refused.

FUZZ_EXAMPLES (per operation and mode) and FUZZ_SEED override the bounds for a longer or different run.
"""

import json
import logging
import os
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
import schemathesis
from schemathesis.engine import Status, events
from schemathesis.engine import from_schema as engine_for

from chalicelib import obs
from devtools.local_stage import LocalStage

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "30"))
SEED = int(os.environ.get("FUZZ_SEED", "20261127"))
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "unsupported_method",
    "ignored_auth",
)
# The OpenAPI tag of each role's routes, and whose token they take: the seller's webhook and appeal routes have their
# own, the support desk's routes (tag operator) the operator's.
TAGS = {"seller": "seller", "buyer": "buyer", "platform": "platform", "webhooks": "seller", "appeals": "seller",
        "operator": "operator"}


@pytest.fixture(scope="module")
def stack() -> Iterator[LocalStage]:
    app_log = obs.logger()
    level = app_log.level
    app_log.setLevel(logging.WARNING)  # one access line per fuzzed call is noise here
    try:
        with LocalStage(port=0, schedule_seconds=1, announce=lambda line: None) as local:
            yield local
    finally:
        app_log.setLevel(level)


def _get(stack: LocalStage, path: str, role: str) -> dict:
    request = urllib.request.Request(stack.base_url + path, headers={"Authorization": f"Bearer {stack.tokens[role]}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())

REJECTIONS = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429", "5xx"]


def fuzz_config(stack: LocalStage) -> schemathesis.Config:
    """Per role: its token, and the demo shop's ids mixed into generated path parameters so that
    requests reach the rules behind "not found"."""
    orders = sorted(stack.shop.orders.values())
    cancellations = [c["cancel_id"] for c in _get(stack, "/seller/cancellations?limit=100", "seller")["items"]]
    ids = {"order_id": {"dictionary": "orders", "probability": 0.5},
           "cancel_id": {"dictionary": "cancellations", "probability": 0.5}}
    return schemathesis.Config.from_dict({
        "seed": SEED,
        "generation": {"max-examples": EXAMPLES, "mode": "all", "database": "none"},
        "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS},
                   # schemathesis' own list, and 413: invalid data may also be a body over the contract's size limit.
                   "negative_data_rejection": {"enabled": True, "expected-statuses": REJECTIONS}},
        "dictionaries": {"orders": {"values": orders}, "cancellations": {"values": cancellations}},
        "operations": [
            {"include-tag": tag, "headers": {"Authorization": f"Bearer {stack.tokens[role]}"}, "parameters": ids}
            for tag, role in TAGS.items()
        ],
        "phases": {"stateful": {"max-steps": 6}},
    })


@dataclass
class Outcome:
    calls: int = 0
    by_phase: Counter = field(default_factory=Counter)
    statuses: dict[str, Counter] = field(default_factory=dict)
    checks_run: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    stop_reason: str = ""
    seconds: float = 0.0


def run(schema: schemathesis.BaseSchema) -> Outcome:
    outcome = Outcome()
    started = time.perf_counter()
    for event in engine_for(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            recorder = event.recorder
            outcome.calls += len(recorder.interactions)
            outcome.by_phase[event.phase.value] += len(recorder.interactions)
            for case_id, interaction in recorder.interactions.items():
                label = recorder.cases[case_id].value.operation.label
                if interaction.response is not None:
                    outcome.statuses.setdefault(label, Counter())[interaction.response.status_code] += 1
            for checks in recorder.checks.values():
                for check in checks:
                    outcome.checks_run[check.name] += 1
                    if check.status is Status.FAILURE and check.failure_info is not None:
                        failure = check.failure_info
                        outcome.failures.append(f"{recorder.label}: {check.name}: {failure.failure.title}\n"
                                                f"  {failure.failure.message}\n  {failure.code_sample}")
        elif isinstance(event, events.NonFatalError):
            outcome.errors.append(f"{event.label}: {event.value!r}")
        elif isinstance(event, events.FatalError):
            outcome.errors.append(f"fatal: {event.exception!r}")
        elif isinstance(event, events.EngineFinished):
            outcome.stop_reason = event.stop_reason.value
    outcome.seconds = time.perf_counter() - started
    return outcome


def test_the_running_service_answers_every_fuzzed_request_as_documented(stack, capsys):
    schema = schemathesis.openapi.from_url(f"{stack.base_url}/openapi.json", config=fuzz_config(stack))
    operations = {op.ok().label: op.ok() for op in schema.get_all_operations()}
    outcome = run(schema)

    with capsys.disabled():
        print(f"\n[fuzz] schemathesis {schemathesis.__version__}, seed {SEED}, {EXAMPLES} examples per operation "
              f"and mode: {outcome.calls} calls over {len(outcome.statuses)}/{len(operations)} operations in "
              f"{outcome.seconds:.0f}s; by phase {dict(outcome.by_phase)}; "
              f"{sum(outcome.checks_run.values())} checks; {len(outcome.failures)} failures")

    assert outcome.errors == []
    assert outcome.stop_reason == "completed"
    assert outcome.failures == [], "\n\n".join(outcome.failures[:20])
    assert set(outcome.statuses) == set(operations), "every operation was called"
    assert outcome.calls >= 20 * len(operations)
    assert set(CHECKS) <= set(outcome.checks_run), "every check ran"
    # The tokens were accepted: each authenticated operation got answers past the authorizer.
    for label, operation in operations.items():
        if operation.definition.raw.get("x-role"):
            assert set(outcome.statuses[label]) - {401, 403}, f"{label} only ever answered 401/403"
