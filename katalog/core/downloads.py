"""A stored file handed to the person or program that asked for it, the same way from the pages
and the API: as an attachment under the name it was stored with, its type guessed from that
name, so a browser never renders an uploaded file as a page of ours."""

from __future__ import annotations

import mimetypes
from pathlib import PurePath

from django.db.models.fields.files import FieldFile
from django.http import FileResponse


def file_download(stored: FieldFile) -> FileResponse:
    name = PurePath(stored.name or "").name
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return FileResponse(
        stored.open("rb"), as_attachment=True, filename=name, content_type=content_type
    )
