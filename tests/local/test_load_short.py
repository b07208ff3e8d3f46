"""A short bounded load run over loopback, and proof that its invariant checker catches drift."""

import os

from chalicelib.store.models import ACTION_NEEDED_KEY, COHORT_PREFIX, HistoryItem, SellerCounterItem, counter_item
from devtools.local_stage import LocalStage
from loadtest import invariants
from loadtest.run import Settings, run

SECONDS = float(os.environ.get("LOAD_SECONDS", "4"))


def test_a_short_load_run_keeps_every_invariant(capsys):
    result = run(Settings(seconds=SECONDS, max_requests=20_000, workers=8))
    with capsys.disabled():
        print("\n" + "\n".join(f"[load] {line}" for line in result.lines()))

    assert sum(result.unexpected.values()) == 0, result.samples
    assert result.findings.ok, result.findings.lines()
    assert result.api_mismatches == []
    assert result.requests >= 50, "the run drove real traffic"
    assert result.seconds < SECONDS + 30, "the run stopped by itself"
    assert result.outcomes["201"] > 0 and result.findings.orders > 0 and result.findings.cancellations > 0
    assert result.expiry["runs"] >= 1, "the expiry job fired during the run"


def test_the_invariant_checker_reports_drift():
    with LocalStage(port=0, schedule_seconds=3600, announce=lambda line: None) as stack:
        assert invariants.check().ok, invariants.check().lines()

        # A counter moved without its items, a cohort that lost an order, an order missing a history entry.
        counter_item("S1", ACTION_NEEDED_KEY, shard=7).update(actions=[SellerCounterItem.requested.add(1),
                                                                  SellerCounterItem.seller_id.set("S1")])
        cohort = next(item for item in SellerCounterItem.by_seller.query("S1")
                      if item.counter_key.startswith(COHORT_PREFIX))
        cohort.update(actions=[SellerCounterItem.orders.add(-1)])
        detail_order = stack.shop.orders["COMPLETED"]
        HistoryItem.get(detail_order, 2).delete()

        found = invariants.check()
        assert not found.ok
        assert found.violations["action-needed counters equal a recount"] == [
            "S1: stored (requested, auto_approved) (4, 2), recount (3, 2)"]
        assert len(found.violations["SFCR cohort counters equal a recount"]) == 1
        assert [v.split(":")[0] for v in found.violations["one history entry per order version"]] == [detail_order]
        assert not found.violations.get("at most one pending request per order")
