"""A route may name its body or answer type as "module:Name" (loaded on first use, off the cold start): every
name declared resolves to a Struct, and a name that is no type is refused."""

import msgspec
import pytest

from app import app  # noqa: F401  # registers every route in REGISTRY
from chalicelib.api import schemas
from chalicelib.api.routing import REGISTRY, resolve


def test_a_type_resolves_to_itself_and_a_name_to_its_type() -> None:
    assert resolve(schemas.EmptyIn) is schemas.EmptyIn
    assert resolve("chalicelib.api.schemas:EmptyIn") is schemas.EmptyIn


def test_a_name_that_is_no_type_is_refused() -> None:
    with pytest.raises(TypeError, match="names no type"):
        resolve("chalicelib.api.schemas:END")
    with pytest.raises(AttributeError):
        resolve("chalicelib.api.schemas:NoSuchSchema")


def test_every_declared_schema_resolves_to_a_struct() -> None:
    named = [spec for spec in REGISTRY if isinstance(spec.body_schema, str) or isinstance(spec.response_schema, str)]
    assert named, "the webhook routes name their schemas"
    for spec in REGISTRY:
        for found in (spec.body, spec.response):
            assert found is None or issubclass(found, msgspec.Struct), (spec.method, spec.path, found)
