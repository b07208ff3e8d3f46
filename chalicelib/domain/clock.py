"""UTC instants at whole-second precision, and the ISO 8601 `Z` form the API speaks."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def iso(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text: str) -> datetime:
    """Parses an ISO 8601 instant that names its offset; naive times are refused as ambiguous."""
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise ValueError("time must carry an offset, e.g. 2026-11-27T07:00:00Z")
    return value.astimezone(UTC).replace(microsecond=0)


def market_day(instant: datetime, timezone: str) -> date:
    """The calendar day an instant falls on in the market's time zone."""
    return instant.astimezone(ZoneInfo(timezone)).date()
