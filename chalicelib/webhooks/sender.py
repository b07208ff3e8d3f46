"""One HTTP attempt, SSRF-safe (W4, W7): the host is resolved, every address it resolves to is checked, and
the connection goes to a checked address itself, so a DNS answer that changes between the check and the
connection (rebinding) cannot steer it elsewhere. TLS is verified against the URL's host name. No redirect is
followed.

An attempt has one deadline (W7): the lookup, each address's connect, TLS, the request and the answer all
fit in it. Per-step socket timeouts alone would let a receiver that trickles a byte every few seconds hold
the attempt until the function's own timeout, so a watchdog cuts the connection when the deadline passes, and
the answer's body is read a chunk at a time, each read given only the time left. A read the watchdog ended
looks like the receiver's own end of the answer, so an attempt it cut is a timeout whatever was read."""

import contextlib
import http.client
import socket
import ssl
import threading
import time
from collections.abc import Callable

import msgspec

from .. import config
from ..domain import webhooks as rules
from ..domain.errors import InvalidRequest
from ..domain.webhooks import Target, check_addresses, literal_address, parse_url

MAX_READ = 64 * 1024  # the receiver's answer is read (to reuse nothing, just to end cleanly) and dropped
CHUNK = 16 * 1024  # one socket read of the answer's body at most

Resolver = Callable[[str, int], list[str]]


def resolve(host: str, port: int) -> list[str]:
    """The addresses a host resolves to, in the resolver's order, each once."""
    if literal_address(host) is not None:
        return [host]
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return []
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


# Tests and the local runner replace this to answer for names without DNS.
RESOLVER: list[Resolver] = [resolve]


class Deadline:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._end = time.monotonic() + seconds

    def left(self) -> float:
        """Seconds left; raises TimeoutError once there are none."""
        left = self._end - time.monotonic()
        if left <= 0:
            raise TimeoutError
        return left


def _lookup(host: str, port: int, deadline: Deadline) -> list[str]:
    """The resolver's answer within the deadline. getaddrinfo cannot be interrupted, so it runs in a thread
    of its own that is left behind (daemon) if it never answers."""
    if literal_address(host) is not None:
        return [host]
    answer: list[list[str]] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            answer.append(RESOLVER[0](host, port))
        except BaseException as error:  # handed to the attempt, which records it
            failure.append(error)

    thread = threading.Thread(target=run, name="webhook-lookup", daemon=True)
    thread.start()
    thread.join(deadline.left())
    if failure:
        raise failure[0]
    if not answer:
        raise TimeoutError
    return answer[0]


def _checked(url: str, deadline: Deadline) -> tuple[Target, list[str]]:
    settings = config.webhooks()
    target = parse_url(url, allow_http=settings.allow_http)
    addresses = _lookup(target.host, target.port, deadline)
    return target, check_addresses(target.host, addresses, allow_private=settings.allow_private_networks)


def checked_target(url: str, timeout: float | None = None) -> tuple[Target, list[str]]:
    """The URL's target and the addresses to try, in order; raises INVALID_WEBHOOK_URL (`details.reason`),
    `UNRESOLVABLE` for a lookup that does not answer in time."""
    try:
        return _checked(url, Deadline(timeout or rules.TIMEOUT_SECONDS))
    except TimeoutError as error:
        host = parse_url(url, allow_http=config.webhooks().allow_http).host
        raise InvalidRequest(f"The host {host[:253]} does not resolve.", code="INVALID_WEBHOOK_URL",
                             details={"reason": "UNRESOLVABLE"}) from error


class Reply(msgspec.Struct, frozen=True):
    status: int | None  # None: no HTTP answer (timeout, refused, TLS, URL refused)
    error: str | None


def _connect(target: Target, addresses: list[str], deadline: Deadline) -> socket.socket:
    """The first address that accepts; each gets an equal share of the time left, so a silent one cannot
    use up the others' turn."""
    failure: OSError = TimeoutError()
    for index, address in enumerate(addresses):
        try:
            sock = socket.create_connection((address, target.port), deadline.left() / (len(addresses) - index))
        except OSError as error:
            failure = error
            continue
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock
    raise failure


