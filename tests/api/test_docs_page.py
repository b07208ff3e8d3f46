"""`GET /docs`: a page that loads only files the app serves itself, each with its own content type, under a
Content-Security-Policy of 'self' only; nothing but the listed files can be fetched, and every refusal is in the
contract's error shape."""

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from chalice.test import Client

from app import app
from chalicelib.api import docs_page
from tests.support.desk import assert_error, header
from tests.support.paths import ROOT

ORIGIN = "http://127.0.0.1:8000"
STAGE_ORIGIN = "https://abc123.execute-api.us-east-1.amazonaws.com/api"
TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}


class Page(HTMLParser):
    """The URLs a page makes the browser load, and whatever it runs or styles inline."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline: list[str] = []
        self._tag: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.urls += [value for name, value in attrs if name in ("src", "href") and value]
        if tag == "style" or "style" in found or any(name.startswith("on") for name in found):
            self.inline.append(tag)
        self._tag = tag

    def handle_data(self, data: str) -> None:
        if self._tag == "script" and data.strip():
            self.inline.append("script")

    def handle_endtag(self, tag: str) -> None:
        self._tag = None


@dataclass
class Answer:
    status_code: int
    headers: dict[str, str]
    body: bytes
    text: str
    json: Any


class Viewer:
    """The app through chalice.test.Client, for answers that are HTML, CSS or JS as well as JSON errors."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def get(self, path: str) -> Answer:
        response = self.client.http.get(path)
        body = response.body or b""
        text = body.decode()
        return Answer(response.status_code, dict(response.headers), body, text,
                      json.loads(text) if text.startswith("{") else None)


@pytest.fixture(scope="module")
def viewer() -> Iterator[Viewer]:
    with Client(app, stage_name="test", project_dir=str(ROOT)) as client:
        yield Viewer(client)


@pytest.fixture(scope="module")
def page(viewer: Viewer) -> Answer:
    response = viewer.get("/docs")
    assert response.status_code == 200
    return response


def parsed(page: Answer) -> Page:
    result = Page()
    result.feed(page.text)
    return result


def test_the_page_is_html_that_loads_only_relative_same_origin_urls(page: Answer) -> None:
    assert header(page, "Content-Type") == "text/html; charset=utf-8"
    assert not re.search(r"(https?:)?//", page.text.replace("<!doctype html>", ""))
    urls = parsed(page).urls
    assert urls and all(not urlsplit(url).scheme and not urlsplit(url).netloc and not url.startswith("/")
                        for url in urls), urls
    # Relative to the page: the same files under /docs locally and under the stage prefix behind API Gateway.
    assert {urljoin(f"{ORIGIN}/docs", url) for url in urls} == {f"{ORIGIN}/docs/{name}" for name in docs_page.ASSETS}
    assert {urljoin(f"{STAGE_ORIGIN}/docs", url) for url in urls} == {
        f"{STAGE_ORIGIN}/docs/{name}" for name in docs_page.ASSETS}


def test_nothing_runs_or_is_styled_inline_so_the_strict_policy_holds(page: Answer) -> None:
    assert parsed(page).inline == []


def test_the_page_carries_a_same_origin_only_content_security_policy(page: Answer) -> None:
    policy = header(page, "Content-Security-Policy") or ""
    directives = {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}
    assert directives["default-src"] == ["'none'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["connect-src"] == ["'self'"]  # the document and "Try it out"
    assert directives["frame-ancestors"] == ["'none'"]
    assert {source for sources in directives.values() for source in sources} <= {"'self'", "'none'", "data:"}
    assert header(page, "Cache-Control") == "no-cache"
    assert header(page, "X-Content-Type-Options") == "nosniff"


@pytest.mark.parametrize("name", sorted(docs_page.ASSETS))
def test_each_file_the_page_names_is_served_with_its_type(viewer: Viewer, name: str) -> None:
    response = viewer.get(f"/docs/{name}")
    assert response.status_code == 200
    assert header(response, "Content-Type") == TYPES[Path(name).suffix]
    assert header(response, "Cache-Control") == "public, max-age=3600"
    assert header(response, "X-Content-Type-Options") == "nosniff"
    assert header(response, "Content-Security-Policy") is None
    assert response.text == (docs_page.STATIC / name).read_text(encoding="utf-8")
    assert "sourceMappingURL" not in response.text[-300:]  # no map is shipped, so none is asked for


def test_the_viewer_loads_this_apis_document_from_beside_the_page(viewer: Viewer) -> None:
    start = viewer.get("/docs/init.js").text
    assert 'new URL("openapi.json", document.baseURI)' in start
    assert "validatorUrl: null" in start and "queryConfigEnabled: false" in start
    assert not re.search(r"https?://", start)
    assert urljoin(f"{STAGE_ORIGIN}/docs", "openapi.json") == f"{STAGE_ORIGIN}/openapi.json"
    assert viewer.get("/openapi.json").status_code == 200


@pytest.mark.parametrize("path", [
    "/docs/nope.js", "/docs/index.html", "/docs/swagger-ui.css.map", "/docs/swagger-ui-bundle.js.map",
    "/docs/swagger-ui.LICENSE", "/docs/.built", "/docs/INIT.JS", "/docs/init.js%00", "/docs/..%2Fapp.py",
    "/docs/..%2F..%2Fchalicelib%2Fconfig.py", "/docs/%2e%2e", "/docs/../app.py", "/docs/init.js/more",
    "/docs/swagger-ui-standalone-preset.js", "/docs/favicon-32x32.png",
])
def test_anything_else_under_docs_is_404_route_not_found(viewer: Viewer, path: str) -> None:
    assert_error(viewer.get(path), 404, "ROUTE_NOT_FOUND")


def test_a_trailing_slash_is_sent_back_to_the_page_relatively(viewer: Viewer) -> None:
    response = viewer.get("/docs/")
    assert response.status_code == 301
    assert header(response, "Location") == "../docs"
    assert urljoin(f"{STAGE_ORIGIN}/docs/", "../docs") == f"{STAGE_ORIGIN}/docs"


def test_query_parameters_are_refused_like_on_every_route(viewer: Viewer) -> None:
    error = assert_error(viewer.get("/docs?url=https://elsewhere.example/openapi.json"), 400, "UNKNOWN_PARAMETER")
    assert error["details"] == {"allowed": []}
    assert_error(viewer.get("/docs/init.js?v=1"), 400, "UNKNOWN_PARAMETER")


def test_a_deployment_without_the_built_files_says_so_in_the_error_shape(viewer: Viewer, tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docs_page, "STATIC", tmp_path)
    docs_page._text.cache_clear()
    try:
        assert docs_page.missing_files() == [docs_page.PAGE, *docs_page.ASSETS]
        assert_error(viewer.get("/docs"), 500, "DOCS_NOT_BUILT")
        assert_error(viewer.get("/docs/init.js"), 500, "DOCS_NOT_BUILT")
    finally:
        docs_page._text.cache_clear()
    monkeypatch.undo()
    assert docs_page.missing_files() == []
