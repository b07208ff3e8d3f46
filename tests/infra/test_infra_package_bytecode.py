"""The code package as Lambda loads it: bytecode for every module, nothing compiled or written at a cold start.

Each function runs from the unzipped deployment.zip the way the runtime runs it (tests/infra/lambda_probe.py):
its own directory first on `sys.path`, no site-packages, no bytecode written, the directory read-only (which
binds only a non-root user; the file listing is compared too), the template's Handler imported by name and
called with an event. DynamoDB and the identity provider's JWKS are a local HTTP server.
"""

import ast
import importlib.util
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from devtools.stand_in_aws import StandInAws, stand_in_aws
from infra import policies, template

ROOT = Path(__file__).resolve().parents[2]
PROBE = Path(__file__).with_name("lambda_probe.py")
TAG = sys.implementation.cache_tag  # e.g. cpython-313; the template's Runtime is this Python (test_infra_package)
ISSUER, AUDIENCE = "https://id.example.test", "cancellation-desk"
FUNCTIONS = {policies.API_HANDLER: template.API_FUNCTION, policies.AUTHORIZER: template.AUTHORIZER_FUNCTION,
             policies.EXPIRY: template.EXPIRY_FUNCTION}


@pytest.fixture(scope="module")
def aws() -> Iterator[StandInAws]:
    with stand_in_aws() as stand_in:
        yield stand_in


@pytest.fixture(scope="module")
def task_root(package: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The zip unpacked as Lambda unpacks it, sources stamped newer than their bytecode, then made read-only."""
    root = tmp_path_factory.mktemp("task")
    with zipfile.ZipFile(package / "deployment.zip") as archive:
        archive.extractall(root)
    now = time.time() + 3600
    for path in root.rglob("*.py"):
        os.utime(path, (now, now))  # an mtime-checked .pyc would now be stale
    for path in (root, *root.rglob("*")):
        path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    yield root
    for path in (root, *root.rglob("*")):
        path.chmod(path.stat().st_mode | stat.S_IWUSR)


def listing(root: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(root).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns) for p in root.rglob("*")}


@dataclass(frozen=True)
class Run:
    answers: list[Any]
    modules: dict[str, str]
    from_source: list[str]  # modules of the package the interpreter compiled from their .py
    from_bytecode: list[str]
    dynamodb_calls: list[str]  # the operations the fake DynamoDB answered


def run_function(task_root: Path, handler: str, events: list[Any], aws: StandInAws) -> Run:
    aws.targets.clear()
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "en_US.UTF-8", "TZ": ":UTC",
           "PYTHONDONTWRITEBYTECODE": "1", "LAMBDA_TASK_ROOT": str(task_root), "AWS_REGION": "us-east-1",
           "AWS_DEFAULT_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "probe", "AWS_SECRET_ACCESS_KEY": "probe",
           "AWS_SESSION_TOKEN": "probe", "AWS_ENDPOINT_URL_DYNAMODB": aws.url, "AWS_LAMBDA_FUNCTION_NAME": handler,
           # The prod stage's settings (the stack provides them; see test_infra_package).
           "AUTH_MODE": "jwks", "AUTH_ISSUER": ISSUER, "AUTH_AUDIENCE": AUDIENCE,
           "AUTH_JWKS_URL": f"{aws.url}/.well-known/jwks.json", "CURSOR_SECRET": "probe-cursor-secret-0123456789"}
    done = subprocess.run([sys.executable, "-P", "-S", "-v", str(PROBE), str(task_root), handler, json.dumps(events)],
                          cwd=task_root, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-5000:]
    out = json.loads(done.stdout.splitlines()[-1])
    # `-v` says where each module's code came from: "code object from '<...>.pyc'" when the bytecode was used,
    # "code object from <...>.py" when the source was compiled.
    loaded = re.findall(r"^# code object from '?(.+?)'?$", done.stderr, re.MULTILINE)
    inside = [p for p in loaded if Path(p).is_relative_to(task_root)]
    return Run(out["answers"], out["modules"], [p for p in inside if p.endswith(".py")],
               [p for p in inside if p.endswith(".pyc")], list(aws.targets))


def rest_event(path: str, authorizer: dict[str, str] | None = None) -> dict[str, Any]:
    return {"resource": path, "path": path, "httpMethod": "GET", "headers": {"Accept": "application/json"},
            "multiValueHeaders": {}, "queryStringParameters": None, "multiValueQueryStringParameters": None,
            "pathParameters": None, "stageVariables": None, "body": None, "isBase64Encoded": False,
            "requestContext": {"resourcePath": path, "httpMethod": "GET", "path": f"/api{path}", "stage": "api",
                               "apiId": "probe", "authorizer": authorizer or {}}}


@pytest.fixture(scope="module")
def runs(package: Path, task_root: Path, aws: StandInAws) -> Iterator[dict[str, Run]]:
    """Each function once, in its own process, with the events it gets in the stack."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key())) | {"kid": "k1", "use": "sig",
                                                                             "alg": "RS256"}
    aws.jwks["keys"] = [jwk]
    token = jwt.encode({"sub": "u1", "role": "seller", "seller_id": "S1", "iss": ISSUER, "aud": AUDIENCE,
                        "exp": int(time.time()) + 600}, key, algorithm="RS256", headers={"kid": "k1"})
    seller = {"principalId": "u1", "sub": "u1", "role": "seller", "seller_id": "S1", "buyer_id": "",
              "expires_at": str(int(time.time()) + 600)}
    events: dict[str, list[Any]] = {
        policies.API_HANDLER: [rest_event("/openapi.json"), rest_event("/seller/orders", seller)],
        policies.AUTHORIZER: [{"type": "TOKEN", "authorizationToken": f"Bearer {token}",
                               "methodArn": "arn:aws:execute-api:us-east-1:123456789012:probe/api/GET/seller/orders"}],
        policies.EXPIRY: [{"version": "0", "id": "probe", "detail-type": "Scheduled Event", "source": "aws.events",
                           "account": "123456789012", "time": "2030-01-01T00:00:00Z", "region": "us-east-1",
                           "resources": [], "detail": {}}],
    }
    resources = json.loads((package / "sam.json").read_text())["Resources"]
    before = listing(task_root)
    out = {function: run_function(task_root, resources[logical]["Properties"]["Handler"], events[function], aws)
           for function, logical in FUNCTIONS.items()}
    assert listing(task_root) == before  # no file written, none touched
    yield out