class _Watchdog:
    """Shuts the attempt's socket down when the deadline passes, which ends any read or write blocked on it.
    On Linux a read of a peer that keeps sending goes on after the shutdown until the data stops, so the
    exchange bounds its own reads as well."""

    def __init__(self, deadline: Deadline) -> None:
        self.sock: socket.socket | None = None
        self._fired = False
        self._stopped = False
        self._lock = threading.Lock()
        self._timer = threading.Timer(deadline.left(), self._cut)
        self._timer.daemon = True
        self._timer.start()

    def _cut(self) -> None:
        with self._lock:
            if self._stopped:
                return
            self._fired = True
            if self.sock is not None:
                # The plain socket's shutdown: an SSLSocket's would first drop its TLS state.
                with contextlib.suppress(OSError):
                    socket.socket.shutdown(self.sock, socket.SHUT_RDWR)

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self.sock = sock
            if self._fired:
                raise TimeoutError

    def stop(self) -> bool:
        """Stops watching; whether the deadline had cut the attempt (decided once, under the lock)."""
        self._timer.cancel()
        with self._lock:
            self._stopped = True
            return self._fired


def _drain(response: http.client.HTTPResponse, sock: socket.socket, deadline: Deadline) -> None:
    """Reads the answer's body up to MAX_READ and drops it: one socket read per chunk, each with the time left
    as its timeout, and the deadline checked before each (TimeoutError once it has passed)."""
    left = MAX_READ
    while left > 0:
        sock.settimeout(deadline.left())
        chunk = response.read1(min(CHUNK, left))
        if not chunk:
            return
        left -= len(chunk)


def _exchange(target: Target, addresses: list[str], body: bytes, headers: dict[str, str],
              deadline: Deadline, watchdog: _Watchdog) -> int:
    sock = _connect(target, addresses, deadline)
    watchdog.watch(sock)
    sock.settimeout(deadline.left())
    if target.scheme == "https":
        sock = ssl.create_default_context().wrap_socket(sock, server_hostname=target.host)
        watchdog.watch(sock)
    connection = http.client.HTTPConnection(target.host, target.port, timeout=deadline.left())
    connection.sock = sock  # already connected (and pinned to the checked address)
    try:
        sock.settimeout(deadline.left())
        connection.request("POST", target.path, body=body, headers={**headers, "user-agent": "cancel-desk-webhooks"})
        sock.settimeout(deadline.left())
        response = connection.getresponse()
        _drain(response, sock, deadline)
        return response.status
    finally:
        connection.close()


def _attempt(target: Target, addresses: list[str], body: bytes, headers: dict[str, str],
             deadline: Deadline, watchdog: _Watchdog) -> Reply:
    timed_out = Reply(None, f"timeout after {deadline.seconds:g}s")
    try:
        status = _exchange(target, addresses, body, headers, deadline, watchdog)
    except TimeoutError:
        return timed_out
    except ssl.SSLError as error:
        return Reply(None, f"TLS: {error.reason or error.__class__.__name__}")
    except ConnectionRefusedError:
        return Reply(None, "connection refused")
    except (OSError, http.client.HTTPException, ValueError) as error:
        return Reply(None, f"connection failed: {error.__class__.__name__}")
    if 300 <= status < 400:
        return Reply(status, f"redirect {status} not followed")
    if not 200 <= status < 300:
        return Reply(status, f"HTTP {status}")
    return Reply(status, None)


def post(url: str, body: bytes, headers: dict[str, str], timeout: float | None = None) -> Reply:
    """POSTs `body`; the URL is checked again first (DNS can change since registration)."""
    deadline = Deadline(timeout or rules.TIMEOUT_SECONDS)
    timed_out = Reply(None, f"timeout after {deadline.seconds:g}s")
    try:
        target, addresses = _checked(url, deadline)
    except TimeoutError:
        return timed_out
    except InvalidRequest as refused:
        reason = (refused.details or {}).get("reason", "INVALID")
        return Reply(None, f"URL refused: {reason}")
    try:
        watchdog = _Watchdog(deadline)
    except TimeoutError:
        return timed_out
    try:
        reply = _attempt(target, addresses, body, headers, deadline, watchdog)
    finally:
        cut = watchdog.stop()
    # Whatever the exchange made of it (an error, or an answer that seemed whole), the deadline ended it.
    return timed_out if cut else reply
