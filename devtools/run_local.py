"""The local stage in one process: embedded DynamoDB, demo shop, the API on 127.0.0.1:$PORT, the schedule firing.

`python -m devtools.run_local` (what `make run` calls) serves until Ctrl-C or SIGTERM, then stops within
`STOP_GRACE_SECONDS` (or exits hard). Tests, the fuzzer and the load script start the same `LocalStack`
in-process on a free port and stop it when done.

Precedence: a variable set in the environment wins over the dev stage's value in .chalice/config.json
(`chalice local` does the opposite, which is why this runner builds the server from `chalice.local` itself).
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import select
import signal
import socket
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from socketserver import BaseServer
from typing import Any, NoReturn

from chalice.app import Chalice
from chalice.cli.factory import CLIFactory
from chalice.config import Config
from chalice.local import (
    ChaliceRequestHandler,
    CustomLocalChalice,
    LambdaContext,
    LocalChalice,
    LocalDevServer,
    LocalGatewayException,
)
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import BaseWSGIServer, make_server

from devtools import demo, events_local, gateway, seller_center, stage, tokens, webhooks_local

ROOT = Path(__file__).resolve().parent.parent
STAGE = "dev"
HOST = "127.0.0.1"
SCHEDULED_FUNCTION = "expire_cancellation_requests"
TOKEN_TTL_SECONDS = 30 * 24 * 3600
JOIN_SECONDS = 10.0  # the longest any part of stop() waits for a thread
STOP_GRACE_SECONDS = 3.0  # after the signal: this long for a clean stop, then a hard exit
WAKE_SECONDS = 0.5  # the main thread looks for a signal at least this often

# Never reach a real account from the local stage, whatever the shell holds.
DUMMY_AWS = {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_SESSION_TOKEN": "local",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
}
STRAY_AWS = ("AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
             *(f"AWS_ENDPOINT_URL_{service}" for service in events_local.SERVICES))

log = logging.getLogger("devtools.run_local")


def say(line: str) -> None:
    print(line, flush=True)


def prepare_environment() -> None:
    """Dev-stage defaults under the environment, no stray endpoint, dummy credentials."""
    stage.apply(STAGE)
    os.environ.setdefault("WEBHOOK_RETRY_SCHEDULE_SECONDS", webhooks_local.LOCAL_RETRY_SCHEDULE)
    for name in STRAY_AWS:
        os.environ.pop(name, None)
    os.environ.update(DUMMY_AWS)


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


# --- embedded DynamoDB ------------------------------------------------------------------------------


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
    # The backends are process-wide: a stack started after another must not see its tables.
    from moto.dynamodb.models import dynamodb_backends

    dynamodb_backends.reset()
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
        self._server = make_server(self.host, 0, SerializedDispatcher(), threaded=True,
                                   request_handler=QuietMotoRequestHandler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="moto-dynamodb", daemon=True)
        self._thread.start()
        return self.endpoint

    def stop(self) -> None:
        if self._server is not None:
            shut_down(self._server, self._thread)
        self._server = self._thread = None
        _reset_dynamodb()


# --- the API ----------------------------------------------------------------------------------------


class ContractRequestHandler(ChaliceRequestHandler):
    """chalice.local's handler, with API Gateway's own answers (no token, unknown route) in the contract shape."""

    # One write per response, sent at once: headers and body in separate unbuffered writes meet the client's
    # delayed ACK and cost ~40 ms a request on a kept-alive connection.
    wbufsize = -1
    disable_nagle_algorithm = True
    demo_sellers: bytes | None = None  # the page's dev-only sign-in buttons (devtools/seller_center.py), per stack

    def do_GET(self) -> None:
        if self.demo_sellers is not None and seller_center.is_demo_sellers(self.path):
            self._send_http_response(200, dict(seller_center.HEADERS), self.demo_sellers)
        else:
            self._generic_handle()

    def _send_error_response(self, error: LocalGatewayException) -> None:
        status, headers, body = gateway.shape(error)
        self._send_http_response(status, headers, body)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the app writes its own access line (`http.request`) for every request

    def __getattr__(self, name: str) -> Any:
        # Any other method (TRACE, QUERY, ...) goes to the gateway too, which answers 405 or 404 in the
        # contract's shape, instead of http.server's HTML 501.
        if name.startswith("do_"):
            return self._generic_handle
        raise AttributeError(name)


def _local_app(app: Chalice) -> Chalice:
    """The app with a per-thread `current_request`, as `chalice local` makes it (once per process)."""
    if not isinstance(app, LocalChalice):
        CustomLocalChalice.__bases__ = (LocalChalice, type(app))
        app.__class__ = CustomLocalChalice
    return app


def _chalice_config() -> Config:
    return CLIFactory(str(ROOT), environ=os.environ).create_config_obj(chalice_stage_name=STAGE)


# --- the schedule -----------------------------------------------------------------------------------


def scheduled_event(now: datetime, function_name: str) -> dict[str, Any]:
    """What EventBridge hands a scheduled Lambda."""
    region = os.environ.get("AWS_DEFAULT_REGION", "us-east-1")
    account = "123456789012"
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": account,
        "time": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [f"arn:aws:events:{region}:{account}:rule/{function_name}"],
        "detail": {},
    }


class Scheduler:
    """Fires the scheduled function every `interval` seconds from a daemon thread, as EventBridge would.

    The function logs its own JSON line (`expiry.run`) when a run did something; an empty run says nothing.
    """

    def __init__(self, app: Chalice, interval: float, function: str = SCHEDULED_FUNCTION,
                 timeout_seconds: int = 60) -> None:
        self.handler = app.handler_map[function]
        self.function_name = f"{app.app_name}-{STAGE}-{function}"
        self.interval = interval
        self.timeout_seconds = timeout_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._done = threading.Condition()
        self._started = 0  # ticks begun
        self._finished = 0  # highest tick number finished
        self.last_report: dict[str, Any] | None = None
        self.totals: Counter[str] = Counter()  # summed numeric fields of every report

    @property
    def ticks_started(self) -> int:
        with self._done:
            return self._started

    def tick(self) -> dict[str, Any]:
        """One invocation of the scheduled function, through the handler Chalice registered for it."""
        from chalicelib.domain.clock import utc_now

        with self._done:
            self._started += 1
            number = self._started
        context = LambdaContext(self.function_name, memory_size=256, max_runtime_ms=self.timeout_seconds * 1000)
        try:
            report: dict[str, Any] = self.handler(scheduled_event(utc_now(), self.function_name), context)
        finally:
            with self._done:
                self._finished = max(self._finished, number)
                self._done.notify_all()
        self.last_report = report
        self.totals.update({name: value for name, value in report.items()
                            if isinstance(value, int) and not isinstance(value, bool)})
        self.totals["runs"] += 1
        return report

    def wait_for_tick_after(self, started: int, timeout: float) -> bool:
        """Waits (bounded) until a tick begun after `started` ticks has finished."""
        with self._done:
            return self._done.wait_for(lambda: self._finished > started, timeout=timeout)

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.tick()
            except Exception:  # a failed run must not stop the schedule; EventBridge would fire again too
                log.exception("scheduled function %s failed", SCHEDULED_FUNCTION)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="local-schedule", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = JOIN_SECONDS) -> None:
        """Stops firing; waits at most `timeout` for a run in progress (a daemon thread: it cannot hold the exit)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self._thread = None


