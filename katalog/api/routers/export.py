"""Streaming export of a search result or the whole catalogue: CSV, XLSX or JSON Lines."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.http import FileResponse, HttpRequest, StreamingHttpResponse
from ninja import Router

from katalog.api.auth import ReaderRequest, read_auth
from katalog.api.schemas import READ_PROBLEMS, responses
from katalog.transfer.exporters import (
    FORMATS,
    check_format,
    csv_chunks,
    export_item_ids,
    item_rows,
    jsonl_chunks,
    write_xlsx,
)

router = Router(tags=["export"])


def _search_params(request: HttpRequest) -> dict[str, str | list[str]]:
    return {k: (v[0] if len(v) == 1 else v) for k, v in request.GET.lists() if k != "format"}


@router.get(
    "/items",
    auth=read_auth,
    response=responses({200: None}, (401, *READ_PROBLEMS)),
    summary="Export items (format=csv|xlsx|jsonl, plus search parameters; none: all)",
)
def export_items(request: ReaderRequest, format: str = "csv"):
    fmt = check_format(format)
    reader = request.auth
    ids = export_item_ids(_search_params(request), reader=reader)
    if fmt == "xlsx":
        # A workbook is a zip archive: built in a temporary file (write-only, flat memory), then sent.
        handle = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)  # noqa: SIM115
        handle.close()
        path = Path(handle.name)
        write_xlsx(item_rows(ids, reader=reader), path)
        stream = path.open("rb")
        path.unlink()  # the open handle keeps the data until the response is closed
        return FileResponse(
            stream, as_attachment=True, filename="items.xlsx", content_type=FORMATS["xlsx"]
        )
    rows = item_rows(ids, reader=reader)
    chunks = csv_chunks(rows) if fmt == "csv" else jsonl_chunks(rows)
    response = StreamingHttpResponse(chunks, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="items.{fmt}"'
    return response
