"""`GET /app`: the Seller Center page, its built files and its runtime configuration, served by the app itself on
the API's origin under a strict Content-Security-Policy; nothing but the built files can be fetched, no demo token
is ever in what the app serves, and every refusal is in the contract's error shape."""

import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from chalice.test import Client

from app import app
from chalicelib import config
from chalicelib.api import seller_center
from tests.api.test_docs_page import Answer, Viewer, parsed
from tests.support.desk import assert_error, header
from tests.support.paths import ROOT

ORIGIN = "http://127.0.0.1:8000"
STAGE_ORIGIN = "https://abc123.execute-api.us-east-1.amazonaws.com/api"
TYPES = seller_center.TYPES
ISSUER = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Example"
# Where the page posts photos and loads their links (docs/evidence.md): the evidence bucket, as S3 names it.
BUCKET_ORIGIN = "https://cancel-desk-evidence.s3.amazonaws.com"


@pytest.fixture(scope="module")
def viewer() -> Iterator[Viewer]:
    with Client(app, stage_name="test", project_dir=str(ROOT)) as client:
        yield Viewer(client)


@pytest.fixture(scope="module")
def page(viewer: Viewer) -> Answer:
    response = viewer.get("/app")
    assert response.status_code == 200
    return response


def built_files() -> list[str]:
    return sorted(p.name for p in seller_center.STATIC.iterdir() if p.suffix in TYPES)


def directives(answer: Answer) -> dict[str, list[str]]:
    policy = header(answer, "Content-Security-Policy") or ""
    return {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}


def test_the_page_is_html_that_loads_only_its_own_files_relative_to_itself(page: Answer) -> None:
    assert header(page, "Content-Type") == "text/html; charset=utf-8"
    assert not re.search(r"(https?:)?//", page.text.replace("<!doctype html>", ""))
    urls = parsed(page).urls
    assert urls and all(not urlsplit(u).scheme and not urlsplit(u).netloc and not u.startswith("/") for u in urls)
    # /app locally, /<stage>/app behind API Gateway: the same files, beside the page.
    names = {urljoin(f"{ORIGIN}/app", url).removeprefix(f"{ORIGIN}/app/") for url in urls}
    assert {urljoin(f"{STAGE_ORIGIN}/app", url) for url in urls} == {f"{STAGE_ORIGIN}/app/{n}" for n in names}
    assert names <= set(built_files())
    assert seller_center.missing_files() == []


def test_nothing_runs_or_is_styled_inline_so_the_strict_policy_holds(page: Answer) -> None:
    assert parsed(page).inline == []


def test_locally_the_policy_allows_only_the_pages_own_origin_and_the_evidence_bucket(page: Answer) -> None:
    found = directives(page)
    assert found["default-src"] == ["'none'"]
    assert found["script-src"] == ["'self'"] and found["style-src"] == ["'self'"]
    # The API is on the same origin (no CORS); the photos go to the bucket and come back from it as links.
    assert found["connect-src"] == ["'self'", BUCKET_ORIGIN]
    # blob: the previews of photos chosen, which never left the browser.
    assert found["img-src"] == ["'self'", "blob:", BUCKET_ORIGIN]
    assert found["frame-ancestors"] == ["'none'"] and found["form-action"] == ["'none'"]
    assert header(page, "Cache-Control") == "no-cache"
    assert header(page, "X-Content-Type-Options") == "nosniff"
    assert header(page, "Referrer-Policy") == "no-referrer"


