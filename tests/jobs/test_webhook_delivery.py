"""Webhook delivery against a real HTTP server on loopback, through the functions Lambda runs (fan-out from the
events queue, attempts from the delivery and retry queues): signatures verified by the `standardwebhooks`
library, retries on the schedule (the clock moved, never waited for), 410, redirects, rotation, the URL checked
again at delivery, crashes, and the exact AWS calls of one delivery."""

import json
import logging
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from botocore.handlers import BUILTIN_HANDLERS
from standardwebhooks import Webhook

from chalicelib import obs
from chalicelib.domain import webhooks as rules
from chalicelib.store import webhooks as store
from devtools.dynamo_calls import DynamoCalls
from devtools.webhook_receiver import Receiver
from tests.support.hooks import FAKE_DNS, envelope, put_on_bus_queue
from tests.support.raw_receivers import EndlessBody, RawReceiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as started:
        yield started


class SqsCalls:
    """SQS calls the product makes, by operation (the pump's own receive and delete are Lambda's part)."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, model, **_):
        self.calls.append(model.name)


@pytest.fixture
def sqs_calls() -> Iterator[SqsCalls]:
    recorder = SqsCalls()
    BUILTIN_HANDLERS.append(("before-parameter-build.sqs", recorder))
    from chalicelib.webhooks import queues
    queues.reset()  # a new client picks the handler up
    yield recorder
    BUILTIN_HANDLERS.remove(("before-parameter-build.sqs", recorder))


def attempts(shop, webhook_id: str) -> list[dict]:
    return shop.deliveries(webhook_id, "limit=100").json["items"]


def test_an_event_is_delivered_signed_and_verified_by_the_library(shop, receiver):
    webhook_id, secret = shop.hook(receiver.url + "/hook", ["cancellation.requested"])
    receiver.secrets = [secret]
    event = envelope()
    put_on_bus_queue(event, envelope("order.paid", sequence=1))  # the second is not subscribed
    shop.run_webhooks()
    assert len(receiver.received) == 1
    got = receiver.received[0]
    assert got.verified and got.event == event
    assert Webhook(secret).verify(got.body, got.headers) == event
    assert got.headers["webhook-id"] == event["id"] and got.headers["content-type"] == "application/json"
    assert got.headers["webhook-timestamp"] == "1795424400"  # the attempt's time, unix seconds
    [logged] = attempts(shop, webhook_id)
    assert (logged["outcome"], logged["status"], logged["attempt"], logged["response_status"],
            logged["event_id"]) == ("SUCCEEDED", "SUCCEEDED", 1, 200, event["id"])


def test_an_offer_event_reaches_the_endpoint_subscribed_to_it_by_name(shop, receiver, bus):
    """From the commit to the endpoint (offers.md, OF9): an offer made and accepted, its events read off the events
    table's stream by the publisher onto the bus, then as the bus's rule hands them to the webhooks' queue; only
    the two subscribed types are delivered, each verified and as the outbox holds it."""
    from chalicelib.events import publisher
    from tests.support.events import Stream

    webhook_id, secret = shop.hook(receiver.url + "/hook", ["cancellation.offer_made", "cancellation.offer_accepted"])
    receiver.secrets = [secret]
    order_id, cancel_id = shop.offered()
    shop.accept_offer(cancel_id, expect=200)
    assert publisher.handle(Stream().records(), sleep=lambda seconds: None).published == 4
    published = [event["detail"] for event in bus.received()]
    assert [e["type"] for e in published] == ["order.recorded", "cancellation.requested", "cancellation.offer_made",
                                              "cancellation.offer_accepted"]
    put_on_bus_queue(*published)
    shop.run_webhooks()
    got = sorted((r.event for r in receiver.received if r.verified and r.event), key=lambda e: e["sequence"])
    assert len(receiver.received) == len(got) == 2
    assert got == published[2:]
    assert [(e["type"], e["order_id"], e["data"]["cancellation"]["cancel_id"]) for e in got] == [
        ("cancellation.offer_made", order_id, cancel_id), ("cancellation.offer_accepted", order_id, cancel_id)]
    assert [a["outcome"] for a in attempts(shop, webhook_id)] == ["SUCCEEDED"] * 2


def test_a_500_is_retried_on_the_schedule_then_failed(shop, receiver, clock, monkeypatch):
    monkeypatch.setenv("WEBHOOK_RETRY_SCHEDULE_SECONDS", "5,300,1800")
    receiver.respond = lambda received: 500
    webhook_id, _ = shop.hook(receiver.url + "/hook")
    put_on_bus_queue(envelope())
    shop.run_webhooks()
    assert len(receiver.received) == 1
    [first] = attempts(shop, webhook_id)
    assert first["status"] == "PENDING" and first["response_status"] == 500 and first["error"] == "HTTP 500"
    assert first["outcome"] == "FAILED"  # the attempt failed; its delivery waits for the next one
    due = first["next_attempt_at"]
    assert "2026-11-23T09:00:05Z" <= due <= "2026-11-23T09:00:06Z"  # 5 s, plus up to 10% of it
    shop.run_webhooks()
    assert len(receiver.received) == 1  # not due yet: nothing happens
    for shift, expected in ((6, 2), (300, 3), (1800, 4)):
        clock.move_to(rules_time(shift))
        shop.run_webhooks()
        assert len(receiver.received) == expected, shift
    log = attempts(shop, webhook_id)
    assert [a["attempt"] for a in log] == [4, 3, 2, 1]  # newest first
    assert [a["status"] for a in log] == ["FAILED", "PENDING", "PENDING", "PENDING"]
    assert [a["outcome"] for a in log] == ["FAILED"] * 4
    assert log[0]["next_attempt_at"] is None
    assert {r.headers["webhook-id"] for r in receiver.received} == {envelope()["id"]}  # one event, four tries


def rules_time(seconds_after_start: int):
    from tests.support.api import START

    return START + timedelta(seconds=seconds_after_start * 1.1 + 1)


def test_a_long_wait_is_held_on_the_queue_not_resent(shop, receiver, clock, monkeypatch, sqs_calls):
    """A retry due in 2 hours: sent with the 15-minute delay SQS allows, then held by its visibility timeout
    when it arrives early, and tried when due."""
    monkeypatch.setenv("WEBHOOK_RETRY_SCHEDULE_SECONDS", "7200")
    receiver.respond = lambda received: 503
    shop.hook(receiver.url + "/hook")
    put_on_bus_queue(envelope())
    shop.run_webhooks()
    clock.shift(timedelta(minutes=16))
    sqs_calls.calls.clear()
    shop.run_webhooks()
    assert sqs_calls.calls.count("ChangeMessageVisibility") == 1 and "SendMessage" not in sqs_calls.calls
    assert len(receiver.received) == 1
    clock.shift(timedelta(hours=2))
    shop.run_webhooks()
    assert len(receiver.received) == 2


def test_a_timeout_is_a_failed_attempt_retried(shop, receiver, clock, monkeypatch):
    monkeypatch.setattr(rules, "TIMEOUT_SECONDS", 0.2)
    answers = iter([None, 200])  # the first is never answered: the sender gives up after its timeout
    receiver.respond = lambda received: next(answers)
    webhook_id, _ = shop.hook(receiver.url + "/hook")
    put_on_bus_queue(envelope())
    shop.run_webhooks()
    [first] = attempts(shop, webhook_id)
    assert (first["status"], first["response_status"], first["error"]) == ("PENDING", None, "timeout after 0.2s")
    clock.shift(timedelta(seconds=6))
    shop.run_webhooks()
    assert [(a["outcome"], a["status"]) for a in attempts(shop, webhook_id)] == [
        ("SUCCEEDED", "SUCCEEDED"), ("FAILED", "PENDING")]


def test_a_log_entry_written_before_attempts_carried_an_outcome_reads_it_from_the_delivery_state(shop, receiver):
    from chalicelib.store.webhook_models import DeliveryItem

    receiver.respond = lambda received: 500
    webhook_id, _ = shop.hook(receiver.url + "/hook")
    put_on_bus_queue(envelope())
    shop.run_webhooks()
    for item in DeliveryItem.query(webhook_id):
        item.update(actions=[DeliveryItem.outcome.remove()])
    [first] = attempts(shop, webhook_id)
    assert (first["outcome"], first["status"]) == ("FAILED", "PENDING")


def test_410_disables_the_webhook_at_once(shop, receiver):
    receiver.respond = lambda received: 410
    webhook_id, _ = shop.hook(receiver.url + "/hook")
    put_on_bus_queue(envelope())
    shop.run_webhooks()
    hook = shop.webhook(webhook_id).json
    assert (hook["status"], hook["disabled_reason"]) == ("DISABLED", "GONE")
    assert attempts(shop, webhook_id)[0]["status"] == "FAILED"
    put_on_bus_queue(envelope(sequence=3))
    shop.run_webhooks()
    assert len(receiver.received) == 1  # nothing more to a disabled webhook
    receiver.respond = lambda received: 200
    assert shop.enable_webhook(webhook_id).json["status"] == "ENABLED"
    put_on_bus_queue(envelope(sequence=4))
    shop.run_webhooks()
    assert len(receiver.received) == 2


def test_a_redirect_is_not_followed(shop, receiver):
    receiver.respond = lambda received: 302
    webhook_id, _ = shop.hook(receiver.url + "/hook")
    put_on_bus_queue(envelope())
    shop.run_webhooks()
    assert [r.path for r in receiver.received] == ["/hook"]  # the Location was never asked for
    [first] = attempts(shop, webhook_id)
    assert (first["status"], first["response_status"], first["error"]) == ("PENDING", 302,
                                                                          "redirect 302 not followed")


def test_during_a_rotation_both_secrets_sign(shop, receiver, clock):
    webhook_id, old = shop.hook(receiver.url + "/hook")
    new = shop.rotate_secret(webhook_id).json["secret"]
    put_on_bus_queue(envelope())
    shop.run_webhooks()
    got = receiver.received[0]
    assert len(got.headers["webhook-signature"].split(" ")) == 2
    for secret in (old, new):
        assert Webhook(secret).verify(got.body, got.headers) == envelope()
    clock.shift(timedelta(hours=24))
    put_on_bus_queue(envelope(sequence=3))
    shop.run_webhooks()
    later = receiver.received[1]
    assert len(later.headers["webhook-signature"].split(" ")) == 1
    assert Webhook(new).verify(later.body, later.headers)["sequence"] == 3


def test_a_host_that_resolves_to_a_private_address_at_delivery_is_refused(shop, receiver, monkeypatch):
    """Registered while public, rebound to an internal address since: checked again at the attempt."""
    monkeypatch.setenv("WEBHOOK_ALLOW_PRIVATE_NETWORKS", "false")
    monkeypatch.setenv("WEBHOOK_ALLOW_HTTP", "false")
    webhook_id, _ = shop.hook("https://rebinding.example.com/hook")
    monkeypatch.setitem(FAKE_DNS, "rebinding.example.com", ["127.0.0.1"])
    put_on_bus_queue(envelope())
    shop.run_webhooks()
    [first] = attempts(shop, webhook_id)
    assert (first["status"], first["response_status"], first["error"]) == (
        "PENDING", None, "URL refused: LOOPBACK_ADDRESS")
    assert receiver.received == []


def test_attempts_failing_for_five_days_disable_the_webhook(shop, receiver, clock, monkeypatch):
    monkeypatch.setenv("WEBHOOK_RETRY_SCHEDULE_SECONDS", "5")
    receiver.respond = lambda received: 500
    webhook_id, _ = shop.hook(receiver.url + "/hook")
    for day in range(6):
        put_on_bus_queue(envelope(sequence=10 + day))
        shop.run_webhooks()
        status = shop.webhook(webhook_id).json["status"]
        assert status == ("DISABLED" if day == 5 else "ENABLED"), day
        clock.shift(timedelta(days=1))
    assert shop.webhook(webhook_id).json["disabled_reason"] == "FAILING"


def test_a_success_ends_the_failure_streak(shop, receiver, clock, monkeypatch):
    monkeypatch.setenv("WEBHOOK_RETRY_SCHEDULE_SECONDS", "5")
    answers = iter([500, 500, 200, 500, 500])
    receiver.respond = lambda received: next(answers)
    webhook_id, _ = shop.hook(receiver.url + "/hook")
    put_on_bus_queue(envelope())
    shop.run_webhooks()
    clock.shift(timedelta(days=4))
    shop.run_webhooks()  # the retry fails too: still one streak
    put_on_bus_queue(envelope(sequence=3))
    shop.run_webhooks()  # succeeds
    clock.shift(timedelta(days=2))
    put_on_bus_queue(envelope(sequence=4))
    shop.run_webhooks()
    assert shop.webhook(webhook_id).json["status"] == "ENABLED"


def test_a_deleted_webhook_gets_nothing_more(shop, receiver, clock):
    receiver.respond = lambda received: 500
    webhook_id, _ = shop.hook(receiver.url + "/hook")
    put_on_bus_queue(envelope())
    shop.run_webhooks()
    shop.delete_webhook(webhook_id, expect=204)
    clock.shift(timedelta(seconds=10))
    shop.run_webhooks()
    assert len(receiver.received) == 1


def test_test_ping_and_retry_by_hand(shop, receiver):
    webhook_id, secret = shop.hook(receiver.url + "/hook")
    receiver.secrets = [secret]
    queued = shop.test_webhook(webhook_id, expect=202).json
    shop.run_webhooks()
    ping = receiver.received[0]
    assert ping.verified and ping.event["type"] == "webhook.test" and ping.event["data"]["webhook_id"] == webhook_id
    assert shop.retry_delivery(webhook_id, queued["delivery_id"], expect=202).json == queued
    shop.run_webhooks()
    assert receiver.received[1].event == ping.event
    assert [(a["attempt"], a["status"]) for a in attempts(shop, webhook_id)] == [(2, "SUCCEEDED"), (1, "SUCCEEDED")]


def test_a_crash_mid_delivery_is_retried(shop, receiver, clock, monkeypatch):
    """The attempt was made, but the process died before recording it: the message was not deleted, so it
    comes back after its visibility timeout and the attempt is made again (at least once)."""
    webhook_id, _ = shop.hook(receiver.url + "/hook")
    original = store.record_attempt
    crashes = []

    def crash_once(*args, **kwargs):
        if not crashes:
            crashes.append(1)
            raise RuntimeError("the process died here")
        return original(*args, **kwargs)

    monkeypatch.setattr(store, "record_attempt", crash_once)
    put_on_bus_queue(envelope())
    shop.run_webhooks()
    assert len(receiver.received) == 1 and attempts(shop, webhook_id) == []
    clock.shift(timedelta(seconds=31))  # the queue's visibility timeout
    shop.run_webhooks()
    assert len(receiver.received) == 2
    assert [a["status"] for a in attempts(shop, webhook_id)] == ["SUCCEEDED"]


def test_a_poison_event_holds_no_other_back(shop, receiver):
    from chalicelib.webhooks import queues

    shop.hook(receiver.url + "/hook")
    queues.client().send_message(QueueUrl=queues.events_queue(), MessageBody='{"not": "an event"}')
    put_on_bus_queue(envelope())
    shop.run_webhooks()
    assert len(receiver.received) == 1


def test_fan_out_reaches_every_matching_enabled_webhook_of_the_seller_only(shop, receiver):
    shop.hook(receiver.url + "/a", ["*"])
    shop.hook(receiver.url + "/b", ["cancellation.requested"])
    shop.hook(receiver.url + "/c", ["order.paid"])
    shop.hook(receiver.url + "/other", ["*"], seller_id="S2")
    put_on_bus_queue(envelope())
    shop.run_webhooks()
    assert sorted(r.path for r in receiver.received) == ["/a", "/b"]


def test_fan_out_queues_nothing_for_a_disabled_webhook(shop, receiver):
    receiver.respond = lambda received: 410 if received.path == "/gone" else 200
    gone_id, _ = shop.hook(receiver.url + "/gone")
    live_id, _ = shop.hook(receiver.url + "/live")
    put_on_bus_queue(envelope())
    shop.run_webhooks()
    assert shop.webhook(gone_id).json["status"] == "DISABLED"
    put_on_bus_queue(envelope(sequence=3))
    shop.run_webhooks()
    assert [a["event_id"] for a in attempts(shop, gone_id)] == [envelope()["id"]]  # no entry, not even a failed one
    assert len(attempts(shop, live_id)) == 2
    assert sorted(r.path for r in receiver.received) == ["/gone", "/live", "/live"]


def test_a_receiver_with_an_endless_body_is_read_up_to_the_cap_and_the_attempt_recorded(shop, monkeypatch):
    """The answer is read up to 64 KiB and dropped: an endless one ends the attempt as the status says, well
    within its deadline (its logged time and the run's own), rather than being read until the deadline cuts it."""
    monkeypatch.setattr(rules, "TIMEOUT_SECONDS", 3.0)
    lines: list[dict] = []
    handler = logging.Handler()
    handler.emit = lambda record: lines.append(json.loads(record.getMessage()))  # type: ignore[method-assign]
    endless = EndlessBody()
    obs.logger().addHandler(handler)
    try:
        with RawReceiver(endless) as server:
            webhook_id, _ = shop.hook(f"http://127.0.0.1:{server.port}/hook")
            put_on_bus_queue(envelope())
            started = time.monotonic()
            shop.run_webhooks()
            took = time.monotonic() - started
    finally:
        obs.logger().removeHandler(handler)
    [first] = attempts(shop, webhook_id)
    assert (first["status"], first["outcome"], first["response_status"], first["error"]) == (
        "SUCCEEDED", "SUCCEEDED", 200, None)
    [logged] = [line for line in lines if line["event"] == "webhook.attempt"]
    assert logged["ms"] < 1000 and took < 2.5  # the deadline is 3 s
    assert endless.sent >= 64 * 1024


def test_the_aws_calls_of_one_delivery(shop, receiver, sqs_calls):
    """Fan-out: 1 Query + 1 SendMessageBatch per event; one successful attempt: 1 GetItem + 1 BatchWriteItem,
    and no SQS call of its own (Lambda receives and deletes). A failed attempt adds its retry's SendMessage
    and, when a failure streak begins, 1 UpdateItem."""
    shop.hook(receiver.url + "/hook")
    from app import app
    from devtools.webhook_pump import pumps

    fan_out, deliver, _ = pumps(app)
    put_on_bus_queue(envelope())
    sqs_calls.calls.clear()
    with DynamoCalls() as calls:
        fan_out.drain()
    assert (calls.counts(), [c for c in sqs_calls.calls if c.startswith("Send")]) == (
        {"Query": 1}, ["SendMessageBatch"])
    with DynamoCalls() as calls:
        handled = deliver.once()
    assert handled == 1 and calls.counts() == {"GetItem": 1, "BatchWriteItem": 1}
    receiver.respond = lambda received: 500
    put_on_bus_queue(envelope(sequence=3))
    fan_out.drain()
    sqs_calls.calls.clear()
    with DynamoCalls() as calls:
        deliver.once()
    assert calls.counts() == {"GetItem": 1, "BatchWriteItem": 1, "UpdateItem": 1}
    assert [c for c in sqs_calls.calls if c.startswith("Send")] == ["SendMessage"]


def test_the_secret_is_in_no_log_line_and_no_event(shop, receiver, clock):
    lines: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: lines.append(record.getMessage())  # type: ignore[method-assign]
    obs.logger().addHandler(handler)
    try:
        receiver.respond = lambda received: 500
        webhook_id, secret = shop.hook(receiver.url + "/hook")
        rotated = shop.rotate_secret(webhook_id).json["secret"]
        put_on_bus_queue(envelope())
        shop.run_webhooks()
        shop.test_webhook(webhook_id)
        shop.run_webhooks()
    finally:
        obs.logger().removeHandler(handler)
    printed = "\n".join(lines)
    assert '"event":"webhook.attempt"' in printed
    for value in (secret, rotated, secret.removeprefix("whsec_"), rotated.removeprefix("whsec_")):
        assert value not in printed
        assert all(value.encode() not in r.body for r in receiver.received)


def test_a_failing_receiver_waits_on_the_retry_lane_not_the_delivery_lane(shop, receiver, sqs_calls):
    """Once a webhook fails, its next events go to the retry lane at fan-out; one fanned out before the failure
    was recorded is moved there when it comes up, without an attempt on the delivery lane."""
    from app import app
    from chalicelib.webhooks import queues
    from devtools.webhook_pump import QueuePump, pumps

    fan_out, _, retry = pumps(app)
    one_at_a_time = QueuePump(queues.delivery_queue(), app.handler_map["deliver_webhooks"], "deliver", batch=1)
    receiver.respond = lambda received: 500
    shop.hook(receiver.url + "/hook")
    put_on_bus_queue(envelope(), envelope(sequence=3))
    fan_out.drain()  # both on the delivery lane
    assert one_at_a_time.once() == 1 and len(receiver.received) == 1  # the first fails
    sqs_calls.calls.clear()
    with DynamoCalls() as calls:
        assert one_at_a_time.once() == 1  # the second is moved, not tried
    assert len(receiver.received) == 1 and calls.counts() == {"GetItem": 1}
    assert [c for c in sqs_calls.calls if c.startswith("Send")] == ["SendMessage"]
    receiver.respond = lambda received: 200
    put_on_bus_queue(envelope(sequence=4))
    fan_out.drain()
    assert one_at_a_time.drain() == 0  # at fan-out, straight to the retry lane
    assert retry.drain() == 2 and len(receiver.received) == 3  # the moved one and the new one
    put_on_bus_queue(envelope(sequence=5))
    fan_out.drain()
    assert one_at_a_time.drain() == 1 and len(receiver.received) == 4  # the streak ended: the delivery lane again


def test_an_attempt_left_unanswered_moves_the_webhooks_next_deliveries_to_the_retry_lane(shop, receiver,
                                                                                          monkeypatch):
    """Marked failing while its attempt still waits for its timeout; a slow answer that succeeds clears it."""
    import threading

    from app import app
    from chalicelib.webhooks import delivery
    from devtools.webhook_pump import pumps

    monkeypatch.setattr(delivery, "SLOW_SECONDS", 0.05)
    # A slow answer is well inside the timeout even on a busy machine: 0.3 s against 2 s.
    monkeypatch.setattr(rules, "TIMEOUT_SECONDS", 2.0)
    fan_out, deliver, _ = pumps(app)
    slow_then_ok = iter([None, "slow"])

    def respond(received):
        kind = next(slow_then_ok, "fast")
        if kind == "slow":
            threading.Event().wait(0.3)  # this receiver takes 0.3 s to answer
            return 200
        return None if kind is None else 200

    receiver.respond = respond
    webhook_id, _ = shop.hook(receiver.url + "/hook")
    put_on_bus_queue(envelope())
    fan_out.drain()
    deliver.drain()  # unanswered: marked failing before the timeout, and the attempt fails
    put_on_bus_queue(envelope(sequence=3))
    fan_out.drain()
    assert deliver.drain() == 0  # on the retry lane
    [first] = attempts(shop, webhook_id)
    assert first["error"] == "timeout after 2s"
    shop.run_webhooks()
    put_on_bus_queue(envelope(sequence=4))
    fan_out.drain()
    assert deliver.drain() == 1  # the slow success ended the streak


def test_every_attempt_is_a_webhook_deliveries_metric_by_outcome(shop, receiver):
    lines: list[dict] = []
    handler = logging.Handler()
    handler.emit = lambda record: lines.append(json.loads(record.getMessage()))  # type: ignore[method-assign]
    obs.logger().addHandler(handler)
    try:
        shop.hook(receiver.url + "/hook")
        gone, _ = shop.hook(receiver.url + "/gone")
        receiver.respond = lambda received: 410 if received.path == "/gone" else 200
        put_on_bus_queue(envelope())
        shop.run_webhooks()
    finally:
        obs.logger().removeHandler(handler)
    attempts = [line for line in lines if line["event"] == "webhook.attempt"]
    assert sorted(line["Outcome"] for line in attempts) == ["GONE", "SUCCESS"]
    for line in attempts:
        (metrics,) = line["_aws"]["CloudWatchMetrics"]
        assert metrics["Dimensions"] == [["Outcome", "Stage"]] and metrics["Namespace"] == obs.NAMESPACE
        assert metrics["Metrics"] == [{"Name": "WebhookDeliveries", "Unit": "Count"}]
        assert line["WebhookDeliveries"] == 1 and line["outcome"] == line["Outcome"]
    assert shop.webhook(gone).json["status"] == "DISABLED"
