"""Streaming readers for import files: CSV (any delimiter; UTF-8 with or without BOM, or
Windows-1251), XLSX and JSON Lines. Each yields (line number, row dict) and never loads the
whole file."""

from __future__ import annotations

import csv
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from katalog.core.errors import ValidationFailed

DELIMITERS = ",;\t|"
SNIFF_BYTES = 64 * 1024


def detect_encoding(path: Path) -> str:
    """UTF-8 (BOM or not) if the start of the file decodes as UTF-8, else Windows-1251."""
    head = path.open("rb").read(SNIFF_BYTES)
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still UTF-8.
        if exc.start < len(head) - 4:
            return "cp1251"
    return "utf-8"


def detect_delimiter(sample: str) -> str:
    try:
        return csv.Sniffer().sniff(sample.split("\n", 1)[0] + "\n", delimiters=DELIMITERS).delimiter
    except csv.Error:
        return ","


def _normalise_header(name: str | None) -> str:
    return (name or "").strip().lstrip("\ufeff").lower().replace(" ", "_")


def read_csv_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    encoding = detect_encoding(path)
    with path.open(encoding=encoding, newline="") as handle:
        delimiter = detect_delimiter(handle.read(SNIFF_BYTES))
        handle.seek(0)
        reader = csv.reader(handle, delimiter=delimiter)
        header = [_normalise_header(h) for h in next(reader, [])]
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            yield reader.line_num, dict(zip(header, (c.strip() for c in row), strict=False))


# Below this size a well-compressed workbook is no risk, whatever its ratio.
XLSX_RATIO_FROM = 16 * 1024 * 1024


def xlsx_check(path: Path) -> None:
    """Refuse an XLSX that would expand beyond the limits, from its ZIP directory alone, before
    openpyxl opens it: Python's ZIP reader never yields more than a member's declared size, so
    the declared sizes bound what reading the workbook can cost (an 817 KB file declaring
    800 MiB took a worker to 3.2 GB)."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise ValidationFailed(
            _("The file is not an XLSX workbook (it is not a ZIP archive)"), code="NOT_XLSX"
        ) from None
    expanded = sum(m.file_size for m in members)
    compressed = max(1, sum(m.compress_size for m in members))
    limit, max_ratio = settings.XLSX_MAX_EXPANDED_BYTES, settings.XLSX_MAX_RATIO
    too_compressed = expanded > XLSX_RATIO_FROM and expanded / compressed > max_ratio
    if expanded > limit or too_compressed:
        raise ValidationFailed(
            _(
                "The XLSX workbook would expand to %(expanded)d MB (%(ratio)d times its size "
                "on disk); at most %(max)d MB and %(max_ratio)d times are accepted"
            )
            % {
                "expanded": expanded // (1024 * 1024),
                "ratio": expanded // compressed,
                "max": limit // (1024 * 1024),
                "max_ratio": max_ratio,
            },
            code="XLSX_TOO_LARGE",
        )


def _open_workbook(path: Path, *, data_only: bool):
    from openpyxl import load_workbook

    xlsx_check(path)
    return load_workbook(path, read_only=True, data_only=data_only)


def read_xlsx_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    workbook = _open_workbook(path, data_only=True)
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = [_normalise_header(str(h) if h is not None else "") for h in next(rows, ())]
        for line, values in enumerate(rows, start=2):
            cells = ["" if v is None else str(v).strip() for v in values]
            if any(cells):
                yield line, dict(zip(header, cells, strict=False))
    finally:
        workbook.close()


def read_jsonl_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    with path.open(encoding="utf-8-sig") as handle:
        for line, text in enumerate(handle, start=1):
            if not text.strip():
                continue
            try:
                data = json.loads(text)
            except json.JSONDecodeError as exc:
                yield line, {"__error__": _("not valid JSON: %(error)s") % {"error": exc.msg}}
                continue
            if not isinstance(data, dict):
                yield line, {"__error__": _("each line must be a JSON object")}
                continue
            yield (
                line,
                {
                    _normalise_header(k): "" if v is None else str(v).strip()
                    for k, v in data.items()
                },
            )


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of any supported file, chosen by extension."""
    if not path.exists():
        raise ValidationFailed(
            _("File not found: %(path)s") % {"path": path}, code="FILE_NOT_FOUND"
        )
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return read_xlsx_rows(path)
    if suffix in {".jsonl", ".ndjson"}:
        return read_jsonl_rows(path)
    return read_csv_rows(path)


def count_rows(path: Path | None) -> int | None:
    """How many rows a file holds, for progress: counted in a quick pass (no parsing) for
    text files, from the sheet's dimensions for XLSX. None when unknown."""
    if path is None or not path.exists():
        return None
    if path.suffix.lower() == ".xlsx":
        workbook = _open_workbook(path, data_only=False)
        try:
            rows = workbook.worksheets[0].max_row
        finally:
            workbook.close()
        return max(0, rows - 1) if rows else None
    with path.open("rb") as handle:
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
    header = 0 if path.suffix.lower() in {".jsonl", ".ndjson"} else 1
    return max(0, lines - header)


__all__ = ["count_rows", "read_rows"]
