"""The local runner, started in-process on a free port and driven over real HTTP on loopback."""

import json
import logging
import os
import re
import shlex
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine

from chalicelib import obs
from chalicelib.store.models import EventItem
from devtools import demo
from devtools.local_stage import LocalStage
from devtools.loopback_http import Reply, http
from devtools.order_bodies import order_body
from tests.support.paths import ROOT

TICK_TIMEOUT = 15  # seconds; a bound on waiting for the scheduler thread, never a wait for time to pass
WINDOW = "600"  # the environment's value; .chalice/config.json says 172800


def assert_error_shape(reply: Reply, status: int, code: str) -> None:
    assert reply.status == status, reply.json
    assert reply.headers["content-type"].startswith("application/json")
    assert set(reply.json) == {"error"}
    assert reply.json["error"]["code"] == code
    assert isinstance(reply.json["error"]["message"], str) and reply.json["error"]["message"]


@pytest.fixture(scope="module")
def stack() -> Iterator[LocalStage]:
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SELLER_RESPONSE_WINDOW_SECONDS", WINDOW)
        env.delenv("SFCR_WINDOW_DAYS", raising=False)
        # A stray endpoint (say, from another tool) must not leak into the embedded DynamoDB's place.
        env.setenv("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:9")
        announced: list[str] = []
        local = LocalStage(port=0, schedule_seconds=3600, announce=announced.append).start()
        try:
            yield local
        finally:
            local.stop()
        assert os.environ["AWS_ENDPOINT_URL_DYNAMODB"] == "http://127.0.0.1:9"  # the environment is restored


