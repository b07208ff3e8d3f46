"""What S3 checks on a browser-based POST upload, for the local runner: moto stores any POST, S3 refuses one its
policy does not allow. `refusal` applies S3's checks (signature V4, expiry, every condition, every field covered);
`S3PostGate` runs them in front of the embedded moto, so a client that works locally works against S3.

Only what the desk's presigned POSTs use is supported (exact matches, `eq`, `starts-with`, `content-length-range`);
anything else is refused, as S3 would refuse a policy it cannot satisfy.
"""

import base64
import hashlib
import hmac
import io
import json
import os
import threading
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape

from werkzeug.wrappers import Request

# Fields S3 does not require a condition for.
_EXEMPT = {"policy", "x-amz-signature", "file"}
Form = dict[str, str]


class Refused(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _signing_key(secret: str, date: str, region: str, service: str) -> bytes:
    key = ("AWS4" + secret).encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def _field(form: Form, name: str) -> str | None:
    """Form field names are case-insensitive in S3's checks."""
    return next((value for key, value in form.items() if key.lower() == name.lower()), None)


def check(form: Form, size: int, bucket: str, now: datetime, secret: str) -> None:
    """Raises `Refused` as S3 would answer: 403 AccessDenied for a bad signature, an expired policy or a failed
    condition; 400 EntityTooLarge / EntityTooSmall for the size."""
    encoded, signature = _field(form, "policy"), _field(form, "x-amz-signature")
    credential = _field(form, "x-amz-credential") or ""
    if not encoded or not signature or _field(form, "x-amz-algorithm") != "AWS4-HMAC-SHA256":
        raise Refused(403, "AccessDenied", "Policy and signature (AWS4-HMAC-SHA256) are required")
    try:
        _, date, region, service, _ = credential.split("/")
    except ValueError as error:
        raise Refused(403, "AccessDenied", "Invalid credential") from error
    expected = hmac.new(_signing_key(secret, date, region, service), encoded.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature):
        raise Refused(403, "SignatureDoesNotMatch", "The request signature we calculated does not match")
    policy = json.loads(base64.b64decode(encoded))
    if datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00")) <= now:
        raise Refused(403, "AccessDenied", "Invalid according to Policy: Policy expired.")
    values = {**{k.lower(): v for k, v in form.items()}, "bucket": bucket}
    covered = set()
    for condition in policy["conditions"]:
        covered.add(_apply(condition, values, size))
    uncovered = sorted(k for k in values if k not in covered and k not in _EXEMPT and not k.startswith("x-ignore-"))
    if uncovered:
        raise Refused(403, "AccessDenied",
                      f"Invalid according to Policy: Extra input fields: {uncovered[0]}")


def _apply(condition: Any, values: dict[str, str], size: int) -> str:
    """Checks one condition; the field it covers."""
    if isinstance(condition, dict) and len(condition) == 1:
        [(name, wanted)] = condition.items()
        op, name = "eq", name.lower()
    elif isinstance(condition, list) and len(condition) == 3 and condition[0] == "content-length-range":
        low, high = int(condition[1]), int(condition[2])
        if size > high:
            raise Refused(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size")
        if size < low:
            raise Refused(400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size")
        return "content-length-range"
    elif isinstance(condition, list) and len(condition) == 3 and condition[0] in ("eq", "starts-with"):
        op, name, wanted = condition[0], str(condition[1]).lstrip("$").lower(), condition[2]
    else:
        raise Refused(403, "AccessDenied", f"Invalid Policy: unsupported condition {condition!r}")
    given = values.get(name)
    ok = given is not None and (given == wanted if op == "eq" else given.startswith(str(wanted)))
    if not ok:
        raise Refused(403, "AccessDenied", f'Invalid according to Policy: Policy Condition failed: ["{op}", '
                                           f'"${name}", "{wanted}"]')
    return str(name)


def refusal(form: Form, size: int, bucket: str, now: datetime, secret: str) -> Refused | None:
    try:
        check(form, size, bucket, now, secret)
    except Refused as refused:
        return refused
    return None


def tags_of(tagging: str | None) -> dict[str, str]:
    """The `tagging` form field's XML as a dict."""
    if not tagging:
        return {}
    import xml.etree.ElementTree as ElementTree

    root = ElementTree.fromstring(tagging)
    return {tag.findtext("Key") or "": tag.findtext("Value") or "" for tag in root.iter("Tag")}


WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class S3PostGate:
    """WSGI middleware in front of the embedded moto: a multipart POST to a bucket (path-style, no query) is a
    browser upload; it passes only if `check` passes, and the object then gets the tags its form set (moto's POST
    ignores `tagging`). `serial`: the lock moto's requests take, held while tagging."""

    def __init__(self, app: WsgiApp, serial: threading.Lock, clock: Callable[[], datetime] | None = None):
        self.app = app
        self.serial = serial
        self.clock = clock or (lambda: datetime.now(UTC))

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "").strip("/")
        content_type = environ.get("CONTENT_TYPE", "")
        if environ.get("REQUEST_METHOD") != "POST" or not content_type.startswith("multipart/form-data") \
                or not path or "/" in path or environ.get("QUERY_STRING"):
            return self.app(environ, start_response)
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        request = Request({**environ, "wsgi.input": io.BytesIO(body)})
        form: Form = dict(request.form.items())
        upload = request.files.get("file")
        size = len(upload.read()) if upload is not None else 0
        refused = refusal(form, size, path, self.clock(), os.environ.get("AWS_SECRET_ACCESS_KEY", ""))
        if refused is not None:
            xml = (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{refused.code}</Code>"
                   f"<Message>{escape(refused.message)}</Message></Error>").encode()
            start_response(f"{refused.status} {'Forbidden' if refused.status == 403 else 'Bad Request'}",
                           [("Content-Type", "application/xml"), ("Content-Length", str(len(xml)))])
            return [xml]
        environ["wsgi.input"] = io.BytesIO(body)
        answer = list(self.app(environ, start_response))
        tags = tags_of(_field(form, "tagging"))
        if tags:
            self._tag(path, _field(form, "key") or "", tags)
        return answer

    def _tag(self, bucket: str, key: str, tags: dict[str, str]) -> None:
        from moto.s3.models import s3_backends

        with self.serial:
            backend = s3_backends["123456789012"]["aws"]
            stored = backend.get_object(bucket, key)
            if stored is not None:
                backend.put_object_tagging(stored, tags)
