"""Reminders (docs/events.md, EV6): `cancellation.response_due_soon` once per pending request and lead, never for a
request no longer pending, whatever retries or overlapping runs; reads bounded by what fell due since the last run.
"""

from collections import Counter
from datetime import timedelta

import pytest

from chalicelib.domain.clock import utc_now
from chalicelib.jobs import expiry, reminders
from chalicelib.store import reads
from chalicelib.store.models import DUE_SHARDS
from devtools.dynamo_calls import DynamoCalls
from tests.support.events import whole_feed

WINDOW = timedelta(hours=48)
LEADS = 2  # REMINDER_LEAD_SECONDS: 86400,7200


def reminded(shop, clock) -> list[tuple[str, int]]:
    return [(e["order_id"], e["data"]["lead_seconds"])
            for e in whole_feed(shop.api, shop.seller_token(), clock, "types=cancellation.response_due_soon")]


def test_one_reminder_at_each_lead_and_never_twice(shop, clock):
    order_id, cancel_id = shop.pending("R1")
    reminders.run(utc_now())  # sets the checkpoint: nothing due yet
    clock.shift(WINDOW - timedelta(hours=24))
    first = reminders.run(utc_now())
    assert (first.due_seen, first.sent) == (1, 1)
    assert reminders.run(utc_now() + timedelta(minutes=5)).sent == 0
    clock.shift(timedelta(hours=22))
    assert reminders.run(utc_now()).sent == 1
    assert reminded(shop, clock) == [(order_id, 86400), (order_id, 7200)]
    (two_hours,) = whole_feed(shop.api, shop.seller_token(), clock, "types=cancellation.response_due_soon")[1:]
    assert two_hours["data"]["cancellation"]["cancel_id"] == cancel_id
    assert two_hours["data"]["cancellation"]["status"] == "REQUESTED"
    assert two_hours["sequence"] == 2
    clock.shift(timedelta(hours=3))
    expiry.run(utc_now())
    assert reminders.run(utc_now()).sent == 0
    assert len(reminded(shop, clock)) == 2


def test_a_run_that_missed_the_moment_still_reminds_and_skips_what_was_answered(shop, clock):
    _, answered = shop.pending("A1")
    shop.pending("A2")
    reminders.run(utc_now())
    shop.approve(answered, expect=200)
    clock.shift(WINDOW - timedelta(hours=1))  # the job was down past both leads
    report = reminders.run(utc_now())
    assert (report.sent, report.not_pending) == (2, 0)  # A1 left the index when answered
    assert sorted(reminded(shop, clock)) == [("A2", 7200), ("A2", 86400)]


def test_never_for_a_request_answered_between_the_read_and_the_write(shop, clock, monkeypatch):
    _, cancel_id = shop.pending("W1")
    reminders.run(utc_now())
    clock.shift(WINDOW - timedelta(hours=23))
    read_orders = reads.get_orders

    def answered_meanwhile(order_ids):
        found = read_orders(order_ids)
        shop.withdraw(cancel_id, expect=200)
        return found

    monkeypatch.setattr(reads, "get_orders", answered_meanwhile)
    report = reminders.run(utc_now())
    assert (report.due_seen, report.sent, report.not_pending) == (1, 0, 1)
    assert reminded(shop, clock) == []


def test_overlapping_runs_send_each_reminder_once(shop, clock, monkeypatch):
    for n in range(3):
        shop.pending(f"O{n}")
    reminders.run(utc_now())
    clock.shift(WINDOW - timedelta(hours=23))
    read_orders = reads.get_orders
    overlapping: list[reminders.Report] = []

    def another_run_finishes_first(order_ids):
        found = read_orders(order_ids)
        monkeypatch.setattr(reads, "get_orders", read_orders)
        overlapping.append(reminders.run(utc_now()))
        return found

    monkeypatch.setattr(reads, "get_orders", another_run_finishes_first)
    first = reminders.run(utc_now())
    assert [run.sent for run in overlapping] == [3]
    assert (first.due_seen, first.sent, first.already_sent) == (3, 0, 3)
    assert sorted(reminded(shop, clock)) == [(f"O{n}", 86400) for n in range(3)]


