"""Open routes: health, the OpenAPI document and the reason catalogue."""

from chalice.app import Blueprint, Response

from ..answers import shapes
from ..domain import labels, reasons
from .errors import JSON
from .routing import Ctx, QueryParam, encode, endpoint, ok

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
          query=(QueryParam("locale", {"type": "string", "examples": ["en", "id", "id-ID"]},
                            "BCP 47 language tag of the labels; wins over Accept-Language. Given more than once, "
                            "the first the desk has; a language the desk does not have answers in English (en)",
                            repeatable=True),),
          headers=(QueryParam("Accept-Language", {"type": "string"},
                              "The caller's languages (RFC 9110); read when `locale` is not given"),),
          answer_headers=(QueryParam("Content-Language", {"type": "string", "examples": ["en", "id"]},
                                     "The language of the labels"),
                          QueryParam("Vary", {"type": "string", "const": "Accept-Language"},
                                     "The labels depend on Accept-Language")),
          summary="Reason catalogues: buyer, seller cancel by status, reject; each with fault, SFCR flag and label")
def cancellation_reasons(ctx: Ctx[None]) -> Response:
    """The reasons each party may give: the buyer's for a request, the seller's for cancelling (by order status) and
    for rejecting a request. Each reason says who is at fault, whether it counts toward the seller-fault
    cancellation rate, and its label in the language asked for: `locale` (given more than once, the first the desk
    has), else the first language of Accept-Language the desk has, else English, never an error; the answer's
    Content-Language says which."""
    language = labels.negotiate(ctx.every("locale"), ctx.request.headers.get("accept-language"))
    # The answer depends on Accept-Language: a shared cache keeps one copy per value of it.
    headers: dict[str, str | list[str]] = {**JSON, "Content-Language": language, "Vary": "Accept-Language"}
    return Response(body=encode(reasons.catalogue(language)), status_code=200, headers=headers)
