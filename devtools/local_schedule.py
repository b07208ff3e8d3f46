"""The schedule, locally: `chalice local` fires none, so a daemon thread fires the scheduled function with the
event EventBridge would hand it."""

import logging
import os
import threading
import uuid
from collections import Counter
from datetime import datetime
from typing import Any

from chalice.app import Chalice
from chalice.local import LambdaContext

from devtools.local_environment import STAGE
from devtools.serving import JOIN_SECONDS

SCHEDULED_FUNCTION = "expire_cancellation_requests"

log = logging.getLogger(__name__)


def scheduled_event(now: datetime, function_name: str) -> dict[str, Any]:
    """What EventBridge hands a scheduled Lambda."""
    region = os.environ.get("AWS_DEFAULT_REGION", "us-east-1")
    account = "123456789012"
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": account,
        "time": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [f"arn:aws:events:{region}:{account}:rule/{function_name}"],
        "detail": {},
    }


class Scheduler:
    """Fires the scheduled function every `interval` seconds from a daemon thread, as EventBridge would.

    The function logs its own JSON line (`expiry.run`) when a run did something; an empty run says nothing.
    """

    def __init__(self, app: Chalice, interval: float, function: str = SCHEDULED_FUNCTION,
                 timeout_seconds: int = 60) -> None:
        self.handler = app.handler_map[function]
        self.function_name = f"{app.app_name}-{STAGE}-{function}"
        self.interval = interval
        self.timeout_seconds = timeout_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._done = threading.Condition()
        self._started = 0  # ticks begun
        self._finished = 0  # highest tick number finished
        self.last_report: dict[str, Any] | None = None
        self.totals: Counter[str] = Counter()  # summed numeric fields of every report

    @property
    def ticks_started(self) -> int:
        with self._done:
            return self._started

    def tick(self) -> dict[str, Any]:
        """One invocation of the scheduled function, through the handler Chalice registered for it."""
        from chalicelib.domain.clock import utc_now

        with self._done:
            self._started += 1
            number = self._started
        context = LambdaContext(self.function_name, memory_size=256, max_runtime_ms=self.timeout_seconds * 1000)
        try:
            report: dict[str, Any] = self.handler(scheduled_event(utc_now(), self.function_name), context)
        finally:
            with self._done:
                self._finished = max(self._finished, number)
                self._done.notify_all()
        self.last_report = report
        self.totals.update({name: value for name, value in report.items()
                            if isinstance(value, int) and not isinstance(value, bool)})
        self.totals["runs"] += 1
        return report

    def wait_for_tick_after(self, started: int, timeout: float) -> bool:
        """Waits (bounded) until a tick begun after `started` ticks has finished."""
        with self._done:
            return self._done.wait_for(lambda: self._finished > started, timeout=timeout)

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.tick()
            except Exception:  # a failed run must not stop the schedule; EventBridge would fire again too
                log.exception("scheduled function %s failed", SCHEDULED_FUNCTION)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="local-schedule", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = JOIN_SECONDS) -> None:
        """Stops firing; waits at most `timeout` for a run in progress (a daemon thread: it cannot hold the exit)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self._thread = None
