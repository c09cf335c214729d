"""Import of new versions with validation, and export as CSV, XLSX and JSON."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from openpyxl import Workbook, load_workbook

from katalog.classifiers import selectors, services
from katalog.classifiers.files import render
from katalog.classifiers.loaders import DATA_DIR
from katalog.classifiers.models import Classification, ClassificationFamily, Item, Version
from katalog.core.errors import Conflict, ValidationFailed

D = dt.date


@pytest.fixture
def scratch(db):
    """An empty classification to import into (no versions, so no date overlap)."""
    family = ClassificationFamily.objects.get(slug="economic-activity")
    return Classification.objects.create(family=family, slug="scratch", names={"en": "Scratch"})


def _import(content: bytes, filename: str = "v.csv", slug: str = "scratch1"):
    return services.version_import(
        classification="scratch",
        slug=slug,
        names={"en": slug},
        valid_from=D(2020, 1, 1),
        content=content,
        filename=filename,
    )


def test_importing_the_shipped_oked_file_finds_the_missing_class_2712(scratch):
    content = (DATA_DIR / "oked_kz_ru.csv").read_bytes()
    with pytest.raises(ValidationFailed) as caught:
        _import(content, "oked_kz_ru.csv")
    assert caught.value.code == "CLASSIFIER_IMPORT_INVALID"
    assert [e.as_dict() for e in caught.value.errors] == [
        {
            "field": "line 2495: parent",
            "code": "PARENT_MISSING",
            "message": "Parent 2712 of subclass 27120 is not in the file.",
        }
    ]
    assert not Version.objects.filter(slug="scratch1").exists()


def test_the_other_shipped_files_import_cleanly(scratch):
    for n, name in enumerate(["isic4_en_ar.csv", "okved2_ru.csv", "gked2011_kg_ru.csv"]):
        Version.objects.filter(classification=scratch).delete()
        version = _import((DATA_DIR / name).read_bytes(), name, slug=f"scratch{n}")
        assert version.items.count() == Version.objects.get(source=name).items.count()


def test_duplicates_unknown_levels_and_inconsistent_levels_are_all_reported(scratch):
    content = (
        "code,level,parent,name_en,name_ru\n"
        "A,section,,Alpha,Альфа\n"
        "01,division,A,One,Один\n"
        "01,division,A,One again,\n"
        "011,group,01,Group,\n"
        "0111,clas,011,Typo level,\n"
        "02,division,011,Division under a group,\n"
        "03,division,,Division without parent,\n"
        "04,division,A,,\n"
    ).encode()
    with pytest.raises(ValidationFailed) as caught:
        _import(content)
    assert [(e.field, e.code) for e in caught.value.errors] == [
        ("line 4: code", "DUPLICATE_CODE"),
        ("line 6: level", "LEVEL_UNKNOWN"),
        ("line 7: level", "LEVEL_INCONSISTENT"),
        ("line 8: parent", "LEVEL_INCONSISTENT"),
        ("line 9: name", "TITLE_EMPTY"),
    ]
    assert not Item.objects.filter(version__classification=scratch).exists()


def test_missing_columns_are_refused(scratch):
    with pytest.raises(ValidationFailed) as caught:
        _import(b"code,name_en\nA,Alpha\n")
    assert [e.field for e in caught.value.errors] == ["level", "parent"]


def test_a_version_slug_cannot_be_imported_twice(scratch):
    with pytest.raises(Conflict) as caught:
        _import(b"code,level,parent,name_en\nA,section,,Alpha\n", slug="isic4")
    assert caught.value.code == "VERSION_EXISTS"


def test_xlsx_import_with_titles_and_notes_in_two_scripts(scratch):
    book = Workbook()
    sheet = book.active
    sheet.append(["code", "level", "parent", "name_en", "name_ru", "notes_ru"])
    sheet.append(["A", "section", None, "Agriculture", "Сельское хозяйство", "Включает…"])
    sheet.append(["01", "division", "A", "Crops", "Растениеводство", None])
    buffer = io.BytesIO()
    book.save(buffer)
    version = _import(buffer.getvalue(), "new.xlsx")
    item = selectors.item_get(version=version, code="01")
    assert (item.parent.code, item.names) == ("A", {"en": "Crops", "ru": "Растениеводство"})
    assert selectors.item_get(version=version, code="A").notes == {"ru": "Включает…"}
    assert [i.code for i in selectors.item_search(query="rastenievodstvo", version=version)] == [
        "01"
    ]


def test_csv_export_of_a_version_imports_back_to_the_same_tree(scratch):
    isic4 = Version.objects.get(slug="isic4")
    columns, rows = selectors.version_export_rows(version=isic4)
    assert columns == ["code", "level", "parent", "name_ar", "name_en"]
    assert rows[0] == {
        "code": "A",
        "level": "section",
        "parent": "",
        "name_ar": "الزراعة والحراجة وصيد الأسماك",
        "name_en": "Agriculture, forestry and fishing",
    }
    copy = _import(render(rows, fmt="csv", columns=columns, sheet="isic4"))
    pairs = lambda v: set(Item.objects.filter(version=v).values_list("code", "parent__code"))  # noqa: E731
    assert pairs(copy) == pairs(isic4)


@pytest.mark.django_db
def test_correspondence_table_export_in_three_formats():
    table = selectors.table_get(slug="isic4-isic5")
    columns, rows = selectors.table_export_rows(table=table, language="en")
    as_csv = list(
        csv.DictReader(io.StringIO(render(rows, fmt="csv", columns=columns, sheet="t").decode()))
    )
    assert len(as_csv) == 605
    assert [(r["source_code"], r["target_code"]) for r in as_csv if r["source_code"] == "2610"] == [
        ("2610", "2611"),
        ("2610", "2619"),
    ]
    as_json = json.loads(render(rows, fmt="json", columns=columns, sheet="t"))
    assert as_json[0]["kind"] == "official"
    sheet = load_workbook(io.BytesIO(render(rows, fmt="xlsx", columns=columns, sheet="t"))).active
    assert sheet.max_row == 606
    assert [c.value for c in sheet[1]] == columns


@pytest.mark.django_db
def test_correspondence_table_import_checks_every_code():
    content = b"isic5,nace21\n0111,01.11\n9999,01.11\n"
    with pytest.raises(ValidationFailed) as caught:
        services.correspondence_table_import(
            slug="isic5-nace21", source="isic5", target="nace21", content=content, filename="t.csv"
        )
    assert [(e.field, e.code) for e in caught.value.errors] == [
        ("line 3: source", "ROW_CODE_UNKNOWN")
    ]
    table = services.correspondence_table_import(
        slug="isic5-nace21",
        source="isic5",
        target="nace21",
        content=content[:-11],
        filename="t.csv",
    )
    assert (table.kind, table.rows.count()) == ("official", 1)
