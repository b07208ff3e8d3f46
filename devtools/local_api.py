"""The API over HTTP, built from `chalice.local`: API Gateway's own answers in the contract's shape, each
caller's rate limit as the stack's usage plan applies it, and the page's dev-only sign-in buttons."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

from chalice.app import Chalice
from chalice.cli.factory import CLIFactory
from chalice.config import Config
from chalice.local import (
    ChaliceRequestHandler,
    CustomLocalChalice,
    LambdaContext,
    LocalChalice,
    LocalGateway,
    LocalGatewayAuthorizer,
    LocalGatewayException,
)

from chalicelib import config
from chalicelib.auth.tokens import AuthFailure, from_context
from chalicelib.domain.rate_limit import CallerBuckets, caller_of
from devtools import gateway, seller_center
from devtools.local_environment import STAGE

ROOT = Path(__file__).resolve().parent.parent


class CallerLimit:
    """The stack's usage plan for callers, emulated: a token bucket per caller, at the same rate and burst."""

    def __init__(self, per_second: int, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_second, self.burst = per_second, burst
        self.buckets = CallerBuckets(per_second, burst)
        self.clock = clock

    @classmethod
    def from_settings(cls) -> CallerLimit:
        limits = config.rate_limits()
        return cls(limits.per_second, limits.burst)

    def admit(self, authorizer_context: dict[str, Any]) -> None:
        try:
            identity = from_context(authorizer_context)
        except AuthFailure:
            identity = None  # as the authorizer does: every failed token counts against one shared key
        if self.buckets.take(caller_of(identity), self.clock()) > 0:
            raise gateway.Throttled({})


class LimitedAuthorizer(LocalGatewayAuthorizer):
    """chalice.local's authorizer step, then the caller's limit. API Gateway meters only the routes with the
    authorizer (it names their usage key), after the authorizer has run: so does this."""

    def __init__(self, app_object: Chalice, limit: CallerLimit) -> None:
        super().__init__(app_object)
        self.limit = limit

    def authorize(self, raw_path: str, lambda_event: dict[str, Any],
                  lambda_context: LambdaContext) -> tuple[dict[str, Any], LambdaContext]:
        event, context = super().authorize(raw_path, lambda_event, lambda_context)
        authorizer = event["requestContext"].get("authorizer")
        if authorizer is not None:
            self.limit.admit(authorizer)
        return event, context


class ContractRequestHandler(ChaliceRequestHandler):
    """chalice.local's handler, with API Gateway's own answers (no token, unknown route) in the contract shape."""

    # One write per response, sent at once: headers and body in separate unbuffered writes meet the client's
    # delayed ACK and cost ~40 ms a request on a kept-alive connection.
    wbufsize = -1
    disable_nagle_algorithm = True
    demo_sellers: bytes | None = None  # the page's dev-only sign-in buttons (devtools/seller_center.py), per stage
    limit: CallerLimit | None = None  # each caller's rate limit, per stage; None: not limited

    def __init__(self, request: Any, client_address: tuple[str, int], server: HTTPServer, app_object: Chalice,
                 config: Config) -> None:
        self.local_gateway = LocalGateway(app_object, config)
        if self.limit is not None:
            self.local_gateway._authorizer = LimitedAuthorizer(app_object, self.limit)
        BaseHTTPRequestHandler.__init__(self, request, client_address, server)

    def do_GET(self) -> None:
        if self.demo_sellers is not None and seller_center.is_demo_sellers(self.path):
            self._send_http_response(200, dict(seller_center.HEADERS), self.demo_sellers)
        else:
            self._generic_handle()

    def _send_error_response(self, error: LocalGatewayException) -> None:
        status, headers, body = gateway.shape(error)
        self._send_http_response(status, headers, body)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the app writes its own access line (`http.request`) for every request

    def __getattr__(self, name: str) -> Any:
        # Any other method (TRACE, QUERY, ...) goes to the gateway too, which answers 405 or 404 in the
        # contract's shape, instead of http.server's HTML 501.
        if name.startswith("do_"):
            return self._generic_handle
        raise AttributeError(name)


def handler_for(tokens: dict[str, str], limit: CallerLimit | None = None) -> type[ContractRequestHandler]:
    """The handler class of one stage: its sign-in buttons carry that stage's tokens; `limit` holds its callers."""
    return type("StageRequestHandler", (ContractRequestHandler,),
                {"demo_sellers": seller_center.demo_sellers(tokens), "limit": limit})


def local_app(app: Chalice) -> Chalice:
    """The app with a per-thread `current_request`, as `chalice local` makes it (once per process)."""
    if not isinstance(app, LocalChalice):
        CustomLocalChalice.__bases__ = (LocalChalice, type(app))
        app.__class__ = CustomLocalChalice
    return app


def chalice_config() -> Config:
    return CLIFactory(str(ROOT), environ=os.environ).create_config_obj(chalice_stage_name=STAGE)
