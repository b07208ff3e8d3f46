"""Fixtures every layer uses: a clock, fresh moto tables and queues per test, the real app behind chalice.test.Client,
tokens, and the `shop` that drives it, and the deployable stack built once per run. The import-time patches they
rely on are the `tests.support.patches` plugin."""

import fcntl
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import time_machine
from chalice.test import Client

from tests.support.api import START, Api, Tokens
from tests.support.events import Bus
from tests.support.fresh_aws import AWS
from tests.support.paths import ROOT
from tests.support.shop import Shop

# The longest groups of `make test`, longest first (BENCHMARKS.md, "The test loop"): handed out before the rest, so
# that no worker starts one of them while the others run out of work. xdist would otherwise order the groups by
# their number of tests, which puts these few-test, long-running modules last.
LONGEST_FIRST = (
    "tests/concurrency/test_lifecycle_model.py",
    "tests/browser",
    "tests/local/test_fuzz_openapi.py",
    "tests/local/test_bench_quick.py",
    "tests/local/test_local_runner.py",
    "tests/infra/test_infra_cold_path.py",
    "tests/unit/test_write_model.py",
    "tests/local/test_local_webhooks.py",
    "tests/concurrency/test_flashsale_model.py",
    "tests/infra/test_infra_package_bytecode.py",
)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under `make test` (pytest-xdist, `--dist loadgroup`) a module's tests run on one worker, so a module's
    fixtures are built once, and so do the whole browser layer's, so one worker starts its stack and chromium once.
    The longest groups go out first (`--no-loadscope-reorder` keeps this order).

    This runs in each worker, where xdist has set `dist` to "no" and `loadgroup` to true, and before xdist's own
    hook (`tryfirst`), which reads the groups' marks into the test ids the controller hands out."""
    if not getattr(config.option, "loadgroup", False):
        return
    groups: dict[str, str] = {}
    for item in items:
        path = item.path.relative_to(ROOT)
        group = "tests/browser" if path.parts[:2] == ("tests", "browser") else str(path)
        groups[item.nodeid] = group
        item.add_marker(pytest.mark.xdist_group(group))
    rank = {group: position for position, group in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(groups[item.nodeid], len(rank)))  # stable: the rest as collected


@pytest.fixture(scope="session")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The deployable stack, built once per run by `scripts/package.sh` (as `make package` builds it) for the infra
    layer and the quick benchmark: under pytest-xdist the first worker to need it builds it into the workers'
    common folder while the others wait."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # each worker's folder sits in the run's
    build = shared / "build"
    with (shared / "build.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = build / "built"  # written last: a build that failed is tried again
        if not done.exists():
            build.mkdir(exist_ok=True)
            _build(build)
            done.touch()
    return build / "package"


def _build(build: Path) -> None:
    env = {**os.environ, "BUILD_DIR": str(build), "BIN": str(Path(sys.executable).parent)}
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        env.pop(name, None)  # the script must bring its own dummy credentials
    done = subprocess.run(["scripts/package.sh"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def tables_and_queues() -> Iterator[None]:
    """This test's moto: the desk's tables and webhook queues, empty (tests/support/fresh_aws.py)."""
    with AWS.fresh():
        yield


@pytest.fixture
def api(tables_and_queues: None, clock: time_machine.Traveller) -> Iterator[Api]:
    from app import app

    with Client(app, stage_name="test", project_dir=str(ROOT)) as client:
        yield Api(client)


@pytest.fixture
def tok(clock: time_machine.Traveller) -> Tokens:
    return Tokens()


@pytest.fixture
def shop(api: Api, tok: Tokens) -> Shop:
    """The parties acting on this test's desk; orders placed now unless a test says otherwise."""
    return Shop(api, tok)


@pytest.fixture
def bus(tables_and_queues: None) -> Iterator[Bus]:
    """The stack's event bus and dead-letter queue in this test's moto, with a queue that keeps what the bus gets."""
    from tests.support.events import bus_and_dead_letters

    with bus_and_dead_letters() as events:
        yield events
