"""A webhook receiver on loopback: verifies each delivery with the `standardwebhooks` library and prints it.

The local runner registers the demo seller's webhook to it; tests use it as the far end of real deliveries,
with `respond` deciding each answer (a status, or None to hold the connection open until stopped).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks import Webhook, WebhookVerificationError

from devtools.serving import serve

HOST = "127.0.0.1"
FAILING_PATH = "/always-500"  # answers 500 to everything: register a webhook here to watch the retries


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    verified: bool
    event: dict[str, Any] | None
    answered: int | None
    at: float = 0.0  # time.monotonic() when it arrived


Respond = Callable[["Received"], int | None]


def _default_answer(received: Received) -> int | None:
    return 500 if received.path == FAILING_PATH else 200


@dataclass
class Receiver:
    """`secrets`: the whsec_ secrets to verify with (any one may match, as during a rotation)."""

    secrets: list[str] = field(default_factory=list)
    respond: Respond = _default_answer
    announce: Callable[[str], None] | None = None
    received: list[Received] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None
    _release: threading.Event = field(default_factory=threading.Event)
    _arrived: threading.Condition = field(default_factory=threading.Condition)

    @property
    def url(self) -> str:
        assert self._server is not None, "start() first"
        return f"http://{HOST}:{self.port}"

    @property
    def port(self) -> int:
        assert self._server is not None, "start() first"
        port: int = self._server.server_address[1]
        return port

    def start(self, port: int = 0) -> Receiver:
        """On `port` when it is free (where restored webhooks point), else on any free port."""
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length)
                receiver._take(self, body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        try:
            self._server = ThreadingHTTPServer((HOST, port), Handler)
        except OSError:
            if not port:
                raise
            self._server = ThreadingHTTPServer((HOST, 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=serve, args=(self._server,), name="webhook-receiver", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._release.set()  # connections held open end now
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(5)
        self._server = self._thread = None

    def __enter__(self) -> Receiver:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def verify(self, body: bytes, headers: dict[str, str]) -> dict[str, Any] | None:
        for secret in self.secrets:
            try:
                verified: dict[str, Any] = Webhook(secret).verify(body, headers)
                return verified
            except WebhookVerificationError:
                continue
        return None

    def wait_for(self, count: int, timeout: float = 5.0) -> bool:
        """Waits (bounded) until `count` requests have arrived."""
        with self._arrived:
            return self._arrived.wait_for(lambda: len(self.received) >= count, timeout=timeout)

    def wait_until(self, found: Callable[[Received], bool], timeout: float = 5.0) -> Received | None:
        """Waits (bounded) for a request that `found` accepts; the first one, or None."""
        def first() -> Received | None:
            return next((r for r in self.received if found(r)), None)

        with self._arrived:
            return self._arrived.wait_for(first, timeout=timeout)

    def _take(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        headers = {k.lower(): v for k, v in handler.headers.items()}
        event = self.verify(body, headers)
        received = Received(handler.path, headers, body, event is not None, event, None, time.monotonic())
        status = self.respond(received)
        received.answered = status
        with self._arrived:
            self.received.append(received)
            self._arrived.notify_all()
        if self.announce is not None:
            self.announce(describe(received))
        if status is None:
            self._release.wait(60)  # never answers: the sender's timeout ends it
            return
        handler.send_response(status)
        if 300 <= status < 400:
            handler.send_header("Location", "http://127.0.0.1:9/elsewhere")
        handler.send_header("Content-Length", "0")
        handler.end_headers()


def describe(received: Received) -> str:
    mark = "verified" if received.verified else "NOT VERIFIED"
    event = received.event or {}
    if not event:
        try:
            event = json.loads(received.body)
        except ValueError:
            event = {}
    what = f"{event.get('type', '?')} {event.get('id', '?')}"
    if event.get("order_id"):
        what += f" order {event['order_id']}"
    signatures = len(received.headers.get("webhook-signature", "").split())
    return (f"  webhook  <- {what}  [{mark}, {signatures} signature{'s' * (signatures != 1)}]"
            f"  answered {received.answered or 'nothing'} on {received.path}")
