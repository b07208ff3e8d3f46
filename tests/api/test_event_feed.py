"""The outbox and the feed through the API (docs/events.md): one event per committed change and none for what did
not commit, the feed oldest first with a never-null cursor, types, limits, other sellers' events never seen, and
the no-missed-event guarantee under a late commit."""

from datetime import timedelta

import pytest

from chalicelib.domain.clock import parse_iso
from chalicelib.service import executor
from chalicelib.store.models import EVENT_SHARDS, EventItem, event_feed_key, event_feed_keys
from tests.support.desk import assert_error
from tests.support.events import settle_step, whole_feed


def stored_events() -> list[EventItem]:
    return [item for item in EventItem.scan() if item.body is not None]


def test_every_committed_change_has_one_event_and_a_refused_or_replayed_one_none(shop, clock):
    order_id, cancel_id = shop.pending("E1")
    assert len(stored_events()) == 2
    assert shop.approve("cxl_missing").status_code == 404
    assert shop.ship(order_id).status_code == 200  # rejects the pending request: one change, one event
    assert shop.ship(order_id).status_code == 409
    assert shop.withdraw(cancel_id).status_code == 409
    keyed = {"Idempotency-Key": "k-1"}
    assert shop.deliver(order_id, headers=keyed).status_code == 200
    assert shop.deliver(order_id, headers=keyed).headers.get("Idempotent-Replayed") == "true"
    types = [e["type"] for e in whole_feed(shop.api, shop.seller_token(), clock)]
    assert types == ["order.recorded", "cancellation.requested", "cancellation.rejected", "order.delivered"]
    assert len(stored_events()) == 4


def test_an_event_is_kept_thirty_days(shop):
    shop.paid("K1")
    (item,) = stored_events()
    occurred = item.position.split("#")[0]
    assert item.expires_at - parse_iso(occurred) == timedelta(days=30)


def test_the_feed_is_oldest_first_across_orders_with_sequences_per_order(shop, clock):
    shop.order("A", status="UNPAID")
    clock.shift(timedelta(minutes=1))
    shop.order("B", status="UNPAID")
    shop.pay("A", expect=200)
    clock.shift(timedelta(minutes=1))
    shop.pay("B", expect=200)
    feed = whole_feed(shop.api, shop.seller_token(), clock)
    assert [(e["order_id"], e["type"], e["sequence"]) for e in feed] == [
        # within one second, by order and sequence
        ("A", "order.recorded", 1), ("A", "order.paid", 2), ("B", "order.recorded", 1), ("B", "order.paid", 2)]
    occurred = [e["occurred_at"] for e in feed]
    assert occurred == sorted(occurred)


def test_only_settled_events_are_served_and_the_cursor_is_never_null(shop, clock):
    shop.paid("S1-1")
    first = shop.events(expect=200).json
    assert first["items"] == [] and first["next_cursor"]  # committed just now: not settled yet
    clock.shift(settle_step())
    second = shop.events(f"cursor={first['next_cursor']}", expect=200).json
    assert [e["order_id"] for e in second["items"]] == ["S1-1"]
    clock.shift(timedelta(minutes=1))
    third = shop.events(f"cursor={second['next_cursor']}", expect=200).json
    assert third["items"] == [] and third["next_cursor"]


def test_types_keep_only_those_and_the_cursor_moves_over_what_was_read(shop, clock):
    for n in range(3):
        shop.pending(f"T{n}")
    clock.shift(settle_step())
    page = shop.events("types=cancellation.requested&limit=2", expect=200).json
    assert [e["type"] for e in page["items"]] == ["cancellation.requested"]  # 2 read, 1 matched
    rest = shop.events(f"types=cancellation.requested&limit=100&cursor={page['next_cursor']}", expect=200).json
    assert [e["order_id"] for e in rest["items"]] == ["T1", "T2"]
    both = shop.events("types=order.recorded,cancellation.requested", expect=200).json
    assert len(both["items"]) == 6
    # A cursor belongs to its filter: another types is another feed.
    assert_error(shop.events(f"types=order.recorded&cursor={page['next_cursor']}"), 400, "INVALID_CURSOR")


