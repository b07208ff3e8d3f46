"""Cloud-stage token checking: RS256 tokens verified against an identity provider's JWKS.

The JWKS is served over HTTP on the loopback interface, so PyJWT's real client (fetch, cache, refresh) runs.
"""

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from chalicelib.api import auth as api_auth
from chalicelib.auth import tokens
from chalicelib.auth.tokens import AuthFailure, from_context, to_context, verify_token

ISSUER = "https://idp.example.test/pool-1"
AUDIENCE = "cancellation-desk-client"


@dataclass
class JwksEndpoint:
    url: str
    keys: list[dict[str, Any]] = field(default_factory=list)
    hits: int = 0


@pytest.fixture(scope="module")
def _server() -> Iterator[tuple[ThreadingHTTPServer, dict[str, JwksEndpoint]]]:
    endpoints: dict[str, JwksEndpoint] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            endpoint = endpoints.get(self.path)
            if endpoint is None:
                self.send_error(404)
                return
            endpoint.hits += 1
            body = json.dumps({"keys": endpoint.keys}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server, endpoints
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def signing_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def other_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_jwk(key: rsa.RSAPrivateKey, kid: str) -> dict[str, Any]:
    return {**RSAAlgorithm.to_jwk(key.public_key(), as_dict=True), "kid": kid, "use": "sig", "alg": "RS256"}


@pytest.fixture
def jwks(_server, signing_key, monkeypatch, request) -> JwksEndpoint:
    """A fresh JWKS endpoint holding `signing_key` as kid `k1`, and the jwks stage settings pointing at it."""
    server, endpoints = _server
    path = f"/{request.node.name}/jwks.json"
    endpoint = JwksEndpoint(url=f"http://127.0.0.1:{server.server_port}{path}", keys=[public_jwk(signing_key, "k1")])
    endpoints[path] = endpoint
    monkeypatch.setenv("AUTH_MODE", "jwks")
    monkeypatch.setenv("AUTH_JWKS_URL", endpoint.url)
    monkeypatch.setenv("AUTH_ISSUER", ISSUER)
    monkeypatch.setenv("AUTH_AUDIENCE", AUDIENCE)
    tokens._jwks_client.cache_clear()
    yield endpoint
    tokens._jwks_client.cache_clear()


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    base = {"sub": "user-1", "role": "seller", "seller_id": "S1", "iss": ISSUER, "aud": AUDIENCE,
            "iat": now, "exp": now + 600}
    base.update(overrides)
    return base


def rs256(key: rsa.RSAPrivateKey, kid: str = "k1", **overrides: Any) -> str:
    return jwt.encode(claims(**overrides), key, algorithm="RS256", headers={"kid": kid})


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unsigned(header: dict[str, Any], payload: dict[str, Any], secret: bytes | None = None) -> str:
    """A token PyJWT would refuse to produce: `alg: none`, or HS256 keyed with whatever bytes we choose."""
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(payload).encode())}"
    signature = _b64(hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()) if secret else ""
    return f"{signing_input}.{signature}"


def refused(token: str) -> AuthFailure:
    with pytest.raises(AuthFailure) as failure:
        verify_token(f"Bearer {token}")
    return failure.value


def test_a_token_signed_by_the_provider_is_accepted(jwks, signing_key):
    verified = verify_token(f"Bearer {rs256(signing_key)}")
    assert verified.identity.sub == "user-1"
    assert verified.identity.role.value == "seller"
    assert verified.identity.seller_id == "S1"


def test_a_token_signed_by_another_key_is_refused(jwks, other_key):
    assert refused(rs256(other_key)).code == "TOKEN_INVALID"  # same kid, wrong key


def test_a_token_naming_an_unknown_key_is_refused(jwks, other_key):
    assert refused(rs256(other_key, kid="not-in-the-set")).code == "TOKEN_INVALID"


@pytest.mark.parametrize("overrides", [{"iss": "https://idp.example.test/another-pool"},
                                       {"aud": "another-client"}], ids=["another issuer", "another audience"])
def test_wrong_issuer_or_audience_is_refused(jwks, signing_key, overrides):
    assert refused(rs256(signing_key, **overrides)).code == "TOKEN_INVALID"


