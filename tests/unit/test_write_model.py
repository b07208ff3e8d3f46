"""The write model's own rules (bench/write_model.py): conflicts, partition limits, index writes, virtual time.

Every call goes through PynamoDB and botocore to the model, as the benchmark's do; nothing reaches moto or AWS.
"""

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from pynamodb.exceptions import PutError, TransactWriteError
from pynamodb.transactions import TransactWrite

from bench.seed import pending_request
from bench.sim import Sim, Stalled
from bench.write_model import Limits, WriteModel
from chalicelib.service import writes
from chalicelib.store import transactions
from chalicelib.store.contention import Contention
from chalicelib.store.models import OrderItem, SellerCounterItem, counter_item

NOW = datetime(2026, 11, 20, tzinfo=UTC)
LIMITS = Limits(transaction_seconds=0.020, call_seconds=0.005)
# Partitions of a tenth of DynamoDB's 1,000 units: the rules that do not depend on the figure itself (the retry
# jitter's seed, an index's hot key) are shown with a tenth of the writes.
SMALL = Limits(transaction_seconds=0.020, call_seconds=0.005, partition_write_units=100.0)


@pytest.fixture
def model() -> Iterator[WriteModel]:
    with WriteModel(LIMITS) as opened:
        yield opened


@pytest.fixture
def small_model() -> Iterator[WriteModel]:
    with WriteModel(SMALL) as opened:
        yield opened


def at_once(model: WriteModel, *works: Callable[[], Any]) -> tuple[list[Any], Sim]:
    """Runs each work in its own simulated client, all starting at virtual time 0; returns what each
    returned or raised, in order, and the clock."""
    sim = Sim()  # the default stall limit: a loaded machine can hold a thread off the clock for seconds
    results: list[Any] = [None] * len(works)

    def client(n: int, work: Callable[[], Any]) -> Callable[[], None]:
        return lambda: results.__setitem__(n, _outcome(work))

    with model.simulate(sim), sim.running("test"):
        for n, work in enumerate(works):
            sim.spawn(client(n, work), label="test")
    return results, sim


def add_to_counter(seller: str, key: str) -> Callable[[], str]:
    def work() -> str:
        with TransactWrite(connection=transactions.connection()) as txn:
            txn.update(counter_item(seller, key), actions=[SellerCounterItem.requested.add(1)])
        return "committed"
    return work


def reasons(error: Exception) -> list[str | None]:
    assert isinstance(error, TransactWriteError), error
    return [reason.code if reason else None for reason in error.cancellation_reasons]


# --- conflicts ------------------------------------------------------------------------------------------------


def test_two_overlapping_transactions_on_one_item_cancel_the_second_with_transaction_conflict(
    model: WriteModel,
) -> None:
    def both_items(order: str) -> Callable[[], str]:
        def work() -> str:
            with TransactWrite(connection=transactions.connection()) as txn:
                txn.save(OrderItem(order, seller_id="S1", buyer_id="B1", items=[], currency="IDR", total=0,
                                   status="UNPAID", placed_at="x", fingerprint="f", version=1, placed_key="x",
                                   seller_tab="S1#unpaid"))
                txn.update(counter_item("S1", "ACTION"), actions=[SellerCounterItem.requested.add(1)])
            return "committed"
        return work

    (first, second), _ = at_once(model, both_items("O1"), both_items("O2"))

    assert first == "committed"
    # DynamoDB's per-item reasons, in the request's order: the order item was free, the counters item held.
    assert reasons(second) == [None, "TransactionConflict"]
    assert model.tally["test"].committed == 1 and model.tally["test"].conflicts == 1
    assert SellerCounterItem.get("S1#0", "ACTION").requested == 1
    assert not OrderItem.count("O2")


def test_the_store_reads_a_conflict_as_contention_with_the_transaction_conflict_code(model: WriteModel) -> None:
    changes = [pending_request(n, "S1", NOW)[0] for n in (1, 2)]  # both update one shard of S1's cohort

    def commit(n: int) -> Callable[[], str]:
        def work() -> str:
            writes.commit(changes[n], now=NOW, counter_shard=0)  # one shard: they meet on its item
            return "committed"
        return work

    (first, second), _ = at_once(model, commit(0), commit(1))

    assert first == "committed"
    assert isinstance(second, Contention) and second.codes == ["TransactionConflict"]


def test_transactions_on_different_items_both_commit(model: WriteModel) -> None:
    (first, second), sim = at_once(model, add_to_counter("S1", "ACTION"), add_to_counter("S2", "ACTION"))

    assert (first, second) == ("committed", "committed")
    assert sim.now == pytest.approx(LIMITS.transaction_seconds)  # side by side, not one after the other


