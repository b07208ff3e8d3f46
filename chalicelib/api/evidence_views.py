"""The work of the evidence route that chalicelib/api/evidence.py declares. Loaded on its first request, with the
evidence files' service and the answers it needs."""

from chalice.app import Response

from ..answers import shapes
from ..domain.clock import iso
from ..service import evidence
from . import schemas
from .routing import Ctx, ok


def declare_evidence(ctx: Ctx[schemas.EvidenceIn]) -> Response:
    body = ctx.body
    made = evidence.declare(ctx.caller, body.content_type, body.size, ctx.now)
    return ok(shapes.EvidenceUploadOut(
        evidence_id=made.evidence_id,
        upload=shapes.UploadOut(url=made.upload["url"], fields=dict(made.upload["fields"])),
        expires_at=iso(made.expires_at)), status=201)
