"""What a cold start loads up to its first answer: `import app`, then what the first request of a route imports.

Each route's first request is served once the way Lambda serves it (a fresh interpreter, the unzipped package
first on `sys.path`, no site-packages), against a stand-in DynamoDB on loopback that finds nothing on a read
and accepts every write; the modules the request added to `sys.modules` beyond `import app` are that route's
first-request imports. `bench.coldstart` then times `import app` followed by importing exactly those modules, beside
the bare import, so that moving a module from `import app` into the first request shows as what it is: the same
cost, paid later, by the routes that need it.

The order matters (the same modules imported in another order cost measurably more or less), so the statement
imports them as the request does: first what the route's wrapper and its view import (`serving`, the family's
`*_views`), which pulls in most of the rest, then each remaining module by name, in the order its import began.
"""

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from devtools.order_bodies import order_body
from devtools.stand_in_aws import stand_in_aws


@dataclass(frozen=True, slots=True)
class Route:
    label: str
    method: str
    path: str  # as requested
    resource: str  # as declared
    role: str | None  # None: an open route, no authorizer
    body: dict[str, Any] | None = None


# A read and a write of the seller's family (a write that finds nothing: 404, the whole POST pipeline without
# the commit), a write that commits (the platform's order: the state change and its event), and an open route that
# reads no table.
ROUTES = (
    Route("GET /seller/cancellations", "GET", "/seller/cancellations", "/seller/cancellations", "seller"),
    Route("POST /seller/cancellations/{cancel_id}/approve (404)", "POST", "/seller/cancellations/c1/approve",
          "/seller/cancellations/{cancel_id}/approve", "seller", {}),
    Route("POST /platform/orders (201)", "POST", "/platform/orders", "/platform/orders", "platform",
          order_body("bench-cold-1")),
    Route("GET /health", "GET", "/health", "/health", None),
)


# What the route wrapper imports on a route's first request (routing.endpoint); the view then imports its family's
# `*_views` module.
SERVING = "chalicelib.api.serving"


@dataclass(frozen=True, slots=True)
class FirstRequest:
    route: Route
    status: int
    modules: list[str]  # what the request imported beyond `import app`, in the order each import began
    # (a submodule imported by `from package import name` raises no audit event: those follow, as loaded)

    @property
    def statement(self) -> str:
        """`import app`, the request's entry modules, then each module by name (already loaded: nothing to do; a
        name like `_sysconfigdata_*` is no identifier). `__import__` as the import statement does it:
        `importlib.import_module` made the same imports cost about 15 ms more of CPU on this machine."""
        views = [m for m in self.modules if m.startswith("chalicelib.api.") and m.endswith("_views")]
        entry = [SERVING, *views] if SERVING in self.modules else views
        return f"import app\nfor _name in {[*entry, *self.modules]!r}:\n    __import__(_name)"


def event(route: Route) -> dict[str, Any]:
    """API Gateway's proxy event, with the authorizer's context for the route's role."""
    authorizer = {} if route.role is None else {
        "principalId": "u1", "sub": "u1", "role": route.role, "seller_id": "S1" if route.role == "seller" else "",
        "buyer_id": "", "operator_id": "", "expires_at": str(int(time.time()) + 600)}
    headers = {"Accept": "application/json"} | ({"Content-Type": "application/json"} if route.body is not None else {})
    return {"resource": route.resource, "path": route.path, "httpMethod": route.method, "headers": headers,
            "multiValueHeaders": {}, "queryStringParameters": None, "multiValueQueryStringParameters": None,
            "pathParameters": _path_parameters(route), "stageVariables": None,
            "body": None if route.body is None else json.dumps(route.body), "isBase64Encoded": False,
            "requestContext": {"resourcePath": route.resource, "httpMethod": route.method,
                               "path": f"/api{route.path}", "stage": "api", "apiId": "bench",
                               "authorizer": authorizer}}


def _path_parameters(route: Route) -> dict[str, str] | None:
    names = [part[1:-1] for part in route.resource.split("/") if part.startswith("{")]
    values = [value for value, part in zip(route.path.split("/"), route.resource.split("/"), strict=True)
              if part.startswith("{")]
    return dict(zip(names, values, strict=True)) or None


_PROBE = """
import json, sys
sys.path.insert(0, {root!r})
import app
before = set(sys.modules)
started = []  # names in the order their import began: importing them in this order repeats the same imports


def began(event, args):
    if event == "import":
        started.append(args[0])


sys.addaudithook(began)

class Context:
    function_name = "bench"
    aws_request_id = "00000000-0000-0000-0000-000000000000"

    @staticmethod
    def get_remaining_time_in_millis():
        return 60000

answer = app.app(json.loads({event!r}), Context())
new = [n for n in sys.modules if n not in before]
added = [n for n in dict.fromkeys(started) if n in new]
added += [n for n in new if n not in added]
print(json.dumps({{"status": answer["statusCode"], "modules": added}}))
"""


def serve_first(root: Path, route: Route, dynamodb: str) -> FirstRequest:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "en_US.UTF-8", "TZ": ":UTC",
           "PYTHONDONTWRITEBYTECODE": "1", "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1",
           "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_ENDPOINT_URL_DYNAMODB": dynamodb,
           "CURSOR_SECRET": "bench-cursor-secret-0123456789"}
    done = subprocess.run([sys.executable, "-P", "-S", "-c", _PROBE.format(root=str(root),
                                                                          event=json.dumps(event(route)))],
                          cwd=root, env=env, capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"serving {route.label} failed:\n{done.stderr[-3000:]}")
    out = json.loads(done.stdout.splitlines()[-1])
    return FirstRequest(route, out["status"], out["modules"])


def first_requests(root: Path) -> list[FirstRequest]:
    with stand_in_aws() as aws:
        return [serve_first(root, route, aws.url) for route in ROUTES]
