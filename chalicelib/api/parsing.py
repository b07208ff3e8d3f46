"""Reading a request: path ids, the query, the JSON body; every refusal in the contract's words."""

import re
from collections.abc import Collection
from datetime import datetime
from enum import Enum
from typing import Any, TypeVar, overload

import msgspec
import msgspec.inspect as mi
from chalice.app import Request

from ..domain.clock import parse_iso
from ..domain.ids import MAX_LENGTH as ID_MAX_LENGTH
from ..domain.ids import is_id
from ..domain.limits import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from ..domain.money import LineRequest
from .errors import ApiError
from .schemas import EmptyIn, LineToCancelIn

MAX_BODY_BYTES = 16 * 1024
_LIMIT = re.compile(r"[0-9]{1,9}")
_PATH_STEP = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]")
# Anything wrong inside a cancellation's lines is one code that names the line (M2).
_LINE_ITEMS = re.compile(r"^\$\.line_items(?:\[(\d+)\])?")
E = TypeVar("E", bound=Enum)


def check_path_ids(path_params: dict[str, str]) -> None:
    for name, value in path_params.items():
        if not is_id(value):
            raise ApiError(400, "INVALID_ID", f"{name} must be 1-{ID_MAX_LENGTH} letters, digits, '_' or '-'.",
                           details={"parameter": name})


def raw_body(request: Request) -> bytes:
    raw = request.raw_body or b""
    if isinstance(raw, str):
        raw = raw.encode()
    if len(raw) > MAX_BODY_BYTES:
        raise ApiError(413, "PAYLOAD_TOO_LARGE", f"The body is over {MAX_BODY_BYTES // 1024} KiB.",
                       details={"max_bytes": MAX_BODY_BYTES})
    return raw


