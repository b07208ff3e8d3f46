"""Evidence files: a seller declares an upload and gets a presigned POST to send the file straight to S3."""

from chalice.app import Blueprint, Response

from ..answers import shapes
from ..domain.clock import iso
from ..domain.identity import Role
from ..service import evidence
from . import schemas
from .routing import Ctx, endpoint, ok

evidence_routes = Blueprint(__name__)


@endpoint(evidence_routes, "/seller/evidence", "POST", role=Role.SELLER, body=schemas.EvidenceIn,
          response=shapes.EvidenceUploadOut, status=201, errors=(400,), tag="evidence",
          summary="Declare an evidence file and get a presigned upload for it (valid {UPLOAD_VALID})")
def declare_evidence(ctx: Ctx[schemas.EvidenceIn]) -> Response:
    """Declares one image ({EVIDENCE_TYPES}, at most {EVIDENCE_SIZE}) and answers 201 with its
    evidence_id and a presigned POST: send upload.fields, then the file as the field `file`, as
    multipart/form-data to upload.url before expires_at. The upload is refused if it is larger than the declared
    size or of another content type. Attach it with evidence_ids when rejecting; a file never attached is deleted
    after {UNATTACHED_KEPT}."""
    body = ctx.body
    made = evidence.declare(ctx.caller, body.content_type, body.size, ctx.now)
    return ok(shapes.EvidenceUploadOut(
        evidence_id=made.evidence_id,
        upload=shapes.UploadOut(url=made.upload["url"], fields=dict(made.upload["fields"])),
        expires_at=iso(made.expires_at)), status=201)
