"""The queue task: the worker (`katalog worker`) runs one job per task."""

from __future__ import annotations

from django_tasks import task


@task()
def run_job(job_id: int) -> None:
    from katalog.jobs.services import job_execute

    job_execute(job_id)
