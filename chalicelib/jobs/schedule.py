"""The EventBridge schedule of the expiry job."""

from typing import Any

from chalice.app import Blueprint, CloudWatchEvent, Rate

from ..domain.clock import utc_now

jobs = Blueprint(__name__)


@jobs.schedule(Rate(5, unit=Rate.MINUTES), name="expire_cancellation_requests")
def expire_cancellation_requests(event: CloudWatchEvent) -> dict[str, Any]:
    """Auto-approves what is due, then sends the reminders due (docs/events.md): one run, one clock."""
    from .. import config
    from . import expiry, reminders  # imported by the job's own Lambda only, not on every API cold start

    context = getattr(event, "context", None)
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    now = utc_now()
    report = expiry.run(now, time_left_ms=remaining).as_dict()
    margin = config.settings().expiry_safety_margin_ms
    sent = reminders.run(now, out_of_time=lambda: remaining is not None and remaining() < margin)
    return {**report, "reminders": sent.as_dict()}
