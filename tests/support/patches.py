"""A pytest plugin (`-p tests.support.patches`): what must hold before any test module imports the app.

- The tests run as the `test` stage, which sets no variables: the dev defaults go under the environment, so
  a test's own setting wins (the contract's precedence); no stray endpoint or credentials reach AWS.
- DynamoDB applies one request to an item at a time; moto's in-process stub does not under threads, so every
  stubbed call is serialized.
- botocore loads a service's JSON models again for every session, and PynamoDB makes a session per table, so a
  test process shares one loader: a client then costs a sixth as much to build (the tests build thousands).
- moto's answers to the item calls are written straight to JSON, and a handler's method names listed once
  (devtools/moto_shortcuts.py): moto's generic serializer was a third of the CPU of a test that drives the API.
- API Gateway answers a missing token or an unknown route itself; the stack shapes those answers, and
  `chalice.test.Client` is made to answer them the same way.
"""

import functools
import os

import botocore.session
from chalice.test import HTTPResponse, TestHTTPClient

from devtools import gateway, moto_serial, moto_shortcuts, stage

os.environ.pop("AWS_ENDPOINT_URL_DYNAMODB", None)
os.environ.pop("AWS_ENDPOINT_URL", None)
for _name, _value in {"AWS_DEFAULT_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "testing",
                      "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing"}.items():
    os.environ[_name] = _value
stage.apply("dev")


def _gateway_error_response(self: TestHTTPClient, error: Exception) -> HTTPResponse:
    status, headers, body = gateway.shape(error)
    return HTTPResponse(headers=headers, body=body, status_code=status)


moto_serial.install()
moto_shortcuts.install()
botocore.session.create_loader = functools.cache(botocore.session.create_loader)
# Webhook URLs in tests name test hosts: resolved from a table, never by DNS.
from chalicelib.webhooks import sender  # noqa: E402
from tests.support.hooks import fake_resolve  # noqa: E402

sender.RESOLVER[0] = fake_resolve
TestHTTPClient._error_response = _gateway_error_response  # type: ignore[method-assign]
