"""The expiry job: what it resolves, and how it behaves under races, throttling, crashes and a running clock.

Faults are injected at the DynamoDB client (devtools/dynamo_calls.py answers chosen calls with an error instead
of sending them), the backoff sleeps into a list instead of waiting, and the Lambda's remaining time is a
function of how much work has been done, so every test is deterministic and fast.
"""

import json
import logging
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

import pytest
import time_machine

from bench.seed import seed_pending
from chalicelib import obs
from chalicelib.domain.clock import iso, utc_now
from chalicelib.jobs import expiry
from chalicelib.service import executor
from chalicelib.store import reads
from chalicelib.store.models import DUE_SHARDS, HistoryItem
from devtools.dynamo_calls import Call, DynamoCalls, ok
from tests.support.shop import MULTI_ITEMS, Shop

WINDOW = timedelta(hours=48)
THROTTLED = ("ProvisionedThroughputExceededException", "ThrottlingException")


@pytest.fixture
def events() -> Iterator[list[dict]]:
    """The job's structured log events, as parsed JSON."""
    seen: list[dict] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(json.loads(record.getMessage()))

    handler = Collect()
    obs.logger().addHandler(handler)
    yield seen
    obs.logger().removeHandler(handler)


class Sleeps(list):
    """A `sleep` that records what it was asked to wait instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def pending(shop: Shop, clock: time_machine.Traveller, count: int, *, sellers: tuple[str, ...] = ("S1",)) -> list[str]:
    """`count` requests waiting for their sellers (taking turns among `sellers`), all made at the current time."""
    cancel_ids = []
    for n in range(count):
        shop.paid(f"O{n}", seller_id=sellers[n % len(sellers)])
    clock.shift(timedelta(minutes=1))
    for n in range(count):
        created = shop.request_cancellation(f"O{n}")
        assert created.json["status"] == "REQUESTED", created.json
        cancel_ids.append(created.json["cancel_id"])
    return cancel_ids


def status(shop: Shop, cancel_id: str, seller_id: str = "S1") -> str:
    return shop.cancellation(cancel_id, token=shop.seller_token(seller_id)).json["status"]


def counts(shop: Shop, seller_id: str = "S1") -> tuple[int, int]:
    c = shop.counts(token=shop.seller_token(seller_id)).json["cancellation"]
    return c["cancellation_requested"], c["auto_approved"]


def transactions_for(calls: DynamoCalls, cancel_id: str) -> list[Call]:
    """The job's transactions on one request (a seller's own answer is recorded too, but is not the job's)."""
    return [call for call in calls.of("TransactWriteItems")
            if call.mentions(cancel_id) and call.mentions("SELLER_RESPONSE_TIMEOUT")]


def auto_approvals(order_id: str) -> int:
    return [item.action for item in HistoryItem.query(order_id)].count("CANCELLATION_AUTO_APPROVED")


# --- what it does -------------------------------------------------------------------------------------


def test_due_requests_are_auto_approved_with_the_timeout_cause(shop, clock, events):
    due = pending(shop, clock, 2)
    clock.shift(timedelta(hours=1))
    shop.order("LATE")
    clock.shift(timedelta(hours=2))
    later = shop.request_cancellation("LATE").json["cancel_id"]
    clock.shift(WINDOW - timedelta(hours=3))  # the first two are due now, the later one in three hours
    assert counts(shop) == (3, 0)

    report = expiry.run(utc_now())

    assert (report.due_seen, report.auto_approved, report.skipped, report.failed) == (2, 2, 0, 0)
    for cancel_id in due:
        c = shop.cancellation(cancel_id).json
        assert (c["status"], c["auto_approve_cause"], c["resolved_by"]) == (
            "AUTO_APPROVED", "SELLER_RESPONSE_TIMEOUT", "SYSTEM")
        assert c["resolved_at"] == iso(utc_now())
        order = shop.detail(c["order_id"]).json
        assert order["status"] == "CANCELLED"
        assert order["handover"]["hand_over_to_logistics"] is False
        assert order["history"][-1]["action"] == "CANCELLATION_AUTO_APPROVED"
        assert order["history"][-1]["actor"] == "SYSTEM"
    assert status(shop, later) == "REQUESTED"
    assert counts(shop) == (1, 2)  # requested moved to auto-approved in the same transactions
    assert [e for e in events if e["event"] == "expiry.run"][-1]["auto_approved"] == 2



