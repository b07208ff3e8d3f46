"""SFCR window, rate and standing."""

from datetime import UTC, datetime, timedelta

import pytest
from msgspec.structs import replace

from chalicelib.config import DEFAULT_SFCR_BANDS
from chalicelib.domain import sfcr
from chalicelib.domain.policy import Policy, parse_bands

POLICY = Policy(timedelta(hours=48), timedelta(hours=1), 7, "UTC", 0.025, parse_bands(DEFAULT_SFCR_BANDS))


def test_window_runs_from_midnight_six_days_ago_until_now():
    now = datetime(2026, 11, 27, 7, 0, tzinfo=UTC)
    win = sfcr.window(now, POLICY)
    assert (win.first_day.isoformat(), win.last_day.isoformat()) == ("2026-11-21", "2026-11-27")
    assert win.start == datetime(2026, 11, 21, tzinfo=UTC) and win.end == now


def test_window_days_follow_the_market_time_zone():
    now = datetime(2026, 11, 26, 20, 0, tzinfo=UTC)  # already the 27th in Jakarta (UTC+7)
    win = sfcr.window(now, replace(POLICY, market_timezone="Asia/Jakarta"))
    assert win.last_day.isoformat() == "2026-11-27"
    assert win.start == datetime(2026, 11, 20, 17, 0, tzinfo=UTC)  # 00:00 on the 21st in Jakarta


def test_no_orders_means_rate_zero_and_good_standing():
    result = sfcr.compute(sfcr.window(datetime(2026, 11, 27, tzinfo=UTC), POLICY), 0, 0, POLICY)
    assert (result.rate, result.standing, result.order_volume_cap) == (0.0, "GOOD", 1.0)


RATES = [
    (1000, 24, "GOOD", 1.0),  # 2.4%
    (1000, 25, "AT_RISK", 1.0),  # exactly 2.5%
    (100, 9, "AT_RISK", 1.0),
    (100, 10, "RESTRICTED", 0.75),
    (100, 30, "RESTRICTED", 0.5),
    (100, 50, "RESTRICTED", 0.25),
    (100, 74, "RESTRICTED", 0.25),
    (100, 75, "SUSPENDED", 0.0),
    (3, 3, "SUSPENDED", 0.0),
]


@pytest.mark.parametrize(("orders", "faults", "standing", "cap"), RATES,
                         ids=[f"{faults} of {orders}: {standing}, volume cap {cap:.0%}"
                              for orders, faults, standing, cap in RATES])
def test_standing_and_volume_cap_by_rate(orders, faults, standing, cap):
    result = sfcr.compute(sfcr.window(datetime(2026, 11, 27, tzinfo=UTC), POLICY), orders, faults, POLICY)
    assert result.rate == pytest.approx(faults / orders)
    assert (result.standing, result.order_volume_cap, result.target) == (standing, cap, 0.025)


def test_bands_must_start_at_zero():
    with pytest.raises(ValueError):
        parse_bands("0.1:AT_RISK:1")