def _is_json(content_type: str | None) -> bool:
    if not content_type:
        return False
    media = content_type.split(";")[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


def body(body_type: type | None, request: Request, raw: bytes) -> Any:
    """The body decoded into `body_type` (no body type: nothing or `{}` only)."""
    kind = body_type or EmptyIn
    if not raw.strip():
        if kind is EmptyIn:
            return EmptyIn()
        raise ApiError(400, "BODY_REQUIRED", "This route needs a JSON body.")
    if not _is_json(request.headers.get("content-type")):
        raise ApiError(415, "UNSUPPORTED_MEDIA_TYPE", "Send the body as application/json.",
                       details={"content_type": request.headers.get("content-type")})
    try:
        return msgspec.json.decode(raw, type=kind)
    except msgspec.ValidationError as error:
        raise validation_error(str(error), kind) from error
    except msgspec.DecodeError as error:
        raise ApiError(400, "MALFORMED_JSON", "The body is not valid JSON.", details={"problem": str(error)}) from error


def validation_error(problem: str, body_type: type | None = None) -> ApiError:
    """msgspec's message (`<what> - at `$.path``) as the contract's code, path and, for an enum, the allowed values."""
    path = problem.rsplit(" - at `", 1)[1].rstrip("`") if " - at `" in problem else "$"
    details: dict[str, Any] = {"path": path, "problem": problem}
    if problem.startswith("Object contains unknown field"):
        code = "UNKNOWN_FIELD"
    elif problem.startswith("Invalid enum value"):
        code = "UNKNOWN_ENUM_VALUE"
        allowed = _allowed_values(body_type, path) if body_type is not None else None
        if allowed is not None:
            details["allowed"] = allowed
    elif problem.startswith("Object missing required field"):
        code = "MISSING_FIELD"
    else:
        code = "INVALID_FIELD"
    line = _LINE_ITEMS.match(path)
    if line:
        code = "INVALID_LINE_ITEMS"
        details["line"] = int(line.group(1)) if line.group(1) is not None else None
    return ApiError(400, code, problem.split(" - at `")[0] + ".", details=details)


def _allowed_values(body_type: type, path: str) -> list[str] | None:
    """The values the enum or literal at `path` (e.g. `$.items[0].status`) of `body_type` admits."""
    info: mi.Type = mi.type_info(body_type)
    for name, _index in _PATH_STEP.findall(path[1:]):
        info = _unwrap(info)
        if name and isinstance(info, mi.StructType):
            field = next((f for f in info.fields if f.encode_name == name), None)
            if field is None:
                return None
            info = field.type
        elif not name and isinstance(info, mi.ListType | mi.VarTupleType):
            info = info.item_type
        else:
            return None
    info = _unwrap(info)
    if isinstance(info, mi.EnumType):
        return [str(member.value) for member in info.cls]
    if isinstance(info, mi.LiteralType):
        return [str(value) for value in info.values]
    return None


def _unwrap(info: mi.Type) -> mi.Type:
    """`X | None` as X; metadata (constraints) as the type it constrains."""
    while True:
        if isinstance(info, mi.Metadata):
            info = info.type
        elif isinstance(info, mi.UnionType):
            others = [t for t in info.types if not isinstance(t, mi.NoneType)]
            if len(others) != 1:
                return info
            info = others[0]
        else:
            return info


def instant(value: str | None, field: str) -> datetime | None:
    """A body's time: ISO 8601 with an offset, else 400 INVALID_FIELD naming the field."""
    if value is None:
        return None
    try:
        return parse_iso(value)
    except (ValueError, OverflowError) as error:  # e.g. 0001-01-01T00:00:00+14:00 falls before year 1 in UTC
        raise ApiError(400, "INVALID_FIELD", f"{field} must be an ISO 8601 time with an offset.",
                       details={"path": f"$.{field}"}) from error


def line_requests(lines: list[LineToCancelIn] | None) -> list[LineRequest] | None:
    """A body's `line_items` as the domain takes them (None: every remaining item)."""
    return None if lines is None else [LineRequest(line.sku, line.quantity) for line in lines]


def query(allowed: set[str], request: Request, repeatable: Collection[str] = ()) -> dict[str, str]:
    """Each query parameter's value (the first, for one in `repeatable`)."""
    given = request.query_params
    if not given:
        return {}
    values: dict[str, str] = {}
    for name in given:
        if name not in allowed:
            raise ApiError(400, "UNKNOWN_PARAMETER", f"Unknown query parameter {name[:64]!r}.",
                           details={"allowed": sorted(allowed)})
        all_values = given.getlist(name)
        if len(all_values) != 1 and name not in repeatable:
            raise ApiError(400, "INVALID_PARAMETER", f"Give the query parameter {name} once.")
        values[name] = all_values[0]
    return values


def limit_param(query: dict[str, str], default: int = DEFAULT_PAGE_SIZE, maximum: int = MAX_PAGE_SIZE) -> int:
    raw = query.get("limit")
    if raw is None:
        return default
    # A few ASCII digits only: str.isdigit() admits "²" (int() fails: a 500) and "٣"; huge ones overflow int().
    if not _LIMIT.fullmatch(raw) or not 1 <= int(raw) <= maximum:
        raise ApiError(400, "INVALID_LIMIT", f"limit must be a whole number from 1 to {maximum}.",
                       details={"limit": raw[:32]})
    return int(raw)


@overload
def enum_param(query: dict[str, str], name: str, kind: type[E], default: E) -> E: ...


@overload
def enum_param(query: dict[str, str], name: str, kind: type[E], default: None = None) -> E | None: ...


def enum_param(query: dict[str, str], name: str, kind: type[E], default: E | None = None) -> E | None:
    raw = query.get(name)
    if raw is None:
        return default
    try:
        return kind(raw)
    except ValueError as error:
        raise ApiError(400, "UNKNOWN_ENUM_VALUE", f"Unknown {name} {raw[:64]!r}.",
                       details={"allowed": [member.value for member in kind]}) from error
