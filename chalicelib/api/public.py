"""Open routes: health, the OpenAPI document and the reason catalogue.

Only the declarations load at cold start: each view's work is in public_views, loaded with the first request."""

from chalice.app import Blueprint, Response

from .routing import Ctx, QueryParam, endpoint, shape

public = Blueprint(__name__)


@endpoint(public, "/health", "GET", role=None, summary="Liveness", response=shape("HealthOut"), tag="open")
def health(ctx: Ctx[None]) -> Response:
    """Answers {"status": "ok"} while the API is up. It reads no table, so it says nothing about DynamoDB."""
    from . import public_views as views  # the open routes' work loads on first use

    return views.health(ctx)


@endpoint(public, "/openapi.json", "GET", role=None, summary="This API as an OpenAPI 3.1 document",
          response=None, tag="open")
def openapi_document(ctx: Ctx[None]) -> Response:
    """This API as an OpenAPI 3.1 document: every route with its role, parameters, body and answers, and the error
    shape they share. `GET /docs` shows it in an interactive viewer."""
    from . import public_views as views  # the open routes' work loads on first use

    return views.openapi_document(ctx)


@endpoint(public, "/cancellation-reasons", "GET", role=None, response=shape("ReasonCatalogueOut"), tag="open",
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
    from . import public_views as views  # the open routes' work loads on first use

    return views.cancellation_reasons(ctx)
