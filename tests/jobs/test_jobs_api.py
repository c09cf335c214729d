"""Jobs through the API: submitted as multipart, run by the worker's loop, followed by progress
and counts, with the error report and result file to download; users see only their jobs."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import call_command

from katalog.catalog.models import Item
from katalog.jobs.models import Job, JobState

ITEMS_CSV = (
    "catalogue_number;item_name_code;name\n"
    "5310-57-000-8001;10101;ГАЙКА\n"
    "5310-57-000-80X2;10101;bad\n"
    "5310-57-000-8003;10101;=HYPERLINK()\n"
)


def upload(name: str, text: str, encoding: str = "utf-8") -> io.BytesIO:
    data = io.BytesIO(text.encode(encoding))
    data.name = name
    return data


def run_worker() -> None:
    """The worker command itself, in this process, until the queue is empty."""
    call_command("worker", "--batch", "--interval", "0")


def submit(client, headers, **fields):
    return client.post("/api/v1/jobs", fields, **headers)


@pytest.mark.django_db(transaction=True)
def test_import_job_runs_and_reports_progress_counts_and_errors(client, owner):
    _user, headers = owner
    response = submit(
        client,
        headers,
        kind="import-items",
        params=json.dumps({"on_existing": "skip"}),
        file=upload("items.csv", ITEMS_CSV, "cp1251"),
    )
    assert response.status_code == 202, response.content
    job = response.json()
    assert (job["state"], job["kind"], job["input_name"]) == ("queued", "import-items", "items.csv")

    run_worker()

    done = client.get(f"/api/v1/jobs/{job['id']}", **headers).json()
    assert done["state"] == "succeeded", done["message"]
    assert (done["done"], done["total"]) == (3, 3)
    assert (done["counts"]["created"], done["counts"]["rejected"], done["error_count"]) == (2, 1, 1)
    assert done["has_errors"]
    assert not done["has_result"]
    assert Item.objects.get(niin="570008001").name_text == "ГАЙКА"

    errors = client.get(f"/api/v1/jobs/{job['id']}/errors", **headers)
    assert errors.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(errors.streaming_content).decode("utf-8"))))
    assert rows[0] == ["line", "column", "code", "message"]
    assert rows[1][:3] == ["3", "catalogue_number", "INVALID_CATALOGUE_NUMBER"]
    missing = client.get(f"/api/v1/jobs/{job['id']}/result", **headers)
    assert (missing.status_code, missing.json()["code"]) == (404, "JOB_FILE_NOT_FOUND")


@pytest.mark.django_db(transaction=True)
def test_export_job_result_downloads_and_parses(client, owner):
    _user, headers = owner
    submit(client, headers, kind="import-items", file=upload("items.csv", ITEMS_CSV))
    response = submit(client, headers, kind="export-items", params=json.dumps({"format": "jsonl"}))
    assert response.status_code == 202
    run_worker()
    job = client.get(f"/api/v1/jobs/{response.json()['id']}", **headers).json()
    assert (job["state"], job["counts"]["rows"], job["has_result"]) == ("succeeded", 2, True)
    result = client.get(f"/api/v1/jobs/{job['id']}/result", **headers)
    assert result["Content-Type"] == "application/x-ndjson"
    assert 'filename="items.jsonl"' in result["Content-Disposition"]
    rows = [
        json.loads(line) for line in b"".join(result.streaming_content).decode("utf-8").splitlines()
    ]
    assert [r["name"] for r in rows] == [
        "ГАЙКА",
        "=HYPERLINK()",
    ]  # JSON is not a spreadsheet: kept exact


@pytest.mark.django_db
def test_jobs_are_private_and_listed_newest_first_by_keyset(client, owner, stranger):
    _user, headers = owner
    ids = [submit(client, headers, kind="export-items").json()["id"] for _ in range(3)]
    _other, other_headers = stranger
    assert client.get(f"/api/v1/jobs/{ids[0]}", **other_headers).status_code == 404
    assert client.get("/api/v1/jobs", **other_headers).json()["items"] == []

    first = client.get("/api/v1/jobs", {"limit": 2}, **headers).json()
    assert [j["id"] for j in first["items"]] == [ids[2], ids[1]]
    second = client.get("/api/v1/jobs", {"limit": 2, "after": first["next"]}, **headers).json()
    assert [j["id"] for j in second["items"]] == [ids[0]]
    assert second["next"] is None
    for limit in (0, 100_000):
        refused = client.get("/api/v1/jobs", {"limit": limit}, **headers)
        assert refused.status_code == 422
        assert refused["Content-Type"].startswith("application/problem+json")


@pytest.mark.django_db
def test_submission_errors(client, owner):
    _user, headers = owner
    assert client.post("/api/v1/jobs", {"kind": "export-items"}).status_code == 401
    unknown = submit(client, headers, kind="launch-rockets")
    assert (unknown.status_code, unknown.json()["code"]) == (422, "UNKNOWN_JOB_KIND")
    no_file = submit(client, headers, kind="import-items")
    assert (no_file.status_code, no_file.json()["code"]) == (422, "FILE_REQUIRED")
    bad_params = submit(client, headers, kind="export-items", params="[1]")
    assert (bad_params.status_code, bad_params.json()["code"]) == (422, "INVALID_PARAMS")


@pytest.mark.django_db
def test_cancel_a_queued_job(client, owner):
    _user, headers = owner
    job_id = submit(client, headers, kind="export-items").json()["id"]
    cancelled = client.post(f"/api/v1/jobs/{job_id}/cancel", **headers)
    assert cancelled.json()["state"] == "cancelled"
    again = client.post(f"/api/v1/jobs/{job_id}/cancel", **headers)
    assert (again.status_code, again.json()["code"]) == (409, "JOB_NOT_QUEUED")
    assert Job.objects.get(pk=job_id).state == JobState.CANCELLED


@pytest.mark.django_db(transaction=True)
def test_failed_job_keeps_its_reason(client, owner):
    _user, headers = owner
    response = submit(client, headers, kind="export-items", params=json.dumps({"format": "pdf"}))
    run_worker()
    job = client.get(f"/api/v1/jobs/{response.json()['id']}", **headers).json()
    assert job["state"] == "failed"
    assert job["message"].startswith("UNKNOWN_EXPORT_FORMAT")
