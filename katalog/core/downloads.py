"""A stored file handed to the person or program that asked for it, the same way from the pages
and the API: as an attachment under the name it was stored with, its type guessed from that
name, so a browser never renders an uploaded file as a page of ours."""

from __future__ import annotations

import mimetypes
from pathlib import Path, PurePath
from typing import IO

from django.db.models.fields.files import FieldFile
from django.http import FileResponse


def file_download(stored: FieldFile) -> FileResponse:
    return _attachment(stored.open("rb"), PurePath(stored.name or "").name)


def path_download(path: Path, name: str, content_type: str | None = None) -> FileResponse:
    """A file kept on disk (a job's result or error report) under the name the reader gets."""
    return _attachment(path.open("rb"), name, content_type)


def _attachment(handle: IO[bytes], name: str, content_type: str | None = None) -> FileResponse:
    content_type = content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
    return FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
