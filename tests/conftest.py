"""Fixtures: a moto-backed DynamoDB per test, the real app behind chalice.test.Client, tokens, a clock."""

import json
import os
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from chalice.test import Client, TestHTTPClient
from moto import mock_aws
from moto.core.botocore_stubber import BotocoreStubber

from devtools import gateway, stage, tokens

ROOT = Path(__file__).resolve().parent.parent

# Tests run as the `test` stage, which sets no variables: the dev defaults go under the environment,
# so a test's own setting wins (the contract's precedence).
os.environ.pop("AWS_ENDPOINT_URL_DYNAMODB", None)
os.environ.pop("AWS_ENDPOINT_URL", None)
for name, value in {"AWS_DEFAULT_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "testing",
                    "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing"}.items():
    os.environ[name] = value
stage.apply("dev")

# DynamoDB applies one request to an item at a time; moto's in-process stub does not under threads.
_moto_lock = threading.RLock()
_original_call = BotocoreStubber.__call__


def _serialized_call(self, event_name, request, **kwargs):
    with _moto_lock:
        return _original_call(self, event_name, request, **kwargs)


BotocoreStubber.__call__ = _serialized_call


def _gateway_error_response(self, error):
    from chalice.test import HTTPResponse

    status, headers, body = gateway.shape(error)
    return HTTPResponse(headers=headers, body=body, status_code=status)


# API Gateway answers a missing token or an unknown route itself; the stack shapes those answers.
TestHTTPClient._error_response = _gateway_error_response

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # a Monday


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def dynamodb() -> Iterator[None]:
    from chalicelib.store import models, transactions

    with mock_aws():
        models.reset_connections()
        transactions.reset()
        models.create_tables()
        yield
    models.reset_connections()
    transactions.reset()


class Api:
    """chalice.test.Client with JSON in and out and a token per call."""

    def __init__(self, client: Client):
        self.client = client

    def call(self, method: str, path: str, token: str | None = None, body=None, headers=None,
             raw: bytes | None = None):
        all_headers = {"Content-Type": "application/json"}
        if token:
            all_headers["Authorization"] = f"Bearer {token}"
        all_headers.update(headers or {})
        payload = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
        response = self.client.http.request(method, path, headers=all_headers, body=payload)
        text = response.body.decode() if response.body else ""
        response.json = json.loads(text) if text else None
        return response

    def get(self, path, token=None, **kwargs):
        return self.call("GET", path, token, **kwargs)

    def post(self, path, token=None, body=None, **kwargs):
        return self.call("POST", path, token, body, **kwargs)


@pytest.fixture
def api(dynamodb, clock) -> Iterator[Api]:
    from app import app

    with Client(app, stage_name="test", project_dir=str(ROOT)) as client:
        yield Api(client)


class Tokens:
    def __init__(self):
        self.platform = tokens.mint("platform", "order-source", ttl_seconds=10**8)
        self.seller = tokens.mint("seller", "seller-user-1", seller_id="S1", ttl_seconds=10**8)
        self.other_seller = tokens.mint("seller", "seller-user-2", seller_id="S2", ttl_seconds=10**8)
        self.buyer = tokens.mint("buyer", "buyer-user-1", buyer_id="B1", ttl_seconds=10**8)
        self.other_buyer = tokens.mint("buyer", "buyer-user-2", buyer_id="B2", ttl_seconds=10**8)


@pytest.fixture
def tok(clock) -> Tokens:
    return Tokens()
