"""The API over HTTP, built from `chalice.local`: API Gateway's own answers in the contract's shape, and the
page's dev-only sign-in buttons."""

import os
from pathlib import Path
from typing import Any

from chalice.app import Chalice
from chalice.cli.factory import CLIFactory
from chalice.config import Config
from chalice.local import ChaliceRequestHandler, CustomLocalChalice, LocalChalice, LocalGatewayException

from devtools import gateway, seller_center
from devtools.local_environment import STAGE

ROOT = Path(__file__).resolve().parent.parent


class ContractRequestHandler(ChaliceRequestHandler):
    """chalice.local's handler, with API Gateway's own answers (no token, unknown route) in the contract shape."""

    # One write per response, sent at once: headers and body in separate unbuffered writes meet the client's
    # delayed ACK and cost ~40 ms a request on a kept-alive connection.
    wbufsize = -1
    disable_nagle_algorithm = True
    demo_sellers: bytes | None = None  # the page's dev-only sign-in buttons (devtools/seller_center.py), per stage

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


def handler_for(tokens: dict[str, str]) -> type[ContractRequestHandler]:
    """The handler class of one stage: its sign-in buttons carry that stage's tokens."""
    return type("StageRequestHandler", (ContractRequestHandler,),
                {"demo_sellers": seller_center.demo_sellers(tokens)})


def local_app(app: Chalice) -> Chalice:
    """The app with a per-thread `current_request`, as `chalice local` makes it (once per process)."""
    if not isinstance(app, LocalChalice):
        CustomLocalChalice.__bases__ = (LocalChalice, type(app))
        app.__class__ = CustomLocalChalice
    return app


def chalice_config() -> Config:
    return CLIFactory(str(ROOT), environ=os.environ).create_config_obj(chalice_stage_name=STAGE)
