"""The work of the open routes that chalicelib/api/public.py declares, one function per route. Loaded on the
first open request; the OpenAPI document is built on its own first request only (it walks every route and
schema)."""

from chalice.app import Response

from ..answers import shapes
from ..domain import labels, reasons
from .errors import JSON
from .routing import Ctx, encode, ok


def health(ctx: Ctx[None]) -> Response:
    return ok(shapes.HealthOut(status="ok"))


def openapi_document(ctx: Ctx[None]) -> Response:
    from .openapi import document

    return Response(body=encode(document()), status_code=200, headers=dict(JSON))


def cancellation_reasons(ctx: Ctx[None]) -> Response:
    language = labels.negotiate(ctx.every("locale"), ctx.request.headers.get("accept-language"))
    # The answer depends on Accept-Language: a shared cache keeps one copy per value of it.
    headers: dict[str, str | list[str]] = {**JSON, "Content-Language": language, "Vary": "Accept-Language"}
    return Response(body=encode(reasons.catalogue(language)), status_code=200, headers=headers)
