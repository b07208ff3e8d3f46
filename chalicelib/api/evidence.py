"""Evidence files: a seller declares an upload and gets a presigned POST to send the file straight to S3.

Only the declaration loads at cold start: the view's work is in evidence_views, loaded with its first request."""

from typing import TYPE_CHECKING

from chalice.app import Blueprint, Response

from ..domain.identity import Role
from .routing import Ctx, endpoint, schema, shape

if TYPE_CHECKING:
    from . import schemas

evidence_routes = Blueprint(__name__)


@endpoint(evidence_routes, "/seller/evidence", "POST", role=Role.SELLER, body=schema("EvidenceIn"),
          response=shape("EvidenceUploadOut"), status=201, errors=(400,), tag="evidence",
          summary="Declare an evidence file and get a presigned upload for it (valid {UPLOAD_VALID})")
def declare_evidence(ctx: Ctx["schemas.EvidenceIn"]) -> Response:
    """Declares one image ({EVIDENCE_TYPES}, at most {EVIDENCE_SIZE}) and answers 201 with its
    evidence_id and a presigned POST: send upload.fields, then the file as the field `file`, as
    multipart/form-data to upload.url before expires_at. The upload is refused if it is larger than the declared
    size or of another content type. Attach it with evidence_ids when rejecting; a file never attached is deleted
    after {UNATTACHED_KEPT}."""
    from . import evidence_views as views  # the evidence files' work loads on first use

    return views.declare_evidence(ctx)