def test_a_failed_run_leaves_the_checkpoint_and_the_next_run_sends_only_what_is_missing(shop, clock):
    for n in range(2):
        shop.pending(f"F{n}")
    reminders.run(utc_now())
    clock.shift(WINDOW - timedelta(hours=23))
    with DynamoCalls() as calls:
        calls.fail("TransactWriteItems", "ThrottlingException", times=1)
        failed = reminders.run(utc_now())
    assert (failed.sent, failed.failed, failed.through) == (1, 1, None)
    clock.shift(timedelta(minutes=5))
    again = reminders.run(utc_now())
    assert (again.due_seen, again.sent, again.already_sent) == (2, 1, 1)
    assert sorted(reminded(shop, clock)) == [("F0", 86400), ("F1", 86400)]


def test_a_lead_longer_than_the_window_the_request_had_gets_no_reminder(shop, clock, monkeypatch):
    monkeypatch.setenv("REMINDER_LEAD_SECONDS", "86400,7200")
    monkeypatch.setenv("SELLER_RESPONSE_WINDOW_SECONDS", "36000")  # 10 h: the 24 h lead came before the request
    shop.pending("L1")
    clock.shift(timedelta(hours=8, minutes=1))  # the first run ever: no checkpoint, every pending request is read
    report = reminders.run(utc_now())
    assert (report.sent, report.before_request) == (1, 1)
    assert reminded(shop, clock) == [("L1", 7200)]


def test_reads_grow_with_the_reminders_due_only(shop, clock):
    for n in range(3):
        shop.pending(f"C{n}")
    reminders.run(utc_now())
    with DynamoCalls() as calls:
        reminders.run(utc_now() + timedelta(minutes=5))
    # the checkpoint, a key range per lead and shard (nothing in it), the checkpoint moved
    assert calls.counts() == Counter({"GetItem": 1, "Query": LEADS * DUE_SHARDS, "PutItem": 1})
    clock.shift(WINDOW - timedelta(hours=23))
    with DynamoCalls() as calls:
        assert reminders.run(utc_now()).sent == 3
    assert calls.counts() == Counter({"GetItem": 1, "Query": LEADS * DUE_SHARDS, "BatchGetItem": 1,
                                      "TransactWriteItems": 3, "PutItem": 1})
    (one,) = calls.of("TransactWriteItems")[:1]
    kinds = [kind for kind, _ in one.transact_items()]
    assert kinds == ["ConditionCheck", "Put", "Put"]  # still pending; the mark; the event


def test_each_run_reads_exactly_what_fell_due_since_the_last_run(shop, clock):
    """Exact calls, and the requests the Queries return, of three runs: each reads only the lead moments since the
    checkpoint. A run that ignored it would read X0 again in the second run (2 returned, a second transaction)."""
    for n in range(2):
        shop.pending(f"X{n}")
        clock.shift(timedelta(minutes=10))
    reminders.run(utc_now())  # the checkpoint: nothing due yet
    empty = Counter({"GetItem": 1, "Query": LEADS * DUE_SHARDS, "PutItem": 1})
    one = empty + Counter({"BatchGetItem": 1, "TransactWriteItems": 1})
    # X0's 24 h lead moment has passed, X1's not yet; then X1's; then nothing new.
    for shift, expected, returned, sent in ((WINDOW - timedelta(hours=24, minutes=15), one, 1, 1),
                                            (timedelta(minutes=10), one, 1, 1),
                                            (timedelta(minutes=1), empty, 0, 0)):
        clock.shift(shift)
        with DynamoCalls() as calls:
            report = reminders.run(utc_now())
        assert calls.counts() == expected
        assert sum(int(call.response["Count"]) for call in calls.of("Query") if call.response) == returned
        assert (report.due_seen, report.sent, report.already_sent) == (returned, sent, 0)
    assert reminded(shop, clock) == [("X0", 86400), ("X1", 86400)]


@pytest.mark.parametrize("raw", ["0", "x", "-5", "86400,two hours"])
def test_bad_leads_are_refused_naming_the_setting(monkeypatch, raw):
    from chalicelib import config

    monkeypatch.setenv("REMINDER_LEAD_SECONDS", raw)
    with pytest.raises(ValueError, match="REMINDER_LEAD_SECONDS"):
        config.reminder_leads()
