"""UTC instants at whole-second precision, and the ISO 8601 `Z` form the API speaks."""

from datetime import UTC, date, datetime


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def iso(instant: datetime) -> str:
    # isoformat, not strftime: "%Y" drops the zero padding of years before 1000 on glibc, and
    # parse_iso then cannot read back what was stored.
    return instant.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def parse_iso(text: str) -> datetime:
    """Parses an ISO 8601 instant that names its offset; naive times are refused as ambiguous."""
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise ValueError("time must carry an offset, e.g. 2026-11-27T07:00:00Z")
    return value.astimezone(UTC).replace(microsecond=0)


def market_day(instant: datetime, timezone: str) -> date:
    """The calendar day an instant falls on in the market's time zone."""
    from zoneinfo import ZoneInfo  # on first use: only orders and SFCR need the market's calendar

    return instant.astimezone(ZoneInfo(timezone)).date()
