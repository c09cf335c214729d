"""Parts lists: CSV and XLSX in, a result CSV out, bad rows reported by line and column."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from django.core.management import call_command
from openpyxl import Workbook

from katalog.core.actors import SYSTEM_INIT
from katalog.screening.batch import screen_file

HEADER = [
    "Reference number",
    "Manufacturer code",
    "Item name",
    "Supply class",
    "THDD",
    "MATL",
    "Qty",
]
ROWS = [
    ["абвг-123456-001-01", "A100F", "10101", "5310", "", "", "4"],  # line 2: duplicate
    ["MS35", "A100F", "10101", "5310", "", "", "1"],  # line 3: review (leading zeros)
    ["", "", "", "", "", "", "2"],  # line 4: nothing to compare
    ["ZZ-999", "A100F", "10101", "5310", "ten mm", "", "1"],  # line 5: THDD does not parse
    ["", "", "10101", "5310", "10 mm", "STL", "3"],  # line 6: characteristics only
    ["QQ-1", "", "99999", "", "", "", ""],  # line 7: unknown item name
    ["АБВГ.123456.001-03", "A100F", "", "", "", "", ""],  # line 8: no duplicate
    ["", "", "10101", "5310", "", "", "5"],  # line 9: a name alone, nothing to screen
]


def write_csv(path: Path, delimiter: str = ";", encoding: str = "utf-8") -> Path:
    with path.open("w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(HEADER)
        writer.writerows(ROWS)
    return path


def write_xlsx(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append([cell or None for cell in row])
    book.save(path)
    return path


def run(path: Path):
    out, rejects = io.StringIO(), []
    summary = screen_file(
        path, out, locale="en", on_reject=lambda *r: rejects.append(r), reader=SYSTEM_INIT
    )
    return summary, list(csv.DictReader(io.StringIO(out.getvalue()))), rejects


def check(summary, rows, rejects) -> None:
    assert {(line, column, code) for line, column, code, _m in rejects} == {
        (4, "reference_number", "SCREENING_NOTHING_TO_COMPARE"),
        (5, "thdd", "VALUE_NOT_A_NUMBER"),
        (7, "item_name", "UNKNOWN_ITEM_NAME"),
    }
    verdicts = {int(r["line"]): r["line_verdict"] for r in rows}
    assert verdicts == {
        2: "duplicate",
        3: "review",
        6: "review",
        8: "no_duplicate",
        9: "not_screened",
    }
    first = next(r for r in rows if r["line"] == "2" and r["rank"] == "1")
    assert first["catalogue_number"]
    assert "АБВГ.123456.001-01" in first["reasons"]
    assert all(int(r["rank"]) <= 3 for r in rows)
    assert summary.as_dict() == {
        "lines": 8,
        "duplicate": 1,
        "review": 2,
        "no_duplicate": 1,
        "not_screened": 1,
        "rejected": 3,
    }


def test_screening_batch_csv_with_bad_rows(catalogue, tmp_path) -> None:
    check(*run(write_csv(tmp_path / "parts.csv")))


def test_screening_batch_csv_in_windows_1251_with_commas(catalogue, tmp_path) -> None:
    check(*run(write_csv(tmp_path / "parts.csv", delimiter=",", encoding="cp1251")))


def test_screening_batch_xlsx_with_bad_rows(catalogue, tmp_path) -> None:
    check(*run(write_xlsx(tmp_path / "parts.xlsx")))


def test_screening_cli_file(catalogue, tmp_path) -> None:
    source = write_csv(tmp_path / "parts.csv")
    result, errors, out = tmp_path / "result.csv", tmp_path / "errors.csv", io.StringIO()
    call_command("screen", str(source), "-o", str(result), "--errors", str(errors), stdout=out)
    assert (
        "lines: 8, duplicate: 1, review: 2, no duplicate: 1, not screened: 1, rejected: 3"
        in out.getvalue()
    )
    error_lines = [r["line"] for r in csv.DictReader(errors.open(encoding="utf-8"))]
    assert error_lines == ["4", "5", "7"]
    assert {r["line"] for r in csv.DictReader(result.open(encoding="utf-8"))} == {
        "2",
        "3",
        "6",
        "8",
        "9",
    }


def test_screening_cli_single_item(catalogue) -> None:
    out = io.StringIO()
    call_command(
        "screen", "--reference", "АБВГ 123456 001 01", "--manufacturer", "A100F",
        "--item-name", "10101", "--class", "5310", "--value", "THDD=10mm", "--json", stdout=out,
    )  # fmt: skip
    import json

    data = json.loads(out.getvalue())
    assert data["verdict"] == "duplicate"
    assert data["candidates"][0]["catalogue_number"] == catalogue.nut.catalogue_number


def test_screening_cli_tells_the_evidence_in_the_language_asked(catalogue) -> None:
    told = {}
    for lang in ("en", "ru"):
        out = io.StringIO()
        call_command(
            "screen", "--reference", "АБВГ.123456.001-01", "--manufacturer", "A100F",
            "--item-name", "10101", "--value", "THDD=0.3937 in", "--lang", lang, stdout=out,
        )  # fmt: skip
        told[lang] = out.getvalue()
    assert "Same reference number АБВГ.123456.001-01 of the same manufacturer A100F" in told["en"]
    assert "То же обозначение АБВГ.123456.001-01 того же изготовителя A100F" in told["ru"]
    assert "0,3937 дюйм совпадает с 0,393701 дюйм (10 мм)" in told["ru"]
