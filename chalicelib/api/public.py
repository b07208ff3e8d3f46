"""Open routes: health, the OpenAPI document and the reason catalogue."""

from chalice.app import Blueprint, Response

from ..domain import reasons
from . import schemas
from .errors import JSON
from .routing import Ctx, encode, endpoint, ok

public = Blueprint(__name__)


@endpoint(public, "/health", "GET", role=None, summary="Liveness", response=schemas.HealthOut, tag="open")
def health(ctx: Ctx[None]) -> Response:
    return ok(schemas.HealthOut(status="ok"))


@endpoint(public, "/openapi.json", "GET", role=None, summary="This API as an OpenAPI 3.1 document",
          response=None, tag="open")
def openapi_document(ctx: Ctx[None]) -> Response:
    from .openapi import document  # built on first use only: it walks every route and schema

    return Response(body=encode(document()), status_code=200, headers=dict(JSON))


@endpoint(public, "/cancellation-reasons", "GET", role=None, response=schemas.ReasonCatalogueOut, tag="open",
          summary="Reason catalogues: buyer, seller cancel by order status, reject; each with fault and SFCR flag")
def cancellation_reasons(ctx: Ctx[None]) -> Response:
    return Response(body=encode(reasons.catalogue()), status_code=200, headers=dict(JSON))
