"""Ending a server's loop in bounded time: every part of the local stage serves from a thread of its own."""

import threading
import time
from socketserver import BaseServer

JOIN_SECONDS = 10.0  # the longest any part of a stop waits for a thread
# How often a serving loop looks for a stop (socketserver's default, 0.5 s, made each of the stage's three servers
# wait up to that long on every stop); the loop is asleep in select() between looks, so this costs nothing.
POLL_SECONDS = 0.02


def serve(server: BaseServer) -> None:
    """`server.serve_forever()`, looking for a stop every POLL_SECONDS: the target of a server's thread."""
    server.serve_forever(poll_interval=POLL_SECONDS)


def shut_down(server: BaseServer, thread: threading.Thread | None, timeout: float = JOIN_SECONDS) -> None:
    """Ends `server.serve_forever()` running in `thread`, waiting at most `timeout`, and closes the socket.

    socketserver's own shutdown() waits without a bound, and forever if the loop is not running.
    """
    deadline = time.monotonic() + timeout
    if thread is not None and thread.is_alive():
        threading.Thread(target=server.shutdown, name=f"{thread.name}-shutdown", daemon=True).start()
        thread.join(timeout)
    server.server_close()
    if thread is not None:
        thread.join(max(0.0, deadline - time.monotonic()))
