"""Exports stream CSV, XLSX and JSON Lines in constant memory, neutralise spreadsheet formulas,
and parse back to the rows that were exported."""

from __future__ import annotations

import csv
import io
import json
import tracemalloc
from pathlib import Path

import pytest
from openpyxl import load_workbook

from katalog.catalog.models import Item
from katalog.core.actors import SYSTEM_INIT
from katalog.transfer import exporters
from katalog.transfer.exporters import ITEM_COLUMNS, export_items
from katalog.transfer.importers.kinds import import_file


def load_items(tmp_path: Path, count: int, name=lambda i: f"ГАЙКА {i}") -> None:
    lines = ["catalogue_number;name"]
    for i in range(count):
        n = f"{2000000 + i:07d}"
        lines.append(f"5310-57-{n[:3]}-{n[3:]};{name(i)}")
    path = tmp_path / "items.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert import_file("items", path, actor=SYSTEM_INIT).created == count


DANGEROUS = ["=1+2", "+7 999", "-5", "@SUM(A1)", "ГАЙКА"]


@pytest.fixture
def catalogue(tmp_path):
    load_items(tmp_path, len(DANGEROUS), name=lambda i: DANGEROUS[i])


def exported_names(rows: list[dict]) -> list[str]:
    return [row["name"] for row in rows]


@pytest.mark.django_db
def test_csv_export_neutralises_formulas_and_parses_back(catalogue, tmp_path):
    out = io.StringIO()
    assert export_items(out, fmt="csv", reader=SYSTEM_INIT) == len(DANGEROUS)
    rows = list(csv.DictReader(io.StringIO(out.getvalue().lstrip("\ufeff"))))
    assert list(rows[0]) == ITEM_COLUMNS
    assert exported_names(rows) == ["'=1+2", "'+7 999", "'-5", "'@SUM(A1)", "ГАЙКА"]
    assert rows[0]["catalogue_number"] == "5310-57-200-0000"


@pytest.mark.django_db
def test_xlsx_export_is_text_only_and_parses_back(catalogue, tmp_path):
    path = tmp_path / "items.xlsx"
    assert export_items(path, fmt="xlsx", reader=SYSTEM_INIT) == len(DANGEROUS)
    sheet = load_workbook(path, read_only=True).worksheets[0]
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0] == ITEM_COLUMNS
    assert [row[3] for row in values[1:]] == ["'=1+2", "'+7 999", "'-5", "'@SUM(A1)", "ГАЙКА"]
    assert values[1][0] == "5310-57-200-0000"


@pytest.mark.django_db
def test_jsonl_export_keeps_values_exact(catalogue, tmp_path):
    path = tmp_path / "items.jsonl"
    export_items(path, fmt="jsonl", reader=SYSTEM_INIT)
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert exported_names(rows) == DANGEROUS
    assert rows[-1]["catalogue_number"] == "5310-57-200-0004"


@pytest.mark.django_db
def test_export_order_is_catalogue_number_order(tmp_path):
    load_items(tmp_path, 3)
    Item.objects.filter(niin="572000000").update(
        name_text="first"
    )  # the lowest number, whatever its id
    out = io.StringIO()
    export_items(out, fmt="jsonl", reader=SYSTEM_INIT)
    numbers = [json.loads(line)["catalogue_number"] for line in out.getvalue().splitlines()]
    assert numbers == sorted(numbers)


class CountingSink:
    def __init__(self) -> None:
        self.size = 0

    def write(self, text: str) -> None:
        self.size += len(text.encode("utf-8"))


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_export_memory_stays_below_the_data_size(tmp_path, monkeypatch, fmt):
    load_items(tmp_path, 6000, name=lambda i: f"ГАЙКА ШЕСТИГРАННАЯ {i} " + "Ж" * 150)
    monkeypatch.setattr(exporters, "PAGE", 50)
    export_items(
        CountingSink(), fmt=fmt, reader=SYSTEM_INIT
    )  # first use fills caches (compiled queries, imports) that stay anyway
    sink = CountingSink()
    tracemalloc.start()
    try:
        count = export_items(sink, fmt=fmt, reader=SYSTEM_INIT)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 6000
    # Everything exported is about 2.5 MB; a streaming export holds one chunk of rows at a time.
    assert sink.size > 2_000_000
    assert peak < sink.size / 3


@pytest.mark.django_db
def test_api_streams_csv_jsonl_and_xlsx(catalogue, client, tmp_path):
    response = client.get("/api/v1/export/items", {"format": "csv"})
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    assert exported_names(list(csv.DictReader(io.StringIO(text))))[0] == "'=1+2"

    response = client.get("/api/v1/export/items", {"format": "jsonl"})
    rows = [
        json.loads(line)
        for line in b"".join(response.streaming_content).decode("utf-8").splitlines()
    ]
    assert exported_names(rows) == DANGEROUS

    response = client.get("/api/v1/export/items", {"format": "xlsx"})
    assert response.status_code == 200
    path = tmp_path / "api.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    values = list(load_workbook(path, read_only=True).worksheets[0].iter_rows(values_only=True))
    assert len(values) == len(DANGEROUS) + 1

    response = client.get("/api/v1/export/items", {"format": "pdf"})
    assert response.status_code == 422
    assert response.json()["code"] == "UNKNOWN_EXPORT_FORMAT"


@pytest.mark.django_db
def test_cli_export_writes_each_format(catalogue, tmp_path):
    from django.core.management import call_command

    for fmt in ("csv", "xlsx", "jsonl"):
        call_command("export", "items", "-o", str(tmp_path / f"out.{fmt}"))
    assert (tmp_path / "out.jsonl").read_text(encoding="utf-8").count("\n") == len(DANGEROUS)
    sheet = load_workbook(tmp_path / "out.xlsx", read_only=True).worksheets[0]
    assert len(list(sheet.iter_rows(values_only=True))) == len(DANGEROUS) + 1


@pytest.mark.django_db
def test_export_of_a_search_result_holds_exactly_its_hits(tmp_path, client):
    load_items(tmp_path, 5)
    response = client.get("/api/v1/export/items", {"format": "jsonl", "q": "5310 57 200 0003"})
    assert response.status_code == 200
    rows = [json.loads(line) for line in b"".join(response.streaming_content).decode().splitlines()]
    assert [row["catalogue_number"] for row in rows] == ["5310-57-200-0003"]

    response = client.get("/api/v1/export/items", {"format": "jsonl", "q": "5310-57-999-9999"})
    assert b"".join(response.streaming_content) == b""