def test_a_due_request_for_some_items_takes_only_those_off_and_the_order_goes_on(shop, clock):
    shop.paid("PART", items=MULTI_ITEMS)
    clock.shift(timedelta(minutes=1))
    asked = shop.request_cancellation("PART", line_items=[{"sku": "SKU-1", "quantity": 1}], expect=201).json
    whole = pending(shop, clock, 1)[0]  # another order's request for all of it, due at the same run
    clock.shift(WINDOW)

    report = expiry.run(utc_now())

    assert (report.due_seen, report.auto_approved) == (2, 2)
    c = shop.cancellation(asked["cancel_id"]).json
    assert (c["status"], c["refund_status"], c["refund"]) == (
        "AUTO_APPROVED", "PENDING", {"amount": 75000, "currency": "IDR"})
    order = shop.detail("PART").json
    assert order["status"] == "AWAITING_SHIPMENT" and order["cancel_id"] is None and order["needs_attention"]
    assert [i["cancelled_quantity"] for i in order["items"]] == [1, 0]
    assert order["remaining_total"] == {"amount": 95000, "currency": "IDR"}
    assert order["history"][-1]["action"] == "CANCELLATION_AUTO_APPROVED"
    assert shop.detail(shop.cancellation(whole).json["order_id"]).json["status"] == "CANCELLED"
    assert counts(shop) == (0, 2)
    assert expiry.run(utc_now()).due_seen == 0  # resolved: out of the due index, nothing twice

def test_a_request_is_due_at_its_deadline_not_a_second_before(shop, clock):
    (cancel_id,) = pending(shop, clock, 1)
    respond_by = utc_now() + WINDOW
    assert expiry.run(respond_by - timedelta(seconds=1)).due_seen == 0
    assert expiry.run(respond_by).auto_approved == 1
    assert status(shop, cancel_id) == "AUTO_APPROVED"


def test_requests_of_many_sellers_are_resolved_and_each_sellers_counters_move(shop, clock):
    sellers = ("S1", "S2")
    cancel_ids = pending(shop, clock, 6, sellers=sellers)
    clock.shift(WINDOW)
    report = expiry.run(utc_now(), concurrency=4)
    assert report.auto_approved == 6
    assert counts(shop) == (0, 3)
    assert counts(shop, "S2") == (0, 3)
    statuses = {status(shop, c, sellers[n % 2]) for n, c in enumerate(cancel_ids)}
    assert statuses == {"AUTO_APPROVED"}


def test_one_sellers_requests_run_at_once_each_on_a_counter_shard_of_its_own(tables_and_queues, clock):
    """A seller's counters are sharded, so the job no longer runs one seller's requests one at a time: two are
    in flight together (the first waits for the second), and no two in flight move the same shard."""
    now = utc_now()
    seed_pending(12, first_due=now - timedelta(hours=1), sellers=1, with_history=False)
    arrived: list[int | None] = []
    met = threading.Event()
    in_flight: Counter[int] = Counter()
    shared: list[int] = []
    lock = threading.Lock()
    original = executor.commit

    def commit(change, *, counter_shard=None, **kwargs):
        with lock:
            in_flight[counter_shard] += 1
            if in_flight[counter_shard] > 1:
                shared.append(counter_shard)
            arrived.append(counter_shard)
            first_two = len(arrived) <= 2
            if len(arrived) == 2:
                met.set()
        try:
            if first_two:
                met.wait(timeout=10)
            return original(change, counter_shard=counter_shard, **kwargs)
        finally:
            with lock:
                in_flight[counter_shard] -= 1

    executor.commit = commit
    try:
        report = expiry.run(now, concurrency=8)
    finally:
        executor.commit = original
    assert report.auto_approved == 12
    assert met.is_set(), "one seller's transactions never overlapped"
    assert None not in arrived
    assert shared == []


# --- a seller's answer racing the job -----------------------------------------------------------------


