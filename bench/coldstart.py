"""Cold start: `import app` in a fresh interpreter against a bare `import chalice, pynamodb.models`.

Each sample is one new Python process that times only its import statement (interpreter start-up is the
same for both and left out), by the wall clock and by the process's CPU time (steadier on a busy machine).
Samples alternate between the two statements so machine noise hits both alike; the figures are medians.

Bytecode: `cached` imports everything from `.pyc` files in a private cache (warmed once), the steady state of
a package shipped with its bytecode. `compiled at import` runs a copy of app.py and chalicelib/ that has no
`.pyc` (libraries keep theirs), as in a package built without them: then each app module is compiled first.
"""

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BARE = "import chalice, pynamodb.models"
APP = "import app"

_PROBE = """
import time
wall, cpu = time.perf_counter(), time.process_time()
{statement}
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
import sys
print(wall * 1000, cpu * 1000, int('jwt' in sys.modules))
"""


@dataclass(frozen=True, slots=True)
class ColdStart:
    bare_ms: float
    app_ms: float
    bare_cpu_ms: float
    app_cpu_ms: float
    runs: int
    compiled: bool
    jwt_loaded: bool

    @property
    def ratio(self) -> float:
        return self.app_ms / self.bare_ms

    @property
    def cpu_ratio(self) -> float:
        return self.app_cpu_ms / self.bare_cpu_ms

    @property
    def own_ms(self) -> float:
        return self.app_ms - self.bare_ms


def _sample(statement: str, env: dict[str, str], cwd: Path) -> tuple[float, float, bool]:
    out = subprocess.run([sys.executable, "-c", _PROBE.format(statement=statement)], cwd=cwd, env=env,
                         capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), float(out[1]), out[2] == "1"


def measure(runs: int = 15, compiled: bool = True) -> ColdStart:
    with tempfile.TemporaryDirectory(prefix="bench-coldstart-") as scratch:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("AWS_", "PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX"))}
        if compiled:
            where = ROOT
            env["PYTHONPYCACHEPREFIX"] = str(Path(scratch) / "pyc")
            _sample(APP, env | {"PYTHONPATH": str(where)}, where)  # fills the private cache for both
        else:
            where = Path(scratch) / "app"
            shutil.copytree(ROOT / "chalicelib", where / "chalicelib",
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
            shutil.copy2(ROOT / "app.py", where / "app.py")
            env["PYTHONDONTWRITEBYTECODE"] = "1"
        env["PYTHONPATH"] = str(where)
        bare: list[tuple[float, float]] = []
        app: list[tuple[float, float]] = []
        jwt_loaded = False
        for _ in range(runs):
            wall, cpu, _ = _sample(BARE, env, where)
            bare.append((wall, cpu))
            wall, cpu, loaded = _sample(APP, env, where)
            app.append((wall, cpu))
            jwt_loaded |= loaded
    return ColdStart(statistics.median(w for w, _ in bare), statistics.median(w for w, _ in app),
                     statistics.median(c for _, c in bare), statistics.median(c for _, c in app), runs, compiled,
                     jwt_loaded)


_SIDE_EFFECTS = """
import json, sys
opened = []

def hook(event, args):
    if event == "open" and isinstance(args[0], str) and not args[0].endswith((".py", ".pyc", ".so")) \\
            and "__pycache__" not in args[0] and not args[0].endswith(("/", "site-packages")):
        opened.append(args[0])

import chalice, pynamodb.models
sys.addaudithook(hook)
import app
from chalicelib.store import models, transactions
clients = [m.__name__ for m in models.MODELS if m._connection is not None]
clients += ["transactions"] if transactions._connection is not None else []
print(json.dumps({"files_opened": opened, "connections": clients}))
"""


def import_side_effects() -> dict[str, list[str]]:
    """What `import app` does beyond defining modules: files it opens and DynamoDB connections it makes."""
    import json

    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")} | {"PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", _SIDE_EFFECTS], cwd=ROOT, env=env, capture_output=True, text=True,
                         check=True).stdout
    return json.loads(out)
