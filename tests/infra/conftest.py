"""The deployable stack, built once per session by `scripts/package.sh` (as `make package` builds it)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    build = tmp_path_factory.mktemp("build")
    env = {**os.environ, "BUILD_DIR": str(build), "BIN": str(Path(sys.executable).parent)}
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        env.pop(name, None)  # the script must bring its own dummy credentials
    done = subprocess.run(["scripts/package.sh"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return build / "package"