# --- everything together ----------------------------------------------------------------------------


class LocalStack:
    """The whole local stage; `start()` and `stop()` bracket it (also usable as a context manager).

    `port=0` picks a free port. `schedule_seconds` and `port` default to LOCAL_SCHEDULE_SECONDS and PORT.
    `environment` is set over os.environ for the stack's life (it wins like any other environment variable).
    The environment is restored on `stop()`, so tests can start and stop stacks freely.
    """

    def __init__(self, *, port: int | None = None, schedule_seconds: float | None = None, load_demo: bool = True,
                 environment: dict[str, str] | None = None, announce: Callable[[str], None] = say) -> None:
        self._port = port
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

    # -- lifecycle

    def start(self) -> LocalStack:
        from chalicelib.store import models, transactions

        self._saved_env = dict(os.environ)
        try:
            os.environ.update(self._environment)
            for name, value in events_local.LOCAL_DEFAULTS.items():
                os.environ.setdefault(name, value)
            prepare_environment()
            port = self._port if self._port is not None else int(os.environ["PORT"])
            interval = (self._schedule_seconds if self._schedule_seconds is not None
                        else float(os.environ["LOCAL_SCHEDULE_SECONDS"]))
            if interval <= 0:
                raise ValueError("LOCAL_SCHEDULE_SECONDS must be above 0")

            os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = self.dynamodb.start()
            for service in events_local.SERVICES:  # the bus, its queues and the stream: the same embedded moto
                os.environ[f"AWS_ENDPOINT_URL_{service}"] = self.dynamodb.endpoint
            models.reset_connections()
            transactions.reset()
            models.create_tables()
            if self._load_demo:
                self.shop = demo.load()
            self.tokens = demo_tokens()

            from app import app

            local_app = _local_app(app)
            self.events = events_local.LocalEvents(local_app, self.dynamodb.endpoint).start()
            handler = type("StackRequestHandler", (ContractRequestHandler,),
                           {"demo_sellers": seller_center.demo_sellers(self.tokens)})
            self.server = LocalDevServer(local_app, _chalice_config(), HOST, port, handler_cls=handler)
            self._http_thread = threading.Thread(target=self.server.server.serve_forever, name="local-api",
                                                 daemon=True)
            self._http_thread.start()
            self.scheduler = Scheduler(local_app, interval)
            self.scheduler.start()
            self.webhooks = webhooks_local.LocalWebhooks(self.announce).start(local_app, self._load_demo, self.events)
            # The process now holds a large long-lived object graph (moto's backends, botocore's service models):
            # a full GC pass over it stalls every request for ~0.5 s. Park it outside the collector until stop().
            gc.freeze()
            self._frozen = True
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        from chalicelib.store import models, transactions

        if self._frozen:
            gc.unfreeze()
            self._frozen = False
        if self.webhooks is not None:
            self.webhooks.signal_stop()
            if self.events is not None:
                self.events.stop()  # nothing more onto the bus while the webhook pumps finish their batches
            self.webhooks.stop()
            self.webhooks = None
        if self.scheduler is not None:
            self.scheduler.stop()
        if self.events is not None:
            self.events.stop()
        if self.server is not None:
            shut_down(self.server.server, self._http_thread)
        self.dynamodb.stop()
        models.reset_connections()
        transactions.reset()
        if self._saved_env is not None:
            os.environ.clear()
            os.environ.update(self._saved_env)
        self.server = self.scheduler = self.events = self._http_thread = self._saved_env = None

    def __enter__(self) -> LocalStack:
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
        from chalicelib import config

        policy = config.policy()
        assert self.scheduler is not None
        lines = [
            f"Cancellation desk, local stage '{STAGE}'",
            f"  API        {self.base_url}   (OpenAPI document: {self.base_url}/openapi.json)",
            f"  API docs   {self.base_url}/docs   (the document in a browser, with Try it out)",
            f"  Seller     {self.base_url}/app   (the Seller Center page: Sign in as S1 or S2, or paste a token)",
            f"  DynamoDB   embedded moto at {self.dynamodb.endpoint} (in memory: gone when stopped)",
            f"  schedule   {SCHEDULED_FUNCTION} every {self.scheduler.interval:g}s (LOCAL_SCHEDULE_SECONDS)",
            f"  policy     response window {int(policy.response_window.total_seconds())}s, grace period "
            f"{int(policy.grace_period.total_seconds())}s, SFCR window {policy.sfcr_window_days} days, "
            f"time zone {policy.market_timezone}",
            "             (any variable set in the environment beats .chalice/config.json)",
            *(self.webhooks.banner(self.base_url) if self.webhooks else []),
        ]
        if self.events is not None:
            lines += self.events.banner_lines(self.base_url)
        if self.shop is not None:
            lines.append(f"  clock      demo loaded at {demo.at_clock(self.shop.loaded_at, self.shop.loaded_at)}; "
                         f"a request waits {demo.span(policy.response_window)} for the seller, then the next "
                         "schedule run auto-approves it")
            lines += ["", *self.shop.describe()]
        lines += ["", f"Tokens (valid {TOKEN_TTL_SECONDS // 86400} days); paste these first:"]
        lines += [f"  export {name}={value}" for name, value in token_exports(self.tokens).items()]
        if self.shop is not None:
            lines += ["", "Then try:"]
            for example in self.shop.examples:
                lines += [f"  # {example.title}", f"  {example.curl(self.base_url)}"]
        lines += ["", "Ctrl-C (or SIGTERM) stops the service; the data is in memory and goes with it."]
        return "\n".join(lines)


