"""Each caller's rate limit as the local runner applies it (devtools/local_api.py, the stack's usage plan emulated):
one seller over its limit gets 429 RATE_LIMITED with Retry-After while the others' calls all pass. Real HTTP to
chalice.local's server over this test's moto; the buckets' clock is injected, so no test waits for time."""

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from chalice.local import LocalDevServer

from chalicelib import config
from chalicelib.api.errors import GATEWAY_ERRORS
from devtools.local_api import CallerLimit, chalice_config, handler_for, local_app
from devtools.serving import shut_down
from tests.support.api import Tokens
from tests.support.loopback import LoopbackApi, Reply

ROUTE = "/seller/action-needed"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@contextmanager
def serving(limit: CallerLimit, tok: Tokens) -> Iterator[LoopbackApi]:
    from app import app

    server = LocalDevServer(local_app(app), chalice_config(), "127.0.0.1", 0, handler_cls=handler_for(
        {"seller": tok.seller, "other_seller": tok.other_seller}, limit))
    thread = threading.Thread(target=server.server.serve_forever, name="rate-limit-api", daemon=True)
    thread.start()
    try:
        yield LoopbackApi(f"http://127.0.0.1:{server.server.server_address[1]}")
    finally:
        shut_down(server.server, thread)


@pytest.fixture
def limited(tables_and_queues: None, tok: Tokens) -> Iterator[tuple[LoopbackApi, Clock]]:
    clock = Clock()
    limits = config.rate_limits()
    with serving(CallerLimit(limits.per_second, limits.burst, clock=clock), tok) as http:
        yield http, clock


def statuses(calls: int, call: Callable[[], Reply]) -> list[int]:
    return [call().status_code for _ in range(calls)]


def assert_rate_limited(reply: Reply) -> None:
    assert reply.status_code == 429
    assert reply.headers["Retry-After"] == "1"
    assert reply.headers["Content-Type"] == "application/json"
    _, code, message = GATEWAY_ERRORS["THROTTLED"]
    assert reply.json == {"error": {"code": "RATE_LIMITED", "message": message}} and code == "RATE_LIMITED"


def test_one_seller_over_its_limit_gets_429_while_another_sellers_calls_all_succeed(limited, tok):
    http, _ = limited
    burst = config.rate_limits().burst
    assert statuses(burst, lambda: http.get(ROUTE, tok.seller)) == [200] * burst
    for _ in range(3):
        assert_rate_limited(http.get(ROUTE, tok.seller))
    assert statuses(burst, lambda: http.get(ROUTE, tok.other_seller)) == [200] * burst  # its own bucket, full
    assert_rate_limited(http.get(ROUTE, tok.seller))  # time has not moved: still refused


def test_a_refused_seller_gets_a_token_back_each_rate_th_of_a_second(limited, tok):
    http, clock = limited
    limits = config.rate_limits()
    statuses(limits.burst, lambda: http.get(ROUTE, tok.seller))
    assert_rate_limited(http.get(ROUTE, tok.seller))
    clock.now += 1 / limits.per_second  # Retry-After's second is an upper bound: a token is back sooner
    assert http.get(ROUTE, tok.seller).status_code == 200
    assert_rate_limited(http.get(ROUTE, tok.seller))
    clock.now += 3600  # a long pause refills the bucket to its burst, not beyond
    assert statuses(limits.burst, lambda: http.get(ROUTE, tok.seller)) == [200] * limits.burst
    assert_rate_limited(http.get(ROUTE, tok.seller))


def test_a_shops_users_share_one_limit_and_the_platform_is_not_held_by_it(limited, tok):
    http, _ = limited
    burst = config.rate_limits().burst
    colleague = tok.seller_token("S1", sub="another-user-of-S1")
    assert statuses(burst // 2, lambda: http.get(ROUTE, tok.seller)) == [200] * (burst // 2)
    assert statuses(burst - burst // 2, lambda: http.get(ROUTE, colleague)) == [200] * (burst - burst // 2)
    assert_rate_limited(http.get(ROUTE, colleague))
    assert_rate_limited(http.get(ROUTE, tok.seller))
    platform = statuses(burst * 2, lambda: http.post("/platform/orders", tok.platform, {}))
    assert set(platform) == {400}  # the app's answer to an empty order, never the limit's


def test_failed_tokens_share_one_limit_and_open_routes_are_not_held(limited, tok):
    http, _ = limited
    burst = config.rate_limits().burst
    assert statuses(burst, lambda: http.get(ROUTE, "not-a-token")) == [401] * burst
    assert_rate_limited(http.get(ROUTE, "another-bad-token"))
    assert http.get(ROUTE, tok.seller).status_code == 200  # a valid caller has its own key
    assert statuses(burst * 2, lambda: http.get("/cancellation-reasons")) == [200] * (burst * 2)
