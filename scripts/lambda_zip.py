"""Rewrites `chalice package`'s deployment.zip into what a Lambda cold start should load.

`python scripts/lambda_zip.py PACKAGE_DIR` (PACKAGE_DIR holds sam.json and deployment.zip), run by
scripts/package.sh with the interpreter that ran `chalice package`:

- Bytecode: Lambda's code directory is read-only, so a package without `.pyc` files compiles every module
  it imports on every cold start. Each `.py` gets its `__pycache__/<name>.cpython-3XX.pyc`, compiled by this
  interpreter (which must be the template's Runtime) as an unchecked-hash pyc: the runtime loads it without
  looking at the source's time or content, so whatever times the files get when Lambda unpacks the zip do
  not matter. The recorded file names are `/var/task/...`, where Lambda unpacks the code.
- Files no function loads are dropped (see `dropped`).
- The zip is deterministic: entries sorted, every time 1980-01-01, one mode for every file. It replaces the
  original in place, so the template's `CodeUri: ./deployment.zip` stays valid (the template carries no
  hash of the zip).
"""

import compileall
import json
import os
import py_compile
import sys
import tempfile
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

TASK_ROOT = "/var/task"  # where Lambda unpacks a function's code
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip can hold, as `chalice package` writes it
FILE_MODE = 0o644
# botocore's service models: the functions reach AWS through PynamoDB (DynamoDB), the stream function's
# publisher (EventBridge, SQS), the webhook queues' client (SQS), the evidence files' client (S3) and the
# authorizer's usage keys (API Gateway's management API); a test checks that nothing else in chalicelib makes a
# client. The files directly under botocore/data (endpoints, partitions, retry and default settings) are read
# when any client is made and are kept.
BOTOCORE_SERVICES = frozenset({"apigateway", "dynamodb", "events", "sqs", "s3"})
# What a `*.dist-info` keeps: METADATA (importlib.metadata reads it) and the licence texts.
_DIST_INFO_KEPT = ("METADATA", "LICENSE", "LICENCE", "NOTICE", "COPYING", "AUTHORS")


def dropped(name: str) -> bool:
    """Whether a zip entry is left out of the package: nothing the functions import or read at run time."""
    path = PurePosixPath(name)
    parts = path.parts
    if parts[0].endswith(".data"):  # a wheel's scripts and headers, installed outside site-packages
        return True
    if parts[0].endswith(".dist-info"):
        # RECORD, WHEEL, top_level.txt, entry_points.txt, SBOMs: installers' bookkeeping.
        return not (parts[1] == "licenses" or path.name.upper().startswith(_DIST_INFO_KEPT))
    if parts[:2] == ("botocore", "data") and len(parts) > 3:
        # botocore/data/<service>/<api version>/<file>; examples-1.json only feeds botocore's docs.
        return parts[2] not in BOTOCORE_SERVICES or path.name == "examples-1.json"
    # Type stubs and markers are for type checkers; C headers for compiling extensions.
    return path.suffix in {".pyi", ".h"} or path.name == "py.typed"


def runtime_of(stack: dict[str, Any]) -> str:
    """The one Python runtime of the stack's functions, checking that they all run this zip."""
    functions = [r["Properties"] for r in stack["Resources"].values() if r["Type"] == "AWS::Serverless::Function"]
    runtimes = {f["Runtime"] for f in functions}
    uris = {f["CodeUri"] for f in functions}
    if len(runtimes) != 1 or uris != {"./deployment.zip"}:
        raise SystemExit(f"expected one runtime and CodeUri ./deployment.zip, got {runtimes} and {uris}")
    return str(runtimes.pop())


def compile_tree(root: Path) -> None:
    ok = compileall.compile_dir(root, ddir=TASK_ROOT, quiet=1, workers=0,
                                invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
    if not ok:
        raise SystemExit("some modules of the package do not compile")


def write_zip(root: Path, target: Path) -> int:
    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in files:
            entry = zipfile.ZipInfo(name, ZIP_TIME)
            entry.create_system = 3  # Unix, so that the mode below is the one Lambda sees
            entry.external_attr = (0o100000 | FILE_MODE) << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, (root / name).read_bytes())
    return len(files)


def rewrite(package: Path) -> dict[str, int]:
    runtime = runtime_of(json.loads((package / "sam.json").read_text()))
    here = f"python{sys.version_info.major}.{sys.version_info.minor}"
    if runtime != here:
        raise SystemExit(f"the template's Runtime is {runtime} but this interpreter is {here}: its bytecode "
                         "would not load")
    code = package / "deployment.zip"
    with tempfile.TemporaryDirectory(prefix="lambda-zip-") as scratch:
        root = Path(scratch) / "task"
        with zipfile.ZipFile(code) as original:
            names = original.namelist()
            files = [n for n in names if not n.endswith("/") and "__pycache__" not in n]  # compiled afresh
            kept = [n for n in files if not dropped(n)]
            original.extractall(root, kept)
        compile_tree(root)
        # Written beside the original, then renamed over it: a new file, never a write into one `chalice`
        # may share with its cache.
        rewritten = package / ".deployment.zip.partial"
        entries = write_zip(root, rewritten)
        before = code.stat().st_size
        os.replace(rewritten, code)
    return {"before_bytes": before, "after_bytes": code.stat().st_size, "entries_before": len(files),
            "dropped": len(files) - len(kept), "entries_after": entries,
            "sources": sum(n.endswith(".py") for n in kept)}


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    figures = rewrite(Path(argv[0]))
    mb = 1024 * 1024
    print(f"deployment.zip: {figures['before_bytes'] / mb:.1f} MB -> {figures['after_bytes'] / mb:.1f} MB; "
          f"{figures['dropped']} of {figures['entries_before']} files dropped, {figures['sources']} modules "
          f"compiled to unchecked-hash bytecode for {sys.implementation.cache_tag}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
