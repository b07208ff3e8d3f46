"""Structured logs: one JSON object per line, which CloudWatch Logs Insights queries by field.

Every line carries the Lambda request id of the invocation that wrote it and whether that invocation started
the container (`cold_start`), set by `invocation()` at the start of each (chalicelib/api/middleware.py).
Business metrics ride in the same lines in CloudWatch's embedded metric format (EMF): CloudWatch Logs turns the
`_aws` block into metrics, so no metrics client is imported, let alone called, on any path.
"""

import json
import logging
import sys
import time
from typing import Any

from . import config

NAMESPACE = "CancellationDesk"
# The business metrics and the dimension each is split by ("" : none): the one list the stack and docs use.
METRICS: dict[str, str] = {
    "Requests": "StatusClass",  # every HTTP request, by 2xx/4xx/5xx
    "RequestLatency": "",
    "AutoApprovals": "Cause",  # UNPAID_ORDER, WITHIN_GRACE_PERIOD, SELLER_RESPONSE_TIMEOUT
    "EventsPublished": "",
    "PublishLagSeconds": "",  # commit to the bus, the oldest of a batch
    "EventsDeadLettered": "",
    "FeedLagSeconds": "",  # age of the newest event a feed page served
    "RemindersSent": "",
    "WebhookDeliveries": "Outcome",  # every delivery attempt: SUCCESS, FAILURE (retried or not), GONE (410)
}

_logger: logging.Logger | None = None


class _Stdout(logging.StreamHandler[Any]):
    """Writes each line to `sys.stdout` as it is then: a test's capture or a runner may have replaced the stream
    since the first line, and a thread that outlives one (the local stage's pumps) must not write to a closed one.
    `setStream` still pins a stream of its own (the benchmark's /dev/null), and `setStream(None)` unpins it."""

    def __init__(self) -> None:
        super().__init__()
        self._pinned: Any = None

    @property
    def stream(self) -> Any:
        return self._pinned if self._pinned is not None else sys.stdout

    @stream.setter
    def stream(self, value: Any) -> None:
        self._pinned = value


_cold = True
_invocation: dict[str, Any] = {"request_id": None, "cold_start": None}


def logger() -> logging.Logger:
    global _logger
    if _logger is None:
        _logger = logging.getLogger("cancellation_desk")
        if not _logger.handlers:
            handler = _Stdout()
            handler.setFormatter(logging.Formatter("%(message)s"))
            _logger.addHandler(handler)
            _logger.propagate = False
        _logger.setLevel(config.settings().log_level.upper())
    return _logger


def invocation(request_id: str | None) -> None:
    """A Lambda invocation begins: its lines carry `request_id`, and the first of this process says cold."""
    global _cold
    _invocation.update(request_id=request_id, cold_start=_cold)
    _cold = False


def current() -> dict[str, Any]:
    return dict(_invocation)


def event(name: str, level: int = logging.INFO, **fields: Any) -> None:
    log = logger()
    if log.isEnabledFor(level):
        log.log(level, json.dumps({"event": name, "level": logging.getLevelName(level), **_invocation, **fields},
                                  default=str, separators=(",", ":")))


def metrics(name: str, values: dict[str, tuple[float, str]], dimensions: dict[str, str] | None = None,
            **fields: Any) -> None:
    """A log line (`event: name`) that is also CloudWatch metrics: `values` maps metric -> (value, unit)."""
    # Two stacks in one account share the namespace: the stage keeps their metrics apart.
    dims = {**(dimensions or {}), "Stage": config.settings().metrics_stage}
    block = {"Timestamp": int(time.time() * 1000), "CloudWatchMetrics": [{
        "Namespace": NAMESPACE, "Dimensions": [sorted(dims)],
        "Metrics": [{"Name": metric, "Unit": unit} for metric, (_, unit) in values.items()],
    }]}
    line: dict[str, Any] = {"_aws": block, **dims, **{metric: value for metric, (value, _) in values.items()}}
    event(name, **line, **fields)