def test_a_sellers_events_spread_over_its_shards_are_served_whole_oldest_first_at_any_page_size(shop, clock):
    for n in range(6):
        shop.pending(f"H{n}")
        clock.shift(timedelta(seconds=1))
    shop.paid("H-OTHER", seller_id="S2")
    mine = sorted((item for item in stored_events() if item.feed.split("#")[0] == "S1"),
                  key=lambda item: item.position)
    assert len(mine) == 12
    shards = {item.feed for item in mine}
    assert len(shards) > 1 and shards <= set(event_feed_keys("S1"))
    assert all(item.feed == event_feed_key("S1", item.event_id) for item in mine)
    ids = [item.event_id for item in mine]
    requested = [item.event_id for item in mine if item.type == "cancellation.requested"]
    clock.shift(settle_step())

    def walk(query: str) -> list[str]:
        """Every page until the cursor stops moving (a filtered page may be empty before the end)."""
        served, cursor = [], ""
        while True:
            page = shop.events(query + (f"&cursor={cursor}" if cursor else ""), expect=200).json
            served += [e["id"] for e in page["items"]]
            if page["next_cursor"] == cursor:
                return served
            cursor = page["next_cursor"]

    for limit in (1, 2, 5, 100):
        assert walk(f"limit={limit}") == ids, limit
        assert walk(f"limit={limit}&types=cancellation.requested") == requested, limit


def test_an_event_stored_under_the_bare_seller_id_before_the_shards_is_still_served(shop, clock):
    shop.paid("NEW")
    (new,) = stored_events()
    old_id = next(f"evt_old{n}" for n in range(100) if event_feed_key("S1", f"evt_old{n}") != "S1")
    EventItem("S1", "2000-01-01T00:00:00Z#OLD#0000000001", event_id=old_id, type="order.recorded",
              body=f'{{"id":"{old_id}"}}').save()
    assert [e["id"] for e in whole_feed(shop.api, shop.seller_token(), clock)] == [old_id, new.event_id]
    assert event_feed_keys("S1")[0] == "S1" and len(event_feed_keys("S1")) == EVENT_SHARDS


@pytest.mark.parametrize("query, code", [
    ("types=order.lost", "UNKNOWN_ENUM_VALUE"), ("types=", "UNKNOWN_ENUM_VALUE"),
    ("types=order.paid,,order.shipped", "UNKNOWN_ENUM_VALUE"), ("limit=0", "INVALID_LIMIT"),
    ("limit=101", "INVALID_LIMIT"), ("cursor=abc.def", "INVALID_CURSOR"), ("since=1", "UNKNOWN_PARAMETER"),
])
def test_bad_queries_are_refused(shop, query, code):
    assert_error(shop.events(query), 400, code)


def test_another_sellers_events_are_never_seen_nor_its_cursor_accepted(shop, clock):
    shop.paid("MINE")
    shop.paid("THEIRS", seller_id="S2")
    clock.shift(settle_step())
    mine = shop.events(expect=200).json
    theirs = shop.events(token=shop.seller_token("S2"), expect=200).json
    assert [e["order_id"] for e in mine["items"]] == ["MINE"]
    assert [e["order_id"] for e in theirs["items"]] == ["THEIRS"]
    assert {e["seller_id"] for e in mine["items"]} == {"S1"}
    assert_error(shop.events(f"cursor={mine['next_cursor']}", token=shop.seller_token("S2")), 400, "INVALID_CURSOR")


@pytest.mark.parametrize("settle_seconds, served_late", [(300, True), (0, False)])
def test_a_change_committed_late_with_an_earlier_occurred_at_is_not_missed(shop, clock, monkeypatch, settle_seconds,
                                                                           served_late):
    """A decides at T0 and commits a minute later; meanwhile B commits at T0 + 30 s and a client polls at T0 + 60 s.
    With the settle time, the poll serves neither yet and the next poll serves both, A first. Without it (0 s), the
    poll serves B, its cursor passes A's position, and A is never served: the settle time is what keeps it."""
    monkeypatch.setenv("EVENT_FEED_SETTLE_SECONDS", str(settle_seconds))
    shop.order("A", status="UNPAID")
    shop.order("B", status="UNPAID")
    clock.shift(settle_step())
    start = shop.events(expect=200).json
    assert len(start["items"]) == 2
    cursor = start["next_cursor"]
    real_commit = executor.commit
    polled: list[dict] = []

    def late_commit(change, **kwargs):
        if change.order.order_id == "A" and not polled:
            clock.shift(timedelta(seconds=30))
            shop.pay("B", expect=200)
            clock.shift(timedelta(seconds=30))
            polled.append(shop.events(f"cursor={cursor}", expect=200).json)
        return real_commit(change, **kwargs)

    monkeypatch.setattr("chalicelib.service.executor.commit", late_commit)
    shop.pay("A", expect=200)
    monkeypatch.setattr("chalicelib.service.executor.commit", real_commit)
    clock.shift(timedelta(seconds=settle_seconds + 1))
    later = shop.events(f"cursor={polled[0]['next_cursor']}", expect=200).json
    seen = [e["order_id"] for e in polled[0]["items"] + later["items"]]
    if served_late:
        assert polled[0]["items"] == [] and seen == ["A", "B"]
        assert later["items"][0]["occurred_at"] < later["items"][1]["occurred_at"]
    else:
        assert seen == ["B"]  # A's event exists but sorts below the cursor
