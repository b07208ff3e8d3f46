"""Reading a request body: every enum or literal field of every route's body, refused with the values it admits.

The cases come from the route registry and the body Structs, so a route or field added later is covered too.
"""

import json
from itertools import pairwise
from typing import Any

import msgspec.inspect as mi
import pytest

import app  # noqa: F401  (registers every route)
from chalicelib.api import parsing
from chalicelib.api.errors import ApiError
from chalicelib.api.routing import REGISTRY


def _valid(info: mi.Type) -> Any:
    """A value `info` accepts, so that only the field under test is wrong."""
    info = parsing._unwrap(info)
    if isinstance(info, mi.EnumType):
        return next(iter(info.cls)).value
    if isinstance(info, mi.LiteralType):
        return info.values[0]
    if isinstance(info, mi.StrType):
        return "IDR" if info.pattern and "[A-Z]{3}" in info.pattern else "A1"  # a currency, or an id
    if isinstance(info, mi.IntType):
        return 1
    if isinstance(info, mi.ListType):
        return [_valid(info.item_type)]
    if isinstance(info, mi.StructType):
        return {f.encode_name: _valid(f.type) for f in info.fields if f.required}
    raise AssertionError(f"no sample for {info}")


def _enum_fields(info: mi.Type, path: str = "$") -> list[tuple[str, list[str]]]:
    """(path, allowed values) of every enum or literal inside a body type."""
    info = parsing._unwrap(info)
    if isinstance(info, mi.EnumType):
        return [(path, [str(m.value) for m in info.cls])]
    if isinstance(info, mi.LiteralType):
        return [(path, [str(v) for v in info.values])]
    if isinstance(info, mi.ListType):
        return _enum_fields(info.item_type, f"{path}[0]")
    if isinstance(info, mi.StructType):
        return [found for f in info.fields for found in _enum_fields(f.type, f"{path}.{f.encode_name}")]
    return []


def _set(body: dict[str, Any], path: str, value: Any) -> None:
    steps = path[2:].replace("[0]", ".0").split(".")
    target: Any = body
    for step, following in pairwise(steps):
        # An optional field absent from the sample is made as what comes next needs: a list or an object.
        target = target[int(step)] if step.isdigit() else target.setdefault(step, [None] if following.isdigit() else {})
    last = steps[-1]
    target[int(last) if last.isdigit() else last] = value


class JsonRequest:
    """What `parsing.body` reads of a request besides its bytes."""

    headers = {"content-type": "application/json"}


CASES = [
    pytest.param(spec.body, path, allowed, id=f"{spec.name} {path}")
    for spec in REGISTRY if spec.body is not None
    for path, allowed in _enum_fields(mi.type_info(spec.body))
]


def test_every_route_body_with_an_enum_is_covered():
    assert {case.values[0] for case in CASES} >= {spec.body for spec in REGISTRY
                                                  if spec.body is not None and _enum_fields(mi.type_info(spec.body))}
    assert len(CASES) >= 4


@pytest.mark.parametrize(("body_type", "path", "allowed"), CASES)
def test_an_unknown_enum_value_in_a_body_lists_the_allowed_values(body_type: type, path: str,
                                                                    allowed: list[str]) -> None:
    body = _valid(mi.type_info(body_type))
    _set(body, path, "NOT_A_VALUE")
    with pytest.raises(ApiError) as raised:
        parsing.body(body_type, JsonRequest(), json.dumps(body).encode())
    error = raised.value
    assert (error.status, error.code) == (400, "UNKNOWN_ENUM_VALUE")
    assert error.details is not None
    assert error.details["path"] == path
    assert error.details["allowed"] == allowed


def test_other_validation_failures_carry_no_allowed_list():
    error = parsing.validation_error("Expected `str`, got `int` - at `$.reason`", None)
    assert error.code == "INVALID_FIELD"
    assert error.details == {"path": "$.reason", "problem": "Expected `str`, got `int` - at `$.reason`"}
