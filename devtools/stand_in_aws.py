"""AWS on loopback for a function run from the built package, when moto is not in it: DynamoDB answering every
read with nothing found and every write with success, recording each call's target, and a JWKS on GET (the tests
and the benchmarks)."""

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_EMPTY = {"Query": {"Items": [], "Count": 0, "ScannedCount": 0}, "Scan": {"Items": [], "Count": 0, "ScannedCount": 0},
          "BatchGetItem": {"Responses": {}, "UnprocessedKeys": {}}}


@dataclass
class StandInAws:
    url: str = ""
    jwks: dict[str, Any] = field(default_factory=lambda: {"keys": []})
    targets: list[str] = field(default_factory=list)  # each DynamoDB call's X-Amz-Target operation, in order


@contextmanager
def stand_in_aws() -> Iterator[StandInAws]:
    """Serves until the block ends; `url` is its endpoint."""
    aws = StandInAws()

    class Answer(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._send("application/json", aws.jwks)

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            target = self.headers["X-Amz-Target"].split(".")[-1]
            aws.targets.append(target)
            self._send("application/x-amz-json-1.0", _EMPTY.get(target, {}))

        def _send(self, kind: str, payload: object) -> None:
            body = json.dumps(payload).encode()
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("x-amzn-RequestId", "stand-in")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    aws.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield aws
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
