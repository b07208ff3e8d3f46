"""The authorizer's first-sight step: the caller's API key, in the callers' usage plan (docs/deploy.md, "Rate
limits").

API Gateway throttles a request by the key value the authorizer names (`usageIdentifierKey`), and refuses with 403
a value that is no key or is in no plan of the stage. Keys are found by name, `<RATE_LIMIT_KEY_PREFIX><caller>`.
The stack provisions the shared ones (failed tokens, the platform, `PENDING`) with values of API Gateway's making;
a seller's or a buyer slot's key is made here the first time a warm authorizer sees the caller, its value a digest
of its name (letters and digits, as API Gateway wants, and unique: two authorizers racing make one key, not two),
and put in the callers' plan. The value is then remembered: later requests of that caller cost no call. When API
Gateway's management API refuses (it is throttled per account), the caller borrows `PENDING`'s key for this
request, and the step is tried again on the next: served under a shared limit rather than refused.
"""

import contextlib
import logging
import threading
from typing import Any

from .. import config, obs
from ..domain.rate_limit import ANONYMOUS, PENDING, PLATFORM

PROVISIONED_BY_THE_STACK = frozenset({ANONYMOUS, PENDING, PLATFORM})

_values: dict[str, str] = {}  # key name -> value, of keys this warm authorizer knows are in their plan
_plans: dict[str, str] = {}  # usage plan name -> id
_lock = threading.Lock()
_client: Any = None


def key_name(settings: config.RateLimitSettings, caller: str) -> str:
    return settings.key_prefix + caller


def key_value(name: str) -> str:
    """The value of a key this step makes: 64 hex digits, the same in every container."""
    import hashlib  # only when a key is made: ~5 ms the authorizer's cold start does without

    return hashlib.sha256(name.encode()).hexdigest()


def usage_key(caller: str) -> str | None:
    """The key value to hand API Gateway for this caller; None where the stack has no usage plan (locally, in
    tests), or where not even the shared key could be found."""
    settings = config.rate_limits()
    if not settings.usage_plan or not settings.key_prefix:
        return None
    known = _values.get(key_name(settings, caller))
    if known is not None:
        return known
    from botocore.exceptions import BotoCoreError, ClientError  # type: ignore[import-untyped]

    try:
        return _known_or_provisioned(settings, caller)
    except (BotoCoreError, ClientError, LookupError) as error:
        obs.event("auth.usage_key_failed", logging.WARNING, caller=caller, error=f"{type(error).__name__}: {error}")
    try:
        return _known_or_provisioned(settings, PENDING)
    except (BotoCoreError, ClientError, LookupError) as error:
        obs.event("auth.usage_key_failed", logging.ERROR, caller=PENDING, error=f"{type(error).__name__}: {error}")
        return None


def _known_or_provisioned(settings: config.RateLimitSettings, caller: str) -> str:
    name = key_name(settings, caller)
    if name in _values:
        return _values[name]
    client = _apigateway()
    found = _key_named(client, name)
    if caller not in PROVISIONED_BY_THE_STACK:
        plan_id = _plan_id(client, settings.usage_plan)
        if found is None:
            value = key_value(name)
            try:
                found = client.create_api_key(name=name, value=value, enabled=True)["id"], value
            except client.exceptions.ConflictException:  # another authorizer made it meanwhile
                found = _key_named(client, name)
        if found is None:
            raise LookupError(f"no key {name} after making it")
        with contextlib.suppress(client.exceptions.ConflictException):  # already in the plan
            client.create_usage_plan_key(usagePlanId=plan_id, keyId=found[0], keyType="API_KEY")
    elif found is None:
        raise LookupError(f"the stack's key {name} is missing")
    with _lock:
        _values[name] = found[1]
    return found[1]


def _apigateway() -> Any:
    global _client
    if _client is None:
        # botocore itself, on a caller's first sight only: the authorizer's cold start stays without it, and the
        # package ships its apigateway model (scripts/lambda_zip.py).
        from botocore.session import get_session  # type: ignore[import-untyped]

        _client = get_session().create_client("apigateway")
    return _client


def _plan_id(client: Any, name: str) -> str:
    if name not in _plans:
        for page in client.get_paginator("get_usage_plans").paginate():
            for plan in page.get("items", []):
                if plan.get("name") == name:
                    _plans[name] = plan["id"]
        if name not in _plans:
            raise LookupError(f"no usage plan named {name}")
    return _plans[name]


def _key_named(client: Any, name: str) -> tuple[str, str] | None:
    """(id, value) of the key of that name. nameQuery matches a prefix: the exact name is kept."""
    found = client.get_api_keys(nameQuery=name, includeValues=True, limit=500).get("items", [])
    return next(((str(key["id"]), str(key["value"])) for key in found if key.get("name") == name), None)


def reset() -> None:
    """Forgets what this process has seen, as a new container would (tests)."""
    global _client
    with _lock:
        _values.clear()
        _plans.clear()
    _client = None
