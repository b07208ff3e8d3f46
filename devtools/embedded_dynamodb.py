"""moto served over HTTP on a free loopback port, in this process: the local stage's DynamoDB (and its bus, queues,
stream and evidence bucket, on the same endpoint; browser uploads pass the S3 POST policy gate first); its tables'
items copied out and back in, for the desk kept between runs (devtools/desk_data.py)."""

import os
import threading
from collections.abc import Callable, Iterable
from typing import Any

import msgspec
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import BaseWSGIServer, make_server

from devtools import events_local, moto_shortcuts
from devtools.local_environment import HOST
from devtools.s3_post_policy import S3PostGate
from devtools.serving import serve, shut_down


class SerializedDispatcher(DomainDispatcherApplication):
    """moto's WSGI app, one request at a time.

    DynamoDB applies one request to an item atomically; moto's server does not under threads, so two racing
    conditional writes could both win. The response is consumed inside the lock: moto may build it lazily.
    """

    def __init__(self) -> None:
        super().__init__(create_backend_app)
        self.serial = threading.Lock()  # held while a request runs, and while the tables are copied

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        with self.serial:
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


# Every item as DynamoDB JSON ({"S": ...}), per table name.
Tables = dict[str, list[dict[str, Any]]]


class StoredObject(msgspec.Struct, kw_only=True):
    """One object of a bucket on the embedded S3, as the desk keeps it between runs (bytes base64 in JSON)."""

    key: str
    body: bytes
    content_type: str | None = None
    tags: dict[str, str] = msgspec.field(default_factory=dict)


def _s3_backend() -> Any:
    from moto.core.models import DEFAULT_ACCOUNT_ID
    from moto.s3.models import s3_backends

    return s3_backends[DEFAULT_ACCOUNT_ID]["aws"]


def _backend() -> Any:
    from moto.core.models import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    # The stage's dummy credentials map to moto's default account (devtools/local_environment.py).
    return dynamodb_backends[DEFAULT_ACCOUNT_ID][os.environ["AWS_REGION"]]


class EmbeddedDynamoDB:
    """moto's DynamoDB served over HTTP on a free loopback port, in this process."""

    def __init__(self, host: str = HOST) -> None:
        self.host = host
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self._dispatcher: SerializedDispatcher | None = None

    @property
    def endpoint(self) -> str:
        assert self._server is not None, "start() first"
        return f"http://{self.host}:{self._server.server_port}"

    def start(self) -> str:
        _reset_dynamodb()
        moto_shortcuts.install()
        self._dispatcher = SerializedDispatcher()
        self._server = make_server(self.host, 0, S3PostGate(self._dispatcher, self._dispatcher.serial), threaded=True,
                                   request_handler=QuietMotoRequestHandler)
        self._thread = threading.Thread(target=serve, args=(self._server,), name="moto-dynamodb", daemon=True)
        self._thread.start()
        return self.endpoint

    def copy_desk(self, bucket: str) -> tuple[Tables, list[StoredObject]]:
        """Every table's items and the bucket's objects, between two requests: one consistent moment, as no
        request runs meanwhile (an evidence file's record and its upload are kept together)."""
        assert self._dispatcher is not None, "start() first"
        with self._dispatcher.serial:
            tables = {name: [item.to_json()["Attributes"] for item in table.all_items()]
                      for name, table in _backend().tables.items()}
            s3 = _s3_backend()
            found = s3.buckets.get(bucket)
            objects = [] if found is None else [
                StoredObject(key=key.name, body=key.value, content_type=key.metadata.get("content-type"),
                             tags={tag["Key"]: tag["Value"] for tag in s3.get_object_tagging(key)["Tags"]})
                for key in found.keys.values()]
            return tables, objects

    def put_tables(self, tables: Tables) -> int:
        """Puts the items into the tables (made already); the number put. Their stream records are written too:
        the events pump starts after them (devtools/events_local.py, `from_latest`)."""
        assert self._dispatcher is not None, "start() first"
        backend = _backend()
        with self._dispatcher.serial:
            for name, items in tables.items():
                if name not in backend.tables:
                    continue  # a table this version no longer has
                for item in items:
                    backend.put_item(name, item)
        return sum(len(items) for name, items in tables.items() if name in backend.tables)

    def stop(self) -> None:
        if self._server is not None:
            shut_down(self._server, self._thread)
        self._server = self._thread = None
        _reset_dynamodb()
