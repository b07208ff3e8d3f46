"""Evidence files on S3: presigned uploads and links, what an object holds, and its state tag.

The client is built on first use, so only the routes that touch files load botocore's S3 model.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .. import config
from ..domain import evidence
from ..domain.evidence import ContentType, Stored
from ..domain.limits import MAX_EVIDENCE_BYTES
from .contention import Unavailable

_client: Any = None

# The bucket's CORS rules (S3's shape), the stack's and the local bucket's alike: the page posts each file straight
# to the bucket from its own origin, and reads the answer. Any origin: the presigned policy, not the origin, is the
# gate (E2); links are plain GETs. The stack cannot name the API's origin here: the API's function names the bucket.
CORS_RULES: tuple[dict[str, Any], ...] = (
    {"AllowedMethods": ["POST", "GET"], "AllowedOrigins": ["*"], "AllowedHeaders": ["*"], "MaxAgeSeconds": 3000},
)


def client() -> Any:
    global _client
    if _client is None:
        from botocore.config import Config  # type: ignore[import-untyped]  # on first use only
        from botocore.session import get_session  # type: ignore[import-untyped]

        # A local endpoint (the runner's embedded moto on loopback) has no bucket subdomains: path-style there.
        style = "path" if os.environ.get("AWS_ENDPOINT_URL_S3") else "auto"
        _client = get_session().create_client(
            "s3", config=Config(signature_version="s3v4", s3={"addressing_style": style}))
    return _client


def reset() -> None:
    global _client
    _client = None


def _bucket() -> str:
    return config.settings().evidence_bucket


def tagging(value: str) -> str:
    """The state tag as S3's POST form and PutObjectTagging's body spell it."""
    from xml.sax.saxutils import escape  # on a declaration only: four modules the cold start does without

    return (f"<Tagging><TagSet><Tag><Key>{evidence.STATE_TAG}</Key><Value>{escape(value)}</Value></Tag></TagSet>"
            "</Tagging>")


def presigned_upload(key: str, content_type: ContentType, size: int) -> dict[str, Any]:
    """A presigned POST whose policy pins the key, the type, the state tag and the size (1..`size` bytes)."""
    fields = {"Content-Type": content_type.value, "tagging": tagging(evidence.UPLOADED)}
    conditions: list[Any] = [{"Content-Type": content_type.value}, {"tagging": fields["tagging"]},
                             ["content-length-range", 1, size]]
    post: dict[str, Any] = client().generate_presigned_post(
        Bucket=_bucket(), Key=key, Fields=fields, Conditions=conditions,
        ExpiresIn=int(evidence.UPLOAD_VALID.total_seconds()))
    return post


def link(key: str) -> str:
    """A presigned GET (signed here: no call to S3)."""
    url: str = client().generate_presigned_url("get_object", Params={"Bucket": _bucket(), "Key": key},
                                               ExpiresIn=int(evidence.LINK_VALID.total_seconds()))
    return url


# S3 slowing the caller down or failing on its side, after the SDK's own retries: the attach check reads before
# anything is written, so the request may simply be sent again (503, as for DynamoDB's throttling).
UNAVAILABLE_CODES = frozenset({"SlowDown", "ServiceUnavailable", "InternalError", "RequestTimeout"})


@contextmanager
def _unavailable_as_busy() -> Iterator[None]:
    from botocore.exceptions import ClientError, ConnectionError, HTTPClientError  # type: ignore[import-untyped]

    try:
        yield
    except (ConnectionError, HTTPClientError) as error:  # unreachable, or no answer in time
        raise Unavailable(str(error)) from error
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in UNAVAILABLE_CODES:
            raise Unavailable(str(error)) from error
        raise


def stored(key: str) -> Stored | None:
    """What the key holds: HeadObject for the size, then a ranged GetObject of the first bytes; None when
    nothing was uploaded. A file too large to attach is not read further."""
    from botocore.exceptions import ClientError

    with _unavailable_as_busy():
        try:
            size = int(client().head_object(Bucket=_bucket(), Key=key)["ContentLength"])
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise
        if size > MAX_EVIDENCE_BYTES:
            return Stored(size=size, head=b"")
        body = client().get_object(Bucket=_bucket(), Key=key, Range=f"bytes=0-{evidence.HEAD_BYTES - 1}")["Body"]
        try:
            head: bytes = body.read()
        finally:
            body.close()
        return Stored(size=size, head=head)


def mark_attached(key: str) -> None:
    """Replaces the state tag, so the 1-day rule no longer matches the object: idempotent, safe to repeat."""
    with _unavailable_as_busy():
        client().put_object_tagging(Bucket=_bucket(), Key=key,
                                    Tagging={"TagSet": [{"Key": evidence.STATE_TAG, "Value": evidence.ATTACHED}]})


def browser_urls() -> list[str]:
    """Where a browser reaches the bucket: a presigned POST's URL and a link's (both signed here, no call to S3).
    The page's Content-Security-Policy allows their origins."""
    post: dict[str, Any] = client().generate_presigned_post(Bucket=_bucket(), Key=evidence.KEY_PREFIX)
    return [str(post["url"]), link(evidence.KEY_PREFIX)]


def create_bucket() -> None:
    """Creates the bucket if missing, with its CORS rules (tests and the local runner; the cloud stack declares
    its own from the same rules)."""
    from botocore.exceptions import ClientError

    try:
        client().create_bucket(Bucket=_bucket())
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
            raise
    client().put_bucket_cors(Bucket=_bucket(), CORSConfiguration={"CORSRules": [dict(r) for r in CORS_RULES]})