def test_the_environment_beats_config_json_and_fills_what_is_unset(stack):
    assert os.environ["SELLER_RESPONSE_WINDOW_SECONDS"] == WINDOW
    assert os.environ["SFCR_WINDOW_DAYS"] == "7"  # unset before start: the dev stage's value
    assert os.environ["AWS_ENDPOINT_URL_DYNAMODB"] == stack.dynamodb.endpoint
    assert "response window 600s" in stack.banner()

    placed = (datetime.now(UTC) - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    recorded = http(stack.base_url, "POST", "/platform/orders", stack.tokens["platform"],
                    order_body("ENV-1", seller_id="S9", buyer_id="B1", placed_at=placed, paid_at=placed))
    assert recorded.status == 201, recorded.json
    created = http(stack.base_url, "POST", "/buyer/orders/ENV-1/cancellation-requests", stack.tokens["buyer"],
                   {"reason": "CHANGED_MIND"})
    assert created.status == 201, created.json
    assert created.json["status"] == "REQUESTED"
    asked = datetime.fromisoformat(created.json["requested_at"])
    due = datetime.fromisoformat(created.json["respond_by"])
    assert due - asked == timedelta(seconds=int(WINDOW))


def test_demo_shop_is_served(stack):
    seller = stack.tokens["seller"]
    counts = http(stack.base_url, "GET", "/seller/action-needed", seller)
    assert counts.status == 200
    assert counts.json == {"cancellation": {"total": 5, "cancellation_requested": 3, "auto_approved": 2,
                                            "due_soon": 3, "awaiting_buyer": 0}}  # a 10-minute window: all due soon

    orders = http(stack.base_url, "GET", "/seller/orders?limit=100", seller)
    assert orders.status == 200 and orders.json["next_cursor"] is None
    statuses = {order["status"] for order in orders.json["items"]}
    assert statuses == {"UNPAID", "AWAITING_SHIPMENT", "AWAITING_COLLECTION", "IN_TRANSIT", "DELIVERED", "COMPLETED",
                        "CANCELLED"}
    assert {order["seller_id"] for order in orders.json["items"]} == {"S1"}
    assert len(orders.json["items"]) == len(stack.shop.orders)

    pending = http(stack.base_url, "GET", "/seller/cancellations?status=REQUESTED", seller)
    assert [c["cancel_id"] for c in pending.json["items"]] == stack.shop.pending
    deadlines = [c["respond_by"] for c in pending.json["items"]]
    assert deadlines == sorted(deadlines) and len(set(deadlines)) == 3

    auto = http(stack.base_url, "GET", "/seller/cancellations?status=AUTO_APPROVED", seller).json["items"]
    causes = {c["auto_approve_cause"]: c["acknowledged_at"] for c in auto}
    assert causes["UNPAID_ORDER"] is None and causes["SELLER_RESPONSE_TIMEOUT"] is None
    assert causes["WITHIN_GRACE_PERIOD"] is not None
    kinds = {c["status"] for c in http(stack.base_url, "GET", "/seller/cancellations?limit=100", seller).json["items"]}
    assert kinds == {"REQUESTED", "AUTO_APPROVED", "APPROVED", "REJECTED", "WITHDRAWN", "SELLER_CANCELLED"}

    detail = http(stack.base_url, "GET", f"/seller/orders/{stack.shop.orders['COMPLETED']}", seller).json
    assert [h["action"] for h in detail["history"]][-1] == "COMPLETED"


def test_the_other_sellers_order_stays_apart(stack):
    other = http(stack.base_url, "GET", "/seller/action-needed", stack.tokens["other_seller"])
    assert other.json == {"cancellation": {"total": 1, "cancellation_requested": 1, "auto_approved": 0, "due_soon": 1,
                                           "awaiting_buyer": 0}}
    theirs = http(stack.base_url, "GET", "/seller/orders", stack.tokens["other_seller"]).json["items"]
    assert [o["seller_id"] for o in theirs] == ["S2"]
    assert_error_shape(http(stack.base_url, "GET", f"/seller/orders/{theirs[0]['order_id']}", stack.tokens["seller"]),
                       404, "ORDER_NOT_FOUND")


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("with_token", [False, True], ids=["without a token", "with a token"])
def test_an_unknown_route_is_404_route_not_found(stack, method, with_token):
    token = stack.tokens["seller"] if with_token else None
    reply = http(stack.base_url, method, "/no/such/route", token, body={} if method == "POST" else None)
    assert_error_shape(reply, 404, "ROUTE_NOT_FOUND")
    assert "/openapi.json" in reply.json["error"]["message"]  # where the routes are listed
    assert http(stack.base_url, "GET", "/openapi.json").status == 200


def test_a_missing_token_is_401_in_the_error_shape(stack):
    reply = http(stack.base_url, "GET", "/seller/action-needed")
    assert_error_shape(reply, 401, "TOKEN_MISSING")
    assert reply.headers["www-authenticate"].startswith("Bearer")
    bad = http(stack.base_url, "GET", "/seller/action-needed", "not-a-jwt")
    assert_error_shape(bad, 401, "TOKEN_INVALID")
    assert http(stack.base_url, "GET", "/health").json == {"status": "ok"}


def test_the_banner_prints_working_tokens_and_curl_lines(stack):
    banner = stack.banner()
    for variable, role in (("SELLER_TOKEN", "seller"), ("BUYER_TOKEN", "buyer"), ("PLATFORM_TOKEN", "platform")):
        assert f"export {variable}={stack.tokens[role]}" in banner
    for example in stack.shop.examples:
        assert example.curl(stack.base_url) in banner
    titles = " | ".join(example.title for example in stack.shop.examples).lower()
    for needed in ("action needed", "most urgent first", "approve", "buyer asks", "cancels", "ships", "acknowledge",
                   "appeals", "overturns"):
        assert needed in titles


# `NAME=$(<curl> | python3 -c '<program>') && <curl>`: a line that makes a request and acts on it at once.
CAPTURED = re.compile(r"^(?P<name>\w+)=\$\((?P<first>curl .+?) \| (?P<reader>python3 -c '[^']+')\)"
                      r" && (?P<then>curl .+)$")


def printed_lines(banner: str) -> list[str]:
    """The shell lines under "Then try:", as printed (comments left out)."""
    tried = banner.split("\nThen try:\n", 1)[1].split("\n\n", 1)[0]
    return [line.strip() for line in tried.splitlines() if not line.strip().startswith("#")]


def curl(line: str, variables: dict[str, str]) -> tuple[int, bytes]:
    """What `curl -s [-X M] URL -H ... -d ...` sends, with $NAME expanded from `variables` as the shell would."""
    words = [re.sub(r"\$(\w+)", lambda found: variables[found.group(1)], word) for word in shlex.split(line)]
    assert words[:2] == ["curl", "-s"], line
    method = words[words.index("-X") + 1] if "-X" in words else "GET"
    url = next(word for word in words if word.startswith("http://"))
    headers = dict(words[i + 1].split(": ", 1) for i, word in enumerate(words) if word == "-H")
    body = words[words.index("-d") + 1].encode() if "-d" in words else None
    request = urllib.request.Request(url, method=method, data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def run_printed(line: str, variables: dict[str, str]) -> tuple[int, Any]:
    """One printed line, as a shell would run it; a captured value stays in `variables` for later lines."""
    captured = CAPTURED.match(line)
    if captured:
        _, answer = curl(captured["first"], variables)
        program = shlex.split(captured["reader"])[2]  # the printed python3 program, run on the answer
        read = subprocess.run([sys.executable, "-c", program], input=answer, capture_output=True, timeout=30)
        assert read.returncode == 0, (line, answer, read.stderr)
        variables[captured["name"]] = read.stdout.decode().strip()
        line = captured["then"]
    status, answer = curl(line, variables)
    return status, json.loads(answer)


def replay_banner(local: LocalStage) -> list[tuple[demo.Example, Any]]:
    """Runs every printed line in the printed order, in one "shell"; checks each answers what it should."""
    lines = printed_lines(local.banner())
    assert lines == [example.curl(local.base_url) for example in local.shop.examples]
    variables = {name: local.tokens[role] for role, name in demo.TOKEN_VARIABLES.items()}
    answers = []
    for example, line in zip(local.shop.examples, lines, strict=True):
        status, payload = run_printed(line, variables)
        assert status == example.expect, (example.title, payload)
        answers.append((example, payload))
    return answers


def answer_to(answers: list[tuple[demo.Example, Any]], method: str, path_end: str) -> Any:
    """The answer of the one printed line whose (last) request is `method` on a path ending in `path_end`."""
    (payload,) = [payload for example, payload in answers
                  if example.method == method and example.path.endswith(path_end)]
    return payload


@pytest.mark.parametrize(("window", "past_every_deadline"), [("172800", False), ("5", False), ("5", True)],
                         ids=["2-day window", "5 s window", "5 s window, every demo deadline passed"])
def test_the_printed_lines_work_as_printed_with_any_window(window, past_every_deadline):
    """Each printed line, run as printed (the shell's quoting, variables and python3 reader included), answers
    what its comment says, whenever it is run: with a short window the demo's own requests are auto-approved
    seconds after the start, so a line must not depend on one of them still pending."""
    with LocalStage(port=0, schedule_seconds=0.05, environment={"SELLER_RESPONSE_WINDOW_SECONDS": window},
                    announce=lambda line: None) as local:
        shop = local.shop
        assert f"response window {window}s" in local.banner()
        for order_id, due in shop.deadlines.items():  # the banner says when each one auto-approves
            assert f"{order_id:<9} " in local.banner() and demo.at_clock(due, shop.loaded_at) in local.banner()
        if not past_every_deadline:
            answers = replay_banner(local)
        else:
            later = max(shop.deadlines.values()) + timedelta(seconds=int(window))
            with time_machine.travel(later, tick=True):
                begun = local.scheduler.ticks_started
                assert local.scheduler.wait_for_tick_after(begun, timeout=TICK_TIMEOUT), "no tick after the move"
                pending = http(local.base_url, "GET", "/seller/cancellations?status=REQUESTED", local.tokens["seller"])
                assert pending.json["items"] == []  # the demo's requests are all auto-approved by now
                answers = replay_banner(local)
        assert answer_to(answers, "POST", "/approve")["status"] == "APPROVED"
        shipped_request = answer_to(answers, "GET", f"/seller/cancellations/${demo.CANCEL_ID}")
        assert (shipped_request["status"], shipped_request["reject_reason"]) == ("REJECTED", "ORDER_SHIPPED")
        assert answer_to(answers, "POST", "/ship")["status"] == "IN_TRANSIT"
        assert answer_to(answers, "POST", "/acknowledge")["acknowledged_at"] is not None
        # The appeal opened as S1, in the queue, then overturned with $OPERATOR_TOKEN (docs/appeals.md).
        assert answer_to(answers, "GET", f"/seller/appeals/${demo.APPEAL_ID}")["status"] == "OPEN"
        assert [a["status"] for a in answer_to(answers, "GET", "/operator/appeals")["items"]] == ["OPEN"]
        decided = answer_to(answers, "POST", "/decide")
        assert (decided["status"], decided["decided_by"]) == ("OVERTURNED", demo.OPERATOR_ID)
        (by_support,) = [payload for example, payload in answers if example.path.startswith("/operator/orders/")]
        assert (by_support["status"], by_support["initiator"], by_support["counts_toward_sfcr"]) == (
            "SELLER_CANCELLED", "SELLER", True)
        assert by_support["actor"] == {"role": "OPERATOR", "id": demo.OPERATOR_ID, "ticket": "T-123"}
        asked = answer_to(answers, "POST", "/cancellation-requests")
        assert asked["status"] == "REQUESTED"
        assert datetime.fromisoformat(asked["respond_by"]) - datetime.fromisoformat(asked["requested_at"]) == \
            timedelta(seconds=int(window))
    long_window = window == "172800"
    approve = answer_to(answers, "POST", "/approve")
    # With two days the demo's own request is approved; with seconds, a request the same line made.
    assert (approve["cancel_id"] == shop.pending[-1]) is long_window


@pytest.fixture
def job_events() -> Iterator[list[dict]]:
    """The expiry job's structured log lines (`expiry.*`), parsed."""
    seen: list[dict] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            event = json.loads(record.getMessage())
            if event["event"].startswith("expiry."):
                seen.append(event)

    handler = Collect()
    obs.logger().addHandler(handler)
    yield seen
    obs.logger().removeHandler(handler)


def test_the_schedule_fires_and_auto_approves_what_the_seller_left(monkeypatch, job_events):
    monkeypatch.setenv("SELLER_RESPONSE_WINDOW_SECONDS", WINDOW)
    monkeypatch.delenv("AWS_ENDPOINT_URL_DYNAMODB", raising=False)
    with LocalStage(port=0, schedule_seconds=0.05, load_demo=False, announce=lambda line: None) as local:
        scheduler = local.scheduler
        assert scheduler.wait_for_tick_after(2, timeout=TICK_TIMEOUT), "the schedule never fired"
        assert scheduler.last_report is not None
        assert (scheduler.last_report["due_seen"], scheduler.last_report["auto_approved"]) == (0, 0)
        assert job_events == []  # empty runs say nothing

        now = datetime.now(UTC).replace(microsecond=0)
        paid = (now - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
        http(local.base_url, "POST", "/platform/orders", local.tokens["platform"],
             order_body("TICK-1", placed_at=paid, paid_at=paid))
        created = http(local.base_url, "POST", "/buyer/orders/TICK-1/cancellation-requests", local.tokens["buyer"],
                       {"reason": "CHANGED_MIND"}).json
        assert created["status"] == "REQUESTED"

        # Move every thread's clock past the deadline, then wait for a tick that began after the move.
        with time_machine.travel(now + timedelta(seconds=int(WINDOW) + 5), tick=True):
            begun = scheduler.ticks_started
            assert scheduler.wait_for_tick_after(begun, timeout=TICK_TIMEOUT), "no tick after the clock moved"
            seen = http(local.base_url, "GET", f"/seller/cancellations/{created['cancel_id']}", local.tokens["seller"])
            counts = http(local.base_url, "GET", "/seller/action-needed", local.tokens["seller"]).json
        assert seen.json["status"] == "AUTO_APPROVED"
        assert seen.json["auto_approve_cause"] == "SELLER_RESPONSE_TIMEOUT"
        assert counts == {"cancellation": {"total": 1, "cancellation_requested": 0, "auto_approved": 1, "due_soon": 0,
                                           "awaiting_buyer": 0}}
        # A JSON line for the run that did something, none for the empty runs around it. (A run the clock's move
        # overtook finds its Lambda out of time: it says so, as a stopped-early run.)
        assert all(e["event"] == "expiry.run" and (e["due_seen"] or e["stopped_early"]) for e in job_events)
        assert [(e["due_seen"], e["auto_approved"]) for e in job_events if e["due_seen"]] == [(1, 1)]
    assert "AWS_ENDPOINT_URL_DYNAMODB" not in os.environ


def test_the_prod_webhook_rules_start_the_stage_without_the_demo_webhook():
    """WEBHOOK_ALLOW_HTTP and WEBHOOK_ALLOW_PRIVATE_NETWORKS off (the prod rules) forbid the demo's loopback http
    receiver: the stage starts all the same, says so in one banner line, and registers no webhook. As `make run`
    starts it, each caller is held to its limit, and the banner says which."""
    prod_rules = {"WEBHOOK_ALLOW_HTTP": "false", "WEBHOOK_ALLOW_PRIVATE_NETWORKS": "false",
                  "RATE_LIMIT_PER_SECOND": "7", "RATE_LIMIT_BURST": "30"}
    with LocalStage(port=0, schedule_seconds=3600, environment=prod_rules, announce=lambda line: None,
                    rate_limit=True) as local:
        assert "  limits     each caller 7 requests/s, burst 30, as the stack's usage plan" in local.banner()
        said = [line for line in local.banner().splitlines() if "demo webhook is not registered" in line]
        assert len(said) == 1 and "The URL must be https." in said[0] and "WEBHOOK_ALLOW_HTTP" in said[0]
        assert "/seller/webhooks/" not in local.banner()  # no ping line for a webhook that is not there
        seller = local.tokens["seller"]
        assert http(local.base_url, "GET", "/seller/webhooks", seller).json["items"] == []
        assert http(local.base_url, "GET", "/seller/action-needed", seller).json["cancellation"]["total"] == 5
        refused = http(local.base_url, "POST", "/seller/webhooks", seller,
                       {"url": local.webhooks.receiver.url + "/demo", "event_types": ["*"]})
        assert_error_shape(refused, 400, "INVALID_WEBHOOK_URL")  # the same rule the demo met


def start_runner(data: Path, environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`python -m devtools.run_local` under `environment`, its data in `data`, expected to refuse to start."""
    return subprocess.run([sys.executable, "-m", "devtools.run_local"], cwd=ROOT, capture_output=True, text=True,
                          timeout=60, stdin=subprocess.DEVNULL,
                          env={**os.environ, "PORT": "0", "PYTHONUNBUFFERED": "1", "LOCAL_DATA_DIR": str(data),
                               **environment})


def assert_one_line_naming(result: subprocess.CompletedProcess[str], setting: str, problem: str) -> None:
    output = (result.stdout + result.stderr).strip()
    assert result.returncode == 2, output
    assert "Traceback" not in output and len(output.splitlines()) == 1, output
    assert output.startswith(f"Cannot start: {setting}: ") and problem in output, output


@pytest.mark.parametrize(("setting", "value", "problem"), [
    ("PORT", "eighty", "'eighty' is not a port number"),
    ("PORT", "70000", "outside 0-65535"),
    ("SELLER_RESPONSE_WINDOW_SECONDS", "two days", "expected int"),
    ("WEBHOOK_ALLOW_HTTP", "perhaps", "expected bool"),
    ("RATE_LIMIT_BURST", "0", "'0' is not valid (expected int >= 1)"),  # every case: tests/unit/test_settings.py
    ("MARKET_TIMEZONE", "Asia/Atlantis", "not an IANA time zone"),
    ("SFCR_BANDS", "GOOD", "the form: min_rate:STANDING:order_volume_cap"),
    ("REMINDER_LEAD_SECONDS", "-60", "must be positive"),
    ("WEBHOOK_RETRY_SCHEDULE_SECONDS", "5,1", "must rise"),
    ("LOCAL_SCHEDULE_SECONDS", "0", "must be above 0"),
    ("LOG_LEVEL", "LOUD", "is not a level"),
    ("LOCAL_SAVE_SECONDS", "often", "'often' is not a number of seconds"),
    ("FRESH", "perhaps", "'perhaps' is not 1/true/yes or 0/false/no"),
])
def test_an_invalid_setting_stops_the_runner_with_one_line_naming_it(tmp_path, setting, value, problem):
    assert_one_line_naming(start_runner(tmp_path, {setting: value}), setting, problem)


def test_unusable_data_stops_the_runner_with_one_line(tmp_path):
    a_file = tmp_path / "a-file"
    a_file.write_text("")
    assert_one_line_naming(start_runner(a_file, {}), "LOCAL_DATA_DIR", "cannot use")
    (tmp_path / "desk.json").write_text('{"format": 1, "saved_at": "2026-')  # cut short by hand
    assert_one_line_naming(start_runner(tmp_path, {}), "LOCAL_DATA_DIR", "FRESH=1 make run")


def test_a_port_in_use_stops_the_runner_with_one_line(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = start_runner(tmp_path, {"PORT": str(port)})
    assert_one_line_naming(result, "PORT", f"cannot serve on 127.0.0.1:{port}")


def stream_records() -> int:
    """Every record the events table's stream holds now, read from its start (the stage's embedded moto)."""
    from devtools.events_local import _client

    streams = _client("dynamodbstreams")
    arn = _client("dynamodb").describe_table(TableName=EventItem.Meta.table_name)["Table"]["LatestStreamArn"]
    total = 0
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"],
                                              ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        while iterator:
            answer = streams.get_records(ShardIterator=iterator, Limit=1000)
            total += len(answer["Records"])
            iterator = answer.get("NextShardIterator") if answer["Records"] else None
    return total


def delivered(local: LocalStage, order_id: str, event_type: str) -> dict:
    """The verified delivery of `order_id`'s `event_type` at the stage's receiver (a bounded wait for it)."""
    found = local.webhooks.receiver.wait_until(
        lambda r: r.verified and r.event["type"] == event_type and r.event.get("order_id") == order_id,
        timeout=TICK_TIMEOUT)
    assert found is not None, f"no verified {event_type} for {order_id}"
    return found.event


def test_the_desk_is_kept_between_runs_and_nothing_is_sent_twice(tmp_path):
    """Record an order and a request, stop; start on the same data: the order is there, the demo is not loaded
    again, the demo webhook still verifies, and no event of the first run goes out again (on the stream pump, the
    bus behind it and the receiver)."""
    paid = (datetime.now(UTC) - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    options = {"port": 0, "schedule_seconds": 3600, "announce": lambda line: None, "data_dir": tmp_path,
               "environment": {"SELLER_RESPONSE_WINDOW_SECONDS": WINDOW}}
    with LocalStage(**options) as first:
        assert first.restored is None and "a fresh start" in first.banner() and str(tmp_path) in first.banner()
        seller, platform, buyer = first.tokens["seller"], first.tokens["platform"], first.tokens["buyer"]
        assert http(first.base_url, "POST", "/platform/orders", platform,
                    order_body("KEPT-1", placed_at=paid, paid_at=paid)).status == 201
        asked = http(first.base_url, "POST", "/buyer/orders/KEPT-1/cancellation-requests", buyer,
                     {"reason": "CHANGED_MIND"}).json
        sent_first = delivered(first, "KEPT-1", "cancellation.requested")
        orders_first = http(first.base_url, "GET", "/seller/orders?limit=100", seller).json["items"]
        webhook_id = first.webhooks.webhook_id

    with LocalStage(**options) as second:
        assert second.restored is not None and "restored from the save of" in second.banner()
        seller = second.tokens["seller"]
        kept = http(second.base_url, "GET", "/seller/cancellations/" + asked["cancel_id"], seller)
        assert kept.status == 200 and kept.json["status"] == "REQUESTED"
        orders = http(second.base_url, "GET", "/seller/orders?limit=100", seller).json["items"]
        assert sorted(o["order_id"] for o in orders) == sorted(o["order_id"] for o in orders_first)  # no second demo
        assert "KEPT-1" in {o["order_id"] for o in orders}
        assert second.webhooks.webhook_id == webhook_id and second.shop == first.shop

        approved = http(second.base_url, "POST", f"/seller/cancellations/{asked['cancel_id']}/approve", seller)
        assert approved.status == 200, approved.json
        sent_second = delivered(second, "KEPT-1", "cancellation.approved")
        second.events.pump()  # whatever is left on the stream, handed over now
        restored_events = len(second.restored.tables[EventItem.Meta.table_name])
        # The pump took only what was written after the restore, never the restored items' own records.
        assert second.events.published == stream_records() - restored_events > 0
        received = [r.event["id"] for r in second.webhooks.receiver.received if r.verified]
        assert sent_first["id"] not in received and sent_second["id"] in received
        assert len(received) == len(set(received))  # and nothing twice within the run

    with LocalStage(**options, fresh=True) as fresh:
        assert fresh.restored is None
        gone = http(fresh.base_url, "GET", "/seller/orders/KEPT-1", fresh.tokens["seller"])
        assert_error_shape(gone, 404, "ORDER_NOT_FOUND")
        assert fresh.shop is not None and fresh.shop.loaded_at > first.shop.loaded_at  # the demo, loaded anew
