"""Reads of jobs: a person sees their own jobs only (their inputs and results are their data)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from katalog.core.actors import Actor
from katalog.core.errors import Gone, NotFound
from katalog.core.paging import Page, keyset_page
from katalog.jobs.errors import JobErrorCode as E
from katalog.jobs.models import Job
from katalog.jobs.storage import job_file


def _visible(actor: Actor) -> QuerySet[Job]:
    return Job.objects.filter(actor_id=getattr(actor, "pk", None) or -1)


def job_get(job_id: Any, *, actor: Actor) -> Job:
    try:
        return _visible(actor).get(pk=int(job_id))
    except (Job.DoesNotExist, TypeError, ValueError):
        raise NotFound(_("No job %(id)s") % {"id": job_id}, code=E.JOB_NOT_FOUND) from None


def job_list(
    *, actor: Actor, before: int | None = None, limit: int = 50, kind: str = ""
) -> Page[Job]:
    """The user's jobs (of one kind, if given), newest first; `before` is the last id of the
    previous page (keyset)."""
    jobs = _visible(actor)
    if kind:
        jobs = jobs.filter(kind=kind)
    return keyset_page(jobs, "-id", after=before or None, limit=max(1, min(limit, 200)))


def job_file_path(job: Job, which: str) -> Path:
    """The job's error report (`errors`) or result (`result`) on disk; 410 once the retention
    period has removed it, 404 when the job has none."""
    if job.files_removed_at is not None:
        raise Gone(
            _("The files of job %(id)s were removed after %(days)d days")
            % {"id": job.pk, "days": settings.JOB_FILE_RETENTION_DAYS},
            code=E.JOB_FILES_REMOVED,
        )
    relative = job.error_file if which == "errors" else job.result_file
    path = job_file(relative) if relative else None
    if path is None or not path.exists():
        raise NotFound(_("Job %(id)s has no such file") % {"id": job.pk}, code=E.JOB_FILE_NOT_FOUND)
    return path


IMPORT_PREFIX = "import-"


def recent_imports(*, actor: Actor, limit: int = 5) -> list[Job]:
    """The user's last imports, newest first, with their counts of rejected rows."""
    jobs = _visible(actor).filter(kind__startswith=IMPORT_PREFIX).order_by("-id")
    return list(jobs[: max(1, min(limit, 50))])
