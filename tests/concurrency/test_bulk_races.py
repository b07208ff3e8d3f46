"""A bulk answer racing the expiry job and single answers, replayed step by step (tests/support/races.py): the
bulk call read every request before the others committed, then commits on that stale read. Each request is
resolved exactly once; the bulk's stale items decide again from fresh state and get the single route's 409."""

from datetime import timedelta

import pytest

from chalicelib.jobs import expiry
from tests.support.races import Replay, assert_store_consistent, at, snapshot


@pytest.fixture
def replay(monkeypatch) -> Replay:
    return Replay(monkeypatch)


def _resolutions(shop, order_id: str) -> list[str]:
    history = shop.detail(order_id).json["history"]
    return [h["action"] for h in history if h["action"].startswith("CANCELLATION_") and h["action"] != (
        "CANCELLATION_REQUESTED")]


def test_a_bulk_approve_that_read_before_the_job_and_a_single_approve_resolves_each_once(shop, clock, replay):
    orders, ids = zip(*(shop.pending() for _ in range(4)), strict=True)
    deadline = at(shop.cancellation(ids[0]).json["respond_by"])
    clock.move_to(deadline - timedelta(seconds=1))
    bulk_saw = snapshot(cancel_ids=ids)
    assert shop.approve(ids[1]).status_code == 200
    assert shop.reject(ids[2]).status_code == 200
    # The job runs at the deadline of the first request (and of the rest: they were asked at the same time),
    # but only the one the single answers left is due: the bulk call, a second earlier, still saw all four.
    report = expiry.run(deadline)
    assert report.auto_approved == 2  # ids[0] and ids[3]

    with replay.stale(bulk_saw):
        results = shop.bulk_approve(list(ids), expect=200).json["results"]
    assert sorted(replay.outcomes) == ["stale"] * 4  # every item lost its race, and wrote nothing after
    assert [(r["status"], r["error"]["code"]) for r in results] == [(409, "CANCELLATION_NOT_PENDING")] * 4
    assert [r["error"]["details"]["current"]["status"] for r in results] == [
        "AUTO_APPROVED", "APPROVED", "REJECTED", "AUTO_APPROVED"]
    for order_id in orders:
        assert len(_resolutions(shop, order_id)) == 1, order_id
    assert shop.counts().json["cancellation"] == {
        "total": 2, "cancellation_requested": 0, "auto_approved": 2, "due_soon": 0, "awaiting_buyer": 0}
    assert_store_consistent()


def test_the_job_that_read_before_a_bulk_approve_skips_what_it_approved(shop, clock, replay):
    orders, ids = zip(*(shop.pending() for _ in range(3)), strict=True)
    deadline = at(shop.cancellation(ids[0]).json["respond_by"])
    clock.move_to(deadline - timedelta(seconds=1))
    job_saw = snapshot(cancel_ids=ids)
    results = shop.bulk_approve([ids[0], ids[2]], expect=200).json["results"]
    assert [r["status"] for r in results] == [200, 200]

    with replay.stale(job_saw):
        report = expiry.run(deadline)
    assert (report.due_seen, report.auto_approved, report.skipped) == (3, 1, 2)
    assert sorted(replay.outcomes) == ["committed", "stale", "stale"]
    assert [shop.cancellation(i).json["status"] for i in ids] == ["APPROVED", "AUTO_APPROVED", "APPROVED"]
    for order_id in orders:
        assert len(_resolutions(shop, order_id)) == 1, order_id
    assert_store_consistent()


def test_a_single_approve_that_read_before_a_bulk_one_is_refused(shop, replay):
    _, cancel_id = shop.pending()
    single_saw = snapshot(cancel_ids=(cancel_id,))
    assert shop.bulk_approve([cancel_id], expect=200).json["results"][0]["status"] == 200
    with replay.stale(single_saw):
        lost = shop.approve(cancel_id)
    replay.assert_lost_then()
    assert (lost.status_code, lost.json["error"]["code"]) == (409, "CANCELLATION_NOT_PENDING")
    assert_store_consistent()


def test_two_bulk_calls_over_the_same_ids_approve_each_once(shop, replay):
    orders, ids = zip(*(shop.pending() for _ in range(5)), strict=True)
    second_saw = snapshot(cancel_ids=ids)
    first = shop.bulk_approve(list(ids), expect=200).json["results"]
    with replay.stale(second_saw):
        second = shop.bulk_approve(list(reversed(ids)), expect=200).json["results"]
    assert {r["status"] for r in first} == {200}
    assert {r["status"] for r in second} == {409}
    assert sorted(replay.outcomes) == ["stale"] * 5
    for order_id in orders:
        assert _resolutions(shop, order_id) == ["CANCELLATION_APPROVED"]
    assert_store_consistent()
