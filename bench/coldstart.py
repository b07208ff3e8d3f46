"""Cold start as Lambda runs it: `import app` against a bare `import chalice, pynamodb.models`, both from the
deployment package as built (`make package`), unzipped.

Each sample is one new Python process started the Lambda way: the unzipped package first on `sys.path`, no
site-packages (`-S`: the dev venv stays out), no bytecode written (`PYTHONDONTWRITEBYTECODE`), the directory
read-only. The process times only its import statement (interpreter start-up is the same for every
statement and left out), by the wall clock and by its CPU time (steadier on a busy machine).

Bytecode: `with` is the package as built (scripts/lambda_zip.py compiles every module in); `without` is the
same files minus their `__pycache__`, as `chalice package` alone ships them, so that every cold start compiles
each module it imports. Samples alternate over every case so machine noise hits all alike; figures are medians.

Up to the first answer: `import app` defers each route family's work to its first request, so the bench also
times `import app` followed by what the first request of a few routes imports (bench/first_request.py finds it
by serving that request from the package), against the same bare import.

The package: the zip `BENCH_PACKAGE_ZIP` names (the test suite's run-wide build, made from the same tree), else
build/package/deployment.zip when it is newer than everything it is made from, else one built into a temporary
directory by scripts/package.sh (seconds; pip's cache keeps the locked wheels).
"""

import compileall
import json
import os
import py_compile
import re
import stat
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.first_request import FirstRequest, first_requests

ROOT = Path(__file__).resolve().parent.parent
BUILT = ROOT / "build" / "package" / "deployment.zip"
# What the zip is made from: a build older than any of these is stale.
INPUTS = ("app.py", "chalicelib", "requirements.txt", ".chalice/config.json", "scripts/package.sh",
          "scripts/locked_wheels.py", "scripts/lambda_zip.py")

BARE = "import chalice, pynamodb.models"
APP = "import app"
# Each other function's Handler module (the template's Handler without its attribute; the API's is app.app):
# the authorizer, the expiry job, the events stream, the two webhook functions (one module).
AUTHORIZER = "import chalicelib.api.auth"
EXPIRY = "import chalicelib.jobs.schedule"
STREAM = "import chalicelib.events.stream"
WEBHOOKS = "import chalicelib.webhooks.functions"
HANDLERS = (AUTHORIZER, EXPIRY, STREAM, WEBHOOKS)
# Where `import app` spends its own time, by `-X importtime` (the modules the bare import does not load).
LAYERS = ("chalicelib.domain", "chalicelib.store", "chalicelib.service", "chalicelib.events", "chalicelib.api",
          "chalicelib", "msgspec", "app")

_PROBE = """
import sys, time
sys.path.insert(0, {root!r})
loaded = len(sys.modules)
wall, cpu = time.perf_counter(), time.process_time()
{statement}
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
print(wall * 1000, cpu * 1000, int('jwt' in sys.modules), len(sys.modules) - loaded)
"""


@dataclass(frozen=True, slots=True)
class Package:
    zip: Path
    build_seconds: float | None  # None: an up-to-date build/package was measured
    zip_bytes: int
    sources: int
    bytecode: int


@dataclass(frozen=True, slots=True)
class Median:
    statement: str
    bytecode: bool
    wall_ms: float
    cpu_ms: float
    jwt_loaded: bool
    modules: int  # the modules the statement loaded (the standard library's included)


@dataclass(frozen=True, slots=True)
class ModuleTime:
    """One module `import app` loads beyond the bare import: its own import time (`-X importtime` "self"),
    median over the runs."""

    name: str
    self_ms: float


@dataclass(frozen=True, slots=True)
class ColdStart:
    bare_ms: float
    app_ms: float
    bare_cpu_ms: float
    app_cpu_ms: float
    runs: int
    compiled: bool  # the package's bytecode was there
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


@dataclass(frozen=True, slots=True)
class UpToFirstAnswer:
    """`import app` and then what one route's first request imports, with bytecode: the cold start up to that
    route's first answer, but for the request's own work (the same before and after any import placement)."""

    first: FirstRequest
    wall_ms: float
    cpu_ms: float
    modules: int  # the modules `import app` and the request's imports load together


