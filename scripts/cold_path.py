"""The modules each Lambda function's Handler loads at a cold start, as listed in tests/infra/cold_path.txt.

    .venv/bin/python -m scripts.cold_path --write           # builds the package, rewrites the list
    .venv/bin/python -m scripts.cold_path --write --package build/package   # from a package already built

Each Handler of the template (sam.json) is imported by name from the unzipped deployment.zip in a fresh
interpreter started the Lambda way (the package first on `sys.path`, no site-packages, no bytecode written);
the list holds every module that import loads from the package: the app's own and those of the libraries it
ships. The standard library is left out: which of its modules load differs between Python versions, while
the package's own modules follow requirements.txt. tests/infra/test_infra_cold_path.py compares the list
with a fresh import, by names, not times (the times are in `python -m bench --only coldstart`).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LIST = ROOT / "tests" / "infra" / "cold_path.txt"
WRITE = ".venv/bin/python -m scripts.cold_path --write"

_HEADER = f"""\
# The modules each Lambda function's Handler loads at a cold start from the built package: the app's own and
# those of the libraries it ships (the standard library is left out). One section per Handler of the template.
# tests/infra/test_infra_cold_path.py fails when a module joins or leaves a section. After a deliberate change:
#   {WRITE}
"""

# Runs in the fresh interpreter: imports the handler as the runtime does and prints what came from the package.
_PROBE = """
import importlib, json, sys
from pathlib import Path
root = Path(sys.argv[1]).resolve()
sys.path.insert(0, str(root))
module, attribute = sys.argv[2].rsplit(".", 1)
getattr(importlib.import_module(module), attribute)
for then in sys.argv[3:]:
    importlib.import_module(then)
files = {name: getattr(m, "__file__", None) for name, m in list(sys.modules.items())}
print(json.dumps(sorted(n for n, f in files.items() if f and Path(f).resolve().is_relative_to(root))))
"""


def handlers(package: Path) -> list[str]:
    """Every function's Handler in the template, e.g. `app.app`, `chalicelib.api.auth.jwt_authorizer`."""
    resources: dict[str, Any] = json.loads((package / "sam.json").read_text())["Resources"]
    return sorted({r["Properties"]["Handler"] for r in resources.values()
                   if r["Type"] == "AWS::Serverless::Function"})


def loaded(task_root: Path, handler: str, *then: str) -> list[str]:
    """The package's modules a fresh interpreter has loaded once `handler` is imported from `task_root` (and then
    the modules `then` names, as a first request would import them)."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "en_US.UTF-8", "TZ": ":UTC",
           "PYTHONDONTWRITEBYTECODE": "1", "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1"}
    done = subprocess.run([sys.executable, "-P", "-S", "-c", _PROBE, str(task_root), handler, *then], cwd=task_root,
                          env=env, capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"importing {handler} failed:\n{done.stderr[-3000:]}")
    modules: list[str] = json.loads(done.stdout)
    return modules


def measure(package: Path, task_root: Path) -> dict[str, list[str]]:
    """Each Handler's cold-path modules; `task_root` holds the package's deployment.zip unzipped."""
    return {handler: loaded(task_root, handler) for handler in handlers(package)}


def render(sections: dict[str, list[str]]) -> str:
    return _HEADER + "".join(f"\n[{handler}]\n" + "".join(f"{m}\n" for m in modules)
                             for handler, modules in sorted(sections.items()))


def parse(text: str) -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
        elif current is None:
            raise ValueError(f"a module outside any [handler] section: {line!r}")
        else:
            current.append(line)
    return sections


def differences(listed: dict[str, list[str]], found: dict[str, list[str]]) -> list[str]:
    """One line per handler or module that is on one side only; empty when the list is true."""
    lines = [f"{h}: a Handler of the template with no section in the list" for h in sorted(set(found) - set(listed))]
    lines += [f"{h}: a section for no Handler of the template" for h in sorted(set(listed) - set(found))]
    for handler in sorted(set(found) & set(listed)):
        now, before = set(found[handler]), set(listed[handler])
        lines += [f"{handler}: {m} joined the cold path (unlisted)" for m in sorted(now - before)]
        lines += [f"{handler}: {m} left the cold path (still listed)" for m in sorted(before - now)]
    return lines


def unzip(package: Path, where: Path) -> Path:
    with zipfile.ZipFile(package / "deployment.zip") as archive:
        archive.extractall(where)
    return where


def build(scratch: Path) -> Path:
    """The package as `make package` builds it, into `scratch`."""
    env = os.environ | {"BUILD_DIR": str(scratch / "build"), "BIN": str(Path(sys.executable).parent)}
    done = subprocess.run(["scripts/package.sh"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise SystemExit(f"scripts/package.sh failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return scratch / "build" / "package"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.cold_path", description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help=f"rewrite {LIST.relative_to(ROOT)}")
    parser.add_argument("--package", type=Path, help="a built package (sam.json, deployment.zip); default: build one")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="cold-path-") as scratch:
        package = args.package or build(Path(scratch))
        found = measure(package, unzip(package, Path(scratch) / "task"))
    changes = differences(parse(LIST.read_text()) if LIST.exists() else {}, found)
    for line in changes:
        print(line)
    print(", ".join(f"{h}: {len(m)} modules" for h, m in found.items()))
    if args.write:
        LIST.write_text(render(found))
        print(f"wrote {LIST.relative_to(ROOT)}")
        return 0
    return 1 if changes else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
