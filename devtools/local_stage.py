"""The whole local stage in one process: embedded DynamoDB, the tables and the demo shop, the API on
127.0.0.1:$PORT, the schedule, the event pipeline and the webhooks. `make run` starts it
(devtools/run_local.py); tests, the fuzzer and the load script start it in-process on a free port."""

from __future__ import annotations

import gc
import os
import threading
from collections.abc import Callable
from pathlib import Path

from chalice.local import LocalDevServer

from chalicelib.domain.clock import utc_now
from devtools import banner, demo, desk_data, events_local, local_settings, webhooks_local
from devtools.demo_tokens import demo_tokens
from devtools.embedded_dynamodb import EmbeddedDynamoDB, StoredObject
from devtools.local_api import CallerLimit, chalice_config, handler_for, local_app
from devtools.local_environment import HOST, prepare_environment
from devtools.local_schedule import Scheduler
from devtools.serving import serve, shut_down


def say(line: str) -> None:
    print(line, flush=True)


class LocalStage:
    """The whole local stage; `start()` and `stop()` bracket it (also usable as a context manager).

    `port=0` picks a free port. `schedule_seconds` and `port` default to LOCAL_SCHEDULE_SECONDS and PORT.
    `environment` is set over os.environ for the stage's life (it wins like any other environment variable).
    The environment is restored on `stop()`, so tests can start and stop stages freely. `rate_limit` holds each
    caller to the stack's per-caller limit (RATE_LIMIT_PER_SECOND, RATE_LIMIT_BURST), as `make run` does; the
    suites that seed or load the stage faster than a caller may leave it off.
    With `data_dir` the tables are kept there between runs (devtools/desk_data.py): the last save is put back
    instead of the demo, unless `fresh`; without it they live in memory only.
    """

    def __init__(self, *, port: int | None = None, schedule_seconds: float | None = None, load_demo: bool = True,
                 environment: dict[str, str] | None = None, announce: Callable[[str], None] = say,
                 rate_limit: bool = False, data_dir: Path | None = None, fresh: bool = False) -> None:
        self._port = port
        self._rate_limit = rate_limit
        self.caller_limit: CallerLimit | None = None  # each caller's limit, once started with `rate_limit`
        self.data = desk_data.DeskData(data_dir) if data_dir is not None else None
        self._fresh = fresh
        self.restored: desk_data.Saved | None = None  # the earlier run's save this stage started from
        self._environment = dict(environment or {})
        self._schedule_seconds = schedule_seconds
        self._load_demo = load_demo
        self.announce = announce
        self.dynamodb = EmbeddedDynamoDB()
        self.server: LocalDevServer | None = None
        self.scheduler: Scheduler | None = None
        self.webhooks: webhooks_local.LocalWebhooks | None = None
        self.events: events_local.LocalEvents | None = None
        self.shop: demo.DemoShop | None = None
        self.tokens: dict[str, str] = {}
        self._http_thread: threading.Thread | None = None
        self._saved_env: dict[str, str] | None = None
        self._frozen = False
        self.stopping = ""  # the step a stop is on, named if it overruns its grace
        self._receiver_port: int | None = None  # set once the stage is up: what a save may be taken of

    # -- lifecycle

    def start(self) -> LocalStage:
        from chalicelib.store import evidence_objects, models, transactions

        self._saved_env = dict(os.environ)
        try:
            os.environ.update(self._environment)
            for name, value in events_local.LOCAL_DEFAULTS.items():
                os.environ.setdefault(name, value)
            prepare_environment()
            local_settings.check_service_settings()
            port = self._port if self._port is not None else local_settings.port(os.environ["PORT"])
            interval = (self._schedule_seconds if self._schedule_seconds is not None else
                        local_settings.positive_seconds("LOCAL_SCHEDULE_SECONDS", os.environ["LOCAL_SCHEDULE_SECONDS"]))
            save_seconds = local_settings.positive_seconds(
                "LOCAL_SAVE_SECONDS", os.environ.get("LOCAL_SAVE_SECONDS") or str(desk_data.SAVE_SECONDS))
            self.tokens = demo_tokens()

            from app import app

            served = local_app(app)
            # Bound first: a port in use stops the start before anything is loaded.
            limit = self.caller_limit = CallerLimit.from_settings() if self._rate_limit else None
            try:
                self.server = LocalDevServer(served, chalice_config(), HOST, port,
                                             handler_cls=handler_for(self.tokens, limit))
            except OSError as error:
                raise local_settings.InvalidSetting(
                    "PORT", f"cannot serve on {HOST}:{port} ({error.strerror or error}); set PORT to a free port, "
                    "e.g. PORT=8001 make run") from None

            os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = self.dynamodb.start()
            for service in events_local.SERVICES:  # the bus, its queues and the stream: the same embedded moto
                os.environ[f"AWS_ENDPOINT_URL_{service}"] = self.dynamodb.endpoint
            # The evidence bucket too: presigned uploads and links point at it on loopback (docs/evidence.md).
            os.environ["AWS_ENDPOINT_URL_S3"] = self.dynamodb.endpoint
            models.reset_connections()
            transactions.reset()
            evidence_objects.reset()
            models.create_tables()
            evidence_objects.create_bucket()
            self.restored = self.data.load() if self.data is not None and not self._fresh else None
            if self.restored is not None:
                self.dynamodb.put_tables(self.restored.tables)
                _put_objects(self.restored.objects)
                self.shop = self.restored.shop
            elif self._load_demo:
                self.shop = demo.load()
            # After a restore, the stream holds the restored items' records: published in the earlier run.
            self.events = events_local.LocalEvents(served, self.dynamodb.endpoint).start(
                from_latest=self.restored is not None)
            self._http_thread = threading.Thread(target=serve, args=(self.server.server,), name="local-api",
                                                 daemon=True)
            self._http_thread.start()
            self.scheduler = Scheduler(served, interval)
            self.scheduler.start()
            self.webhooks = webhooks_local.LocalWebhooks(self.announce).start(
                served, self._load_demo, self.events,
                restored_port=self.restored.receiver_port if self.restored is not None else None)
            self._receiver_port = self.webhooks.receiver.port
            if self.data is not None:
                self.data.save(self._snapshot())  # a fresh start replaces the last save at once
                self.data.save_every(save_seconds, self._snapshot)
            # The process now holds a large long-lived object graph (moto's backends, botocore's service models):
            # a full GC pass over it stalls every request for ~0.5 s. Park it outside the collector until stop().
            gc.freeze()
            self._frozen = True
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        from chalicelib.store import evidence_objects, models, transactions

        if self._frozen:
            gc.unfreeze()
            self._frozen = False
        if self.webhooks is not None:
            self.webhooks.signal_stop()
        # The API first: requests still arriving would keep the one-at-a-time moto busy while the pumps and the
        # schedule finish what they hold.
        if self.server is not None:
            self.stopping = "the API's requests in flight"
            shut_down(self.server.server, self._http_thread)
        if self.webhooks is not None:
            if self.events is not None:
                self.stopping = "the event pump's batch"
                self.events.stop()  # nothing more onto the bus while the webhook pumps finish their batches
            self.stopping = "the webhook pumps' batches"
            self.webhooks.stop()
            self.webhooks = None
        if self.scheduler is not None:
            self.stopping = "the schedule's run"
            self.scheduler.stop()
        if self.events is not None:
            self.stopping = "the event pump's batch"
            self.events.stop()
        if self.data is not None and self._receiver_port is not None:
            self.stopping = "saving the desk"
            self.data.stop()
            self.data.save(self._snapshot())  # nothing runs now: the tables as the run left them
            self._receiver_port = None
        self.stopping = "the embedded DynamoDB"
        self.dynamodb.stop()
        models.reset_connections()
        transactions.reset()
        evidence_objects.reset()
        if self._saved_env is not None:
            os.environ.clear()
            os.environ.update(self._saved_env)
        self.server = self.scheduler = self.events = self._http_thread = self._saved_env = None
        self.stopping = ""

    def _snapshot(self) -> desk_data.Saved:
        from chalicelib import config

        tables, objects = self.dynamodb.copy_desk(config.settings().evidence_bucket)
        return desk_data.Saved(saved_at=utc_now(), tables=tables, objects=objects, shop=self.shop,
                               receiver_port=self._receiver_port)

    def __enter__(self) -> LocalStage:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- what a client needs

    @property
    def port(self) -> int:
        assert self.server is not None, "start() first"
        port: int = self.server.server.server_address[1]
        return port

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def banner(self) -> str:
        return banner.text(self)


def _put_objects(objects: list[StoredObject]) -> None:
    """The saved evidence files back into the bucket, with their type and state tag (before the API serves)."""
    from urllib.parse import urlencode

    from chalicelib import config
    from chalicelib.store import evidence_objects

    bucket = config.settings().evidence_bucket
    for saved in objects:
        evidence_objects.client().put_object(Bucket=bucket, Key=saved.key, Body=saved.body,
                                             ContentType=saved.content_type or "application/octet-stream",
                                             Tagging=urlencode(saved.tags))
