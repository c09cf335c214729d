"""Manufacturers' activity codes and "which manufacturers in all member states do X"."""

from __future__ import annotations

import datetime as dt

import pytest

from katalog.classifiers import selectors, services
from katalog.classifiers.models import ManufacturerActivity
from katalog.core.errors import NotFound, RuleViolation, ValidationFailed


@pytest.fixture
def makers(make_manufacturer):
    """Structural-metal makers in four member states, each coded nationally, plus a baker."""
    ru = make_manufacturer("R0001", "RU", "Uralstalkonstruktsiya")
    kz = make_manufacturer("K0001", "KZ", "Karaganda Metal Structures")
    kg = make_manufacturer("G0001", "KG", "Bishkek Steelworks")
    am = make_manufacturer("A0001", "AM", "Yerevan Frames")
    baker = make_manufacturer("R0002", "RU", "Moscow Bakery")
    services.manufacturer_activities_set(manufacturer=ru, primary="25.11", secondary=["25.62"])
    services.manufacturer_activities_set(manufacturer=kz, primary="25111")
    services.manufacturer_activities_set(manufacturer=kg, primary="28.91.0", secondary=["25.11.0"])
    services.manufacturer_activities_set(manufacturer=am, primary="25.11")
    services.manufacturer_activities_set(manufacturer=baker, primary="10.71")
    return {"RU": ru, "KZ": kz, "KG": kg, "AM": am, "baker": baker}


def _found(code: str, ref: str):
    return [
        (
            m.activity.manufacturer.code,
            m.activity.item.version.slug,
            m.activity.item.code,
            m.activity.is_primary,
        )
        for m in selectors.manufacturers_doing(code=code, version_ref=ref)
    ]


EXPECTED_2511 = [
    ("A0001", "mkved1", "25.11", True),
    ("G0001", "gked2011", "25.11.0", False),
    ("K0001", "oked2019", "25111", True),
    ("R0001", "okved2", "25.11", True),
]


def test_the_question_has_the_same_answer_in_every_classifier(makers):
    assert _found("2511", "isic4") == EXPECTED_2511
    assert _found("25.11", "nace2") == EXPECTED_2511
    assert _found("2511", "oked") == EXPECTED_2511
    assert _found("25.11", "okved") == EXPECTED_2511
    assert _found("25.11", "mkved") == EXPECTED_2511


def test_a_rev5_code_finds_manufacturers_coded_in_its_rev4_predecessors(makers):
    # ISIC Rev.5 2511 comes from Rev.4 2511 only; the baker (10.71) is never found.
    assert _found("2511", "isic5") == EXPECTED_2511
    assert [f[0] for f in _found("1071", "isic4")] == ["R0002"]


def test_the_route_of_each_match_is_reported(makers):
    via = {
        m.activity.manufacturer.code: m.via
        for m in selectors.manufacturers_doing(code="2511", version_ref="isic4")
    }
    assert via == {
        "A0001": "mkved1-isic4",  # the harmonised version's own (composed) table is direct
        "G0001": "nace2-isic4 → gked2011-nace2",
        "K0001": "nace2-isic4 → oked2019-nace2",
        "R0001": "nace2-isic4 → okved2-nace2",
    }


def test_activities_must_be_codes_of_the_national_classifier(makers):
    before = list(ManufacturerActivity.objects.values_list("manufacturer__code", "item__code"))
    with pytest.raises(NotFound) as caught:
        # 25.11 is an OKVED2 code but not an OKED one (OKED writes 2511).
        services.manufacturer_activities_set(manufacturer=makers["KZ"], primary="25.11")
    assert caught.value.code == "CODE_NOT_FOUND"
    with pytest.raises(RuleViolation) as caught:
        services.manufacturer_activities_set(
            manufacturer=makers["RU"], primary="2511", version="isic4"
        )
    assert (caught.value.code, caught.value.data) == (
        "ACTIVITY_NOT_NATIONAL",
        {"expected": "okved2"},
    )
    with pytest.raises(ValidationFailed) as caught:
        services.manufacturer_activities_set(
            manufacturer=makers["RU"], primary="25.11", secondary=["25.11"]
        )
    assert caught.value.code == "ACTIVITY_DUPLICATE"
    after = list(ManufacturerActivity.objects.values_list("manufacturer__code", "item__code"))
    assert after == before


def test_a_foreign_manufacturer_names_a_published_version_valid_at_the_date(make_manufacturer):
    us = make_manufacturer("0ABC1", "US", "Acme")
    with pytest.raises(RuleViolation) as caught:
        services.manufacturer_activities_set(manufacturer=us, primary="2511")
    assert caught.value.code == "NO_NATIONAL_CLASSIFIER"
    with pytest.raises(RuleViolation) as caught:
        services.manufacturer_activities_set(manufacturer=us, primary="2511", version="isic4")
    assert caught.value.code == "ACTIVITY_NOT_NATIONAL"  # ISIC Rev.4 ended in 2023
    made = services.manufacturer_activities_set(
        manufacturer=us, primary="2511", version="isic4", on=dt.date(2020, 1, 1)
    )
    assert [(a.item.version.slug, a.item.code, a.is_primary) for a in made] == [
        ("isic4", "2511", True)
    ]


def test_setting_activities_replaces_the_previous_ones(makers):
    services.manufacturer_activities_set(manufacturer=makers["RU"], primary="10.71")
    rows = selectors.manufacturer_activity_list(manufacturer_id=makers["RU"].pk)
    assert [(a.item.code, a.is_primary) for a in rows] == [("10.71", True)]
    assert [f[0] for f in _found("2511", "isic4")] == ["A0001", "G0001", "K0001"]
