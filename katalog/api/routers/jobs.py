"""REST endpoints of background jobs: submit (multipart), follow progress, fetch reports."""

from __future__ import annotations

import json
from typing import Any

from django.http import FileResponse, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from katalog.api.auth import AuthenticatedRequest, api_auth
from katalog.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, after_key, page_body
from katalog.api.schemas import PAGINATED, READ_PROBLEMS, WRITE_PROBLEMS, responses
from katalog.api.schemas.jobs import (
    JobOut,
    JobPage,
)
from katalog.core.downloads import path_download
from katalog.core.errors import ValidationFailed
from katalog.jobs.errors import JobErrorCode
from katalog.jobs.models import Job
from katalog.jobs.selectors import job_file_path, job_get, job_list
from katalog.jobs.services import job_cancel, job_submit

router = Router(tags=["jobs"])

# Every operation needs a token or a session: without one, 401.
JOB_READ_PROBLEMS = (401, *READ_PROBLEMS, 410)


def _params(text: str) -> dict[str, Any]:
    try:
        params = json.loads(text or "{}")
    except json.JSONDecodeError:
        params = None
    if not isinstance(params, dict):
        raise ValidationFailed(_("params must be a JSON object"), code=JobErrorCode.INVALID_PARAMS)
    return params


@router.post(
    "",
    response=responses({202: JobOut}, WRITE_PROBLEMS),
    auth=api_auth,
    summary="Submit a job (multipart: kind, file, params)",
)
def submit(
    request: AuthenticatedRequest,
    kind: Form[str],
    params: Form[str] = "{}",
    # django-ninja makes the schema from the annotation: `| None` would make the field nullable
    # in the API document, while the default of None already makes it optional.
    file: File[UploadedFile] = None,  # type: ignore[assignment]
) -> Status:
    job = job_submit(
        actor=request.auth,
        kind=kind,
        params=_params(params),
        upload=file,
        filename=(file.name or "") if file else "",
    )
    return Status(202, job)


@router.get(
    "",
    response=responses({200: JobPage}, JOB_READ_PROBLEMS),
    auth=api_auth,
    openapi_extra=PAGINATED,
    summary="My jobs, newest first",
)
def list_jobs(
    request: AuthenticatedRequest,
    response: HttpResponse,
    after: str | None = None,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
) -> dict:
    found = job_list(actor=request.auth, before=after_key(after), limit=limit)
    return page_body(request, response, found)


@router.get(
    "/{job_id}",
    response=responses({200: JobOut}, JOB_READ_PROBLEMS),
    auth=api_auth,
    summary="A job: state, progress, counts",
)
def get_job(request: AuthenticatedRequest, job_id: int) -> Job:
    return job_get(job_id, actor=request.auth)


@router.post(
    "/{job_id}/cancel",
    response=responses({200: JobOut}, WRITE_PROBLEMS),
    auth=api_auth,
    summary="Cancel a queued job",
)
def cancel(request: AuthenticatedRequest, job_id: int) -> Job:
    return job_cancel(actor=request.auth, job=job_get(job_id, actor=request.auth))


@router.get(
    "/{job_id}/errors",
    response=responses({200: None}, JOB_READ_PROBLEMS),
    auth=api_auth,
    summary="The error report (CSV: line, column, code, message)",
)
def errors(request: AuthenticatedRequest, job_id: int) -> FileResponse:
    job = job_get(job_id, actor=request.auth)
    return path_download(
        job_file_path(job, "errors"), f"job-{job.pk}-errors.csv", "text/csv; charset=utf-8"
    )


@router.get(
    "/{job_id}/result",
    response=responses({200: None}, JOB_READ_PROBLEMS),
    auth=api_auth,
    summary="The result file",
)
def result(request: AuthenticatedRequest, job_id: int) -> FileResponse:
    from katalog.transfer.exporters import FORMATS

    job = job_get(job_id, actor=request.auth)
    suffix = job.result_name.rpartition(".")[2]
    return path_download(
        job_file_path(job, "result"),
        job.result_name or f"job-{job.pk}-result",
        FORMATS.get(suffix, "application/octet-stream"),
    )