def test_request_answered_after_the_query_is_skipped_without_a_write(shop, clock, events, monkeypatch):
    """The seller approved a second before the deadline, after the job's Query listed the request as due
    (its index read is eventually consistent, or its clock a little ahead): the job reads the order,
    sees the request closed, and leaves it alone."""
    answered, untouched = pending(shop, clock, 2)
    deadline = utc_now() + WINDOW
    clock.shift(WINDOW - timedelta(seconds=1))
    original = reads.get_orders

    def seller_answers_first(order_ids):
        assert shop.approve(answered).status_code == 200
        monkeypatch.setattr(reads, "get_orders", original)
        return original(order_ids)

    monkeypatch.setattr(reads, "get_orders", seller_answers_first)
    with DynamoCalls() as calls:
        report = expiry.run(deadline + timedelta(minutes=1), concurrency=1)

    assert (report.due_seen, report.auto_approved, report.skipped) == (2, 1, 1)
    assert transactions_for(calls, answered) == []
    assert status(shop, answered) == "APPROVED"
    assert status(shop, untouched) == "AUTO_APPROVED"
    skipped = [e for e in events if e["event"] == "expiry.skipped"]
    assert [(e["cancel_id"], e["code"]) for e in skipped] == [(answered, "CANCELLATION_NOT_DUE")]
    assert counts(shop) == (0, 1)


def test_request_answered_before_the_jobs_transaction_is_skipped(shop, clock, events, monkeypatch):
    """The seller's approval commits between the job's reads and its transaction: the transaction's
    condition fails, the job reads both items afresh, sees the request answered, and skips it."""
    (cancel_id,) = pending(shop, clock, 1)
    deadline = utc_now() + WINDOW
    clock.shift(WINDOW - timedelta(seconds=1))
    original = executor.commit
    answered: list[int] = []

    def seller_commits_first(change, **kwargs):
        if not answered and change.cancellation and change.cancellation.auto_approve_cause:
            answered.append(1)
            assert shop.approve(cancel_id).status_code == 200
        return original(change, **kwargs)

    monkeypatch.setattr(executor, "commit", seller_commits_first)
    with DynamoCalls() as calls:
        report = expiry.run(deadline + timedelta(minutes=1), concurrency=1)

    assert (report.auto_approved, report.skipped) == (0, 1)
    assert [call.error for call in transactions_for(calls, cancel_id)] == ["TransactionCanceledException"]
    assert status(shop, cancel_id) == "APPROVED"
    assert [e["code"] for e in events if e["event"] == "expiry.skipped"] == ["CANCELLATION_NOT_DUE"]
    assert counts(shop) == (0, 0)
    assert auto_approvals("O0") == 0


# --- throttling and conflicts -------------------------------------------------------------------------


def test_throttling_and_conflicts_are_retried_with_backoff_while_the_rest_proceed(shop, clock, monkeypatch):
    sellers = ("S1", "S2")
    cancel_ids = pending(shop, clock, 8, sellers=sellers)
    clock.shift(WINDOW)
    throttled_twice, throttled_once, conflicted = cancel_ids[:3]
    sleeps, pauses = Sleeps(), Sleeps()
    # A conflict may be retried by the executor itself (deciding again) or by the job; neither waits here.
    monkeypatch.setattr(executor, "pause", pauses, raising=False)
    with DynamoCalls() as calls:
        calls.fail("TransactWriteItems", THROTTLED[0], times=2, when=lambda call: call.mentions(throttled_twice))
        calls.fail("TransactWriteItems", THROTTLED[1], times=1, when=lambda call: call.mentions(throttled_once))
        # DynamoDB cancels a transaction that met another one on an item; the reason names which item.
        calls.fail("TransactWriteItems", "TransactionCanceledException", times=2,
                   reasons=["None", "None", "None", "TransactionConflict"],
                   when=lambda call: call.mentions(conflicted))
        report = expiry.run(utc_now(), concurrency=4, sleep=sleeps)

    assert (report.auto_approved, report.skipped, report.failed) == (8, 0, 0)
    attempts = {c: len(transactions_for(calls, c)) for c in cancel_ids}
    assert attempts == {throttled_twice: 3, throttled_once: 2, conflicted: 3,
                        **{c: 1 for c in cancel_ids[3:]}}
    assert [call.error for call in transactions_for(calls, throttled_twice)] == [THROTTLED[0], THROTTLED[0], None]
    # Throttling is the job's to retry: jittered exponential backoff, 0.5x to 1.5x of 50 ms * 2^(n-1).
    assert report.retries + len(pauses) == 5 and report.retries >= 3
    job_waits = sorted(sleeps)
    assert len(job_waits) == report.retries
    assert sum(0.025 <= s < 0.075 for s in job_waits) >= 2 and sum(0.05 <= s < 0.15 for s in job_waits) >= 1
    assert all(0 < s < 0.15 for s in [*sleeps, *pauses])
    assert {status(shop, c, sellers[n % 2]) for n, c in enumerate(cancel_ids)} == {"AUTO_APPROVED"}
    assert counts(shop) == (0, 4) and counts(shop, "S2") == (0, 4)


