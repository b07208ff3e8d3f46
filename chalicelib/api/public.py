"""Open routes: health, the OpenAPI document and the reason catalogue."""

from chalice.app import Blueprint, Response

from ..answers import shapes
from ..domain import reasons
from .errors import JSON
from .routing import Ctx, encode, endpoint, ok

public = Blueprint(__name__)


@endpoint(public, "/health", "GET", role=None, summary="Liveness", response=shapes.HealthOut, tag="open")
def health(ctx: Ctx[None]) -> Response:
    """Answers {"status": "ok"} while the API is up. It reads no table, so it says nothing about DynamoDB."""
    return ok(shapes.HealthOut(status="ok"))


@endpoint(public, "/openapi.json", "GET", role=None, summary="This API as an OpenAPI 3.1 document",
          response=None, tag="open")
def openapi_document(ctx: Ctx[None]) -> Response:
    """This API as an OpenAPI 3.1 document: every route with its role, parameters, body and answers, and the error
    shape they share. `GET /docs` shows it in an interactive viewer."""
    from .openapi import document  # built on first use only: it walks every route and schema

    return Response(body=encode(document()), status_code=200, headers=dict(JSON))


@endpoint(public, "/cancellation-reasons", "GET", role=None, response=shapes.ReasonCatalogueOut, tag="open",
          summary="Reason catalogues: buyer, seller cancel by order status, reject; each with fault and SFCR flag")
def cancellation_reasons(ctx: Ctx[None]) -> Response:
    """The reasons each party may give: the buyer's for a request, the seller's for cancelling (by order status) and
    for rejecting a request. Each reason says who is at fault and whether it counts toward the seller-fault
    cancellation rate."""
    return Response(body=encode(reasons.catalogue()), status_code=200, headers=dict(JSON))
