"""Receivers that misbehave on purpose, on loopback: a TCP server that hands each connection to a behaviour
(trickle the answer, drip an answer that never ends, send an endless body, answer over TLS with a given
certificate). Every loop is bounded
and stops with the server."""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
from collections.abc import Callable
from types import TracebackType

Behaviour = Callable[[socket.socket, threading.Event], None]


class RawReceiver:
    def __init__(self, behaviour: Behaviour, *, host: str = "127.0.0.1", tls: ssl.SSLContext | None = None) -> None:
        self._behaviour = behaviour
        self._tls = tls
        self._listener = socket.create_server((host, 0), family=socket.AF_INET6 if ":" in host else socket.AF_INET)
        self._listener.settimeout(0.1)
        self.port: int = self._listener.getsockname()[1]
        self.stopped = threading.Event()
        self.connections = 0
        self.handshake_errors: list[str] = []
        self._threads: list[threading.Thread] = []

    def __enter__(self) -> RawReceiver:
        accept = threading.Thread(target=self._accept, daemon=True)
        accept.start()
        self._threads.append(accept)
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stopped.set()
        for thread in self._threads:
            thread.join(5)
        self._listener.close()

    def _accept(self) -> None:
        while not self.stopped.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            self.connections += 1
            worker = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            worker.start()
            self._threads.append(worker)

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(5)
        try:
            if self._tls is not None:
                try:
                    conn = self._tls.wrap_socket(conn, server_side=True)
                except (ssl.SSLError, OSError) as error:
                    self.handshake_errors.append(str(error))
                    return
            self._behaviour(conn, self.stopped)
        except OSError:
            pass  # the sender hung up: what several of these receivers wait for
        finally:
            with contextlib.suppress(OSError):
                conn.close()


def read_request(conn: socket.socket) -> bytes:
    """The request's head and its body (by content-length)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                   if line.lower().startswith(b"content-length:")), 0)
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


def answer_200(conn: socket.socket, stopped: threading.Event) -> None:
    read_request(conn)
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")


class Trickle:
    """Answers 200 a byte at a time, spread over `lasting` seconds: each wait between bytes is short (well
    under any per-read timeout), the whole answer is not."""

    ANSWER = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"

    def __init__(self, lasting: float) -> None:
        self.every = lasting / len(self.ANSWER)
        self.sent = 0

    def __call__(self, conn: socket.socket, stopped: threading.Event) -> None:
        read_request(conn)
        for index in range(len(self.ANSWER)):
            if stopped.wait(self.every):
                return
            conn.sendall(self.ANSWER[index:index + 1])
            self.sent += 1


class Drip:
    """Sends `head` at once, then one byte every `every` seconds for as long as the sender listens: a body (or
    a header line) that never ends and never goes quiet for long."""

    def __init__(self, head: bytes, every: float = 0.02) -> None:
        self.head = head
        self.every = every
        self.sent = 0

    def __call__(self, conn: socket.socket, stopped: threading.Event) -> None:
        read_request(conn)
        conn.sendall(self.head)
        while not stopped.wait(self.every):
            conn.sendall(b"x")
            self.sent += 1


class EndlessBody:
    """Answers 200 and then a body that does not end: it stops when the sender hangs up or the receiver stops
    (`limit` is only a backstop, far beyond what a reader gets through within a deadline)."""

    def __init__(self, limit: int = 1 << 40) -> None:
        self.limit = limit
        self.sent = 0

    def __call__(self, conn: socket.socket, stopped: threading.Event) -> None:
        read_request(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n")
        chunk = b"x" * 16384
        while self.sent < self.limit and not stopped.is_set():
            conn.sendall(chunk)
            self.sent += len(chunk)
