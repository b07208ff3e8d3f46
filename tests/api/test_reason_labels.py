"""`GET /cancellation-reasons` in the language asked for: `locale`, else Accept-Language, else English."""

import pytest

from chalicelib.domain import labels

PARTIES = ("buyer", "seller_cancel", "reject")


def _get(shop, query: str = "", **headers: str):
    return shop.api.get(f"/cancellation-reasons{query}", headers=headers)


def _labels(body) -> dict[str, dict[str, str]]:
    return {party: {r["reason"]: r["label"] for r in body[party]} for party in PARTIES}


def test_without_a_language_every_reason_has_its_english_label(shop):
    response = _get(shop)
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "en"
    assert _labels(response.json) == labels.catalogues()["en"]


@pytest.mark.parametrize("query", ["?locale=id", "?locale=id-ID", "?locale=in", "?locale=ID"])
def test_the_locale_parameter_answers_in_indonesian(shop, query: str):
    response = _get(shop, query)
    assert (response.status_code, response.headers["Content-Language"]) == (200, "id")
    assert _labels(response.json) == labels.catalogues()["id"]
    assert _labels(response.json)["seller_cancel"]["OUT_OF_STOCK"] == "Stok habis"


def test_accept_language_is_read_when_there_is_no_locale(shop):
    response = _get(shop, **{"Accept-Language": "fr-FR,fr;q=0.9,id;q=0.8,en;q=0.5"})
    assert response.headers["Content-Language"] == "id"
    assert _labels(response.json) == labels.catalogues()["id"]


def test_the_locale_parameter_wins_over_accept_language(shop):
    response = _get(shop, "?locale=en", **{"Accept-Language": "id-ID"})
    assert response.headers["Content-Language"] == "en"
    assert _labels(response.json) == labels.catalogues()["en"]


@pytest.mark.parametrize("query", ["?locale=fr", "?locale=", "?locale=%3Cscript%3E", "?locale=" + "x-" * 2000])
def test_a_language_the_desk_does_not_have_answers_in_english(shop, query: str):
    response = _get(shop, query, **{"Accept-Language": "id"})
    assert (response.status_code, response.headers["Content-Language"]) == (200, "en")
    assert _labels(response.json) == labels.catalogues()["en"]


def test_only_the_labels_change_with_the_language(shop):
    english, indonesian = _get(shop).json, _get(shop, "?locale=id").json
    for party in PARTIES:
        for body in (english, indonesian):
            for reason in body[party]:
                reason.pop("label")
    assert english == indonesian


def test_the_answer_varies_with_accept_language(shop):
    assert _get(shop).headers["Vary"] == "Accept-Language"


@pytest.mark.parametrize(("query", "language"), [
    ("?locale=id&locale=en", "id"), ("?locale=en&locale=id", "en"), ("?locale=fr&locale=id-ID", "id"),
    ("?locale=fr&locale=de", "en"),
])
def test_the_locale_parameter_given_twice_answers_in_the_first_the_desk_has(shop, query: str, language: str):
    response = _get(shop, query, **{"Accept-Language": "id"})
    assert (response.status_code, response.headers["Content-Language"]) == (200, language)
    assert _labels(response.json) == labels.catalogues()[language]
