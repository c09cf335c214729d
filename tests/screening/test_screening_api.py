"""The screening endpoints: one item, a parts list as a job, decisions."""

from __future__ import annotations

import csv
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from katalog.accounts.tokens import token_create
from katalog.core.actors import SYSTEM_OPERATOR
from katalog.jobs.models import Job
from katalog.jobs.services import job_execute
from katalog.jobs.storage import job_file
from katalog.screening.models import ScreeningDecision


@pytest.fixture
def token(person) -> str:
    return token_create(actor=SYSTEM_OPERATOR, user=person, name="screening tests")[1]


def post_json(path: str, body: dict, token: str | None = None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return Client().post(path, data=json.dumps(body), content_type="application/json", **headers)


def test_screening_api_single(catalogue) -> None:
    response = post_json(
        "/api/v1/screening",
        {
            "references": [{"number": "абвг-123456-001-01", "manufacturer_code": "A100F"}],
            "item_name_code": "10101",
            "supply_class": "5310",
            "characteristics": {"THDD": "0.3937 in"},
        },
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["verdict"] == "duplicate"
    top = data["candidates"][0]
    assert top["catalogue_number"] == catalogue.nut.catalogue_number
    assert top["evidence"][0]["kind"] == "reference_same_manufacturer"
    assert (data["lower"], data["upper"]) == (0.55, 0.85)


def test_screening_api_tells_the_evidence_in_the_language_asked(catalogue) -> None:
    body = {
        "references": [{"number": "АБВГ.123456.001-01", "manufacturer_code": "A100F"}],
        "item_name_code": "10101",
        "characteristics": {"THDD": "10 mm"},
    }

    def evidence(path: str) -> list[dict]:
        response = Client().post(
            path, json.dumps(body), content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
        )
        return response.json()["candidates"][0]["evidence"]

    english, russian = evidence("/api/v1/screening"), evidence("/api/v1/screening?lang=ru")
    assert english[0]["detail"] == (
        "Same reference number АБВГ.123456.001-01 of the same manufacturer A100F"
    )
    assert russian[0]["detail"] == "То же обозначение АБВГ.123456.001-01 того же изготовителя A100F"
    assert [(e["code"], e["params"]) for e in russian] == [
        (e["code"], e["params"]) for e in english
    ]


def test_screening_api_bad_input_is_a_problem(catalogue) -> None:
    response = post_json(
        "/api/v1/screening", {"item_name_code": "10101", "characteristics": {"THDD": "ten"}}
    )
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "VALUE_NOT_A_NUMBER"


def test_screening_api_batch_runs_as_a_job(catalogue, token, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("KATALOG_JOBS_DIR", str(tmp_path))
    upload = SimpleUploadedFile(
        "parts.csv",
        b"reference_number,manufacturer_code\nMS-0035,A100F\n,\n",
        content_type="text/csv",
    )
    response = Client().post(
        "/api/v1/screening/batch", {"file": upload}, HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 202, response.content
    job_id = response.json()["job_id"]
    assert response.json()["url"] == f"/api/v1/jobs/{job_id}"
    job = job_execute(job_id)
    assert job.state == "succeeded", job.message
    assert job.counts["duplicate"] == 1
    rows = list(csv.DictReader(job_file(job.result_file).open(encoding="utf-8")))
    assert rows[0]["catalogue_number"] == catalogue.zeros.catalogue_number
    assert Job.objects.get(pk=job_id).error_count == 0  # a blank row is skipped, not rejected


def test_screening_api_batch_needs_a_user(catalogue) -> None:
    upload = SimpleUploadedFile("parts.csv", b"reference_number\nX1\n")
    assert Client().post("/api/v1/screening/batch", {"file": upload}).status_code == 401


def test_screening_api_decision(catalogue, token) -> None:
    body = {
        "catalogue_number": catalogue.sibling.catalogue_number, "verdict": "review",
        "decision": "not_duplicate", "justification": "suffix_changes_item",
    }  # fmt: skip
    assert post_json("/api/v1/screening/decisions", body).status_code == 401
    response = post_json("/api/v1/screening/decisions", body, token)
    assert response.status_code == 201, response.content
    assert ScreeningDecision.objects.get().item_id == catalogue.sibling.pk
