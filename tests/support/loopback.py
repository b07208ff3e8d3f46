"""`LoopbackApi`: `Api`'s calling convention over real HTTP to a running local stack, so that `Shop` can seed and
act on the desk the browser suite's page is looking at."""

import json
import urllib.error
import urllib.request
from typing import Any


class Reply:
    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status_code = status
        self.headers = headers
        self.body = body
        self.json: Any = json.loads(body) if body else None


class LoopbackApi:
    """The same `call(method, path, token, body, headers)` as `tests.support.api.Api`, to `base_url` over HTTP."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    def call(self, method: str, path: str, token: str | None = None, body: Any = None,
             headers: dict[str, str] | None = None, raw: bytes | None = None) -> Reply:
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        request = urllib.request.Request(self.base_url + path, method=method, data=data)
        request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return Reply(response.status, dict(response.headers), response.read())
        except urllib.error.HTTPError as error:
            return Reply(error.code, dict(error.headers), error.read())

    def get(self, path: str, token: str | None = None, **kwargs: Any) -> Reply:
        return self.call("GET", path, token, **kwargs)

    def post(self, path: str, token: str | None = None, body: Any = None, **kwargs: Any) -> Reply:
        return self.call("POST", path, token, body, **kwargs)
