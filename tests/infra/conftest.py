"""The deployable stack, built once per run by `scripts/package.sh` (as `make package` builds it): under
pytest-xdist the first worker to need it builds it into the workers' common folder while the others wait."""

import fcntl
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
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
