"""Market policy values: grace period, response window, SFCR window, thresholds and time zone."""

from datetime import timedelta

import msgspec


class Band(msgspec.Struct, frozen=True):
    """From `min_rate` (inclusive) up to the next band, a seller has this standing and volume cap."""

    min_rate: float
    standing: str
    order_volume_cap: float


class Policy(msgspec.Struct, frozen=True):
    response_window: timedelta
    grace_period: timedelta
    sfcr_window_days: int
    market_timezone: str
    sfcr_target: float
    sfcr_bands: tuple[Band, ...]
    buyer_offer_window: timedelta = timedelta(days=1)
    # Appeals (docs/appeals.md): APPEAL_WINDOW_DAYS after the cancellation; APPEAL_REVIEW_SECONDS to decide.
    appeal_window: timedelta = timedelta(days=30)
    appeal_review: timedelta = timedelta(days=3)

    def band_for(self, rate: float) -> Band:
        chosen = self.sfcr_bands[0]
        for band in self.sfcr_bands:
            if rate >= band.min_rate:
                chosen = band
        return chosen


def parse_bands(spec: str) -> tuple[Band, ...]:
    """Bands from `min_rate:STANDING:cap` entries separated by commas, e.g. `0:GOOD:1,0.025:AT_RISK:1`."""
    bands = []
    for entry in spec.split(","):
        min_rate, standing, cap = entry.strip().split(":")
        bands.append(Band(float(min_rate), standing.strip(), float(cap)))
    bands.sort(key=lambda b: b.min_rate)
    if not bands or bands[0].min_rate != 0:
        raise ValueError("SFCR bands must start at rate 0")
    return tuple(bands)
