"""Loading the shipped classifications: counts, idempotency, reported source defects."""

from __future__ import annotations

import pytest

from katalog.classifiers.loaders import load_shipped_classifiers
from katalog.classifiers.models import (
    CorrespondenceRow,
    CorrespondenceTable,
    Item,
    ValidationFinding,
    Version,
)

EXPECTED_CODES = {
    "isic4": 766,
    "isic5": 830,
    "nace2": 996,
    "nace21": 1047,
    "okved2": 2899,
    "oked2019": 2097,
    "gked2011": 1813,
    "mkved1": 996,
    "eu-dual-use-2024": 60,  # the EU dual-use list: 10 categories, 5 groups in each
}


def _state():
    return (
        Version.objects.count(),
        Item.objects.count(),
        CorrespondenceTable.objects.count(),
        CorrespondenceRow.objects.count(),
        ValidationFinding.objects.count(),
    )


@pytest.mark.django_db
def test_every_shipped_version_is_loaded_with_all_its_codes():
    counts = {v.slug: v.items.count() for v in Version.objects.all()}
    assert counts == EXPECTED_CODES


@pytest.mark.django_db
def test_loading_twice_changes_nothing():
    before = _state()
    result = load_shipped_classifiers()
    assert result["created"] == {"versions": 0, "items": 0, "tables": 0, "rows": 0}
    assert _state() == before


@pytest.mark.django_db
def test_the_oked_2712_defect_is_reported_and_no_class_is_invented():
    result = load_shipped_classifiers()
    parent_missing = [f for f in result["findings"] if f["code"] == "PARENT_MISSING"]
    assert parent_missing == [
        {
            "version": "oked2019",
            "table": "",
            "file": "oked_kz_ru.csv",
            "line": 2495,
            "code": "PARENT_MISSING",
            "item_code": "27120",
            "message": "Parent 2712 of subclass 27120 is not in the file.",
            "action": "loaded without a parent",
        }
    ]
    assert not Item.objects.filter(version__slug="oked2019", code="2712").exists()
    orphan = Item.objects.get(version__slug="oked2019", code="27120")
    assert (orphan.parent, orphan.level.slug) == (None, "subclass")


@pytest.mark.django_db
def test_okved2_codes_without_a_nace_counterpart_are_reported():
    findings = ValidationFinding.objects.filter(code="NO_CODE_IDENTITY", table__slug="okved2-nace2")
    codes = set(findings.values_list("item_code", flat=True))
    assert {"19.3", "19.31", "19.32", "19.33", "19.34", "92.11", "92.23", "85.11", "85.30"} <= codes
    # 85.41 exists in both but means something else in OKVED2, so it is not mapped as identity.
    assert "85.41" in codes
    assert findings.get(item_code="19.31").action == "mapped to ancestor 19"


@pytest.mark.django_db
def test_gked_subsections_are_a_level_of_their_own_and_map_to_their_section():
    ca = Item.objects.get(version__slug="gked2011", code="CA")
    assert (ca.level.slug, ca.parent.code) == ("subsection", "C")
    row = CorrespondenceRow.objects.get(table__slug="gked2011-mkved1", source=ca)
    assert (row.target.code, row.by_ancestor) == ("C", True)


@pytest.mark.django_db
def test_tables_are_marked_official_or_derived():
    kinds = dict(CorrespondenceTable.objects.values_list("slug", "kind"))
    assert kinds == {
        "nace2-isic4": "official",
        "isic4-isic5": "official",
        "nace21-nace2": "official",
        "gked2011-nace2": "derived",
        "okved2-nace2": "derived",
        "oked2019-nace2": "derived",
        "nace2-mkved1": "derived",
        "okved2-mkved1": "derived",
        "oked2019-mkved1": "derived",
        "gked2011-mkved1": "derived",
        "mkved1-isic4": "derived",
        "mkved1-isic5": "derived",
        "nace21-mkved1": "derived",
    }
    assert CorrespondenceRow.objects.filter(table__slug="isic4-isic5").count() == 605
    assert CorrespondenceRow.objects.filter(table__slug="nace21-nace2").count() == 1589


@pytest.mark.django_db
def test_harmonised_version_has_nace_codes_with_english_and_russian_titles():
    item = Item.objects.get(version__slug="mkved1", code="25.40")
    assert item.names == {
        "en": "Manufacture of weapons and ammunition",
        "ru": "Производство оружия и боеприпасов",
    }
    # OKVED2 reuses 85.41 for another activity: the Russian title comes from OKED instead.
    assert (
        Item.objects.get(version__slug="mkved1", code="85.41").names["ru"]
        == Item.objects.get(version__slug="oked2019", code="8541").names["ru"]
    )
