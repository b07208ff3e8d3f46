"""Stopping the runner on Ctrl-C or SIGTERM within a bound: the signals, the stop in a helper thread, the hard
exit when something hangs."""

import contextlib
import os
import select
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable
from typing import NoReturn

# After the signal: this long for a clean stop, then a hard exit. A guard against a hang, not a target: a stop
# under load takes 1 to 2 s on two idle cores (the batches in flight finish, the desk is saved and synced), and a
# busy machine or a slow disk can stretch that several times over.
STOP_GRACE_SECONDS = 10.0
WAKE_SECONDS = 0.5  # the main thread looks for a signal at least this often


class StopSignals:
    """Catches SIGINT and SIGTERM for the main thread, which waits for them with `wait()`.

    Python runs a signal handler in the main thread only, and the kernel may deliver the signal to any
    thread: a main thread parked in an untimed lock wait would never see it. So the C-level handler also
    writes to a wakeup socket the main thread selects on, with a timeout as a backstop. The handler only
    appends to a list: it runs between two bytecodes of the main thread, which may hold any lock (an
    Event's included), so taking one there can deadlock.
    """

    def __init__(self) -> None:
        self.received: list[int] = []
        self._wake, self._wake_write = socket.socketpair()
        for end in (self._wake, self._wake_write):
            end.setblocking(False)
        self._previous_fd = -1

    def install(self) -> None:
        # Set explicitly: a shell starting us in the background leaves SIGINT ignored.
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, self._handle)
        self._previous_fd = signal.set_wakeup_fd(self._wake_write.fileno(), warn_on_full_buffer=False)

    def _handle(self, signum: int, frame: object) -> None:
        self.received.append(signum)

    def wait(self, timeout: float | None = None, beyond: int = 0) -> bool:
        """True once more than `beyond` signals have arrived; False if `timeout` passed first."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while len(self.received) <= beyond:
            left = WAKE_SECONDS if deadline is None else min(WAKE_SECONDS, deadline - time.monotonic())
            if left <= 0:
                return False
            select.select([self._wake], [], [], left)  # the handler runs right after, in this thread
            with contextlib.suppress(BlockingIOError):
                while self._wake.recv(64):
                    pass
        return True

    def close(self) -> None:
        signal.set_wakeup_fd(self._previous_fd)
        self._wake.close()
        self._wake_write.close()


def stop_within(stop: Callable[[], None], signals: StopSignals, grace: float) -> bool:
    """Runs `stop` in a helper thread; True if it finished within `grace` and before another signal."""
    stopper = threading.Thread(target=stop, name="local-stop", daemon=True)
    stopper.start()
    seen = len(signals.received)
    deadline = time.monotonic() + grace
    while stopper.is_alive() and time.monotonic() < deadline and len(signals.received) == seen:
        stopper.join(min(WAKE_SECONDS, max(0.0, deadline - time.monotonic())))
    return not stopper.is_alive()


def threads_holding_the_exit() -> list[str]:
    # The interpreter joins every non-daemon thread on exit, without a bound (an expiry run's workers, say).
    return [t.name for t in threading.enumerate() if t.is_alive() and not t.daemon
            and t is not threading.main_thread()]


def hard_exit(code: int) -> NoReturn:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)