@dataclass(frozen=True, slots=True)
class Figures:
    package: Package
    rows: list[ColdStart]  # with bytecode, then without
    first_answers: list[UpToFirstAnswer]
    handlers: list[Median]  # each function's Handler module, with bytecode (empty in quick mode)
    side_effects: dict[str, list[str]]
    own: list[ModuleTime]  # the app's own modules by `-X importtime`, most costly first (empty in quick mode)

    def by_layer(self) -> list[tuple[str, int, float]]:
        """(layer, modules, self ms) for each of LAYERS, a module counted in the first layer it starts with."""
        rows = {layer: (0, 0.0) for layer in LAYERS} | {"other": (0, 0.0)}
        for module in self.own:
            layer = next((name for name in LAYERS if module.name == name or module.name.startswith(f"{name}.")),
                         "other")
            count, ms = rows[layer]
            rows[layer] = (count + 1, ms + module.self_ms)
        return [(layer, count, ms) for layer, (count, ms) in rows.items() if count]

    @property
    def as_chalice_ships_it(self) -> float:
        """`import app` without bytecode against the bare import with it (the figure before the package had
        its bytecode)."""
        return self.rows[1].app_ms / self.rows[0].bare_ms


def lambda_env() -> dict[str, str]:
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "en_US.UTF-8", "TZ": ":UTC",
            "PYTHONDONTWRITEBYTECODE": "1"}


def lambda_python(root: Path, code: str) -> str:
    """Runs `code` in a fresh interpreter the way Lambda runs a function from `root`; returns its stdout."""
    return subprocess.run([sys.executable, "-P", "-S", "-c", code], cwd=root, env=lambda_env(), capture_output=True,
                          text=True, check=True, timeout=120).stdout


def _newest_input() -> float:
    newest = 0.0
    for name in INPUTS:
        path = ROOT / name
        for each in [path, *path.rglob("*")] if path.is_dir() else [path]:
            if each.is_file() and "__pycache__" not in each.parts:
                newest = max(newest, each.stat().st_mtime)
    return newest


