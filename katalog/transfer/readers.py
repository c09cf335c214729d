"""Streaming readers for import files: CSV (any delimiter) and JSON Lines in UTF-8, UTF-16,
Windows-1251 or a declared encoding, and XLSX. Each yields (line number, row dict) and never
loads the whole file."""

from __future__ import annotations

import codecs
import csv
import json
import re
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from katalog.core.errors import ValidationFailed
from katalog.transfer.errors import TransferErrorCode as E

DELIMITERS = ",;\t|"
SNIFF_BYTES = 64 * 1024
# A cell longer than this is no value of any field (the longest text limit is far below it):
# its row is refused, the others load.
CELL_MAX = 100_000
# What the CSV reader accepts in one field before it gives up on the whole file; far above
# CELL_MAX so that a huge cell costs its row only.
csv.field_size_limit(max(csv.field_size_limit(), 256 * 1024 * 1024))
# Characters the decoder puts for bytes that are not text in the file's encoding.
UNDECODABLE = "\ufffd"


BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
# Bytes that never occur in text: C0 controls other than tab, line feed, form feed and
# carriage return.
BINARY_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))
CYRILLIC = range(0x0400, 0x0530)
LETTERS = re.compile(r"[^\W\d_]+")


def _not_text() -> ValidationFailed:
    return ValidationFailed(
        _("The file is not a text file (CSV or JSON Lines) nor an XLSX workbook"),
        code=E.NOT_TEXT,
    )


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 without a BOM: text in Latin or Cyrillic has a NUL in every other byte of one
    parity and (almost) none in the other."""
    even, odd = head[0::2], head[1::2]
    if len(head) < 4:
        return None
    if even.count(0) > 0.3 * len(even) and odd.count(0) == 0:
        return "utf-16-be"
    if odd.count(0) > 0.3 * len(odd) and even.count(0) == 0:
        return "utf-16-le"
    return None


def _mixes_scripts(text: str) -> bool:
    """True when a word mixes Latin and Cyrillic letters, the mark of a Latin-1 (or other
    single-byte) file read as Windows-1251 (`GRÖßE` read as `GRЦЯE`)."""
    for word in LETTERS.findall(text):
        cyrillic = sum(ord(c) in CYRILLIC for c in word)
        if 0 < cyrillic < len(word) and any(c.isascii() for c in word):
            return True
    return False


def _check_encoding(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise ValidationFailed(
            _("Unknown encoding %(encoding)r") % {"encoding": name}, code=E.UNKNOWN_ENCODING
        ) from None


def detect_encoding(path: Path, declared: str | None = None, *, json: bool = False) -> str:
    """The encoding of a text file, said honestly: the one declared, else a BOM, else UTF-16
    recognised by its NUL bytes, else UTF-8 if the bytes are valid UTF-8, else Windows-1251
    only when the bytes read as Russian text. A binary file, or one in no encoding we can
    tell, is refused with one message. JSON is UTF-8 by definition: there a row that is not
    is refused on its own (`json`)."""
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if declared:
        return _check_encoding(declared)
    for bom, encoding in BOMS:
        if head.startswith(bom):
            return encoding
    utf16 = _utf16_without_bom(head)
    if utf16:
        return utf16
    if any(b in BINARY_BYTES for b in head):
        raise _not_text()
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still UTF-8.
        cut = len(head) == SNIFF_BYTES and exc.reason == "unexpected end of data"
        if cut or json:
            return "utf-8"
    try:
        text = head.decode("cp1251")
    except UnicodeDecodeError:
        text = ""
    if text and not _mixes_scripts(text):
        return "cp1251"
    raise ValidationFailed(
        _(
            "The encoding of the file could not be recognised (it is neither UTF-8, UTF-16 "
            "nor Windows-1251); give its encoding, for example latin-1"
        ),
        code=E.UNKNOWN_ENCODING,
    )


def detect_delimiter(sample: str) -> str:
    try:
        return csv.Sniffer().sniff(sample.split("\n", 1)[0] + "\n", delimiters=DELIMITERS).delimiter
    except csv.Error:
        return ","


def _normalise_header(name: str | None) -> str:
    return (name or "").strip().lstrip("\ufeff").lower().replace(" ", "_")


def read_csv_rows(path: Path, encoding: str) -> Iterator[tuple[int, dict[str, str]]]:
    with path.open(encoding=encoding, errors="replace", newline="") as handle:
        delimiter = detect_delimiter(handle.read(SNIFF_BYTES))
        handle.seek(0)
        reader = csv.reader(handle, delimiter=delimiter)
        header = [_normalise_header(h) for h in next(reader, [])]
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            refusal = _cell_refusal(row, encoding)
            if refusal:
                yield reader.line_num, {"__error__": refusal}
                continue
            yield reader.line_num, dict(zip(header, (c.strip() for c in row), strict=False))


def _cell_refusal(cells: Iterable[str], encoding: str) -> str | None:
    """Why a row of decoded cells cannot be read, or None."""
    for cell in cells:
        if len(cell) > CELL_MAX:
            return _("a cell is longer than %(max)d characters") % {"max": CELL_MAX}
        if UNDECODABLE in cell:
            return _("the row is not valid %(encoding)s text") % {"encoding": encoding}
    return None


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
            _("The file is not an XLSX workbook (it is not a ZIP archive)"), code=E.NOT_XLSX
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
            code=E.XLSX_TOO_LARGE,
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


def read_jsonl_rows(path: Path, encoding: str) -> Iterator[tuple[int, dict[str, str]]]:
    with path.open(encoding=encoding, errors="replace") as handle:
        for line, text in enumerate(handle, start=1):
            if not text.strip():
                continue
            yield line, _json_row(text, encoding)


def _json_row(text: str, encoding: str) -> dict[str, str]:
    """One JSON Lines row as cells, or {"__error__": why} when it cannot be one."""
    if len(text) > CELL_MAX * 10:
        return {
            "__error__": _("the line is longer than %(max)d characters") % {"max": CELL_MAX * 10}
        }
    if UNDECODABLE in text:
        return {"__error__": _("the row is not valid %(encoding)s text") % {"encoding": encoding}}
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return {"__error__": _("not valid JSON: %(error)s") % {"error": exc.msg}}
    except RecursionError:
        return {"__error__": _("each line must be a JSON object of plain values")}
    if not isinstance(data, dict):
        return {"__error__": _("each line must be a JSON object")}
    if any(isinstance(v, dict | list) for v in data.values()):
        return {"__error__": _("each line must be a JSON object of plain values")}
    cells = {_normalise_header(k): "" if v is None else str(v).strip() for k, v in data.items()}
    refusal = _cell_refusal(cells.values(), encoding)
    return {"__error__": refusal} if refusal else cells


def read_rows(path: Path, encoding: str | None = None) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of any supported file, chosen by extension; `encoding` overrides the detected
    encoding of a text file."""
    if not path.exists():
        raise ValidationFailed(
            _("File not found: %(path)s") % {"path": path}, code=E.FILE_NOT_FOUND
        )
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return read_xlsx_rows(path)
    if _is_zip(path):
        raise _not_text()
    is_json = suffix in {".jsonl", ".ndjson"}
    detected = detect_encoding(path, encoding, json=is_json)
    if is_json:
        return read_jsonl_rows(path, detected)
    return read_csv_rows(path, detected)


def _is_zip(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(4) == b"PK\x03\x04"


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
