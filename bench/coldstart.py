"""Cold start: `import app` in a fresh interpreter against a bare `import chalice, pynamodb.models`.

Each sample is one new Python process that times only its import statement (interpreter start-up is the
same for both and left out). Samples alternate between the two so machine noise hits both alike; the
figure is the median. Bytecode is cached in a private directory (warmed once) unless `compiled=False`,
which measures a package shipped without `.pyc` files: then every module of the app is compiled at import.
"""

import os
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
started = time.perf_counter()
{statement}
elapsed = time.perf_counter() - started
import sys
print(elapsed * 1000, int('jwt' in sys.modules), int('cryptography' in sys.modules))
"""


@dataclass(frozen=True, slots=True)
class ColdStart:
    bare_ms: float
    app_ms: float
    runs: int
    compiled: bool
    jwt_loaded: bool

    @property
    def ratio(self) -> float:
        return self.app_ms / self.bare_ms

    @property
    def own_ms(self) -> float:
        return self.app_ms - self.bare_ms


def _sample(statement: str, env: dict[str, str]) -> tuple[float, bool]:
    out = subprocess.run([sys.executable, "-c", _PROBE.format(statement=statement)], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), out[1] == "1"


def measure(runs: int = 15, compiled: bool = True) -> ColdStart:
    with tempfile.TemporaryDirectory(prefix="bench-pyc-") as cache:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PYTHONDONTWRITEBYTECODE"))}
        env["PYTHONPATH"] = str(ROOT)
        if compiled:
            env["PYTHONPYCACHEPREFIX"] = cache
            _sample(APP, env)  # fills the private bytecode cache for both statements
        else:
            # Libraries keep the bytecode pip compiled for them; the app's modules are compiled each time.
            env["PYTHONDONTWRITEBYTECODE"] = "1"
            env.pop("PYTHONPYCACHEPREFIX", None)
        bare, app, jwt_loaded = [], [], False
        for _ in range(runs):
            bare.append(_sample(BARE, env)[0])
            ms, loaded = _sample(APP, env)
            app.append(ms)
            jwt_loaded |= loaded
    return ColdStart(statistics.median(bare), statistics.median(app), runs, compiled, jwt_loaded)


if __name__ == "__main__":
    for compiled in (True, False):
        result = measure(15, compiled)
        print(f"compiled={compiled} bare={result.bare_ms:.1f}ms app={result.app_ms:.1f}ms "
              f"ratio={result.ratio:.3f} own={result.own_ms:.1f}ms jwt_loaded={result.jwt_loaded}")