def test_a_transaction_holds_its_items_for_its_service_time_only_and_reads_meanwhile_see_the_old_item(
    model: WriteModel,
) -> None:
    def later(seconds: float, work: Callable[[], Any]) -> Callable[[], Any]:
        def run() -> Any:
            sim.sleep(seconds)
            return work()
        return run

    def read() -> int | None:
        value = SellerCounterItem.get("S1#0", "ACTION", consistent_read=True).requested
        return int(value) if value is not None else None

    counter_item("S1", "ACTION", requested=5).save()
    sim = Sim()  # the default stall limit: a loaded machine can hold a thread off the clock for seconds
    results: dict[str, Any] = {}

    def client(name: str, work: Callable[[], Any]) -> Callable[[], None]:
        return lambda: results.__setitem__(name, _outcome(work))

    held = LIMITS.transaction_seconds
    with model.simulate(sim), sim.running("test"):
        for name, work in [("first", add_to_counter("S1", "ACTION")),
                           ("read meanwhile", later(held / 2, read)),
                           ("during", later(held / 2, add_to_counter("S1", "ACTION"))),
                           ("after", later(held, add_to_counter("S1", "ACTION"))),
                           ("read after", later(held * 3, read))]:
            sim.spawn(client(name, work), label="test")

    assert results["first"] == "committed"
    assert results["read meanwhile"] == 5
    assert reasons(results["during"]) == ["TransactionConflict"]
    assert results["after"] == "committed"
    assert results["read after"] == 7


def test_a_single_write_to_an_item_a_transaction_holds_is_refused_with_transaction_conflict(model: WriteModel) -> None:
    def put() -> str:
        counter_item("S1", "ACTION", requested=9).save()
        return "written"

    def after_a_moment(work: Callable[[], Any]) -> Callable[[], Any]:
        def run() -> Any:
            sim.sleep(0.001)
            return work()
        return run

    sim = Sim()  # the default stall limit: a loaded machine can hold a thread off the clock for seconds
    results: dict[str, Any] = {}
    with model.simulate(sim), sim.running("test"):
        for name, work in (("committed", add_to_counter("S1", "ACTION")), ("refused", after_a_moment(put))):
            sim.spawn(keep(results, name, work), label="test")

    committed, refused = results["committed"], results["refused"]
    assert committed == "committed"
    assert isinstance(refused, PutError) and refused.cause_response_code == "TransactionConflictException"
    assert model.tally["test"].single_conflicts == 1
    assert SellerCounterItem.get("S1#0", "ACTION").requested == 1


def test_a_failed_condition_cancels_with_conditional_check_failed_and_the_store_decides_again(
    model: WriteModel,
) -> None:
    recorded, _ = pending_request(1, "S1", NOW)
    writes.commit(recorded, now=NOW)

    (again,), _ = at_once(model, lambda: writes.commit(recorded, now=NOW))

    assert isinstance(again, transactions.StaleState)
    assert model.tally["test"].condition_failures == 1


# --- partition limits -----------------------------------------------------------------------------------------


def test_a_partition_takes_1000_write_units_a_second_a_transactional_write_counting_twice(model: WriteModel) -> None:
    # 501 one-item transactions on 501 different counter items of one seller: no conflicts, but one partition
    # key value, so one partition (the sort key spreads nothing); 500 x 2 units fill it.
    works = [add_to_counter("S1", f"K{n:03d}") for n in range(501)]

    results, _ = at_once(model, *works)

    assert results[:500] == ["committed"] * 500
    assert reasons(results[500]) == ["ThrottlingError"]
    assert model.tally["test"].throttled == 1
    use = model.partitions[("cancel-desk-seller-counters", None, "S1#0")]
    assert (use.units, use.peak, use.throttled) == (1000, 1000, 1)


def test_a_full_partition_throttles_single_writes_past_1000_units_and_takes_them_again_a_second_later(
    model: WriteModel,
) -> None:
    def put(n: int) -> Callable[[], str]:
        def work() -> str:
            counter_item("S1", f"K{n:04d}", requested=n).save()
            return "written"
        return work

    results, sim = at_once(model, *[put(n) for n in range(1001)])

    # The 1001st was throttled (ProvisionedThroughputExceededException), and botocore retried it after its
    # backoff, in virtual time, until the partition's second had passed.
    assert results == ["written"] * 1001
    assert model.tally["test"].single_throttled >= 1
    assert model.tally["test"].calls["PutItem"] == 1001 + model.tally["test"].single_throttled
    assert sim.now > LIMITS.window_seconds
    assert model.partitions[("cancel-desk-seller-counters", None, "S1#0")].throttled >= 1


