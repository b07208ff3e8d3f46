"""One seller's flash sale, scaled down, in the write model (bench/flashsale.py, BENCHMARKS.md §7): the full run
stays in `make bench`; this one guards its target on every `make test`.

The model runs in virtual time and repeats itself exactly, so its figures can be asserted: the issue's rates for
one shop (500 orders and 200 buyer requests a second) for half a second, against the partitions' limit over half
a second (500 write units: the same 1,000 a second, over a window the run fills), then the scheduled job over one
seller's backlog and its reminders. A hot item (every change on one counter shard) shows as conflicts and 503s; a
hot partition (every event of a seller under one key) as throttling.
"""

import pytest

from bench import flashsale
from bench.write_model import Limits

GUARD = flashsale.Plan(levels=(), seconds=0.5, expiry_due=200, expiry_sellers=20, reminding=20)
LIMITS = Limits(window_seconds=0.5, partition_write_units=500)


@pytest.fixture(scope="module")
def figures() -> flashsale.Figures:
    return flashsale.measure(GUARD, LIMITS)


def test_the_target_load_of_one_seller_is_served_whole(figures: flashsale.Figures) -> None:
    (target,) = figures.loads
    assert target.load == "target"
    assert (target.orders[503], target.requests[503]) == (0, 0)
    assert target.orders_per_second >= 500 and target.requests_per_second >= 200
    assert max(target.retries_per_success(target.order_calls),
               target.retries_per_success(target.request_calls)) <= 0.05


def test_no_partition_goes_over_its_limit(figures: flashsale.Figures) -> None:
    (target,) = figures.loads
    assert target.throttled == 0, target.busiest
    assert [row.calls.throttled for row in figures.expiry] == [0, 0], [row.busiest for row in figures.expiry]


def test_one_sellers_backlog_resolves_ten_times_faster_than_one_at_a_time(figures: flashsale.Figures) -> None:
    one_seller = figures.expiry[0]
    assert one_seller.backlog == "one seller"
    assert one_seller.resolved == GUARD.expiry_due
    one_at_a_time = 1 / LIMITS.transaction_seconds
    assert one_seller.rate >= 10 * one_at_a_time
    assert [row.reminded for row in figures.expiry] == [2 * GUARD.reminding] * 2


def test_nothing_is_lost_or_counted_twice(figures: flashsale.Figures) -> None:
    assert figures.problems == []
