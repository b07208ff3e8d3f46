"""Seller-fault cancellation rate over the cohort of orders placed in the last N market days."""

from datetime import date, datetime, time, timedelta

import msgspec

from .policy import Policy


class Window(msgspec.Struct, frozen=True):
    first_day: date
    last_day: date
    start: datetime  # 00:00 of first_day in the market's time zone
    end: datetime  # now


def window(now: datetime, policy: Policy) -> Window:
    from zoneinfo import ZoneInfo  # on first use, as in clock.market_day

    zone = ZoneInfo(policy.market_timezone)
    today = now.astimezone(zone).date()
    first = today - timedelta(days=policy.sfcr_window_days - 1)
    return Window(first, today, datetime.combine(first, time(0), tzinfo=zone), now)


class Sfcr(msgspec.Struct, frozen=True):
    window: Window
    orders: int
    seller_fault_cancellations: int
    rate: float
    target: float
    standing: str
    order_volume_cap: float


def compute(win: Window, orders: int, seller_fault: int, policy: Policy) -> Sfcr:
    rate = seller_fault / orders if orders else 0.0
    band = policy.band_for(rate)
    return Sfcr(win, orders, seller_fault, rate, policy.sfcr_target, band.standing, band.order_volume_cap)