def demo_tokens() -> dict[str, str]:
    """Long-lived tokens for the demo parties, signed with the stage's dev secret."""
    ttl = TOKEN_TTL_SECONDS
    return {
        "seller": tokens.mint("seller", "demo-seller-user", seller_id=demo.SELLER_ID, ttl_seconds=ttl),
        "buyer": tokens.mint("buyer", "demo-buyer-user", buyer_id=demo.BUYER_ID, ttl_seconds=ttl),
        "platform": tokens.mint("platform", "demo-order-source", ttl_seconds=ttl),
        "other_seller": tokens.mint("seller", "other-seller-user", seller_id=demo.OTHER_SELLER_ID, ttl_seconds=ttl),
    }


def token_exports(minted: dict[str, str]) -> dict[str, str]:
    return {demo.TOKEN_VARIABLES[role]: token for role, token in minted.items()}


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


def stop_within(stack: LocalStack, signals: StopSignals, grace: float) -> bool:
    """Stops the stack from a helper thread; True if it finished within `grace` and before another signal."""
    stopper = threading.Thread(target=stack.stop, name="local-stop", daemon=True)
    stopper.start()
    seen = len(signals.received)
    deadline = time.monotonic() + grace
    while stopper.is_alive() and time.monotonic() < deadline and len(signals.received) == seen:
        stopper.join(min(WAKE_SECONDS, max(0.0, deadline - time.monotonic())))
    return not stopper.is_alive()


