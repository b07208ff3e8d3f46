"""`GET /docs`: this API in an interactive viewer (Swagger UI) over `/openapi.json`, every file served by the app.

The files are built into chalicelib/static/docs by `make docs` (from web/api-docs) and ship in the Lambda
package with the rest of chalicelib/. The asset route looks its name up in a fixed table and never builds a
file path from the request, so nothing else can be read through it.
"""

from functools import lru_cache
from pathlib import Path

from chalice.app import Blueprint, Response

from .errors import FRAMEWORK_ERRORS, error_response

docs_page = Blueprint(__name__)

STATIC = Path(__file__).resolve().parent.parent / "static" / "docs"
PAGE = "index.html"
HTML = "text/html; charset=utf-8"
ASSETS: dict[str, str] = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "init.js": "text/javascript; charset=utf-8",
}

# Everything from the app itself. Swagger UI sets styles through the DOM (allowed) and its stylesheet inlines
# its icons as data: URIs (img-src); the document and "Try it out" calls are same-origin fetches.
CONTENT_SECURITY_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
# The page is tiny and names the assets: always revalidated. The assets change only with a new deployment.
PAGE_CACHE = "no-cache"
ASSET_CACHE = "public, max-age=3600"
_COMMON = {"X-Content-Type-Options": "nosniff"}


def missing_files() -> list[str]:
    """Files the routes serve that the build has not put in place (`scripts/package.sh` refuses to ship without)."""
    return [name for name in (PAGE, *ASSETS) if not (STATIC / name).is_file()]


@lru_cache(maxsize=len(ASSETS) + 1)
def _text(name: str) -> str:
    return (STATIC / name).read_text(encoding="utf-8")


def _serve(name: str, content_type: str, headers: dict[str, str]) -> Response:
    query = docs_page.current_request.query_params
    if query:
        return error_response(400, "UNKNOWN_PARAMETER", f"Unknown query parameter {next(iter(query))[:64]!r}.",
                              details={"allowed": []})
    try:
        body = _text(name)
    except FileNotFoundError:
        return error_response(500, "DOCS_NOT_BUILT", "The API viewer's files are missing from this deployment.")
    return Response(body=body, status_code=200, headers={"Content-Type": content_type, **_COMMON, **headers})


@docs_page.route("/docs", methods=["GET"], content_types=["*/*"])
def docs_viewer() -> Response:
    if (docs_page.current_request.context or {}).get("path", "").endswith("/"):
        # From /docs/ the page's relative URLs would point one folder too deep: send the browser to /docs,
        # relative again so that API Gateway's stage prefix stays in front.
        return Response(body="", status_code=301,
                        headers={"Location": "../docs", "Content-Type": "text/plain", **_COMMON})
    return _serve(PAGE, HTML, {"Cache-Control": PAGE_CACHE, "Content-Security-Policy": CONTENT_SECURITY_POLICY,
                               "Referrer-Policy": "no-referrer"})


@docs_page.route("/docs/{asset}", methods=["GET"], content_types=["*/*"])
def docs_asset(asset: str) -> Response:
    content_type = ASSETS.get(asset)
    if content_type is None:
        return error_response(404, *FRAMEWORK_ERRORS[404])
    return _serve(asset, content_type, {"Cache-Control": ASSET_CACHE})
