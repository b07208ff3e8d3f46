"""Fixtures every layer uses: a clock, a moto-backed DynamoDB per test, the real app behind chalice.test.Client,
tokens, and the `shop` that drives it. The import-time patches they rely on are the `tests.support.patches`
plugin."""

from collections.abc import Iterator

import pytest
import time_machine
from chalice.test import Client
from moto import mock_aws

from tests.support.api import START, Api, Tokens
from tests.support.events import Bus
from tests.support.paths import ROOT
from tests.support.shop import Shop


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def dynamodb() -> Iterator[None]:
    from chalicelib.store import models, transactions
    from chalicelib.webhooks import queues

    with mock_aws():
        models.reset_connections()
        transactions.reset()
        queues.reset()
        models.create_tables()
        queues.create_queues()
        yield
    models.reset_connections()
    transactions.reset()
    queues.reset()


@pytest.fixture
def api(dynamodb: None, clock: time_machine.Traveller) -> Iterator[Api]:
    from app import app

    with Client(app, stage_name="test", project_dir=str(ROOT)) as client:
        yield Api(client)


@pytest.fixture
def tok(clock: time_machine.Traveller) -> Tokens:
    return Tokens()


@pytest.fixture
def shop(api: Api, tok: Tokens) -> Shop:
    """The parties acting on this test's desk; orders placed now unless a test says otherwise."""
    return Shop(api, tok)


@pytest.fixture
def bus(dynamodb: None) -> Iterator[Bus]:
    """The stack's event bus and dead-letter queue in this test's moto, with a queue that keeps what the bus gets."""
    from tests.support.events import bus_and_dead_letters

    with bus_and_dead_letters() as events:
        yield events
