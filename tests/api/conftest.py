"""The hostile-input suites share one `desk` per module (one store, client and webhook receiver, and the answers'
schema validators built once): each test makes objects with ids of its own, so tests stay independent of each
other and of order."""

from collections.abc import Iterator

import pytest

from tests.support.api import START
from tests.support.desk import Desk, open_desk


@pytest.fixture(scope="module")
def desk() -> Iterator[Desk]:
    with open_desk() as opened:
        yield opened


@pytest.fixture
def clock_back(desk: Desk) -> Iterator[None]:
    """Puts the module's shared clock back at START after a test that moved it."""
    yield
    desk.clock.move_to(START)
