"""The expiry job and open offers (docs/offers.md, OF8): lapsed offers end through the due-time index, once; an
offer answered after the job read it is skipped; a crash leaves the rest for the next run; reminders never fire
while the seller's clock is stopped."""

from collections import Counter
from datetime import timedelta

import pytest

from chalicelib.domain.clock import parse_iso, utc_now
from chalicelib.jobs import expiry, reminders
from chalicelib.store import reads
from chalicelib.store.models import HistoryItem
from devtools.dynamo_calls import Call, DynamoCalls
from tests.support.shop import Shop

OFFER_WINDOW = timedelta(days=1)


class Crash(Exception):
    """The Lambda's process dying mid-run."""


def offers(shop: Shop, count: int) -> list[str]:
    return [shop.offered(f"O{n}")[1] for n in range(count)]


def offer_status(shop: Shop, cancel_id: str) -> str:
    return str(shop.cancellation(cancel_id, expect=200).json["offer"]["status"])


def lapses(order_id: str) -> int:
    return [item.action for item in HistoryItem.query(order_id)].count("OFFER_EXPIRED")


def test_an_offer_lapses_at_its_answer_by_not_a_second_before(shop, clock):
    (cancel_id,) = offers(shop, 1)
    answer_by = parse_iso(shop.cancellation(cancel_id).json["offer"]["answer_by"])
    assert expiry.run(answer_by - timedelta(seconds=1)).due_seen == 0
    report = expiry.run(answer_by)
    assert (report.due_seen, report.offers_lapsed, report.skipped) == (1, 1, 0)
    assert offer_status(shop, cancel_id) == "EXPIRED"


def test_an_offer_answered_after_the_query_is_skipped_without_a_write(shop, clock, monkeypatch):
    accepted, untouched = offers(shop, 2)
    original = reads.get_orders

    def buyer_answers_first(order_ids):
        clock.shift(-timedelta(seconds=2))  # the buyer's accept came a moment before answer_by
        assert shop.accept_offer(accepted).status_code == 200
        clock.shift(timedelta(seconds=2))
        monkeypatch.setattr(reads, "get_orders", original)
        return original(order_ids)

    clock.shift(OFFER_WINDOW)
    monkeypatch.setattr(reads, "get_orders", buyer_answers_first)
    report = expiry.run(utc_now(), concurrency=1)
    assert (report.due_seen, report.offers_lapsed, report.skipped) == (2, 1, 1)
    assert shop.cancellation(accepted).json["status"] == "WITHDRAWN"
    assert offer_status(shop, untouched) == "EXPIRED"
    assert shop.counts().json["cancellation"]["awaiting_buyer"] == 0
    assert shop.counts().json["cancellation"]["cancellation_requested"] == 1


@pytest.mark.parametrize("concurrency", [1, 4], ids=["one worker", "four workers"])
def test_a_crash_after_some_lapses_leaves_the_rest_for_the_next_run(shop, clock, concurrency):
    cancel_ids = offers(shop, 6)
    clock.shift(OFFER_WINDOW)
    with DynamoCalls() as calls:
        def crash_on_the_fourth(call: Call):
            if next(i for i, c in enumerate(calls.of("TransactWriteItems")) if c is call) == 3:
                raise Crash()
            return None

        calls.answer("TransactWriteItems", crash_on_the_fourth)
        with pytest.raises(Crash):
            expiry.run(utc_now(), concurrency=concurrency)
    statuses = Counter(offer_status(shop, c) for c in cancel_ids)
    done = statuses["EXPIRED"]
    assert (done == 3) if concurrency == 1 else (3 <= done <= 5), done
    assert statuses == {"EXPIRED": done, "OPEN": 6 - done}
    counted = shop.counts().json["cancellation"]
    assert (counted["cancellation_requested"], counted["awaiting_buyer"]) == (done, 6 - done)

    report = expiry.run(utc_now(), concurrency=concurrency)
    assert (report.due_seen, report.offers_lapsed) == (6 - done, 6 - done)
    assert {offer_status(shop, c) for c in cancel_ids} == {"EXPIRED"}
    assert [lapses(f"O{n}") for n in range(6)] == [1] * 6  # nothing done twice
    assert expiry.run(utc_now()).due_seen == 0


def test_running_twice_on_one_instant_ends_each_offer_once(shop, clock):
    offers(shop, 3)
    clock.shift(OFFER_WINDOW)
    now = utc_now()
    assert expiry.run(now).offers_lapsed == 3
    again = expiry.run(now)
    assert (again.due_seen, again.offers_lapsed, again.auto_approved) == (0, 0, 0)
    assert [lapses(f"O{n}") for n in range(3)] == [1, 1, 1]


def test_no_reminder_while_the_sellers_clock_is_stopped(shop, clock):
    _, cancel_id = shop.pending("R1")
    reminders.run(utc_now())  # the checkpoint: nothing due yet
    clock.shift(timedelta(hours=30))  # inside the 24 h lead of the deadline: a reminder would be due
    shop.make_offer(cancel_id, expect=200)
    clock.shift(timedelta(hours=2))
    report = reminders.run(utc_now() + OFFER_WINDOW)  # reads up to where the open offer's answer_by sits
    assert report.sent == 0 and report.due_seen == report.not_pending >= 1  # read, and left alone