def package_zip(scratch: Path) -> tuple[Path, float | None]:
    given = os.environ.get("BENCH_PACKAGE_ZIP")
    if given:
        return Path(given), None
    if BUILT.exists() and BUILT.stat().st_mtime >= _newest_input():
        return BUILT, None
    build = scratch / "build"
    env = os.environ | {"BUILD_DIR": str(build), "BIN": str(Path(sys.executable).parent)}
    started = time.perf_counter()
    done = subprocess.run(["scripts/package.sh"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"scripts/package.sh failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return build / "package" / "deployment.zip", time.perf_counter() - started


def _set_writable(root: Path, writable: bool) -> None:
    for path in (root, *root.rglob("*")):
        mode = path.stat().st_mode
        path.chmod(mode | stat.S_IWUSR if writable else mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


@contextmanager
def unzipped(archive: zipfile.ZipFile, where: Path, bytecode: bool) -> Iterator[Path]:
    names = [n for n in archive.namelist() if bytecode or "__pycache__" not in n]
    archive.extractall(where, names)
    _set_writable(where, False)  # Lambda's /var/task is read-only
    try:
        yield where
    finally:
        _set_writable(where, True)


def _sample(statement: str, root: Path) -> tuple[float, float, bool, int]:
    out = lambda_python(root, _PROBE.format(root=str(root), statement=statement)).split()
    return float(out[0]), float(out[1]), out[2] == "1", int(out[3])


def sample(cases: list[tuple[str, bool]], trees: dict[bool, Path], runs: int) -> list[Median]:
    """Medians of each (statement, bytecode) case, sampled in turn `runs` times; each round starts one case
    later, so that no case always follows the same one."""
    samples: dict[tuple[str, bool], list[tuple[float, float, bool, int]]] = {case: [] for case in cases}
    for round_ in range(runs):
        shift = round_ % len(cases)
        for statement, bytecode in cases[shift:] + cases[:shift]:
            samples[statement, bytecode].append(_sample(statement, trees[bytecode]))
    return [Median(statement, bytecode, statistics.median(w for w, _, _, _ in got),
                   statistics.median(c for _, c, _, _ in got), any(j for _, _, j, _ in got),
                   max(m for _, _, _, m in got))
            for (statement, bytecode), got in samples.items()]


_IMPORT_TIME = re.compile(r"^import time:\s+(\d+) \|\s+\d+ \|\s*(\S+)$", re.MULTILINE)


def _import_times(root: Path, statement: str) -> dict[str, int]:
    """Each module's own import time in µs, as `python -X importtime` reports it on stderr."""
    done = subprocess.run([sys.executable, "-P", "-S", "-X", "importtime", "-c",
                           f"import sys; sys.path.insert(0, {str(root)!r}); {statement}"], cwd=root,
                          env=lambda_env(), capture_output=True, text=True, check=True, timeout=120)
    return {name: int(us) for us, name in _IMPORT_TIME.findall(done.stderr)}


def own_modules(root: Path, runs: int) -> list[ModuleTime]:
    """The modules `import app` loads beyond the bare import, each with its median own time over `runs`."""
    bare = set(_import_times(root, BARE))
    samples: dict[str, list[int]] = {}
    for _ in range(runs):
        for name, us in _import_times(root, f"{BARE}; {APP}").items():
            if name not in bare:
                samples.setdefault(name, []).append(us)
    times = [ModuleTime(name, statistics.median(got) / 1000) for name, got in samples.items()]
    return sorted(times, key=lambda m: (-m.self_ms, m.name))


def measure(runs: int = 7, handlers: bool = True) -> Figures:
    with tempfile.TemporaryDirectory(prefix="bench-coldstart-") as scratch:
        path, build_seconds = package_zip(Path(scratch))
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            package = Package(path, build_seconds, path.stat().st_size, sum(n.endswith(".py") for n in names),
                              sum(n.endswith(".pyc") for n in names))
            with unzipped(archive, Path(scratch) / "with", True) as compiled, \
                    unzipped(archive, Path(scratch) / "without", False) as plain:
                trees = {True: compiled, False: plain}
                own = own_modules(compiled, runs) if handlers else []
                empty = empty_modules(Path(scratch) / "empty", len(own)) if handlers else ""
                firsts = first_requests(compiled)
                cases = [(BARE, True), (APP, True), (BARE, False), (APP, False)]
                cases += [(statement, True) for statement in (*HANDLERS, empty)] if handlers else []
                # Two routes whose first requests import the same modules are one case.
                cases += list(dict.fromkeys((first.statement, True) for first in firsts))
                medians = {(m.statement, m.bytecode): m for m in sample(cases, trees, runs)}
                effects = import_side_effects(compiled)
    rows = [ColdStart(medians[BARE, b].wall_ms, medians[APP, b].wall_ms, medians[BARE, b].cpu_ms,
                      medians[APP, b].cpu_ms, runs, b, medians[APP, b].jwt_loaded) for b in (True, False)]
    answers = [UpToFirstAnswer(first, medians[first.statement, True].wall_ms, medians[first.statement, True].cpu_ms,
                               medians[first.statement, True].modules) for first in firsts]
    return Figures(package, rows, answers, [medians[s, True] for s in (BARE, APP, *HANDLERS, empty) if handlers],
                   effects, own)


def empty_modules(where: Path, count: int) -> str:
    """A statement importing `count` one-line modules with unchecked-hash bytecode: what the import system
    alone costs for as many modules as the app's own."""
    package = where / "empty"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    for n in range(1, count):
        (package / f"m{n}.py").write_text(f"N = {n}\n")
    compileall.compile_dir(package, quiet=1, invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
    return (f"sys.path.insert(0, {str(where)!r}); import " + ", ".join(["empty"] + [f"empty.m{n}" for n in
                                                                                    range(1, count)]))


_SIDE_EFFECTS = """
import json, sys
sys.path.insert(0, {root!r})
opened = []

def hook(event, args):
    if event == "open" and isinstance(args[0], str) and not args[0].endswith((".py", ".pyc", ".so")) \\
            and "__pycache__" not in args[0] and not args[0].endswith("/"):
        opened.append(args[0])

import chalice, pynamodb.models
sys.addaudithook(hook)
import app
from chalicelib.store import models, transactions
clients = [m.__name__ for m in models.MODELS if m._connection is not None]
clients += ["transactions"] if transactions._connection is not None else []
print(json.dumps({{"files_opened": opened, "connections": clients}}))
"""


def import_side_effects(root: Path) -> dict[str, list[str]]:
    """What `import app` does beyond defining modules: files it opens and DynamoDB connections it makes."""
    effects: dict[str, list[str]] = json.loads(lambda_python(root, _SIDE_EFFECTS.format(root=str(root))))
    return effects
