"""Filters and facet counts, including characteristic conditions with unit conversion."""

from __future__ import annotations

import pytest

from katalog.core.actors import SYSTEM_INIT
from katalog.core.errors import ValidationFailed
from katalog.search.selectors import search, search_query_from_params


def _labels(catalogue, page) -> set[str]:
    return {catalogue.label_of(hit["catalogue_number"]) for hit in page.hits}


def _run(params: dict, lang: str = "en"):
    return search(search_query_from_params(params), lang=lang, reader=SYSTEM_INIT)


def _counts(page, facet: str) -> dict[str, int]:
    return {str(v["value"]): v["count"] for v in page.facets[facet]}


@pytest.mark.django_db
def test_search_facets_count_the_matched_items(catalogue):
    page = _run({"q": "гайка"})
    assert page.total == 4
    assert page.total_is_exact
    assert _counts(page, "class") == {"5310": 4}
    assert _counts(page, "group") == {"53": 4}
    assert _counts(page, "bureau") == {"RU": 2, "KZ": 2}
    assert _counts(page, "name") == {"10101": 3, "10102": 1}
    assert _counts(page, "country") == {"RU": 2, "KZ": 2}
    # KZ (user code QK) uses nut_m10 and nut_kz; RU (YU) uses nut_kz.
    assert _counts(page, "user") == {"QK": 2, "YU": 1}


@pytest.mark.django_db
def test_search_filters_combine_and_values_of_one_filter_are_alternatives(catalogue):
    assert _labels(catalogue, _run({"class": ["5306", "3110"]})) == {
        "bolt_01",
        "bolt_02",
        "bearing",
    }
    assert _labels(catalogue, _run({"class": "5306,3110"})) == {"bolt_01", "bolt_02", "bearing"}
    assert _labels(catalogue, _run({"class": "5306", "status": "4"})) == {"bolt_02"}
    assert _labels(catalogue, _run({"group": "31"})) == {"bearing"}
    assert _labels(catalogue, _run({"q": "гайка", "bureau": "KZ"})) == {"nut_kz", "nut_kz_02"}
    assert _labels(catalogue, _run({"country": "US"})) == {"bearing"}
    assert _labels(catalogue, _run({"user": "QK"})) == {"nut_m10", "nut_kz"}
    assert _labels(catalogue, _run({"user": "BY"})) == {"bearing"}


@pytest.mark.django_db
def test_search_item_name_filter_by_word_in_any_language_or_code(catalogue):
    nuts = {"nut_m10", "nut_locking", "nut_kz", "nut_kz_02"}
    assert _labels(catalogue, _run({"name": "nut"})) == nuts
    assert _labels(catalogue, _run({"name": "гайка"})) == nuts
    assert _labels(catalogue, _run({"name": "10102"})) == {"nut_locking"}
    # A colloquial name brings the items of its approved name.
    assert _labels(catalogue, _run({"name": "90101"})) == {
        "nut_m10",
        "nut_kz",
        "nut_kz_02",
    }  # HEX NUT
    assert _labels(catalogue, _run({"name": "self locking"})) == {"nut_locking"}
    assert _labels(catalogue, _run({"name": "NUT, SELF-LOCKING, HEXAGON"})) == {"nut_locking"}


@pytest.mark.django_db
def test_search_characteristic_range_converts_units(catalogue):
    # nut_m10 10 mm, nut_kz 12 mm, nut_locking 0.5 in = 12.7 mm, nut_kz_02 16 mm
    assert _labels(catalogue, _run({"name": "nut", "char": "THDD:10..12mm"})) == {
        "nut_m10",
        "nut_kz",
    }
    assert _labels(catalogue, _run({"char": "THDD:0.39..0.5 in"})) == {
        "nut_m10",
        "nut_kz",
        "nut_locking",
    }
    assert _labels(catalogue, _run({"char": "THDD:1,2..1,3 cm", "lang": "ru"})) == {
        "nut_kz",
        "nut_locking",
    }
    assert _labels(catalogue, _run({"char": "THDD:16"})) == {"nut_kz_02"}


@pytest.mark.django_db
def test_search_characteristic_coded_reply_by_meaning_or_code(catalogue):
    both = {"name": "nut", "char": ["THDD:10..12mm", "MATL:steel"]}
    assert _labels(catalogue, _run(both)) == {"nut_m10"}
    assert _labels(catalogue, _run({"char": "MATL:STL"})) == {"nut_m10", "nut_kz_02"}
    assert _labels(catalogue, _run({"char": "MATL:латунь"})) == {"nut_kz"}
    page = _run(both)
    assert page.interpretation["characteristics"][1] == {"code": "MATL", "codes": ["STL"]}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("char", "lang"),
    [("диаметр резьбы 10-12 мм", "ru"), ("номинального диаметра резьбы от 10 до 12 мм", "ru"),
     ("thread diameter: 10..12 mm", "en"), ("бұранданың диаметрі 10..12 мм", "kk"),
     ("rezbaning diametri 1,0..1,2 cm", "uz"), ("THDD 10..12mm", "en")],
)  # fmt: skip
def test_search_characteristic_by_its_name_in_the_readers_language(catalogue, char, lang):
    page = _run({"name": "nut", "char": char, "lang": lang})
    assert _labels(catalogue, page) == {"nut_m10", "nut_kz"}
    assert page.interpretation["characteristics"][0]["code"] == "THDD"


@pytest.mark.django_db
def test_a_name_two_guides_share_is_settled_by_the_value_that_fits(catalogue):
    # MATL of fasteners and ELAS of seals are both «материал»; steel is a reply of MATL only.
    by_name = _run({"char": "материал: сталь", "lang": "ru"})
    assert _labels(catalogue, by_name) == _labels(catalogue, _run({"char": "MATL:STL"}))


@pytest.mark.django_db
def test_a_name_that_fits_several_characteristics_asks_for_the_code(catalogue):
    with pytest.raises(ValidationFailed) as raised:
        _run({"char": "диаметр 10 мм", "lang": "ru"})
    assert raised.value.code == "AMBIGUOUS_CHARACTERISTIC"
    assert "THDD" in raised.value.message
    assert "OUTD" in raised.value.message


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("char", "code"),
    [("10 mm", "INVALID_CHARACTERISTIC_FILTER"), ("ZZZZ:1", "UNKNOWN_CHARACTERISTIC"),
     ("colour of the moon 10", "UNKNOWN_CHARACTERISTIC"), ("диаметр 10 мм", "AMBIGUOUS_CHARACTERISTIC"),
     ("MATL:cheese", "REPLY_CODE_UNKNOWN"), ("THDD:10 kg", "UNIT_WRONG_QUANTITY")],
)  # fmt: skip
def test_search_bad_characteristic_filter_is_explained(catalogue, char, code):
    with pytest.raises(ValidationFailed) as raised:
        _run({"char": char})
    assert raised.value.code == code


@pytest.mark.django_db
def test_search_facets_above_the_cap_are_marked_approximate(catalogue, monkeypatch):
    from katalog.search import selectors

    monkeypatch.setattr(selectors, "FACET_CAP", 3)
    page = _run({"q": "гайка"})
    assert page.total == 3
    assert not page.total_is_exact
    assert sum(v["count"] for v in page.facets["class"]) == 3
