"""`python -m devtools.run_local` as a real process: under concurrent load, with the schedule firing, SIGTERM and
SIGINT each end it within a few seconds, every time.

A stop can race with the schedule, a request in flight or the signal landing on another thread than the main
one, so each signal is sent over several fresh processes. Waits are bounded waits for the process, never for
time to pass.
"""

import http.client
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from devtools import tokens
from devtools.order_bodies import order_body
from tests.support.paths import ROOT

ROUNDS = 3  # fresh processes per signal
START_TIMEOUT = 30.0  # seconds for the runner to answer /health
LOAD_TIMEOUT = 15.0  # seconds for the load and the schedule to get going
STOP_TIMEOUT = 15.0  # seconds from the signal to the process gone (the runner gives itself 10 s, then exits hard)
SCHEDULE_SECONDS = "0.2"
LOAD_THREADS = 6


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Load:
    """Threads sending requests until told to stop, each on a new connection as curl does (so the runner
    starts a thread per request); one thread, on a kept-alive connection, keeps making requests due."""

    port: int
    stop: threading.Event = field(default_factory=threading.Event)
    answered: list[int] = field(default_factory=list)  # one entry per answer, from any thread
    threads: list[threading.Thread] = field(default_factory=list)

    def start(self) -> None:
        seller = tokens.mint("seller", "load-seller", seller_id="S1", ttl_seconds=3600)
        for number in range(LOAD_THREADS):
            target = self._make_requests_due if number == 0 else self._read
            thread = threading.Thread(target=target, args=(seller,), name=f"load-{number}", daemon=True)
            thread.start()
            self.threads.append(thread)

    def _send(self, connection: http.client.HTTPConnection, method: str, path: str, token: str,
              body: object = None) -> None:
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        response = connection.getresponse()
        response.read()
        self.answered.append(response.status)

    def _loop(self, step: Callable[[http.client.HTTPConnection], None], keep_alive: bool) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        while not self.stop.is_set():
            try:
                step(connection)
            except (OSError, http.client.HTTPException):
                # The runner is going away: keep trying until told to stop, as a client would, a little apart.
                # Retrying at once would spin five threads on refused connections, a core's worth of CPU taken
                # from the stop being measured.
                self.stop.wait(0.05)
            else:
                if keep_alive:
                    continue
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        connection.close()

    def _read(self, seller: str) -> None:
        paths = ["/seller/action-needed", "/seller/cancellations?status=REQUESTED", "/health"]
        turn = itertools.cycle(paths)
        self._loop(lambda connection: self._send(connection, "GET", next(turn), seller), keep_alive=False)

    def _make_requests_due(self, seller: str) -> None:
        # A paid order and a buyer request on it, due a second later: the schedule has work on every run.
        platform = tokens.mint("platform", "load-orders", ttl_seconds=3600)
        buyer = tokens.mint("buyer", "load-buyer", buyer_id="B1", ttl_seconds=3600)
        numbers = itertools.count()
        paid = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 7200))

        def step(connection: http.client.HTTPConnection) -> None:
            order_id = f"LOAD-{next(numbers)}"
            self._send(connection, "POST", "/platform/orders", platform,
                       order_body(order_id, placed_at=paid, paid_at=paid))
            self._send(connection, "POST", f"/buyer/orders/{order_id}/cancellation-requests", buyer,
                       {"reason": "CHANGED_MIND"})

        self._loop(step, keep_alive=True)

    def finish(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=10)


@dataclass
class Runner:
    process: subprocess.Popen[bytes]
    port: int
    stdout: Path
    stderr: Path

    def output(self) -> str:
        return self.stdout.read_text(errors="replace")

    def tails(self) -> str:
        return f"stdout: ...{self.output()[-1500:]}\nstderr: ...{self.stderr.read_text(errors='replace')[-1500:]}"


def wait_until(condition: Callable[[], bool], timeout: float, process: subprocess.Popen[bytes], what: str) -> None:
    """Polls `condition` until true; fails after `timeout` or if the process ended meanwhile."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert process.poll() is None, f"the runner exited (code {process.returncode}) before {what}"
        assert time.monotonic() < deadline, f"no {what} within {timeout:g}s"
        time.sleep(0.05)


def answers_health(port: int) -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
        connection.request("GET", "/health")
        return connection.getresponse().status == 200
    except OSError:
        return False


@pytest.fixture
def runner(tmp_path: Path) -> Iterator[Runner]:
    port = free_port()
    stdout, stderr = tmp_path / "stdout.txt", tmp_path / "stderr.txt"
    # The load is one seller far over a caller's rate limit: lifted, so every request is the app's work to stop.
    environment = {**os.environ, "PORT": str(port), "LOCAL_SCHEDULE_SECONDS": SCHEDULE_SECONDS,
                   "SELLER_RESPONSE_WINDOW_SECONDS": "1", "PYTHONUNBUFFERED": "1",
                   "RATE_LIMIT_PER_SECOND": "1000000", "RATE_LIMIT_BURST": "1000000",
                   "LOCAL_DATA_DIR": str(tmp_path / "data")}
    with stdout.open("wb") as out, stderr.open("wb") as err:
        # Its own session: the signal goes to this process only, as `kill` from another terminal would.
        process = subprocess.Popen([sys.executable, "-m", "devtools.run_local"], cwd=ROOT, env=environment,
                                   stdout=out, stderr=err, stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_until(lambda: answers_health(port), START_TIMEOUT, process, "answer on /health")
        yield Runner(process, port, stdout, stderr)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


@pytest.mark.parametrize("round_", range(ROUNDS))
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_the_runner_stops_under_load_within_seconds(runner: Runner, signum: int, round_: int) -> None:
    load = Load(runner.port)
    load.start()
    try:
        # Requests flowing on every thread, and the schedule auto-approving what the load made due.
        seen = 0

        def busy() -> bool:
            nonlocal seen
            seen = len(load.answered)
            return seen >= 40 and '"event":"expiry.run"' in runner.output()

        wait_until(busy, LOAD_TIMEOUT, runner.process, "load and schedule run")
        runner.process.send_signal(signum)
        try:
            code = runner.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            pytest.fail(f"still running {STOP_TIMEOUT:g}s after {signal.Signals(signum).name} "
                        f"({seen} answers before it)\n{runner.tails()}")
    finally:
        load.finish()
    assert code == 0, f"not a clean stop (code {code})\n{runner.tails()}"
    assert "\nStopping." in runner.output()
    # The clean stop saved the desk, the load's orders with it, inside the same few seconds.
    saved = json.loads((runner.stdout.parent / "data" / "desk.json").read_text())
    orders = saved["tables"]["cancel-desk-orders"]
    assert any(item["order_id"]["S"] == "LOAD-0" for item in orders)