def test_a_request_contended_past_every_attempt_is_left_pending(shop, clock, monkeypatch, events):
    stuck, other = pending(shop, clock, 2)
    clock.shift(WINDOW)
    monkeypatch.setattr(executor, "pause", Sleeps(), raising=False)
    with DynamoCalls() as calls:
        calls.fail("TransactWriteItems", "TransactionCanceledException", reasons=["None", "None", "None",
                                                                                  "TransactionConflict"],
                   when=lambda call: call.mentions(stuck))
        report = expiry.run(utc_now(), sleep=Sleeps())
    assert (report.auto_approved, report.skipped, report.failed) == (1, 0, 1)
    assert [e["cancel_id"] for e in events if e["event"] == "expiry.failed"] == [stuck]
    assert status(shop, stuck) == "REQUESTED"
    assert status(shop, other) == "AUTO_APPROVED"


def test_a_request_still_throttled_after_every_retry_is_left_for_the_next_run(shop, clock, events):
    stuck, _ = pending(shop, clock, 2)
    clock.shift(WINDOW)
    sleeps = Sleeps()
    with DynamoCalls() as calls:
        calls.fail("TransactWriteItems", "ThrottlingException", when=lambda call: call.mentions(stuck))
        report = expiry.run(utc_now(), sleep=sleeps)
    assert (report.auto_approved, report.failed, report.retries) == (1, 1, expiry.RETRIES)
    assert len(transactions_for(calls, stuck)) == expiry.RETRIES + 1
    assert len(sleeps) == expiry.RETRIES
    assert all(expiry.BASE_BACKOFF_SECONDS * 2 ** n * 0.5 <= s < expiry.BASE_BACKOFF_SECONDS * 2 ** n * 1.5
               for n, s in enumerate(sleeps))
    failed = [e for e in events if e["event"] == "expiry.failed"]
    assert [(e["cancel_id"], e["attempts"]) for e in failed] == [(stuck, expiry.RETRIES + 1)]
    assert status(shop, stuck) == "REQUESTED"
    assert counts(shop) == (1, 1)

    again = expiry.run(utc_now(), sleep=sleeps)
    assert (again.due_seen, again.auto_approved) == (1, 1)
    assert status(shop, stuck) == "AUTO_APPROVED"
    assert counts(shop) == (0, 2)


def test_an_error_that_retrying_cannot_fix_is_not_retried(shop, clock):
    (cancel_id,) = pending(shop, clock, 1)
    clock.shift(WINDOW)
    sleeps = Sleeps()
    with DynamoCalls() as calls:
        calls.fail("TransactWriteItems", "TransactionCanceledException",
                   reasons=["None", "None", "None", "ValidationError"])
        report = expiry.run(utc_now(), sleep=sleeps)
    assert (report.failed, report.retries, sleeps) == (1, 0, [])
    assert len(calls.of("TransactWriteItems")) == 1
    assert status(shop, cancel_id) == "REQUESTED"


# --- crashes and the Lambda's clock -------------------------------------------------------------------


class Crash(Exception):
    """The Lambda's process dying mid-run."""


