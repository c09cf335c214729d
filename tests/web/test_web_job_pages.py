import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from katalog.catalog.models import Manufacturer
from katalog.jobs.models import Job
from katalog.jobs.services import job_execute
from tests.factories import UserFactory, bureau

pytestmark = pytest.mark.django_db

BAD_ROWS = b"code,name_en,country\nA601F,Good Works,RU\nA602F,,RU\nA603F,Nowhere Ltd,XX\n"


@pytest.fixture(autouse=True)
def _jobs_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("KATALOG_JOBS_DIR", str(tmp_path / "jobs"))


@pytest.fixture
def member(client):
    user = UserFactory(username="ru-importer", bureau=bureau("RU"))
    client.force_login(user)
    return user


def upload(client, **extra):
    data = {
        "kind": "import-manufacturers",
        "on_existing": "skip",
        "file": SimpleUploadedFile("makers.csv", BAD_ROWS, content_type="text/csv"),
        **extra,
    }
    return client.post("/jobs/import/", data, HTTP_ACCEPT_LANGUAGE="en")


def test_jobs_page_offers_import_and_export(client, member):
    text = client.get("/jobs/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "/jobs/import/" in text
    assert "/jobs/export/" in text
    form = client.get("/jobs/import/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'value="import-manufacturers"' in form
    assert 'type="file"' in form
    assert 'for="id_dry_run"' in form


def test_upload_with_bad_rows_gives_a_downloadable_error_report(client, member):
    response = upload(client)
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/jobs/{job.pk}/"
    page = client.get(f"/jobs/{job.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'hx-trigger="every 1s"' in page  # queued: the page polls
    job_execute(job.pk)
    page = client.get(
        f"/jobs/{job.pk}/", {"part": "progress"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "hx-trigger" not in page
    assert f"/jobs/{job.pk}/errors/" in page
    report = client.get(f"/jobs/{job.pk}/errors/", HTTP_ACCEPT_LANGUAGE="en")
    body = b"".join(report.streaming_content).decode()
    assert report.status_code == 200
    assert "attachment" in report["Content-Disposition"]
    assert body.splitlines()[0] == "line,column,code,message"
    assert "UNKNOWN_COUNTRY" in body
    assert len(body.splitlines()) == 3
    assert list(
        Manufacturer.objects.filter(code__startswith="A60").values_list("code", flat=True)
    ) == ["A601F"]


def test_dry_run_changes_nothing(client, member):
    upload(client, dry_run="on")
    job_execute(Job.objects.get().pk)
    assert not Manufacturer.objects.filter(code="A601F").exists()


def test_a_job_of_someone_else_is_not_found(client, member):
    upload(client)
    job = Job.objects.get()
    client.force_login(UserFactory(username="other", bureau=bureau("RU")))
    response = client.get(f"/jobs/{job.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "JOB_NOT_FOUND" in response.content.decode()


def test_missing_error_report_is_a_404(client, member):
    upload(client)
    job = Job.objects.get()
    response = client.get(f"/jobs/{job.pk}/errors/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "JOB_FILE_NOT_FOUND" in response.content.decode()


def test_export_job_gives_a_result_file(client, member):
    response = client.post("/jobs/export/", {"format": "csv"})
    job = Job.objects.get()
    assert response.status_code == 302
    job_execute(job.pk)
    job.refresh_from_db()
    assert job.state == "succeeded", job.message
    result = client.get(f"/jobs/{job.pk}/result/")
    assert result.status_code == 200
    assert "items.csv" in result["Content-Disposition"]
