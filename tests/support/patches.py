"""A pytest plugin (`-p tests.support.patches`): what must hold before any test module imports the app.

- The tests run as the `test` stage, which sets no variables: the dev defaults go under the environment, so
  a test's own setting wins (the contract's precedence); no stray endpoint or credentials reach AWS.
- DynamoDB applies one request to an item at a time; moto's in-process stub does not under threads, so every
  stubbed call is serialized.
- botocore loads a service's JSON models again for every session, and PynamoDB makes a session per table, so a
  test process shares one loader (devtools/botocore_loader.py, which the local stage uses too): a client then
  costs a sixth as much to build (the tests build thousands).
- moto's answers to the item calls are written straight to JSON, and a handler's method names listed once
  (devtools/moto_shortcuts.py): moto's generic serializer was a third of the CPU of a test that drives the API.
- moto's in-process stub checks no request's signature, so the calls it answers (DynamoDB, SQS, EventBridge)
  go unsigned: SigV4 signing was an eighth of the CPU of a DynamoDB call against moto. The local stage's calls
  to its embedded moto server, S3's calls and presigned URLs and POSTs stay signed.
- API Gateway answers a missing token or an unknown route itself; the stack shapes those answers, and
  `chalice.test.Client` is made to answer them the same way.
"""

import os

import botocore.auth
import botocore.awsrequest
import botocore.session
from chalice.test import HTTPResponse, TestHTTPClient

from devtools import botocore_loader, gateway, moto_serial, moto_shortcuts, stage

os.environ.pop("AWS_ENDPOINT_URL_DYNAMODB", None)
os.environ.pop("AWS_ENDPOINT_URL", None)
for _name, _value in {"AWS_DEFAULT_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "testing",
                      "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing"}.items():
    os.environ[_name] = _value
stage.apply("dev")


_signed = botocore.auth.SigV4Auth.add_auth


def _unsigned(self: botocore.auth.SigV4Auth, request: botocore.awsrequest.AWSRequest) -> None:
    """A call to AWS's own endpoint, which moto's in-process stub answers, goes unsigned; the local stage's
    embedded moto server reads the service from the signature, and S3's calls and every presigned URL or POST
    (their own classes) are signed as ever, since the evidence tests read their signatures."""
    if type(self) is not botocore.auth.SigV4Auth or not request.url.split("/")[2].endswith(".amazonaws.com"):
        _signed(self, request)


def _gateway_error_response(self: TestHTTPClient, error: Exception) -> HTTPResponse:
    status, headers, body = gateway.shape(error)
    return HTTPResponse(headers=headers, body=body, status_code=status)


moto_serial.install()
moto_shortcuts.install()
botocore_loader.share()
botocore.auth.SigV4Auth.add_auth = _unsigned  # type: ignore[method-assign]
# Webhook URLs in tests name test hosts: resolved from a table, never by DNS.
from chalicelib.webhooks import sender  # noqa: E402
from tests.support.hooks import fake_resolve  # noqa: E402

sender.RESOLVER[0] = fake_resolve
TestHTTPClient._error_response = _gateway_error_response  # type: ignore[method-assign]
