"""What a serving installation must have and what it refuses: a fixed secret key, security
headers under HTTPS, bodies within the limits, formula cells never written as formulas, job
files removed after their retention period, an admin site that changes nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib import admin
from django.test import Client
from django.utils import timezone

from katalog.core.security import CONTENT_SECURITY_POLICY
from katalog.core.tables import CsvWriter, csv_lines, safe_cell
from katalog.jobs.models import Job, JobState
from katalog.jobs.services import job_files_expire
from katalog.jobs.storage import job_dir
from tests.api.conftest import TokenClient, user_with_token
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    import os

    environment = {k: v for k, v in os.environ.items() if not k.startswith("KATALOG_")}
    environment |= {"DJANGO_SETTINGS_MODULE": "katalog.config.settings", **env}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )


def test_a_server_does_not_start_without_a_secret_key(tmp_path):
    db = f"sqlite:///{tmp_path / 'k.sqlite3'}"
    # The message speaks the installation's language: English here, Russian by default.
    refused = run_python(
        "import katalog.config.wsgi", KATALOG_DATABASE_URL=db, KATALOG_LANGUAGE="en"
    )
    assert refused.returncode != 0
    assert "KATALOG_SECRET_KEY is not set" in refused.stderr
    in_russian = run_python("import katalog.config.wsgi", KATALOG_DATABASE_URL=db)
    assert "KATALOG_SECRET_KEY не задан" in in_russian.stderr
    served = run_python(
        "import katalog.config.wsgi", KATALOG_DATABASE_URL=db, KATALOG_SECRET_KEY="k" * 50
    )
    assert served.returncode == 0, served.stderr
    debugging = run_python(
        "import katalog.config.wsgi", KATALOG_DATABASE_URL=db, KATALOG_DEBUG="true"
    )
    assert debugging.returncode == 0, debugging.stderr


@pytest.mark.django_db
def test_https_turns_on_the_content_security_policy(settings, client):
    settings.KATALOG_HTTPS = False
    assert "Content-Security-Policy" not in client.get("/search/")
    settings.KATALOG_HTTPS = True
    page = client.get("/search/", secure=True)
    assert page["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY
    assert "onchange=" not in page.content.decode()  # no inline handler the policy would block


@pytest.mark.django_db
def test_the_api_documentation_serves_its_assets_from_the_installation(client):
    page = client.get("/api/v1/docs").content.decode()
    assert "swagger-ui-bundle.js" in page
    assert "cdn." not in page
    assert "unpkg" not in page


@pytest.mark.django_db
def test_bodies_over_the_limits_are_413_and_malformed_multipart_is_400(settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    _user, token = user_with_token("ru-limits", "RU")
    api = TokenClient(token)
    huge = {"references": [{"number": "A" * (11 * 1024 * 1024)}]}
    too_big = api.post("/api/v1/screening", huge)
    assert (too_big.status_code, too_big.json()["code"]) == (413, "REQUEST_TOO_LARGE")
    no_boundary = api.client.post(
        "/api/v1/jobs",
        data=b"--x\r\ncontent\r\n",
        content_type="multipart/form-data",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert no_boundary.status_code == 400
    assert no_boundary.json()["code"] == "MALFORMED_BODY"
    page = Client().post(
        "/search/", data=b"x" * (2 * 1024 * 1024), content_type="application/octet-stream"
    )
    assert page.status_code == 413


@pytest.mark.parametrize("text", ["=1+2", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\r=x"])
def test_formula_cells_are_written_as_text(text):
    assert safe_cell(text) == "'" + text
    out = io.StringIO()
    CsvWriter(out).writerow([text, "plain"])
    assert next(csv.reader(io.StringIO(out.getvalue()))) == ["'" + text, "plain"]
    assert "'" + text.replace("\r", "") in "".join(csv_lines(["a"], [[text]])).replace("\r", "")


@pytest.mark.django_db
def test_job_files_are_removed_after_the_retention_period(settings, tmp_path, monkeypatch):
    monkeypatch.setenv("KATALOG_JOBS_DIR", str(tmp_path / "jobs"))
    settings.JOB_FILE_RETENTION_DAYS = 30
    old = Job.objects.create(kind="export-items", state=JobState.SUCCEEDED,
                             finished_at=timezone.now() - dt.timedelta(days=31), result_file="1/result")  # fmt: skip
    recent = Job.objects.create(kind="export-items", state=JobState.SUCCEEDED,
                                finished_at=timezone.now() - dt.timedelta(days=2), result_file="2/result")  # fmt: skip
    for job in (old, recent):
        (job_dir(job.pk) / "result").write_text("data")
    assert job_files_expire() == [old.pk]
    assert not (tmp_path / "jobs" / str(old.pk)).exists()
    assert (tmp_path / "jobs" / str(recent.pk) / "result").exists()
    old.refresh_from_db()
    assert old.files_removed_at is not None
    assert job_files_expire() == []


@pytest.mark.django_db
def test_the_admin_site_changes_no_data_except_through_services(rf):
    request = rf.get("/admin/")
    request.user = UserFactory(
        username="operator", bureau=None, is_superuser=True, is_staff=True, roles=[]
    )
    writable = {
        (m._meta.label, name)
        for m, model_admin in admin.site._registry.items()
        for name in ("add", "change", "delete")
        if getattr(model_admin, f"has_{name}_permission")(request)
    }
    # Tokens are made there through the token service (audited); nothing else is written.
    assert writable == {("accounts.ApiToken", "add")}