def test_the_sdks_retry_jitter_is_seeded_so_a_throttled_run_ends_at_the_same_instant_every_time(
    small_model: WriteModel,
) -> None:
    model = small_model

    def put(n: int) -> Callable[[], str]:
        def work() -> str:
            counter_item("S1", f"K{n:04d}", requested=n).save()
            return "written"
        return work

    ends = []
    for _ in range(2):
        model.clear()
        results, sim = at_once(model, *[put(n) for n in range(101)])
        assert results == ["written"] * 101 and model.tally["test"].single_throttled >= 1
        ends.append(sim.now)

    assert ends[0] == ends[1]


def test_an_index_hot_key_throttles_the_base_write(small_model: WriteModel) -> None:
    # 101 orders of one seller: 101 table partitions (one per order), one by_seller and one by_seller_tab
    # partition for all of them, each order 1 unit there, against partitions of 100 units.
    model = small_model

    def put(n: int) -> Callable[[], str]:
        def work() -> str:
            OrderItem(f"O{n:04d}", seller_id="S1", buyer_id="B1", items=[], currency="IDR", total=0,
                      status="UNPAID", placed_at="x", fingerprint="f", version=1, placed_key=f"x{n:04d}",
                      seller_tab="S1#unpaid").save()
            return "written"
        return work

    at_once(model, *[put(n) for n in range(101)])

    assert model.tally["test"].single_throttled >= 1
    throttled = {partition for partition, use in model.partitions.items() if use.throttled}
    assert throttled == {("cancel-desk-orders", "by_seller", "S1"),
                         ("cancel-desk-orders", "by_seller_tab", "S1#unpaid")}
    assert model.partitions[("cancel-desk-orders", "by_seller", "S1")].peak == 100


def test_an_index_key_change_writes_both_partitions_and_a_sparse_index_only_when_the_item_is_in_it(
    model: WriteModel,
) -> None:
    order = OrderItem("O1", seller_id="S1", buyer_id="B1", items=[], currency="IDR", total=0, status="UNPAID",
                      placed_at="x", fingerprint="f", version=1, placed_key="x", seller_tab="S1#unpaid")

    def put() -> str:
        order.save()
        return "written"

    def move() -> str:
        order.seller_tab = "S1#to_ship"
        order.attention_seller = "S1"
        order.save()
        return "written"

    at_once(model, put)
    first = {p: u.units for p, u in model.partitions.items()}
    model.reset_figures()
    at_once(model, move)
    second = {p: u.units for p, u in model.partitions.items()}

    assert first == {("cancel-desk-orders", None, "O1"): 1, ("cancel-desk-orders", "by_seller", "S1"): 1,
                     ("cancel-desk-orders", "by_seller_tab", "S1#unpaid"): 1}
    assert second == {("cancel-desk-orders", None, "O1"): 1, ("cancel-desk-orders", "by_seller", "S1"): 1,
                      ("cancel-desk-orders", "by_seller_tab", "S1#unpaid"): 1,  # the delete
                      ("cancel-desk-orders", "by_seller_tab", "S1#to_ship"): 1,  # the put
                      ("cancel-desk-orders", "by_seller_attention", "S1"): 1}


# --- the clock ------------------------------------------------------------------------------------------------


def test_every_call_takes_its_service_time_in_virtual_time(model: WriteModel) -> None:
    def read_then_commit() -> float:
        SellerCounterItem.count("S1")
        add_to_counter("S1", "ACTION")()
        return sim.now

    sim = Sim()  # the default stall limit: a loaded machine can hold a thread off the clock for seconds
    done: list[float] = []
    with model.simulate(sim), sim.running("test"):
        sim.spawn(lambda: done.append(read_then_commit()), label="test")

    assert done == [pytest.approx(LIMITS.call_seconds + LIMITS.transaction_seconds)]


def test_a_simulated_thread_waiting_on_nothing_due_is_reported_as_stalled() -> None:
    sim = Sim(stall_seconds=5)
    with pytest.raises(Stalled), sim.running():
        sim.spawn(sim.block)


def keep(results: dict[str, Any], name: str, work: Callable[[], Any]) -> Callable[[], None]:
    return lambda: results.__setitem__(name, _outcome(work))


def _outcome(work: Callable[[], Any]) -> Any:
    try:
        return work()
    except Exception as error:
        return error