@pytest.mark.parametrize("concurrency", [1, 4], ids=["one worker", "four workers"])
def test_a_crash_after_some_requests_leaves_the_rest_for_the_next_run(shop, clock, events, concurrency):
    cancel_ids = pending(shop, clock, 6, sellers=("S1",))
    clock.shift(WINDOW)
    with DynamoCalls() as calls:
        def crash_on_the_fourth(call: Call):
            # The fourth call as recorded, not the fourth to ask: with four at once, two may be recorded first.
            if next(i for i, c in enumerate(calls.of("TransactWriteItems")) if c is call) == 3:
                raise Crash()
            return None

        calls.answer("TransactWriteItems", crash_on_the_fourth)
        with pytest.raises(Crash):
            expiry.run(utc_now(), concurrency=concurrency)
    assert any(e["event"] == "expiry.crashed" for e in events)
    statuses = Counter(status(shop, c) for c in cancel_ids)
    # The three before the crash went through; one at a time, nothing else did. With four at once, those in
    # flight beside the fourth may have committed too: whatever committed, committed whole.
    done = statuses["AUTO_APPROVED"]
    assert (done == 3) if concurrency == 1 else (3 <= done <= 5), done
    assert statuses == {"AUTO_APPROVED": done, "REQUESTED": 6 - done}
    assert counts(shop) == (6 - done, done)

    with DynamoCalls() as calls:
        report = expiry.run(utc_now(), concurrency=concurrency)
    assert (report.due_seen, report.auto_approved) == (6 - done, 6 - done)  # the resolved are no longer read
    assert len(calls.of("TransactWriteItems")) == 6 - done
    assert {status(shop, c) for c in cancel_ids} == {"AUTO_APPROVED"}
    assert counts(shop) == (0, 6)
    assert [auto_approvals(f"O{n}") for n in range(6)] == [1] * 6  # nothing done twice


def test_the_job_stops_before_the_lambdas_time_runs_out_and_reports_what_is_left(shop, clock):
    cancel_ids = pending(shop, clock, 5)
    clock.shift(WINDOW)
    margin = 10_000
    with DynamoCalls() as calls:
        def time_left_ms() -> int:
            # 25 s left until the third transaction is done, then less than the safety margin
            return 25_000 if len(calls.of("TransactWriteItems")) < 3 else margin - 1

        report = expiry.run(utc_now(), time_left_ms=time_left_ms, concurrency=1)
    assert report.stopped_early
    assert (report.due_seen, report.auto_approved, report.left) == (5, 3, 2)
    assert len(calls.of("TransactWriteItems")) == 3  # nothing started after the margin was reached
    statuses = Counter(status(shop, c) for c in cancel_ids)
    assert statuses == {"AUTO_APPROVED": 3, "REQUESTED": 2}

    rest = expiry.run(utc_now(), time_left_ms=lambda: 60_000)
    assert (rest.due_seen, rest.auto_approved, rest.stopped_early, rest.left, rest.unread) == (2, 2, False, 0, False)


def test_with_no_time_left_the_job_reads_nothing(shop, clock):
    pending(shop, clock, 2)
    clock.shift(WINDOW)
    with DynamoCalls() as calls:
        report = expiry.run(utc_now(), time_left_ms=lambda: 9_999)
    assert calls.counts() == {}
    assert (report.stopped_early, report.due_seen, report.unread) == (True, 0, True)


def test_retries_stop_when_time_runs_out(shop, clock):
    (cancel_id,) = pending(shop, clock, 1)
    clock.shift(WINDOW)
    with DynamoCalls() as calls:
        calls.fail("TransactWriteItems", "ThrottlingException")
        report = expiry.run(utc_now(), sleep=Sleeps(),
                            time_left_ms=lambda: 20_000 if not calls.of("TransactWriteItems") else 5_000)
    assert (report.failed, report.retries) == (1, 0)
    assert len(calls.of("TransactWriteItems")) == 1
    assert status(shop, cancel_id) == "REQUESTED"


# --- more than a page ---------------------------------------------------------------------------------


def test_more_due_requests_than_one_query_page_are_all_handled(tables_and_queues, clock, monkeypatch):
    """Pages of 10 (the code path of pages of 100, at a tenth of the data): 26 due in one shard of the index
    and 4 not yet due, stored and resolved in moto."""
    monkeypatch.setattr(expiry, "PAGE_SIZE", 10)
    now = utc_now()
    seeded = seed_pending(30, first_due=now - timedelta(seconds=25), shard=2, sellers=3)
    with DynamoCalls() as calls:
        report = expiry.run(now, concurrency=4)
    assert (report.due_seen, report.auto_approved, report.skipped, report.failed) == (26, 26, 0, 0)
    assert [call.response["Count"] for call in calls.of("Query") if call.response["Count"]] == [10, 10, 6]
    assert calls.counts() == {"Query": DUE_SHARDS + 2, "BatchGetItem": 3, "TransactWriteItems": 26}
    assert {reads.get_cancellation(c).status for c in seeded.due_at(now)} == {"AUTO_APPROVED"}
    assert {reads.get_cancellation(c).status for c in seeded.cancel_ids[26:]} == {"REQUESTED"}
    counters = [reads.action_needed(seller) for seller in seeded.sellers]
    assert (sum(c.requested for c in counters), sum(c.auto_approved for c in counters)) == (4, 26)
    assert [auto_approvals(order_id) for order_id in seeded.order_ids[:26]] == [1] * 26
    assert expiry.run(now).due_seen == 0


