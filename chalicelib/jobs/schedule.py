"""The EventBridge schedule of the expiry job."""

from typing import Any

from chalice.app import Blueprint, CloudWatchEvent, Rate

from ..domain.clock import utc_now

jobs = Blueprint(__name__)


@jobs.schedule(Rate(5, unit=Rate.MINUTES), name="expire_cancellation_requests")
def expire_cancellation_requests(event: CloudWatchEvent) -> dict[str, Any]:
    from . import expiry  # imported by the job's own Lambda only, not on every API cold start

    context = getattr(event, "context", None)
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    return expiry.run(utc_now(), time_left_ms=remaining).as_dict()