def test_in_the_cloud_the_policy_adds_the_identity_providers_origins_and_nothing_else(
        viewer: Viewer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTH_MODE", "jwks")
    monkeypatch.setenv("AUTH_ISSUER", ISSUER)
    monkeypatch.setenv("AUTH_AUDIENCE", "client-123")
    monkeypatch.setenv("SELLER_CENTER_CONNECT_ORIGINS", "https://desk.auth.eu-west-1.amazoncognito.com/oauth2 junk")
    found = directives(viewer.get("/app"))
    assert found["connect-src"] == ["'self'", "https://cognito-idp.eu-west-1.amazonaws.com",
                                    "https://desk.auth.eu-west-1.amazoncognito.com", BUCKET_ORIGIN]
    assert found["script-src"] == ["'self'"]


@pytest.mark.parametrize("name", built_files())
def test_each_built_file_is_served_with_its_type_and_cached_for_good(viewer: Viewer, name: str) -> None:
    response = viewer.get(f"/app/{name}")
    assert response.status_code == 200
    assert header(response, "Content-Type") == TYPES[Path(name).suffix]
    assert header(response, "Cache-Control") == "public, max-age=31536000, immutable"
    assert re.search(r"-[A-Za-z0-9_-]{8}\.(js|css|svg)$", name), "a cached-for-good file must change its name"
    assert response.text == (seller_center.STATIC / name).read_text(encoding="utf-8")


def test_locally_the_config_names_no_provider_and_the_api_on_the_same_origin(viewer: Viewer) -> None:
    response = viewer.get("/app/config.json")
    assert response.status_code == 200
    assert header(response, "Content-Type") == "application/json"
    assert header(response, "Cache-Control") == "no-store"
    window = int(config.policy().response_window.total_seconds())
    assert response.json == {"api_base_url": "", "response_window_seconds": window, "market_timezone": "UTC",
                             "oidc": None}


def test_in_the_cloud_the_config_signs_in_through_the_tokens_issuer_as_their_audience(
        viewer: Viewer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTH_MODE", "jwks")
    monkeypatch.setenv("AUTH_ISSUER", ISSUER)
    monkeypatch.setenv("AUTH_AUDIENCE", "client-123")
    monkeypatch.setenv("SELLER_RESPONSE_WINDOW_SECONDS", "7200")
    body = viewer.get("/app/config.json").json
    assert body["oidc"] == {"authority": ISSUER, "client_id": "client-123", "scope": "openid"}
    assert body["response_window_seconds"] == 7200


def test_no_token_or_secret_is_ever_in_what_the_app_serves(viewer: Viewer, page: Answer) -> None:
    served = [page.text, viewer.get("/app/config.json").text, *(viewer.get(f"/app/{n}").text for n in built_files())]
    secret = json.loads((ROOT / ".chalice" / "config.json").read_text())["stages"]["dev"]["environment_variables"]
    for text in served:
        assert secret["AUTH_JWT_SECRET"] not in text
        assert not re.search(r"eyJ[A-Za-z0-9_-]{10,}\.eyJ", text)  # no JWT
    assert_error(viewer.get("/app/demo-sellers.json"), 404, "ROUTE_NOT_FOUND")  # only the local runner has it


@pytest.mark.parametrize("path", [
    "/app/nope.js", "/app/index.html", "/app/.built", "/app/..%2Fapp.py", "/app/%2e%2e", "/app/../app.py",
    "/app/config.json/more", "/app/CONFIG.JSON", "/app/index.js.map",
])
def test_anything_else_under_app_is_404_route_not_found(viewer: Viewer, path: str) -> None:
    assert_error(viewer.get(path), 404, "ROUTE_NOT_FOUND")


def test_the_providers_redirect_back_is_accepted_and_anything_else_in_the_query_refused(viewer: Viewer) -> None:
    assert viewer.get("/app?code=abc&state=xyz").status_code == 200
    assert viewer.get("/app?error=access_denied&state=xyz").status_code == 200
    error = assert_error(viewer.get("/app?debug=1"), 400, "UNKNOWN_PARAMETER")
    assert "code" in error["details"]["allowed"]
    assert_error(viewer.get("/app/config.json?v=1"), 400, "UNKNOWN_PARAMETER")


def test_a_trailing_slash_is_sent_back_to_the_page_relatively(viewer: Viewer) -> None:
    response = viewer.get("/app/")
    assert response.status_code == 301
    assert header(response, "Location") == "../app"


def test_a_deployment_without_the_built_files_says_so_in_the_error_shape(viewer: Viewer, tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(seller_center, "STATIC", tmp_path)
    seller_center._text.cache_clear()
    try:
        assert seller_center.missing_files() == [seller_center.PAGE]
        assert_error(viewer.get("/app"), 500, "PAGE_NOT_BUILT")
        (tmp_path / "index.html").write_text('<script type="module" src="app/index-AAAAAAAA.js"></script>')
        assert seller_center.missing_files() == ["index-AAAAAAAA.js"]
    finally:
        seller_center._text.cache_clear()
    monkeypatch.undo()
    assert seller_center.missing_files() == []
