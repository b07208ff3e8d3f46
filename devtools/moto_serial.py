"""moto's in-process DynamoDB, one request at a time.

DynamoDB applies one request to an item at a time; moto's in-process stub does not under threads (two racing
conditional writes could both win, and its tables are plain dicts). The tests and the benchmarks run the
app's threads (the expiry job's workers) over it, so every stubbed call goes through one lock.
"""

import threading
from typing import Any

from moto.core.botocore_stubber import BotocoreStubber

_lock = threading.RLock()
_original = BotocoreStubber.__call__


def _serialized_call(self: BotocoreStubber, event_name: str, request: Any, **kwargs: Any) -> Any:
    with _lock:
        return _original(self, event_name, request, **kwargs)


def install() -> None:
    """Idempotent: calling it twice wraps once."""
    BotocoreStubber.__call__ = _serialized_call  # type: ignore[method-assign]
