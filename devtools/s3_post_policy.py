"""What S3 checks on a browser-based POST upload, for the local runner: moto stores any POST, S3 refuses one its
policy does not allow. `refusal` applies S3's checks (signature V4, expiry, every condition, every field covered);
`S3PostGate` runs them in front of the embedded moto, so a client that works locally works against S3. A page on
another origin (the Seller Center's) posts there too: the gate answers its CORS preflight and puts the CORS
headers on the upload's answer, refused or not, from the bucket's CORS rules as S3 does (`cors_headers`).

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


Rule = dict[str, Any]


def _matches(value: str, patterns: Iterable[str], *, fold: bool = False) -> bool:
    """S3's match of an origin or header against a rule's list: exact, or with one `*` wildcard."""
    if fold:
        value, patterns = value.lower(), [p.lower() for p in patterns]
    for pattern in patterns:
        head, star, tail = pattern.partition("*")
        if value == pattern or (star and value.startswith(head) and value.endswith(tail)
                                and len(value) >= len(head) + len(tail)):
            return True
    return False


def cors_headers(rules: Iterable[Rule], origin: str | None, method: str,
                 request_headers: Iterable[str] = ()) -> dict[str, str] | None:
    """The CORS headers S3 answers for a request from `origin` with `method` (and, in a preflight, the
    `request_headers` asked for) under the bucket's `rules` (S3's shape): the first rule whose origins, method and
    headers all match; None when none does (a preflight is then refused)."""
    if not origin:
        return None
    asked = [h.strip() for h in request_headers if h.strip()]
    for rule in rules:
        origins = rule.get("AllowedOrigins", [])
        if not _matches(origin, origins) or method.upper() not in rule.get("AllowedMethods", []):
            continue
        if not all(_matches(h, rule.get("AllowedHeaders", []), fold=True) for h in asked):
            continue
        headers = {"Access-Control-Allow-Origin": "*" if "*" in origins else origin,
                   "Access-Control-Allow-Methods": ", ".join(rule["AllowedMethods"]),
                   "Vary": "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"}
        if asked:
            headers["Access-Control-Allow-Headers"] = ", ".join(asked)
        if rule.get("ExposeHeaders"):
            headers["Access-Control-Expose-Headers"] = ", ".join(rule["ExposeHeaders"])
        if rule.get("MaxAgeSeconds") is not None:
            headers["Access-Control-Max-Age"] = str(rule["MaxAgeSeconds"])
        return headers
    return None


def _error(status: int, code: str, message: str, start_response: Callable[..., Any],
           extra: dict[str, str] | None = None) -> list[bytes]:
    xml = (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code>"
           f"<Message>{escape(message)}</Message></Error>").encode()
    reason = {400: "Bad Request", 403: "Forbidden"}.get(status, "Error")
    start_response(f"{status} {reason}", [("Content-Type", "application/xml"), ("Content-Length", str(len(xml))),
                                           *(extra or {}).items()])
    return [xml]


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
        method = environ.get("REQUEST_METHOD", "")
        origin = environ.get("HTTP_ORIGIN")
        if method == "OPTIONS" and path and origin and self._is_bucket(path.split("/")[0]):
            return self._preflight(path.split("/")[0], origin, environ, start_response)
        if method != "POST" or not content_type.startswith("multipart/form-data") \
                or not path or "/" in path or environ.get("QUERY_STRING"):
            return self.app(environ, start_response)
        cors = cors_headers(self._cors_rules(path), origin, "POST") or {}
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        request = Request({**environ, "wsgi.input": io.BytesIO(body)})
        form: Form = dict(request.form.items())
        upload = request.files.get("file")
        size = len(upload.read()) if upload is not None else 0
        refused = refusal(form, size, path, self.clock(), os.environ.get("AWS_SECRET_ACCESS_KEY", ""))
        if refused is not None:
            # Refused or not, the answer carries the CORS headers: the page reads S3's error code from it.
            return _error(refused.status, refused.code, refused.message, start_response, cors)
        environ["wsgi.input"] = io.BytesIO(body)

        def with_cors(status: str, headers: list[tuple[str, str]], *rest: Any) -> Any:
            # moto's server allows every origin on its own: the bucket's rules decide here, as in S3.
            kept = [(name, value) for name, value in headers if not name.lower().startswith("access-control-")]
            return start_response(status, [*kept, *cors.items()], *rest)

        answer = list(self.app(environ, with_cors))
        tags = tags_of(_field(form, "tagging"))
        if tags:
            self._tag(path, _field(form, "key") or "", tags)
        return answer

    def _preflight(self, bucket: str, origin: str, environ: dict[str, Any],
                   start_response: Callable[..., Any]) -> list[bytes]:
        """A CORS preflight, answered from the bucket's rules as S3 does: 200 with the headers, or 403."""
        rules = self._cors_rules(bucket)
        if not rules:
            return _error(403, "AccessForbidden", "CORSResponse: CORS is not enabled for this bucket.",
                          start_response)
        asked = environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS", "").split(",")
        headers = cors_headers(rules, origin, environ.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD", ""), asked)
        if headers is None:
            return _error(403, "AccessForbidden", "CORSResponse: This CORS request is not allowed.", start_response)
        start_response("200 OK", [("Content-Length", "0"), *headers.items()])
        return [b""]

    def _is_bucket(self, name: str) -> bool:
        from moto.s3.models import s3_backends

        return name in s3_backends["123456789012"]["aws"].buckets

    def _cors_rules(self, bucket: str) -> list[Rule]:
        """The bucket's CORS configuration in S3's shape, as moto stored it (none for an unknown bucket)."""
        from moto.s3.models import s3_backends

        with self.serial:
            found = s3_backends["123456789012"]["aws"].buckets.get(bucket)
            return [{"AllowedMethods": rule.allowed_methods or [], "AllowedOrigins": rule.allowed_origins or [],
                     "AllowedHeaders": rule.allowed_headers or [], "ExposeHeaders": rule.exposed_headers or [],
                     "MaxAgeSeconds": rule.max_age_seconds} for rule in (found.cors if found else [])]

    def _tag(self, bucket: str, key: str, tags: dict[str, str]) -> None:
        from moto.s3.models import s3_backends

        with self.serial:
            backend = s3_backends["123456789012"]["aws"]
            stored = backend.get_object(bucket, key)
            if stored is not None:
                backend.put_object_tagging(stored, tags)