def test_every_function_answers_from_the_unzipped_package(runs: dict[str, Run]) -> None:
    openapi, orders = runs[policies.API_HANDLER].answers
    assert openapi["statusCode"] == 200 and json.loads(openapi["body"])["openapi"].startswith("3.1")
    assert orders["statusCode"] == 200, orders
    assert json.loads(orders["body"])["items"] == []
    assert "Query" in runs[policies.API_HANDLER].dynamodb_calls
    [answer] = runs[policies.AUTHORIZER].answers
    assert answer["principalId"] == "u1"  # the RS256 token was checked against the provider's JWKS
    assert answer["context"]["role"] == "seller" and answer["context"]["seller_id"] == "S1"
    assert runs[policies.AUTHORIZER].dynamodb_calls == []
    [report] = runs[policies.EXPIRY].answers
    assert report["due_seen"] == 0 and report["failed"] == 0
    assert "Query" in runs[policies.EXPIRY].dynamodb_calls


def test_every_module_the_functions_load_has_unchecked_hash_bytecode(runs: dict[str, Run]) -> None:
    loaded = {name: Path(path) for run in runs.values() for name, path in run.modules.items()}
    # The union covers the app, its lazily imported parts and the libraries under them.
    assert {"app", "chalicelib.api.auth", "chalicelib.jobs.expiry", "jwt", "cryptography.hazmat.primitives.hashes",
            "pynamodb.models", "botocore.client", "urllib3.connectionpool", "msgspec"} <= set(loaded)
    sources = {name: path for name, path in loaded.items() if path.suffix == ".py"}
    assert len(sources) > 250
    for name, source in sources.items():
        cached = Path(importlib.util.cache_from_source(str(source)))
        assert cached.parent.name == "__pycache__" and cached.name == f"{source.stem}.{TAG}.pyc", name
        header = cached.read_bytes()[:16]
        assert header[:4] == importlib.util.MAGIC_NUMBER, name
        assert int.from_bytes(header[4:8], "little") == 0b01, name  # hash-based, source never checked
        assert header[8:16] == importlib.util.source_hash(source.read_bytes()), name


def test_no_function_compiles_a_module_or_writes_bytecode_at_a_cold_start(runs: dict[str, Run],
                                                                         task_root: Path) -> None:
    for function, run in runs.items():
        assert run.from_source == [], function
        # Every module loaded from the package came from its .pyc, though each .py is newer than its .pyc (a few
        # more were loaded and dropped again: optional imports such as dateutil's Windows time zones).
        expected = {Path(importlib.util.cache_from_source(p)) for p in run.modules.values() if p.endswith(".py")}
        assert expected <= {Path(p) for p in run.from_bytecode}, function
    # No file appeared (the runs fixture compares the listing before and after); in particular no __pycache__
    # beyond the shipped ones.
    assert not [p for p in task_root.rglob("*.pyc") if not p.name.endswith(f".{TAG}.pyc")]


