"""The reasons' label catalogues: every one complete, none with a code the rules do not have, and the same
languages as the page's; and the choice of a language from `locale` and Accept-Language (RFC 4647 lookup)."""

import json
import re
from pathlib import Path

import pytest

from chalicelib.domain import labels
from chalicelib.domain.reasons import BuyerReason, RejectReason, SellerCancelReason
from tests.support.paths import ROOT

CODES = {
    "buyer": {r.value for r in BuyerReason},
    "seller_cancel": {r.value for r in SellerCancelReason},
    "reject": {r.value for r in RejectReason},
}
FILES = sorted((Path(labels.__file__).parent).glob("*.json"))
PAGE = ROOT / "web" / "seller-center" / "src"


def test_there_are_english_and_indonesian_catalogues():
    assert {"en", "id"} <= set(labels.catalogues())
    assert labels.DEFAULT in labels.catalogues()


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_each_catalogue_labels_every_reason_of_every_party_and_nothing_else(path: Path):
    data = json.loads(path.read_text(encoding="utf-8"))
    assert set(data) == {"language", "aliases", *CODES}
    assert data["language"] == path.stem
    for party, codes in CODES.items():
        assert set(data[party]) == codes, party
        blank = [code for code, text in data[party].items() if not isinstance(text, str) or not text.strip()]
        assert blank == [], party


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_no_two_reasons_of_a_party_share_a_label(path: Path):
    data = json.loads(path.read_text(encoding="utf-8"))
    for party in CODES:
        assert len(set(data[party].values())) == len(data[party]), party


def test_a_tag_or_alias_names_one_language_only():
    files = [json.loads(path.read_text(encoding="utf-8")) for path in FILES]
    tags = [tag.lower() for data in files for tag in (data["language"], *data["aliases"])]
    assert len(tags) == len(set(tags))


def _page_languages() -> dict[str, list[str]]:
    """The page's languages as it finds them (src/messages.ts globs src/i18n/*.ts), each catalogue's `locale` with
    its `aliases`, read from the source."""
    assert 'import.meta.glob<Catalogue>("./i18n/*.ts"' in (PAGE / "messages.ts").read_text(encoding="utf-8")
    found: dict[str, list[str]] = {}
    for path in sorted((PAGE / "i18n").glob("*.ts")):
        source = path.read_text(encoding="utf-8")
        locale = re.search(r'^\s*locale: "([^"]+)",', source, re.MULTILINE)
        aliases = re.search(r"^\s*aliases: \[([^\]]*)\]", source, re.MULTILINE)
        assert locale and aliases, f"{path.name}: no locale or aliases"
        assert locale[1] == path.stem, path.name
        found[locale[1]] = sorted(re.findall(r'"([^"]+)"', aliases[1]))
    return found


def test_the_page_and_the_api_have_the_same_languages_and_aliases():
    """A language on one side only would show the page in it with English labels, or label reasons in a language
    the page cannot be switched to; an alias on one side only would match a browser's tag on one side only."""
    files = [json.loads(path.read_text(encoding="utf-8")) for path in FILES]
    server = {data["language"]: sorted(data["aliases"]) for data in files}
    page = _page_languages()
    assert {"en": [], "id": ["in"]}.items() <= page.items()
    assert page == server


@pytest.mark.parametrize(("tag", "language"), [
    ("id", "id"), ("ID", "id"), ("id-ID", "id"), ("id_ID", "id"), ("in", "id"), ("in-ID", "id"),
    ("id-Latn-ID", "id"), ("en", "en"), ("en-GB", "en"), ("fr", "en"), ("", "en"), ("-", "en"), ("*", "en"),
    ("x" * 10_000, "en"), ("i-d", "en"), ("ind", "en"),
])
def test_the_locale_parameter_names_the_language_and_anything_unknown_is_english(tag: str, language: str):
    assert labels.negotiate([tag], "id") == language  # the header says Indonesian: the parameter wins all the same


def test_the_locale_parameter_wins_over_accept_language():
    assert labels.negotiate(["en"], "id-ID,id;q=0.9") == "en"
    assert labels.negotiate(["id"], "en-US,en;q=0.9") == "id"


@pytest.mark.parametrize(("values", "language"), [
    (["id", "en"], "id"),
    (["en", "id"], "en"),
    (["fr", "id-ID", "en"], "id"),  # the first the desk has
    (["", "in"], "id"),
    (["fr", "de"], "en"),  # none it has: English, not the header's Indonesian
    (["fr"] * 5000 + ["id"], "en"),  # past the values read: bounded work
])
def test_a_locale_given_more_than_once_is_the_first_the_desk_has(values: list[str], language: str):
    assert labels.negotiate(values, "id") == language


@pytest.mark.parametrize(("header", "language"), [
    ("id-ID,id;q=0.9,en-US;q=0.8,en;q=0.7", "id"),
    ("fr-FR, fr;q=0.9, id;q=0.5", "id"),
    ("en;q=0.5, id;q=0.8", "id"),
    ("id;q=0.5, en;q=0.5", "id"),  # equal weights keep the header's order
    ("id;q=0, en", "en"),  # q=0: not this one
    ("fr, *;q=0.5, id;q=0.1", "en"),  # the wildcard before Indonesian takes the default
    ("in", "id"),
    ("de, ja", "en"),
    ("", "en"),
    (";;;,,,q=;", "en"),
    ("id;q=abc, en", "en"),
    ("id;q=2", "en"),
    ("de," * 5000 + "id", "en"),  # past the ranges read: bounded work for any header
])
def test_accept_language_gives_the_first_language_the_desk_has(header: str, language: str):
    assert labels.negotiate([], header) == language


def test_with_nothing_asked_the_answer_is_english():
    assert labels.negotiate([], None) == "en"


def test_a_label_is_the_catalogues_own_text():
    assert labels.label("id", "seller_cancel", "OUT_OF_STOCK") == "Stok habis"
    assert labels.label("en", "seller_cancel", "OUT_OF_STOCK") == "Out of stock"
