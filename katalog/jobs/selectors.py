"""Reads of jobs: a person sees their own jobs only (their inputs and results are their data)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from katalog.core.errors import NotFound
from katalog.jobs.models import Job


def _visible(actor: Any) -> QuerySet[Job]:
    return Job.objects.filter(actor_id=getattr(actor, "pk", None) or -1)


def job_get(job_id: Any, *, actor: Any) -> Job:
    try:
        return _visible(actor).get(pk=int(job_id))
    except (Job.DoesNotExist, TypeError, ValueError):
        raise NotFound(_("No job %(id)s") % {"id": job_id}, code="JOB_NOT_FOUND") from None


def job_list(*, actor: Any, before: int | None = None, limit: int = 50) -> list[Job]:
    """The user's jobs, newest first; `before` is the last id of the previous page (keyset)."""
    jobs = _visible(actor).filter(actor_id=getattr(actor, "pk", None) or -1).order_by("-id")
    if before:
        jobs = jobs.filter(pk__lt=before)
    return list(jobs[: max(1, min(limit, 200))])