def bytecode_entry(source: str) -> str:
    """The zip entry of a source's bytecode, as `importlib.util.cache_from_source` names it."""
    path = PurePosixPath(source)
    return (path.parent / "__pycache__" / f"{path.stem}.{TAG}.pyc").as_posix().removeprefix("./")


def test_every_source_in_the_zip_ships_its_bytecode(package: Path) -> None:
    with zipfile.ZipFile(package / "deployment.zip") as archive:
        names = archive.namelist()
        sources = [n for n in names if n.endswith(".py")]
        compiled = {n for n in names if n.endswith(".pyc")}
        assert compiled == {bytecode_entry(n) for n in sources}  # one per source, none stale or for another Python
        for name in sources:
            header = archive.read(bytecode_entry(name))[:16]
            assert header[:4] == importlib.util.MAGIC_NUMBER, name
            assert int.from_bytes(header[4:8], "little") == 0b01, name
            assert header[8:16] == importlib.util.source_hash(archive.read(name)), name
        infos = archive.infolist()
    assert names == sorted(names)
    assert {(i.date_time, i.external_attr >> 16) for i in infos} == {((1980, 1, 1, 0, 0, 0), 0o100644)}


def test_the_package_leaves_out_what_no_function_loads(package: Path) -> None:
    with zipfile.ZipFile(package / "deployment.zip") as archive:
        names = archive.namelist()
        size = sum(i.file_size for i in archive.infolist())
    models = {PurePosixPath(n).parts[2] for n in names if n.startswith("botocore/data/") and n.count("/") > 2}
    assert models == {"apigateway", "dynamodb", "events", "sqs", "s3"}
    for kept in ("botocore/data/endpoints.json", "botocore/data/partitions.json", "botocore/data/_retry.json",
                 "botocore/data/dynamodb/2012-08-10/service-2.json.gz", "botocore/cacert.pem",
                 "botocore/data/apigateway/2015-07-09/service-2.json.gz",
                 "pynamodb-6.1.0.dist-info/METADATA", "cryptography/hazmat/bindings/_rust.abi3.so"):
        assert kept in names, kept
    assert not [n for n in names if n.endswith((".pyi", ".h", "/py.typed", "/RECORD", "/examples-1.json"))]
    assert not [n for n in names if n.split("/")[0].endswith(".data")]
    assert (package / "deployment.zip").stat().st_size < 10 * 1024 * 1024 and size < 32 * 1024 * 1024


def test_the_app_reaches_aws_only_through_pynamodb_and_its_three_clients() -> None:
    """The package keeps botocore's DynamoDB, EventBridge, SQS, S3 and API Gateway models alone
    (scripts/lambda_zip.py): a client for any other service would fail in Lambda only. So no module of the app
    imports boto3 (the package has none), and only the stream function's publisher (EventBridge, SQS), the webhook
    queues' module (SQS), the evidence objects' module (S3) and the authorizer's usage keys (API Gateway) import
    botocore."""
    publisher = ROOT / "chalicelib" / "events" / "publisher.py"
    queues = ROOT / "chalicelib" / "webhooks" / "queues.py"
    objects = ROOT / "chalicelib" / "store" / "evidence_objects.py"
    usage_keys = ROOT / "chalicelib" / "auth" / "usage_keys.py"
    for path in [ROOT / "app.py", *(ROOT / "chalicelib").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not [n for n in names if n.split(".")[0] == "boto3"], path
            if path not in (publisher, queues, objects, usage_keys):
                assert not [n for n in names if n.split(".")[0] == "botocore"], path
    services = set(re.findall(r'_client\("([a-z]+)"\)', publisher.read_text()))
    assert set(re.findall(r'create_client\("([a-z]+)"\)', queues.read_text())) == {"sqs"}
    assert set(re.findall(r'create_client\("([a-z]+)"\)', usage_keys.read_text())) == {"apigateway"}
    kept = re.search(r"BOTOCORE_SERVICES = frozenset\(\{(.*)\}\)", (ROOT / "scripts" / "lambda_zip.py").read_text())
    assert set(re.findall(r'create_client\(\s*"([a-z0-9]+)"', objects.read_text())) == {"s3"}
    assert services == {"events", "sqs"}
    assert services | {"dynamodb", "s3", "apigateway"} == set(re.findall(r'"([a-z0-9]+)"', kept.group(1)))


def test_rewriting_the_package_again_changes_no_byte(package: Path, tmp_path: Path) -> None:
    again = tmp_path / "package"
    shutil.copytree(package, again)
    done = subprocess.run([sys.executable, "scripts/lambda_zip.py", str(again)], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert (again / "deployment.zip").read_bytes() == (package / "deployment.zip").read_bytes()
