"""The cloud sign-in, end to end in the browser: authorization code with PKCE through oidc-client-ts, against a
stand-in identity provider (Playwright answers its discovery, authorize and token endpoints). Its ID token is one
the local API trusts (the dev issuer and audience), so the page then works as with any seller token.

The page's own configuration is replaced by one naming that provider, as `GET /app/config.json` answers it with
`AUTH_MODE=jwks` (tests/api/test_seller_center_page.py proves that answer); and because the local page's policy
rightly allows no other origin, this context runs without the CSP (the cloud policy naming the provider is
proven there too)."""

import base64
import hashlib
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from chalicelib import config
from devtools import tokens as minting
from devtools.local_stage import LocalStage
from tests.browser.conftest import Seller
from tests.support.seller_center import DESKTOP


@pytest.fixture
def provider_page(browser: Browser, stack: LocalStage) -> Iterator[Page]:
    context = browser.new_context(viewport=DESKTOP, locale="en-US", bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()


def test_sign_in_with_the_provider_uses_the_code_flow_with_pkce(provider_page: Page, stack: LocalStage,
                                                                seller: Seller) -> None:
    page = provider_page
    auth = config.auth()
    issuer = auth.issuer  # the provider the page signs in through is the issuer the API trusts
    app = f"{stack.base_url}/app"
    seen: dict[str, Any] = {}

    def page_config(route: Route) -> None:
        body = {"api_base_url": "", "response_window_seconds": 172800, "market_timezone": "UTC",
                "oidc": {"authority": issuer, "client_id": auth.audience, "scope": "openid"}}
        route.fulfill(json=body, headers={"Cache-Control": "no-store"})

    def discovery(route: Route) -> None:
        route.fulfill(json={"issuer": issuer, "authorization_endpoint": f"{issuer}/authorize",
                            "token_endpoint": f"{issuer}/token", "jwks_uri": f"{issuer}/jwks",
                            "response_types_supported": ["code"], "code_challenge_methods_supported": ["S256"]},
                      headers={"Access-Control-Allow-Origin": "*"})

    def authorize(route: Route) -> None:
        query = {name: values[0] for name, values in parse_qs(urlsplit(route.request.url).query).items()}
        seen["authorize"] = query
        route.fulfill(status=302, headers={"Location": f"{app}?code=the-code&state={query['state']}"})

    def token(route: Route) -> None:
        form = {name: values[0] for name, values in parse_qs(route.request.post_data or "").items()}
        seen["token"] = form
        id_token = minting.mint("seller", f"user-{seller.seller_id}", seller_id=seller.seller_id, ttl_seconds=3600,
                                nonce=seen["authorize"].get("nonce"))
        route.fulfill(json={"id_token": id_token, "access_token": "opaque", "token_type": "Bearer",
                            "expires_in": 3600}, headers={"Access-Control-Allow-Origin": "*"})

    page.route(f"{app}/config.json", page_config)
    page.route(f"{issuer}/.well-known/openid-configuration", discovery)
    page.route(f"{issuer}/authorize*", authorize)
    page.route(f"{issuer}/token", token)

    page.goto(app)
    # No demo sellers where a provider is configured.
    expect(page.get_by_role("button", name="Sign in with your account")).to_be_visible()
    expect(page.get_by_role("button", name="Sign in as S1")).to_have_count(0)
    expect(page.get_by_label("Access token")).to_be_visible()
    page.get_by_role("button", name="Sign in with your account").click()

    expect(page.get_by_text(f"Signed in as seller {seller.seller_id}")).to_be_visible()
    expect(page.get_by_role("heading", name="Manage Orders")).to_be_visible()
    assert urlsplit(page.url).query == ""  # the code and state are gone from the address bar

    asked = seen["authorize"]
    assert (asked["response_type"], asked["client_id"], asked["redirect_uri"], asked["scope"]) == (
        "code", auth.audience, app, "openid")
    assert asked["code_challenge_method"] == "S256"
    sent = seen["token"]
    assert (sent["grant_type"], sent["code"], sent["client_id"], sent["redirect_uri"]) == (
        "authorization_code", "the-code", auth.audience, app)
    verifier = sent["code_verifier"]
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    assert challenge == asked["code_challenge"]  # PKCE: the verifier behind the challenge, sent only now
    assert "client_secret" not in sent
    stored = json.dumps(page.evaluate("() => Object.keys(localStorage)"))
    assert stored == "[]"  # the session lives in the tab only
