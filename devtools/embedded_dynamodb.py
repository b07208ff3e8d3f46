"""moto served over HTTP on a free loopback port, in this process: the local stage's DynamoDB (and its bus, queues,
stream and evidence bucket, on the same endpoint; browser uploads pass the S3 POST policy gate first)."""

import threading
from collections.abc import Callable, Iterable
from typing import Any

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import BaseWSGIServer, make_server

from devtools import events_local
from devtools.local_environment import HOST
from devtools.s3_post_policy import S3PostGate
from devtools.serving import shut_down


class SerializedDispatcher(DomainDispatcherApplication):
    """moto's WSGI app, one request at a time.

    DynamoDB applies one request to an item atomically; moto's server does not under threads, so two racing
    conditional writes could both win. The response is consumed inside the lock: moto may build it lazily.
    """

    def __init__(self) -> None:
        super().__init__(create_backend_app)
        self._serial = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        with self._serial:
            response = super().__call__(environ, start_response)
            try:
                body = b"".join(response)
            finally:
                close = getattr(response, "close", None)
                if close is not None:
                    close()
        return [body]


class QuietMotoRequestHandler(MotoRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass  # one line per DynamoDB call drowns the service's own log


def _reset_dynamodb() -> None:
    # The backends are process-wide: a stage started after another must not see its tables.
    from moto.dynamodb.models import dynamodb_backends
    from moto.s3.models import s3_backends

    dynamodb_backends.reset()
    s3_backends.reset()
    events_local.reset_backends()


class EmbeddedDynamoDB:
    """moto's DynamoDB served over HTTP on a free loopback port, in this process."""

    def __init__(self, host: str = HOST) -> None:
        self.host = host
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def endpoint(self) -> str:
        assert self._server is not None, "start() first"
        return f"http://{self.host}:{self._server.server_port}"

    def start(self) -> str:
        _reset_dynamodb()
        dispatcher = SerializedDispatcher()
        self._server = make_server(self.host, 0, S3PostGate(dispatcher, dispatcher._serial), threaded=True,
                                   request_handler=QuietMotoRequestHandler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="moto-dynamodb", daemon=True)
        self._thread.start()
        return self.endpoint

    def stop(self) -> None:
        if self._server is not None:
            shut_down(self._server, self._thread)
        self._server = self._thread = None
        _reset_dynamodb()