def test_an_expired_token_is_refused_beyond_the_allowed_skew(jwks, signing_key):
    now = int(time.time())
    assert refused(rs256(signing_key, exp=now - 61 - 5)).code == "TOKEN_EXPIRED"
    assert verify_token(f"Bearer {rs256(signing_key, exp=now - 30)}").identity.sub == "user-1"


def test_alg_none_is_refused(jwks):
    assert refused(unsigned({"alg": "none", "typ": "JWT", "kid": "k1"}, claims())).code == "TOKEN_INVALID"


def test_hs256_keyed_with_the_public_key_is_refused(jwks, signing_key):
    """The classic algorithm confusion: the attacker HMACs with the (public) RSA key as the secret."""
    public_pem = signing_key.public_key().public_bytes(serialization.Encoding.PEM,
                                                        serialization.PublicFormat.SubjectPublicKeyInfo)
    for secret in (public_pem, json.dumps(jwks.keys[0]).encode()):
        token = unsigned({"alg": "HS256", "typ": "JWT", "kid": "k1"}, claims(), secret)
        assert refused(token).code == "TOKEN_INVALID"


def test_a_token_without_required_claims_is_refused(jwks, signing_key):
    assert refused(rs256(signing_key, aud=None)).code == "TOKEN_INVALID"


def test_keys_are_fetched_once_and_reused(jwks, signing_key):
    for _ in range(5):
        verify_token(f"Bearer {rs256(signing_key)}")
    assert jwks.hits == 1


def test_an_unreachable_provider_fails_closed(jwks, signing_key, monkeypatch):
    monkeypatch.setenv("AUTH_JWKS_URL", jwks.url.replace("/jwks.json", "/missing.json"))  # the server says 404
    assert refused(rs256(signing_key)).code == "TOKEN_INVALID"


def test_jwks_mode_without_a_url_refuses_every_token(jwks, signing_key, monkeypatch):
    monkeypatch.setenv("AUTH_JWKS_URL", "")
    assert refused(rs256(signing_key)).code == "AUTH_NOT_CONFIGURED"


def test_the_routes_take_provider_tokens(jwks, signing_key, api):
    seller = rs256(signing_key, exp=int(time.time()) + 10**8)
    answer = api.get("/seller/action-needed", seller)
    assert answer.status_code == 200, answer.json
    wrong = api.get("/seller/action-needed", rs256(signing_key, aud="another-client", exp=int(time.time()) + 10**8))
    assert wrong.status_code == 401
    assert wrong.json["error"]["code"] == "TOKEN_INVALID"


# --- the authorizer's cached answer -------------------------------------------------------------------


def test_a_cached_answer_never_outlives_the_token(jwks, signing_key):
    """API Gateway may replay the authorizer's context for CACHE_SECONDS; the views re-check `exp`."""
    exp = int(time.time()) + 600
    context = to_context(verify_token(f"Bearer {rs256(signing_key, exp=exp)}"))
    assert from_context(context, now=exp + tokens.CLOCK_SKEW_SECONDS - 1).sub == "user-1"
    with pytest.raises(AuthFailure) as expired:
        from_context(context, now=exp + tokens.CLOCK_SKEW_SECONDS + 1)
    assert expired.value.code == "TOKEN_EXPIRED"
    with pytest.raises(AuthFailure) as missing:
        from_context({k: v for k, v in context.items() if k != "expires_at"})
    assert missing.value.code == "TOKEN_INVALID"


def test_the_authorizer_cache_is_short():
    assert 0 < api_auth.CACHE_SECONDS <= 60
    assert api_auth.jwt_authorizer.config.ttl_seconds == api_auth.CACHE_SECONDS


def test_an_operator_token_carries_its_operator_id_through_the_authorizer(jwks, signing_key):
    verified = verify_token(f"Bearer {rs256(signing_key, role='operator', seller_id=None, operator_id='OP1')}")
    assert (verified.identity.role, verified.identity.operator_id) == ("operator", "OP1")
    assert from_context(to_context(verified)) == verified.identity
    assert verified.identity.may_see("any-seller", "any-buyer")


@pytest.mark.parametrize("operator_id", [None, "", "has space", 7])
def test_an_operator_token_without_a_valid_operator_id_is_refused(jwks, signing_key, operator_id):
    token = rs256(signing_key, role="operator", seller_id=None, operator_id=operator_id)
    assert refused(token).code == "TOKEN_INVALID"
