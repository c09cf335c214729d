"""Every input format and encoding loads the same rows: CSV (comma, semicolon, tab, pipe; UTF-8
with and without BOM, Windows-1251), XLSX and JSON Lines; a bad row keeps its line number."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import Workbook

from katalog.catalog.models import Item
from katalog.core.actors import SYSTEM_INIT
from katalog.transfer.importers.kinds import import_file

ROWS = [
    ("5310-57-000-7001", "10101", "ГАЙКА М12"),
    ("5310-57-000-70X2", "10101", "плохой номер"),
    ("5310-57-000-7003", "10101", "=CMD|' /C calc'!A0"),
]
HEADER = ("catalogue_number", "item_name_code", "name")


def csv_text(delimiter: str) -> str:
    return "\n".join(delimiter.join(row) for row in [HEADER, *ROWS]) + "\n"


def xlsx_file(path: Path) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    for row in [HEADER, *ROWS]:
        sheet.append(list(row))
    for (cell,) in sheet.iter_rows(min_col=3, max_col=3):
        cell.data_type = "s"  # a text cell that starts with "=", not a formula
    workbook.save(path)
    return path


def jsonl_file(path: Path) -> Path:
    lines = [json.dumps(dict(zip(HEADER, row, strict=True)), ensure_ascii=False) for row in ROWS]
    lines.insert(1, "{not json")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def check_loaded(report, bad_line: int) -> None:
    assert report.created == 2
    assert (report.errors[0].line, report.errors[0].code) == (bad_line, "INVALID_CATALOGUE_NUMBER")
    assert Item.objects.get(niin="570007001").name_text == "ГАЙКА М12"
    # Stored as given: neutralising formulas is the exporter's job.
    assert Item.objects.get(niin="570007003").name_text.startswith("=CMD")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("delimiter", "encoding"),
    [(",", "utf-8"), (";", "utf-8-sig"), ("\t", "cp1251"), ("|", "utf-8-sig"), (";", "cp1251")],
)
def test_csv_any_delimiter_and_encoding(tmp_path, delimiter, encoding):
    path = tmp_path / "items.csv"
    path.write_bytes(csv_text(delimiter).encode(encoding))
    if encoding == "utf-8-sig":
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    check_loaded(import_file("items", path, actor=SYSTEM_INIT), bad_line=3)


@pytest.mark.django_db
def test_xlsx(tmp_path):
    check_loaded(
        import_file("items", xlsx_file(tmp_path / "items.xlsx"), actor=SYSTEM_INIT), bad_line=3
    )


@pytest.mark.django_db
def test_json_lines_with_a_broken_line(tmp_path):
    report = import_file("items", jsonl_file(tmp_path / "items.jsonl"), actor=SYSTEM_INIT)
    assert [(e.line, e.code) for e in report.errors] == [
        (2, "INVALID_ROW"),
        (3, "INVALID_CATALOGUE_NUMBER"),
    ]
    assert report.created == 2


@pytest.mark.django_db
def test_error_file_lists_line_column_and_reason(tmp_path):
    path = tmp_path / "items.csv"
    path.write_text(csv_text(","), encoding="utf-8")
    errors = tmp_path / "errors.csv"
    import_file("items", path, error_file=errors, actor=SYSTEM_INIT)
    lines = errors.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "line,column,code,message"
    assert lines[1].startswith("3,catalogue_number,INVALID_CATALOGUE_NUMBER,")
    assert len(lines) == 2


@pytest.mark.django_db
def test_dry_run_reports_changes_and_writes_nothing(tmp_path):
    path = tmp_path / "items.csv"
    path.write_text(csv_text(","), encoding="utf-8")
    import_file("items", path, actor=SYSTEM_INIT)
    changed = tmp_path / "changed.csv"
    changed.write_text(
        "catalogue_number,name\n5310-57-000-7001,NEW\n5310-57-000-7009,ANOTHER\n", encoding="utf-8"
    )
    report = import_file("items", changed, policy="update", dry_run=True, actor=SYSTEM_INIT)
    assert (report.created, report.updated, report.dry_run) == (1, 1, True)
    assert Item.objects.get(niin="570007001").name_text == "ГАЙКА М12"
    assert not Item.objects.filter(niin="570007009").exists()


@pytest.mark.django_db
def test_finished_file_imported_again_creates_no_duplicates(tmp_path):
    path = tmp_path / "items.csv"
    path.write_text(csv_text(";"), encoding="utf-8")
    first = import_file("items", path, batch_size=1, actor=SYSTEM_INIT)
    second = import_file("items", path, batch_size=1, actor=SYSTEM_INIT)
    assert (first.created, second.created, second.skipped, second.resumed_after_line) == (
        2,
        0,
        2,
        0,
    )
    assert Item.objects.filter(niin__startswith="5700070").count() == 2


@pytest.mark.django_db
def test_missing_file_is_a_clear_error(tmp_path):
    from katalog.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as failure:
        import_file("items", tmp_path / "nowhere.csv", actor=SYSTEM_INIT)
    assert failure.value.code == "FILE_NOT_FOUND"
