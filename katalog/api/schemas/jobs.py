"""Bodies of the job endpoints: a job with its progress and counts, and a page of jobs."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema

from katalog.jobs.models import Job


class JobOut(Schema):
    id: int
    kind: str
    state: str
    params: dict
    input_name: str
    done: int
    total: int | None
    counts: dict
    error_count: int
    message: str
    has_errors: bool
    has_result: bool
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    row_version: int

    @staticmethod
    def resolve_has_errors(job: Job) -> bool:
        return bool(job.error_file)

    @staticmethod
    def resolve_has_result(job: Job) -> bool:
        return bool(job.result_file)


class JobPage(Schema):
    items: list[JobOut]
    next: str | None
