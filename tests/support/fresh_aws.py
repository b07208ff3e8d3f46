"""One moto per test process, and for each test the tables and queues as just created, in a few milliseconds.

Creating the nine tables and three queues through the API cost each test about 1.5 s of CPU, mostly botocore
building a client per model (every client loads the service's JSON again). So the tables are created once per
process and kept; each test then starts from every moto backend reset (as a fresh `mock_aws` starts) with those
empty tables put back and the queues made again. The product's botocore clients are kept from test to test
(moto's stub sits in every client built after moto was imported), and rebuilt when a test replaced one or the
AWS settings of the environment changed, so no test inherits a hook or an endpoint of another.
"""

import copy
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from moto import mock_aws
from moto.core.base_backend import BackendDict
from moto.core.model_instances import reset_model_data

from chalicelib.events import publisher
from chalicelib.store import evidence_objects, models, transactions
from chalicelib.webhooks import queues

ACCOUNT = "123456789012"  # moto's default account


def _aws_environment() -> tuple[tuple[str, str], ...]:
    """What a botocore client reads from the environment when it is built: endpoints, region, credentials."""
    return tuple(sorted((name, value) for name, value in os.environ.items() if name.startswith("AWS_")))


def _clients() -> dict[str, tuple[Any, ...]]:
    """The product's cached clients, by the reset that forgets them."""
    return {"models": tuple(model._connection for model in models.MODELS),
            "transactions": (transactions._connection,),
            "queues": (queues._client,),
            "publisher": (publisher._events_client, publisher._sqs_client),
            "evidence": (evidence_objects._client,)}


_RESETS = {"models": models.reset_connections, "transactions": transactions.reset, "queues": queues.reset,
           "publisher": publisher.reset, "evidence": evidence_objects.reset}


class FreshAws:
    def __init__(self) -> None:
        self._mock = mock_aws()
        self._tables: dict[str, Any] | None = None  # moto's tables as `create_tables` made them, empty
        self._environment: tuple[tuple[str, str], ...] | None = None
        self._active = False

    @contextmanager
    def fresh(self) -> Iterator[None]:
        """Inside: moto as a new `mock_aws` would have it, plus the desk's tables (empty) and queues."""
        assert not self._active, "one fresh AWS at a time: a test uses either the fixture or its own"
        self._active = True
        self._mock.start(reset=False)
        try:
            self._restore()
            clients = _clients()
            yield
        finally:
            self._mock.stop(remove_data=False)
            self._active = False
        for name, before in clients.items():
            after = _clients()[name]
            if any(made is not kept for made, kept in zip(after, before, strict=True)):
                _RESETS[name]()  # the test built a client of its own (say, to hook it): the next test builds anew

    def _restore(self) -> None:
        BackendDict.reset()
        reset_model_data()
        if self._environment != _aws_environment():
            for reset in _RESETS.values():
                reset()
            self._environment = _aws_environment()
        from moto.dynamodb.models import dynamodb_backends

        region = os.environ.get("AWS_DEFAULT_REGION", "us-east-1")
        if self._tables is None:
            models.create_tables()
            self._tables = copy.deepcopy(dict(dynamodb_backends[ACCOUNT][region].tables))
        else:
            dynamodb_backends[ACCOUNT][region].tables = copy.deepcopy(self._tables)
        queues.create_queues()
        evidence_objects.create_bucket()
        # Built inside the mock, so the test's calls find them warm; each is reused until a test replaces it.
        for model in models.MODELS:
            model._get_connection().connection.client  # noqa: B018
        transactions.connection()
        publisher.events_client()
        publisher.sqs_client()
        evidence_objects.client()


AWS = FreshAws()
