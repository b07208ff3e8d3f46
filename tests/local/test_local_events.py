"""The local pipeline over real HTTP: a change made through the API reaches the bus on the embedded moto through the
stream pump and the stream function's own handler, and the feed serves it once settled; the reminder and the
auto-approval arrive as events with a short window."""

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
import time_machine

from devtools.local_stage import LocalStage
from devtools.loopback_http import http
from devtools.order_bodies import order_body

WAIT_SECONDS = 15  # a bound on waiting for the pump and the scheduler threads, never a wait for time to pass


@pytest.fixture(scope="module")
def stack() -> Iterator[LocalStage]:
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SELLER_RESPONSE_WINDOW_SECONDS", "600")
        env.setenv("REMINDER_LEAD_SECONDS", "300")
        env.setenv("EVENT_FEED_SETTLE_SECONDS", "1")
        local = LocalStage(port=0, schedule_seconds=3600, load_demo=False, announce=lambda line: None).start()
        try:
            yield local
        finally:
            local.stop()


def until(found: Any, what: str) -> Any:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        value = found()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"no {what} within {WAIT_SECONDS}s")


def test_a_buyer_request_reaches_the_bus_and_the_feed(stack):
    queue = stack.events.subscribe("requests", {"source": ["cancel-desk"], "detail-type": ["cancellation.requested"]})
    sqs = boto3.client("sqs")
    placed = (datetime.now(UTC) - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert http(stack.base_url, "POST", "/platform/orders", stack.tokens["platform"],
                order_body("LOC-1", seller_id="S1", placed_at=placed, paid_at=placed)).status == 201
    asked = time.monotonic()
    created = http(stack.base_url, "POST", "/buyer/orders/LOC-1/cancellation-requests", stack.tokens["buyer"],
                   {"reason": "CHANGED_MIND"})
    assert created.status == 201, created.json
    (message,) = until(lambda: sqs.receive_message(QueueUrl=queue).get("Messages"), "event on the bus")
    assert time.monotonic() - asked < 2
    detail = json.loads(message["Body"])["detail"]
    assert (detail["type"], detail["order_id"]) == ("cancellation.requested", "LOC-1")
    assert detail["data"]["cancellation"]["cancel_id"] == created.json["cancel_id"]

    def feed() -> list[dict]:
        reply = http(stack.base_url, "GET", "/seller/events?types=cancellation.requested", stack.tokens["seller"])
        assert reply.status == 200 and reply.json["next_cursor"]
        return reply.json["items"]

    (served,) = until(feed, "event in the feed")
    assert served == detail  # the same envelope on both channels

    # A 10-minute window and a 5-minute lead: the job's run past the lead reminds, the one past the deadline
    # auto-approves (the clock jumps there; the stack's threads read the same clock).
    respond_by = datetime.fromisoformat(created.json["respond_by"])
    with time_machine.travel(respond_by - timedelta(seconds=200)):
        report = stack.scheduler.tick()
        assert report["reminders"]["sent"] == 1, report
    with time_machine.travel(respond_by + timedelta(seconds=1)):
        report = stack.scheduler.tick()
        assert report["auto_approved"] == 1, report

    def types() -> list[str] | None:
        reply = http(stack.base_url, "GET", "/seller/events?limit=100", stack.tokens["seller"])
        seen = [e["type"] for e in reply.json["items"]]
        return seen if "cancellation.auto_approved" in seen else None

    with time_machine.travel(respond_by + timedelta(seconds=5)):
        seen = until(types, "auto-approval in the feed")
    assert seen == [
        "order.recorded", "cancellation.requested", "cancellation.response_due_soon", "cancellation.auto_approved"]
