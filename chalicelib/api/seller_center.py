"""`GET /app`: the Seller Center page (web/seller-center), same origin as the API, every file served by the app.

The files are built into chalicelib/static/seller-center by `make page` and ship in the Lambda package with the
rest of chalicelib/; they are read on first request only, so the API's cold start does not pay for them. The page
talks to the API on the same origin (no CORS), and to the evidence bucket for photos (the bucket's CORS rules).
`GET /app/config.json` is its runtime configuration: where the
API is, the response window, and in the cloud (`AUTH_MODE=jwks`) the identity provider the page signs in
through (authorization code with PKCE; the issuer is the authority and the audience the client id, which is
what the API checks in an ID token). The asset route looks its name up in the built files' own list and never
builds a path from the request, so nothing else can be read through it.
"""

import json
import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from chalice.app import Blueprint, Response

from .. import config
from .errors import FRAMEWORK_ERRORS, error_response

seller_center = Blueprint(__name__)

STATIC = Path(__file__).resolve().parent.parent / "static" / "seller-center"
PAGE = "index.html"
CONFIG = "config.json"
HTML = "text/html; charset=utf-8"
TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml"}
# What the identity provider appends when it sends the seller back to the page (OAuth 2.0 / OIDC redirect).
REDIRECT_PARAMETERS = frozenset({"code", "state", "error", "error_description", "error_uri", "iss", "session_state"})
# The build names its files `<name>-<hash>.<ext>`; the page names them `app/<file>`.
_REFERENCE = r"""(?:src|href)="app/([A-Za-z0-9_.-]+)\""""  # compiled on first use, not at cold start

PAGE_CACHE = "no-cache"  # tiny, and it names the current build's files: always revalidated
ASSET_CACHE = "public, max-age=31536000, immutable"  # a file's name changes with its content
CONFIG_CACHE = "no-store"
_COMMON = {"X-Content-Type-Options": "nosniff"}


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("https", "http") and parts.netloc else None


def page_config() -> dict[str, object]:
    """What the page reads at start: the API's base URL, the response window, and the provider to sign in with."""
    current = config.settings()
    oidc = None
    if current.auth_mode == "jwks" and current.auth_issuer and current.auth_audience:
        oidc = {"authority": current.auth_issuer, "client_id": current.auth_audience,
                "scope": current.seller_center_oidc_scope}
    return {
        "api_base_url": current.seller_center_api_base_url,
        "response_window_seconds": current.seller_response_window_seconds,
        "market_timezone": current.market_timezone,
        "oidc": oidc,
    }


def content_security_policy() -> str:
    """Everything from the app itself; the API (if configured elsewhere) and the provider's endpoints for fetches;
    the evidence bucket for the photos' uploads and links (docs/evidence.md), and the previews of the photos chosen
    (`blob:`, object URLs of files that never left the browser)."""
    from ..store import evidence_objects  # the bucket's address loads with the page's first request

    current = config.settings()
    connect = ["'self'"]
    extra = [current.seller_center_api_base_url]
    if current.auth_mode == "jwks":
        extra.append(current.auth_issuer)
    connect += [origin for url in extra if url and (origin := _origin(url))]
    connect += [origin for url in current.seller_center_connect_origins.split() if (origin := _origin(url))]
    bucket = [origin for url in evidence_objects.browser_urls() if (origin := _origin(url))]
    images = " ".join(dict.fromkeys(["'self'", "blob:", *bucket]))
    return (f"default-src 'none'; script-src 'self'; style-src 'self'; img-src {images}; "
            f"connect-src {' '.join(dict.fromkeys(connect + bucket))}; base-uri 'none'; form-action 'none'; "
            "frame-ancestors 'none'")


def _page_references(page: str) -> list[str]:
    return re.findall(_REFERENCE, page)


@lru_cache(maxsize=1)
def _assets() -> dict[str, str]:
    """The built files the asset route serves, with their content types: read once, on first use."""
    if not STATIC.is_dir():
        return {}
    return {path.name: TYPES[path.suffix] for path in STATIC.iterdir() if path.is_file() and path.suffix in TYPES}


def missing_files() -> list[str]:
    """Files the page needs that the build has not put in place (`scripts/package.sh` refuses to ship without)."""
    try:
        page = (STATIC / PAGE).read_text(encoding="utf-8")
    except FileNotFoundError:
        return [PAGE]
    return [name for name in _page_references(page) if not (STATIC / name).is_file()]


@lru_cache(maxsize=16)
def _text(name: str) -> str:
    return (STATIC / name).read_text(encoding="utf-8")


def _refuse_query(allowed: frozenset[str]) -> Response | None:
    query: Mapping[str, str] = seller_center.current_request.query_params or {}
    unknown = [name for name in list(query) if name not in allowed]
    if unknown:
        return error_response(400, "UNKNOWN_PARAMETER", f"Unknown query parameter {unknown[0][:64]!r}.",
                              details={"allowed": sorted(allowed)})
    return None


def _serve(name: str, content_type: str, headers: dict[str, str]) -> Response:
    try:
        body = _text(name)
    except FileNotFoundError:
        return error_response(500, "PAGE_NOT_BUILT", "The Seller Center page's files are missing from this deployment.")
    return Response(body=body, status_code=200, headers={"Content-Type": content_type, **_COMMON, **headers})


@seller_center.route("/app", methods=["GET"], content_types=["*/*"])
def seller_center_page() -> Response:
    if (seller_center.current_request.context or {}).get("path", "").endswith("/"):
        # From /app/ the page's relative URLs would point one folder too deep: relative, so the stage stays.
        return Response(body="", status_code=301, headers={"Location": "../app", "Content-Type": "text/plain",
                                                           **_COMMON})
    refused = _refuse_query(REDIRECT_PARAMETERS)
    if refused is not None:
        return refused
    return _serve(PAGE, HTML, {"Cache-Control": PAGE_CACHE, "Content-Security-Policy": content_security_policy(),
                               "Referrer-Policy": "no-referrer"})


@seller_center.route("/app/{asset}", methods=["GET"], content_types=["*/*"])
def seller_center_asset(asset: str) -> Response:
    refused = _refuse_query(frozenset())
    if refused is not None:
        return refused
    if asset == CONFIG:
        return Response(body=json.dumps(page_config()), status_code=200,
                        headers={"Content-Type": "application/json", "Cache-Control": CONFIG_CACHE, **_COMMON})
    content_type = _assets().get(asset)
    if content_type is None:
        return error_response(404, *FRAMEWORK_ERRORS[404])
    return _serve(asset, content_type, {"Cache-Control": ASSET_CACHE})
