"""Operations: every log line carries the Lambda request id and whether the invocation was a cold start, and the
business metrics ride in the lines as CloudWatch's embedded metric format (no metrics client anywhere)."""

import json
import logging
from collections.abc import Iterator

import pytest

from chalicelib import obs


@pytest.fixture
def lines() -> Iterator[list[dict]]:
    seen: list[dict] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(json.loads(record.getMessage()))

    handler = Collect()
    obs.logger().addHandler(handler)
    yield seen
    obs.logger().removeHandler(handler)


def emf(line: dict) -> dict[str, float]:
    """The metrics a line carries, as CloudWatch reads them from its `_aws` block."""
    (directive,) = line["_aws"]["CloudWatchMetrics"]
    assert directive["Namespace"] == obs.NAMESPACE
    for dimensions in directive["Dimensions"]:
        assert all(name in line for name in dimensions)
    return {metric["Name"]: line[metric["Name"]] for metric in directive["Metrics"]}


def test_the_first_invocation_of_a_process_is_cold_and_every_line_says_whose_it_is(lines, monkeypatch):
    monkeypatch.setattr(obs, "_cold", True)
    obs.invocation("req-1")
    obs.event("one")
    obs.invocation("req-2")
    obs.event("two")
    assert [(line["request_id"], line["cold_start"]) for line in lines] == [("req-1", True), ("req-2", False)]


def test_requests_and_auto_approvals_are_metrics_of_the_lines(shop, lines):
    shop.auto_approved("M1")
    requests = [line for line in lines if line["event"] == "http.request"]
    assert requests and all(line["request_id"] for line in lines)
    assert all(emf(line)["Requests"] == 1 and line["StatusClass"] == "2xx" for line in requests)
    (approval,) = [line for line in lines if line["event"] == "cancellation.auto_approved"]
    assert (emf(approval), approval["Cause"]) == ({"AutoApprovals": 1}, "UNPAID_ORDER")


def test_every_metric_is_in_the_list_the_docs_use():
    assert set(obs.METRICS) >= {"Requests", "AutoApprovals", "EventsPublished", "FeedLagSeconds",
                                "WebhookDeliveries", "RemindersSent", "EventsDeadLettered", "PublishLagSeconds"}


def test_a_line_goes_to_stdout_as_it_is_then_not_as_it_was_at_the_first_line(monkeypatch):
    """A thread that outlives a test's capture (the local stage's pumps) writes to the stream of its time, never to a
    closed one."""
    import io
    import sys

    obs.event("first")  # the handler exists from here on
    earlier, later = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stdout", earlier)
    obs.event("while.captured")
    earlier.close()
    monkeypatch.setattr(sys, "stdout", later)
    obs.event("after.capture")

    assert [json.loads(line)["event"] for line in later.getvalue().splitlines()] == ["after.capture"]


def test_a_stream_set_on_the_handler_is_kept_whatever_stdout_becomes(monkeypatch):
    import io
    import logging
    import sys

    (handler,) = [h for h in obs.logger().handlers if isinstance(h, logging.StreamHandler)]
    pinned, stdout = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stdout", stdout)
    handler.setStream(pinned)
    try:
        obs.event("pinned.line")
    finally:
        handler.setStream(None)  # back to following sys.stdout

    assert [json.loads(line)["event"] for line in pinned.getvalue().splitlines()] == ["pinned.line"]
    assert stdout.getvalue() == ""