def test_more_due_requests_than_one_page_of_100_are_each_approved_once(tables_and_queues, clock):
    """130 due in one shard (a page of 100 and one of 30) among 140 pending, read from moto. moto copies
    every table a transaction touches, so here the job's transactions are answered by the test instead
    (the test above commits for real); each due request gets exactly one, approving it."""
    now = utc_now()
    seeded = seed_pending(140, first_due=now - timedelta(seconds=129), shard=2, sellers=5, with_history=False)
    due = seeded.due_at(now)
    with DynamoCalls() as calls:
        calls.answer("TransactWriteItems", lambda call: ok({}))
        report = expiry.run(now)
    assert (report.due_seen, report.auto_approved) == (130, 130)
    assert calls.counts() == {"Query": DUE_SHARDS + 1, "BatchGetItem": 2, "TransactWriteItems": 130}
    assert [call.response["Count"] for call in calls.of("Query") if call.response["Count"]] == [100, 30]
    assert [len(call.params["RequestItems"]["cancel-desk-orders"]["Keys"])
            for call in calls.of("BatchGetItem")] == [100, 30]
    resolved = Counter(c for c in due for call in calls.of("TransactWriteItems") if call.mentions(f"'{c}'"))
    assert resolved == {c: 1 for c in due}


# --- the scheduled function ---------------------------------------------------------------------------


def scheduled_event(shop: Shop) -> dict:
    return shop.api.client.events.generate_cw_event(
        source="aws.events", detail_type="Scheduled Event", detail={},
        resources=["arn:aws:events:us-east-1:123456789012:rule/expire_cancellation_requests"])


def test_the_scheduled_function_runs_the_job(shop, clock, monkeypatch):
    cancel_ids = pending(shop, clock, 2)
    clock.shift(WINDOW)
    # chalice.test gives the function a 3 s context; the default margin (10 s) would leave it no time at all.
    monkeypatch.setenv("EXPIRY_SAFETY_MARGIN_MS", "1000")
    answer = shop.api.client.lambda_.invoke("expire_cancellation_requests", scheduled_event(shop))
    reminders = answer.payload.pop("reminders")
    assert answer.payload == {"due_seen": 2, "auto_approved": 2, "offers_lapsed": 0, "skipped": 0, "failed": 0,
                              "retries": 0, "stopped_early": False, "left": 0, "unread": False}
    assert (reminders["sent"], reminders["not_pending"]) == (0, 0)  # the requests were resolved first
    assert {status(shop, c) for c in cancel_ids} == {"AUTO_APPROVED"}


def test_running_twice_on_the_same_event_does_nothing_twice(shop, clock, monkeypatch):
    pending(shop, clock, 3)
    clock.shift(WINDOW)
    monkeypatch.setenv("EXPIRY_SAFETY_MARGIN_MS", "1000")
    event = scheduled_event(shop)
    first = shop.api.client.lambda_.invoke("expire_cancellation_requests", event).payload
    with DynamoCalls() as calls:
        second = shop.api.client.lambda_.invoke("expire_cancellation_requests", event).payload
    assert (first["auto_approved"], second["due_seen"], second["auto_approved"]) == (3, 0, 0)
    # It looked, found nothing due, wrote nothing; the reminders' checkpoint says this instant is done.
    assert calls.counts() == {"Query": DUE_SHARDS, "GetItem": 1}
    assert counts(shop) == (0, 3)
    assert [auto_approvals(f"O{n}") for n in range(3)] == [1, 1, 1]


def test_the_scheduled_function_with_too_little_time_stops_at_once(shop, clock):
    pending(shop, clock, 1)
    clock.shift(WINDOW)
    # The default 10 s margin against chalice.test's 3 s Lambda: nothing may start.
    answer = shop.api.client.lambda_.invoke("expire_cancellation_requests", scheduled_event(shop)).payload
    assert (answer["stopped_early"], answer["due_seen"], answer["unread"]) == (True, 0, True)
    assert counts(shop) == (1, 0)
