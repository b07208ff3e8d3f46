"""The reasons' labels, one JSON catalogue per language in this folder, and the choice of a language for a request.

A catalogue is `<tag>.json`: its `language` (the BCP 47 tag it answers as), `aliases` (other primary tags that mean
the same language, such as the retired `in` for Indonesian) and a label for every reason code of every party. A
language is added by adding its file: nothing here names one, but for the default."""

import functools
import json
from pathlib import Path
from typing import Any

DEFAULT = "en"
PARTIES = ("buyer", "seller_cancel", "reject")
# Longer than any tag a browser sends; beyond it the header is not read further (its cost stays bounded).
_MAX_HEADER = 1024
_MAX_TAG = 64
_MAX_RANGES = 32


@functools.cache
def _files() -> tuple[dict[str, Any], ...]:
    """The catalogue files as written, read once per process (on the first request that needs a label)."""
    return tuple(json.loads(path.read_text(encoding="utf-8"))
                 for path in sorted(Path(__file__).parent.glob("*.json")))


@functools.cache
def catalogues() -> dict[str, dict[str, dict[str, str]]]:
    """Every language's labels by party and code, keyed by its tag."""
    return {data["language"]: {party: data[party] for party in PARTIES} for data in _files()}


@functools.cache
def _tags() -> dict[str, str]:
    """Every tag and alias, lower case, to the language it answers with."""
    return {str(tag).lower(): data["language"] for data in _files() for tag in (data["language"], *data["aliases"])}


def lookup(tag: str) -> str | None:
    """RFC 4647 lookup of one language range: `id-ID` falls back to `id`, `in` is `id`; None when none matches."""
    subtags = tag[:_MAX_TAG].strip().replace("_", "-").lower().split("-")
    known = _tags()
    while subtags and subtags[0]:
        found = known.get("-".join(subtags))
        if found:
            return found
        subtags.pop()
    return None


def _ranges(header: str) -> list[str]:
    """An Accept-Language header's ranges, most wanted first (ties keep their order); q=0 means "not this"."""
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(header[:_MAX_HEADER].split(",")[:_MAX_RANGES]):
        tag, *params = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag and 0 < quality <= 1:
            weighted.append((-quality, position, tag))
    return [tag for _, _, tag in sorted(weighted)]


def negotiate(requested: list[str], accept_language: str | None) -> str:
    """The language to answer in: when `locale` is given (it wins), the first of its values the desk has, else the
    first of the Accept-Language ranges the desk has; the default for anything it does not have, never an error."""
    if requested:
        return next((found for tag in requested[:_MAX_RANGES] if (found := lookup(tag))), DEFAULT)
    for tag in _ranges(accept_language or ""):
        if tag == "*":
            return DEFAULT
        found = lookup(tag)
        if found:
            return found
    return DEFAULT


def label(language: str, party: str, code: str) -> str:
    return catalogues()[language][party][code]
