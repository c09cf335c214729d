"""Reading and writing classification files: CSV, XLSX and JSON."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django.utils.translation import gettext as _

from katalog.classifiers.errors import ClassifierErrorCode as E
from katalog.classifiers.rules import ItemRow
from katalog.core.errors import FieldError, ValidationFailed
from katalog.core.tables import CsvWriter, write_xlsx

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

# Column prefixes understood in import files: titles and explanatory notes per language.
TITLE_PREFIXES = ("name_", "title_")
NOTE_PREFIXES = ("notes_", "description_")


def read_records(content: bytes, *, filename: str) -> list[tuple[int, dict[str, str]]]:
    """Rows of a CSV or XLSX file as (line number, {column: text}), header on line 1."""
    try:
        if filename.lower().endswith(".xlsx"):
            return _read_xlsx(content)
        text = content.decode("utf-8-sig")
        reader = csv.DictReader(io.StringIO(text, newline=""))
        out = []
        _ = reader.fieldnames  # reads the header line
        start = reader.line_num + 1
        for record in reader:
            # Report the line a record starts on: quoted notes may span several lines.
            out.append((start, {k: (v or "").strip() for k, v in record.items() if k}))
            start = reader.line_num + 1
        return out
    except (UnicodeDecodeError, csv.Error, ValueError, KeyError, OSError) as exc:
        raise ValidationFailed(
            f"{filename} cannot be read: {exc}",
            code=E.FILE_UNREADABLE,
            errors=[FieldError("file", E.FILE_UNREADABLE, str(exc))],
        ) from exc


def _read_xlsx(content: bytes) -> list[tuple[int, dict[str, str]]]:
    from openpyxl import load_workbook  # imported lazily: only XLSX imports need it

    sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [str(h).strip() if h is not None else "" for h in next(rows, ())]
    out = []
    for number, values in enumerate(rows, start=2):
        cells = ["" if v is None else str(v).strip() for v in values]
        if any(cells):
            out.append((number, {h: c for h, c in zip(header, cells, strict=False) if h}))
    return out


def item_rows(
    records: list[tuple[int, dict[str, str]]],
    *,
    titles: dict[str, str] | None = None,
    notes: dict[str, str] | None = None,
) -> list[ItemRow]:
    """Turn records into item rows. Without explicit mappings, `name_xx` columns are titles in
    language xx and `notes_xx` / `description_xx` columns are explanatory notes."""
    if not records:
        return []
    columns = list(records[0][1])
    missing = [c for c in ("code", "level", "parent") if c not in columns]
    if missing:
        raise ValidationFailed(
            f"Missing columns: {', '.join(missing)}.",
            code=E.COLUMN_MISSING,
            errors=[FieldError(c, E.COLUMN_MISSING, f"Column {c} is required.") for c in missing],
        )
    titles = titles or {_lang(c): c for c in columns if c.startswith(TITLE_PREFIXES)}
    notes = notes or {_lang(c): c for c in columns if c.startswith(NOTE_PREFIXES)}
    return [
        ItemRow(
            line=line,
            code=rec["code"],
            level=rec["level"],
            parent=rec.get("parent", ""),
            names={
                lang: " ".join(rec[col].split()) for lang, col in titles.items() if rec.get(col)
            },
            notes={lang: rec[col] for lang, col in notes.items() if rec.get(col)},
        )
        for line, rec in records
    ]


def _lang(column: str) -> str:
    return column.split("_", 1)[1]


def render(rows: list[dict[str, Any]], *, fmt: str, columns: list[str], sheet: str) -> bytes:
    """Serialise dict rows as CSV, XLSX or JSON."""
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=1).encode("utf-8")
    values = [[row.get(c, "") for c in columns] for row in rows]
    if fmt == "csv":
        buffer = io.StringIO()
        writer = CsvWriter(buffer, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(values)
        return buffer.getvalue().encode("utf-8")
    if fmt == "xlsx":
        out = io.BytesIO()
        write_xlsx(out, [(sheet, columns, values)])
        return out.getvalue()
    message = _("Unknown format %(format)r; use csv, xlsx or json.") % {"format": fmt}
    raise ValidationFailed(
        message,
        code=E.EXPORT_FORMAT_UNKNOWN,
        errors=[FieldError("format", E.EXPORT_FORMAT_UNKNOWN, message)],
    )
