"""Each caller's rate limit as the local runner applies it (devtools/local_api.py, the stack's usage plan emulated):
one seller over its limit gets 429 RATE_LIMITED with Retry-After while the others' calls all pass. Real HTTP to
chalice.local's server over this test's moto; the buckets' clock is injected, so no test waits for time. Then the
stack's side: the authorizer names each caller's usage key and makes it on first sight, on moto's API Gateway."""

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import boto3
import pytest
from chalice.local import LocalDevServer

from chalicelib import config
from chalicelib.api.errors import GATEWAY_ERRORS
from chalicelib.auth import usage_keys
from chalicelib.domain.rate_limit import BUYER_SLOTS
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


# -- the stack's side: the authorizer names each caller's key in the callers' usage plan (moto's API Gateway)

STACK = "desk-prod"
PLAN = f"{STACK}-callers"
PREFIX = f"{STACK}-rate-limit-"


class Recorded:
    """The API Gateway operations the authorizer's client made."""

    def __init__(self) -> None:
        self.operations: list[str] = []

    def __call__(self, model: Any, **_: Any) -> None:
        self.operations.append(model.name)


def listen() -> Recorded:
    recorded = Recorded()
    usage_keys._apigateway().meta.events.register("before-call.api-gateway", recorded)
    return recorded


class Stack:
    """What the stack provisions (infra/rate_limit_stack.py): the two plans and the shared keys, their values made
    by API Gateway."""

    def __init__(self) -> None:
        admin = boto3.client("apigateway")
        self.plan = admin.create_usage_plan(name=PLAN, throttle={"rateLimit": 10, "burstLimit": 20})["id"]
        platform_plan = admin.create_usage_plan(name=f"{STACK}-platform")["id"]
        self.values = {}
        for caller, plan in (("anonymous", self.plan), ("pending", self.plan), ("platform", platform_plan)):
            key = admin.create_api_key(name=PREFIX + caller, enabled=True)
            admin.create_usage_plan_key(usagePlanId=plan, keyId=key["id"], keyType="API_KEY")
            self.values[caller] = key["value"]


@pytest.fixture
def stack(tables_and_queues: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[Stack]:
    monkeypatch.setenv("RATE_LIMIT_USAGE_PLAN", PLAN)
    monkeypatch.setenv("RATE_LIMIT_KEY_PREFIX", PREFIX)
    usage_keys.reset()
    yield Stack()
    usage_keys.reset()


def authorize(token: str) -> dict[str, Any]:
    from chalicelib.api.auth import jwt_authorizer

    event = {"type": "TOKEN", "authorizationToken": f"Bearer {token}",
             "methodArn": "arn:aws:execute-api:us-east-1:123456789012:abc123/api/GET/seller/action-needed"}
    answer: dict[str, Any] = jwt_authorizer(event, None)
    return answer


def keys_in(plan_id: str) -> dict[str, str]:
    items = boto3.client("apigateway").get_usage_plan_keys(usagePlanId=plan_id)["items"]
    return {key["name"]: key["value"] for key in items}


def test_the_authorizer_names_each_callers_key_and_puts_it_in_the_plan_on_first_sight(stack, tok):
    recorded = listen()
    answer = authorize(tok.seller)
    s1 = usage_keys.key_value(PREFIX + "seller-S1")
    assert answer["usageIdentifierKey"] == s1 and re.fullmatch(r"[0-9a-f]{64}", s1)  # letters and digits only
    assert answer["context"]["seller_id"] == "S1"  # the identity travels as before
    assert keys_in(stack.plan)[PREFIX + "seller-S1"] == s1
    assert recorded.operations == ["GetApiKeys", "GetUsagePlans", "CreateApiKey", "CreateUsagePlanKey"]

    recorded.operations.clear()
    assert authorize(tok.seller_token("S1", sub="another-user-of-S1"))["usageIdentifierKey"] == s1
    assert recorded.operations == []  # seen: no call

    s2 = authorize(tok.other_seller)["usageIdentifierKey"]
    assert s2 == usage_keys.key_value(PREFIX + "seller-S2") != s1
    assert recorded.operations == ["GetApiKeys", "CreateApiKey", "CreateUsagePlanKey"]  # the plan's id is kept
    assert set(keys_in(stack.plan)) == {PREFIX + caller for caller in ("anonymous", "pending", "seller-S1",
                                                                     "seller-S2")}


def test_a_new_container_finds_the_key_another_one_made(stack, tok):
    first = authorize(tok.seller)["usageIdentifierKey"]
    usage_keys.reset()  # another warm authorizer: its own memory, the same account
    recorded = listen()
    assert authorize(tok.seller)["usageIdentifierKey"] == first
    assert recorded.operations == ["GetApiKeys", "GetUsagePlans", "CreateUsagePlanKey"]  # found, not made again
    names = [key["name"] for key in boto3.client("apigateway").get_api_keys()["items"]]
    assert names.count(PREFIX + "seller-S1") == 1


def test_the_stacks_own_keys_are_read_once_and_never_made(stack, tok):
    recorded = listen()
    assert authorize(tok.platform)["usageIdentifierKey"] == stack.values["platform"]
    assert authorize("not-a-token")["usageIdentifierKey"] == stack.values["anonymous"]
    assert authorize("still-not-a-token")["context"]["auth_error"] == "TOKEN_INVALID"
    assert recorded.operations == ["GetApiKeys", "GetApiKeys"]  # one look-up each, then remembered
    assert PREFIX + "platform" not in keys_in(stack.plan)  # the platform stays in its own plan


def test_buyers_share_a_few_slots_by_a_stable_hash(stack, tok):
    keys = {authorize(tok.buyer_token(f"B{n}"))["usageIdentifierKey"] for n in range(200)}
    assert 1 < len(keys) <= BUYER_SLOTS
    slots = {name for name in keys_in(stack.plan) if name.startswith(PREFIX + "buyers-")}
    assert len(slots) == len(keys) and all(re.fullmatch(re.escape(PREFIX) + r"buyers-\d\d", s) for s in slots)
    assert authorize(tok.buyer_token("B7"))["usageIdentifierKey"] == authorize(tok.buyer_token("B7"))[
        "usageIdentifierKey"]


def test_when_the_management_api_refuses_the_caller_is_served_under_the_pending_key(stack, tok, monkeypatch):
    monkeypatch.setenv("RATE_LIMIT_USAGE_PLAN", "no-such-plan")
    logged = []
    monkeypatch.setattr(usage_keys.obs, "event", lambda name, *args, **fields: logged.append((name, fields)))
    assert authorize(tok.seller)["usageIdentifierKey"] == stack.values["pending"]
    assert [(name, fields["caller"]) for name, fields in logged] == [("auth.usage_key_failed", "seller-S1")]
    monkeypatch.setenv("RATE_LIMIT_USAGE_PLAN", PLAN)
    assert authorize(tok.seller)["usageIdentifierKey"] == usage_keys.key_value(PREFIX + "seller-S1")  # tried again


def test_without_a_usage_plan_the_authorizer_names_no_key(tables_and_queues, tok):
    usage_keys.reset()
    answer = authorize(tok.seller)
    assert "usageIdentifierKey" not in answer and answer["principalId"] == "user-S1"
