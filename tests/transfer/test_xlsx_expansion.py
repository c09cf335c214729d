"""A workbook that would expand far beyond its size is refused from its ZIP directory, before
openpyxl reads it, with one clear message and nothing loaded."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from katalog.catalog.models import Item
from katalog.core.errors import ValidationFailed
from katalog.jobs.models import JobState
from katalog.jobs.services import job_execute, job_submit
from katalog.transfer.importers.kinds import import_file
from katalog.transfer.readers import xlsx_check
from tests.factories import UserFactory, bureau

pytestmark = pytest.mark.django_db

EXPANDED = 40 * 1024 * 1024


def bomb_bytes() -> bytes:
    """A valid-looking workbook whose one sheet declares 40 MiB that compress to a few KB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            chunk = b" " * (1024 * 1024)
            for _ in range(EXPANDED // len(chunk)):
                sheet.write(chunk)
    return buffer.getvalue()


def test_a_workbook_that_expands_a_thousandfold_is_refused(tmp_path):
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(bomb_bytes())
    assert path.stat().st_size < EXPANDED // 100
    with pytest.raises(ValidationFailed) as refused:
        xlsx_check(path)
    assert refused.value.code == "XLSX_TOO_LARGE"
    assert "40 MB" in refused.value.message


def test_the_expanded_size_limit_is_a_setting(tmp_path, settings):
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(bomb_bytes())
    settings.XLSX_MAX_RATIO = 10**9
    settings.XLSX_MAX_EXPANDED_BYTES = 1024 * 1024
    with pytest.raises(ValidationFailed) as refused:
        xlsx_check(path)
    assert refused.value.code == "XLSX_TOO_LARGE"


def test_a_file_named_xlsx_that_is_no_archive_is_refused(tmp_path):
    path = tmp_path / "items.xlsx"
    path.write_text("catalogue_number;item_name_code\n", encoding="utf-8")
    with pytest.raises(ValidationFailed) as refused:
        import_file("items", path, actor=UserFactory(bureau=bureau("RU"), roles=["cataloguer"]))
    assert refused.value.code == "NOT_XLSX"


def test_an_import_job_of_such_a_workbook_fails_with_its_reason_and_loads_nothing():
    before = Item.objects.count()
    author = UserFactory(bureau=bureau("RU"), roles=["cataloguer"])
    job = job_submit(
        actor=author,
        kind="import-items",
        upload=SimpleUploadedFile("bomb.xlsx", bomb_bytes()),
        filename="bomb.xlsx",
    )
    done = job_execute(job.pk)
    assert done.state == JobState.FAILED
    assert done.message.startswith("XLSX_TOO_LARGE: ")
    assert "Traceback" not in done.message
    assert Item.objects.count() == before
