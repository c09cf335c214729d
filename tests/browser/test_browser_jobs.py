"""Uploading an import with bad rows, watching it run, and downloading the error report."""

from __future__ import annotations

import re

import pytest

from katalog.accounts.models import User
from katalog.catalog.models import Manufacturer
from katalog.jobs.models import Job
from katalog.jobs.services import job_execute
from tests.factories import bureau, grant_role

PASSWORD = "browser-test-pass"
BAD_ROWS = "code,name_en,country\nA601F,Good Works,RU\nA602F,,RU\nA603F,Nowhere Ltd,XX\n"


@pytest.fixture(autouse=True)
def _jobs_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("KATALOG_JOBS_DIR", str(tmp_path / "jobs"))


def test_upload_an_import_with_bad_rows_and_download_the_error_report(page, log_in, tmp_path):
    grant_role(
        User.objects.create_user("ru-importer", password=PASSWORD, bureau=bureau("RU")),
        "cataloguer",
    )
    source = tmp_path / "makers.csv"
    source.write_text(BAD_ROWS, encoding="utf-8")
    log_in(page, "ru-importer")
    page.goto("/jobs/")
    page.get_by_role("link", name="Upload an import file").click()
    page.get_by_label("What the file holds").select_option("import-manufacturers")
    page.get_by_label(re.compile("^File")).set_input_files(str(source))
    page.get_by_role("button", name="Start the import").click()
    page.wait_for_url(re.compile(r"/jobs/\d+/$"))
    assert page.locator("#job-state").get_attribute("data-state") == "queued"

    job_execute(Job.objects.get().pk)  # what the worker process does with the queued job
    link = page.get_by_role("link", name="Download the error report")
    link.wait_for()  # arrives through the page's own polling, no reload
    assert page.locator("#job-state").get_attribute("data-state") == "succeeded"
    with page.expect_download() as download:
        link.click()
    report = tmp_path / "report.csv"
    download.value.save_as(str(report))
    lines = report.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "line,column,code,message"
    assert len(lines) == 3
    assert any("UNKNOWN_COUNTRY" in line for line in lines)
    assert Manufacturer.objects.filter(code="A601F").exists()
