"""One HTTP attempt, SSRF-safe (W4, W7): the host is resolved, every address it resolves to is checked, and
the connection goes to the checked address itself, so a DNS answer that changes between the check and the
connection (rebinding) cannot steer it elsewhere. TLS is still verified against the URL's host name. No
redirect is followed, and each step (connect, send, each read) has the attempt's timeout."""

import http.client
import socket
import ssl
from collections.abc import Callable

import msgspec

from .. import config
from ..domain import webhooks as rules
from ..domain.errors import InvalidRequest
from ..domain.webhooks import Target, check_addresses, literal_address, parse_url

MAX_READ = 64 * 1024  # the receiver's answer is read (to reuse nothing, just to end cleanly) and dropped

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


def checked_target(url: str) -> tuple[Target, str]:
    """The URL's target and the address to connect to; raises INVALID_WEBHOOK_URL (`details.reason`)."""
    settings = config.webhooks()
    target = parse_url(url, allow_http=settings.allow_http)
    addresses = RESOLVER[0](target.host, target.port)
    return target, check_addresses(target.host, addresses, allow_private=settings.allow_private_networks)


class Reply(msgspec.Struct, frozen=True):
    status: int | None  # None: no HTTP answer (timeout, refused, TLS, URL refused)
    error: str | None


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, target: Target, address: str, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, target: Target, address: str, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self.timeout)
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)  # type: ignore[attr-defined]


def post(url: str, body: bytes, headers: dict[str, str], timeout: float | None = None) -> Reply:
    """POSTs `body`; the URL is checked again first (DNS can change since registration)."""
    timeout = timeout or rules.TIMEOUT_SECONDS
    try:
        target, address = checked_target(url)
    except InvalidRequest as refused:
        reason = (refused.details or {}).get("reason", "INVALID")
        return Reply(None, f"URL refused: {reason}")
    connection: http.client.HTTPConnection = (_PinnedHTTPS if target.scheme == "https" else _PinnedHTTP)(
        target, address, timeout)
    try:
        connection.request("POST", target.path, body=body, headers={**headers, "user-agent": "cancel-desk-webhooks"})
        response = connection.getresponse()
        response.read(MAX_READ)
        status = response.status
    except TimeoutError:
        return Reply(None, f"timeout after {timeout:g}s")
    except ssl.SSLError as error:
        return Reply(None, f"TLS: {error.reason or error.__class__.__name__}")
    except ConnectionRefusedError:
        return Reply(None, "connection refused")
    except (OSError, http.client.HTTPException) as error:
        return Reply(None, f"connection failed: {error.__class__.__name__}")
    finally:
        connection.close()
    if 300 <= status < 400:
        return Reply(status, f"redirect {status} not followed")
    if not 200 <= status < 300:
        return Reply(status, f"HTTP {status}")
    return Reply(status, None)