def _threads_holding_the_exit() -> list[str]:
    # The interpreter joins every non-daemon thread on exit, without a bound (an expiry run's workers, say).
    return [t.name for t in threading.enumerate() if t.is_alive() and not t.daemon
            and t is not threading.main_thread()]


def hard_exit(code: int) -> NoReturn:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


def main() -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    signals = StopSignals()
    signals.install()
    stack = LocalStack()
    try:
        stack.start()
    except OSError as error:
        say(f"Cannot serve on {HOST}:{os.environ.get('PORT', '8000')}: {error.strerror or error}. "
            "Set PORT to a free port, e.g. PORT=8001 make run")
        return 1
    try:
        if not signals.received:  # a signal during start: stop at once
            say(stack.banner())
        signals.wait()
    finally:
        with contextlib.suppress(OSError):  # the terminal has gone: stop all the same
            say("\nStopping.")
        clean = stop_within(stack, signals, STOP_GRACE_SECONDS)
    holding = _threads_holding_the_exit()
    if not clean or holding:
        log.warning("did not stop cleanly within %gs (%s); exiting anyway", STOP_GRACE_SECONDS,
                    ", ".join(holding) or "stop() still running")
        hard_exit(1)
    signals.close()
    # Not a normal interpreter exit: that joins, without a bound, thread pools and request threads a stop
    # that raced the schedule or a late request may have left behind. Nothing is left to save (the data is
    # in memory), so leave at once, with the output flushed.
    hard_exit(0)


if __name__ == "__main__":
    sys.exit(main())
